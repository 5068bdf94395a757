//! `reflow.trim`: the document holds no blank lines or spaces at its start or end and ends with
//! one newline.

use super::lines::Line;
use crate::change::Edit;
use crate::passes::BuiltinRule;

pub const TRIM: BuiltinRule = BuiltinRule {
    id: "reflow.trim",
    description: "Blank lines and spaces at the start or end of the document dropped; the text ends with one newline.",
};

/// A text of whitespace only is emptied.
pub(super) fn blank_document(text: &str) -> Option<Edit> {
    (!text.is_empty())
        .then(|| Edit::new(0..text.len(), "", TRIM).evidence("document holds only whitespace"))
}

/// Whitespace before the first line is dropped.
pub(super) fn leading(first: Line) -> Option<Edit> {
    (first.start > 0).then(|| {
        Edit::new(0..first.start, "", TRIM).evidence("whitespace at the start of the document")
    })
}

/// What follows the last line becomes one newline.
pub(super) fn trailing(text: &str, last: Line) -> Option<Edit> {
    (&text[last.end..] != "\n").then(|| {
        Edit::new(last.end..text.len(), "\n", TRIM).evidence("the text ends with one newline")
    })
}
