//! The gap between two lines that no block or heading decides: a wrap inside a paragraph (joined
//! with a space, or nothing after a word-final hyphen) or a paragraph break. One decision per gap,
//! so its outcomes (`reflow.join-lines`, `reflow.join-across-blank`, `reflow.join-across-page`,
//! `reflow.paragraph-break`, `reflow.page-break`) live together here.

use super::heading::HEADING;
use super::kept_lines;
use super::lines::{
    GapKind, Layout, MIN_COLUMN_WIDTH, ends_mid_sentence, ends_sentence, gap_kind,
    starts_lowercase, starts_uppercase,
};
use crate::change::Edit;
use crate::passes::BuiltinRule;

pub const JOIN_LINES: BuiltinRule = BuiltinRule {
    id: "reflow.join-lines",
    description: "Line end inside a paragraph joined (a space, or nothing after a word-final hyphen).",
};

pub const JOIN_ACROSS_BLANK: BuiltinRule = BuiltinRule {
    id: "reflow.join-across-blank",
    description: "Blank lines that cut a sentence removed.",
};

pub const JOIN_ACROSS_PAGE: BuiltinRule = BuiltinRule {
    id: "reflow.join-across-page",
    description: "Page break inside a paragraph joined (the line before ends mid-sentence or fills the width).",
};

pub const PARAGRAPH_BREAK: BuiltinRule = BuiltinRule {
    id: "reflow.paragraph-break",
    description: "Paragraph break written as one blank line.",
};

pub const PAGE_BREAK: BuiltinRule = BuiltinRule {
    id: "reflow.page-break",
    description: "Page break between two paragraphs written as a paragraph break.",
};

/// The edit of the gap before line `b`: `blocks` gives each line's kept block, `heading` whether
/// it is a heading.
pub(super) fn gap_edit(
    layout: &Layout,
    b: usize,
    blocks: &kept_lines::Blocks,
    heading: &[bool],
) -> Edit {
    let text = layout.text;
    let width = layout.width;
    let a = b - 1;
    let (la, lb) = (layout.lines.get(a), layout.lines.get(b));
    let range = la.end..lb.start;
    let prev = layout.line(a);
    let next = layout.line(b);
    let kind = gap_kind(&text[range.clone()]);
    let hyphenated = prev.ends_with(['-', '¬']) && ends_mid_sentence(prev);
    let join = if hyphenated { "" } else { " " };
    let full_line = layout.is_full(a);
    let what = match kind {
        GapKind::Page => "page break",
        GapKind::Blank => "blank line",
        GapKind::LineEnd => "line end",
    };
    let paragraph_rule = if kind == GapKind::Page {
        PAGE_BREAK
    } else {
        PARAGRAPH_BREAK
    };
    let paragraph = |rule: BuiltinRule, confidence: f64, evidence: String| {
        Edit::new(range.clone(), "\n\n", rule)
            .confidence(confidence)
            .evidence(evidence)
    };

    let (block_a, block_b) = (blocks.of(a), blocks.of(b));
    if block_a.is_some() && block_a == block_b {
        return kept_lines::line_break_inside(range);
    }
    if block_a.is_some() || block_b.is_some() {
        return paragraph(
            paragraph_rule,
            0.8,
            format!("{what} at the edge of a block of lines kept as lines"),
        );
    }
    if heading[a] || heading[b] {
        let which = if heading[b] { next } else { prev };
        return paragraph(
            HEADING,
            0.8,
            format!("{what} next to the heading '{which}'"),
        );
    }
    if kind == GapKind::LineEnd {
        if ends_sentence(prev) && !full_line && starts_uppercase(next) {
            // Hard-wrapped prose fills its lines; a short line that ends a sentence ends its
            // paragraph (the convention of books and of OCR that drops blank lines).
            return paragraph(
                PARAGRAPH_BREAK,
                0.85,
                "short line that ends a sentence, next starts in uppercase".into(),
            );
        }
        let evidence = if hyphenated {
            "line end inside a paragraph; word-final hyphen kept"
        } else {
            "line end inside a paragraph"
        };
        return Edit::new(range, join, JOIN_LINES)
            .confidence(0.95)
            .evidence(evidence);
    }
    let mid = ends_mid_sentence(prev);
    let lower = starts_lowercase(next);
    let join_rule = if kind == GapKind::Page {
        JOIN_ACROSS_PAGE
    } else {
        JOIN_ACROSS_BLANK
    };
    let cut = if mid && lower {
        Some((0.9, "line ends mid-sentence, next starts in lowercase"))
    } else if mid && full_line {
        Some((0.8, "a full-width line ends mid-sentence"))
    } else if kind == GapKind::Page && !ends_sentence(prev) && lower {
        Some((0.8, "no sentence end before it, next starts in lowercase"))
    } else if kind == GapKind::Page && full_line && width >= MIN_COLUMN_WIDTH {
        // A page break is no paragraph break unless the text says so; a full line that ends a
        // sentence is far more often inside a paragraph than its last line.
        Some((0.7, "the line before fills the width"))
    } else {
        None
    };
    match cut {
        Some((confidence, why)) => Edit::new(range, join, join_rule)
            .confidence(confidence)
            .evidence(format!("{what} inside a paragraph: {why}")),
        None => paragraph(paragraph_rule, 0.9, format!("{what} after a finished line")),
    }
}
