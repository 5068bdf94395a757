//! `ocrclean restore`: the raw input rebuilt byte for byte from a body and its change log.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;

use super::Status;

#[derive(Debug, ClapArgs)]
pub struct RestoreArgs {
    /// The change log, `NAME.changes.jsonl`; the body `NAME.txt` is read from beside it.
    log: PathBuf,
    /// Where to write the raw input (default: standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
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
    let body_path = args.log.with_file_name(format!("{stem}.txt"));
    let body = std::fs::read_to_string(&body_path)
        .with_context(|| format!("{}: cannot read the body", body_path.display()))?;
    let log = std::fs::read_to_string(&args.log)
        .with_context(|| format!("{}: cannot read", args.log.display()))?;
    let changes = log
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .with_context(|| format!("{}:{}: not a change record", args.log.display(), i + 1))
        })
        .collect::<anyhow::Result<Vec<ocrclean::Change>>>()?;
    let raw = ocrclean::restore(&body, &changes).with_context(|| {
        format!(
            "{} does not fit {}",
            body_path.display(),
            args.log.display()
        )
    })?;
    match &args.out {
        Some(path) => std::fs::write(path, &raw)
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => std::io::stdout()
            .write_all(&raw)
            .context("cannot write to standard output")?,
    }
    Ok(Status::Ok)
}
