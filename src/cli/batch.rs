//! Running a batch: reading each input, cleaning it on a worker pool, handing each result to the
//! subcommand as soon as it is ready, and tallying what was done.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocrclean::input::{Discovery, Input};
use ocrclean::review::{Log, LogDigest};
use ocrclean::{Cleaned, Cleaner, DecodeError, Document, Encoding, EncodingChoice};
use rayon::prelude::*;

use super::RunArgs;
use super::spool::{Spool, SpoolWriter};

/// The documents of a run, and an error for each path that could not be used. A folder read as
/// one document of numbered pages is said on stderr, with the flag that reads it otherwise.
pub fn discover(run: &RunArgs) -> (Vec<Input>, Vec<anyhow::Error>) {
    let how = Discovery {
        collection: run.collection,
    };
    let found = ocrclean::input::discover(&run.paths, how);
    if !run.quiet {
        for dir in &found.read_as_pages {
            eprintln!(
                "{}: its files are numbered pages: cleaned as one document (--collection cleans each file as its own)",
                dir.display()
            );
        }
    }
    for warning in &found.warnings {
        eprintln!("warning: {warning}");
    }
    let errors = found.errors.into_iter().map(anyhow::Error::from).collect();
    (found.inputs, errors)
}

/// A cleaned document's change records: in [`Cleaned::changes`], or in a change log written to
/// disk as they were made ([`Spool`]), with their digest either way.
pub struct Records {
    pub digest: LogDigest,
    pub spool: Option<Spool>,
}

impl Records {
    /// The log as the renderers read it.
    pub fn log<'a>(&'a self, cleaned: &'a Cleaned) -> Log<'a> {
        Log {
            digest: &self.digest,
            records: match &self.spool {
                Some(spool) => spool,
                None => &cleaned.changes,
            },
        }
    }
}

/// One document's result.
pub type Outcome = anyhow::Result<(Document, Cleaned, Records)>;

/// Reads and cleans one input; with `spool`, its change records are written to that file as they
/// are made instead of kept. A panic inside the library (a bug) is caught and reported as this
/// document's error, so that the rest of the batch is still cleaned and written.
fn clean_one(
    cleaner: &Cleaner,
    input: &Input,
    encoding: EncodingChoice,
    spool: Option<PathBuf>,
) -> Outcome {
    let doc = input.read_in(encoding)?;
    let Some(path) = spool else {
        let cleaned = catch(input, || cleaner.clean(&doc))?;
        let cleaned = cleaned.map_err(|e| decode_error(input, &doc, &e))?;
        let digest = LogDigest::of(&cleaned.changes);
        return Ok((
            doc,
            cleaned,
            Records {
                digest,
                spool: None,
            },
        ));
    };
    let mut writer =
        SpoolWriter::create(&path).with_context(|| format!("{}: cannot create", path.display()))?;
    match catch(input, || cleaner.clean_into(&doc, &mut writer)) {
        Ok(Ok(cleaned)) => {
            let (digest, spool) = writer.finish().with_context(|| {
                format!("{}: cannot write the change log", input.path().display())
            })?;
            let spool = Some(spool);
            Ok((doc, cleaned, Records { digest, spool }))
        }
        Ok(Err(e)) => {
            writer.discard();
            Err(decode_error(input, &doc, &e))
        }
        Err(e) => {
            writer.discard();
            Err(e)
        }
    }
}

/// Runs `clean`, turning a panic into this document's error.
fn catch<T>(input: &Input, clean: impl FnOnce() -> T) -> anyhow::Result<T> {
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(clean));
    match cleaned {
        Ok(done) => Ok(done),
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

/// The decode error located in its file (the page file, for a page folder) and line.
fn decode_error(input: &Input, doc: &Document, e: &DecodeError) -> anyhow::Error {
    let line = doc.position(e.offset).line;
    let (file, offset) = input.locate(doc, e.offset);
    let likely = match e.likely {
        Some(Encoding::Windows1252) => {
            "; it reads as Windows-1252: --encoding windows-1252 or --encoding auto reads it".into()
        }
        Some(other) => format!(
            "; it looks like {} without a byte order mark, which is not read",
            other.label()
        ),
        None => String::new(),
    };
    anyhow::anyhow!(
        "{}:{line}: not valid UTF-8 at byte {offset} (skipped{likely}; --lossy decodes it with U+FFFD)",
        file.display()
    )
}

/// What a person should know of how a document was decoded: an encoding other than UTF-8, or
/// bytes replaced by `--lossy` and the encoding they more likely are in.
fn decoding_notes(input: &Input, doc: &Document, digest: &LogDigest) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(note) = &doc.encoding_note {
        notes.push(format!("{}: {note}", input.path().display()));
    }
    let (applied, flagged) = digest.of_rule(ocrclean::decode::LOSSY_RULE);
    let replaced = applied + flagged;
    if replaced > 0 {
        let likely = match ocrclean::decode::likely_encoding(&doc.raw) {
            Some(Encoding::Windows1252) => {
                "; the bytes read as Windows-1252 (--encoding windows-1252 or auto reads them as text)"
                    .to_string()
            }
            Some(other) => format!("; the bytes look like {}", other.label()),
            None => String::new(),
        };
        notes.push(format!(
            "{}: {replaced} invalid UTF-8 sequence(s) replaced with U+FFFD (--lossy){likely}",
            input.path().display()
        ));
    }
    notes
}

/// What a batch did, for the summary line.
#[derive(Debug, Default)]
pub struct Tally {
    documents: usize,
    pages: usize,
    bytes: usize,
    changes: usize,
    flagged: usize,
}

impl Tally {
    fn add(&mut self, doc: &Document, digest: &LogDigest) {
        self.documents += 1;
        // The text's pages, inferred where it has no form feeds (a 14-page article is not 1 page).
        self.pages += digest.page_starts(doc).len();
        self.bytes += doc.raw.len();
        self.changes += digest.len() - digest.counts().flagged;
        self.flagged += digest.reviews();
    }

    pub fn summary(&self, errors: usize, started: Instant) -> String {
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

/// What handling one document produced: its drifting outputs (`check`, `clean --diff`), its line
/// of the batch summary (`clean`), and errors.
#[derive(Default)]
pub struct Handled {
    pub drift: Vec<super::check::Drift>,
    pub summary: Option<super::summary::DocumentSummary>,
    pub errors: Vec<anyhow::Error>,
    /// Warnings for stderr (how a document was decoded).
    pub warnings: Vec<String>,
}

impl Handled {
    /// What `clean` and `check` record of every document: its summary line, or the error that
    /// stopped it; `then` adds what the command itself does with a cleaned document.
    pub fn summarised(
        input: &Input,
        outcome: Outcome,
        then: impl FnOnce(&Document, &Cleaned, &Records, &mut Handled),
    ) -> Handled {
        use super::summary::DocumentSummary;
        let mut result = Handled::default();
        let path = input.path().display().to_string();
        match outcome {
            Ok((doc, cleaned, records)) => {
                result.summary = Some(DocumentSummary::new(&path, &doc, &records.digest));
                then(&doc, &cleaned, &records, &mut result);
            }
            Err(e) => {
                result.summary = Some(DocumentSummary::failed(&input.name, &path, &e));
                result.errors.push(e);
            }
        }
        result
    }
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
/// With `spool`, a folder, each document's change records are written there as they are made
/// ([`Spool`]) instead of held in [`Cleaned::changes`].
pub fn clean_each<F>(
    run: &RunArgs,
    cleaner: &Cleaner,
    inputs: &[Input],
    spool: Option<&Path>,
    handle: F,
) -> anyhow::Result<(Tally, Vec<Handled>)>
where
    F: Fn(&Input, Outcome) -> Handled + Sync,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(super::settings::effective(run).jobs.0.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let started = Instant::now();
    let bar = progress_bar(run, inputs.len());
    let tally = Mutex::new(Tally::default());
    let handled: Mutex<Vec<(usize, Handled)>> = Mutex::new(Vec::new());
    pool.install(|| {
        inputs.par_iter().enumerate().for_each(|(i, input)| {
            let spool = spool.map(|dir| dir.join(format!("{i}.changes.jsonl")));
            let outcome = clean_one(cleaner, input, run.encoding, spool);
            let mut warnings = Vec::new();
            if let Ok((doc, _, records)) = &outcome {
                warnings = decoding_notes(input, doc, &records.digest);
                let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
                tally.add(doc, &records.digest);
                let rate = tally.bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-9);
                bar.set_message(format!(
                    "{:.1} MB, {rate:.1} MB/s",
                    tally.bytes as f64 / 1e6
                ));
            }
            let mut result = handle(input, outcome);
            warnings.append(&mut result.warnings);
            result.warnings = warnings;
            if !result.drift.is_empty()
                || result.summary.is_some()
                || !result.errors.is_empty()
                || !result.warnings.is_empty()
            {
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
