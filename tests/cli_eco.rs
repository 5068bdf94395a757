//! The command line as a new user, a CI maintainer and a data engineer meet it (issue 15): bundled
//! rules from any folder, `--rules` layers, `ocrclean.toml`, the review outputs and summary, check
//! output formats, `clean --diff`, colour, completions and man page, standard input.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use common::root;
use predicates::prelude::*;

const SEED: &str = "lukin-russias-korea-policy";

/// The binary, run in `dir`, with no config file from the surroundings and no colour variables.
fn ocrclean_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ocrclean").unwrap();
    cmd.current_dir(dir).env_remove("NO_COLOR");
    cmd
}

/// A temporary folder outside the repository with a copy of the seed article as `seed.txt`.
fn outside_with_seed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join(format!("raw/{SEED}.txt")),
        dir.path().join("seed.txt"),
    )
    .unwrap();
    dir
}

fn committed(suffix: &str) -> String {
    fs::read_to_string(root().join(format!("cleaned/{SEED}{suffix}"))).unwrap()
}

#[test]
fn outside_the_repository_the_bundled_rules_give_the_same_output() {
    let dir = outside_with_seed();
    ocrclean_in(dir.path())
        .args(["clean", "seed.txt", "--out", "out", "--quiet"])
        .assert()
        .success();
    let body = fs::read_to_string(dir.path().join("out/seed.txt")).unwrap();
    assert_eq!(body, committed(".txt"));
    let log = fs::read_to_string(dir.path().join("out/seed.changes.jsonl")).unwrap();
    assert_eq!(log, committed(".changes.jsonl"));
}

#[test]
fn a_missing_rules_folder_is_an_error_not_an_empty_rule_set() {
    let dir = outside_with_seed();
    for command in [
        &["clean", "seed.txt"][..],
        &["check", "seed.txt"],
        &["rules", "list"],
    ] {
        ocrclean_in(dir.path())
            .args(command)
            .args(["--rules", "nosuchdir"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--rules nosuchdir: no such folder",
            ));
    }
}

#[test]
fn a_rules_folder_replaces_bundled_files_by_name_and_rules_list_says_where_each_comes_from() {
    let dir = outside_with_seed();
    let mine = dir.path().join("mine");
    fs::create_dir_all(&mine).unwrap();
    // An empty spacing.toml switches the bundled spacing rules off; a new file adds a rule.
    fs::write(mine.join("spacing.toml"), "").unwrap();
    fs::write(
        mine.join("extra.toml"),
        r#"
[[rule]]
id = "ye-the"
description = "test rule"
kind = "regex"
pattern = '\bye\b'
replacement = 'the'
examples = [{ input = "ye cat", output = "the cat" }, { input = "yes", output = "yes" }]
"#,
    )
    .unwrap();
    let list = ocrclean_in(dir.path())
        .args(["rules", "list", "--rules", "mine"])
        .assert()
        .success();
    let out = String::from_utf8(list.get_output().stdout.clone()).unwrap();
    assert!(!out.contains("collapse-spaces"), "{out}");
    assert!(
        out.contains("ye-the\t[substitute, mine/extra.toml:2"),
        "{out}"
    );
    assert!(
        out.contains("domino-url-command\t[substitute, bundled urls.toml:"),
        "{out}"
    );
    assert!(
        out.contains("lexicon/en.tsv\t[data, bundled lexicon/en.tsv]"),
        "{out}"
    );
}

#[test]
fn rules_test_with_no_examples_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::write(mine.join("spacing.toml"), "").unwrap();
    fs::write(mine.join("urls.toml"), "").unwrap();
    // The regex rules are emptied, but the bundled hyphenation files' examples still run (they
    // are rule data with examples like any other).
    ocrclean_in(dir.path())
        .args(["rules", "test", "--rules", "mine"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok hyphenation/en example 1"))
        .stdout(predicate::str::contains("ok collapse-spaces").not());
    ocrclean_in(dir.path())
        .args(["rules", "test", "--no-bundled-rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule examples were run"));
}

#[test]
fn the_config_file_is_found_upward_flags_win_and_unknown_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("a/b");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        dir.path().join("ocrclean.toml"),
        "# settings\nmin-confidence = 0.7\nlang = \"en\"\n",
    )
    .unwrap();
    let shown = ocrclean_in(&sub).arg("config").assert().success();
    let out = String::from_utf8(shown.get_output().stdout.clone()).unwrap();
    assert!(out.contains("min-confidence = 0.7  # "), "{out}");
    assert!(out.contains("ocrclean.toml:2"), "{out}");
    assert!(out.contains("lang = \"en\"  # "), "{out}");
    assert!(out.contains("lossy = false  # default"), "{out}");
    ocrclean_in(&sub)
        .args(["config", "--min-confidence", "0.8"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "min-confidence = 0.8  # command line",
        ));
    fs::write(
        dir.path().join("ocrclean.toml"),
        "lang = \"en\"\nlnag = \"de\"\n",
    )
    .unwrap();
    ocrclean_in(&sub)
        .arg("config")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "ocrclean.toml:2: unknown field `lnag`",
        ));
}

#[test]
fn the_config_file_sets_rules_out_and_disabled_rules() {
    let dir = outside_with_seed();
    fs::write(
        dir.path().join("ocrclean.toml"),
        "out = \"done\"\ndisable = [\"no-such-rule\"]\n",
    )
    .unwrap();
    ocrclean_in(dir.path())
        .args(["clean", "seed.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no-such-rule: no such rule (disabled on the ",
        ))
        .stderr(predicate::str::contains("ocrclean.toml:2;"));
    fs::write(
        dir.path().join("ocrclean.toml"),
        "out = \"done\"\ndisable = [\"reflow.join-lines\"]\n",
    )
    .unwrap();
    ocrclean_in(dir.path())
        .args(["clean", "seed.txt", "--quiet"])
        .assert()
        .success();
    let log = fs::read_to_string(dir.path().join("done/seed.changes.jsonl")).unwrap();
    assert!(!log.contains("reflow.join-lines"));
}

#[test]
fn clean_writes_review_pages_an_index_and_a_summary() {
    let dir = outside_with_seed();
    fs::create_dir(dir.path().join("in")).unwrap();
    fs::rename(dir.path().join("seed.txt"), dir.path().join("in/seed.txt")).unwrap();
    fs::write(dir.path().join("in/broken.txt"), b"ab\xffcd\n").unwrap();
    ocrclean_in(dir.path())
        .args(["clean", "in", "--out", "out", "--quiet"])
        .assert()
        .code(2);
    let out = dir.path().join("out");
    let page = fs::read_to_string(out.join("seed.report.html")).unwrap();
    let log = fs::read_to_string(out.join("seed.changes.jsonl")).unwrap();
    assert_eq!(
        page.matches("<mark class=\"chg ").count(),
        log.lines().filter(|l| l.contains("\"rule\":")).count()
    );
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"seed.report.html\""));
    assert!(index.contains("not valid UTF-8"));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["documents"], 2);
    assert_eq!(summary["cleaned"], 1);
    assert_eq!(summary["errors"], 1);
    assert_eq!(summary["pages"], 15, "the seed's inferred pages");
    assert!(summary["changes_per_rule"]["reflow.join-lines"]["applied"].as_u64() > Some(300));
    assert_eq!(summary["per_document"][0]["name"], "broken");
    // Without HTML: no review pages.
    ocrclean_in(dir.path())
        .args([
            "clean",
            "in/seed.txt",
            "--out",
            "plain",
            "--quiet",
            "--no-html",
        ])
        .assert()
        .success();
    assert!(!dir.path().join("plain/seed.report.html").exists());
    assert!(dir.path().join("plain/summary.json").exists());
}

/// A copy of the committed outputs with one word of the seed's body changed.
fn drifted_copy() -> tempfile::TempDir {
    let against = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join("cleaned")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, against.path().join(path.file_name().unwrap())).unwrap();
    }
    let body = against.path().join(format!("{SEED}.txt"));
    let text = fs::read_to_string(&body)
        .unwrap()
        .replacen("Abstract", "Abstrakt", 1);
    fs::write(&body, text).unwrap();
    against
}

#[test]
fn check_annotates_the_raw_file_and_line_for_github() {
    let against = drifted_copy();
    let run = ocrclean_in(root())
        .args(["check", "--output-format", "github", "--against"])
        .arg(against.path())
        .assert()
        .code(1);
    let out = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    let annotation = out
        .lines()
        .find(|l| l.starts_with("::error file="))
        .unwrap_or_else(|| panic!("{out}"));
    // `Abstract` is on line 3 of the raw seed; the annotation points there, not at the output.
    let line = fs::read_to_string(root().join(format!("raw/{SEED}.txt")))
        .unwrap()
        .lines()
        .position(|l| l.contains("Abstract"))
        .unwrap()
        + 1;
    assert!(
        annotation.starts_with(&format!("::error file=raw/{SEED}.txt,line={line},")),
        "{annotation}"
    );
    assert!(annotation.contains("%0A-Abstrakt"), "{annotation}");
}

#[test]
fn check_prints_json_and_caps_diffs() {
    let against = drifted_copy();
    let run = ocrclean_in(root())
        .args(["check", "--output-format", "json", "--quiet", "--against"])
        .arg(against.path())
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    assert_eq!(json["status"], "drift");
    assert_eq!(json["drift"][0]["kind"], "differs");
    assert_eq!(json["drift"][0]["input"], format!("raw/{SEED}.txt"));
    ocrclean_in(root())
        .args(["check", "--max-diff-lines", "3", "--against"])
        .arg(against.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "more diff line(s) not shown (--max-diff-lines)",
        ))
        .stdout(predicate::str::contains("-Abstrakt").not());
}

#[test]
fn check_against_a_missing_folder_is_an_error() {
    ocrclean_in(root())
        .args(["check", "--against", "no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--against no-such-folder: no such folder",
        ));
}

#[test]
fn check_compares_the_batch_summary_when_whole_collections_are_checked() {
    let against = drifted_copy();
    let summary = against.path().join("summary.json");
    let text =
        fs::read_to_string(&summary)
            .unwrap()
            .replacen("\"documents\": 2", "\"documents\": 3", 1);
    fs::write(&summary, text).unwrap();
    ocrclean_in(root())
        .args(["check", "--quiet", "--output-format", "github", "--against"])
        .arg(against.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("summary.json drifts"))
        .stdout(predicate::str::contains("-  \"documents\": 3,"));
}

#[test]
fn clean_diff_shows_and_writes_nothing() {
    let against = drifted_copy();
    let before = fs::read_to_string(against.path().join(format!("{SEED}.txt"))).unwrap();
    ocrclean_in(root())
        .args(["clean", "--diff", "--out"])
        .arg(against.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("-Abstrakt\n+Abstract"));
    let after = fs::read_to_string(against.path().join(format!("{SEED}.txt"))).unwrap();
    assert_eq!(before, after);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let against = drifted_copy();
    let diff = |color: &str, no_color: Option<&str>| {
        let mut cmd = ocrclean_in(root());
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let run = cmd
            .args(["check", "--quiet", "--color", color, "--against"])
            .arg(against.path())
            .assert()
            .code(1);
        String::from_utf8(run.get_output().stdout.clone()).unwrap()
    };
    assert!(diff("always", None).contains("\x1b[31m-Abstrakt\x1b[0m"));
    assert!(!diff("never", None).contains('\x1b'));
    // Not a terminal: auto never colours; NO_COLOR does not stop an explicit `always`.
    assert!(!diff("auto", None).contains('\x1b'));
    assert!(diff("always", Some("1")).contains('\x1b'));
}

#[test]
fn completions_and_man_page_are_generated() {
    ocrclean_in(root())
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_ocrclean()"));
    ocrclean_in(root())
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef ocrclean"));
    ocrclean_in(root())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH ocrclean"));
}

#[test]
fn a_dash_reads_standard_input_and_writes_the_body_to_standard_output() {
    let raw = fs::read(root().join(format!("raw/{SEED}.txt"))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    ocrclean_in(dir.path())
        .args(["clean", "-"])
        .write_stdin(raw)
        .assert()
        .success()
        .stdout(committed(".txt"));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
    ocrclean_in(dir.path())
        .args(["clean", "-"])
        .write_stdin(b"ab\xffcd\n".to_vec())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-:1: not valid UTF-8 at byte 2"));
}

#[test]
fn the_readme_names_every_command_and_option_of_the_help() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let commands: [&[&str]; 11] = [
        &[],
        &["clean"],
        &["check"],
        &["rules", "list"],
        &["rules", "test"],
        &["config"],
        &["eval"],
        &["restore"],
        &["bench"],
        &["completions"],
        &["man"],
    ];
    let option = regex::Regex::new(r"(?m)^\s+(?:-\w, )?(--[a-z][a-z-]+)").unwrap();
    let mut missing = Vec::new();
    for command in commands {
        if !command.is_empty() {
            let name = format!("ocrclean {}", command.join(" "));
            if !readme.contains(&name) {
                missing.push(name);
            }
        }
        let run = ocrclean_in(root())
            .args(command)
            .arg("--help")
            .assert()
            .success();
        let help = String::from_utf8(run.get_output().stdout.clone()).unwrap();
        for caps in option.captures_iter(&help) {
            let flag = &caps[1];
            if !["--help", "--version"].contains(&flag) && !readme.contains(flag) {
                missing.push(format!("{} {flag}", command.join(" ")));
            }
        }
    }
    assert!(missing.is_empty(), "not in README.md: {missing:?}");
}
