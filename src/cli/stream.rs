//! `ocrclean clean --jsonl -`: documents as JSON lines on standard input, results as JSON lines on
//! standard output, for engines that pipe (Spark's `RDD.pipe`, Hadoop streaming, GNU parallel).
//!
//! Input and output records are those of [`ocrclean::stream`]: `{"id", "text"}` or
//! `{"id", "pages"}` in; `{"id", "body", "notes", "changes"}` out, or `{"id", "error"}` for a line
//! that is not a document. Output lines come in input order. Documents are cleaned on `--jobs`
//! workers, with at most four documents per worker in flight (being cleaned, or cleaned and
//! waiting for an earlier one to be written): memory holds those, never the stream. Errors are also
//! printed on stderr with their input line, the stream goes on, and the run exits with 2 at the end.

use std::collections::VecDeque;
use std::io::{BufRead as _, BufWriter, Write as _};
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use anyhow::{Context as _, bail};
use ocrclean::Cleaner;
use ocrclean::stream::{self, InputError};
use serde_json::Value;

use super::{RunArgs, Status, settings};

/// Documents in flight per worker: enough that a slow document does not leave workers idle
/// while it holds up the output order.
const IN_FLIGHT_PER_WORKER: usize = 4;

/// One document's output line, and whether it is an error.
struct Outcome {
    line: Vec<u8>,
    error: Option<String>,
}

pub fn run(run: &RunArgs) -> anyhow::Result<Status> {
    if run.paths.len() != 1 || run.paths[0] != Path::new("-") {
        bail!("--jsonl reads standard input: give `-` as the only path");
    }
    let started = Instant::now();
    let cleaner = Arc::new(settings::cleaner(run)?);
    let workers = run.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .context("cannot start worker threads")?;
    let window = pool.current_num_threads() * IN_FLIGHT_PER_WORKER;
    let mut input = std::io::stdin().lock();
    let mut output = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut pending: VecDeque<mpsc::Receiver<Outcome>> = VecDeque::with_capacity(window);
    let (mut documents, mut errors) = (0usize, 0usize);
    let mut write_next = |pending: &mut VecDeque<mpsc::Receiver<Outcome>>| -> anyhow::Result<()> {
        let Some(next) = pending.pop_front() else {
            return Ok(());
        };
        // A worker always sends (a panic while cleaning is caught and sent as an error line).
        let outcome = next.recv().context("a worker stopped without an answer")?;
        documents += 1;
        if let Some(e) = outcome.error {
            errors += 1;
            eprintln!("error: {e}");
        }
        output
            .write_all(&outcome.line)
            .context("cannot write to standard output")
    };
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let read = input
            .read_until(b'\n', &mut bytes)
            .context("cannot read standard input")?;
        if read == 0 {
            break;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let line = std::mem::take(&mut bytes);
        let (sender, receiver) = mpsc::sync_channel(1);
        let cleaner = Arc::clone(&cleaner);
        pool.spawn(move || {
            let _ = sender.send(clean_line(&cleaner, number, line));
        });
        pending.push_back(receiver);
        while pending.len() >= window {
            write_next(&mut pending)?;
        }
    }
    while !pending.is_empty() {
        write_next(&mut pending)?;
    }
    output.flush().context("cannot write to standard output")?;
    if !run.quiet {
        eprintln!(
            "cleaned {} document(s) from standard input, {errors} error(s) in {:.2} s",
            documents - errors,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if errors == 0 {
        Status::Ok
    } else {
        Status::Error
    })
}

/// Cleans the document of input line `number` into its output line.
fn clean_line(cleaner: &Cleaner, number: usize, line: Vec<u8>) -> Outcome {
    let failed = |id: &Value, message: String| {
        let message = format!("stdin:{number}: {message}");
        let mut line = Vec::new();
        stream::write_error(id, &message, &mut line).expect("writing to memory never fails");
        Outcome {
            line,
            error: Some(message),
        }
    };
    let text = match String::from_utf8(line) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return failed(&Value::Null, format!("not valid UTF-8 at byte {at}"));
        }
    };
    let record = match stream::parse_input(&text) {
        Ok(record) => record,
        Err(InputError { id, message }) => return failed(&id, message),
    };
    drop(text);
    let doc = record
        .content
        .into_document(&stream::document_name(&record.id));
    let cleaned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cleaner.clean(&doc)));
    match cleaned {
        Ok(Ok(cleaned)) => {
            let mut line = Vec::with_capacity(cleaned.body.len() * 2);
            stream::write_output(&record.id, &cleaned, &mut line)
                .expect("writing to memory never fails");
            Outcome { line, error: None }
        }
        Ok(Err(e)) => failed(&record.id, e.to_string()),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            failed(
                &record.id,
                format!(
                    "internal error while cleaning (please report it with this input): {message}"
                ),
            )
        }
    }
}
