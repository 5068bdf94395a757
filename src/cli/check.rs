//! `ocrclean check`: clean in memory and compare with committed outputs; drift is exit 1.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args as ClapArgs;
use ocrclean::input::sorted_entries;
use ocrclean::render::{OUTPUT_SUFFIXES, output_stem, render};

use super::batch::{Handled, clean_each, discover};
use super::{RunArgs, Status};
use crate::outdir::{MANIFEST_SUFFIX, Manifest};

#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Folder of committed outputs to compare with.
    #[arg(long, default_value = "cleaned")]
    against: PathBuf,
}

/// A unified diff of `old` (committed) against `new` (what the rules produce now).
fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    let committed = format!("{} (committed)", path.display());
    let current = format!("{} (cleaned now)", path.display());
    diff.unified_diff()
        .context_radius(3)
        .header(&committed, &current)
        .to_string()
}

pub fn run(args: CheckArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let (inputs, mut errors) = discover(run);
    let cleaner = super::settings::cleaner(run)?;
    // Which output files the inputs produce, for the stale check below.
    let expected: BTreeSet<String> = inputs
        .iter()
        .flat_map(|input| {
            OUTPUT_SUFFIXES
                .iter()
                .copied()
                .chain([MANIFEST_SUFFIX])
                .map(|suffix| format!("{}{suffix}", input.name))
        })
        .collect();
    let (tally, handled) = clean_each(run, &cleaner, &inputs, |_, outcome| {
        let mut result = Handled::default();
        let (doc, cleaned) = match outcome {
            Ok(r) => r,
            Err(e) => {
                result.errors.push(e);
                return result;
            }
        };
        let mut files = render(&doc, &cleaned);
        // The manifest is an output like the others: a torn or hand-edited document drifts.
        let listed: Vec<(String, &[u8])> = files
            .iter()
            .map(|(name, text)| (name.clone(), text.as_bytes()))
            .collect();
        let manifest = Manifest::of(&doc.name, &listed).render();
        files.push((Manifest::file_name(&doc.name), manifest));
        for (file, contents) in files {
            let path = args.against.join(&file);
            match std::fs::read(&path) {
                Ok(committed) if committed == contents.as_bytes() => {}
                Ok(committed) => {
                    result.drifting += 1;
                    let committed = String::from_utf8_lossy(&committed);
                    result
                        .output
                        .push_str(&unified_diff(&committed, &contents, &path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    result.drifting += 1;
                    let _ = writeln!(
                        result.output,
                        "{}: missing (run `ocrclean clean` and commit it)",
                        path.display()
                    );
                }
                Err(e) => result
                    .errors
                    .push(anyhow::anyhow!("{}: cannot read: {e}", path.display())),
            }
        }
        result
    })?;
    let mut report = String::new();
    let mut drifting = 0;
    let mut warnings = Vec::new();
    for mut h in handled {
        warnings.append(&mut h.warnings);
        drifting += h.drifting;
        report.push_str(&h.output);
        errors.extend(h.errors);
    }
    // Outputs of documents that no longer exist are drift too, when whole collections are checked.
    if run.paths.iter().all(|p| p.is_dir())
        && let Ok(entries) = sorted_entries(&args.against)
    {
        for entry in entries {
            let Some(file) = entry.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let is_output = output_stem(file).is_some() || file.ends_with(MANIFEST_SUFFIX);
            if is_output && !expected.contains(file) {
                drifting += 1;
                let _ = writeln!(
                    report,
                    "{}: stale (no input produces it any more)",
                    entry.display()
                );
            }
        }
    }
    print!("{report}");
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    for e in &errors {
        eprintln!("error: {e:#}");
    }
    if drifting > 0 {
        println!(
            "drift: {drifting} file(s) differ from {}",
            args.against.display()
        );
    }
    if !run.quiet {
        eprintln!("checked {}", tally.summary(errors.len(), started));
    }
    Ok(if !errors.is_empty() {
        Status::Error
    } else if drifting > 0 {
        Status::Drift
    } else {
        Status::Ok
    })
}
