//! Restoring the raw input from the cleaned body and the change log: the proof that cleaning loses
//! nothing.
//!
//! Each stage (the decoding, then each pass) is given a text and its applied changes are recorded
//! in text order with `at`, the offset of `before` in that text; they were applied all at once. So
//! the text a stage was given is rebuilt from the text it produced by replacing, in one sweep,
//! each change's `after` with its `before`; the change's position in the produced text is `at`
//! shifted by the growth of the earlier changes of the stage. Undoing the stages from the last to
//! the first yields the raw bytes.
//!
//! Only body changes count: text moved out to a note is recorded as a body change whose `before`
//! is the moved text, so reinserting it needs no note; changes made inside notes (`in_note`) are
//! not needed. Changes not applied (review flags, refused overlaps) changed nothing. A lossy
//! decoding's U+FFFD turns back into the invalid bytes it stood for (`invalid_bytes`).

use std::collections::BTreeMap;

use crate::change::Change;

/// Why the log and the body do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    /// A change's `after` is not at the place the log puts it: the body or the log was edited, or
    /// they belong to different runs.
    #[error(
        "change {index} (pass {pass}, rule {rule}): its result {after:?} is not at byte {at} of the text it produced"
    )]
    Mismatch {
        /// 0-based position of the change in the log.
        index: usize,
        pass: String,
        rule: String,
        after: String,
        at: usize,
    },
}

/// The raw input that `body` was cleaned from, rebuilt with the change log `changes` (in the order
/// the log lists them).
pub fn restore(body: &str, changes: &[Change]) -> Result<Vec<u8>, RestoreError> {
    // Stages in the order they first appear in the log; each one's applied body changes, in order.
    let mut stages: Vec<&str> = Vec::new();
    let mut by_stage: BTreeMap<&str, Vec<(usize, &Change)>> = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        if !change.applied || change.in_note.is_some() {
            continue;
        }
        if !by_stage.contains_key(change.pass.as_ref()) {
            stages.push(&change.pass);
        }
        by_stage
            .entry(&change.pass)
            .or_default()
            .push((index, change));
    }
    let mut text = body.as_bytes().to_vec();
    for stage in stages.iter().rev() {
        text = undo_stage(&text, &by_stage[stage])?;
    }
    Ok(text)
}

/// The text a stage was given, from the text it produced and its applied changes in text order.
fn undo_stage(produced: &[u8], changes: &[(usize, &Change)]) -> Result<Vec<u8>, RestoreError> {
    let mut given = Vec::with_capacity(produced.len());
    // Bytes the stage's earlier changes added (or, below zero, removed) before the current one.
    let mut growth: isize = 0;
    let mut pos = 0;
    for &(index, change) in changes {
        let before = change.before_bytes();
        let after = change.after.as_bytes();
        let mismatch = || RestoreError::Mismatch {
            index,
            pass: change.pass.to_string(),
            rule: change.rule.to_string(),
            after: change.after.to_string(),
            at: change.at,
        };
        let start = change
            .at
            .checked_add_signed(growth)
            .filter(|&start| start >= pos)
            .ok_or_else(mismatch)?;
        let end = start + after.len();
        if produced.get(start..end) != Some(after) {
            return Err(mismatch());
        }
        given.extend_from_slice(&produced[pos..start]);
        given.extend_from_slice(before);
        pos = end;
        growth += after.len() as isize - before.len() as isize;
    }
    given.extend_from_slice(&produced[pos..]);
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{ChangeKind, RawLocation};

    fn change(pass: &str, at: usize, before: &str, after: &str) -> Change {
        Change {
            rule: format!("{pass}.rule").into(),
            pass: pass.to_string().into(),
            kind: ChangeKind::Edit,
            applied: true,
            raw: RawLocation {
                page: 1,
                line: 1,
                column: 1,
                start: 0,
                end: 0,
            },
            before: before.into(),
            after: after.into(),
            confidence: 1.0,
            evidence: "".into(),
            at,
            in_note: None,
            to_note: None,
            invalid_bytes: None,
        }
    }

    #[test]
    fn stages_are_undone_last_first_with_shifted_positions() {
        // "a\r\nb\r\nc" -(p: CRLF to LF)-> "a\nb\nc" -(q: join lines)-> "a b c".
        let log = vec![
            change("p", 1, "\r\n", "\n"),
            change("p", 4, "\r\n", "\n"),
            change("q", 1, "\n", " "),
            change("q", 3, "\n", " "),
        ];
        assert_eq!(restore("a b c", &log).unwrap(), b"a\r\nb\r\nc");
    }

    #[test]
    fn flags_notes_and_moves_are_handled() {
        let mut flag = change("p", 0, "x", "y");
        flag.applied = false;
        let mut in_note = change("p", 0, "\n", " ");
        in_note.in_note = Some(1);
        let mut moved = change("p", 4, "[note]", "");
        moved.to_note = Some(1);
        let log = vec![flag, moved, in_note];
        assert_eq!(restore("body more", &log).unwrap(), b"body[note] more");
    }

    #[test]
    fn a_lossy_decoding_gets_its_invalid_bytes_back() {
        let mut lossy = change("decode", 1, "", "\u{FFFD}");
        lossy.invalid_bytes = Some(vec![0xFF, 0xFE].into());
        let mut second = change("decode", 5, "", "\u{FFFD}");
        second.invalid_bytes = Some(vec![0xC3].into());
        let log = vec![lossy, second];
        assert_eq!(
            restore("a\u{FFFD}bc\u{FFFD}", &log).unwrap(),
            b"a\xFF\xFEbc\xC3"
        );
    }

    #[test]
    fn a_body_that_does_not_fit_the_log_is_an_error() {
        let log = vec![change("p", 1, "\r\n", "\n")];
        let err = restore("aXb", &log).unwrap_err();
        assert!(matches!(
            err,
            RestoreError::Mismatch {
                index: 0,
                at: 1,
                ..
            }
        ));
        // Nothing to undo: the body is the raw input.
        assert_eq!(restore("aXb", &[]).unwrap(), b"aXb");
    }
}
