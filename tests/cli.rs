//! The command line, driven as a user drives it: every command and every exit code.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{clean_into, copy_dir, folder, ocrclean, root};
use predicates::prelude::*;

#[test]
fn help_is_there_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["clean", "--help"],
        vec!["check", "--help"],
        vec!["rules", "--help"],
        vec!["rules", "list", "--help"],
        vec!["rules", "test", "--help"],
        vec!["restore", "--help"],
        vec!["bench", "--help"],
    ] {
        ocrclean()
            .args(&args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage:"));
    }
}

#[test]
fn clean_writes_five_files_and_a_manifest_per_document_matching_the_committed_outputs() {
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let committed = root().join("cleaned");
    let mut written: Vec<PathBuf> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    written.sort();
    assert_eq!(
        written.len(),
        14,
        "two documents, five files and a manifest each, a summary and an index, no lock or temporary file: {written:?}"
    );
    for file in written {
        let name = file.file_name().unwrap();
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            fs::read_to_string(committed.join(name)).unwrap(),
            "{} differs from cleaned/; run `cargo run --release -- clean`",
            name.to_string_lossy()
        );
    }
}

#[test]
fn check_passes_on_the_committed_outputs() {
    ocrclean().arg("check").assert().code(0);
}

#[test]
fn check_reports_drift_with_a_diff_and_exit_1() {
    let against = tempfile::tempdir().unwrap();
    copy_dir(&root().join("cleaned"), against.path());
    let body = against.path().join("lukin-russias-korea-policy.txt");
    let text = fs::read_to_string(&body)
        .unwrap()
        .replacen("Abstract", "Abstrakt", 1);
    fs::write(&body, text).unwrap();
    ocrclean()
        .args(["check", "--against"])
        .arg(against.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-Abstrakt\n+Abstract"))
        .stdout(predicate::str::contains("(committed)"))
        .stdout(predicate::str::contains("drift: 1 file(s) differ"));
}

#[test]
fn check_reports_missing_and_stale_outputs() {
    let against = tempfile::tempdir().unwrap();
    copy_dir(&root().join("cleaned"), against.path());
    fs::remove_file(against.path().join("lukin-russias-korea-policy.report.md")).unwrap();
    fs::write(against.path().join("gone.txt"), "old\n").unwrap();
    ocrclean()
        .args(["check", "--against"])
        .arg(against.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "lukin-russias-korea-policy.report.md: missing",
        ))
        .stdout(predicate::str::contains("gone.txt: stale"));
}

#[test]
fn a_file_that_is_not_utf8_is_skipped_with_its_path_and_offset() {
    let input = folder(&[
        ("bad.txt", b"good line\nbad \xff byte\n"),
        ("good.txt", b"Fine text.\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.txt:2: not valid UTF-8 at byte 14",
        ));
    assert_eq!(
        fs::read_to_string(out.path().join("good.txt")).unwrap(),
        "Fine text.\n"
    );
    assert!(!out.path().join("bad.txt").exists());
}

#[test]
fn lossy_decoding_records_each_replacement() {
    let input = folder(&[("bad.txt", b"bad \xff byte\n")]);
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .arg("clean")
        .arg(input.path())
        .args(["--lossy", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.path().join("bad.txt")).unwrap(),
        "bad \u{FFFD} byte\n"
    );
    let log = fs::read_to_string(out.path().join("bad.changes.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(log.lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["rule"], "decode.invalid-utf8");
    assert_eq!(first["raw"]["start"], 4);
    assert_eq!(first["raw"]["end"], 5);
}

#[test]
fn an_empty_file_gives_empty_outputs() {
    let input = folder(&[("empty.txt", b"")]);
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path()).assert().success();
    for suffix in [".txt", ".notes.txt"] {
        assert_eq!(
            fs::read_to_string(out.path().join(format!("empty{suffix}"))).unwrap(),
            ""
        );
    }
    // The change log holds only its header: the hash of zero bytes.
    let log = fs::read_to_string(out.path().join("empty.changes.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1);
    assert!(log.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    let report = fs::read_to_string(out.path().join("empty.report.md")).unwrap();
    assert!(report.contains("No changes."), "{report}");
}

#[test]
fn page_folders_are_read_in_natural_order() {
    let input = folder(&[
        ("book/10.txt", b"Ten.\n"),
        ("book/2.txt", b"Two.\n"),
        ("book/1.txt", b"One.\n"),
        ("book/notes.md", b"not a page\n"),
    ]);
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path()).assert().success();
    assert_eq!(
        fs::read_to_string(out.path().join("book.txt")).unwrap(),
        "One.\n\nTwo.\n\nTen.\n"
    );
    let report = fs::read_to_string(out.path().join("book.report.md")).unwrap();
    assert!(
        report.contains("page files, in page order: 1.txt, 2.txt, 10.txt"),
        "{report}"
    );
}

#[test]
fn a_folder_without_pages_is_an_error_and_the_batch_goes_on() {
    let input = folder(&[("empty-book/readme.md", b"x"), ("a.txt", b"A.\n")]);
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "empty-book: page folder holds no page files",
        ));
    assert!(out.path().join("a.txt").exists());
}

#[test]
fn out_equal_to_an_input_folder_is_refused() {
    let input = folder(&[("a.txt", b"A.\n")]);
    clean_into(input.path(), input.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("raw inputs are never written"));
    let names: Vec<_> = fs::read_dir(input.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing was written beside the input");
}

#[test]
fn an_output_that_would_overwrite_an_input_file_is_refused() {
    let input = folder(&[("a.txt", b"A.\n")]);
    clean_into(input.path().join("a.txt"), input.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("would overwrite the input"));
    assert_eq!(
        fs::read_to_string(input.path().join("a.txt")).unwrap(),
        "A.\n"
    );
}

#[test]
fn a_missing_input_is_an_error() {
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "no-such-input.txt", "--out"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no-such-input.txt: no such file or folder",
        ));
}

#[test]
fn rules_list_names_built_in_and_data_rules() {
    ocrclean()
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("normalise.crlf"))
        .stdout(predicate::str::contains(
            "space-before-punctuation\t[substitute, bundled spacing.toml:",
        ));
}

/// Every registered built-in rule, the decoder's and the notes stage's included, is listed and
/// can be switched off.
#[test]
fn every_built_in_rule_is_listed_and_can_be_disabled() {
    let listed = ocrclean().args(["rules", "list"]).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    let registry = ocrclean::pipeline::registry(&ocrclean::pipeline::passes());
    let input = folder(&[("a.txt", b"A line\nwrapped.\n")]);
    let out = tempfile::tempdir().unwrap();
    let mut cmd = ocrclean();
    cmd.arg("clean")
        .arg(input.path())
        .arg("--out")
        .arg(out.path());
    for (stage, rule) in &registry {
        assert!(
            listed.contains(&format!("{}\t[{stage}, built-in]", rule.id)),
            "{} missing from rules list",
            rule.id
        );
        cmd.args(["--disable", rule.id]);
    }
    for id in ["decode.invalid-utf8", "notes.one-paragraph"] {
        assert!(registry.iter().any(|(_, r)| r.id == id), "{id}");
    }
    cmd.assert().success();
    // With every built-in rule off, the wrapped line stays as it was.
    assert_eq!(
        fs::read_to_string(out.path().join("a.txt")).unwrap(),
        "A line\nwrapped.\n"
    );
}

#[test]
fn rules_test_runs_every_example() {
    ocrclean()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok collapse-spaces example 1"))
        .stdout(predicate::str::contains("ok hyphenation/en example 1"))
        .stdout(predicate::str::contains("ok hyphenation/de example 1"))
        .stdout(predicate::str::contains(" passed, 0 failed"));
}

/// Hyphenation examples are checked when the rules load, like a data rule's: a failing one names
/// its file and line, and nothing is cleaned.
#[test]
fn a_failing_hyphenation_example_stops_the_run() {
    let rules = folder(&[(
        "hyphenation/en.toml",
        b"keep_prefixes = [\"non\"]\nexamples = [\n  { input = \"non-\\ninterference\", output = \"noninterference\" },\n]\n",
    )]);
    ocrclean()
        .args(["rules", "test", "--rules"])
        .arg(rules.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("en.toml:3: rule `example-1`"));
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--rules"])
        .arg(rules.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2);
}

const FAILING_RULE: &str = r#"
[[rule]]
id = "always-wrong"
description = "an example that fails"
kind = "regex"
pattern = 'a'
replacement = 'b'
examples = [
  { input = "a", output = "c" },
  { input = "x", output = "x" },
]
"#;

#[test]
fn a_failing_example_names_file_line_and_rule_and_stops_cleaning() {
    let rules = folder(&[("bad.toml", FAILING_RULE.as_bytes())]);
    ocrclean()
        .args(["rules", "test", "--rules"])
        .arg(rules.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "bad.toml:2: rule `always-wrong`: example 1 fails",
        ));
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--rules"])
        .arg(rules.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rule `always-wrong`"));
    ocrclean()
        .args(["check", "--rules"])
        .arg(rules.path())
        .assert()
        .code(2);
}

#[test]
fn a_rule_can_be_switched_off_and_unknown_rules_are_refused() {
    let input = folder(&[("a.txt", b"one  two\n")]);
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .arg("clean")
        .arg(input.path())
        .args(["--disable", "collapse-spaces", "--out"])
        .arg(out.path())
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.path().join("a.txt")).unwrap(),
        "one  two\n"
    );
    ocrclean()
        .arg("clean")
        .arg(input.path())
        .args(["--disable", "no-such-rule", "--out"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-rule: no such rule"));
}

#[test]
fn outputs_are_identical_for_one_job_and_many() {
    let one = tempfile::tempdir().unwrap();
    let many = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--jobs", "1", "--out"])
        .arg(one.path())
        .assert()
        .success();
    ocrclean()
        .args(["clean", "--jobs", "4", "--out"])
        .arg(many.path())
        .assert()
        .success();
    for entry in fs::read_dir(one.path()).unwrap() {
        let path = entry.unwrap().path();
        let other = many.path().join(path.file_name().unwrap());
        assert_eq!(fs::read(&path).unwrap(), fs::read(&other).unwrap());
    }
}

/// A batch of many documents, one of them broken, as serial and parallel runs see it.
fn mixed_batch() -> tempfile::TempDir {
    let page = fs::read(root().join("raw/grenzboten-1841-pages-3-6/179394.abbyy.txt")).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = (0..12)
        .map(|i| (format!("doc{i}.txt"), page.repeat(i % 3 + 1)))
        .collect();
    files.push(("broken.txt".into(), b"ok\xff".to_vec()));
    files.push(("pages/2.txt".into(), page.clone()));
    files.push(("pages/1.txt".into(), page));
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// stderr without the run time, which differs between runs.
fn without_time(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr).into_owned();
    text.lines()
        .map(|l| l.rsplit_once(" in ").map_or(l, |(head, _)| head))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_parallel_batch_writes_what_a_serial_one_does_and_says_the_same() {
    let input = mixed_batch();
    let mut runs = Vec::new();
    for jobs in ["1", "3"] {
        let out = tempfile::tempdir().unwrap();
        let output = ocrclean()
            .args(["clean", "--jobs", jobs, "--out"])
            .arg(out.path())
            .arg(input.path())
            .assert()
            .code(2)
            .get_output()
            .clone();
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(out.path())
            .unwrap()
            .map(|e| {
                let path = e.unwrap().path();
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    fs::read(&path).unwrap(),
                )
            })
            .collect();
        files.sort();
        runs.push((files, without_time(&output.stderr)));
    }
    // 13 documents cleaned, five files and a manifest each; the broken one is an error and
    // written nowhere but in the summary and index.
    assert_eq!(runs[0].0.len(), 13 * 6 + 2);
    assert_eq!(runs[0], runs[1]);
    let stderr = &runs[0].1;
    assert!(
        stderr.contains("broken.txt:1: not valid UTF-8 at byte 2"),
        "{stderr}"
    );
    // No progress bar when stderr is not a terminal: the error and the summary line only.
    let last = stderr.lines().last().unwrap();
    assert!(
        last.starts_with("cleaned 13 document(s), 14 page(s), ") && last.contains(", 1 error(s)"),
        "{last}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
}

#[test]
fn quiet_prints_only_errors() {
    let input = mixed_batch();
    let out = tempfile::tempdir().unwrap();
    let output = ocrclean()
        .args(["clean", "--quiet", "--out"])
        .arg(out.path())
        .arg(input.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn restore_rebuilds_the_raw_input_from_the_outputs() {
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--lossy", "--quiet", "--out"])
        .arg(out.path())
        .arg("raw")
        .arg(mixed_batch().path().join("broken.txt"))
        .assert()
        .success();
    let seed = fs::read_dir(root().join("raw"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    let stem = seed.file_stem().unwrap().to_string_lossy().into_owned();
    ocrclean()
        .arg("restore")
        .arg(out.path().join(format!("{stem}.changes.jsonl")))
        .assert()
        .success()
        .stdout(fs::read(&seed).unwrap());
    // The invalid byte comes back; -o writes a file.
    let restored = out.path().join("broken.raw");
    ocrclean()
        .arg("restore")
        .arg(out.path().join("broken.changes.jsonl"))
        .arg("-o")
        .arg(&restored)
        .assert()
        .success();
    assert_eq!(fs::read(&restored).unwrap(), b"ok\xff");
    // A body that does not fit its log is an error, not a wrong input.
    fs::write(out.path().join("broken.txt"), "edited\n").unwrap();
    ocrclean()
        .arg("restore")
        .arg(out.path().join("broken.changes.jsonl"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("do not give the raw input back"))
        .stderr(predicate::str::contains("broken.txt (changed)"));
    ocrclean()
        .args(["restore", "no-log.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NAME.changes.jsonl"));
}

#[test]
fn bench_prints_its_tables() {
    ocrclean()
        .args([
            "bench",
            "--page-folder",
            "raw/grenzboten-1841-pages-3-6",
            "--docs",
            "2",
            "--pages",
            "3",
            "--runs",
            "1",
            "--seed",
        ])
        .arg(mixed_batch().path().join("doc0.txt"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("| (a) seed x2 | 2 |")
                .and(predicate::str::contains("| (b) 3 pages | 1 |"))
                .and(predicate::str::contains("| dehyphenate |"))
                .and(predicate::str::contains("| render |"))
                .and(predicate::str::contains("memory (VmHWM)")),
        );
}

#[test]
fn a_folder_of_numbered_pages_named_directly_is_one_document() {
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "raw/grenzboten-1841-pages-3-6", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "numbered pages: cleaned as one document",
        ));
    // The same document, with the same outputs, as when the folder is read inside raw/.
    for suffix in [".txt", ".notes.txt", ".changes.jsonl"] {
        let name = format!("grenzboten-1841-pages-3-6{suffix}");
        assert_eq!(
            fs::read(out.path().join(&name)).unwrap(),
            fs::read(root().join("cleaned").join(&name)).unwrap(),
            "{name}"
        );
    }
    // --collection reads each page file as its own document.
    let each = tempfile::tempdir().unwrap();
    ocrclean()
        .args([
            "clean",
            "raw/grenzboten-1841-pages-3-6",
            "--collection",
            "--out",
        ])
        .arg(each.path())
        .assert()
        .success();
    assert!(each.path().join("179394.abbyy.txt").exists());
    assert!(!each.path().join("grenzboten-1841-pages-3-6.txt").exists());
}
