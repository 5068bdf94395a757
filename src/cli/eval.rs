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
pub(super) enum LayoutArg {
    /// `--raw` and `--truth` are folders of page files paired by the name before the first `.`
    /// (`179392.abbyy.txt` with `179392.gt.txt`); the raw pages are one document.
    Pages,
    /// `--raw` is a file of `*$*OVERPROOF*$*` articles of `raw||@@||truth||@@||peer` lines; each
    /// article is a document and the third column is scored as a peer.
    Triples,
    /// `--raw` is a CSV file of OCR and truth columns (BLN600 `train.csv`: `OCR Text`, `Ground
    /// Truth`, rows grouped by `Sample ID`; otherwise the first two columns, a row a document).
    Csv,
    /// `--raw` is an ICDAR 2017 post-OCR file or a folder of them (`[OCR_aligned]`, `[ GS_aligned]`).
    Icdar,
    /// `--raw` is an XML file (or a folder of `*.xml`) of `<ROW>`s with `<text>` and `<fixed>`.
    XmlRows,
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
    #[command(flatten)]
    pub(super) part: Part,
}

/// Which part of a corpus to read: learn on one part, evaluate on another.
#[derive(Debug, Clone, Copy, ClapArgs)]
pub(super) struct Part {
    /// Skip the first N pages (pages layout) or documents (other layouts).
    #[arg(long, default_value_t = 0)]
    pub(super) skip: usize,
    /// Then take at most N pages or documents.
    #[arg(long)]
    pub(super) limit: Option<usize>,
}

impl Part {
    fn take<T>(&self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .skip(self.skip)
            .take(self.limit.unwrap_or(usize::MAX))
            .collect()
    }
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
    let (layout, truth_path, samples) =
        read_samples(args.layout, &args.raw, args.truth.as_deref(), args.part)?;

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

/// The samples of a corpus in `layout`: raw and truth paths, and the part to take.
pub(super) fn read_samples(
    layout: LayoutArg,
    raw: &Path,
    truth: Option<&Path>,
    part: Part,
) -> anyhow::Result<(Layout, PathBuf, Vec<Sample>)> {
    let truth_or_raw = truth.unwrap_or(raw).to_path_buf();
    Ok(match layout {
        LayoutArg::Pages => {
            let truth =
                truth.context("--truth: the ground-truth folder is required for --layout pages")?;
            let sample = pages_sample(raw, truth, part)?;
            (Layout::Pages, truth.to_path_buf(), vec![sample])
        }
        LayoutArg::Triples => {
            let samples = triples_samples(raw, &truth_or_raw, part)?;
            (Layout::Triples, truth_or_raw, samples)
        }
        LayoutArg::Csv => {
            let pairs = eval::parse_csv_pairs(&read_lossy(raw)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", raw.display()))?;
            (
                Layout::Csv,
                truth_or_raw,
                pair_samples(part.take(pairs), Layout::Csv),
            )
        }
        LayoutArg::Icdar => {
            let mut pairs = Vec::new();
            for path in corpus_files(raw, "txt")? {
                let text = read_lossy(&path)?;
                // A file of another kind in the folder (a readme) is named and passed over.
                let Some((raw_text, truth_text)) = eval::parse_icdar(&text) else {
                    eprintln!(
                        "warning: {}: no [OCR_aligned] or [ GS_aligned] line, not read",
                        path.display()
                    );
                    continue;
                };
                let id = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                pairs.push(eval::Pair {
                    id,
                    raw: raw_text,
                    truth: truth_text,
                });
            }
            (
                Layout::Icdar,
                truth_or_raw,
                pair_samples(part.take(pairs), Layout::Icdar),
            )
        }
        LayoutArg::XmlRows => {
            let mut pairs = Vec::new();
            for path in corpus_files(raw, "xml")? {
                pairs.extend(eval::parse_xml_rows(&read_lossy(&path)?));
            }
            (
                Layout::XmlRows,
                truth_or_raw,
                pair_samples(part.take(pairs), Layout::XmlRows),
            )
        }
    })
}

/// `path` itself, or the files of the folder `path` with extension `ext`, in natural order.
fn corpus_files(path: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = ocrclean::input::sorted_entries(path)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort_by(|a, b| natord::compare(&a.to_string_lossy(), &b.to_string_lossy()));
    if files.is_empty() {
        bail!("{}: no *.{ext} file", path.display());
    }
    Ok(files)
}

/// A corpus file read as UTF-8, with U+FFFD for invalid bytes (BLN600 holds a few).
fn read_lossy(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn pair_samples(pairs: Vec<eval::Pair>, layout: Layout) -> Vec<Sample> {
    pairs
        .into_iter()
        .map(|p| Sample {
            document: Document::from_bytes(p.id, p.raw.into_bytes()),
            truth: vec![p.truth],
            peer: None,
            layout,
        })
        .collect()
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
fn pages_sample(raw: &Path, truth: &Path, part: Part) -> anyhow::Result<Sample> {
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
    let pairs = part.take(pairing.pairs);
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
fn triples_samples(raw: &Path, truth: &Path, part: Part) -> anyhow::Result<Vec<Sample>> {
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
    Ok(part
        .take(raw_articles.into_iter().zip(truth_articles).collect())
        .into_iter()
        .map(|(r, t)| Sample {
            document: Document::from_bytes(r.id, r.raw.into_bytes()),
            truth: vec![t.truth],
            peer: Some(vec![t.peer]),
            layout: Layout::Triples,
        })
        .collect())
}
