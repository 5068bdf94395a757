//! The output folder, written so that nothing is lost whatever happens.
//!
//! - **Guards.** Every input path (files, page folders, each page, links resolved) and the output
//!   folder are resolved before anything is created; an output folder that is, or lies inside, an
//!   input folder or page folder, and an output that would replace an input file, are refused, and
//!   a refused run creates nothing.
//! - **One unit per document.** A document's files are written into a temporary folder inside the
//!   output folder, then its old manifest is removed, each file is renamed into place, and the new
//!   manifest (`NAME.manifest.json`: the files with their sizes and SHA-256) is renamed last. A
//!   document is complete when its manifest is there and every file matches it; a run killed at
//!   any point leaves either the old complete document, or files without a manifest (torn: `check`
//!   reports them, the next `clean` rewrites them), never a manifest over mixed files. A write that
//!   fails (a full disk) leaves the old document as it was.
//! - **People's edits.** Before a document is written, its files are checked against its manifest:
//!   a file changed since ocrclean wrote it is not overwritten (the document is reported and
//!   skipped) unless `--force` is given.
//! - **One run at a time.** A run holds an exclusive lock on `.ocrclean.lock` in the output folder;
//!   a second run into the same folder refuses instead of mixing its outputs with the first's.
//!   Temporary folders left by killed runs are removed by the next run.
//! - **Unix manners.** Files and folders are created with the default modes, so they follow the
//!   umask. Nothing is synced to disk: the guarantees hold when a process dies or a disk fills, not
//!   when the machine loses power mid-write.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;

/// Suffix of a document's manifest.
pub const MANIFEST_SUFFIX: &str = ".manifest.json";
/// The lock file of an output folder.
pub const LOCK_FILE: &str = ".ocrclean.lock";
/// Prefix of a run's temporary folder inside the output folder.
pub const TEMP_PREFIX: &str = ".ocrclean-tmp-";

/// What a document's outputs are, written after them: a reader trusts a document only when its
/// manifest is there and every file has the size and hash it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub document: String,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The manifest of files held in memory (`check` compares it like any output).
    pub fn of(document: &str, files: &[(String, &[u8])]) -> Self {
        Self {
            document: document.to_string(),
            files: files
                .iter()
                .map(|(name, bytes)| ManifestFile {
                    name: name.clone(),
                    bytes: bytes.len() as u64,
                    sha256: ocrclean::document::sha256_hex(&[bytes]),
                })
                .collect(),
        }
    }

    pub fn render(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest serialises");
        text.push('\n');
        text
    }

    pub fn file_name(document: &str) -> String {
        format!("{document}{MANIFEST_SUFFIX}")
    }

    /// Reads `dir/NAME.manifest.json`; `None` when there is none.
    pub fn read(dir: &Path, document: &str) -> anyhow::Result<Option<Self>> {
        let path = dir.join(Self::file_name(document));
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .with_context(|| format!("{}: not a manifest written by ocrclean", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("{}: cannot read", path.display())),
        }
    }

    /// The files of the manifest whose contents in `dir` differ from it (changed or missing).
    pub fn changed_files(&self, dir: &Path) -> Vec<(PathBuf, &'static str)> {
        let mut changed = Vec::new();
        for file in &self.files {
            let path = dir.join(&file.name);
            match fs::read(&path) {
                Ok(bytes) => {
                    if bytes.len() as u64 != file.bytes
                        || ocrclean::document::sha256_hex(&[&bytes]) != file.sha256
                    {
                        changed.push((path, "changed"));
                    }
                }
                Err(_) => changed.push((path, "missing")),
            }
        }
        changed
    }
}

/// A test hook: `OCRCLEAN_FAILPOINT=abort:N` kills the process (as `kill -9` would) at the N-th
/// step of writing (a file written, a file renamed), `OCRCLEAN_FAILPOINT=enospc:N` makes that step
/// fail as a full disk does. Steps are counted over the whole run from 1. The fault tests use it.
#[derive(Debug, Clone, Copy)]
enum Failpoint {
    None,
    Abort(usize),
    NoSpace(usize),
}

impl Failpoint {
    fn from_env() -> Self {
        let Ok(spec) = std::env::var("OCRCLEAN_FAILPOINT") else {
            return Self::None;
        };
        let parse = |n: &str| n.parse::<usize>().ok();
        match spec.split_once(':') {
            Some(("abort", n)) => parse(n).map_or(Self::None, Self::Abort),
            Some(("enospc", n)) => parse(n).map_or(Self::None, Self::NoSpace),
            _ => Self::None,
        }
    }
}

/// The nearest existing ancestor of `path`, resolved (links followed), with the rest appended:
/// where `path` is or would be once created.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(mut resolved) => {
                for part in rest.iter().rev() {
                    resolved.push(part);
                }
                return Ok(resolved);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
                    return Err(e);
                };
                rest.push(name.to_os_string());
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    }
}

/// What the guard knows of the inputs: folders (collections and page folders) and files (single
/// files and every page), as given; they are resolved here.
#[derive(Debug, Default)]
pub struct InputPaths {
    pub folders: Vec<PathBuf>,
    pub files: Vec<PathBuf>,
}

/// Refuses an output folder that is, or lies inside, an input folder (or page folder), and any
/// output of `documents` that would replace an input file, links resolved. Runs before anything is
/// created.
pub fn guard(out: &Path, inputs: &InputPaths, documents: &[String]) -> anyhow::Result<()> {
    let resolved_out =
        resolve(out).with_context(|| format!("{}: cannot use as output folder", out.display()))?;
    for folder in &inputs.folders {
        let Ok(resolved) = folder.canonicalize() else {
            continue;
        };
        if resolved_out.starts_with(&resolved) {
            bail!(
                "--out {}: is the input folder {} or inside it{}; raw inputs are never written",
                out.display(),
                folder.display(),
                if resolved.as_path() != folder.as_path() {
                    format!(" (which is {})", resolved.display())
                } else {
                    String::new()
                }
            );
        }
    }
    let input_files: BTreeSet<PathBuf> = inputs
        .files
        .iter()
        .filter_map(|f| f.canonicalize().ok())
        .collect();
    let written = documents
        .iter()
        .flat_map(|name| {
            ocrclean::render::OUTPUT_SUFFIXES
                .iter()
                .copied()
                .chain([MANIFEST_SUFFIX])
                .map(move |suffix| format!("{name}{suffix}"))
        })
        .chain([LOCK_FILE.to_string()]);
    for name in written {
        let target = resolved_out.join(&name);
        // The target itself, and where it leads if it is a link: writing replaces the link, but a
        // link into the inputs there means the folders are tangled.
        let leads_to = target.canonicalize().ok();
        if let Some(input) = [Some(&target), leads_to.as_ref()]
            .into_iter()
            .flatten()
            .find(|t| input_files.contains(*t))
        {
            bail!(
                "--out {}: {name} would overwrite the input {}; raw inputs are never written",
                out.display(),
                input.display()
            );
        }
    }
    Ok(())
}

/// An output folder opened for writing: locked, cleaned of stale temporary files.
pub struct OutDir {
    dir: PathBuf,
    temp: PathBuf,
    lock: Option<File>,
    force: bool,
    failpoint: Failpoint,
    steps: AtomicUsize,
    documents: AtomicUsize,
}

/// A writer that hashes and counts what goes through it.
struct Hashing<W> {
    inner: W,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl OutDir {
    /// Creates the folder if needed, takes its lock (or refuses when another run holds it) and
    /// removes temporary files that killed runs left.
    pub fn open(dir: &Path, force: bool) -> anyhow::Result<Self> {
        fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create output folder", dir.display()))?;
        let lock = lock(dir)?;
        remove_stale(dir)?;
        let temp = dir.join(format!("{TEMP_PREFIX}{}", std::process::id()));
        fs::create_dir(&temp)
            .with_context(|| format!("{}: cannot create a temporary folder", temp.display()))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            temp,
            lock: Some(lock),
            force,
            failpoint: Failpoint::from_env(),
            steps: AtomicUsize::new(0),
            documents: AtomicUsize::new(0),
        })
    }

    /// The run's temporary folder inside the output folder (removed when the run ends, or by the
    /// next run if this one is killed).
    pub fn temp(&self) -> &Path {
        &self.temp
    }

    /// Counts one step of writing and fails there if the failpoint says so.
    fn step(&self) -> io::Result<()> {
        let n = self.steps.fetch_add(1, Ordering::SeqCst) + 1;
        match self.failpoint {
            Failpoint::Abort(at) if at == n => std::process::abort(),
            Failpoint::NoSpace(at) if at == n => Err(io::Error::from_raw_os_error(28)),
            _ => Ok(()),
        }
    }

    /// Refuses to overwrite a document whose files were changed since ocrclean wrote them.
    fn check_edits(&self, name: &str) -> anyhow::Result<()> {
        if self.force {
            return Ok(());
        }
        let manifest_path = self.dir.join(Manifest::file_name(name));
        let manifest = Manifest::read(&self.dir, name).map_err(|e| {
            anyhow::anyhow!(
                "{e:#}; not overwritten: to discard it and write the document again, run with --force"
            )
        })?;
        let Some(manifest) = manifest else {
            return Ok(());
        };
        let edited: Vec<String> = manifest
            .changed_files(&self.dir)
            .into_iter()
            .filter(|(_, how)| *how == "changed")
            .map(|(path, _)| path.display().to_string())
            .collect();
        if !edited.is_empty() {
            bail!(
                "{}: changed since ocrclean wrote it (it no longer matches {}); the document {name} was not written. To keep the edit, copy the file elsewhere (or turn it into a rule) before cleaning again; to discard it, run again with --force",
                edited.join(", "),
                manifest_path.display()
            );
        }
        Ok(())
    }

    /// Writes document `name`'s files as one unit: `write(suffix, out)` fills each file of
    /// `suffixes`, then the files are renamed into place and the manifest last.
    pub fn write_document(
        &self,
        name: &str,
        suffixes: &[&str],
        mut write: impl FnMut(&str, &mut dyn Write) -> io::Result<()>,
    ) -> anyhow::Result<()> {
        self.check_edits(name)?;
        let staging = self
            .temp
            .join(self.documents.fetch_add(1, Ordering::SeqCst).to_string());
        fs::create_dir(&staging)
            .with_context(|| format!("{}: cannot create", staging.display()))?;
        let staged = self.stage(name, suffixes, &staging, &mut write);
        let result = staged.and_then(|files| self.commit(name, &staging, &files));
        // Whatever happened, the staging folder goes: a failed write leaves the old document.
        let _ = fs::remove_dir_all(&staging);
        result
    }

    /// Writes the files and the manifest into `staging`; returns the file names, manifest last.
    fn stage(
        &self,
        name: &str,
        suffixes: &[&str],
        staging: &Path,
        write: &mut impl FnMut(&str, &mut dyn Write) -> io::Result<()>,
    ) -> anyhow::Result<Vec<String>> {
        let mut manifest = Manifest {
            document: name.to_string(),
            files: Vec::new(),
        };
        let mut names = Vec::new();
        for suffix in suffixes {
            let file_name = format!("{name}{suffix}");
            let target = self.dir.join(&file_name);
            let path = staging.join(&file_name);
            let file = File::create_new(&path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            let mut out = Hashing {
                inner: io::BufWriter::with_capacity(1 << 16, file),
                hasher: sha2::Sha256::new(),
                bytes: 0,
            };
            write(suffix, &mut out)
                .and_then(|()| out.flush())
                .and_then(|()| self.step())
                .with_context(|| format!("{}: cannot write", target.display()))?;
            manifest.files.push(ManifestFile {
                name: file_name.clone(),
                bytes: out.bytes,
                sha256: ocrclean::document::hex(&out.hasher.finalize()),
            });
            names.push(file_name);
        }
        let manifest_name = Manifest::file_name(name);
        let path = staging.join(&manifest_name);
        fs::write(&path, manifest.render())
            .and_then(|()| self.step())
            .with_context(|| {
                format!("{}: cannot write", self.dir.join(&manifest_name).display())
            })?;
        names.push(manifest_name);
        Ok(names)
    }

    /// Moves the staged files into place: old manifest out first, new manifest in last.
    fn commit(&self, name: &str, staging: &Path, files: &[String]) -> anyhow::Result<()> {
        let manifest = self.dir.join(Manifest::file_name(name));
        match fs::remove_file(&manifest) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("{}: cannot replace", manifest.display()));
            }
        }
        for file in files {
            let target = self.dir.join(file);
            fs::rename(staging.join(file), &target)
                .and_then(|()| self.step())
                .with_context(|| format!("{}: cannot write", target.display()))?;
        }
        Ok(())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.temp);
        // The lock file goes while it is still held; a run that opened it meanwhile sees that the
        // path no longer names its file and takes the lock again on a new one.
        if let Some(lock) = self.lock.take() {
            let _ = fs::remove_file(self.dir.join(LOCK_FILE));
            drop(lock);
        }
    }
}

/// Takes the exclusive lock of `dir`, or says which run holds it.
fn lock(dir: &Path) -> anyhow::Result<File> {
    let path = dir.join(LOCK_FILE);
    loop {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("{}: cannot create the lock file", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => bail!(
                "{}: another ocrclean run is writing into this folder (it holds {}); run again when it has finished, or choose another --out",
                dir.display(),
                path.display()
            ),
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("{}: cannot lock", path.display()));
            }
        }
        if same_file(&file, &path) {
            return Ok(file);
        }
        // The holder removed the file as it finished: lock the new one.
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// True for a temporary file of the `tempfile` crate (`.tmpXXXXXX`), which earlier versions wrote
/// beside each output.
fn is_tempfile_name(name: &str) -> bool {
    name.strip_prefix(".tmp")
        .is_some_and(|rest| rest.len() == 6 && rest.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Removes what killed runs left in `dir` (the lock is held, so no live run owns any of it).
fn remove_stale(dir: &Path) -> anyhow::Result<()> {
    let entries =
        fs::read_dir(dir).with_context(|| format!("{}: cannot read folder", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let removed = if name.starts_with(TEMP_PREFIX) && is_dir {
            fs::remove_dir_all(&path)
        } else if is_tempfile_name(name) && !is_dir {
            fs::remove_file(&path)
        } else {
            continue;
        };
        removed
            .with_context(|| format!("{}: cannot remove a stale temporary file", path.display()))?;
    }
    Ok(())
}

/// Writes `path` atomically: a temporary file beside it (created with the default mode, so the
/// umask applies), renamed over it once complete. A failed write leaves no partial file.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
    let written = File::create_new(&temp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUFFIXES: [&str; 2] = [".txt", ".notes.txt"];

    fn write(dir: &OutDir, name: &str, body: &str) -> anyhow::Result<()> {
        dir.write_document(name, &SUFFIXES, |suffix, out| {
            out.write_all(format!("{body}{suffix}").as_bytes())
        })
    }

    #[test]
    fn a_document_is_written_with_its_manifest_and_no_temporary_files_stay() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        {
            let dir = OutDir::open(&out, false).unwrap();
            write(&dir, "a", "one").unwrap();
            // A second run into the same folder refuses while this one holds it.
            let err = OutDir::open(&out, false).err().unwrap().to_string();
            assert!(err.contains("another ocrclean run"), "{err}");
        }
        let mut names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.manifest.json", "a.notes.txt", "a.txt"]);
        let manifest = Manifest::read(&out, "a").unwrap().unwrap();
        assert_eq!(manifest.files.len(), 2);
        assert!(manifest.changed_files(&out).is_empty());
    }

    #[test]
    fn an_edited_output_is_kept_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write(&OutDir::open(&out, false).unwrap(), "a", "one").unwrap();
        fs::write(out.join("a.txt"), "edited by hand").unwrap();
        let err = write(&OutDir::open(&out, false).unwrap(), "a", "two")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a.txt: changed since ocrclean wrote it"),
            "{err}"
        );
        assert!(err.contains("--force"), "{err}");
        assert_eq!(
            fs::read_to_string(out.join("a.txt")).unwrap(),
            "edited by hand"
        );
        write(&OutDir::open(&out, true).unwrap(), "a", "two").unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "two.txt");
    }

    #[test]
    fn stale_temporary_files_of_killed_runs_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join(".ocrclean-tmp-999/0")).unwrap();
        fs::write(out.join(".ocrclean-tmp-999/0/a.txt"), "half").unwrap();
        fs::write(out.join(".tmpAb12Cd"), "half").unwrap();
        fs::write(out.join(".tmp-keep-me"), "not ours").unwrap();
        drop(OutDir::open(&out, false).unwrap());
        assert!(!out.join(".ocrclean-tmp-999").exists());
        assert!(!out.join(".tmpAb12Cd").exists());
        assert!(out.join(".tmp-keep-me").exists());
    }

    #[test]
    fn resolve_follows_links_of_the_part_that_exists() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
            assert_eq!(
                resolve(&tmp.path().join("link/new/deeper")).unwrap(),
                real.canonicalize().unwrap().join("new/deeper")
            );
        }
    }
}
