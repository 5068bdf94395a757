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
//!
//! [`restore_from_log`] does the same from a log it reads line by line, holding no change record
//! beyond the one being read: a first sweep notes where each stage's lines lie in the log, then
//! each stage is replayed from there, last first. Its memory is two copies of the text (the one a
//! stage produced and the one it was given), whatever the number of changes: a log of one line
//! join per three bytes of text would otherwise be held as records many times the document's size.
//!
//! The log's first line, its [`LogHeader`], names the encoding the input was read in and the
//! SHA-256 of its original bytes: [`restore_verified`] re-encodes the rebuilt text and checks it
//! against that hash, so an edit of the body or of the log that still fits (a `before` changed to
//! another text of the same length) is found instead of yielding a different "raw" input.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

use crate::change::Change;
use crate::decode::Encoding;
use crate::document::{Document, sha256_hex};

/// What the first line of a change log holds: the raw input's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHeader {
    /// Always [`LogHeader::MARK`]: tells the header from a change record.
    pub log: String,
    /// SHA-256 (hex) of the raw input's original bytes.
    pub raw_sha256: String,
    /// Length of the raw input's original bytes.
    pub raw_bytes: u64,
    /// The encoding the input was read in.
    pub encoding: Encoding,
}

impl LogHeader {
    pub const MARK: &str = "ocrclean changes";

    pub fn of(doc: &Document) -> Self {
        Self {
            log: Self::MARK.into(),
            raw_sha256: doc.raw_sha256.clone(),
            raw_bytes: doc.raw_bytes,
            encoding: doc.encoding,
        }
    }
}

/// A change log that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LogError {
    /// 1-based line of the log.
    pub line: usize,
    pub message: String,
}

/// Reads a change log: its header (absent in logs written before it existed) and its changes.
pub fn parse_log(text: &str) -> Result<(Option<LogHeader>, Vec<Change>), LogError> {
    let mut header = None;
    let mut changes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        match parse_line(i, line.as_bytes())? {
            Line::Blank => {}
            Line::Header(h) => header = Some(h),
            Line::Change(c) => changes.push(*c),
        }
    }
    Ok((header, changes))
}

/// One line of a change log.
enum Line {
    Blank,
    Header(LogHeader),
    Change(Box<Change>),
}

/// Line `i` (0-based) of a change log: the header only on the first line.
fn parse_line(i: usize, line: &[u8]) -> Result<Line, LogError> {
    if line.trim_ascii().is_empty() {
        return Ok(Line::Blank);
    }
    if i == 0
        && let Ok(h) = serde_json::from_slice::<LogHeader>(line)
        && h.log == LogHeader::MARK
    {
        return Ok(Line::Header(h));
    }
    serde_json::from_slice(line)
        .map(|c| Line::Change(Box::new(c)))
        .map_err(|e| LogError {
            line: i + 1,
            message: format!("not a change record: {e}"),
        })
}

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
    /// The rebuilt text has a character that the input's encoding cannot hold.
    #[error(
        "the rebuilt input has a character that {encoding} cannot hold: the body or the log was edited"
    )]
    Unencodable { encoding: &'static str },
    /// The rebuilt input is not the one the log was written for.
    #[error(
        "the rebuilt input ({bytes} bytes, SHA-256 {actual}) is not the raw input the log was written for ({expected_bytes} bytes, SHA-256 {expected}): the body or the log was edited"
    )]
    Altered {
        expected: String,
        expected_bytes: u64,
        actual: String,
        bytes: usize,
    },
}

/// [`restore`], then the result re-encoded in the input's encoding and checked against the
/// header's hash: the original bytes, or an error saying the body or the log was edited.
pub fn restore_verified(
    body: &str,
    header: &LogHeader,
    changes: &[Change],
) -> Result<Vec<u8>, RestoreError> {
    verify(restore(body, changes)?, header)
}

/// The rebuilt text in the input's encoding, if its hash and length are the header's.
fn verify(text: Vec<u8>, header: &LogHeader) -> Result<Vec<u8>, RestoreError> {
    let raw = if header.encoding == Encoding::Utf8 {
        text
    } else {
        let unencodable = || RestoreError::Unencodable {
            encoding: header.encoding.label(),
        };
        let text = String::from_utf8(text).map_err(|_| unencodable())?;
        crate::decode::encode(&text, header.encoding).ok_or_else(unencodable)?
    };
    let actual = sha256_hex(&[&raw]);
    if actual != header.raw_sha256 || raw.len() as u64 != header.raw_bytes {
        return Err(RestoreError::Altered {
            expected: header.raw_sha256.clone(),
            expected_bytes: header.raw_bytes,
            actual,
            bytes: raw.len(),
        });
    }
    Ok(raw)
}

/// Why [`restore_from_log`] failed.
#[derive(Debug, thiserror::Error)]
pub enum LogRestoreError {
    /// The log could not be read.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// A line of the log is not a change record (or the log changed between the two sweeps).
    #[error(transparent)]
    Log(#[from] LogError),
    /// The log and the body do not give the raw input back.
    #[error(transparent)]
    Restore(#[from] RestoreError),
}

/// A stretch of the log's lines whose applied body changes all belong to one stage.
struct Run {
    /// Byte offset of its first line in the log.
    offset: u64,
    /// 0-based line number of its first line.
    line: usize,
    /// Index of its first change among the log's changes (the header is no change).
    index: usize,
    /// How many lines it has.
    lines: usize,
}

/// The raw input rebuilt from `body` and the change log read from `log` (such as a buffered
/// file), as [`restore`] and [`restore_verified`] do, without holding the log in memory: the
/// header (when the log has one; the result is then checked against it) and the raw bytes.
pub fn restore_from_log<R: BufRead + Seek>(
    body: Vec<u8>,
    log: &mut R,
) -> Result<(Option<LogHeader>, Vec<u8>), LogRestoreError> {
    // First sweep: the header, and where each stage's lines are, stages in order of appearance.
    let mut header = None;
    let mut stages: Vec<(String, Vec<Run>)> = Vec::new();
    let mut line = Vec::new();
    let (mut offset, mut index) = (0u64, 0usize);
    let mut current: Option<usize> = None;
    for i in 0.. {
        line.clear();
        let read = log.read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        let start = offset;
        offset += read as u64;
        let change = match parse_line(i, &line)? {
            Line::Blank => continue,
            Line::Header(h) => {
                header = Some(h);
                continue;
            }
            Line::Change(c) => c,
        };
        index += 1;
        // Only applied body changes are undone (see the module doc), and only they mark stages.
        if !change.applied || change.in_note.is_some() {
            continue;
        }
        let stage = match current {
            Some(s) if stages[s].0 == change.pass => s,
            _ => {
                let s = match stages.iter().position(|(p, _)| *p == change.pass) {
                    Some(s) => s,
                    None => {
                        stages.push((change.pass.to_string(), Vec::new()));
                        stages.len() - 1
                    }
                };
                stages[s].1.push(Run {
                    offset: start,
                    line: i,
                    index: index - 1,
                    lines: 0,
                });
                current = Some(s);
                s
            }
        };
        let run = stages[stage].1.last_mut().expect("a run was started");
        run.lines = i + 1 - run.line;
    }
    // Second sweep: each stage undone from its lines, the last stage first.
    let mut text = body;
    for (_, runs) in stages.iter().rev() {
        let mut undo = StageUndo::new(&text);
        for run in runs {
            log.seek(SeekFrom::Start(run.offset))?;
            let mut index = run.index;
            for i in run.line..run.line + run.lines {
                line.clear();
                log.read_until(b'\n', &mut line)?;
                let Line::Change(change) = parse_line(i, &line)? else {
                    continue;
                };
                if change.applied && change.in_note.is_none() {
                    undo.step(index, &change)?;
                }
                index += 1;
            }
        }
        text = undo.finish();
    }
    let raw = match &header {
        Some(h) => verify(text, h)?,
        None => text,
    };
    Ok((header, raw))
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
    let mut undo = StageUndo::new(produced);
    for &(index, change) in changes {
        undo.step(index, change)?;
    }
    Ok(undo.finish())
}

/// Rebuilds the text a stage was given from the text it produced, one change at a time.
struct StageUndo<'a> {
    produced: &'a [u8],
    given: Vec<u8>,
    /// Bytes the stage's earlier changes added (or, below zero, removed) before the current one.
    growth: isize,
    /// End in `produced` of what has been rebuilt.
    pos: usize,
}

impl<'a> StageUndo<'a> {
    fn new(produced: &'a [u8]) -> Self {
        Self {
            produced,
            given: Vec::with_capacity(produced.len()),
            growth: 0,
            pos: 0,
        }
    }

    /// Undoes `change`, the `index`-th change of the log (0-based).
    fn step(&mut self, index: usize, change: &Change) -> Result<(), RestoreError> {
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
            .checked_add_signed(self.growth)
            .filter(|&start| start >= self.pos)
            .ok_or_else(mismatch)?;
        let end = start + after.len();
        if self.produced.get(start..end) != Some(after) {
            return Err(mismatch());
        }
        self.given
            .extend_from_slice(&self.produced[self.pos..start]);
        self.given.extend_from_slice(before);
        self.pos = end;
        self.growth += after.len() as isize - before.len() as isize;
        Ok(())
    }

    fn finish(mut self) -> Vec<u8> {
        self.given.extend_from_slice(&self.produced[self.pos..]);
        self.given
    }
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

    #[test]
    fn a_log_edited_to_the_same_length_is_caught_by_the_hash() {
        let doc = Document::from_bytes("d", b"a\r\nb".to_vec());
        let header = LogHeader::of(&doc);
        let log = vec![change("p", 1, "\r\n", "\n")];
        assert_eq!(restore_verified("a\nb", &header, &log).unwrap(), b"a\r\nb");
        // The same length, so the replay alone cannot tell.
        let edited = vec![change("p", 1, "\n\r", "\n")];
        assert_eq!(restore("a\nb", &edited).unwrap(), b"a\n\rb");
        assert!(matches!(
            restore_verified("a\nb", &header, &edited),
            Err(RestoreError::Altered { .. })
        ));
    }

    #[test]
    fn the_header_is_the_first_line_and_optional() {
        let doc = Document::from_bytes("d", b"x".to_vec());
        let header = serde_json::to_string(&LogHeader::of(&doc)).unwrap();
        let record = serde_json::to_string(&change("p", 0, "x", "y")).unwrap();
        let (h, changes) = parse_log(&format!("{header}\n{record}\n")).unwrap();
        assert_eq!(h, Some(LogHeader::of(&doc)));
        assert_eq!(changes.len(), 1);
        let (h, changes) = parse_log(&format!("{record}\n")).unwrap();
        assert_eq!((h, changes.len()), (None, 1));
        assert_eq!(parse_log("{}\n").unwrap_err().line, 1);
    }

    /// A log as `clean` writes it: the header, then one change per line.
    fn log_text(header: Option<&LogHeader>, changes: &[Change]) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(h) = header {
            out.extend(serde_json::to_vec(h).unwrap());
            out.push(b'\n');
        }
        for c in changes {
            out.extend(serde_json::to_vec(c).unwrap());
            out.push(b'\n');
        }
        out
    }

    fn from_log(body: &str, log: &[u8]) -> Result<(Option<LogHeader>, Vec<u8>), LogRestoreError> {
        restore_from_log(body.as_bytes().to_vec(), &mut io::Cursor::new(log))
    }

    #[test]
    fn a_log_read_line_by_line_restores_as_the_whole_log_does() {
        let doc = Document::from_bytes("d", b"a\r\nb\r\nc".to_vec());
        let header = LogHeader::of(&doc);
        let mut flag = change("q", 0, "a", "A");
        flag.applied = false;
        let mut in_note = change("q", 0, "\n", " ");
        in_note.in_note = Some(1);
        let log = vec![
            change("p", 1, "\r\n", "\n"),
            change("p", 4, "\r\n", "\n"),
            flag,
            change("q", 1, "\n", " "),
            in_note,
            change("q", 3, "\n", " "),
        ];
        let text = log_text(Some(&header), &log);
        let (h, raw) = from_log("a b c", &text).unwrap();
        assert_eq!(
            (h.as_ref(), raw.as_slice()),
            (Some(&header), &b"a\r\nb\r\nc"[..])
        );
        assert_eq!(restore_verified("a b c", &header, &log).unwrap(), raw);
        // Without a header the result is not checked, as `restore` does.
        let (h, raw) = from_log("a b c", &log_text(None, &log)).unwrap();
        assert_eq!((h, raw), (None, b"a\r\nb\r\nc".to_vec()));
        // Blank lines and CRLF line ends change nothing.
        let crlf: Vec<u8> = String::from_utf8(text)
            .unwrap()
            .replace('\n', "\r\n\r\n")
            .into_bytes();
        assert_eq!(from_log("a b c", &crlf).unwrap().1, b"a\r\nb\r\nc");
    }

    #[test]
    fn a_stage_whose_lines_are_interleaved_is_undone_as_one() {
        // Stage p's changes come in two stretches around q's; stages are undone in the order of
        // their first applied change, last first, as `restore` does.
        let log = vec![
            change("p", 1, "\r\n", "\n"),
            change("q", 1, "\n", " "),
            change("p", 4, "\r\n", "\n"),
            change("q", 3, "\n", " "),
        ];
        let expected = restore("a b c", &log).unwrap();
        assert_eq!(expected, b"a\r\nb\r\nc");
        assert_eq!(
            from_log("a b c", &log_text(None, &log)).unwrap().1,
            expected
        );
    }

    #[test]
    fn errors_of_a_log_read_line_by_line_name_the_line_and_the_change() {
        let doc = Document::from_bytes("d", b"a\r\nb".to_vec());
        let header = LogHeader::of(&doc);
        let mut text = log_text(Some(&header), &[change("p", 1, "\r\n", "\n")]);
        text.extend(b"not json\n");
        match from_log("a\nb", &text) {
            Err(LogRestoreError::Log(e)) => assert_eq!(e.line, 3),
            other => panic!("expected a log error, got {other:?}"),
        }
        // The second change (index 1) does not fit the body.
        let log = vec![change("p", 1, "\r\n", "\n"), change("p", 3, "x", "y")];
        match from_log("a\nb", &log_text(Some(&header), &log)) {
            Err(LogRestoreError::Restore(RestoreError::Mismatch { index: 1, .. })) => {}
            other => panic!("expected a mismatch, got {other:?}"),
        }
        // A `before` edited to the same length is caught by the hash.
        let edited = log_text(Some(&header), &[change("p", 1, "\n\r", "\n")]);
        assert!(matches!(
            from_log("a\nb", &edited),
            Err(LogRestoreError::Restore(RestoreError::Altered { .. }))
        ));
    }
}
