//! Finding a page's note block: the topmost marked line at the page foot from which every line
//! can be notes, where the block ends, and the widths of its lines.

use std::sync::OnceLock;

use regex::Regex;

use super::Note;
use super::continued::NOTE_SAME_WIDTH;
use super::marks::{Mark, MarkLine, MarkPatterns};
use crate::lang::is_function_word;
use crate::layout::{self, LineSpan};

/// A block whose wrapped lines are at most this much wider than the body's reads at the body's
/// width: it is body text, not notes set in smaller type.
pub(super) const BODY_WIDTH: f64 = 1.03;

/// A sign-style note mark in the body besides `*)`: `*`, `†`, `‡` glued to the word or sign before
/// it.
fn symbol_reference_pattern() -> &'static Regex {
    static SIGN: OnceLock<Regex> = OnceLock::new();
    SIGN.get_or_init(|| Regex::new(r"[^\s*][*†‡]+(?:[\s.,;:]|$)").expect("static pattern"))
}

/// Note signs that this document uses in its body: a sign that starts lines in the upper half of
/// its pages, where no note starts, on at least two pages and a quarter of its lines, is the OCR
/// of something else there (an opening quotation mark read as `**`, a bullet), and marks no note
/// anywhere in the document.
pub(super) fn signs_used_in_the_body(
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
pub(super) struct Block {
    /// Index (into `content`) of the first line of the block.
    pub(super) first: usize,
    pub(super) marks: Vec<(usize, MarkLine)>,
    /// Index (into `content`) after the block's last line: the page end, or where the body
    /// resumes below a note (see [`body_resumes`]).
    pub(super) end: usize,
    confidence: f64,
    evidence: String,
}

/// How high on the page a block may start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// In the lower two thirds, below at least one body line: where notes stand.
    LowerTwoThirds,
    /// Anywhere below the first body line, for a book's block of spaced numbers that opens with 1
    /// after a blank line: a page of a few body lines under long notes (an editor's notes on a
    /// list of wares). The block's references and width are checked as for any book block.
    BookNotesFromOne,
}

pub(super) fn find_block(
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
pub(super) fn lost_mark_block(
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
    pub(super) fn wrapped_widths(
        &self,
        text: &str,
        lines: &[LineSpan],
        content: &[usize],
    ) -> Vec<usize> {
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
    pub(super) fn notes_at_width(
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
    pub(super) fn width_ratio(
        &self,
        text: &str,
        lines: &[LineSpan],
        content: &[usize],
    ) -> Option<f64> {
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
    pub(super) fn is_body_sign(
        &self,
        text: &str,
        body_signs: &std::collections::BTreeSet<String>,
    ) -> bool {
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
    pub(super) fn notes(
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
