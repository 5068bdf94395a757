//! Turning raw bytes into the working text.
//!
//! Two steps. When a document is read, [`detect`] picks its encoding (UTF-8; Windows-1252 or
//! Latin-1 when asked, or found by `--encoding auto`; UTF-16 or UTF-32 from a byte order mark) and
//! [`to_utf8`] turns each page into UTF-8: that UTF-8 form is the document's `raw`, to which every
//! byte range of the change log refers. The encoding and a SHA-256 of the original bytes go into
//! the change log, and `restore` re-encodes with [`encode`] (each of these encodings maps
//! characters to bytes one to one, so the original bytes come back). Then [`decode`] reads `raw`:
//! strict UTF-8, or lossy decoding in which each invalid byte sequence becomes U+FFFD and is
//! recorded as a change.

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
            likely: likely_encoding(&doc.raw),
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

/// How the bytes of an input are to be read (`--encoding`). A UTF-16 or UTF-32 byte order mark
/// is evidence enough to read a file in that encoding whatever the choice, except an explicit
/// single-byte encoding, which is obeyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// Strict UTF-8 (invalid bytes are an error, or U+FFFD with `--lossy`).
    #[default]
    Utf8,
    Windows1252,
    /// ISO-8859-1: every byte is the character of the same number.
    Latin1,
    /// UTF-8 when the bytes are valid UTF-8, else Windows-1252 when that decodes without control
    /// characters, else UTF-8 (strict or lossy).
    Auto,
}

impl std::str::FromStr for EncodingChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Self::Utf8),
            "windows-1252" | "cp1252" => Ok(Self::Windows1252),
            "latin-1" | "latin1" | "iso-8859-1" => Ok(Self::Latin1),
            "auto" => Ok(Self::Auto),
            _ => Err(format!(
                "unknown encoding `{s}` (known: utf-8, windows-1252, latin-1, auto)"
            )),
        }
    }
}

/// The encoding a document was read in; recorded in the change log so that `restore` can give the
/// original bytes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
    #[serde(rename = "latin-1")]
    Latin1,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
    #[serde(rename = "utf-32le")]
    Utf32Le,
    #[serde(rename = "utf-32be")]
    Utf32Be,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Windows1252 => "windows-1252",
            Self::Latin1 => "latin-1",
            Self::Utf16Le => "utf-16le",
            Self::Utf16Be => "utf-16be",
            Self::Utf32Le => "utf-32le",
            Self::Utf32Be => "utf-32be",
        }
    }

    /// The encoding whose byte order mark starts `bytes`, among those read only with one.
    /// UTF-32LE is tested before UTF-16LE: its mark starts with UTF-16LE's.
    pub fn from_bom(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
            Some(Self::Utf32Le)
        } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
            Some(Self::Utf32Be)
        } else if bytes.starts_with(&[0xFF, 0xFE]) {
            Some(Self::Utf16Le)
        } else if bytes.starts_with(&[0xFE, 0xFF]) {
            Some(Self::Utf16Be)
        } else {
            None
        }
    }

    /// The bytes of a form feed in this encoding: what joins the pages of a page folder.
    pub fn form_feed(self) -> Vec<u8> {
        encode("\x0c", self).expect("a form feed exists in every encoding")
    }
}

/// Bytes that cannot be read in the encoding chosen for them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// `offset` is a byte offset in page `page` (1-based; 1 for a single file).
    #[error("not valid {} at byte {offset}", encoding.label())]
    Invalid {
        encoding: Encoding,
        page: usize,
        offset: usize,
    },
    #[error(
        "page {page} starts with a byte order mark of {found}, page {first} with {expected}: one document is read in one encoding"
    )]
    MixedMarks {
        first: usize,
        expected: &'static str,
        page: usize,
        found: &'static str,
    },
}

/// True for the characters that mark text read in a wrong single-byte encoding: controls other
/// than tab, line ends and form feed (Windows-1252 maps its five undefined bytes to C1 controls).
fn is_suspect_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')
}

/// Whether `bytes` read as Windows-1252 give text without control characters, which is what
/// `auto` asks of a file that is not UTF-8.
pub fn reads_as_windows_1252(bytes: &[u8]) -> bool {
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    !text.chars().any(is_suspect_control)
}

/// The encoding a file that is not UTF-8 most likely has, for messages.
pub fn likely_encoding(bytes: &[u8]) -> Option<Encoding> {
    if let Some(bom) = Encoding::from_bom(bytes) {
        return Some(bom);
    }
    // Many NULs in every other byte: UTF-16 without a mark.
    let sample = &bytes[..bytes.len().min(4096)];
    let nul_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let nul_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if sample.len() >= 8 && nul_odd * 3 > sample.len() / 2 {
        return Some(Encoding::Utf16Le);
    }
    if sample.len() >= 8 && nul_even * 3 > sample.len() / 2 {
        return Some(Encoding::Utf16Be);
    }
    reads_as_windows_1252(bytes).then_some(Encoding::Windows1252)
}

/// The encoding of a document made of `pages` (one for a single file), and why, when it was not
/// simply the choice.
pub fn detect(
    pages: &[&[u8]],
    choice: EncodingChoice,
) -> Result<(Encoding, Option<String>), EncodingError> {
    if matches!(choice, EncodingChoice::Windows1252) {
        return Ok((Encoding::Windows1252, None));
    }
    if matches!(choice, EncodingChoice::Latin1) {
        return Ok((Encoding::Latin1, None));
    }
    // A byte order mark of UTF-16 or UTF-32 decides, and must be on every page that has text.
    let mut marked: Option<(usize, Encoding)> = None;
    for (i, page) in pages.iter().enumerate() {
        let bom = Encoding::from_bom(page);
        match (marked, bom) {
            (None, Some(e)) if i == 0 || pages[..i].iter().all(|p| p.is_empty()) => {
                marked = Some((i + 1, e))
            }
            (Some((_, e)), Some(b)) if e == b => {}
            (Some(_), None) if page.is_empty() => {}
            (None, None) => {}
            (first, found) => {
                let (first, expected) = first.map_or((1, "none"), |(p, e)| (p, e.label()));
                return Err(EncodingError::MixedMarks {
                    first,
                    expected,
                    page: i + 1,
                    found: found.map_or("none", Encoding::label),
                });
            }
        }
    }
    if let Some((page, encoding)) = marked {
        return Ok((
            encoding,
            Some(format!(
                "read as {}: page {page} starts with its byte order mark",
                encoding.label()
            )),
        ));
    }
    if choice == EncodingChoice::Auto
        && let Some(i) = pages.iter().position(|p| std::str::from_utf8(p).is_err())
        && pages.iter().all(|p| reads_as_windows_1252(p))
    {
        let offset = std::str::from_utf8(pages[i]).unwrap_err().valid_up_to();
        return Ok((
            Encoding::Windows1252,
            Some(format!(
                "read as windows-1252 (--encoding auto): page {} is not UTF-8 from byte {offset}, and Windows-1252 reads every page without control characters",
                i + 1
            )),
        ));
    }
    Ok((Encoding::Utf8, None))
}

/// `bytes` in `encoding` turned into UTF-8 (UTF-8 itself is returned as it is, valid or not: the
/// pipeline's decoding decides what invalid bytes become). A byte order mark is kept as U+FEFF,
/// so that normalisation removes it with a record like UTF-8's.
pub fn to_utf8(bytes: Vec<u8>, encoding: Encoding, page: usize) -> Result<Vec<u8>, EncodingError> {
    let invalid = |offset| EncodingError::Invalid {
        encoding,
        page,
        offset,
    };
    Ok(match encoding {
        Encoding::Utf8 => bytes,
        Encoding::Windows1252 => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(&bytes)
            .0
            .into_owned()
            .into_bytes(),
        Encoding::Latin1 => encoding_rs::mem::decode_latin1(&bytes)
            .into_owned()
            .into_bytes(),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            if bytes.len() % 2 == 1 {
                return Err(invalid(bytes.len() - 1));
            }
            let units = bytes.chunks_exact(2).map(|u| match encoding {
                Encoding::Utf16Le => u16::from_le_bytes([u[0], u[1]]),
                _ => u16::from_be_bytes([u[0], u[1]]),
            });
            let mut text = String::with_capacity(bytes.len());
            let mut offset = 0;
            for c in char::decode_utf16(units) {
                let c = c.map_err(|_| invalid(offset))?;
                offset += 2 * c.len_utf16();
                text.push(c);
            }
            text.into_bytes()
        }
        Encoding::Utf32Le | Encoding::Utf32Be => {
            if !bytes.len().is_multiple_of(4) {
                return Err(invalid(bytes.len() - bytes.len() % 4));
            }
            let mut text = String::with_capacity(bytes.len());
            for (i, u) in bytes.chunks_exact(4).enumerate() {
                let u: [u8; 4] = u.try_into().expect("chunks of four");
                let n = match encoding {
                    Encoding::Utf32Le => u32::from_le_bytes(u),
                    _ => u32::from_be_bytes(u),
                };
                text.push(char::from_u32(n).ok_or_else(|| invalid(4 * i))?);
            }
            text.into_bytes()
        }
    })
}

/// `text` (the raw input as the pipeline read it) in `encoding`: the inverse of [`to_utf8`], used
/// by `restore`. `None` when a character has no byte in the encoding (the text was edited).
pub fn encode(text: &str, encoding: Encoding) -> Option<Vec<u8>> {
    Some(match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Windows1252 => {
            let mut encoder = encoding_rs::WINDOWS_1252.new_encoder();
            let mut out = Vec::with_capacity(text.len());
            out.reserve(
                encoder
                    .max_buffer_length_from_utf8_without_replacement(text.len())
                    .unwrap_or(text.len()),
            );
            let (result, _) =
                encoder.encode_from_utf8_to_vec_without_replacement(text, &mut out, true);
            match result {
                encoding_rs::EncoderResult::InputEmpty => out,
                _ => return None,
            }
        }
        Encoding::Latin1 => text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).ok())
            .collect::<Option<Vec<u8>>>()?,
        Encoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Encoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Encoding::Utf32Le => text
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect(),
        Encoding::Utf32Be => text
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect(),
    })
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

    #[test]
    fn every_windows_1252_and_latin_1_byte_comes_back() {
        let all: Vec<u8> = (0..=255).collect();
        for encoding in [Encoding::Windows1252, Encoding::Latin1] {
            let text = String::from_utf8(to_utf8(all.clone(), encoding, 1).unwrap()).unwrap();
            assert_eq!(encode(&text, encoding).unwrap(), all, "{encoding:?}");
        }
        assert_eq!(encode("\u{20AC}", Encoding::Latin1), None);
        assert_eq!(encode("\u{3B1}", Encoding::Windows1252), None);
    }

    #[test]
    fn unicode_byte_order_marks_are_read_and_kept_for_restore() {
        let text = "\u{FEFF}Les Misérables — 𝔄\n";
        for encoding in [
            Encoding::Utf16Le,
            Encoding::Utf16Be,
            Encoding::Utf32Le,
            Encoding::Utf32Be,
        ] {
            let bytes = encode(text, encoding).unwrap();
            assert_eq!(Encoding::from_bom(&bytes), Some(encoding));
            let (found, note) = detect(&[&bytes], EncodingChoice::Utf8).unwrap();
            assert_eq!(found, encoding);
            assert!(note.unwrap().contains(encoding.label()));
            assert_eq!(to_utf8(bytes, encoding, 1).unwrap(), text.as_bytes());
        }
        // An unpaired surrogate is refused with its offset, not replaced.
        let bad = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        assert_eq!(
            to_utf8(bad.to_vec(), Encoding::Utf16Le, 2),
            Err(EncodingError::Invalid {
                encoding: Encoding::Utf16Le,
                page: 2,
                offset: 4
            })
        );
    }

    #[test]
    fn auto_takes_utf_8_then_windows_1252_without_controls() {
        let utf8 = "café".as_bytes();
        assert_eq!(
            detect(&[utf8], EncodingChoice::Auto).unwrap().0,
            Encoding::Utf8
        );
        let cp1252 = b"caf\xe9 \x93quoted\x94";
        let (encoding, note) = detect(&[utf8, cp1252], EncodingChoice::Auto).unwrap();
        assert_eq!(encoding, Encoding::Windows1252);
        assert!(note.unwrap().contains("page 2 is not UTF-8 from byte 3"));
        // 0x81 is undefined in Windows-1252 (a C1 control): not taken, the strict error stands.
        let binary = b"caf\xe9\x81";
        assert_eq!(
            detect(&[binary], EncodingChoice::Auto).unwrap().0,
            Encoding::Utf8
        );
        let doc = Document::from_bytes("d", binary.to_vec());
        assert_eq!(decode(&doc, false).unwrap_err().likely, None);
        let doc = Document::from_bytes("d", cp1252.to_vec());
        assert_eq!(
            decode(&doc, false).unwrap_err().likely,
            Some(Encoding::Windows1252)
        );
    }

    #[test]
    fn a_mark_on_one_page_only_is_refused() {
        let marked = encode("\u{FEFF}a", Encoding::Utf16Le).unwrap();
        let err = detect(&[&marked, b"b"], EncodingChoice::Utf8).unwrap_err();
        assert!(err.to_string().contains("page 2"), "{err}");
    }

    #[test]
    fn a_utf_16_page_folder_restores_to_its_pages_joined_by_an_encoded_form_feed() {
        let p1 = encode("\u{FEFF}one\n", Encoding::Utf16Le).unwrap();
        let p2 = encode("\u{FEFF}two", Encoding::Utf16Le).unwrap();
        let doc = Document::read_pages(
            "p",
            vec![("1.txt".into(), p1.clone()), ("2.txt".into(), p2.clone())],
            EncodingChoice::Utf8,
        )
        .unwrap();
        assert_eq!(doc.raw, "\u{FEFF}one\n\x0c\u{FEFF}two".as_bytes());
        let joined = [p1, vec![0x0C, 0], p2].concat();
        assert_eq!(doc.raw_bytes, joined.len() as u64);
        assert_eq!(doc.raw_sha256, crate::document::sha256_hex(&[&joined]));
        let text = std::str::from_utf8(&doc.raw).unwrap();
        assert_eq!(encode(text, doc.encoding).unwrap(), joined);
    }
}
