//! Turning raw bytes into the working text: strict UTF-8, or lossy decoding in which each invalid
//! byte sequence becomes U+FFFD and is recorded as a change.

use crate::change::{BuiltinRule, Change, ChangeKind, RawLocation};
use crate::document::Document;
use crate::error::DecodeError;
use crate::text::Text;
use compact_str::CompactString;

/// The rule of a lossy replacement.
pub const INVALID_UTF8: BuiltinRule = BuiltinRule {
    id: "decode.invalid-utf8",
    description: "With `--lossy`: an invalid UTF-8 byte sequence replaced by U+FFFD; the bytes are kept in the change (`invalid_bytes`) so the raw input can be restored.",
};

/// The rule id of a lossy replacement.
pub const LOSSY_RULE: &str = INVALID_UTF8.id;

/// The rules of the decoding stage, as registered.
pub const RULES: &[BuiltinRule] = &[INVALID_UTF8];

/// Decodes `doc.raw`. Strict decoding fails at the first invalid byte; lossy decoding replaces each
/// invalid sequence with U+FFFD and returns a change for each replacement.
pub fn decode(doc: &Document, lossy: bool) -> Result<(Text, Vec<Change>), DecodeError> {
    match std::str::from_utf8(&doc.raw) {
        Ok(s) => Ok((Text::new(s.to_string()), Vec::new())),
        Err(e) if !lossy => Err(DecodeError {
            offset: e.valid_up_to(),
        }),
        Err(_) => Ok(decode_lossy(doc)),
    }
}

fn decode_lossy(doc: &Document) -> (Text, Vec<Change>) {
    let mut text = String::with_capacity(doc.raw.len());
    let mut replaced = Vec::new();
    let mut changes = Vec::new();
    for chunk in doc.raw.utf8_chunks() {
        let raw_start = chunk.valid().as_ptr() as usize - doc.raw.as_ptr() as usize;
        text.push_str(chunk.valid());
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        let raw = raw_start + chunk.valid().len()..raw_start + chunk.valid().len() + invalid.len();
        let cur = text.len()..text.len() + '\u{FFFD}'.len_utf8();
        text.push('\u{FFFD}');
        let pos = doc.position(raw.start);
        let bytes: Vec<String> = invalid.iter().map(|b| format!("{b:02X}")).collect();
        changes.push(Change {
            rule: LOSSY_RULE.into(),
            pass: "decode".into(),
            kind: ChangeKind::Edit,
            applied: true,
            raw: RawLocation {
                page: crate::change::small(pos.page),
                line: crate::change::small(pos.line),
                column: crate::change::small(pos.column),
                start: raw.start,
                end: raw.end,
            },
            // The invalid bytes cannot stand in a string: `invalid_bytes` holds them, and the
            // evidence names them in hex.
            before: CompactString::default(),
            after: CompactString::const_new("\u{FFFD}"),
            confidence: 1.0,
            evidence: format!("invalid UTF-8 bytes {}", bytes.join(" ")).into(),
            // Like every change, `at` is an offset in the text the stage was given: the raw bytes.
            at: raw.start,
            in_note: None,
            to_note: None,
            invalid_bytes: Some(invalid.into()),
        });
        replaced.push((cur, raw));
    }
    (
        Text::with_replacements(text, doc.raw.len(), &replaced),
        changes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_names_the_offset() {
        let doc = Document::from_bytes("d", b"abc\xffdef".to_vec());
        assert_eq!(decode(&doc, false).unwrap_err().offset, 3);
    }

    #[test]
    fn lossy_decoding_records_each_replacement() {
        let doc = Document::from_bytes("d", b"ab\xff\xfecd\xc3".to_vec());
        let (text, changes) = decode(&doc, true).unwrap();
        assert_eq!(text.as_str(), "ab\u{FFFD}\u{FFFD}cd\u{FFFD}");
        assert_eq!(changes.len(), 3);
        assert_eq!((changes[0].raw.start, changes[0].raw.end), (2, 3));
        assert_eq!((changes[2].raw.start, changes[2].raw.end), (6, 7));
        assert_eq!(changes[1].invalid_bytes.as_deref(), Some(&b"\xfe"[..]));
        assert_eq!(changes[1].at, 3);
        // "cd" still maps to its raw bytes.
        assert_eq!(text.source_map().to_raw(8..10), 4..6);
    }
}
