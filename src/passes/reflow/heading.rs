//! `reflow.heading`: a short line between paragraphs is a heading, its own paragraph.

use super::lines::{GapKind, Layout, ends_mid_sentence, ends_sentence, starts_uppercase};
use crate::passes::BuiltinRule;

pub const HEADING: BuiltinRule = BuiltinRule {
    id: "reflow.heading",
    description: "Heading (a short line between paragraphs) kept as its own paragraph.",
};

/// A short line that stands between paragraphs: after a paragraph end (or at the start),
/// before a line that starts in uppercase (or at the end).
pub(super) fn is_heading(layout: &Layout, i: usize) -> bool {
    let line = layout.line(i);
    // After a blank line, a full line that ends mid-sentence still runs on (the seed's
    // `trends in` / blank / `Moscow’s Korea policy.`); a short one (an author's name) does not.
    let after_paragraph = i == 0
        || ends_sentence(layout.line(i - 1))
        || (layout.gap(i) != GapKind::LineEnd
            && !(layout.is_full(i - 1) && ends_mid_sentence(layout.line(i - 1)))
            && !layout.line(i - 1).ends_with([',', ';', '-', '¬']));
    let before_paragraph = i + 1 == layout.lines.len() || starts_uppercase(layout.line(i + 1));
    layout.chars(i) * 10 < layout.width * 6
        && starts_uppercase(line)
        && !line.ends_with([',', ';', '-', '¬'])
        && after_paragraph
        && before_paragraph
}
