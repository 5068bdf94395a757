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

mod block;
mod continued;
mod judge;
mod marks;
mod references;

use std::sync::OnceLock;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::layout;
use block::{Block, Reach, find_block, lost_mark_block, signs_used_in_the_body};
use continued::{NOTE_SAME_WIDTH, continuation_edit, continuation_start, ends_sentence};
use judge::judge_block;
use marks::MarkPatterns;

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

/// A block above the lower two thirds of its page is taken only once the document's notes have
/// shown their width in at least this many wrapped lines.
const NOTE_WIDTH_MIN_LINES: usize = 10;

// Here rather than in a part: every part builds or reads notes, and this way their fields stay
// private to the pass.
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

#[cfg(test)]
mod tests {
    use super::marks::Mark;
    use super::references::spaced_reference_marks;
    use super::*;
    use crate::layout::LineSpan;

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
