//! `ocrclean eval`: reads a corpus with ground truth, cleans it in memory and prints how much the
//! cleaning helped, overall and rule by rule. The measuring is in the library ([`ocrclean::eval`]);
//! this module only reads files, runs the batch and prints.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args as ClapArgs, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocrclean::eval::{self, DocumentEval, Layout, Sample, Summary};
use ocrclean::{Cleaner, Config, Document};
use rayon::prelude::*;
use serde::Serialize;

use super::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LayoutArg {
    /// `--raw` and `--truth` are folders of page files paired by the name before the first `.`
    /// (`179392.abbyy.txt` with `179392.gt.txt`); the raw pages are one document.
    Pages,
    /// `--raw` is a file of `*$*OVERPROOF*$*` articles of `raw||@@||truth||@@||peer` lines; each
    /// article is a document and the third column is scored as a peer.
    Triples,
}

#[derive(Debug, ClapArgs)]
pub struct EvalArgs {
    /// Raw OCR: a folder of page files (pages) or the articles file (triples).
    #[arg(long)]
    raw: PathBuf,
    /// Ground truth: a folder of page files (pages); for triples the articles file whose second
    /// column is read (default: the --raw file).
    #[arg(long)]
    truth: Option<PathBuf>,
    /// How the corpus is laid out.
    #[arg(long, value_enum, default_value = "pages")]
    layout: LayoutArg,
    /// Print the figures as JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write a short Markdown report (the README's quality table is built from it).
    #[arg(long, value_name = "FILE")]
    md: Option<PathBuf>,
    /// Name of the corpus in the Markdown report (default: the --raw path).
    #[arg(long)]
    label: Option<String>,
    #[command(flatten)]
    rules: super::RuleLayers,
    /// Language of the documents (en, de, fr); detected per document when not given.
    #[arg(long)]
    lang: Option<String>,
    /// Evaluate only the first N pages (pages) or articles (triples).
    #[arg(long)]
    limit: Option<usize>,
}

/// The JSON output.
#[derive(Serialize)]
struct JsonReport<'a> {
    layout: Layout,
    raw: &'a Path,
    truth: &'a Path,
    summary: &'a Summary,
    documents: &'a [DocumentEval],
}

pub fn run(args: EvalArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let rules = super::settings::load_rules(&args.rules)?;
    if let Some(lang) = &args.lang
        && !ocrclean::lang::known_languages().any(|l| l == lang)
    {
        bail!("--lang {lang}: unknown language");
    }
    let config = Config {
        language: args.lang.clone(),
        // Measuring should not skip a document: invalid bytes become U+FFFD (and count as errors).
        lossy: true,
        ..Config::default()
    };
    let cleaner = Cleaner::new(rules, config);
    let (layout, truth_path, samples) = match args.layout {
        LayoutArg::Pages => {
            let truth = args
                .truth
                .clone()
                .context("--truth: the ground-truth folder is required for --layout pages")?;
            let sample = pages_sample(&args.raw, &truth, args.limit)?;
            (Layout::Pages, truth, vec![sample])
        }
        LayoutArg::Triples => {
            let truth = args.truth.clone().unwrap_or_else(|| args.raw.clone());
            let samples = triples_samples(&args.raw, &truth, args.limit)?;
            (Layout::Triples, truth, samples)
        }
    };

    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(samples.len() as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    progress.set_style(
        ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} documents, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    progress.set_message("evaluating");
    let results: Vec<anyhow::Result<DocumentEval>> = samples
        .par_iter()
        .map(|sample| {
            let result = eval::evaluate(&cleaner, sample)
                .with_context(|| format!("{}: cannot be decoded", sample.document.name));
            progress.inc(1);
            result
        })
        .collect();
    progress.finish_and_clear();
    let evals = results.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
    let summary = Summary::new(&evals);

    if args.json {
        let report = JsonReport {
            layout,
            raw: &args.raw,
            truth: &truth_path,
            summary: &summary,
            documents: &evals,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", summary.table());
    }
    if let Some(md) = &args.md {
        let label = args
            .label
            .clone()
            .unwrap_or_else(|| args.raw.display().to_string());
        std::fs::write(md, summary.markdown(&label))
            .with_context(|| format!("{}: cannot write", md.display()))?;
    }
    eprintln!(
        "evaluated {} document(s) in {:.2} s",
        evals.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(Status::Ok)
}

/// The page files of a folder with their file names, in natural order.
fn page_files(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    Ok(ocrclean::input::page_files(dir)?
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, p)
        })
        .collect())
}

fn read_utf8(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    String::from_utf8(bytes)
        .with_context(|| format!("{}: ground truth is not UTF-8", path.display()))
}

/// The raw page folder as one document, with the truth pages of the same names.
fn pages_sample(raw: &Path, truth: &Path, limit: Option<usize>) -> anyhow::Result<Sample> {
    let raw_files = page_files(raw)?;
    let truth_files = page_files(truth)?;
    let raw_names: Vec<String> = raw_files.iter().map(|(n, _)| n.clone()).collect();
    let truth_names: Vec<String> = truth_files.iter().map(|(n, _)| n.clone()).collect();
    let pairing = eval::pair_pages(&raw_names, &truth_names);
    for &i in &pairing.raw_only {
        eprintln!(
            "warning: {}: no ground-truth page, not evaluated",
            raw_files[i].1.display()
        );
    }
    for &i in &pairing.truth_only {
        eprintln!(
            "warning: {}: no raw page, not evaluated",
            truth_files[i].1.display()
        );
    }
    let mut pairs = pairing.pairs;
    if let Some(limit) = limit {
        pairs.truncate(limit);
    }
    if pairs.is_empty() {
        bail!(
            "{} and {}: no page has both raw text and ground truth",
            raw.display(),
            truth.display()
        );
    }
    let mut pages = Vec::with_capacity(pairs.len());
    let mut truth_pages = Vec::with_capacity(pairs.len());
    for (r, t) in pairs {
        let (name, path) = &raw_files[r];
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        pages.push((name.clone(), bytes));
        truth_pages.push(read_utf8(&truth_files[t].1)?);
    }
    let name = raw
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| raw.display().to_string());
    Ok(Sample {
        document: Document::from_pages(name, pages),
        truth: truth_pages,
        peer: None,
        layout: Layout::Pages,
    })
}

/// One sample per article; raw column from `raw`, truth and peer columns from `truth`.
fn triples_samples(raw: &Path, truth: &Path, limit: Option<usize>) -> anyhow::Result<Vec<Sample>> {
    let raw_articles = eval::parse_triples(&read_utf8(raw)?);
    let truth_articles = if truth == raw {
        raw_articles.clone()
    } else {
        eval::parse_triples(&read_utf8(truth)?)
    };
    if raw_articles.len() != truth_articles.len() {
        bail!(
            "{} has {} articles but {} has {}",
            raw.display(),
            raw_articles.len(),
            truth.display(),
            truth_articles.len()
        );
    }
    let count = limit.unwrap_or(usize::MAX).min(raw_articles.len());
    Ok(raw_articles
        .into_iter()
        .zip(truth_articles)
        .take(count)
        .map(|(r, t)| Sample {
            document: Document::from_bytes(r.id, r.raw.into_bytes()),
            truth: vec![t.truth],
            peer: Some(vec![t.peer]),
            layout: Layout::Triples,
        })
        .collect())
}
