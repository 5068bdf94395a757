//! `ocrclean clean`: clean documents and write their outputs.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;
use ocrclean::input::{Input, Source};
use ocrclean::render::{OUTPUT_SUFFIXES, write_output};

use super::batch::{Handled, clean_each, discover};
use super::{RunArgs, Status};

#[derive(Debug, ClapArgs)]
pub struct CleanArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Output folder.
    #[arg(long, default_value = "cleaned")]
    out: PathBuf,
}

/// Writes a file atomically: `write` fills a buffered temporary file beside it, which then replaces
/// `path`, so a reader never sees half a file and a failed write leaves the old one.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, tmp);
    write(&mut buffered)
        .and_then(|()| buffered.flush())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    let tmp = buffered
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}

/// Refuses an output folder that is, or lies inside, an input folder, or that would overwrite an
/// input file.
fn guard_outputs(out: &Path, paths: &[PathBuf], inputs: &[Input]) -> anyhow::Result<()> {
    let out = out
        .canonicalize()
        .with_context(|| format!("{}: cannot use as output folder", out.display()))?;
    for path in paths.iter().filter(|p| p.is_dir()) {
        let dir = path.canonicalize().unwrap_or_else(|_| path.clone());
        if out.starts_with(&dir) {
            bail!(
                "--out {}: is the input folder {} or inside it; raw inputs are never written",
                out.display(),
                path.display()
            );
        }
    }
    let mut input_files = BTreeSet::new();
    for input in inputs {
        match &input.source {
            Source::File(p) => input_files.insert(p.canonicalize().unwrap_or_else(|_| p.clone())),
            Source::Pages(dir, _) => {
                input_files.insert(dir.canonicalize().unwrap_or_else(|_| dir.clone()))
            }
        };
    }
    for input in inputs {
        for suffix in OUTPUT_SUFFIXES {
            let target = out.join(format!("{}{suffix}", input.name));
            if input_files.contains(&target) {
                bail!(
                    "--out {}: would overwrite the input {}; raw inputs are never written",
                    out.display(),
                    target.display()
                );
            }
        }
    }
    Ok(())
}

pub fn run(args: CleanArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let (inputs, mut errors) = discover(run);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create output folder", args.out.display()))?;
    guard_outputs(&args.out, &run.paths, &inputs)?;
    let (tally, handled) = clean_each(run, &inputs, |_, outcome| {
        let mut result = Handled::default();
        match outcome {
            Ok((doc, cleaned)) => {
                // Streamed file by file: a long document's change log is never held as text.
                for suffix in OUTPUT_SUFFIXES {
                    let path = args.out.join(format!("{}{suffix}", doc.name));
                    let written = write_atomic(&path, |out| {
                        write_output(suffix, &doc, &cleaned, &mut &mut *out)
                    });
                    if let Err(e) = written {
                        result.errors.push(e);
                    }
                }
            }
            Err(e) => result.errors.push(e),
        }
        result
    })?;
    errors.extend(handled.into_iter().flat_map(|h| h.errors));
    for e in &errors {
        eprintln!("error: {e:#}");
    }
    if !run.quiet {
        eprintln!("cleaned {}", tally.summary(errors.len(), started));
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}
