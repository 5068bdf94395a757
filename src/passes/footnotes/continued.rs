//! A note continued on the next page: the paragraphs above that page's notes (or at its foot)
//! set at the notes' width, wider than the body.

use super::CONTINUED;
use super::marks::MarkPatterns;
use crate::change::Edit;
use crate::layout::LineSpan;

/// True when `text` ends a sentence: a full stop, question or exclamation mark, perhaps followed
/// by closing quotes or brackets.
pub(super) fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '”', '’', '\'', ')', ']'])
        .ends_with(['.', '?', '!'])
}

/// A continuation is set wider than the body by at least this much (notes in smaller type).
const NOTE_WIDTH: f64 = 1.08;

/// ... and its wrapped lines are at least this share of the median width of the document's notes.
pub(super) const NOTE_SAME_WIDTH: f64 = 0.95;

/// Where the text that continues the previous page's note starts, as a content index: the
/// paragraphs just above `upto` (the block's first line, or the page end), each after a blank
/// line, each with wrapped lines at least [`NOTE_WIDTH`] times as wide as the body above it, and
/// at least three body lines above them; with the narrowest median width of their wrapped lines,
/// which must also be the width of the document's notes (see `Footnotes::run`). A paragraph at
/// the body's width, one that opens with a mark, or a single line whose width shows nothing, ends
/// the search: the body is never taken for a note.
pub(super) fn continuation_start(
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
pub(super) fn continuation_edit(range: std::ops::Range<usize>, number: usize) -> Edit {
    Edit::new(range, "", CONTINUED)
        .move_to_note(number)
        .confidence(0.75)
        .evidence(format!(
            "note {number} breaks off at the foot of the previous page; this text above the page's notes is set at their width, wider than the body"
        ))
}
