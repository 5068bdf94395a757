//! `ocrclean restore`: the raw input rebuilt byte for byte from a body and its change log.
//!
//! The rebuilt bytes are checked against the SHA-256 that the log's header holds; when they do not
//! match (or the log and body do not fit), the run fails with exit 2 and, when the document's
//! manifest is beside the log, names the files that were changed since `clean` wrote them.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;

use ocrclean::LogRestoreError;

use super::Status;
use crate::outdir::{Manifest, write_file_atomic};

#[derive(Debug, ClapArgs)]
pub struct RestoreArgs {
    /// The change log, `NAME.changes.jsonl`; the body `NAME.txt` is read from beside it.
    log: PathBuf,
    /// Where to write the raw input (default: standard output); written atomically.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// Which of the document's files no longer match its manifest, as a sentence, if any.
fn edited_files(dir: &Path, stem: &str) -> Option<String> {
    let manifest = Manifest::read(dir, stem).ok()??;
    let changed = manifest.changed_files(dir);
    if changed.is_empty() {
        return None;
    }
    let list: Vec<String> = changed
        .iter()
        .map(|(path, how)| format!("{} ({how})", path.display()))
        .collect();
    Some(format!(
        "; since clean wrote them, these files differ from {}: {}",
        dir.join(Manifest::file_name(stem)).display(),
        list.join(", ")
    ))
}

pub fn run(args: &RestoreArgs) -> anyhow::Result<Status> {
    let log_name = args
        .log
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let Some(stem) = log_name.strip_suffix(".changes.jsonl") else {
        bail!(
            "{}: expected a change log named NAME.changes.jsonl",
            args.log.display()
        );
    };
    let dir = args.log.parent().unwrap_or(Path::new(""));
    let body_path = args.log.with_file_name(format!("{stem}.txt"));
    let body = std::fs::read_to_string(&body_path)
        .with_context(|| format!("{}: cannot read the body", body_path.display()))?;
    // The log is read line by line (see `ocrclean::restore_from_log`): memory is two copies of the
    // text, not the log's records.
    let mut log = std::fs::File::open(&args.log)
        .map(std::io::BufReader::new)
        .with_context(|| format!("{}: cannot read", args.log.display()))?;
    let (header, raw) =
        ocrclean::restore_from_log(body.into_bytes(), &mut log).map_err(|e| match e {
            LogRestoreError::Io(e) => anyhow::anyhow!("{}: cannot read: {e}", args.log.display()),
            LogRestoreError::Log(e) => {
                anyhow::anyhow!("{}:{}: {}", args.log.display(), e.line, e.message)
            }
            LogRestoreError::Restore(e) => anyhow::anyhow!(
                "{} and {} do not give the raw input back: {e}{}",
                body_path.display(),
                args.log.display(),
                edited_files(dir, stem).unwrap_or_default()
            ),
        })?;
    if header.is_none() {
        eprintln!(
            "warning: {}: the log has no header (written by an older version): the result is not checked against the raw input's hash",
            args.log.display()
        );
    }
    match &args.out {
        Some(path) => write_file_atomic(path, &raw)?,
        None => std::io::stdout()
            .write_all(&raw)
            .context("cannot write to standard output")?,
    }
    Ok(Status::Ok)
}
