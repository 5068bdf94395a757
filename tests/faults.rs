//! The fault suite: a batch killed, or failing as on a full disk, at every step of writing and at
//! random moments; afterwards every document in the output folder is complete and restorable, or
//! visibly incomplete (no manifest), and a rerun completes.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::{ocrclean, root};

#[derive(serde::Deserialize)]
struct Manifest {
    files: Vec<ManifestFile>,
}

#[derive(serde::Deserialize)]
struct ManifestFile {
    name: String,
    bytes: u64,
    sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A batch of `n` documents: pages of the bundled Grenzboten text, some CRLF, of three sizes.
fn batch(n: usize) -> tempfile::TempDir {
    let page = fs::read(root().join("raw/grenzboten-1841-pages-3-6/179394.abbyy.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        fs::write(
            dir.path().join(format!("doc{i}.txt")),
            page.repeat(i % 3 + 1),
        )
        .unwrap();
    }
    dir
}

/// What the fault suite demands of an output folder: each document is complete (manifest there,
/// every file matching it, and the raw input restored from body and log) or has no manifest.
/// Returns how many are complete.
fn assert_complete_or_absent(input: &Path, out: &Path) -> usize {
    let mut complete = 0;
    for entry in fs::read_dir(input).unwrap() {
        let raw_path = entry.unwrap().path();
        let name = raw_path.file_stem().unwrap().to_string_lossy().into_owned();
        let Ok(text) = fs::read_to_string(out.join(format!("{name}.manifest.json"))) else {
            continue;
        };
        let manifest: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(
            manifest.files.len(),
            ocrclean::render::OUTPUT_SUFFIXES.len(),
            "{name}"
        );
        for file in &manifest.files {
            let bytes = fs::read(out.join(&file.name))
                .unwrap_or_else(|e| panic!("{name}: {} listed but unreadable: {e}", file.name));
            assert_eq!(bytes.len() as u64, file.bytes, "{}", file.name);
            assert_eq!(sha256(&bytes), file.sha256, "{} does not match", file.name);
        }
        let body = fs::read_to_string(out.join(format!("{name}.txt"))).unwrap();
        let log = fs::read_to_string(out.join(format!("{name}.changes.jsonl"))).unwrap();
        let (header, changes) = ocrclean::parse_log(&log).unwrap();
        let restored = ocrclean::restore_verified(&body, &header.unwrap(), &changes)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(restored == fs::read(&raw_path).unwrap(), "{name}");
        complete += 1;
    }
    complete
}

/// Nothing of a run is left behind once a run has finished: no lock, no temporary files.
fn assert_no_leftovers(out: &Path) {
    for entry in fs::read_dir(out).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "left behind: {name}");
    }
}

fn clean(input: &Path, out: &Path, failpoint: Option<&str>, extra: &[&str]) -> Command {
    let mut cmd = ocrclean();
    cmd.args(["clean", "-q", "--collection", "--jobs", "1"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra);
    if let Some(f) = failpoint {
        cmd.env("OCRCLEAN_FAILPOINT", f);
    }
    cmd
}

/// A rule switched off in the first run, so that re-cleaning changes every document's outputs.
const OLD_RUN: [&str; 2] = ["--disable", "dehyphenate.join"];

/// A copy of the files of `from` into a new temporary folder.
fn copy_of(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, to.path().join(path.file_name().unwrap())).unwrap();
    }
    to
}

/// Outputs of an older run (with a rule switched off, so that re-cleaning changes every file):
/// re-cleaning over them is the case that tore documents before.
fn older_outputs(input: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    clean(input, out.path(), None, &OLD_RUN).assert().success();
    out
}

#[test]
fn killed_at_every_step_of_writing_each_document_is_complete_or_absent() {
    let input = batch(2);
    let older = older_outputs(input.path());
    // Two documents, each four files and a manifest written and renamed: 20 steps.
    for step in 1..=21 {
        let out = copy_of(older.path());
        let killed = clean(
            input.path(),
            out.path(),
            Some(&format!("abort:{step}")),
            &[],
        )
        .assert()
        .get_output()
        .clone();
        assert_ne!(killed.status.code(), Some(2), "step {step}");
        // A torn document keeps the old files without a manifest, or has the new ones complete;
        // never a manifest over mixed files (an old body beside a new log).
        assert_complete_or_absent(input.path(), out.path());
        clean(input.path(), out.path(), None, &[])
            .assert()
            .success();
        assert_eq!(
            assert_complete_or_absent(input.path(), out.path()),
            2,
            "step {step}"
        );
        assert_no_leftovers(out.path());
    }
}

#[test]
fn a_full_disk_at_any_step_leaves_each_document_complete_or_absent() {
    let input = batch(2);
    let older = older_outputs(input.path());
    for step in 1..=21 {
        let out = copy_of(older.path());
        let failed = clean(
            input.path(),
            out.path(),
            Some(&format!("enospc:{step}")),
            &[],
        )
        .assert()
        .get_output()
        .clone();
        let stderr = String::from_utf8_lossy(&failed.stderr);
        if step <= 20 {
            assert_eq!(failed.status.code(), Some(2), "step {step}");
            assert!(stderr.contains("No space left on device"), "{stderr}");
        }
        assert_complete_or_absent(input.path(), out.path());
        // The failed run removed its temporary files and its lock.
        assert_no_leftovers(out.path());
        if step % 5 == 0 {
            clean(input.path(), out.path(), None, &[])
                .assert()
                .success();
            assert_eq!(assert_complete_or_absent(input.path(), out.path()), 2);
        }
    }
}

/// SIGKILL at random moments of a larger batch (the seed of the random delays is printed, so a
/// failure can be replayed with `OCRCLEAN_FAULT_SEED`).
#[test]
fn killed_at_random_moments_each_document_is_complete_or_absent() {
    let seed: u64 = std::env::var("OCRCLEAN_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("OCRCLEAN_FAULT_SEED={seed}");
    let mut state = seed | 1;
    let mut next = move || {
        // xorshift64: enough to spread the delays.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let input = batch(24);
    let bin = assert_cmd::cargo::cargo_bin("ocrclean");
    // How long a whole run takes here, to spread the kills over it.
    let out = tempfile::tempdir().unwrap();
    let started = Instant::now();
    clean(input.path(), out.path(), None, &OLD_RUN)
        .assert()
        .success();
    let whole = started.elapsed().as_millis().max(50) as u64;
    for _ in 0..6 {
        let delay = Duration::from_millis(next() % whole);
        let mut child = std::process::Command::new(&bin)
            .args(["clean", "-q", "--collection", "--jobs", "2"])
            .arg(input.path())
            .arg("--out")
            .arg(out.path())
            .current_dir(root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL, as `kill -9`.
        let _ = child.kill();
        let _ = child.wait();
        assert_complete_or_absent(input.path(), out.path());
    }
    clean(input.path(), out.path(), None, &[])
        .assert()
        .success();
    assert_eq!(assert_complete_or_absent(input.path(), out.path()), 24);
    assert_no_leftovers(out.path());
}
