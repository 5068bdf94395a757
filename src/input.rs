//! Where documents come from: files, page folders and collections on disk.
//!
//! This is the one module of the library that reads the file system, so that the command line,
//! the bench, the eval, the tests and the fuzz target read inputs the same way. The cleaning itself
//! ([`crate::pipeline`] and the passes) never does I/O.
//!
//! How a path reads:
//! - a file is one document;
//! - a folder named directly whose files are all numbered pages of one sequence (every `*.txt` file
//!   name is the same once its digits are set aside, e.g. `001.txt`, `002.txt` or `179392.abbyy.txt`,
//!   `179393.abbyy.txt`) and which has no subfolders is one document whose pages are those files,
//!   unless the caller asks for a collection ([`Discovery::collection`]);
//! - any other folder is a collection: each `*.txt` file directly in it is a document, and each
//!   subfolder is one document whose `*.txt` files are its pages in natural order (`2.txt` before
//!   `10.txt`). Hidden files and other files (licences, images) are ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::decode::{EncodingChoice, EncodingError};
use crate::document::Document;

/// A path that cannot be used as input, with what is wrong with it.
#[derive(Debug, Error)]
#[error("{}: {message}", path.display())]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

impl InputError {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}

/// Where a document's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// One file.
    File(PathBuf),
    /// A page folder and its page files in natural order.
    Pages(PathBuf, Vec<PathBuf>),
}

/// One document to clean: its name (the stem of its outputs) and where its bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub source: Source,
}

impl Input {
    /// The file, or the page folder.
    pub fn path(&self) -> &Path {
        match &self.source {
            Source::File(p) | Source::Pages(p, _) => p,
        }
    }

    /// The file that holds byte `offset` of the document read by [`Input::read`], and the offset
    /// inside that file (page files are joined by one form feed each).
    pub fn locate(&self, doc: &Document, offset: usize) -> (PathBuf, usize) {
        match &self.source {
            Source::File(p) => (p.clone(), offset),
            Source::Pages(_, pages) => {
                let page = doc.position(offset).page - 1;
                (pages[page].clone(), offset - doc.pages()[page].span.start)
            }
        }
    }

    /// Reads the document: a file's bytes, or a page folder's pages, as UTF-8 (or UTF-16/32 when
    /// a byte order mark says so).
    pub fn read(&self) -> Result<Document, InputError> {
        self.read_in(EncodingChoice::Utf8)
    }

    /// Reads the document in the encoding `choice` gives (see [`crate::decode`]).
    pub fn read_in(&self, choice: EncodingChoice) -> Result<Document, InputError> {
        let read = match &self.source {
            Source::File(path) => Document::read(&self.name, read(path)?, choice),
            Source::Pages(_, pages) => Document::read_pages(&self.name, read_pages(pages)?, choice),
        };
        read.map_err(|e| self.encoding_error(&e))
    }

    /// An encoding error located in its file, with the flags that read the file otherwise.
    fn encoding_error(&self, e: &EncodingError) -> InputError {
        match e {
            EncodingError::Invalid { page, offset, .. } => {
                let file = match &self.source {
                    Source::File(p) => p,
                    Source::Pages(_, pages) => &pages[page - 1],
                };
                InputError::new(file, format!("{e} (page {page}, byte {offset}; skipped)"))
            }
            EncodingError::MixedMarks { .. } => {
                InputError::new(self.path(), format!("{e}; skipped"))
            }
        }
    }
}

/// What [`discover`] found: the documents, in order, and the paths that could not be used.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub errors: Vec<InputError>,
    /// Folders named directly that were read as one document of numbered pages, for a note to the
    /// user (the rule is a guess from file names and can be overridden).
    pub read_as_pages: Vec<PathBuf>,
    /// What was read or left in a way the user may not expect: folders inside a page folder
    /// (not read), links that lead out of the folder they are in (followed).
    pub warnings: Vec<String>,
}

/// How [`discover`] reads folders named directly.
#[derive(Debug, Clone, Copy, Default)]
pub struct Discovery {
    /// Read every folder named directly as a collection, even one of numbered pages.
    pub collection: bool,
}

fn read(path: &Path) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_text_file(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("txt"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The non-hidden entries of a folder in natural order (`2.txt` before `10.txt`).
pub fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let cannot = |e: std::io::Error| InputError::new(dir, format!("cannot read folder: {e}"));
    let mut entries = std::fs::read_dir(dir)
        .map_err(cannot)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(cannot)?;
    entries.retain(|p| !is_hidden(p));
    entries.sort_by(|a, b| natord::compare(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(entries)
}

/// Where `entry` leads when it is a link that leaves `root` (links resolved on both sides).
fn link_leaving(entry: &Path, root: &Path) -> Option<PathBuf> {
    if !std::fs::symlink_metadata(entry).is_ok_and(|m| m.file_type().is_symlink()) {
        return None;
    }
    let target = entry.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (!target.starts_with(&root)).then_some(target)
}

fn note_link(entry: &Path, root: &Path, warnings: &mut Vec<String>) {
    if let Some(target) = link_leaving(entry, root) {
        warnings.push(format!(
            "{}: a link to {}, outside {}: read all the same",
            entry.display(),
            target.display(),
            root.display()
        ));
    }
}

/// The page files (`*.txt`) of a page folder, in natural order; an error when there are none.
pub fn page_files(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    page_files_noting(dir, &mut Vec::new())
}

/// [`page_files`], adding a warning for each folder inside the page folder (its files are not
/// pages of this document) and each page that is a link leading out of the folder.
fn page_files_noting(dir: &Path, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>, InputError> {
    let entries = sorted_entries(dir)?;
    for entry in &entries {
        if entry.is_dir() {
            warnings.push(format!(
                "{}: a folder inside the page folder {}: its files are not read as pages",
                entry.display(),
                dir.display()
            ));
        } else if is_text_file(entry) {
            note_link(entry, dir, warnings);
        }
    }
    let pages: Vec<PathBuf> = entries
        .into_iter()
        .filter(|p| is_text_file(p) && !p.is_dir())
        .collect();
    if pages.is_empty() {
        return Err(InputError::new(
            dir,
            "page folder holds no page files (*.txt)",
        ));
    }
    Ok(pages)
}

/// Reads page files as `(file name, bytes)` pairs, the form [`Document::from_pages`] takes.
pub fn read_pages(pages: &[PathBuf]) -> Result<Vec<(String, Vec<u8>)>, InputError> {
    pages.iter().map(|p| Ok((file_name(p), read(p)?))).collect()
}

/// A page folder as one document named after the folder.
pub fn page_folder(dir: &Path) -> Result<Input, InputError> {
    page_folder_noting(dir, &mut Vec::new())
}

fn page_folder_noting(dir: &Path, warnings: &mut Vec<String>) -> Result<Input, InputError> {
    Ok(Input {
        name: file_name(dir),
        source: Source::Pages(dir.to_path_buf(), page_files_noting(dir, warnings)?),
    })
}

/// Whether a folder's entries are the numbered pages of one document: no subfolders, and every
/// `*.txt` file name the same once its digits are set aside, each with a number.
fn is_numbered_page_folder(entries: &[PathBuf]) -> bool {
    let mut shape = None;
    let mut pages = 0;
    for entry in entries {
        if entry.is_dir() {
            return false;
        }
        if !is_text_file(entry) {
            continue;
        }
        let name = file_name(entry);
        if !name.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        let this: String = name.chars().filter(|c| !c.is_ascii_digit()).collect();
        match &shape {
            None => shape = Some(this),
            Some(s) if *s == this => {}
            Some(_) => return false,
        }
        pages += 1;
    }
    pages > 0
}

/// The documents named by `paths`, in order, and an error for each path that could not be used.
/// Two documents with the same name would write the same outputs: the second is refused.
pub fn discover(paths: &[PathBuf], how: Discovery) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if path.is_file() {
            found.inputs.push(Input {
                name: file_stem(path),
                source: Source::File(path.clone()),
            });
            continue;
        }
        if !path.is_dir() {
            found
                .errors
                .push(InputError::new(path, "no such file or folder"));
            continue;
        }
        let entries = match sorted_entries(path) {
            Ok(e) => e,
            Err(e) => {
                found.errors.push(e);
                continue;
            }
        };
        if !how.collection && is_numbered_page_folder(&entries) {
            match page_folder_noting(path, &mut found.warnings) {
                Ok(input) => {
                    found.read_as_pages.push(path.clone());
                    found.inputs.push(input);
                }
                Err(e) => found.errors.push(e),
            }
            continue;
        }
        for entry in entries {
            if entry.is_dir() {
                note_link(&entry, path, &mut found.warnings);
                match page_folder_noting(&entry, &mut found.warnings) {
                    Ok(input) => found.inputs.push(input),
                    Err(e) => found.errors.push(e),
                }
            } else if is_text_file(&entry) {
                note_link(&entry, path, &mut found.warnings);
                found.inputs.push(Input {
                    name: file_stem(&entry),
                    source: Source::File(entry),
                });
            } else if !entry.exists() {
                found
                    .errors
                    .push(InputError::new(&entry, "cannot be read (broken link?)"));
            }
        }
    }
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let Discovered { inputs, errors, .. } = &mut found;
    // Links that lead out are checked per folder; the same target reached twice is named twice.
    inputs.retain(|input| match seen.get(&input.name) {
        Some(first) => {
            errors.push(InputError::new(
                input.path(),
                format!(
                    "skipped: its outputs would overwrite those of {} (same name `{}`)",
                    first.display(),
                    input.name
                ),
            ));
            false
        }
        None => {
            seen.insert(input.name.clone(), input.path().to_path_buf());
            true
        }
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            let path = dir.path().join(f);
            if let Some(stem) = f.strip_suffix('/') {
                std::fs::create_dir_all(dir.path().join(stem)).unwrap();
            } else {
                std::fs::write(path, b"text").unwrap();
            }
        }
        dir
    }

    #[test]
    fn a_folder_of_numbered_pages_named_directly_is_one_document() {
        let dir = folder(&["001.txt", "002.txt", "010.txt", "LICENSE"]);
        let found = discover(&[dir.path().to_path_buf()], Discovery::default());
        assert_eq!(found.inputs.len(), 1);
        let Source::Pages(_, pages) = &found.inputs[0].source else {
            panic!("not a page folder: {:?}", found.inputs[0]);
        };
        let names: Vec<String> = pages.iter().map(|p| file_name(p)).collect();
        assert_eq!(names, ["001.txt", "002.txt", "010.txt"]);
        assert_eq!(found.read_as_pages, [dir.path().to_path_buf()]);
    }

    #[test]
    fn numbered_pages_with_a_common_suffix_are_one_document() {
        let dir = folder(&["179392.abbyy.txt", "179393.abbyy.txt"]);
        let found = discover(&[dir.path().to_path_buf()], Discovery::default());
        assert_eq!(found.inputs.len(), 1);
    }

    #[test]
    fn a_collection_of_named_documents_stays_a_collection() {
        let dir = folder(&["lukin.txt", "greene.txt", "book/"]);
        std::fs::write(dir.path().join("book/1.txt"), b"p").unwrap();
        let found = discover(&[dir.path().to_path_buf()], Discovery::default());
        let names: Vec<&str> = found.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["book", "greene", "lukin"]);
        assert!(found.read_as_pages.is_empty());
    }

    #[test]
    fn names_of_different_shapes_or_without_numbers_are_a_collection() {
        for files in [
            &["page1.txt", "plate1.txt"][..],
            &["1.txt", "notes.txt"][..],
            &["1.txt", "2.txt", "sub/"][..],
        ] {
            let dir = folder(files);
            let found = discover(&[dir.path().to_path_buf()], Discovery::default());
            assert!(found.read_as_pages.is_empty(), "{files:?}");
        }
    }

    #[test]
    fn collection_overrides_the_page_folder_guess() {
        let dir = folder(&["1.txt", "2.txt"]);
        let how = Discovery { collection: true };
        let found = discover(&[dir.path().to_path_buf()], how);
        assert_eq!(found.inputs.len(), 2);
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let found = discover(&[PathBuf::from("no/such/thing")], Discovery::default());
        assert!(found.inputs.is_empty());
        assert_eq!(
            found.errors[0].to_string(),
            "no/such/thing: no such file or folder"
        );
    }

    #[cfg(unix)]
    #[test]
    fn subfolders_of_page_folders_and_links_leaving_the_input_are_named() {
        let outside = folder(&["elsewhere.txt"]);
        let dir = folder(&["book/", "book/1.txt", "book/scans/", "a.txt"]);
        std::fs::write(dir.path().join("book/scans/2.txt"), b"p").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("elsewhere.txt"),
            dir.path().join("linked.txt"),
        )
        .unwrap();
        let found = discover(&[dir.path().to_path_buf()], Discovery::default());
        assert_eq!(found.inputs.len(), 3, "{:?}", found.inputs);
        assert_eq!(found.warnings.len(), 2, "{:?}", found.warnings);
        assert!(found.warnings[0].contains("scans: a folder inside the page folder"));
        assert!(found.warnings[1].contains("linked.txt: a link to"));
        assert!(found.warnings[1].contains("outside"));
    }
}
