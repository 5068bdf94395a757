//! `ocrclean check`: clean in memory and compare with committed outputs; drift is exit 1.
//!
//! Drift is printed as a unified diff (`--output-format text`), as GitHub workflow annotations at
//! the raw file and line where each changed hunk comes from (`github`), or as one JSON object
//! (`json`). `--max-diff-lines` caps the diff lines printed: one rule change over a whole
//! collection must not print megabytes into a CI log.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args as ClapArgs;
use ocrclean::input::{Input, sorted_entries};
use ocrclean::render::{OUTPUT_SUFFIXES, output_stem, render};
use ocrclean::{Change, Cleaned, Document};
use serde::{Deserialize, Serialize};

use super::batch::{Handled, clean_each, discover};
use super::clean::BATCH_FILES;
use super::summary::{index_html, summary_json};
use super::{RunArgs, Status};
use crate::outdir::{MANIFEST_SUFFIX, Manifest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Unified diffs.
    Text,
    /// GitHub Actions workflow annotations (`::error file=...,line=...::`), then the diffs.
    Github,
    /// One JSON object on standard output.
    Json,
}

#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Folder of committed outputs to compare with [default: cleaned, or `out` of ocrclean.toml].
    #[arg(long)]
    against: Option<PathBuf>,
    /// How drift is reported [default: text].
    #[arg(long, value_enum)]
    output_format: Option<OutputFormat>,
    /// Print at most N lines of diff in all (the count of the rest is said) [default: no limit].
    #[arg(long, value_name = "N")]
    max_diff_lines: Option<usize>,
}

/// How one output file drifts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    Differs,
    Missing,
    Stale,
}

/// A place in the raw input that a changed hunk of an output comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Anchor {
    pub file: PathBuf,
    pub line: usize,
    /// The hunk's diff lines.
    pub message: String,
}

/// One output file that differs from what the rules produce now.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub file: PathBuf,
    pub kind: DriftKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<PathBuf>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub diff: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hunks: Vec<Anchor>,
}

/// Where line `line` (0-based) of the new output `suffix` comes from in the raw input.
fn raw_offset(suffix: &str, new: &str, line: usize, cleaned: &Cleaned) -> Option<usize> {
    match suffix {
        ".txt" => {
            let start: usize = new.split_inclusive('\n').take(line).map(str::len).sum();
            let end = (start + 1).min(cleaned.body.len());
            (start < end).then(|| cleaned.source_map.to_raw(start..end).start)
        }
        ".changes.jsonl" => {
            let record = new.lines().nth(line)?;
            serde_json::from_str::<Change>(record)
                .ok()
                .map(|c| c.raw.start)
        }
        _ => None,
    }
}

/// The diff of one output and its hunks located in the raw input.
fn compare_file(
    old: &str,
    new: &str,
    path: &Path,
    suffix: &str,
    input: &Input,
    doc: &Document,
    cleaned: &Cleaned,
) -> Drift {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    let committed = format!("{} (committed)", path.display());
    let current = format!("{} (cleaned now)", path.display());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&committed, &current)
        .to_string();
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(0) {
        let Some(first) = group.first() else { continue };
        let new_line = first.new_range().start;
        let offset = raw_offset(suffix, new, new_line, cleaned).unwrap_or(0);
        let (file, _) = input.locate(doc, offset.min(doc.raw.len()));
        let line = doc.position(offset.min(doc.raw.len())).line;
        let mut message = format!("{} drifts:", path.display());
        for op in &group {
            for change in diff.iter_changes(op).take(20) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                let _ = write!(message, "\n{sign}{}", change.value().trim_end_matches('\n'));
            }
        }
        hunks.push(Anchor {
            file,
            line,
            message,
        });
    }
    Drift {
        file: path.to_path_buf(),
        kind: DriftKind::Differs,
        input: Some(input.path().to_path_buf()),
        diff: text,
        hunks,
    }
}

/// Compares the rendered outputs of one document, and its manifest, with the files in `against`.
pub fn compare(
    against: &Path,
    input: &Input,
    doc: &Document,
    cleaned: &Cleaned,
    html: bool,
    result: &mut Handled,
) {
    let mut files: Vec<(String, String, &str)> = render(doc, cleaned)
        .into_iter()
        .zip(OUTPUT_SUFFIXES)
        .filter(|(_, suffix)| html || *suffix != ".report.html")
        .map(|((file, contents), suffix)| (file, contents, suffix))
        .collect();
    // The manifest is an output like the others: a torn or hand-edited document drifts.
    let listed: Vec<(String, &[u8])> = files
        .iter()
        .map(|(name, text, _)| (name.clone(), text.as_bytes()))
        .collect();
    let manifest = Manifest::of(&doc.name, &listed).render();
    files.push((Manifest::file_name(&doc.name), manifest, MANIFEST_SUFFIX));
    for (file, contents, suffix) in files {
        let path = against.join(&file);
        match std::fs::read(&path) {
            Ok(committed) if committed == contents.as_bytes() => {}
            Ok(committed) => {
                let committed = String::from_utf8_lossy(&committed);
                result.drift.push(compare_file(
                    &committed, &contents, &path, suffix, input, doc, cleaned,
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => result.drift.push(Drift {
                file: path,
                kind: DriftKind::Missing,
                // The annotation goes on a file: a page folder's first page.
                input: Some(input.locate(doc, 0).0),
                diff: String::new(),
                hunks: Vec::new(),
            }),
            Err(e) => result
                .errors
                .push(anyhow::anyhow!("{}: cannot read: {e}", path.display())),
        }
    }
}

/// Escapes a workflow command's message (`%`, CR, LF) or, with `property`, a property value
/// (also `:` and `,`), as GitHub's runner reads them.
pub fn github_escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// Prints the drift in `format`, at most `max_lines` diff lines in all.
pub fn print_drift(
    drift: &[Drift],
    format: OutputFormat,
    max_lines: Option<usize>,
    errors: &[anyhow::Error],
) {
    let mut budget = max_lines.unwrap_or(usize::MAX);
    let mut left_out = 0usize;
    let mut take = |diff: &str| -> String {
        let lines = diff.lines().count();
        if lines <= budget {
            budget -= lines;
            return diff.to_string();
        }
        let kept: String = diff.split_inclusive('\n').take(budget).collect::<String>();
        left_out += lines - budget;
        budget = 0;
        kept
    };
    match format {
        OutputFormat::Json => {
            let drift: Vec<Drift> = drift
                .iter()
                .map(|d| {
                    let mut d = d.clone();
                    d.diff = take(&d.diff);
                    d
                })
                .collect();
            let errors: Vec<String> = errors.iter().map(|e| format!("{e:#}")).collect();
            let status = if !errors.is_empty() {
                "error"
            } else if drift.is_empty() {
                "ok"
            } else {
                "drift"
            };
            let json = serde_json::json!({
                "status": status,
                "drift": drift,
                "errors": errors,
                "diff_lines_left_out": left_out,
            });
            println!("{json}");
            return;
        }
        OutputFormat::Github => {
            for d in drift {
                match d.kind {
                    DriftKind::Differs if d.hunks.is_empty() => println!(
                        "::error file={},title={}::{}",
                        github_escape(&d.file.display().to_string(), true),
                        github_escape("ocrclean check: output drift", true),
                        github_escape(&format!("{} drifts", d.file.display()), false)
                    ),
                    DriftKind::Differs => {
                        for h in &d.hunks {
                            println!(
                                "::error file={},line={},title={}::{}",
                                github_escape(&h.file.display().to_string(), true),
                                h.line,
                                github_escape("ocrclean check: output drift", true),
                                github_escape(&h.message, false)
                            );
                        }
                    }
                    DriftKind::Missing | DriftKind::Stale => {
                        let what = if d.kind == DriftKind::Missing {
                            "missing: run `ocrclean clean` and commit it"
                        } else {
                            "stale: no input produces it any more"
                        };
                        let file = d.input.as_deref().unwrap_or(&d.file);
                        println!(
                            "::error file={},title={}::{}",
                            github_escape(&file.display().to_string(), true),
                            github_escape("ocrclean check: output drift", true),
                            github_escape(&format!("{}: {what}", d.file.display()), false)
                        );
                    }
                }
            }
            for e in errors {
                println!("::error::{}", github_escape(&format!("{e:#}"), false));
            }
        }
        OutputFormat::Text => {}
    }
    for d in drift {
        match d.kind {
            DriftKind::Differs => print!("{}", super::color::diff(&take(&d.diff))),
            DriftKind::Missing => println!(
                "{}: missing (run `ocrclean clean` and commit it)",
                d.file.display()
            ),
            DriftKind::Stale => println!(
                "{}: stale (no input produces it any more)",
                d.file.display()
            ),
        }
    }
    if left_out > 0 {
        println!("... {left_out} more diff line(s) not shown (--max-diff-lines)");
    }
}

pub fn run(args: CheckArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let file = super::config::get();
    let s = &file.settings;
    let against = args
        .against
        .clone()
        .or_else(|| s.out.as_ref().map(|o| file.resolve(o.get_ref())))
        .unwrap_or_else(|| PathBuf::from("cleaned"));
    let (format, _) = file.pick(args.output_format, &s.output_format, OutputFormat::Text);
    let max_lines = args
        .max_diff_lines
        .or(s.max_diff_lines.as_ref().map(|n| *n.get_ref()));
    let (html, _) = file.pick(None, &s.html, true);
    let (inputs, mut errors) = discover(run);
    let cleaner = super::settings::cleaner(run)?;
    if !against.is_dir() {
        anyhow::bail!(
            "--against {}: no such folder (run `ocrclean clean` first)",
            against.display()
        );
    }
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
    let (tally, handled) = clean_each(run, &cleaner, &inputs, None, |input, outcome| {
        Handled::summarised(input, outcome, |doc, cleaned, _, result| {
            compare(&against, input, doc, cleaned, html, result)
        })
    })?;
    let other: Vec<String> = errors.iter().map(|e| format!("{e:#}")).collect();
    let mut drift = Vec::new();
    let mut documents = Vec::new();
    let mut warnings = Vec::new();
    for mut h in handled {
        warnings.append(&mut h.warnings);
        drift.extend(h.drift);
        documents.extend(h.summary);
        errors.extend(h.errors);
    }
    let whole_collections = run.paths.iter().all(|p| p.is_dir());
    // The batch files describe the whole batch: compared when whole collections are checked.
    if whole_collections {
        let mut batch = vec![(BATCH_FILES[0], summary_json(&documents, &other))];
        if html {
            batch.push((BATCH_FILES[1], index_html(&documents)));
        }
        for (name, text) in batch {
            let path = against.join(name);
            match std::fs::read_to_string(&path) {
                Ok(committed) if committed == text => {}
                Ok(committed) => {
                    let diff = similar::TextDiff::configure()
                        .algorithm(similar::Algorithm::Myers)
                        .diff_lines(&committed, &text)
                        .unified_diff()
                        .context_radius(3)
                        .header(
                            &format!("{} (committed)", path.display()),
                            &format!("{} (cleaned now)", path.display()),
                        )
                        .to_string();
                    drift.push(Drift {
                        file: path,
                        kind: DriftKind::Differs,
                        input: None,
                        diff,
                        hunks: Vec::new(),
                    });
                }
                Err(_) => drift.push(Drift {
                    file: path,
                    kind: DriftKind::Missing,
                    input: None,
                    diff: String::new(),
                    hunks: Vec::new(),
                }),
            }
        }
    }
    // Outputs of documents that no longer exist are drift too, when whole collections are checked.
    if whole_collections && let Ok(entries) = sorted_entries(&against) {
        for entry in entries {
            let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let is_output = output_stem(name).is_some() || name.ends_with(MANIFEST_SUFFIX);
            if is_output && !expected.contains(name) {
                drift.push(Drift {
                    file: entry.clone(),
                    kind: DriftKind::Stale,
                    input: None,
                    diff: String::new(),
                    hunks: Vec::new(),
                });
            }
        }
    }
    print_drift(&drift, format, max_lines, &errors);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if format != OutputFormat::Json {
        for e in &errors {
            eprintln!("error: {e:#}");
        }
        if !drift.is_empty() {
            println!(
                "drift: {} file(s) differ from {}",
                drift.len(),
                against.display()
            );
        }
    }
    if !run.quiet {
        eprintln!("checked {}", tally.summary(errors.len(), started));
    }
    Ok(if !errors.is_empty() {
        Status::Error
    } else if !drift.is_empty() {
        Status::Drift
    } else {
        Status::Ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_properties_and_messages_are_escaped() {
        assert_eq!(github_escape("a:b,c%\n", true), "a%3Ab%2Cc%25%0A");
        assert_eq!(github_escape("a:b,c%\r\n", false), "a:b,c%25%0D%0A");
    }
}
