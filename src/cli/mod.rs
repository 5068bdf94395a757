//! The command line: one module per subcommand, plus the parts they share.
//!
//! - [`settings`] turns the flags of a run into a [`ocrclean::Cleaner`] (config and rules);
//! - [`batch`] reads each input (through [`ocrclean::input`]), cleans the batch on a worker pool and
//!   hands each result to the subcommand as soon as it is ready;
//! - [`stream`] is `clean --jsonl -`: JSON lines in, JSON lines out;
//! - `clean`, `check`, `eval`, `restore`, `bench`, `rules` are the subcommands.
//!
//! A document that cannot be read or decoded is reported with its path and skipped; the rest of
//! the batch is still cleaned and written, and the run exits with 2 at the end.

use std::path::PathBuf;

use clap::{Args as ClapArgs, Parser, Subcommand};

mod batch;
mod bench;
mod check;
mod clean;
mod color;
mod config;
mod eval;
mod learn;
mod restore;
mod rules;
mod settings;
mod shell;
mod spool;
mod stream;
mod summary;

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
    /// Settings file (default: the first `ocrclean.toml` in the working folder or above it).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Colour diffs: auto (when standard output is a terminal and NO_COLOR is not set), always, never.
    #[arg(long, global = true, value_name = "WHEN")]
    color: Option<color::ColorChoice>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Clean documents and write body, notes, change log and report for each.
    Clean(clean::CleanArgs),
    /// Clean in memory and compare with committed outputs: exit 1 with a diff when they drift.
    Check(check::CheckArgs),
    /// Measure quality against ground truth: error rates of raw and cleaned text, and per rule how
    /// many changes the truth confirms or contradicts.
    Eval(eval::EvalArgs),
    /// Learn rules from corrected pages: the scanner's confusions (with weights) and the words the
    /// lexicon lacks, written as a rules folder for `--rules`.
    Learn(learn::LearnArgs),
    /// Rebuild the raw input byte for byte from NAME.txt and NAME.changes.jsonl (for a page folder:
    /// its pages joined by form feeds).
    Restore(restore::RestoreArgs),
    /// Measure speed (MB/s per core, end to end and per pass) and peak memory on two workloads:
    /// one document cleaned many times, and one long document of repeated pages.
    Bench(bench::BenchArgs),
    /// List the rules or run their examples.
    Rules {
        #[command(subcommand)]
        command: rules::RulesCommand,
    },
    /// Print the effective settings (flags, `ocrclean.toml`, defaults) and where each comes from.
    Config(Box<RunArgs>),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to standard output.
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff) to standard output: `ocrclean man > ocrclean.1`.
    Man,
}

/// Where a run's rules come from: the bundled rules, with folders laid over them.
#[derive(Debug, Clone, ClapArgs)]
pub struct RuleLayers {
    /// Folder of rule files laid over the bundled rules: its files are added, or replace bundled
    /// files of the same name (`spacing.toml`, `lexicon/en.tsv`). Repeatable.
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Use only the --rules folders, not the rules compiled into the binary.
    #[arg(long)]
    no_bundled_rules: bool,
}

/// What `clean` and `check` share: the inputs and how to clean them.
#[derive(Debug, ClapArgs)]
pub struct RunArgs {
    /// Input files and folders. A file is one document. A folder whose `*.txt` files are all
    /// numbered pages (`001.txt`, `002.txt`, ...) and which has no subfolders is one document;
    /// in any other folder each `*.txt` file is a document and each subfolder is one document
    /// whose `*.txt` files are its pages in natural order.
    #[arg(default_value = "raw")]
    paths: Vec<PathBuf>,
    /// Read every folder named on the command line as a collection, even one whose files are all
    /// numbered pages (which is otherwise one document).
    #[arg(long)]
    collection: bool,
    #[command(flatten)]
    rules: RuleLayers,
    /// Number of documents cleaned at once (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Decode invalid UTF-8 as U+FFFD, recording each replacement, instead of skipping the file.
    #[arg(long)]
    lossy: bool,
    /// Encoding of the inputs: utf-8, windows-1252, latin-1, or auto (UTF-8 when valid, else
    /// Windows-1252 when that reads without control characters). A UTF-16 or UTF-32 byte order
    /// mark is read whatever this says, except for an explicit single-byte encoding.
    #[arg(long, default_value = "utf-8", value_name = "ENCODING")]
    encoding: ocrclean::EncodingChoice,
    /// Language of the documents (en, de, fr); detected per document when not given.
    #[arg(long)]
    lang: Option<String>,
    /// Switch a rule off for this run (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    disabled: Vec<String>,
    /// Changes less sure than this are listed for review instead of applied.
    /// [default: 0.6]
    #[arg(long)]
    min_confidence: Option<f64>,
    /// Print nothing but errors (and, for `check`, the drift).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<Status> {
    config::load(args.config.as_deref())?;
    let file = config::get();
    let (choice, _) = file.pick(args.color, &file.settings.color, color::ColorChoice::Auto);
    color::init(choice);
    match args.command {
        Command::Config(a) => shell::print_config(&a),
        Command::Completions(a) => shell::completions(&a),
        Command::Man => shell::man(),
        Command::Clean(a) => clean::run(a),
        Command::Check(a) => check::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Learn(a) => learn::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Restore(a) => restore::run(&a),
        Command::Rules { command } => rules::run(command),
    }
}
