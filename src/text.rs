//! The working text and its map back to the raw bytes, and the engine that applies edits.
//!
//! Passes never write text: they propose [`Edit`]s against the current text, and [`Text::apply`]
//! orders them, refuses overlaps (recording them for review), applies the rest in one sweep and
//! updates the [`SourceMap`], so that every position of every later stage still points into the raw
//! input. This is the design of ruff's fix engine.

use compact_str::CompactString;
use std::ops::Range;

use crate::change::{
    Change, ChangeKind, ChangeSink, Edit, Proposal, Proposals, RawLocation, Reason,
};
use crate::document::Document;

/// A stretch of the current text and the raw bytes it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    /// Start of the stretch in the current text; it runs to the next segment's start.
    cur: usize,
    raw_start: usize,
    raw_end: usize,
    /// True when the stretch is an unchanged copy of the raw bytes (one byte maps to one byte).
    copy: bool,
}

/// Maps byte offsets of the current text to byte offsets of the raw input.
#[derive(Debug, Clone)]
pub struct SourceMap {
    segments: Vec<Segment>,
    len: usize,
    raw_len: usize,
}

impl SourceMap {
    fn identity(len: usize) -> Self {
        let segments = if len == 0 {
            Vec::new()
        } else {
            vec![Segment {
                cur: 0,
                raw_start: 0,
                raw_end: len,
                copy: true,
            }]
        };
        Self {
            segments,
            len,
            raw_len: len,
        }
    }

    fn segment_end(&self, i: usize) -> usize {
        self.segments.get(i + 1).map_or(self.len, |s| s.cur)
    }

    /// Index of the segment holding byte `pos` (which must be < len).
    fn find(&self, pos: usize) -> usize {
        self.segments.partition_point(|s| s.cur <= pos) - 1
    }

    /// The raw byte range that the current range `range` came from. An empty range maps to the raw
    /// position where text was inserted.
    pub fn to_raw(&self, range: Range<usize>) -> Range<usize> {
        let start = if range.start >= self.len {
            self.segments.last().map_or(self.raw_len, |s| s.raw_end)
        } else {
            let s = self.segments[self.find(range.start)];
            if s.copy {
                s.raw_start + (range.start - s.cur)
            } else {
                s.raw_start
            }
        };
        if range.end <= range.start {
            return start..start;
        }
        let s = self.segments[self.find(range.end - 1)];
        let end = if s.copy {
            s.raw_start + (range.end - s.cur)
        } else {
            s.raw_end
        };
        start..end.max(start)
    }

    /// Appends the part of this map that covers `range` of the current text, shifted to `new_cur`.
    fn copy_range(&self, range: Range<usize>, new_cur: usize, out: &mut Vec<Segment>) {
        if range.is_empty() {
            return;
        }
        let mut i = self.find(range.start);
        while i < self.segments.len() && self.segments[i].cur < range.end {
            let s = self.segments[i];
            let from = s.cur.max(range.start);
            let to = self.segment_end(i).min(range.end);
            let (raw_start, raw_end) = if s.copy {
                (s.raw_start + (from - s.cur), s.raw_start + (to - s.cur))
            } else {
                (s.raw_start, s.raw_end)
            };
            push_segment(
                out,
                Segment {
                    cur: new_cur + (from - range.start),
                    raw_start,
                    raw_end,
                    copy: s.copy,
                },
            );
            i += 1;
        }
    }
}

/// Appends a segment, merging it into the previous one when both are contiguous copies.
fn push_segment(out: &mut Vec<Segment>, seg: Segment) {
    if let Some(last) = out.last_mut() {
        if last.copy && seg.copy && last.raw_end == seg.raw_start {
            last.raw_end = seg.raw_end;
            return;
        }
        if last.cur == seg.cur {
            // The previous segment became empty: the new one replaces it.
            *last = seg;
            return;
        }
    }
    out.push(seg);
}

/// The text being cleaned, with its map to the raw input.
#[derive(Debug, Clone)]
pub struct Text {
    text: String,
    map: SourceMap,
}

impl Text {
    /// A text that is exactly the raw input.
    pub fn new(text: String) -> Self {
        let map = SourceMap::identity(text.len());
        Self { text, map }
    }

    /// A text decoded from `raw`, in which the ranges of `replaced` (current range, raw range)
    /// stand for raw bytes of another length (such as U+FFFD for invalid bytes).
    pub(crate) fn with_replacements(
        text: String,
        raw_len: usize,
        replaced: &[(Range<usize>, Range<usize>)],
    ) -> Self {
        let mut segments = Vec::new();
        let mut cur = 0;
        let mut raw = 0;
        for (c, r) in replaced {
            if c.start > cur {
                push_segment(
                    &mut segments,
                    Segment {
                        cur,
                        raw_start: raw,
                        raw_end: r.start,
                        copy: true,
                    },
                );
            }
            push_segment(
                &mut segments,
                Segment {
                    cur: c.start,
                    raw_start: r.start,
                    raw_end: r.end,
                    copy: false,
                },
            );
            cur = c.end;
            raw = r.end;
        }
        if cur < text.len() {
            push_segment(
                &mut segments,
                Segment {
                    cur,
                    raw_start: raw,
                    raw_end: raw_len,
                    copy: true,
                },
            );
        }
        let map = SourceMap {
            segments,
            len: text.len(),
            raw_len,
        };
        Self { text, map }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Runs `f` on the text followed by the parts of `tail`, which are written after it for that
    /// time only: a stage that reads the body and its notes as one document needs no copy of the
    /// body (a long document's text held twice).
    pub fn with_tail<'t, R>(
        &mut self,
        tail: impl Iterator<Item = &'t str> + Clone,
        f: impl FnOnce(&str) -> R,
    ) -> R {
        let len = self.text.len();
        self.text.reserve_exact(tail.clone().map(str::len).sum());
        tail.for_each(|part| self.text.push_str(part));
        let result = f(&self.text);
        self.text.truncate(len);
        result
    }

    /// The text and its map, without a copy of either.
    pub fn into_parts(self) -> (String, SourceMap) {
        (self.text, self.map)
    }

    pub fn into_string(self) -> String {
        self.text
    }

    pub fn source_map(&self) -> &SourceMap {
        &self.map
    }

    /// The record of `edit` located in `doc`, without applying anything.
    pub fn record(&self, doc: &Document, pass: &'static str, edit: &Edit, applied: bool) -> Change {
        let reason = Reason {
            rule: edit.rule.clone(),
            kind: edit.kind,
            confidence: edit.confidence,
            evidence: edit.evidence.clone(),
            move_to_note: edit.move_to_note,
        };
        let proposal = Proposal {
            range: (edit.range.start, edit.range.end),
            replacement: &edit.replacement,
            reason: &reason,
        };
        self.record_proposal(doc, pass, proposal, applied)
    }

    fn record_proposal(
        &self,
        doc: &Document,
        pass: &'static str,
        edit: Proposal<'_>,
        applied: bool,
    ) -> Change {
        let raw = self.map.to_raw(edit.range());
        let pos = doc.position(raw.start);
        Change {
            rule: edit.reason.rule.clone(),
            pass: pass.into(),
            kind: edit.reason.kind,
            applied,
            raw: RawLocation {
                page: crate::change::small(pos.page),
                line: crate::change::small(pos.line),
                column: crate::change::small(pos.column),
                start: raw.start,
                end: raw.end,
            },
            before: CompactString::from(&self.text[edit.range()]),
            after: CompactString::from(edit.replacement),
            confidence: edit.reason.confidence,
            evidence: edit.reason.evidence.clone(),
            at: edit.range.0,
            in_note: None,
            to_note: edit.reason.move_to_note.map(crate::change::small),
            invalid_bytes: None,
        }
    }

    /// The stretch `range` as a text of its own that keeps its map to the raw input.
    pub fn slice(&self, range: Range<usize>) -> Text {
        let mut segments = Vec::new();
        self.map.copy_range(range.clone(), 0, &mut segments);
        let text = self.text[range].to_string();
        segments.retain(|s| s.cur < text.len());
        Text {
            map: SourceMap {
                segments,
                len: text.len(),
                raw_len: self.map.raw_len,
            },
            text,
        }
    }

    /// Appends `other` (a text of the same raw input) after `joiner`, which is recorded as inserted
    /// where `other` begins in the raw input.
    pub fn append(&mut self, joiner: &str, other: Text) {
        let at = other.map.to_raw(0..0).start;
        let mut segments = std::mem::take(&mut self.map.segments);
        if !joiner.is_empty() {
            push_segment(
                &mut segments,
                Segment {
                    cur: self.text.len(),
                    raw_start: at,
                    raw_end: at,
                    copy: false,
                },
            );
            self.text.push_str(joiner);
        }
        let offset = self.text.len();
        for seg in other.map.segments {
            push_segment(
                &mut segments,
                Segment {
                    cur: seg.cur + offset,
                    ..seg
                },
            );
        }
        self.text.push_str(&other.text);
        self.map = SourceMap {
            segments,
            len: self.text.len(),
            raw_len: self.map.raw_len,
        };
    }

    /// Applies the edits of one pass and returns their records, in text order.
    ///
    /// Review flags are recorded but not applied. An edit that overlaps one already accepted (in
    /// order of position, then of proposal) is refused and recorded as a review flag, so that no
    /// proposal is ever silently lost. Edits that would change nothing are dropped.
    pub fn apply(&mut self, doc: &Document, pass: &'static str, edits: Vec<Edit>) -> Vec<Change> {
        self.apply_moving(doc, pass, edits).0
    }

    /// Like [`Text::apply`], and also returns the texts that edits moved to notes, in text order,
    /// with their note numbers.
    pub fn apply_moving(
        &mut self,
        doc: &Document,
        pass: &'static str,
        edits: Vec<Edit>,
    ) -> (Vec<Change>, Vec<(usize, Text)>) {
        let mut changes: Vec<Change> = Vec::with_capacity(edits.len());
        let moved = self.apply_into(doc, pass, edits.into(), &mut changes);
        (changes, moved)
    }

    /// Like [`Text::apply_moving`], with each record handed to `changes` as it is made: a long
    /// document's records are never built apart and then copied (which held both at once), and a
    /// sink that writes them out holds none of them.
    pub fn apply_into(
        &mut self,
        doc: &Document,
        pass: &'static str,
        mut edits: Proposals,
        changes: &mut dyn ChangeSink,
    ) -> Vec<(usize, Text)> {
        edits.retain(|e| {
            let (start, end) = e.range;
            start <= end
                && end <= self.text.len()
                && self.text.is_char_boundary(start)
                && self.text.is_char_boundary(end)
                && (e.reason.kind == ChangeKind::Review || &self.text[start..end] != e.replacement)
        });
        // In order of position, then of proposal among edits at the same place. The order is
        // sorted, not the edits: a stable sort of the edits themselves takes scratch room of up
        // to half of them (as much memory as a long document's text). Indices of 32 bits: a stage
        // of short lines proposes one edit per line, and this list stands beside all of them.
        let index = |i: usize| u32::try_from(i).expect("fewer than 2^32 edits in one stage");
        let mut order: Vec<u32> = (0..index(edits.len())).collect();
        order.sort_unstable_by_key(|&i| (edits.get(i as usize).range, i));

        // The accepted edits are kept at the front of `order` (a second list of them would be
        // as long again).
        let mut kept = 0;
        let mut last_end = 0;
        for k in 0..order.len() {
            let edit = edits.get(order[k] as usize);
            if edit.reason.kind == ChangeKind::Review {
                changes.record(self.record_proposal(doc, pass, edit, false));
                continue;
            }
            if edit.range.0 < last_end {
                let mut refused = self.record_proposal(doc, pass, edit, false);
                refused.kind = ChangeKind::Review;
                refused.evidence = format!(
                    "not applied: overlaps an earlier change of this pass; {}",
                    edit.reason.evidence
                )
                .into();
                changes.record(refused);
                continue;
            }
            changes.record(self.record_proposal(doc, pass, edit, true));
            last_end = edit.range.1;
            order[kept] = order[k];
            kept += 1;
        }
        order.truncate(kept);
        let accepted = || order.iter().map(|&i| edits.get(i as usize));
        let moved: Vec<(usize, Text)> = accepted()
            .filter_map(|e| Some((e.reason.move_to_note?, self.slice(e.range()))))
            .collect();
        if order.is_empty() {
            return moved;
        }

        // The text is rewritten in place, front to back, so that a long document's text is not
        // held twice while a stage is applied. Where edits lengthen what comes before some point
        // (a line end made a paragraph break), the text is first moved right by the most they
        // lengthen it before any point, so that writing never overtakes what is still to be read.
        let old_len = self.text.len();
        let (mut written, mut read, mut shift) = (0, 0, 0);
        for edit in accepted() {
            written += edit.range.0 - read + edit.replacement.len();
            read = edit.range.1;
            shift = shift.max(written.saturating_sub(read));
        }
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        if shift > 0 {
            // Exact: a resize alone may double the room of a long document's text.
            bytes.reserve_exact(shift);
            bytes.resize(old_len + shift, 0);
            bytes.copy_within(0..old_len, shift);
        }
        // Each edit can split a segment in two and add one of its own: with room for that, the
        // map never grows by doubling (which left up to half of a long document's map unused).
        // A byte for a byte (a line join) almost always merges with the copies around it (see
        // below), so it is not counted: for a page of short lines the room for two segments
        // per join was the stage's largest allocation.
        let splitting = accepted()
            .filter(|e| !(e.replacement.len() == 1 && e.range().len() == 1))
            .count();
        let mut segments = Vec::with_capacity(self.map.segments.len() + 2 * splitting + 1);
        let (mut len, mut pos) = (0, 0);
        for edit in accepted() {
            self.map.copy_range(pos..edit.range.0, len, &mut segments);
            bytes.copy_within(shift + pos..shift + edit.range.0, len);
            len += edit.range.0 - pos;
            if !edit.replacement.is_empty() {
                let raw = self.map.to_raw(edit.range());
                // One byte that stands for one raw byte (a line end joined with a space) maps
                // one to one, as a copy does, and every range maps the same either way: as a copy
                // it merges with the stretches around it, so that a long document's line joins
                // do not cost two segments each (for prose, a map as large as the text).
                let one_to_one =
                    edit.replacement.len() == 1 && edit.range().len() == 1 && raw.len() == 1;
                push_segment(
                    &mut segments,
                    Segment {
                        cur: len,
                        raw_start: raw.start,
                        raw_end: raw.end,
                        copy: one_to_one,
                    },
                );
                let replacement = edit.replacement.as_bytes();
                bytes[len..len + replacement.len()].copy_from_slice(replacement);
                len += replacement.len();
            }
            pos = edit.range.1;
        }
        self.map.copy_range(pos..old_len, len, &mut segments);
        bytes.copy_within(shift + pos..shift + old_len, len);
        len += old_len - pos;
        bytes.truncate(len);
        segments.retain(|s| s.cur < len);
        // The room reserved above is an upper bound: what line joins merged away is returned.
        segments.shrink_to_fit();
        self.map = SourceMap {
            segments,
            len,
            raw_len: self.map.raw_len,
        };
        // Whole characters were replaced by text (edits at other offsets were dropped above).
        self.text = String::from_utf8(bytes).expect("edits replace whole characters with text");
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> Document {
        Document::from_bytes("t", s.as_bytes().to_vec())
    }

    #[test]
    fn edits_apply_and_keep_the_map_to_raw() {
        let d = doc("ab\r\ncd\r\nef");
        let mut t = Text::new(String::from_utf8(d.raw.clone()).unwrap());
        let changes = t.apply(
            &d,
            "p",
            vec![
                Edit::of_data_rule(6..8, "\n", "crlf"),
                Edit::of_data_rule(2..4, "\n", "crlf"),
            ],
        );
        assert_eq!(t.as_str(), "ab\ncd\nef");
        assert_eq!(changes.len(), 2);
        assert_eq!((changes[0].raw.start, changes[0].raw.end), (2, 4));
        assert_eq!((changes[1].raw.start, changes[1].raw.end), (6, 8));
        // "ef" now starts at 6 and still maps to raw 8..10.
        assert_eq!(t.source_map().to_raw(6..8), 8..10);
        // A second pass edits text that the first one moved.
        let changes = t.apply(&d, "q", vec![Edit::of_data_rule(3..5, "CD", "upper")]);
        assert_eq!((changes[0].raw.start, changes[0].raw.end), (4, 6));
        assert_eq!(changes[0].raw.line, 2);
        // And one that spans a replaced stretch maps to the whole raw stretch.
        assert_eq!(t.source_map().to_raw(2..4), 2..6);
    }

    #[test]
    fn overlapping_edits_are_refused_and_recorded() {
        let d = doc("abcdef");
        let mut t = Text::new("abcdef".into());
        let changes = t.apply(
            &d,
            "p",
            vec![
                Edit::of_data_rule(1..4, "X", "a"),
                Edit::of_data_rule(2..5, "Y", "b"),
            ],
        );
        assert_eq!(t.as_str(), "aXef");
        assert!(changes[0].applied);
        assert!(!changes[1].applied);
        assert_eq!(changes[1].kind, ChangeKind::Review);
    }

    #[test]
    fn moved_text_keeps_its_map_to_raw() {
        let d = doc("body [note one] more");
        let mut t = Text::new("body [note one] more".into());
        let (changes, moved) = t.apply_moving(
            &d,
            "p",
            vec![Edit::of_data_rule(5..15, "", "fn").move_to_note(1)],
        );
        assert_eq!(t.as_str(), "body  more");
        assert_eq!(changes[0].to_note, Some(1));
        let (n, mut note) = moved.into_iter().next().unwrap();
        assert_eq!((n, note.as_str()), (1, "[note one]"));
        assert_eq!(note.source_map().to_raw(1..5), 6..10);
        let tail = Text::new("body [note one] more".into()).slice(16..20);
        note.append("\n", tail);
        assert_eq!(note.as_str(), "[note one]\nmore");
        assert_eq!(note.source_map().to_raw(11..15), 16..20);
        assert_eq!(note.source_map().to_raw(10..11), 16..16);
    }

    #[test]
    fn deletions_and_insertions_map_to_raw_positions() {
        let d = doc("abc");
        let mut t = Text::new("abc".into());
        t.apply(&d, "p", vec![Edit::of_data_rule(0..1, "", "del")]);
        assert_eq!(t.as_str(), "bc");
        assert_eq!(t.source_map().to_raw(0..1), 1..2);
        let changes = t.apply(&d, "p", vec![Edit::of_data_rule(2..2, "\n", "ins")]);
        assert_eq!(t.as_str(), "bc\n");
        assert_eq!((changes[0].raw.start, changes[0].raw.end), (3, 3));
    }
}
