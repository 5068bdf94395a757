//! A document's change log written to disk as the engine makes its records, for `clean`.
//!
//! The records of a long document are its largest structure (about 200 bytes each, one per 70
//! bytes of prose and one per line of a page of short lines). `clean` hands each record to a
//! [`SpoolWriter`], which writes it as its line of the change log into a file in the output
//! folder's temporary folder and keeps only the [`LogDigest`] and where every 16th line starts; the
//! report and review page then read the records they list back from that file ([`Spool`]), and
//! the change log output is that file copied behind its header. The outputs are byte for byte
//! those rendered from records held in memory (`ocrclean check` renders them that way and
//! compares).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fs::{self, File};
use std::io::{self, BufRead as _, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use ocrclean::Change;
use ocrclean::change::ChangeSink;
use ocrclean::review::{ChangeRecords, LogDigest};

/// Writes records to a spool file as they come; the first write error is kept and reported by
/// [`SpoolWriter::finish`] (a sink cannot fail in the middle of the pipeline).
pub struct SpoolWriter {
    path: PathBuf,
    out: BufWriter<File>,
    /// Where every [`BLOCK`]-th record's line starts in the file.
    offsets: Vec<u64>,
    records: usize,
    written: u64,
    digest: LogDigest,
    line: Vec<u8>,
    error: Option<io::Error>,
}

impl SpoolWriter {
    /// Creates the spool file `path` (which must not exist).
    pub fn create(path: &Path) -> io::Result<Self> {
        let file = File::create_new(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, file),
            offsets: Vec::new(),
            records: 0,
            written: 0,
            digest: LogDigest::default(),
            line: Vec::new(),
            error: None,
        })
    }

    /// The written log and its digest, or the first error of writing it (the file is removed).
    pub fn finish(mut self) -> io::Result<(LogDigest, Spool)> {
        let flushed = match self.error.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        };
        drop(self.out);
        if let Err(e) = flushed {
            let _ = fs::remove_file(&self.path);
            return Err(e);
        }
        self.offsets.shrink_to_fit();
        Ok((
            self.digest,
            Spool {
                path: self.path,
                offsets: self.offsets,
                len: self.records,
                reader: RefCell::new(None),
            },
        ))
    }

    /// Removes the file (the document failed).
    pub fn discard(self) {
        drop(self.out);
        let _ = fs::remove_file(&self.path);
    }
}

impl ChangeSink for SpoolWriter {
    fn record(&mut self, change: Change) {
        self.digest.add(&change);
        if self.records.is_multiple_of(BLOCK) {
            self.offsets.push(self.written);
        }
        self.records += 1;
        if self.error.is_some() {
            return;
        }
        ocrclean::render::jsonl_line(&change, &mut self.line);
        match self.out.write_all(&self.line) {
            Ok(()) => self.written += self.line.len() as u64,
            Err(e) => self.error = Some(e),
        }
    }

    fn reserve(&mut self, n: usize) {
        self.offsets.reserve_exact(n.div_ceil(BLOCK));
        self.digest.reserve(n);
    }
}

/// A spooled change log: its records read back by index. The file is removed when this is
/// dropped.
pub struct Spool {
    path: PathBuf,
    /// Where every [`BLOCK`]-th record's line starts.
    offsets: Vec<u64>,
    len: usize,
    /// The open file, where it is read up to, the index of the record that starts there, and a
    /// buffer for one line.
    reader: RefCell<Option<Reader>>,
}

struct Reader {
    file: BufReader<File>,
    pos: u64,
    next: usize,
    line: String,
}

/// Records per kept line start: a long document's log has a record per line of its text, and a
/// line start for each was 8 bytes per record held while the stage was applied. A record is found
/// by skipping at most this many lines from the start of its block; the report and review page
/// read many records out of order, and with blocks of 64 the skipping cost a book's clean about
/// 4% of its time (16: within the noise).
const BLOCK: usize = 16;

impl Spool {
    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Record `i`, read from where `r` stands when it lies ahead in the same block, else from
    /// the start of its block.
    fn read(&self, r: &mut Reader, i: usize) -> io::Result<Change> {
        if !(r.next <= i && i / BLOCK == r.next / BLOCK) {
            let at = self.offsets[i / BLOCK];
            let step = i64::try_from(at).map_err(io::Error::other)?
                - i64::try_from(r.pos).map_err(io::Error::other)?;
            r.file.seek_relative(step)?;
            (r.pos, r.next) = (at, i / BLOCK * BLOCK);
        }
        let missing = || {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{}: record {i} is missing", self.path.display()),
            )
        };
        // The records before it are skipped unread.
        while r.next < i {
            let n = r.file.skip_until(b'\n')?;
            if n == 0 {
                return Err(missing());
            }
            r.pos += n as u64;
            r.next += 1;
        }
        r.line.clear();
        let n = r.file.read_line(&mut r.line)?;
        if n == 0 {
            return Err(missing());
        }
        r.pos += n as u64;
        r.next += 1;
        serde_json::from_str(r.line.trim_end_matches('\n'))
            .map_err(|e| io::Error::other(format!("{}: {e}", self.path.display())))
    }
}

impl ChangeRecords for Spool {
    fn get(&self, i: usize) -> io::Result<Cow<'_, Change>> {
        assert!(i < self.len, "record {i} of {}", self.len);
        let mut reader = self.reader.borrow_mut();
        if reader.is_none() {
            *reader = Some(Reader {
                file: BufReader::new(File::open(&self.path)?),
                pos: 0,
                next: 0,
                line: String::new(),
            });
        }
        let read = self.read(reader.as_mut().expect("opened above"), i);
        if read.is_err() {
            // Where the reader stands is unknown after a failed read: the next one reopens.
            *reader = None;
        }
        Ok(Cow::Owned(read?))
    }

    fn write_jsonl(&self, n: usize, out: &mut dyn io::Write) -> io::Result<()> {
        assert_eq!(n, self.len(), "a spooled log is written whole");
        io::copy(&mut File::open(&self.path)?, out)?;
        Ok(())
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrclean::Document;
    use ocrclean::change::Edit;
    use ocrclean::text::Text;

    #[test]
    fn records_read_back_in_any_order_across_blocks() {
        let raw = "ab ".repeat(300);
        let doc = Document::from_bytes("t", raw.as_bytes().to_vec());
        let text = Text::new(raw.clone());
        let changes: Vec<Change> = (0..(3 * BLOCK + 5))
            .map(|i| {
                let edit = Edit::of_data_rule(3 * i..3 * i + 1, "x", "r");
                text.record(&doc, "p", &edit, true)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut writer = SpoolWriter::create(&dir.path().join("log")).unwrap();
        writer.reserve(changes.len());
        for c in &changes {
            writer.record(c.clone());
        }
        let (_, spool) = writer.finish().unwrap();
        assert_eq!(spool.len(), changes.len());
        let n = changes.len();
        let order = (0..n)
            .chain((0..n).rev())
            .chain((0..n).map(|i| i * 37 % n))
            .chain([5, 5, 4, BLOCK, BLOCK - 1, 2 * BLOCK + 3, 0]);
        for i in order {
            assert_eq!(spool.get(i).unwrap().at, changes[i].at, "record {i}");
        }
    }
}
