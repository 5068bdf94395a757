//! `ocrclean clean`: clean documents and write their outputs.
//!
//! How outputs are written (one unit per document, a lock, the guards, hand edits kept) is in
//! [`crate::outdir`]. Everything that can refuse the run (arguments, rules, the guards) is
//! checked before the output folder is created, so a refused run creates nothing.
//!
//! Also here: `clean --diff` (show what a clean would change, write nothing), `clean -` (standard
//! input to standard output) and the batch's `summary.json` and `index.html`.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;
use ocrclean::input::{Input, Source};
use ocrclean::render::{OUTPUT_SUFFIXES, write_output_of};

use super::batch::{Handled, clean_each, discover};
use super::summary::{index_html, summary_json};
use super::{RunArgs, Status};
use crate::outdir::{self, InputPaths, OutDir};

#[derive(Debug, ClapArgs)]
pub struct CleanArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Output folder [default: cleaned, or `out` of ocrclean.toml].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Overwrite outputs that were changed by hand since ocrclean wrote them (otherwise such a
    /// document is reported and left as it is).
    #[arg(long)]
    force: bool,
    /// Show what would change in the output folder as a unified diff; write nothing.
    #[arg(long)]
    diff: bool,
    /// With --diff: print at most N lines of diff in all [default: no limit].
    #[arg(long, value_name = "N", requires = "diff")]
    max_diff_lines: Option<usize>,
    /// Do not write the HTML review pages (NAME.report.html, index.html).
    #[arg(long)]
    no_html: bool,
    /// Stream mode: read documents as JSON lines (`{"id", "text"}` or `{"id", "pages"}`) from
    /// standard input (PATHS must be `-`) and write one `{"id", "body", "notes", "changes"}` line
    /// per document, in input order, to standard output.
    #[arg(long)]
    jsonl: bool,
}

/// Files written once per batch beside the documents' outputs.
pub const BATCH_FILES: [&str; 2] = ["summary.json", "index.html"];

/// The output suffixes a run writes: all, or all but the review page.
pub fn suffixes(html: bool) -> Vec<&'static str> {
    OUTPUT_SUFFIXES
        .iter()
        .copied()
        .filter(|s| html || *s != ".report.html")
        .collect()
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

/// `ocrclean clean -`: the document on standard input, its body on standard output; nothing else
/// is written (the report and change log need a folder; run on a file for them).
fn clean_stdin(run: &RunArgs) -> anyhow::Result<Status> {
    if run.paths.len() != 1 {
        bail!("-: standard input is read alone; name no other paths with it");
    }
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .context("cannot read standard input")?;
    let doc = ocrclean::Document::from_bytes("stdin", raw);
    let cleaner = super::settings::cleaner(run)?;
    let cleaned = cleaner.clean(&doc).map_err(|e| {
        let line = doc.position(e.offset).line;
        anyhow::anyhow!(
            "-:{line}: not valid UTF-8 at byte {} (--lossy decodes it with U+FFFD)",
            e.offset
        )
    })?;
    let mut out = std::io::stdout().lock();
    out.write_all(cleaned.body.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(Status::Ok)
}

/// `clean --diff`: what a clean would change in `out`, as `check` shows drift; writes nothing.
fn show_diff(args: &CleanArgs, out: &Path, html: bool) -> anyhow::Result<Status> {
    let run = &args.run;
    let (inputs, mut errors) = discover(run);
    let cleaner = super::settings::cleaner(run)?;
    let (_, handled) = clean_each(run, &cleaner, &inputs, None, |input, outcome| {
        let mut result = Handled::default();
        match outcome {
            Ok((doc, cleaned, _)) => {
                super::check::compare(out, input, &doc, &cleaned, html, &mut result)
            }
            Err(e) => result.errors.push(e),
        }
        result
    })?;
    let mut drift = Vec::new();
    for h in handled {
        drift.extend(h.drift);
        errors.extend(h.errors);
    }
    super::check::print_drift(
        &drift,
        super::check::OutputFormat::Text,
        args.max_diff_lines,
        &[],
    );
    for e in &errors {
        eprintln!("error: {e:#}");
    }
    if !run.quiet {
        eprintln!(
            "{} file(s) would change in {}; nothing written",
            drift.len(),
            out.display()
        );
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}

pub fn run(args: CleanArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    if args.jsonl {
        return super::stream::run(run);
    }
    if run.paths.iter().any(|p| p.as_os_str() == "-") {
        return clean_stdin(run);
    }
    let file = super::config::get();
    let out_dir = args
        .out
        .clone()
        .or_else(|| {
            file.settings
                .out
                .as_ref()
                .map(|o| file.resolve(o.get_ref()))
        })
        .unwrap_or_else(|| PathBuf::from("cleaned"));
    let html = !args.no_html && file.pick(None, &file.settings.html, true).0;
    if args.diff {
        return show_diff(&args, &out_dir, html);
    }
    let (inputs, mut errors) = discover(run);
    let cleaner = super::settings::cleaner(run)?;
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    outdir::guard(&out_dir, &input_paths(&run.paths, &inputs), &names)?;
    let out = OutDir::open(&out_dir, args.force)?;
    let suffixes = suffixes(html);
    // Each document's change records go to a change log in the run's temporary folder as they
    // are made; the outputs are rendered from there (a long document's records are never all in
    // memory).
    let spool = Some(out.temp());
    let (tally, handled) = clean_each(run, &cleaner, &inputs, spool, |input, outcome| {
        Handled::summarised(input, outcome, |doc, cleaned, records, result| {
            let log = records.log(cleaned);
            let written = out.write_document(&doc.name, &suffixes, |suffix, file| {
                write_output_of(suffix, doc, cleaned, log, log.digest.len(), &mut &mut *file)
            });
            if let Err(e) = written {
                result.errors.push(e);
            }
        })
    })?;
    // Errors that belong to no document (a path that does not exist) are in the summary too.
    let other: Vec<String> = errors.iter().map(|e| format!("{e:#}")).collect();
    let mut documents = Vec::new();
    for h in handled {
        for w in &h.warnings {
            eprintln!("warning: {w}");
        }
        documents.extend(h.summary);
        errors.extend(h.errors);
    }
    let mut batch = vec![(BATCH_FILES[0], summary_json(&documents, &other))];
    if html {
        batch.push((BATCH_FILES[1], index_html(&documents)));
    }
    for (name, text) in batch {
        if let Err(e) = outdir::write_file_atomic(&out_dir.join(name), text.as_bytes()) {
            errors.push(e);
        }
    }
    drop(out);
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
