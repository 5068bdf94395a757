//! Footnotes: blocks of notes at the foot of a page leave the body for the notes, and the marks in
//! the body that point at them become `[^N]`.
//!
//! **Finding the notes.** On each page (pages are split at form feeds, furniture is already gone)
//! the pass looks for the topmost line, below at least one body line and in the lower two thirds
//! of the page, that starts with a note mark and from which every line to the foot of the page can
//! be notes. Marks are read as:
//! - a number of one to three digits (or superscript digits) followed by `-`, `_`, `.`, `)` or a
//!   dash, or by a space after a blank line (`3-Here`, `2_Ivanov`): it must continue the document's
//!   note sequence (the next number, or 1 where numbering restarts). Lists look the same with `1.`,
//!   `1)` or `1 `: a block with such marks is taken only when one of its marks is found in the body;
//! - a sign followed by a dash (`'-Vladimir`): an OCR-garbled number, accepted when the next note of
//!   the block continues the sequence after it (its number is inferred);
//! - `*`, `*)`, `†`, `‡`, `§`, or a short token with `)` or `*` and no letters (OCR of `*)`, such as
//!   `")`): accepted at the page foot; a bare `*` or a token with one or two letters (`V)`, `it)`)
//!   only in a document of several pages, in the lower half of the page, after a blank line or when
//!   the body holds a note sign.
//!
//! - in books, a letter or sign set as a word of its own after a blank line (`a Replacing ...`,
//!   `* Subsequently ...`, `» Haply.`), which is how OCR renders a superscript: in a block of
//!   spaced numbers it stands for the number the sequence leaves open (between 1 and 3, or after
//!   the last); `a`, `b`, ... in order key notes by letters. A lone `a` with nothing to agree is
//!   text (`a Portuguese ship`).
//!
//! A note's text must not start in lowercase (`1-amily` is a garbled heading, not note 1). A sign
//! followed by signs only is a section break (`* * *`); a bare sign that starts two lines of the
//! foot is a bullet.
//!
//! **Books.** A book sets its notes in smaller type, so their lines hold more characters than the
//! body's, and its OCR reads a superscript as a word of its own, in the notes (`1 See p. 446`) and
//! in the body (`India 2 remained`, `Minutes"; 1 although`). A block of such spaced numbers is
//! taken when half of its numbers stand so in the body, after a word or after punctuation that
//! follows a letter, never after a figure (`1879, 1`), and its wrapped lines are not at the body's
//! width (a numbered article of the body, `2 ITEM we appointe ...`, is); a note's number is linked
//! when the page holds it once, and each place is flagged when it holds it more often. Such a
//! block may open with a number below the expected one (books number notes per page, and the
//! page's first mark may be unreadable). Within it:
//! - notes run together on one line (`Haply. 2 The like.`) are split at the next number after a
//!   sentence end, before a capital;
//! - a note ends where the body resumes: after two blank lines or more (the gap between printed
//!   pages that no page boundary marked), or at a paragraph at the body's width below notes set
//!   wider. Without this, a note on a page whose break was missed ran on through the next pages
//!   (one took in 3,500 words).
//!
//! A note continued on the next page: when the last note of a page does not end a sentence, the
//! paragraphs of the next page just above its notes (or at its foot when it has none), each after
//! a blank line, are joined to it when their wrapped lines are at least 8% wider than the body
//! above them and at least 95% of the width of the document's notes (`footnotes.continued`). A
//! paragraph at the body's width ends the search. With the notes out of the body, a word
//! hyphenated at the page foot above them (`stipu-` / `a See ...` / next page `lation`) is joined
//! by the dehyphenation pass to the next page's first line, not to a note.
//!
//! Notes are looked for only in text that shows printed pages: page breaks, or hard-wrapped lines
//! (a plain line end before a line that starts in lowercase or after a word-final hyphen, see
//! [`crate::layout::shows_hard_wrap`]). Text whose lines are paragraphs, such as the cleaned body
//! read again, has no page foot; so cleaning the cleaned body moves no note.
//!
//! Within a block, a line that starts with the next number or sign starts the next note; any other
//! line continues the current one. Notes are numbered 1, 2, ... in document order.
//!
//! **References.** For each note, the body of its page is searched for its mark glued to closing
//! punctuation or to a word (`China.3`, `wollte *)`), never a number standing alone (`21°`,
//! `$9 billion`, `pp. 9-10`). A note whose digit mark is not found may take a garbled sign glued to
//! punctuation (`Union.#`): when it is the only note of the page left without a reference, or when
//! the sign is a known look-alike of its number. A note without a reference, or a reference mark
//! without a note, is listed for review; no position is guessed.
//!
//! A note whose mark the OCR dropped entirely is found only when the page body holds a `*)` that no
//! note answers and a sentence visibly breaks off in the lower part of the page (a line ending in a
//! lowercase word, the next starting with a capitalised function word of the document's language).
//!
//! Known limits: a note whose mark the OCR lost in a block of spaced numbers stays part of the
//! note above it; a running head that the furniture pass left (no page number) stands between a
//! continued note's parts and between the halves of a word hyphenated at the page foot.

use std::sync::OnceLock;

use regex::Regex;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::lang::is_function_word;
use crate::layout::{self, LineSpan};

pub struct Footnotes;

pub const NOTE: BuiltinRule = BuiltinRule {
    id: "footnotes.note",
    description: "Footnote text moved from the foot of its page to the notes.",
};

pub const MARK: BuiltinRule = BuiltinRule {
    id: "footnotes.mark",
    description: "Note mark at the start of a footnote (and the line end before it) dropped: the notes file numbers the notes.",
};

pub const REFERENCE: BuiltinRule = BuiltinRule {
    id: "footnotes.reference",
    description: "Reference mark in the body written as `[^N]`.",
};

pub const CONTINUED: BuiltinRule = BuiltinRule {
    id: "footnotes.continued",
    description: "Text at the foot of a page that continues the previous page's last note, moved to that note.",
};

pub const ORPHAN_NOTE: BuiltinRule = BuiltinRule {
    id: "footnotes.orphan-note",
    description: "A note whose reference mark was not found on its page (flag only).",
};

pub const ORPHAN_MARK: BuiltinRule = BuiltinRule {
    id: "footnotes.orphan-mark",
    description: "A note mark in the body with no note on its page (flag only).",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[NOTE, MARK, REFERENCE, CONTINUED, ORPHAN_NOTE, ORPHAN_MARK];

/// Signs that OCR makes of a superscript digit, and the digit each most often stands for.
const MARK_LOOKALIKES: &[(char, u32)] =
    &[('#', 4), ('®', 8), ('°', 0), ('¹', 1), ('²', 2), ('³', 3)];

/// Signs that can stand for a garbled superscript mark glued to punctuation.
const GARBLED_SIGNS: &[char] = &[
    '#', '®', '©', '°', '¤', '§', '†', '‡', '*', '^', '~', '¹', '²', '³',
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Mark {
    Number(u32),
    /// A sign standing for a number the OCR garbled.
    Garbled(char),
    /// `*`, `*)`, `†` and the like; `plain` is false for OCR-garbled `X)` forms.
    Symbol {
        plain: bool,
    },
    /// A letter or sign set as a word of its own after a blank line (`a See the preceding`,
    /// `» Haply.`): a letter key, or the OCR of a superscript digit. It stands for a number when it
    /// fills the gap of a numbered block; `a`, `b`, ... in order key notes by letters.
    Letter(char),
}

/// A line that starts with a note mark: the mark, and the byte offset where the note text starts.
#[derive(Debug, Clone)]
struct MarkLine {
    mark: Mark,
    text_start: usize,
    /// `1.`, `1)` or `1 ` marks, which lists use too: such a block needs a reference in the body.
    list_like: bool,
    /// The mark is followed by a space only (`1 See p. 446`, as books set a superscript that the
    /// OCR reads as a word of its own): its references in the body are spaced too (`India 2 remained`).
    spaced: bool,
    /// The number a garbled mark or a letter stands for, inferred from the block's sequence.
    inferred: Option<u32>,
}

fn superscript_value(s: &str) -> Option<u32> {
    let mut n = 0;
    for c in s.chars() {
        let d = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|x| x == c)? as u32;
        n = n * 10 + d;
    }
    Some(n)
}

struct MarkPatterns {
    number: Regex,
    superscript: Regex,
    garbled: Regex,
    symbol: Regex,
    star: Regex,
    sign_token: Regex,
    letter: Regex,
}

impl MarkPatterns {
    fn new() -> Self {
        let re = |p: &str| Regex::new(p).expect("static pattern");
        Self {
            number: re(r"^([0-9]{1,3})([-_.)–—]|\s)\s*"),
            superscript: re(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*"),
            garbled: re(r"^([^\w\s])[-_–]\s*"),
            symbol: re(r"^(\*{1,3}\)|[†‡§]{1,2}\)?)\s*"),
            star: re(r"^(\*{1,3})\s+"),
            sign_token: re(r"^(\S{1,8})\s+"),
            letter: re(r"^([a-z»«^])\s+[\p{Lu}\x22“(]"),
        }
    }

    /// The mark at the start of `line`, if any; `after_blank` allows a plain space after a number.
    fn parse(&self, text: &str, line: LineSpan, after_blank: bool) -> Option<MarkLine> {
        let raw = line.text(text);
        let lead = raw.len() - raw.trim_start().len();
        let l = &raw[lead..];
        // A letter or sign alone before a capitalised note text, after a blank line. The text
        // after it starts in capitals, so `a Portuguese ship` in running text needs the agreeing
        // evidence of its block (see `find_block`).
        if after_blank && let Some(c) = self.letter.captures(l) {
            let key = c[1].chars().next()?;
            let len = c[1].len() + (l[c[1].len()..].len() - l[c[1].len()..].trim_start().len());
            return Some(MarkLine {
                mark: Mark::Letter(key),
                text_start: line.start + lead + len,
                list_like: false,
                spaced: true,
                inferred: None,
            });
        }
        // Most lines start with a word: no pattern can match one unless its first token holds
        // a `)` (an OCR form of `*)`), so the regexes are spared.
        if l.starts_with(char::is_alphabetic)
            && !l
                .split(char::is_whitespace)
                .next()
                .is_some_and(|t| t.contains(')'))
        {
            return None;
        }
        let mut list_like = false;
        let mut spaced_mark = false;
        let (mark, len) = if let Some(c) = self.number.captures(l) {
            let sep = &c[2];
            let rest = &l[c[0].len()..];
            let spaced = sep.chars().all(char::is_whitespace);
            if (spaced && !after_blank)
                || rest.is_empty()
                || rest.starts_with(|c: char| c.is_ascii_digit())
            {
                return None;
            }
            list_like = spaced || sep == "." || sep == ")";
            spaced_mark = spaced;
            (Mark::Number(c[1].parse().ok()?), c[0].len())
        } else if let Some(c) = self.superscript.captures(l) {
            (Mark::Number(superscript_value(&c[1])?), c[0].len())
        } else if let Some(c) = self.symbol.captures(l) {
            (Mark::Symbol { plain: true }, c[0].len())
        } else if let Some(c) = self.star.captures(l) {
            // A bare star also starts bullet points: it needs a star in the body.
            (Mark::Symbol { plain: false }, c[0].len())
        } else if let Some(c) = self.garbled.captures(l) {
            (Mark::Garbled(c[1].chars().next()?), c[0].len())
        } else if let Some(c) = self.sign_token.captures(l) {
            // OCR of `*)`: a short token ending in `)` (and signs) with at most two letters (`")`,
            // `V)`), never a bracketed item such as `(5s)`.
            let token = &c[1];
            let alphanumerics = token.chars().filter(|c| c.is_alphanumeric()).count();
            let after_paren = token.rsplit(')').next().unwrap_or("");
            if !token.contains(')')
                || token.contains('(')
                || after_paren.chars().any(char::is_alphanumeric)
                || alphanumerics > 2
            {
                return None;
            }
            (
                Mark::Symbol {
                    plain: alphanumerics == 0,
                },
                c[0].len(),
            )
        } else {
            return None;
        };
        // A note begins like a sentence or a citation, not in lowercase (`1-amily` is a garbled
        // heading).
        if l[len..].starts_with(char::is_lowercase) {
            return None;
        }
        // A sign followed by signs only is a section break (`* * *`), not a note.
        if matches!(mark, Mark::Symbol { .. }) && !l[len..].contains(char::is_alphanumeric) {
            return None;
        }
        (l.len() > len).then(|| MarkLine {
            list_like,
            spaced: spaced_mark,
            inferred: None,
            mark,
            text_start: line.start + lead + len,
        })
    }
}

/// A block whose wrapped lines are at most this much wider than the body's reads at the body's
/// width: it is body text, not notes set in smaller type.
const BODY_WIDTH: f64 = 1.03;

/// Spaced numbers in the body that can be a superscript mark the OCR read as a word of its own:
/// one or two digits after a word or after punctuation that follows a letter, before a space or
/// the line end (`India 2 remained`, `Minutes"; 1 although`), never after a figure (`1879, 1`).
fn spaced_reference_marks(body: &str) -> Vec<(std::ops::Range<usize>, u32)> {
    static SPACED_REF: OnceLock<Regex> = OnceLock::new();
    let re = SPACED_REF.get_or_init(|| {
        Regex::new(r"(?:\p{L}{2}|\p{L}[.,;:!?”’'\x22)\]]{1,2})( [0-9]{1,2})(?:[ \n]|$)")
            .expect("static pattern")
    });
    re.captures_iter(body)
        .filter_map(|c| {
            let m = c.get(1)?;
            Some((m.range(), m.as_str().trim().parse().ok()?))
        })
        .collect()
}

/// At least half of the block's numbered notes have a spaced candidate mark in the body.
fn spaced_references_agree(body: &str, notes: &[Note]) -> bool {
    let candidates = spaced_reference_marks(body);
    let numbered: Vec<u32> = notes.iter().filter_map(|n| n.printed).collect();
    let found = numbered
        .iter()
        .filter(|p| candidates.iter().any(|(_, v)| v == *p))
        .count();
    !numbered.is_empty() && found * 2 >= numbered.len()
}

/// True when `text` ends a sentence: a full stop, question or exclamation mark, perhaps followed
/// by closing quotes or brackets.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']'])
        .ends_with(['.', '?', '!'])
}

/// A continuation is set wider than the body by at least this much (notes in smaller type).
const NOTE_WIDTH: f64 = 1.08;

/// ... and its wrapped lines are at least this share of the median width of the document's notes.
const NOTE_SAME_WIDTH: f64 = 0.95;
/// A block above the lower two thirds of its page is taken only once the document's notes have
/// shown their width in at least this many wrapped lines.
const NOTE_WIDTH_MIN_LINES: usize = 10;

/// Where the text that continues the previous page's note starts, as a content index: the
/// paragraphs just above `upto` (the block's first line, or the page end), each after a blank
/// line, each with wrapped lines at least [`NOTE_WIDTH`] times as wide as the body above it, and
/// at least three body lines above them; with the narrowest median width of their wrapped lines,
/// which must also be the width of the document's notes (see `Footnotes::run`). A paragraph at
/// the body's width, one that opens with a mark, or a single line whose width shows nothing, ends
/// the search: the body is never taken for a note.
fn continuation_start(
    text: &str,
    lines: &[LineSpan],
    content: &[usize],
    upto: usize,
    patterns: &MarkPatterns,
) -> Option<(usize, usize)> {
    let width = |c: usize| lines[content[c]].text(text).trim().chars().count();
    let median = |mut v: Vec<usize>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let mut found: Option<(usize, usize)> = None;
    let mut end = upto;
    while end > 0 {
        let para = (1..end)
            .rev()
            .find(|&c| content[c] - content[c - 1] > 1)
            .unwrap_or(0);
        // A paragraph that opens with a mark is a note of its own, not a continuation.
        if para < 3 || end - para < 2 || patterns.parse(text, lines[content[para]], true).is_some()
        {
            break;
        }
        let body = median((0..para).map(width).collect());
        let wrapped = median((para..end - 1).map(width).collect());
        if (wrapped as f64) < body as f64 * NOTE_WIDTH {
            break;
        }
        found = Some((para, found.map_or(wrapped, |(_, w)| w.min(wrapped))));
        end = para;
    }
    found
}

/// The edit that moves the text continuing a note from the previous page to that note.
fn continuation_edit(range: std::ops::Range<usize>, number: usize) -> Edit {
    Edit::new(range, "", CONTINUED)
        .move_to_note(number)
        .confidence(0.75)
        .evidence(format!(
            "note {number} breaks off at the foot of the previous page; this text above the page's notes is set at their width, wider than the body"
        ))
}

/// Notes run together on one line of a block of spaced marks (`Haply. 2 The like.`): a note whose
/// text holds the next number after a sentence end and before a capital, where no line of the
/// block starts with it, is split there.
fn split_run_together(text: &str, notes: &mut Vec<Note>, number: &mut usize, printed: &mut u32) {
    static INLINE: OnceLock<Regex> = OnceLock::new();
    let inline = INLINE.get_or_init(|| {
        Regex::new(r"[.?!:)\x22”](\s+([0-9]{1,2})\s+)[\p{Lu}\x22“]").expect("static pattern")
    });
    let mut out: Vec<Note> = Vec::with_capacity(notes.len());
    for (j, note) in notes.iter().enumerate() {
        let mut note = note.clone();
        let next_printed = notes.get(j + 1).and_then(|n| n.printed);
        while let Some(p) = note.printed {
            let body = &text[note.text_start..note.text_end];
            let split = inline.captures_iter(body).find_map(|c| {
                let v: u32 = c[2].parse().ok()?;
                (v == p + 1 && next_printed != Some(p + 1)).then(|| c.get(1).map(|m| m.range()))?
            });
            let Some(r) = split else { break };
            let mut next = note.clone();
            note.text_end = note.text_start + r.start;
            next.mark_start = note.text_end;
            next.text_start = note.text_start + r.end;
            next.printed = Some(p + 1);
            next.evidence = format!(
                "next note run together on the same line ({})",
                note.evidence
            );
            out.push(note);
            note = next;
        }
        out.push(note);
    }
    let first = notes.first().map_or(*number, |n| n.number);
    for (i, note) in out.iter_mut().enumerate() {
        note.number = first + i;
    }
    *number = first + out.len();
    if let Some(p) = out.last().and_then(|n| n.printed) {
        *printed = (*printed).max(p + 1);
    }
    *notes = out;
}

/// A note found at the foot of a page.
#[derive(Debug, Clone)]
struct Note {
    number: usize,
    /// The printed number, when the mark was (or was inferred to be) a number.
    printed: Option<u32>,
    symbol: bool,
    /// The block's marks are spaced numbers (`1 See ...`): references may be spaced too.
    spaced: bool,
    /// Start of the mark line and start/end of the note's text.
    mark_start: usize,
    text_start: usize,
    text_end: usize,
    confidence: f64,
    evidence: String,
}

/// A sign-style note mark in the body besides `*)`: `*`, `†`, `‡` glued to the word or sign before
/// it.
fn symbol_reference_pattern() -> &'static Regex {
    static SIGN: OnceLock<Regex> = OnceLock::new();
    SIGN.get_or_init(|| Regex::new(r"[^\s*][*†‡]+(?:[\s.,;:]|$)").expect("static pattern"))
}

impl Pass for Footnotes {
    fn name(&self) -> &'static str {
        "footnotes"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        static PATTERNS: OnceLock<MarkPatterns> = OnceLock::new();
        let patterns = PATTERNS.get_or_init(MarkPatterns::new);
        let mut edits = Vec::new();
        let mut next_number = 1usize; // the next note's output number
        let mut next_printed = 1u32; // the next printed number the sequence expects
        let pages = layout::pages(text);
        let multi_page = pages.len() > 1;
        // A note block stands at the foot of a printed page, so the text must show that it is the
        // text of printed pages: page breaks, or hard-wrapped lines. Text whose lines are already
        // paragraphs (the body this tool writes) has no page foot: its end is where the notes were
        // taken out, and its lines are the paragraphs of every page run together, so what stood in
        // the upper part of a page, or alone at the top of a page, would otherwise be read as notes
        // when the body is cleaned again (`*)` / page break / `*)- `).
        let printed_pages = multi_page || layout::shows_hard_wrap(text);
        let pages = if printed_pages { pages } else { Vec::new() };
        let body_signs = signs_used_in_the_body(text, &pages, patterns);
        // The last note of the previous page, when its text breaks off (no full stop at its end):
        // the next page's foot may continue it.
        let mut open_note: Option<usize> = None;
        // Continuations found (text, note, width) and the widths of the notes' wrapped lines: a
        // continuation is kept when it is set at the width of the document's notes.
        let mut continuations: Vec<(std::ops::Range<usize>, usize, usize)> = Vec::new();
        let mut note_widths: Vec<usize> = Vec::new();
        for page in pages {
            let lines = &page.lines;
            let content: Vec<usize> = (0..lines.len())
                .filter(|&i| !lines[i].is_blank(text))
                .collect();
            let continued = open_note.take();
            let find = |reach| {
                find_block(
                    text,
                    lines,
                    &content,
                    patterns,
                    next_printed,
                    multi_page,
                    reach,
                )
                .filter(|b| !b.is_body_sign(text, &body_signs))
            };
            // A block is taken when its marks agree with the body (`judge_block`).
            let judge = |block: Block| {
                judge_block(
                    text,
                    &page,
                    &content,
                    block,
                    continued,
                    patterns,
                    (next_number, next_printed),
                )
            };
            let lower = find(Reach::LowerTwoThirds)
                .or_else(|| lost_mark_block(text, lines, &content, ctx.language?));
            let found = lower.is_some();
            let lower = lower.and_then(judge);
            // A book's block that opens with 1 higher on the page and takes in the block found
            // lower (which may open with 2, the page's first mark taken for lost): only where the
            // document's notes have shown their width, and every note of the block that wraps is
            // set at it.
            // (The count first: a document whose notes have not shown their width is spared the
            // second search of every page; the median only when a candidate is found.)
            let tall = || {
                if note_widths.len() < NOTE_WIDTH_MIN_LINES {
                    return None;
                }
                let block = find(Reach::BookNotesFromOne).filter(|b| {
                    lower.as_ref().is_none_or(|l| {
                        b.first < l.block.first
                            && b.end >= l.block.end
                            && b.marks.len() > l.block.marks.len()
                    })
                })?;
                let mut widths = note_widths.clone();
                widths.sort_unstable();
                let note_width = widths[widths.len() / 2];
                Some(block)
                    .filter(|b| b.notes_at_width(text, lines, &content, note_width))
                    .and_then(judge)
            };
            let judged = tall().or(lower);
            let Some(judged) = judged else {
                // A page whose whole foot continues the previous page's note.
                if !found
                    && let Some(number) = continued
                    && let Some((start, width)) =
                        continuation_start(text, lines, &content, content.len(), patterns)
                {
                    let end = lines[content[content.len() - 1]].end;
                    continuations.push((lines[content[start]].start..end, number, width));
                    if !ends_sentence(&text[..end]) {
                        open_note = Some(number);
                    }
                }
                continue;
            };
            (next_number, next_printed) = (judged.number, judged.printed);
            continuations.extend(judged.continuation);
            note_widths.extend(judged.block.wrapped_widths(text, lines, &content));
            for note in &judged.notes {
                edits.extend(note_edits(note));
            }
            if let Some(last) = judged.notes.last()
                && !ends_sentence(&text[last.text_start..last.text_end])
            {
                open_note = Some(last.number);
            }
            edits.extend(judged.links);
        }
        note_widths.sort_unstable();
        if let Some(&note_width) = note_widths.get(note_widths.len() / 2) {
            let before = edits.len();
            for (range, number, width) in continuations {
                if width as f64 >= note_width as f64 * NOTE_SAME_WIDTH {
                    edits.push(continuation_edit(range, number));
                }
            }
            if edits.len() > before {
                edits.sort_by_key(|e| e.range.start);
            }
        }
        // Sign-style marks in the body of pages without notes are orphans.
        let orphan = "*)";
        // Edits come page by page in page order, so one sweep finds the pages with notes.
        let mut note_starts = edits
            .iter()
            .filter(|e| e.rule == "footnotes.note")
            .map(|e| e.range.start)
            .collect::<Vec<_>>()
            .into_iter()
            .peekable();
        for page in layout::pages(text) {
            let page_text = &text[page.start..page.end];
            let mut has_note = false;
            while let Some(&at) = note_starts.peek()
                && at <= page.end
            {
                has_note |= at >= page.start;
                note_starts.next();
            }
            if has_note {
                continue;
            }
            for (i, m) in page_text.match_indices(orphan) {
                let at = page.start + i;
                edits.push(
                    Edit::new(at..at + m.len(), m, ORPHAN_MARK)
                        .kind(ChangeKind::Review)
                        .confidence(0.5)
                        .evidence("note mark with no note found at the foot of its page"),
                );
            }
        }
        edits
    }
}

/// A block found on a page, with its notes and references, once its marks agree with the body.
struct Judged {
    block: Block,
    /// The paragraphs above the block that continue the previous page's note.
    continuation: Option<(std::ops::Range<usize>, usize, usize)>,
    notes: Vec<Note>,
    links: Vec<Edit>,
    /// The next note's output number and the next printed number after this block.
    number: usize,
    printed: u32,
}

/// The block's notes and references when they agree with the page's body: a list-like mark
/// (`1.`, `1)`, `1 `) needs a reference glued in the body, or, for a book's spaced numbers, half
/// of its numbers standing so in the body and lines not at the body's width. `continued` is the
/// previous page's open note; `next` the next output and printed numbers.
fn judge_block(
    text: &str,
    page: &layout::PageSpan,
    content: &[usize],
    block: Block,
    continued: Option<usize>,
    patterns: &MarkPatterns,
    next: (usize, u32),
) -> Option<Judged> {
    let lines = &page.lines;
    let continuation = continued.and_then(|number| {
        let (start, width) = continuation_start(text, lines, content, block.first, patterns)?;
        let end = lines[content[block.first - 1]].end;
        Some((lines[content[start]].start..end, number, width))
    });
    let body_end = continuation
        .as_ref()
        .map_or(lines[content[block.first]].start, |c| c.0.start);
    let body = &text[page.start..body_end];
    let (mut number, mut printed) = next;
    let mut notes = block.notes(lines, content, &mut number, &mut printed);
    if block.marks[0].1.spaced {
        split_run_together(text, &mut notes, &mut number, &mut printed);
    }
    let links = references(page.start, body, &notes);
    let linked = links
        .iter()
        .any(|e| e.rule == REFERENCE.id && e.kind != ChangeKind::Review);
    let first_mark = &block.marks[0].1;
    let needs_reference =
        first_mark.list_like || (first_mark.spaced && block.marks.iter().any(|(_, m)| m.list_like));
    if needs_reference
        && !linked
        && !(first_mark.spaced
            && spaced_references_agree(body, &notes)
            && block
                .width_ratio(text, lines, content)
                .is_none_or(|r| r > BODY_WIDTH))
    {
        // `1.` at the foot of a page with no `1` glued in the body is more likely a list.
        // A book sets its notes in smaller type, so their lines hold more characters than
        // the body's, and the OCR reads a superscript as a word of its own (`India 2
        // remained`): a block of spaced numbers is taken when half of its numbers stand
        // so in the body and its lines are not the body's width.
        return None;
    }
    Some(Judged {
        block,
        continuation,
        notes,
        links,
        number,
        printed,
    })
}

/// Note signs that this document uses in its body: a sign that starts lines in the upper half of
/// its pages, where no note starts, on at least two pages and a quarter of its lines, is the OCR
/// of something else there (an opening quotation mark read as `**`, a bullet), and marks no note
/// anywhere in the document.
fn signs_used_in_the_body(
    text: &str,
    pages: &[layout::PageSpan],
    patterns: &MarkPatterns,
) -> std::collections::BTreeSet<String> {
    let mut counts: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for page in pages {
        let content: Vec<&LineSpan> = page.content(text).collect();
        let k = content.len();
        for (c, line) in content.iter().enumerate() {
            // Parsed as if after a blank line: the sign is what counts, not its context.
            let Some(mark) = patterns.parse(text, **line, true) else {
                continue;
            };
            if !matches!(mark.mark, Mark::Symbol { .. }) {
                continue;
            }
            let sign = text[line.start..mark.text_start].trim();
            let entry = counts.entry(sign).or_default();
            entry.1 += 1;
            if c * 2 < k {
                entry.0 += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, (upper, all))| *upper >= 2 && *upper * 4 >= *all)
        .map(|(sign, _)| sign.to_string())
        .collect()
}

/// The lines of a page's footnote block, as indices into the page's non-blank lines.
struct Block {
    /// Index (into `content`) of the first line of the block.
    first: usize,
    marks: Vec<(usize, MarkLine)>,
    /// Index (into `content`) after the block's last line: the page end, or where the body
    /// resumes below a note (see [`body_resumes`]).
    end: usize,
    confidence: f64,
    evidence: String,
}

/// How high on the page a block may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// In the lower two thirds, below at least one body line: where notes stand.
    LowerTwoThirds,
    /// Anywhere below the first body line, for a book's block of spaced numbers that opens with 1
    /// after a blank line: a page of a few body lines under long notes (an editor's notes on a
    /// list of wares). The block's references and width are checked as for any book block.
    BookNotesFromOne,
}

fn find_block(
    text: &str,
    lines: &[LineSpan],
    content: &[usize],
    patterns: &MarkPatterns,
    expected: u32,
    multi_page: bool,
    reach: Reach,
) -> Option<Block> {
    let k = content.len();
    // The block may take at most two thirds of the page (unless `reach` says otherwise), and
    // leaves at least one body line.
    let lowest_start = match reach {
        Reach::LowerTwoThirds => (k / 3).max(1),
        Reach::BookNotesFromOne => 1,
    };
    if lowest_start >= k {
        return None;
    }
    // Every line is parsed once, and what a candidate start needs to know about the lines after
    // it (the next numbered mark) and the body above it (a note sign) is prepared in one sweep
    // each, so a page of many short lines costs time in proportion to its lines, not their square.
    // Only the lines that carry a mark are kept (with their content index): a page of many short
    // lines would otherwise hold a parse for each of them.
    let parsed: Vec<(usize, MarkLine)> = (lowest_start..k)
        .filter_map(|c| {
            let li = content[c];
            let after_blank = li > 0 && lines[li - 1].is_blank(text);
            Some((c, patterns.parse(text, lines[li], after_blank)?))
        })
        .collect();
    // For each marked line (as `parsed`), the number of the next numbered mark below it.
    let mut next_number = vec![None; parsed.len()];
    let mut following = None;
    for j in (0..parsed.len()).rev() {
        next_number[j] = following;
        if let Mark::Number(n) = parsed[j].1.mark {
            following = Some(n);
        }
    }
    let body_start = lines[content[0]].start;
    let sign_reference = SignReference::new(text, body_start, lines[content[k - 1]].end);
    for (j, (first, start)) in parsed.iter().enumerate() {
        let first = *first;
        let line_index = content[first];
        let after_blank = line_index > 0 && lines[line_index - 1].is_blank(text);
        let start = start.clone();
        if reach == Reach::BookNotesFromOne
            && !(start.spaced && after_blank && start.mark == Mark::Number(1))
        {
            continue;
        }
        let body_end = lines[line_index].start;
        let (confidence, evidence, mut marks) = match &start.mark.clone() {
            // A book that numbers its notes per page may have lost the page's first mark
            // (`1 1607.`): a spaced number below the expected one starts the page's block too,
            // if the body holds its mark (checked with the block's references).
            Mark::Number(n)
                if *n == expected
                    || (*n == 1 && expected > 1)
                    || (start.spaced && *n < expected) =>
            {
                (
                    0.9,
                    format!("note mark {n} continues the note sequence"),
                    vec![(first, start)],
                )
            }
            Mark::Garbled(c) => {
                if next_number[j] != Some(expected + 1) {
                    continue;
                }
                let mut start = start;
                start.inferred = Some(expected);
                (
                    0.8,
                    format!(
                        "note mark {c:?} read as {expected}: the next note is {}",
                        expected + 1
                    ),
                    vec![(first, start)],
                )
            }
            // A letter or sign before the block's numbered notes stands for the number before
            // theirs (`a Replacing ...` / `3 ...`); `a` with a `b` below it keys notes by letters.
            Mark::Letter(c) => {
                let before_next = match next_number[j] {
                    Some(n) if n == expected + 1 || n == 2 => Some(n - 1),
                    _ => None,
                };
                let letters_follow = *c == 'a'
                    && first * 2 >= k
                    && parsed[j + 1..]
                        .iter()
                        .any(|(_, m)| m.mark == Mark::Letter('b'));
                let mut start = start;
                match before_next {
                    Some(p) => {
                        start.inferred = Some(p);
                        (
                            0.75,
                            format!("note mark {c:?} read as {p}: the next note is {}", p + 1),
                            vec![(first, start)],
                        )
                    }
                    None if letters_follow => (
                        0.75,
                        "notes keyed by letters a, b, ... after blank lines at the page foot"
                            .to_string(),
                        vec![(first, start)],
                    ),
                    None => continue,
                }
            }
            // A garbled sign must stand in the lower half of the page, where notes are.
            Mark::Symbol { plain }
                if *plain
                    || (multi_page
                        && (after_blank || sign_reference.before(body_end))
                        && first * 2 >= k
                        && !bullets(text, lines, content, first)) =>
            {
                let (confidence, evidence) = match (sign_reference.before(body_end), *plain) {
                    (true, _) => (
                        0.85,
                        "note sign at the page foot; the page body holds a note sign",
                    ),
                    (false, true) => (0.8, "note sign at the page foot"),
                    (false, false) => {
                        (0.7, "garbled note sign after a blank line at the page foot")
                    }
                };
                (confidence, evidence.to_string(), vec![(first, start)])
            }
            _ => continue,
        };
        // Following notes: the next number in sequence, or another sign for sign-style notes.
        // In a block of spaced numbers (`1 See ...`), a letter or sign after a blank line whose
        // place the numbers leave open (between 1 and 3, or after the last) is the OCR of the
        // missing number's superscript (`a Replacing`, `* Subsequently`).
        let book_style = marks[0].1.spaced;
        let mut last_printed = match marks[0].1.mark {
            Mark::Number(n) => Some(n),
            Mark::Garbled(_) | Mark::Letter(_) => marks[0].1.inferred,
            Mark::Symbol { .. } => None,
        };
        let mut last_letter = match marks[0].1.mark {
            Mark::Letter(c) if last_printed.is_none() => Some(c),
            _ => None,
        };
        for (i, (c, m)) in parsed.iter().enumerate().skip(j + 1) {
            let c = *c;
            let line_index = content[c];
            let after_blank = line_index > 0 && lines[line_index - 1].is_blank(text);
            let fills_gap =
                |p: u32| book_style && after_blank && next_number[i].is_none_or(|n| n == p + 2);
            let mut m = m.clone();
            let continues = match (&m.mark, last_printed, last_letter) {
                (Mark::Number(n), Some(p), _) => *n == p + 1,
                (Mark::Symbol { plain: true }, None, None) => true,
                (
                    Mark::Letter(_) | Mark::Garbled(_) | Mark::Symbol { plain: false },
                    Some(p),
                    _,
                ) if fills_gap(p) => {
                    m.inferred = Some(p + 1);
                    true
                }
                (Mark::Letter(l), None, Some(prev)) => char::from_u32(prev as u32 + 1) == Some(*l),
                _ => false,
            };
            if continues {
                match m.mark {
                    Mark::Number(n) => last_printed = Some(n),
                    Mark::Letter(l) if last_letter.is_some() => last_letter = Some(l),
                    _ => last_printed = m.inferred.or(last_printed),
                }
                marks.push((c, m));
            }
        }
        let end = if book_style {
            body_resumes(text, lines, content, first, &marks)
        } else {
            k
        };
        marks.retain(|(c, _)| *c < end);
        return Some(Block {
            first,
            marks,
            end,
            confidence,
            evidence,
        });
    }
    None
}

/// True when the line `first` and another line below it start with the same bare sign and a space
/// (`* Broadcloth ...` / `* Kerseys ...`): a bulleted list, where a bare-star note stands alone.
fn bullets(text: &str, lines: &[LineSpan], content: &[usize], first: usize) -> bool {
    let sign = |c: usize| {
        let line = lines[content[c]].text(text).trim_start();
        line.split_once(' ').map(|(sign, _)| sign)
    };
    let Some(own) = sign(first) else {
        return false;
    };
    (first + 1..content.len()).any(|c| sign(c) == Some(own))
}

/// Where the body resumes below a block of spaced marks, as a content index (the page end when it
/// does not): a note ends where a paragraph after a blank line is set at the body's width (two
/// lines or more whose median width is at most [`BODY_WIDTH`] times the body's) while the notes
/// above it are wider, or where a paragraph of anything but a mark follows two blank lines or more
/// (the gap between printed pages that no page boundary marked). A note that seems to run on
/// through the next page's body is how a missed page break shows (one took in 3,500 words).
fn body_resumes(
    text: &str,
    lines: &[LineSpan],
    content: &[usize],
    first: usize,
    marks: &[(usize, MarkLine)],
) -> usize {
    let k = content.len();
    let width = |c: usize| lines[content[c]].text(text).trim().chars().count();
    let median = |mut v: Vec<usize>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let body = median((0..first).map(width).collect());
    let mut wrapped = Vec::new();
    if first + 1 < k && content[first + 1] == content[first] + 1 {
        wrapped.push(width(first));
    }
    let mut c = first + 1;
    while c < k {
        let blanks = content[c] - content[c - 1] - 1;
        let is_mark = marks.iter().any(|(m, _)| *m == c);
        if blanks > 0 && !is_mark {
            let para_end = (c + 1..k)
                .find(|&d| content[d] - content[d - 1] > 1)
                .unwrap_or(k);
            let para: Vec<usize> = (c..para_end).map(width).collect();
            let notes_wider =
                wrapped.len() >= 2 && median(wrapped.clone()) as f64 > body as f64 * BODY_WIDTH;
            let at_body_width =
                para.len() >= 2 && median(para.clone()) as f64 <= body as f64 * BODY_WIDTH;
            if blanks >= 2 || (notes_wider && at_body_width) {
                return c;
            }
        }
        // A line followed by another line of the same paragraph is wrapped.
        if c + 1 < k && content[c + 1] == content[c] + 1 {
            wrapped.push(width(c));
        }
        c += 1;
    }
    k
}

/// Where a page's body first holds a sign-style note mark (`*)`, or a sign glued to what precedes it), so that
/// "does the body above this line hold one" is answered without searching the body again for every
/// line. A match ends before the line end that closes its line, so it lies in the body above a line
/// exactly when it ends before that line starts.
struct SignReference {
    earliest_end: Option<usize>,
}

impl SignReference {
    fn new(text: &str, start: usize, end: usize) -> Self {
        let page = &text[start..end];
        let paren = page.find("*)").map(|i| start + i + 2);
        let glued = symbol_reference_pattern()
            .find(page)
            .map(|m| start + m.end());
        let earliest_end = match (paren, glued) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self { earliest_end }
    }

    /// True when the text before `body_end` holds a note sign.
    fn before(&self, body_end: usize) -> bool {
        self.earliest_end.is_some_and(|e| e <= body_end)
    }
}

/// A note whose mark the OCR lost entirely: the page body holds a `*)` that no note answers, and in
/// the lower two thirds of the page a sentence breaks off (a full line ends in a lowercase word) where
/// the next line starts with a capitalised function word (`aber` / `Um ein Beispiel`), which cannot
/// continue it.
fn lost_mark_block(
    text: &str,
    lines: &[LineSpan],
    content: &[usize],
    language: &str,
) -> Option<Block> {
    let k = content.len();
    let line = |c: usize| lines[content[c]].text(text).trim();
    let mut widths: Vec<usize> = (0..k).map(|c| line(c).chars().count()).collect();
    widths.sort_unstable();
    let typical = widths.get(k / 2).copied().unwrap_or(0);
    let body_start = lines[*content.first()?].start;
    // Searched once: the body above a line holds `*)` when the first one ends before the line.
    let first_paren_end = text[body_start..lines[content[k - 1]].end]
        .find("*)")
        .map(|i| body_start + i + 2)?;
    for first in (k / 3).max(1)..k {
        if first_paren_end > lines[content[first]].start {
            continue;
        }
        // A full-width line that ends in a lowercase word (a verse line is short).
        let width = line(first - 1).chars().count();
        let breaks_off = line(first - 1).ends_with(char::is_lowercase) && width * 10 >= typical * 8;
        let word: String = line(first)
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect();
        let capital = word.starts_with(char::is_uppercase);
        if breaks_off && capital && is_function_word(language, &word.to_lowercase()) {
            let span = lines[content[first]];
            let raw = span.text(text);
            let lead = raw.len() - raw.trim_start().len();
            let mark = MarkLine {
                mark: Mark::Symbol { plain: true },
                text_start: span.start + lead,
                list_like: false,
                spaced: false,
                inferred: None,
            };
            return Some(Block {
                first,
                marks: vec![(first, mark)],
                end: k,
                confidence: 0.7,
                evidence: format!(
                    "note mark lost: the body holds `*)` and no note answers it; {:?} breaks off and {word:?} cannot continue it",
                    line(first - 1)
                        .split_whitespace()
                        .last()
                        .unwrap_or_default()
                ),
            });
        }
    }
    None
}

impl Block {
    /// The widths in characters of the block's wrapped lines: every line of a note but its last.
    fn wrapped_widths(&self, text: &str, lines: &[LineSpan], content: &[usize]) -> Vec<usize> {
        let width = |c: usize| lines[content[c]].text(text).trim().chars().count();
        let mut wrapped = Vec::new();
        for (j, (c, _)) in self.marks.iter().enumerate() {
            let end = self.marks.get(j + 1).map_or(self.end, |(n, _)| *n);
            wrapped.extend((*c..end.saturating_sub(1)).map(width));
        }
        wrapped
    }

    /// Whether every note of the block that wraps is set at the document's note width (its wrapped
    /// lines' median at least [`NOTE_SAME_WIDTH`] of `note_width`): a numbered list of the body
    /// that opens with 1 is set at the body's width, narrower than the notes in small type.
    fn notes_at_width(
        &self,
        text: &str,
        lines: &[LineSpan],
        content: &[usize],
        note_width: usize,
    ) -> bool {
        let width = |c: usize| lines[content[c]].text(text).trim().chars().count();
        self.marks.iter().enumerate().all(|(j, (c, _))| {
            let end = self.marks.get(j + 1).map_or(self.end, |(n, _)| *n);
            let mut wrapped: Vec<usize> = (*c..end.saturating_sub(1)).map(width).collect();
            wrapped.sort_unstable();
            wrapped
                .get(wrapped.len() / 2)
                .is_none_or(|&w| w as f64 >= note_width as f64 * NOTE_SAME_WIDTH)
        })
    }

    /// How much wider the block's wrapped lines (every line of a note but its last) are than the
    /// body's lines above it, by their medians in characters; `None` with fewer than three body
    /// lines or two wrapped lines.
    fn width_ratio(&self, text: &str, lines: &[LineSpan], content: &[usize]) -> Option<f64> {
        let width = |c: usize| lines[content[c]].text(text).trim().chars().count();
        let median = |mut v: Vec<usize>| {
            v.sort_unstable();
            v.get(v.len() / 2).copied()
        };
        let body: Vec<usize> = (0..self.first).map(width).collect();
        let wrapped = self.wrapped_widths(text, lines, content);
        if body.len() < 3 || wrapped.len() < 2 {
            return None;
        }
        Some(median(wrapped)? as f64 / median(body)?.max(1) as f64)
    }

    /// True when the block opens with a sign that the document uses in its body.
    fn is_body_sign(&self, text: &str, body_signs: &std::collections::BTreeSet<String>) -> bool {
        let Some((_, first)) = self.marks.first() else {
            return false;
        };
        if !matches!(first.mark, Mark::Symbol { .. }) || body_signs.is_empty() {
            return false;
        }
        let line_start = text[..first.text_start].rfind('\n').map_or(0, |i| i + 1);
        let line_start =
            line_start.max(text[..first.text_start].rfind('\x0c').map_or(0, |i| i + 1));
        body_signs.contains(text[line_start..first.text_start].trim())
    }

    /// The notes of the block, numbered on from `next_number`.
    fn notes(
        &self,
        lines: &[LineSpan],
        content: &[usize],
        next_number: &mut usize,
        next_printed: &mut u32,
    ) -> Vec<Note> {
        let mut notes = Vec::new();
        for (j, (c, mark)) in self.marks.iter().enumerate() {
            let last_line = self.marks.get(j + 1).map_or(self.end, |(next, _)| *next) - 1;
            let text_end = lines[content[last_line]].end;
            let printed = match mark.mark {
                Mark::Number(n) => Some(n),
                Mark::Garbled(_) => mark.inferred.or(Some(*next_printed)),
                Mark::Symbol { .. } | Mark::Letter(_) => mark.inferred,
            };
            if let Some(p) = printed {
                *next_printed = p + 1;
            }
            let evidence = if j == 0 {
                self.evidence.clone()
            } else {
                format!(
                    "next note of the block at the foot of the page ({})",
                    self.evidence
                )
            };
            notes.push(Note {
                number: *next_number,
                printed,
                symbol: matches!(mark.mark, Mark::Symbol { .. }) && printed.is_none(),
                spaced: self.marks[0].1.spaced,
                mark_start: lines[content[*c]].start,
                text_start: mark.text_start.min(text_end),
                text_end,
                confidence: self.confidence,
                evidence,
            });
            *next_number += 1;
        }
        notes
    }
}

/// The edits that move one note: its mark (and the line end before it) dropped, its text moved.
fn note_edits(note: &Note) -> Vec<Edit> {
    let mut edits = Vec::new();
    // The line end between two notes goes with the mark of the second.
    edits.push(
        Edit::new(note.mark_start..note.text_start, "", MARK)
            .kind(ChangeKind::Note)
            .confidence(note.confidence)
            .evidence(format!("mark of note {}: {}", note.number, note.evidence)),
    );
    edits.push(
        Edit::new(note.text_start..note.text_end, "", NOTE)
            .move_to_note(note.number)
            .confidence(note.confidence)
            .evidence(format!("note {}: {}", note.number, note.evidence)),
    );
    edits
}

/// Reference marks of the page's notes in the page body (`body` starts at `body_start`).
fn references(body_start: usize, body: &str, notes: &[Note]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut used: Vec<std::ops::Range<usize>> = Vec::new();
    let mut unlinked: Vec<&Note> = Vec::new();
    static DIGIT_REF: OnceLock<Regex> = OnceLock::new();
    static SYMBOL_REF: OnceLock<Regex> = OnceLock::new();
    // A number glued to closing punctuation or to a lowercase word, ending the word.
    let digit_ref = DIGIT_REF.get_or_init(|| {
        Regex::new(
            r"(?:[.,;:!?”’'\x22)\]]|(\p{Ll}{2,}))([0-9]{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})(?:[\s.,;:)]|$)",
        )
        .expect("static pattern")
    });
    // Every candidate digit mark of the page, with its value and whether it is glued to a word.
    let digit_marks: Vec<(std::ops::Range<usize>, u32, bool)> = digit_ref
        .captures_iter(body)
        .filter_map(|c| {
            let mark = c.get(2)?;
            let value = mark
                .as_str()
                .parse()
                .ok()
                .or_else(|| superscript_value(mark.as_str()))?;
            Some((mark.range(), value, c.get(1).is_some()))
        })
        .collect();
    let symbol_ref = SYMBOL_REF
        .get_or_init(|| Regex::new(r"(?:\S|\s)(\*{1,3}\)?|†|‡)").expect("static pattern"));
    let mut symbols = symbol_ref
        .captures_iter(body)
        .filter_map(|c| c.get(1))
        .map(|m| m.range())
        .collect::<Vec<_>>()
        .into_iter();
    for note in notes {
        let found: Option<(std::ops::Range<usize>, f64, String)> = if note.symbol {
            symbols.next().map(|r| {
                (
                    r,
                    0.85,
                    "note sign in the body of the note's page, in note order".into(),
                )
            })
        } else if let Some(printed) = note.printed {
            let hits: Vec<(std::ops::Range<usize>, bool)> = digit_marks
                .iter()
                .filter(|(_, value, _)| *value == printed)
                .map(|(r, _, glued_to_word)| (r.clone(), *glued_to_word))
                .collect();
            match hits.as_slice() {
                [(r, glued_to_word)] => {
                    let (confidence, how) = if *glued_to_word {
                        (0.7, "glued to a word")
                    } else {
                        (0.9, "glued to punctuation")
                    };
                    Some((
                        r.clone(),
                        confidence,
                        format!("mark {printed} {how} on the page of note {}", note.number),
                    ))
                }
                [] => None,
                _ => {
                    for (r, _) in &hits {
                        edits.push(
                            Edit::new(
                                body_start + r.start..body_start + r.end,
                                format!("[^{}]", note.number),
                                REFERENCE,
                            )
                            .kind(ChangeKind::Review)
                            .confidence(0.5)
                            .evidence(format!(
                                "{} places on the page could be the mark of note {}",
                                hits.len(),
                                note.number
                            )),
                        );
                    }
                    used.extend(hits.into_iter().map(|(r, _)| r));
                    unlinked.push(note);
                    continue;
                }
            }
        } else {
            None
        };
        match found {
            Some((r, confidence, evidence)) => {
                used.push(r.clone());
                edits.push(
                    Edit::new(
                        body_start + r.start..body_start + r.end,
                        format!("[^{}]", note.number),
                        REFERENCE,
                    )
                    .confidence(confidence)
                    .evidence(evidence),
                );
            }
            None => unlinked.push(note),
        }
    }
    // Spaced numbers (`India 2 remained`) for notes of a block of spaced marks, when the page
    // holds exactly one such number for the note; several are each flagged.
    let spaced = spaced_reference_marks(body);
    let mut still: Vec<&Note> = Vec::new();
    for note in unlinked {
        let Some(printed) = note.printed.filter(|_| note.spaced) else {
            still.push(note);
            continue;
        };
        let hits: Vec<&std::ops::Range<usize>> = spaced
            .iter()
            .filter(|(r, v)| {
                *v == printed && !used.iter().any(|u| u.start < r.end && r.start < u.end)
            })
            .map(|(r, _)| r)
            .collect();
        let edit = |r: &std::ops::Range<usize>| {
            Edit::new(
                body_start + r.start..body_start + r.end,
                format!("[^{}]", note.number),
                REFERENCE,
            )
        };
        match hits.as_slice() {
            [r] => edits.push(edit(r).confidence(0.7).evidence(format!(
                "mark {printed} standing as a word of its own, the only one on the page of note {} (its mark is spaced too)",
                note.number
            ))),
            [] => {
                still.push(note);
                continue;
            }
            _ => {
                for r in &hits {
                    edits.push(edit(r).kind(ChangeKind::Review).confidence(0.5).evidence(
                        format!(
                            "{} spaced numbers on the page could be the mark of note {}",
                            hits.len(),
                            note.number
                        ),
                    ));
                }
                still.push(note);
            }
        }
        used.extend(hits.into_iter().cloned());
    }
    let unlinked = still;
    // Garbled signs glued to punctuation, for numbered notes still without a reference.
    static GARBLED: OnceLock<Regex> = OnceLock::new();
    let garbled = GARBLED.get_or_init(|| {
        Regex::new(r"[.,;:!?”’'\x22)]([^\w\s.,;:!?”’'\x22()\[\]-])(?:\s|$)")
            .expect("static pattern")
    });
    let signs: Vec<(std::ops::Range<usize>, char)> = garbled
        .captures_iter(body)
        .filter_map(|c| {
            let m = c.get(1)?;
            let ch = m.as_str().chars().next()?;
            (GARBLED_SIGNS.contains(&ch)
                && !used.iter().any(|u| u.start < m.end() && m.start() < u.end))
            .then(|| (m.range(), ch))
        })
        .collect();
    let numbered: Vec<&Note> = unlinked
        .iter()
        .copied()
        .filter(|n| n.printed.is_some())
        .collect();
    let mut linked = Vec::new();
    for (r, ch) in &signs {
        let lookalike = MARK_LOOKALIKES
            .iter()
            .find(|(c, _)| c == ch)
            .map(|(_, d)| *d);
        let target = if numbered.len() == 1 && signs.len() == 1 {
            Some((
                numbered[0],
                "the only note of the page without a reference".to_string(),
            ))
        } else {
            lookalike.and_then(|d| {
                let fitting: Vec<&&Note> = numbered
                    .iter()
                    .filter(|n| n.printed.is_some_and(|p| p % 10 == d))
                    .collect();
                (fitting.len() == 1)
                    .then(|| (*fitting[0], format!("{ch:?} is an OCR look-alike of {d}")))
            })
        };
        if let Some((note, why)) = target {
            linked.push(note.number);
            edits.push(
                Edit::new(
                    body_start + r.start..body_start + r.end,
                    format!("[^{}]", note.number),
                    REFERENCE,
                )
                .confidence(0.75)
                .evidence(format!("garbled mark {ch:?} glued to punctuation: {why}")),
            );
        }
    }
    for note in unlinked.iter().filter(|n| !linked.contains(&n.number)) {
        edits.push(
            Edit::new(note.mark_start..note.mark_start, "", ORPHAN_NOTE)
                .kind(ChangeKind::Review)
                .confidence(0.0)
                .evidence(format!(
                    "note {}: no reference mark found on its page",
                    note.number
                )),
        );
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str, after_blank: bool) -> Option<Mark> {
        let span = LineSpan {
            start: 0,
            end: line.len(),
        };
        MarkPatterns::new()
            .parse(line, span, after_blank)
            .map(|m| m.mark)
    }

    fn notes_moved(text: &str) -> usize {
        crate::passes::OnePass::new(&Footnotes)
            .edits(text)
            .iter()
            .filter(|e| e.rule == NOTE.id)
            .count()
    }

    #[test]
    fn text_without_printed_pages_has_no_notes() {
        // `*)` / page break / `*)- ` as the first run writes it: one page whose lines are
        // paragraphs. The second `*)` stood alone at the top of its page; it is no note now.
        assert_eq!(notes_moved("*)\n\n*)-\n"), 0);
        // A single page whose lines are hard-wrapped keeps its notes.
        assert_eq!(
            notes_moved(
                "The body of the page, whose sentence\nruns on *) over two lines.\n*) A note.\n"
            ),
            1
        );
    }

    #[test]
    fn note_marks() {
        assert_eq!(parse("3-Here the author", false), Some(Mark::Number(3)));
        assert_eq!(parse("2_Ivanov, Novaya", false), Some(Mark::Number(2)));
        assert_eq!(parse("'-Vladimir Putin", false), Some(Mark::Garbled('\'')));
        assert_eq!(
            parse("*) Um ein Beispiel", false),
            Some(Mark::Symbol { plain: true })
        );
        assert_eq!(
            parse("\") Wir würden", false),
            Some(Mark::Symbol { plain: true })
        );
        assert_eq!(
            parse("V) Die Schilderung", false),
            Some(Mark::Symbol { plain: false })
        );
        assert_eq!(parse("¹ See above.", false), Some(Mark::Number(1)));
    }

    #[test]
    fn letters_and_signs_after_a_blank_line_are_marks() {
        assert_eq!(parse("a Replacing the name", true), Some(Mark::Letter('a')));
        assert_eq!(parse("» Haply.", true), Some(Mark::Letter('»')));
        assert_eq!(parse("^ The bird slanders", true), Some(Mark::Letter('^')));
        // Not after a blank line, or before a lowercase word, or as a list item: not a mark.
        assert_eq!(parse("a Replacing the name", false), None);
        assert_eq!(parse("a richly diapered silk", true), None);
        assert_eq!(parse("a) the ships shall keep", true), None);
        // A section break.
        assert_eq!(parse("* * *", true), None);
    }

    #[test]
    fn spaced_references_stand_after_a_word_or_punctuation_never_after_a_figure() {
        let marks = |body: &str| {
            spaced_reference_marks(body)
                .into_iter()
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        };
        assert_eq!(marks("The very name of India 2 remained"), vec![2]);
        assert_eq!(marks("the \"Court Minutes\"; 1 although later"), vec![1]);
        assert_eq!(marks("in 1879, 1 examined and reported"), Vec::<u32>::new());
        assert_eq!(marks("of 700 Tonns and 115 more"), Vec::<u32>::new());
    }

    #[test]
    fn body_lines_that_start_with_numbers_are_not_marks() {
        assert_eq!(parse("2000, speaking at a ceremony", false), None);
        assert_eq!(parse("1695 and 1718 caused", false), None);
        assert_eq!(parse("3 million people", false), None);
        assert_eq!(parse("3.5 percent", false), None);
        assert_eq!(parse("1-amily-IIIR UNDL", false), None);
        assert_eq!(parse("Korea has traditionally", false), None);
        assert_eq!(parse("book) and more", false), None);
        assert_eq!(parse("(5s) bottles and", false), None);
        assert_eq!(parse("2*^ \"t I morald", false), None);
        assert_eq!(
            parse("* ACTON v ACTON.", false),
            Some(Mark::Symbol { plain: false })
        );
        assert_eq!(parse("(Of course, there were", false), None);
    }
}
