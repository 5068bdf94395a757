//! The command line: turns flags into a [`Config`], finds the documents, runs the batch in
//! parallel, writes outputs atomically, and decides the exit code.
//!
//! A document that cannot be read or decoded is reported with its path and skipped; the rest of
//! the batch is still cleaned and written, and the run exits with 2 at the end.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args as ClapArgs, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocrclean::render::{OUTPUT_SUFFIXES, output_stem, render, write_output};
use ocrclean::{ChangeKind, Cleaned, Cleaner, Config, DecodeError, Document, RuleSet};
use rayon::prelude::*;

/// Exit status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok = 0,
    Drift = 1,
    Error = 2,
}

/// Clean raw OCR text of scanned papers and books, and record every change.
///
/// Exit codes: 0 ok, 1 `check` found drift, 2 error (bad input, bad rule, unwritable output).
#[derive(Debug, Parser)]
#[command(name = "ocrclean", version, about)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean documents and write body, notes, change log and report for each.
    Clean(CleanArgs),
    /// Clean in memory and compare with committed outputs: exit 1 with a diff when they drift.
    Check(CheckArgs),
    /// Measure quality against ground truth: error rates of raw and cleaned text, and per rule how
    /// many changes the truth confirms or contradicts.
    Eval(crate::eval_cli::EvalArgs),
    /// Rebuild the raw input byte for byte from NAME.txt and NAME.changes.jsonl (for a page folder:
    /// its pages joined by form feeds).
    Restore(RestoreArgs),
    /// Measure speed (MB/s per core, end to end and per pass) and peak memory on two workloads:
    /// one document cleaned many times, and one long document of repeated pages.
    Bench(crate::bench_cli::BenchArgs),
    /// List the rules or run their examples.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// List every rule: built into a pass, or loaded from the rules folder.
    List(RulesArgs),
    /// Run every data rule's examples; exit 2 when one fails or a rule file is broken.
    Test(RulesArgs),
}

#[derive(Debug, ClapArgs)]
struct RulesArgs {
    /// Folder of rule files (`*.toml`).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

/// What `clean` and `check` share: the inputs and how to clean them.
#[derive(Debug, ClapArgs)]
struct RunArgs {
    /// Input files and folders. A file is one document; in a folder each `*.txt` file is a document
    /// and each subfolder is one document whose `*.txt` files are its pages in natural order.
    #[arg(default_value = "raw")]
    paths: Vec<PathBuf>,
    /// Folder of rule files (`*.toml`).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Number of documents cleaned at once (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Decode invalid UTF-8 as U+FFFD, recording each replacement, instead of skipping the file.
    #[arg(long)]
    lossy: bool,
    /// Language of the documents (en, de, fr); detected per document when not given.
    #[arg(long)]
    lang: Option<String>,
    /// Switch a rule off for this run (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    disabled: Vec<String>,
    /// Changes less sure than this are listed for review instead of applied.
    #[arg(long, default_value_t = ocrclean::pipeline::DEFAULT_MIN_CONFIDENCE)]
    min_confidence: f64,
    /// Print nothing but errors (and, for `check`, the drift).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, ClapArgs)]
struct CleanArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Output folder.
    #[arg(long, default_value = "cleaned")]
    out: PathBuf,
}

#[derive(Debug, ClapArgs)]
struct RestoreArgs {
    /// The change log, `NAME.changes.jsonl`; the body `NAME.txt` is read from beside it.
    log: PathBuf,
    /// Where to write the raw input (default: standard output).
    #[arg(long, short)]
    out: Option<PathBuf>,
}

#[derive(Debug, ClapArgs)]
struct CheckArgs {
    #[command(flatten)]
    run: RunArgs,
    /// Folder of committed outputs to compare with.
    #[arg(long, default_value = "cleaned")]
    against: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    match args.command {
        Command::Clean(a) => clean(a),
        Command::Check(a) => check(a),
        Command::Eval(a) => crate::eval_cli::run(a),
        Command::Bench(a) => crate::bench_cli::run(a),
        Command::Restore(a) => restore(&a),
        Command::Rules {
            command: RulesCommand::List(a),
        } => rules_list(&a),
        Command::Rules {
            command: RulesCommand::Test(a),
        } => rules_test(&a),
    }
}

/// Where a document comes from.
#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Pages(PathBuf, Vec<PathBuf>),
}

#[derive(Debug, Clone)]
struct Input {
    name: String,
    source: Source,
}

impl Input {
    fn path(&self) -> &Path {
        match &self.source {
            Source::File(p) | Source::Pages(p, _) => p,
        }
    }
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

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Entries of a folder in natural order (`2.txt` before `10.txt`).
fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut entries = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot read folder", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{}: cannot read folder", dir.display()))?;
    entries.retain(|p| !is_hidden(p));
    entries.sort_by(|a, b| natord::compare(&a.to_string_lossy(), &b.to_string_lossy()));
    Ok(entries)
}

fn page_folder(dir: &Path) -> anyhow::Result<Input> {
    let pages: Vec<PathBuf> = sorted_entries(dir)?
        .into_iter()
        .filter(|p| is_text_file(p) && !p.is_dir())
        .collect();
    if pages.is_empty() {
        bail!("{}: page folder holds no page files (*.txt)", dir.display());
    }
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Input {
        name,
        source: Source::Pages(dir.to_path_buf(), pages),
    })
}

/// The documents named by `paths`, in order, and an error for each path that could not be used.
fn discover(paths: &[PathBuf]) -> (Vec<Input>, Vec<anyhow::Error>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            inputs.push(Input {
                name: file_stem(path),
                source: Source::File(path.clone()),
            });
            continue;
        }
        if !path.is_dir() {
            errors.push(anyhow::anyhow!(
                "{}: no such file or folder",
                path.display()
            ));
            continue;
        }
        let entries = match sorted_entries(path) {
            Ok(e) => e,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        for entry in entries {
            if entry.is_dir() {
                match page_folder(&entry) {
                    Ok(input) => inputs.push(input),
                    Err(e) => errors.push(e),
                }
            } else if is_text_file(&entry) {
                inputs.push(Input {
                    name: file_stem(&entry),
                    source: Source::File(entry),
                });
            } else if !entry.exists() {
                errors.push(anyhow::anyhow!(
                    "{}: cannot be read (broken link?)",
                    entry.display()
                ));
            }
        }
    }
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    inputs.retain(|input| match seen.get(&input.name) {
        Some(first) => {
            errors.push(anyhow::anyhow!(
                "{}: skipped: its outputs would overwrite those of {} (same name `{}`)",
                input.path().display(),
                first.display(),
                input.name
            ));
            false
        }
        None => {
            seen.insert(input.name.clone(), input.path().to_path_buf());
            true
        }
    });
    (inputs, errors)
}

fn read_document(input: &Input) -> anyhow::Result<Document> {
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()));
    Ok(match &input.source {
        Source::File(path) => Document::from_bytes(&input.name, read(path)?),
        Source::Pages(_, pages) => {
            let mut files = Vec::with_capacity(pages.len());
            for page in pages {
                let name = page
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, read(page)?));
            }
            Document::from_pages(&input.name, files)
        }
    })
}

/// The decode error located in its file (the page file, for a page folder) and line.
fn decode_error(input: &Input, doc: &Document, e: &DecodeError) -> anyhow::Error {
    let pos = doc.position(e.offset);
    let page = &doc.pages()[pos.page - 1];
    let (file, offset) = match &input.source {
        Source::File(p) => (p.clone(), e.offset),
        Source::Pages(_, pages) => (pages[pos.page - 1].clone(), e.offset - page.span.start),
    };
    anyhow::anyhow!(
        "{}:{}: not valid UTF-8 at byte {} (skipped; --lossy decodes it with U+FFFD)",
        file.display(),
        pos.line,
        offset
    )
}

/// One document's result.
type Outcome = anyhow::Result<(Document, Cleaned)>;

fn config(run: &RunArgs) -> anyhow::Result<Config> {
    if let Some(lang) = &run.lang
        && !ocrclean::lang::known_languages().any(|l| l == lang)
    {
        bail!(
            "--lang {lang}: unknown language (known: {})",
            ocrclean::lang::known_languages()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !(0.0..=1.0).contains(&run.min_confidence) {
        bail!(
            "--min-confidence {}: must be between 0 and 1",
            run.min_confidence
        );
    }
    Ok(Config {
        language: run.lang.clone(),
        disabled: run.disabled.iter().cloned().collect(),
        min_confidence: run.min_confidence,
        lossy: run.lossy,
    })
}

/// Loads the rules; every problem is printed and makes the run fail.
fn load_rules(dir: &Path) -> anyhow::Result<RuleSet> {
    let (rules, errors) = RuleSet::load_dir(dir);
    if errors.is_empty() {
        return Ok(rules);
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    bail!(
        "{} problem(s) in the rule files of {}",
        errors.len(),
        dir.display()
    )
}

/// The cleaner for a run, with its rules loaded and the `--disable`d rule ids checked.
fn cleaner(run: &RunArgs) -> anyhow::Result<Cleaner> {
    let cleaner = Cleaner::new(load_rules(&run.rules)?, config(run)?);
    let known: BTreeSet<&str> = cleaner
        .passes()
        .iter()
        .flat_map(|p| p.builtin_rules().iter().map(|r| r.id))
        .chain(cleaner.rules().rules.iter().map(|r| r.id.as_str()))
        .collect();
    for id in &run.disabled {
        if !known.contains(id.as_str()) {
            bail!("--disable {id}: no such rule (see `ocrclean rules list`)");
        }
    }
    Ok(cleaner)
}

/// Reads and cleans one input. A panic inside the library (a bug) is caught and reported as this
/// document's error, so that the rest of the batch is still cleaned and written.
fn clean_one(cleaner: &Cleaner, input: &Input) -> Outcome {
    let doc = read_document(input)?;
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cleaner.clean(&doc)));
    match cleaned {
        Ok(Ok(cleaned)) => Ok((doc, cleaned)),
        Ok(Err(e)) => Err(decode_error(input, &doc, &e)),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            bail!(
                "{}: internal error while cleaning (please report it with this input): {message}",
                input.path().display()
            )
        }
    }
}

/// What a batch did, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    documents: usize,
    pages: usize,
    bytes: usize,
    changes: usize,
    flagged: usize,
}

impl Tally {
    fn add(&mut self, doc: &Document, cleaned: &Cleaned) {
        self.documents += 1;
        self.pages += doc.pages().len();
        self.bytes += doc.raw.len();
        self.changes += cleaned.changes.iter().filter(|c| c.applied).count();
        self.flagged += cleaned
            .changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Review)
            .count();
    }

    fn summary(&self, errors: usize, started: Instant) -> String {
        format!(
            "{} document(s), {} page(s), {} bytes, {} change(s), {} flagged, {} error(s) in {:.2} s",
            self.documents,
            self.pages,
            self.bytes,
            self.changes,
            self.flagged,
            errors,
            started.elapsed().as_secs_f64()
        )
    }
}

/// What handling one document produced: text for stdout (a drift report), how many of its files
/// drift, and errors.
#[derive(Default)]
struct Handled {
    output: String,
    drifting: usize,
    errors: Vec<anyhow::Error>,
}

/// A progress bar on stderr when it is a terminal and the run is not `--quiet`; hidden otherwise.
fn progress_bar(run: &RunArgs, documents: usize) -> ProgressBar {
    if run.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(documents as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} documents, {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Cleans every input in parallel (`--jobs`) and hands each result to `handle` on its worker
/// thread as soon as it is ready, then drops it: memory holds the documents being cleaned, not the
/// batch. What `handle` returns comes back in input order, so output does not depend on timing.
fn clean_each<F>(
    run: &RunArgs,
    inputs: &[Input],
    handle: F,
) -> anyhow::Result<(Tally, Vec<Handled>)>
where
    F: Fn(&Input, Outcome) -> Handled + Sync,
{
    let cleaner = cleaner(run)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let started = Instant::now();
    let bar = progress_bar(run, inputs.len());
    let tally = Mutex::new(Tally::default());
    let handled: Mutex<Vec<(usize, Handled)>> = Mutex::new(Vec::new());
    pool.install(|| {
        inputs.par_iter().enumerate().for_each(|(i, input)| {
            let outcome = clean_one(&cleaner, input);
            if let Ok((doc, cleaned)) = &outcome {
                let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
                tally.add(doc, cleaned);
                let rate = tally.bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!(
                    "{:.1} MB, {rate:.1} MB/s",
                    tally.bytes as f64 / 1e6
                ));
            }
            let result = handle(input, outcome);
            if !result.output.is_empty() || result.drifting > 0 || !result.errors.is_empty() {
                handled
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((i, result));
            }
            bar.inc(1);
        });
    });
    bar.finish_and_clear();
    let mut handled = handled.into_inner().unwrap_or_else(|e| e.into_inner());
    handled.sort_by_key(|(i, _)| *i);
    Ok((
        tally.into_inner().unwrap_or_else(|e| e.into_inner()),
        handled.into_iter().map(|(_, h)| h).collect(),
    ))
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

fn clean(args: CleanArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let (inputs, mut errors) = discover(&run.paths);
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

fn check(args: CheckArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let run = &args.run;
    let (inputs, mut errors) = discover(&run.paths);
    // Which output files the inputs produce, for the stale check below.
    let expected: BTreeSet<String> = inputs
        .iter()
        .flat_map(|input| OUTPUT_SUFFIXES.map(|suffix| format!("{}{suffix}", input.name)))
        .collect();
    let (tally, handled) = clean_each(run, &inputs, |_, outcome| {
        let mut result = Handled::default();
        let (doc, cleaned) = match outcome {
            Ok(r) => r,
            Err(e) => {
                result.errors.push(e);
                return result;
            }
        };
        for (file, contents) in render(&doc, &cleaned) {
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
    for h in handled {
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
            if output_stem(file).is_some() && !expected.contains(file) {
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

fn restore(args: &RestoreArgs) -> anyhow::Result<Status> {
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

fn rules_list(args: &RulesArgs) -> anyhow::Result<Status> {
    let (rules, errors) = RuleSet::load_dir(&args.rules);
    let mut out = String::new();
    for pass in ocrclean::pipeline::passes() {
        for rule in pass.builtin_rules() {
            let _ = writeln!(
                out,
                "{}\t[{}, built-in]\t{}",
                rule.id,
                pass.name(),
                rule.description
            );
        }
    }
    for rule in &rules.rules {
        let languages = if rule.languages.is_empty() {
            "any language".to_string()
        } else {
            rule.languages.join("/")
        };
        let _ = writeln!(
            out,
            "{}\t[substitute, {}:{}, {}, {}{}]\t{}",
            rule.id,
            rule.file.display(),
            rule.line,
            languages,
            rule.examples.len(),
            if rule.enabled {
                " examples"
            } else {
                " examples, off by default"
            },
            rule.description
        );
    }
    print!("{out}");
    for e in &errors {
        eprintln!("error: {e}");
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}

fn rules_test(args: &RulesArgs) -> anyhow::Result<Status> {
    let (rules, errors) = RuleSet::load_dir(&args.rules);
    let mut passed = 0;
    for rule in &rules.rules {
        for outcome in rule.run_examples() {
            // Loaded rules have passed their examples; this prints what was run.
            println!(
                "ok {} example {}: {:?} → {:?}",
                rule.id,
                outcome.index + 1,
                outcome.example.input,
                outcome.actual
            );
            passed += 1;
        }
    }
    for e in &errors {
        println!("FAILED {e}");
    }
    println!("{passed} passed, {} failed", errors.len());
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}
