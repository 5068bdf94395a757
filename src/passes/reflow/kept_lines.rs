//! `reflow.kept-lines`: blocks of short lines (verse, lists, tables, addresses) keep their line
//! breaks; each block is listed for review.

use super::lines::{GapKind, Layout};
use crate::change::{ChangeKind, Edit, Proposals};
use crate::passes::BuiltinRule;

pub const KEPT_LINES: BuiltinRule = BuiltinRule {
    id: "reflow.kept-lines",
    description: "Block of short lines (verse, list, table, address) kept line by line; listed for review.",
};

/// True when the line starts like a line of verse, a list item or a table row.
pub(super) fn starts_block_line(line: &str) -> bool {
    line.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '•' | '–' | '—' | '*')
    })
}

/// Runs of at least three short lines, each starting like a verse or list line, joined by plain
/// line ends: `(first, last)` line indices. In text that shows no hard wrap, the lines need not
/// be short: nothing shows that they were wrapped, and the blocks this pass wrote, read again,
/// must stay blocks although the typical width, now that of whole paragraphs, no longer makes
/// their lines short.
pub(super) fn kept_blocks(layout: &Layout) -> Vec<(usize, usize)> {
    let short = |i: usize| {
        let line = layout.line(i);
        (!layout.hard_wrapped || layout.chars(i) * 10 < layout.width * 7)
            && starts_block_line(line)
            && !line.ends_with(['-', '¬'])
    };
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < layout.lines.len() {
        if !short(i) {
            i += 1;
            continue;
        }
        let mut last = i;
        while last + 1 < layout.lines.len()
            && layout.gap(last + 1) == GapKind::LineEnd
            && short(last + 1)
        {
            last += 1;
        }
        if last >= i + 2 {
            blocks.push((i, last));
        }
        i = last + 1;
    }
    blocks
}

/// The kept blocks, `(first, last)` line indices in text order. A line's block is looked up, not
/// stored for every line (16 bytes for each line of a long document).
pub(super) struct Blocks(Vec<(usize, usize)>);

impl Blocks {
    /// The first line of the block that holds line `i`, if one does.
    pub(super) fn of(&self, i: usize) -> Option<usize> {
        let after = self.0.partition_point(|&(from, _)| from <= i);
        let (from, to) = *self.0.get(after.checked_sub(1)?)?;
        (i <= to).then_some(from)
    }
}

/// The kept blocks, with a review flag for each block.
pub(super) fn mark_blocks(layout: &Layout, edits: &mut Proposals) -> Blocks {
    let blocks = kept_blocks(layout);
    for &(from, to) in &blocks {
        let shown: Vec<&str> = (from..=to.min(from + 1)).map(|i| layout.line(i)).collect();
        let at = layout.lines.get(from).start;
        edits.push(
            Edit::new(at..at, "", KEPT_LINES)
                .kind(ChangeKind::Review)
                .confidence(0.7)
                .evidence(format!(
                    "{} {}lines each starting with a capital kept as lines (verse, list or table){}: '{}' / ...",
                    to - from + 1,
                    if layout.hard_wrapped { "short " } else { "" },
                    if layout.hard_wrapped {
                        ""
                    } else {
                        "; the text shows no hard-wrapped line"
                    },
                    shown.join("' / '")
                )),
        );
    }
    Blocks(blocks)
}

/// A line end inside a block stays a line break.
pub(super) fn line_break_inside(range: std::ops::Range<usize>) -> Edit {
    Edit::new(range, "\n", KEPT_LINES)
        .confidence(0.7)
        .evidence("line break kept inside a block of short lines")
}
