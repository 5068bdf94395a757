//! `ocrclean bench`: how fast the pipeline cleans, end to end and pass by pass, and how much memory
//! it holds. Everything runs in memory (no disk I/O besides reading the inputs once), so the figures
//! are the cost of cleaning and rendering, not of the disk.
//!
//! Two workloads:
//! - (a) one document (`--seed`) cleaned `--docs` times as separate documents, as a batch does;
//! - (b) one long document of `--pages` pages built by repeating the page files of `--page-folder`,
//!   which shows any pass whose cost grows faster than the text.
//!
//! Each workload runs `--runs` times and the median is shown. MB/s per core is megabytes of raw
//! input (10^6 bytes) per second of wall time divided by the number of worker threads.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;
use ocrclean::input;
use ocrclean::render::{OUTPUT_SUFFIXES, write_output};
use ocrclean::{Cleaner, Config, Document, PassTimings};
use rayon::prelude::*;

use super::Status;

#[derive(Debug, ClapArgs)]
pub struct BenchArgs {
    /// The document of workload (a), cleaned `--docs` times.
    #[arg(long)]
    seed: PathBuf,
    /// Folder of page files (`*.txt`) repeated into the long document of workload (b).
    #[arg(long)]
    page_folder: PathBuf,
    /// How many copies of the seed workload (a) cleans.
    #[arg(long, default_value_t = 1000)]
    docs: usize,
    /// How many pages the long document of workload (b) has.
    #[arg(long, default_value_t = 1000)]
    pages: usize,
    /// Runs per measurement; the median is shown.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The parallel run of workload (a) uses this many threads (compared with 1).
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    #[command(flatten)]
    rules: super::RuleLayers,
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn rate(bytes: usize, took: Duration) -> f64 {
    mb(bytes) / took.as_secs_f64().max(1e-9)
}

/// The process's peak resident memory (VmHWM) in bytes, on Linux.
fn peak_memory() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the peak to the current resident memory (Linux >= 4.0), so that each workload's peak is
/// its own; false where that is not possible.
fn reset_peak_memory() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Cleans `doc` and streams its outputs, as `clean` writes them, to a sink that counts the bytes.
fn clean_and_render(cleaner: &Cleaner, doc: &Document) -> anyhow::Result<u64> {
    let cleaned = cleaner
        .clean(doc)
        .map_err(|e| anyhow::anyhow!("{}: not valid UTF-8 at byte {}", doc.name, e.offset))?;
    render_to_sink(doc, &cleaned)
}

fn render_to_sink(doc: &Document, cleaned: &ocrclean::Cleaned) -> anyhow::Result<u64> {
    let mut written = 0;
    for suffix in OUTPUT_SUFFIXES {
        let mut sink = CountingSink::default();
        write_output(suffix, doc, cleaned, &mut sink)?;
        written += sink.0;
    }
    Ok(written)
}

/// A writer that keeps only the number of bytes written to it.
#[derive(Default)]
struct CountingSink(u64);

impl std::io::Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A workload: `count` documents, each made when it is cleaned (as a batch reads each file when
/// it comes to it), so that memory holds the documents being cleaned, not the whole workload.
struct Workload<'a> {
    label: String,
    count: usize,
    bytes: usize,
    make: &'a (dyn Fn(usize) -> Document + Sync),
}

/// Cleans the workload on the threads of `pool`; returns the wall time.
fn run_batch(
    cleaner: &Cleaner,
    w: &Workload,
    pool: &rayon::ThreadPool,
) -> anyhow::Result<Duration> {
    let started = Instant::now();
    pool.install(|| {
        (0..w.count)
            .into_par_iter()
            .try_for_each(|i| clean_and_render(cleaner, &(w.make)(i)).map(drop))
    })?;
    Ok(started.elapsed())
}

/// Per-stage times of cleaning the workload once on one thread, render included.
fn stage_times(cleaner: &Cleaner, w: &Workload) -> anyhow::Result<PassTimings> {
    let mut timings = PassTimings::default();
    for i in 0..w.count {
        let doc = &(w.make)(i);
        let cleaned = cleaner
            .clean_timed(doc, &mut timings)
            .map_err(|e| anyhow::anyhow!("{}: not valid UTF-8 at byte {}", doc.name, e.offset))?;
        let started = Instant::now();
        render_to_sink(doc, &cleaned)?;
        timings.add("render", started.elapsed());
    }
    Ok(timings)
}

/// The page files of `dir` in natural order, read.
fn page_files(dir: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    Ok(input::read_pages(&input::page_files(dir)?)?)
}

struct Row {
    workload: String,
    docs: usize,
    bytes: usize,
    jobs: usize,
    took: Duration,
}

pub fn run(args: BenchArgs) -> anyhow::Result<Status> {
    if args.runs == 0 || args.docs == 0 || args.pages == 0 || args.jobs == 0 {
        bail!("--runs, --docs, --pages and --jobs must be at least 1");
    }
    let baseline = peak_memory();
    let started = Instant::now();
    let rules = super::settings::load_rules(&args.rules)?;
    let load = started.elapsed();
    let words: usize = rules.lexicons.values().map(|l| l.len()).sum();
    let cleaner = Cleaner::new(rules, Config::default());
    let after_load = peak_memory();

    let seed = std::fs::read(&args.seed)
        .with_context(|| format!("{}: cannot read", args.seed.display()))?;
    let make_seed = |i: usize| Document::from_bytes(format!("seed-{i}"), seed.clone());
    let a = Workload {
        label: format!("(a) seed x{}", args.docs),
        count: args.docs,
        bytes: seed.len() * args.docs,
        make: &make_seed,
    };
    // The long document is assembled from the page files at each run, as a batch reads a page
    // folder when it comes to it; only the folder's pages stay in memory between runs.
    let pages = page_files(&args.page_folder)?;
    let make_long = |_: usize| {
        Document::from_pages(
            "long",
            pages.iter().cycle().take(args.pages).cloned().collect(),
        )
    };
    let b = Workload {
        label: format!("(b) {} pages", args.pages),
        count: 1,
        bytes: make_long(0).raw.len(),
        make: &make_long,
    };

    let mut rows = Vec::new();
    // The peak after the first run (a fresh process) and after all runs (what the allocator
    // keeps from run to run adds to it).
    type Peaks = (Option<usize>, Option<usize>);
    let mut measure = |w: &Workload, jobs: usize| -> anyhow::Result<(Duration, Peaks)> {
        // One pool for all runs, as one batch keeps its workers: a new thread per run would get
        // a new allocator arena and the peak would grow with the number of runs.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .context("cannot start worker threads")?;
        let mut times = Vec::with_capacity(args.runs);
        let reset = reset_peak_memory();
        let mut first = None;
        for run in 0..args.runs {
            times.push(run_batch(&cleaner, w, &pool)?);
            if run == 0 && reset {
                first = peak_memory();
            }
        }
        let took = median(times);
        rows.push(Row {
            workload: w.label.clone(),
            docs: w.count,
            bytes: w.bytes,
            jobs,
            took,
        });
        Ok((took, (first, if reset { peak_memory() } else { None })))
    };
    let (a1, peak_a) = measure(&a, 1)?;
    let (a_n, _) = measure(&a, args.jobs)?;
    let (b1, peak_b) = measure(&b, 1)?;
    let (seed_bytes, long_bytes) = (a.bytes, b.bytes);

    println!(
        "rules and lexicons loaded in {:.3} s ({} lexicon words; once per batch)",
        load.as_secs_f64(),
        words
    );
    println!();
    println!("| workload | documents | MB | jobs | median s | MB/s | MB/s per core |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {:.2} | {} | {:.3} | {:.1} | {:.1} |",
            r.workload,
            r.docs,
            mb(r.bytes),
            r.jobs,
            r.took.as_secs_f64(),
            rate(r.bytes, r.took),
            rate(r.bytes, r.took) / r.jobs as f64
        );
    }
    println!();
    let per_mb = |took: Duration, bytes: usize| took.as_secs_f64() / mb(bytes);
    println!(
        "(b) per MB / (a) per MB: {:.2}x (target <= 1.2)",
        per_mb(b1, long_bytes) / per_mb(a1, seed_bytes)
    );
    println!(
        "{} jobs / 1 job on (a): {:.2}x faster (target >= 1.7 with 2 jobs)",
        args.jobs,
        a1.as_secs_f64() / a_n.as_secs_f64()
    );

    let ta = stage_times(&cleaner, &a)?;
    let tb = stage_times(&cleaner, &b)?;
    println!();
    println!("| stage (1 job) | (a) ms | (a) share | (a) MB/s | (b) ms | (b) share | (b) MB/s |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (stage, da) in &ta.stages {
        let db = tb.get(stage).unwrap_or_default();
        println!(
            "| {stage} | {:.1} | {:.1}% | {:.1} | {:.1} | {:.1}% | {:.1} |",
            da.as_secs_f64() * 1e3,
            100.0 * da.as_secs_f64() / ta.total().as_secs_f64().max(1e-9),
            rate(seed_bytes, *da),
            db.as_secs_f64() * 1e3,
            100.0 * db.as_secs_f64() / tb.total().as_secs_f64().max(1e-9),
            rate(long_bytes, db),
        );
    }

    println!();
    let show = |b: Option<usize>| b.map_or("unknown".to_string(), |b| format!("{:.1} MB", mb(b)));
    println!(
        "memory (VmHWM): at start {}, after loading rules {}; peak during (a) {} (first run {}), \
         during (b) {} (first run {})",
        show(baseline),
        show(after_load),
        show(peak_a.1),
        show(peak_a.0),
        show(peak_b.1),
        show(peak_b.0)
    );
    let largest = long_bytes.max(seed.len());
    println!(
        "largest document {:.1} MB; budget 64 MB + 4 x largest = {:.1} MB",
        mb(largest),
        64.0 + 4.0 * mb(largest)
    );
    Ok(Status::Ok)
}
