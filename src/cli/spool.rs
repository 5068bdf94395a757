//! A document's change log written to disk as the engine makes its records, for `clean`.
//!
//! The records of a long document are its largest structure (about 200 bytes each, one per 70
//! bytes of prose and one per line of a page of short lines). `clean` hands each record to a
//! [`SpoolWriter`], which writes it as its line of the change log into a file in the output
//! folder's temporary folder and keeps only the [`LogDigest`] and where each line starts; the
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
    /// Where each record's line starts in the file.
    offsets: Vec<u64>,
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
        self.offsets.push(self.written);
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
        self.offsets.reserve_exact(n);
        self.digest.reserve(n);
    }
}

/// A spooled change log: its records read back by index. The file is removed when this is
/// dropped.
pub struct Spool {
    path: PathBuf,
    offsets: Vec<u64>,
    /// The open file, where it is read up to, and a buffer for one line.
    reader: RefCell<Option<(BufReader<File>, u64, String)>>,
}

impl Spool {
    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }
}

impl ChangeRecords for Spool {
    fn get(&self, i: usize) -> io::Result<Cow<'_, Change>> {
        let mut reader = self.reader.borrow_mut();
        if reader.is_none() {
            *reader = Some((BufReader::new(File::open(&self.path)?), 0, String::new()));
        }
        let (file, pos, line) = reader.as_mut().expect("opened above");
        let at = self.offsets[i];
        // Records are mostly read in order: a short step forward stays within the buffer.
        let step = i64::try_from(at).map_err(io::Error::other)?
            - i64::try_from(*pos).map_err(io::Error::other)?;
        file.seek_relative(step)?;
        line.clear();
        let n = file.read_line(line)?;
        *pos = at + n as u64;
        let change: Change = serde_json::from_str(line.trim_end_matches('\n'))
            .map_err(|e| io::Error::other(format!("{}: {e}", self.path.display())))?;
        Ok(Cow::Owned(change))
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
