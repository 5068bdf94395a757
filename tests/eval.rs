//! `ocrclean eval` on tiny hand-made corpora in the three layouts, whose figures are computed by
//! hand in the comments, and a smoke run on the dev corpora when they are there.
//!
//! Every case runs with a rules folder of two regex rules: `helps` (`tbe` → `the`, always right on
//! these texts) and `hurts` (`cat` → `cot`, always wrong).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use ocrclean::eval::{self, Layout, RuleTally, Sample, Score, Summary};
use ocrclean::{Cleaner, Config, Document, RuleSet};
use predicates::prelude::*;

const RULES: &str = r#"
[[rule]]
id = "helps"
description = "A rule that is always right here."
kind = "regex"
pattern = '\btbe\b'
replacement = 'the'
examples = [
  { input = "tbe end", output = "the end" },
  { input = "tbet", output = "tbet" },
]

[[rule]]
id = "hurts"
description = "A rule that is always wrong here."
kind = "regex"
pattern = '\bcat\b'
replacement = 'cot'
examples = [
  { input = "a cat", output = "a cot" },
  { input = "cats", output = "cats" },
]
"#;

/// A temporary folder holding `files` (path → contents).
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

fn cleaner(rules: &Path) -> Cleaner {
    let (rules, errors) = RuleSet::load_dir(rules);
    assert!(errors.is_empty(), "{errors:?}");
    Cleaner::new(rules, Config::default())
}

fn score(char_errors: usize, truth_chars: usize, word_errors: usize, truth_words: usize) -> Score {
    Score {
        char_errors,
        truth_chars,
        word_errors,
        truth_words,
    }
}

fn tally(changes: usize, confirmed: usize, contradicted: usize, neutral: usize) -> RuleTally {
    RuleTally {
        changes,
        confirmed,
        contradicted,
        neutral,
    }
}

/// Grenzboten-style pages: `N.abbyy.txt` raw pages, `N.gt.txt` truth pages with a page number as
/// their first line.
fn grenzboten_style() -> tempfile::TempDir {
    folder(&[
        ("rules/test.toml", RULES),
        ("abbyy-txt/1.abbyy.txt", "tbe cat sat\n"),
        ("abbyy-txt/2.abbyy.txt", "on tbe mat.\n"),
        ("gt/1.gt.txt", "1\nthe cat sat\n"),
        ("gt/2.gt.txt", "2\non the mat.\n"),
    ])
}

#[test]
fn grenzboten_style_pages_by_hand() {
    let dir = grenzboten_style();
    let doc = Document::from_pages(
        "abbyy-txt",
        vec![
            ("1.abbyy.txt".into(), b"tbe cat sat\n".to_vec()),
            ("2.abbyy.txt".into(), b"on tbe mat.\n".to_vec()),
        ],
    );
    let sample = Sample {
        document: doc,
        truth: vec!["1\nthe cat sat\n".into(), "2\non the mat.\n".into()],
        peer: None,
        layout: Layout::Pages,
    };
    let result = eval::evaluate(&cleaner(&dir.path().join("rules")), &sample).unwrap();
    // Truth without its page numbers: "the cat sat on the mat." = 18 letters + 5 spaces = 23
    // characters, 6 words.
    // Raw "tbe cat sat on tbe mat.": two words with one wrong letter each.
    assert_eq!(result.raw, score(2, 23, 2, 6));
    // Cleaned "the cot sat on the mat.": `helps` fixed both, `hurts` broke one.
    assert_eq!(result.cleaned, score(1, 23, 1, 6));
    assert_eq!(result.peer, None);
    assert!(!result.notes_compared);
    // The page break that cut the sentence became a space: whitespace to whitespace, neutral.
    let expected = [
        ("helps", tally(2, 2, 0, 0)),
        ("hurts", tally(1, 0, 1, 0)),
        ("reflow.join-across-page", tally(1, 0, 0, 1)),
    ]
    .map(|(r, t)| (r.to_string(), t))
    .into();
    assert_eq!(result.rules, expected);
    let summary = Summary::new(&[result]);
    assert_eq!(summary.rules["helps"].precision(), Some(1.0));
    assert_eq!(summary.rules["hurts"].precision(), Some(0.0));
    assert_eq!(summary.rules["reflow.join-across-page"].precision(), None);
}

#[test]
fn mibio_style_pages_by_hand() {
    // MiBio-style: `ocr/NNN.txt` and `gt/NNN.txt`, line-aligned, line-end hyphens kept on both
    // sides. The truth writes "south-east" inside a line, so its "south-" + "east" keeps the
    // hyphen, and "creden-" + "tials" is joined.
    let page1 = "The creden-\ntials of the south-\neast wind\n";
    let page2 = "and a south-east gale.\n";
    let dir = folder(&[
        ("rules/test.toml", RULES),
        ("ocr/001.txt", page1),
        ("ocr/002.txt", page2),
        ("gt/001.txt", page1),
        ("gt/002.txt", page2),
    ]);
    let doc = Document::from_pages(
        "ocr",
        vec![
            ("001.txt".into(), page1.as_bytes().to_vec()),
            ("002.txt".into(), page2.as_bytes().to_vec()),
        ],
    );
    let sample = Sample {
        document: doc,
        truth: vec![page1.into(), page2.into()],
        peer: None,
        layout: Layout::Pages,
    };
    let result = eval::evaluate(&cleaner(&dir.path().join("rules")), &sample).unwrap();
    // Truth "The credentials of the south-east wind and a south-east gale.": 10 words,
    // 3+11+2+3+10+4+3+1+10+5 = 52 letters + 9 spaces = 61 characters.
    // Raw: [creden-, tials] for [credentials] is 2 word errors and 2 characters ("-" and " ");
    // [south-, east] for [south-east] is 2 word errors and 1 character (" ").
    assert_eq!(result.raw, score(3, 61, 4, 10));
    // Cleaned "The creden-tials of the south-east wind and a south-east gale.": one word, one "-".
    assert_eq!(result.cleaned, score(1, 61, 1, 10));
    // Dehyphenation keeps the hyphen of "south-" + "east" (the document writes "south-east"):
    // confirmed. Without a lexicon it leaves "creden-" + "tials" for review, and reflow's join
    // "creden-tials" is as wrong as "creden- tials": neutral. The page break became a space:
    // neutral.
    let expected = [
        ("dehyphenate.keep-hyphen", tally(1, 1, 0, 0)),
        ("reflow.join-across-page", tally(1, 0, 0, 1)),
        ("reflow.join-lines", tally(1, 0, 0, 1)),
    ]
    .map(|(r, t)| (r.to_string(), t))
    .into();
    assert_eq!(result.rules, expected);
}

const TRIPLES: &str = "*$*OVERPROOF*$* 101 year 1900 title One\n\
tbe cat||@@||the cat||@@||the cat\n\
sat||@@||sat||@@||sat\n\
*$*OVERPROOF*$* 102 year 1901 title Two\n\
tbe dog||@@||the dog||@@||the fog\n";

#[test]
fn triples_by_hand() {
    let dir = folder(&[("rules/test.toml", RULES)]);
    let cleaner = cleaner(&dir.path().join("rules"));
    let articles = eval::parse_triples(TRIPLES);
    assert_eq!(articles.len(), 2);
    let evals: Vec<_> = articles
        .into_iter()
        .map(|a| Sample {
            document: Document::from_bytes(a.id, a.raw.into_bytes()),
            truth: vec![a.truth],
            peer: Some(vec![a.peer]),
            layout: Layout::Triples,
        })
        .map(|s| eval::evaluate(&cleaner, &s).unwrap())
        .collect();
    // Article 101: truth "the cat sat" (11 characters, 3 words); raw "tbe cat sat" one letter;
    // cleaned "the cot sat" one letter; the peer is right.
    assert_eq!(evals[0].name, "101");
    assert_eq!(evals[0].raw, score(1, 11, 1, 3));
    assert_eq!(evals[0].cleaned, score(1, 11, 1, 3));
    assert_eq!(evals[0].peer, Some(score(0, 11, 0, 3)));
    // Article 102: truth "the dog" (7, 2); raw one letter; cleaned right; the peer one letter.
    assert_eq!(evals[1].raw, score(1, 7, 1, 2));
    assert_eq!(evals[1].cleaned, score(0, 7, 0, 2));
    assert_eq!(evals[1].peer, Some(score(1, 7, 1, 2)));
    let summary = Summary::new(&evals);
    assert_eq!(summary.documents, 2);
    assert_eq!(summary.raw, score(2, 18, 2, 5));
    assert_eq!(summary.cleaned, score(1, 18, 1, 5));
    assert_eq!(summary.peer, Some(score(1, 18, 1, 5)));
    assert_eq!(summary.raw.cer(), 2.0 / 18.0);
    assert_eq!(summary.cleaned.wer(), 1.0 / 5.0);
    // The line join "cat\nsat" → "cat sat" is whitespace to whitespace: neutral.
    let expected = [
        ("helps", tally(2, 2, 0, 0)),
        ("hurts", tally(1, 0, 1, 0)),
        ("reflow.join-lines", tally(1, 0, 0, 1)),
    ]
    .map(|(r, t)| (r.to_string(), t))
    .into();
    assert_eq!(summary.rules, expected);
    let md = summary.markdown("tiny");
    assert!(
        md.contains("| tiny | 2 | 5 | 11.11% | 40.00% | 5.56% | 20.00% | 5.56% | 20.00% |"),
        "{md}"
    );
    assert!(md.contains("| `hurts` | 1 | 0 | 1 | 0 |"), "{md}");
}

#[test]
fn nothing_to_fix_gives_zero_errors_and_no_verdicts() {
    let dir = folder(&[("rules/test.toml", RULES)]);
    let sample = Sample {
        document: Document::from_bytes("clean", b"A dog ran.\n".to_vec()),
        truth: vec!["A dog\nran.\n".into()],
        peer: None,
        layout: Layout::Triples,
    };
    let result = eval::evaluate(&cleaner(&dir.path().join("rules")), &sample).unwrap();
    assert_eq!(result.raw, score(0, 10, 0, 3));
    assert_eq!(result.cleaned, score(0, 10, 0, 3));
    assert!(result.rules.is_empty(), "{:?}", result.rules);
}

fn ocrclean(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("ocrclean").unwrap();
    cmd.current_dir(dir);
    cmd
}

#[test]
fn cli_pages_prints_the_table_and_writes_markdown() {
    let dir = grenzboten_style();
    ocrclean(dir.path())
        .args(["eval", "--raw", "abbyy-txt", "--truth", "gt"])
        .args(["--md", "quality.md", "--label", "tiny pages"])
        .args(["--no-bundled-rules", "--rules", "rules"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "raw           8.70%   33.33%            2            2",
        ))
        .stdout(predicate::str::contains(
            "cleaned       4.35%   16.67%            1            1",
        ))
        .stdout(predicate::str::is_match(r"hurts +1 +0 +1 +0 +0\.0%").unwrap());
    let md = fs::read_to_string(dir.path().join("quality.md")).unwrap();
    // 2/23 = 8.70%, 2/6 = 33.33%, 1/23 = 4.35%, 1/6 = 16.67%; no peer.
    assert!(
        md.contains("| tiny pages | 1 | 6 | 8.70% | 33.33% | 4.35% | 16.67% | – | – |"),
        "{md}"
    );
}

#[test]
fn cli_mibio_pages_and_limit() {
    let dir = folder(&[
        ("ocr/001.txt", "tbe end.\n"),
        ("ocr/002.txt", "more text\n"),
        ("ocr/003.txt", "no truth for this page\n"),
        ("gt/001.txt", "the end.\n"),
        ("gt/002.txt", "more text\n"),
    ]);
    // With no rules at all only the built-in passes run. One page: "tbe end." against
    // "the end." (8 characters, 2 words): 1 character, 1 word.
    let out = ocrclean(dir.path())
        .args([
            "eval", "--raw", "ocr", "--truth", "gt", "--limit", "1", "--json",
        ])
        .args(["--no-bundled-rules"])
        .assert()
        .success()
        .stderr(predicate::str::contains("003.txt: no ground-truth page"))
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["layout"], "pages");
    assert_eq!(json["summary"]["raw"]["char_errors"], 1);
    assert_eq!(json["summary"]["raw"]["truth_chars"], 8);
    assert_eq!(json["summary"]["raw"]["wer"], 0.5);
    assert_eq!(json["summary"]["cleaned"]["word_errors"], 1);
    assert_eq!(json["documents"][0]["name"], "ocr");
}

#[test]
fn cli_triples_scores_the_peer() {
    let dir = folder(&[("rules/test.toml", RULES), ("all.txt", TRIPLES)]);
    let out = ocrclean(dir.path())
        .args(["eval", "--layout", "triples", "--raw", "all.txt", "--json"])
        .args(["--no-bundled-rules", "--rules", "rules"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["summary"]["documents"], 2);
    assert_eq!(json["summary"]["peer"]["char_errors"], 1);
    assert_eq!(json["summary"]["cleaned"]["char_errors"], 1);
    assert_eq!(json["summary"]["rules"]["helps"]["confirmed"], 2);
    assert_eq!(json["summary"]["rules"]["hurts"]["contradicted"], 1);
    ocrclean(dir.path())
        .args(["eval", "--layout", "triples", "--raw", "all.txt"])
        .args(["--no-bundled-rules", "--rules", "rules"])
        .assert()
        .success()
        .stdout(predicate::str::contains("peer "));
}

#[test]
fn cli_errors_exit_2() {
    let dir = grenzboten_style();
    // The pages layout needs a truth folder.
    ocrclean(dir.path())
        .args(["eval", "--raw", "abbyy-txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--truth"));
    // A truth folder without page files.
    ocrclean(dir.path())
        .args(["eval", "--raw", "abbyy-txt", "--truth", "rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rules: page folder holds no page files",
        ));
    ocrclean(dir.path())
        .args(["eval", "--raw", "missing", "--truth", "gt"])
        .assert()
        .code(2);
}

/// The dev corpora, read where they lie next to the repository; skipped when they are not there.
fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

#[test]
fn smoke_on_the_dev_corpora() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is not there");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runs: [&[&str]; 2] = [
        &[
            "--raw",
            "grenzboten-1841/abbyy-txt",
            "--truth",
            "grenzboten-1841/gt",
        ],
        &[
            "--layout",
            "triples",
            "--raw",
            "overproof-smh/allArticles.txt",
        ],
    ];
    for args in runs {
        let out = ocrclean(&corpus)
            .arg("eval")
            .args(args)
            .args(["--limit", "3", "--json", "--rules"])
            .arg(root.join("rules"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let summary = &json["summary"];
        assert!(
            summary["raw"]["truth_words"].as_u64().unwrap() > 100,
            "{args:?}"
        );
        for text in ["raw", "cleaned"] {
            let cer = summary[text]["cer"].as_f64().unwrap();
            assert!(cer > 0.0 && cer < 0.5, "{args:?} {text} CER {cer}");
        }
    }
}

#[test]
fn cli_eval_has_help() {
    ocrclean(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["eval", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--layout <LAYOUT>"))
        .stdout(predicate::str::contains("triples"));
}
