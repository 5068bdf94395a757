//! The two message types of the pipeline: an [`Edit`] that a pass proposes on the working text, and
//! the [`Change`] record that the engine writes for it once it knows where the edit lies in the raw
//! input. The report, the JSONL log and the check mode are all rendered from `Change` records.

use std::borrow::Cow;
use std::ops::Range;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// What a change does to the document, which decides where the report lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Text repaired in place.
    Edit,
    /// Page furniture (running head, page number, signature mark) dropped from the body.
    Furniture,
    /// Text moved out of the body into the notes.
    Note,
    /// A spot flagged for review: proposed, not applied.
    Review,
}

/// A rule implemented in code: declared as a `const` next to the code that emits it, listed in its
/// pass's `RULES`, and so registered in [`crate::pipeline::builtin_rules`], which `rules list`,
/// `--disable` and the registry test read. An [`Edit`] of a built-in rule can only be made from
/// one of these values, so an id cannot be typed twice and drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BuiltinRule {
    pub id: &'static str,
    pub description: &'static str,
}

/// An edit proposed by a pass, in byte offsets of the text that the pass was given.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub range: Range<usize>,
    /// Inline up to 24 bytes: most replacements are a space or a letter, and a pass on a long
    /// document proposes one per line end, so each would otherwise be a heap allocation.
    pub replacement: CompactString,
    /// Rule ids and most evidence are fixed texts: borrowed, a change record costs no copy of them.
    pub rule: Cow<'static, str>,
    pub kind: ChangeKind,
    /// How sure the pass is, from 0 to 1.
    pub confidence: f64,
    /// A short reason a person can check, such as `header: recurs on 12 of 14 pages`.
    pub evidence: Cow<'static, str>,
    /// For a footnote's text: the note it moves to (its text leaves the body and becomes, or is
    /// appended to, note N).
    pub move_to_note: Option<usize>,
}

impl Edit {
    /// An edit of the built-in rule `rule`.
    pub fn new(
        range: Range<usize>,
        replacement: impl Into<CompactString>,
        rule: BuiltinRule,
    ) -> Self {
        Self::of_data_rule(range, replacement, rule.id)
    }

    /// An edit of a data rule (loaded from `rules/`), named by its id.
    pub fn of_data_rule(
        range: Range<usize>,
        replacement: impl Into<CompactString>,
        id: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            range,
            replacement: replacement.into(),
            rule: id.into(),
            kind: ChangeKind::Edit,
            confidence: 1.0,
            evidence: Cow::Borrowed(""),
            move_to_note: None,
        }
    }

    /// Moves the range's text out of the body into note `n`.
    pub fn move_to_note(mut self, n: usize) -> Self {
        self.kind = ChangeKind::Note;
        self.move_to_note = Some(n);
        self
    }

    pub fn kind(mut self, kind: ChangeKind) -> Self {
        self.kind = kind;
        self
    }

    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    pub fn evidence(mut self, evidence: impl Into<Cow<'static, str>>) -> Self {
        self.evidence = evidence.into();
        self
    }
}

/// A page, line, column or note number as stored in a change (numbers past `u32::MAX`, which no
/// real document reaches, saturate).
pub fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Where a change lies in the raw input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawLocation {
    /// 1-based page (for a page folder: the n-th page file).
    pub page: u32,
    /// 1-based line within the page.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte range in the raw input.
    pub start: usize,
    pub end: usize,
}

/// One recorded change: the single message model of the tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub rule: Cow<'static, str>,
    pub pass: Cow<'static, str>,
    pub kind: ChangeKind,
    /// False for review flags and for edits refused because they overlapped another.
    pub applied: bool,
    pub raw: RawLocation,
    /// Most befores and afters are a few characters (a line end, a letter): stored inline, a
    /// change record of a long document costs no heap allocation for them.
    pub before: CompactString,
    pub after: CompactString,
    pub confidence: f64,
    pub evidence: Cow<'static, str>,
    /// Byte offset of `before` in the text the pass was given; with `pass` and `in_note` this lets
    /// the log be replayed backwards to restore the raw input.
    pub at: usize,
    /// The note whose text the change was made in; absent for the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_note: Option<u32>,
    /// For text moved out of the body: the note it went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_note: Option<u32>,
    /// For a lossy decoding (`before` is empty): the raw bytes, not valid UTF-8, that `after`
    /// (U+FFFD) stands for, so that the raw input can be restored byte for byte.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_bytes: Option<Box<[u8]>>,
}

/// Where the engine hands each change record as it makes it, in the order of the change log.
///
/// A `Vec<Change>` keeps them (what [`crate::Cleaner::clean`] returns); the command line's
/// on-disk `clean` writes each one straight into the document's change log instead, so that a long
/// document's records are never all in memory (see [`crate::review::LogDigest`] for what it keeps).
pub trait ChangeSink {
    fn record(&mut self, change: Change);

    /// Room for `n` more records: a `Vec` grows by exactly that much (a long document's log would
    /// otherwise be left with up to half of its room unused); a sink that keeps nothing ignores it.
    fn reserve(&mut self, _n: usize) {}
}

impl ChangeSink for Vec<Change> {
    fn record(&mut self, change: Change) {
        self.push(change);
    }

    fn reserve(&mut self, n: usize) {
        self.reserve_exact(n);
    }
}

/// A sink that marks each record as made in note `note` and hands it on.
pub(crate) struct InNote<'a> {
    pub sink: &'a mut dyn ChangeSink,
    pub note: u32,
}

impl ChangeSink for InNote<'_> {
    fn record(&mut self, mut change: Change) {
        change.in_note = Some(self.note);
        self.sink.record(change);
    }

    fn reserve(&mut self, n: usize) {
        self.sink.reserve(n);
    }
}

impl Change {
    /// The bytes this change replaced: `before`, or the invalid bytes of a lossy decoding.
    pub fn before_bytes(&self) -> &[u8] {
        self.invalid_bytes
            .as_deref()
            .unwrap_or(self.before.as_bytes())
    }
}

/// `text` with the edits applied as the engine applies them when none overlap: in order of
/// position, review flags skipped. For rule examples and tests.
///
/// # Panics
/// When two applied edits overlap (the engine would refuse one; an example must not need that).
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut applied: Vec<&Edit> = edits
        .iter()
        .filter(|e| e.kind != ChangeKind::Review)
        .collect();
    applied.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for edit in applied {
        assert!(edit.range.start >= pos, "overlapping edits in {text:?}");
        out.push_str(&text[pos..edit.range.start]);
        out.push_str(&edit.replacement);
        pos = edit.range.end;
    }
    out + &text[pos..]
}

/// Why an edit is proposed: everything of an [`Edit`] but where it lies and what it writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub rule: Cow<'static, str>,
    pub kind: ChangeKind,
    pub confidence: f64,
    pub evidence: Cow<'static, str>,
    pub move_to_note: Option<usize>,
}

impl Reason {
    /// Equality as the interning reads it: the confidence by its bits, so that the table's
    /// equality agrees with its hash.
    fn same(&self, other: &Reason) -> bool {
        self.rule == other.rule
            && self.kind == other.kind
            && self.confidence.to_bits() == other.confidence.to_bits()
            && self.evidence == other.evidence
            && self.move_to_note == other.move_to_note
    }

    fn hash_with(&self, build: &hashbrown::DefaultHashBuilder) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = build.build_hasher();
        self.rule.hash(&mut h);
        self.kind.hash(&mut h);
        self.confidence.to_bits().hash(&mut h);
        self.evidence.hash(&mut h);
        self.move_to_note.hash(&mut h);
        h.finish()
    }
}

/// One proposal as the engine reads it: an [`Edit`] by reference.
#[derive(Debug, Clone, Copy)]
pub struct Proposal<'a> {
    pub range: (usize, usize),
    pub replacement: &'a str,
    pub reason: &'a Reason,
}

impl Proposal<'_> {
    pub fn range(&self) -> Range<usize> {
        self.range.0..self.range.1
    }
}

/// A place and the indices of its replacement and reason in [`Proposals`]: 16 bytes. A place
/// whose offsets do not fit in 32 bits (past 4 GiB) is kept in [`Proposals::wide`], `start` is
/// [`WIDE`] and `end` its index there.
#[derive(Debug, Clone, Copy)]
struct Item {
    start: u32,
    end: u32,
    replacement: u32,
    reason: u32,
}

/// The `start` of an [`Item`] whose place is kept apart.
const WIDE: u32 = u32::MAX;

/// The edits of one pass, as the engine holds them: each is a place and two indices, and the
/// replacements and reasons are stored once each. A pass over a long document proposes one edit
/// per line end, nearly all of them a space or a paragraph break of a few rules with the same
/// evidence: as [`Edit`]s they took 120 bytes each (40 times a document of short lines), as
/// items 16.
#[derive(Debug, Default)]
pub struct Proposals {
    items: Vec<Item>,
    /// The places of items past 4 GiB.
    wide: Vec<(usize, usize)>,
    replacements: Vec<CompactString>,
    reasons: Vec<Reason>,
    /// Where each replacement and reason stands, by its hash: filled while proposals are added,
    /// dropped once they are settled.
    replacement_index: hashbrown::HashTable<u32>,
    reason_index: hashbrown::HashTable<u32>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl Proposals {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Room for `n` more proposals.
    pub fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    /// Adds `edit` after those already proposed (the engine's tie-break between edits at the same
    /// place is this order).
    pub fn push(&mut self, edit: Edit) {
        let Edit {
            range,
            replacement,
            rule,
            kind,
            confidence,
            evidence,
            move_to_note,
        } = edit;
        let replacement = self.replacement_id(replacement);
        let reason = self.reason_id(Reason {
            rule,
            kind,
            confidence,
            evidence,
            move_to_note,
        });
        let (start, end) = match (u32::try_from(range.start), u32::try_from(range.end)) {
            (Ok(start), Ok(end)) if start != WIDE => (start, end),
            _ => {
                self.wide.push((range.start, range.end));
                (WIDE, small_index(self.wide.len() - 1))
            }
        };
        self.items.push(Item {
            start,
            end,
            replacement,
            reason,
        });
    }

    fn place(wide: &[(usize, usize)], item: &Item) -> (usize, usize) {
        if item.start == WIDE {
            wide[item.end as usize]
        } else {
            (item.start as usize, item.end as usize)
        }
    }

    fn replacement_id(&mut self, replacement: CompactString) -> u32 {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(replacement.as_str());
        let (all, build) = (&self.replacements, &self.hasher);
        if let Some(&id) = self
            .replacement_index
            .find(hash, |&id| all[id as usize] == replacement)
        {
            return id;
        }
        let id = small_index(all.len());
        self.replacement_index
            .insert_unique(hash, id, |&id| build.hash_one(all[id as usize].as_str()));
        self.replacements.push(replacement);
        id
    }

    fn reason_id(&mut self, reason: Reason) -> u32 {
        let hash = reason.hash_with(&self.hasher);
        let (all, build) = (&self.reasons, &self.hasher);
        if let Some(&id) = self
            .reason_index
            .find(hash, |&id| all[id as usize].same(&reason))
        {
            return id;
        }
        let id = small_index(all.len());
        self.reason_index
            .insert_unique(hash, id, |&id| all[id as usize].hash_with(build));
        self.reasons.push(reason);
        id
    }

    /// The `i`-th proposal, in the order they were added.
    pub fn get(&self, i: usize) -> Proposal<'_> {
        let item = self.items[i];
        Proposal {
            range: Self::place(&self.wide, &item),
            replacement: &self.replacements[item.replacement as usize],
            reason: &self.reasons[item.reason as usize],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = Proposal<'_>> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Keeps the proposals for which `keep` holds, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(Proposal<'_>) -> bool) {
        let (replacements, reasons, wide) = (&self.replacements, &self.reasons, &self.wide);
        self.items.retain(|item| {
            keep(Proposal {
                range: Self::place(wide, item),
                replacement: &replacements[item.replacement as usize],
                reason: &reasons[item.reason as usize],
            })
        });
    }

    /// Each distinct reason, to be changed in place (a change applies to every proposal that
    /// gives it). Proposals added after this are no longer merged with earlier ones.
    pub fn reasons_mut(&mut self) -> impl Iterator<Item = &mut Reason> {
        self.reason_index = hashbrown::HashTable::new();
        self.reasons.iter_mut()
    }

    /// Returns the room that growing by doubling left unused, and the look-up tables: the list
    /// stands beside the stage's change records while the engine applies it.
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        self.wide.shrink_to_fit();
        self.replacements.shrink_to_fit();
        self.reasons.shrink_to_fit();
        self.replacement_index = hashbrown::HashTable::new();
        self.reason_index = hashbrown::HashTable::new();
    }

    /// The proposals as edits, in their order.
    pub fn into_edits(self) -> Vec<Edit> {
        self.iter()
            .map(|p| Edit {
                range: p.range(),
                replacement: p.replacement.into(),
                rule: p.reason.rule.clone(),
                kind: p.reason.kind,
                confidence: p.reason.confidence,
                evidence: p.reason.evidence.clone(),
                move_to_note: p.reason.move_to_note,
            })
            .collect()
    }
}

impl Extend<Edit> for Proposals {
    fn extend<T: IntoIterator<Item = Edit>>(&mut self, edits: T) {
        for edit in edits {
            self.push(edit);
        }
    }
}

impl From<Vec<Edit>> for Proposals {
    fn from(edits: Vec<Edit>) -> Self {
        let mut proposals = Proposals::default();
        proposals.items.reserve_exact(edits.len());
        proposals.extend(edits);
        proposals
    }
}

/// An index into the tables of [`Proposals`]: 2^32 proposals of one stage would take over 100 GB,
/// which no document reaches.
fn small_index(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 proposals in one stage")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_past_4_gib_are_kept_apart_and_read_back() {
        let far = u32::MAX as usize + 10;
        let mut proposals = Proposals::default();
        proposals.push(Edit::of_data_rule(1..2, " ", "r"));
        proposals.push(Edit::of_data_rule(far..far + 1, " ", "r"));
        proposals.push(Edit::of_data_rule(u32::MAX as usize..far, "", "r"));
        proposals.push(Edit::of_data_rule(3..4, "x", "r"));
        let ranges = |p: &Proposals| p.iter().map(|p| p.range).collect::<Vec<_>>();
        assert_eq!(
            ranges(&proposals),
            [(1, 2), (far, far + 1), (u32::MAX as usize, far), (3, 4)]
        );
        proposals.retain(|p| p.range.0 != far);
        assert_eq!(
            ranges(&proposals),
            [(1, 2), (u32::MAX as usize, far), (3, 4)]
        );
    }
}
