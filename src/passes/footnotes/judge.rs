//! Judging a block found at a page foot against the page's body: its notes (notes run together
//! split), their references, and the paragraphs above it that continue the previous page's note.

use std::sync::OnceLock;

use regex::Regex;

use super::block::{BODY_WIDTH, Block};
use super::continued::continuation_start;
use super::marks::MarkPatterns;
use super::references::{references, spaced_reference_marks};
use super::{Note, REFERENCE};
use crate::change::{ChangeKind, Edit};
use crate::layout;

/// A block found on a page, with its notes and references, once its marks agree with the body.
pub(super) struct Judged {
    pub(super) block: Block,
    /// The paragraphs above the block that continue the previous page's note.
    pub(super) continuation: Option<(std::ops::Range<usize>, usize, usize)>,
    pub(super) notes: Vec<Note>,
    pub(super) links: Vec<Edit>,
    /// The next note's output number and the next printed number after this block.
    pub(super) number: usize,
    pub(super) printed: u32,
}

/// The block's notes and references when they agree with the page's body: a list-like mark
/// (`1.`, `1)`, `1 `) needs a reference glued in the body, or, for a book's spaced numbers, half
/// of its numbers standing so in the body and lines not at the body's width. `continued` is the
/// previous page's open note; `next` the next output and printed numbers.
pub(super) fn judge_block(
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
