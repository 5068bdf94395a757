//! `ocrclean clean`: clean documents and write their outputs.
//!
//! How outputs are written (one unit per document, a lock, the guards, hand edits kept) is in
//! [`crate::outdir`]. Everything that can refuse the run (arguments, rules, the guards) is
//! checked before the output folder is created, so a refused run creates nothing.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args as ClapArgs;
use ocrclean::input::{Input, Source};
use ocrclean::render::{OUTPUT_SUFFIXES, write_output};

use super::batch::{Handled, clean_each, discover};
use super::{RunArgs, Status};
use crate::outdir::{self, InputPaths, OutDir};

#[derive(Debug, ClapArgs)]
pub struct CleanArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Output folder.
    #[arg(long, default_value = "cleaned")]
    out: PathBuf,
    /// Overwrite outputs that were changed by hand since ocrclean wrote them (otherwise such a
    /// document is reported and left as it is).
    #[arg(long)]
    force: bool,
}

/// Every input path, for the guard: the folders named, the page folders and each page.
fn input_paths(paths: &[PathBuf], inputs: &[Input]) -> InputPaths {
    let mut all = InputPaths {
        folders: paths.iter().filter(|p| p.is_dir()).cloned().collect(),
        files: paths.iter().filter(|p| p.is_file()).cloned().collect(),
    };
    for input in inputs {
        match &input.source {
            Source::File(p) => all.files.push(p.clone()),
            Source::Pages(dir, pages) => {
                all.folders.push(dir.clone());
                all.files.extend(pages.iter().cloned());
            }
        }
    }
    all
}

pub fn run(args: CleanArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let (inputs, mut errors) = discover(run);
    let cleaner = super::settings::cleaner(run)?;
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    outdir::guard(&args.out, &input_paths(&run.paths, &inputs), &names)?;
    let out = OutDir::open(&args.out, args.force)?;
    let (tally, handled) = clean_each(run, &cleaner, &inputs, |_, outcome| {
        let mut result = Handled::default();
        match outcome {
            // Streamed file by file: a long document's change log is never held as text.
            Ok((doc, cleaned)) => {
                let written = out.write_document(&doc.name, &OUTPUT_SUFFIXES, |suffix, file| {
                    write_output(suffix, &doc, &cleaned, &mut &mut *file)
                });
                if let Err(e) = written {
                    result.errors.push(e);
                }
            }
            Err(e) => result.errors.push(e),
        }
        result
    })?;
    drop(out);
    for h in handled {
        for w in &h.warnings {
            eprintln!("warning: {w}");
        }
        errors.extend(h.errors);
    }
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
