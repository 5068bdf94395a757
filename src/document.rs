//! The raw input of one document and the index that turns a raw byte offset into a page, line and
//! column.
//!
//! A document is either one file (form feeds split its pages) or a folder of page files. For a page
//! folder the raw input is defined as its page files joined by form feeds, exactly as if they had been
//! one file; byte ranges in change records refer to that stream, and the page number names the file.

use std::ops::Range;

use sha2::Digest as _;

use crate::decode::{self, Encoding, EncodingChoice, EncodingError};

/// SHA-256 of the concatenation of `parts`, in lowercase hex.
pub fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

/// Bytes in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// One document as read from disk, before any cleaning.
#[derive(Debug, Clone)]
pub struct Document {
    /// Output stem: the file stem, or the folder name for a page folder.
    pub name: String,
    /// The raw bytes, byte for byte (page files joined by `\f`).
    pub raw: Vec<u8>,
    /// For a page folder, the page file names in page order; empty for a single file.
    pub page_files: Vec<String>,
    /// The encoding the input was read in; `raw` is its UTF-8 form.
    pub encoding: Encoding,
    /// Why that encoding was taken, when it was not simply the one asked for (for the report).
    pub encoding_note: Option<String>,
    /// SHA-256 (hex) of the input's original bytes (for a page folder: its pages joined by form
    /// feeds in the input's encoding): `restore` checks its result against it.
    pub raw_sha256: String,
    /// Length of the input's original bytes.
    pub raw_bytes: u64,
    pages: Vec<Page>,
    /// For valid UTF-8: the number of characters before every `CHAR_STEP`-th byte, so that a column
    /// costs at most `CHAR_STEP` bytes of counting whatever the length of its line (a document of
    /// one 50 MB line would otherwise cost line length x changes). Empty for other input.
    char_index: Vec<usize>,
}

/// Bytes between two entries of the character index.
const CHAR_STEP: usize = 1024;

/// True for the first byte of a UTF-8 character (not a continuation byte).
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
}

/// The character index of `raw`, if it is valid UTF-8.
fn index_chars(raw: &[u8]) -> Vec<usize> {
    if std::str::from_utf8(raw).is_err() {
        return Vec::new();
    }
    let mut index = Vec::with_capacity(raw.len() / CHAR_STEP + 1);
    let mut chars = 0;
    for chunk in raw.chunks(CHAR_STEP) {
        index.push(chars);
        chars += chunk.iter().filter(|&&b| starts_char(b)).count();
    }
    // One entry more, for the end of a text whose length is a multiple of the step.
    if raw.len().is_multiple_of(CHAR_STEP) {
        index.push(chars);
    }
    index
}

/// A page of the raw input and where its lines start.
#[derive(Debug, Clone)]
pub struct Page {
    /// Byte span of the page in the raw input, without the separating form feed.
    pub span: Range<usize>,
    /// Where each of the page's lines starts. Starts only: a position is looked up by them, and
    /// the index is kept for the whole run (with ends it was 16 bytes for each line of a long
    /// document).
    line_starts: LineStarts,
}

/// The starts of a page's lines as offsets from the page's start: in 32 bits unless the page
/// is longer than 4 GiB (8 bytes a line were the largest part of the index on a page of short
/// lines).
#[derive(Debug, Clone)]
enum LineStarts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl LineStarts {
    /// Adds the start of the next line, as an offset from the page's start (which fits: the
    /// page was measured when the list was chosen).
    fn push(&mut self, start: usize) {
        match self {
            LineStarts::Narrow(starts) => starts.push(start as u32),
            LineStarts::Wide(starts) => starts.push(start),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            LineStarts::Narrow(starts) => starts.is_empty(),
            LineStarts::Wide(starts) => starts.is_empty(),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            LineStarts::Narrow(starts) => starts.shrink_to_fit(),
            LineStarts::Wide(starts) => starts.shrink_to_fit(),
        }
    }
}

impl Page {
    /// The index of the line that holds `offset` and where that line starts (the first line and
    /// the page's start when `offset` lies before them).
    fn line_at(&self, offset: usize) -> (usize, usize) {
        let from_page = offset.saturating_sub(self.span.start);
        let (index, start) = match &self.line_starts {
            LineStarts::Narrow(starts) => {
                let i = starts
                    .partition_point(|&s| s as usize <= from_page)
                    .saturating_sub(1);
                (i, starts.get(i).map(|&s| s as usize))
            }
            LineStarts::Wide(starts) => {
                let i = starts
                    .partition_point(|&s| s <= from_page)
                    .saturating_sub(1);
                (i, starts.get(i).copied())
            }
        };
        (index, self.span.start + start.unwrap_or(0))
    }
}

/// A position in the raw input as a person looks it up: 1-based page, line within the page, column
/// (in characters) within the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RawPosition {
    pub page: usize,
    pub line: usize,
    pub column: usize,
}

impl Document {
    /// A single-file document: form feeds in the bytes are page breaks.
    pub fn from_bytes(name: impl Into<String>, raw: Vec<u8>) -> Self {
        let pages = index_pages(&raw);
        Self {
            name: name.into(),
            char_index: index_chars(&raw),
            raw_sha256: sha256_hex(&[&raw]),
            raw_bytes: raw.len() as u64,
            raw,
            page_files: Vec::new(),
            encoding: Encoding::Utf8,
            encoding_note: None,
            pages,
        }
    }

    /// A single-file document read in the encoding `choice` gives (see [`crate::decode`]): `raw`
    /// is its UTF-8 form.
    pub fn read(
        name: impl Into<String>,
        bytes: Vec<u8>,
        choice: EncodingChoice,
    ) -> Result<Self, EncodingError> {
        let (encoding, note) = decode::detect(&[&bytes], choice)?;
        if encoding == Encoding::Utf8 {
            return Ok(Self::from_bytes(name, bytes));
        }
        let (raw_sha256, raw_bytes) = (sha256_hex(&[&bytes]), bytes.len() as u64);
        let mut doc = Self::from_bytes(name, decode::to_utf8(bytes, encoding, 1)?);
        doc.encoding = encoding;
        doc.encoding_note = note;
        doc.raw_sha256 = raw_sha256;
        doc.raw_bytes = raw_bytes;
        Ok(doc)
    }

    /// A page-folder document read in the encoding `choice` gives: one encoding for all pages.
    pub fn read_pages(
        name: impl Into<String>,
        pages: Vec<(String, Vec<u8>)>,
        choice: EncodingChoice,
    ) -> Result<Self, EncodingError> {
        let bytes: Vec<&[u8]> = pages.iter().map(|(_, b)| b.as_slice()).collect();
        let (encoding, note) = decode::detect(&bytes, choice)?;
        if encoding == Encoding::Utf8 {
            return Ok(Self::from_pages(name, pages));
        }
        let feed = encoding.form_feed();
        let mut parts: Vec<&[u8]> = Vec::with_capacity(2 * bytes.len());
        for (i, page) in bytes.iter().enumerate() {
            if i > 0 {
                parts.push(&feed);
            }
            parts.push(page);
        }
        let raw_sha256 = sha256_hex(&parts);
        let raw_bytes = parts.iter().map(|p| p.len() as u64).sum();
        let mut decoded = Vec::with_capacity(pages.len());
        for (i, (file, page)) in pages.into_iter().enumerate() {
            decoded.push((file, decode::to_utf8(page, encoding, i + 1)?));
        }
        let mut doc = Self::from_pages(name, decoded);
        doc.encoding = encoding;
        doc.encoding_note = note;
        doc.raw_sha256 = raw_sha256;
        doc.raw_bytes = raw_bytes;
        Ok(doc)
    }

    /// A page-folder document: the pages are joined by form feeds.
    pub fn from_pages(name: impl Into<String>, pages: Vec<(String, Vec<u8>)>) -> Self {
        let size = pages.iter().map(|(_, bytes)| bytes.len() + 1).sum();
        let mut raw = Vec::with_capacity(size);
        let mut page_files = Vec::with_capacity(pages.len());
        for (i, (file, bytes)) in pages.into_iter().enumerate() {
            if i > 0 {
                raw.push(b'\x0c');
            }
            raw.extend_from_slice(&bytes);
            page_files.push(file);
        }
        let pages = index_pages(&raw);
        Self {
            name: name.into(),
            char_index: index_chars(&raw),
            raw_sha256: sha256_hex(&[&raw]),
            raw_bytes: raw.len() as u64,
            raw,
            page_files,
            encoding: Encoding::Utf8,
            encoding_note: None,
            pages,
        }
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// The page, line and column of a raw byte offset (an offset at the end maps to the last line).
    pub fn position(&self, offset: usize) -> RawPosition {
        let page_index = self
            .pages
            .partition_point(|p| p.span.start <= offset)
            .saturating_sub(1);
        let Some(page) = self.pages.get(page_index) else {
            return RawPosition {
                page: 1,
                line: 1,
                column: 1,
            };
        };
        let (line_index, line_start) = page.line_at(offset);
        let end = offset.min(self.raw.len());
        let start = line_start.min(end);
        let column = if self.char_index.is_empty() {
            // Not UTF-8: count as the lossy decoding does (each invalid sequence is one character).
            String::from_utf8_lossy(&self.raw[start..end])
                .chars()
                .count()
        } else if end - start <= CHAR_STEP {
            // A line of ordinary length: counting its bytes is cheaper than two index lookups.
            count_chars(&self.raw[start..end])
        } else {
            self.chars_before(end) - self.chars_before(start)
        } + 1;
        RawPosition {
            page: page_index + 1,
            line: line_index + 1,
            column,
        }
    }

    /// Characters in `raw[..offset]` (valid UTF-8 only).
    fn chars_before(&self, offset: usize) -> usize {
        let step = offset / CHAR_STEP;
        self.char_index[step] + count_chars(&self.raw[step * CHAR_STEP..offset])
    }

    /// The name of page `page` (1-based) for reports: its file name in a page folder.
    pub fn page_label(&self, page: usize) -> Option<&str> {
        self.page_files
            .get(page.wrapping_sub(1))
            .map(String::as_str)
    }
}

/// Characters in valid UTF-8 bytes: the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| starts_char(b)).count()
}

/// Splits raw bytes into pages at form feeds and pages into lines at `\n`, `\r\n` and lone `\r`.
fn index_pages(raw: &[u8]) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut page_start = 0;
    for (i, &b) in raw.iter().enumerate() {
        if b == b'\x0c' {
            pages.push(index_lines(raw, page_start..i));
            page_start = i + 1;
        }
    }
    pages.push(index_lines(raw, page_start..raw.len()));
    pages
}

fn index_lines(raw: &[u8], span: Range<usize>) -> Page {
    let mut lines = if span.len() <= u32::MAX as usize {
        LineStarts::Narrow(Vec::new())
    } else {
        LineStarts::Wide(Vec::new())
    };
    let base = span.start;
    let mut start = span.start;
    let mut i = span.start;
    while i < span.end {
        match raw[i] {
            b'\n' => {
                lines.push(start - base);
                start = i + 1;
            }
            b'\r' => {
                lines.push(start - base);
                if raw.get(i + 1) == Some(&b'\n') && i + 1 < span.end {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < span.end || lines.is_empty() {
        lines.push(start - base);
    }
    // Kept for the whole run: without the room that doubling left (up to half).
    lines.shrink_to_fit();
    Page {
        span,
        line_starts: lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_line_starts_find_the_same_lines_as_narrow_ones() {
        let page = |line_starts| Page {
            span: 100..120,
            line_starts,
        };
        let narrow = page(LineStarts::Narrow(vec![0, 5, 6, 12]));
        let wide = page(LineStarts::Wide(vec![0, 5, 6, 12]));
        for offset in 90..125 {
            assert_eq!(narrow.line_at(offset), wide.line_at(offset), "{offset}");
        }
        assert_eq!(narrow.line_at(100), (0, 100));
        assert_eq!(narrow.line_at(105), (1, 105));
        assert_eq!(narrow.line_at(111), (2, 106));
        assert_eq!(narrow.line_at(119), (3, 112));
    }

    #[test]
    fn positions_count_pages_lines_and_characters() {
        let doc = Document::from_bytes("d", "ab\r\ncé x\n\x0cpage two\rz".as_bytes().to_vec());
        assert_eq!(doc.pages().len(), 2);
        // 'x' is on page 1, line 2, column 4 (c, é, space, x).
        let x = doc.raw.iter().position(|&b| b == b'x').unwrap();
        assert_eq!(
            doc.position(x),
            RawPosition {
                page: 1,
                line: 2,
                column: 4
            }
        );
        let z = doc.raw.len() - 1;
        assert_eq!(
            doc.position(z),
            RawPosition {
                page: 2,
                line: 2,
                column: 1
            }
        );
    }

    #[test]
    fn columns_on_long_lines_count_characters() {
        // A line of 3000 characters of one and two bytes, past several index steps.
        let line = "aé".repeat(1500);
        let doc = Document::from_bytes("d", format!("x\n{line}z").into_bytes());
        let z = doc.raw.len() - 1;
        assert_eq!(doc.position(z).column, 3001);
        let e = 2 + 2 * CHAR_STEP + 1; // an `é` just past the second step
        assert_eq!(
            doc.position(e).column,
            1 + "aé".repeat(1500)[..e - 2].chars().count()
        );
        // The very end of a text whose length is a multiple of the step (found by the stress run).
        for len in [0, CHAR_STEP, 2 * CHAR_STEP] {
            let doc = Document::from_bytes("d", vec![b'a'; len]);
            assert_eq!(doc.position(len).column, len + 1);
        }
        // Invalid UTF-8 counts each invalid sequence as one character.
        let doc = Document::from_bytes("d", b"a\xff\xfeb".to_vec());
        assert_eq!(doc.position(3).column, 4);
    }

    #[test]
    fn page_folders_are_joined_by_form_feeds() {
        let doc = Document::from_pages(
            "p",
            vec![
                ("1.txt".into(), b"one\n".to_vec()),
                ("2.txt".into(), b"two".to_vec()),
            ],
        );
        assert_eq!(doc.raw, b"one\n\x0ctwo");
        assert_eq!(doc.position(6).page, 2);
        assert_eq!(doc.page_label(2), Some("2.txt"));
    }
}
