//! The registry of built-in rules is complete: every rule that code can emit is registered (so
//! `rules list` shows it and `--disable` takes it), and every id in a change log is registered or
//! a data rule.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ocrclean::{Cleaner, Config, Document};

fn registered() -> BTreeSet<&'static str> {
    let cleaner = Cleaner::new(common::bundled_rules(), Config::default());
    cleaner.builtin_rules().iter().map(|(_, r)| r.id).collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The ids of every `BuiltinRule { id: "...", .. }` value written in the source: a rule declared
/// but not listed in its pass's `RULES` (or the decoder's or the notes stage's) is missing here.
#[test]
fn every_rule_declared_in_the_source_is_registered() {
    let registered = registered();
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut declared = BTreeSet::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for (at, _) in source.match_indices("BuiltinRule {") {
            let Some(id_at) = source[at..].find("id: \"") else {
                continue;
            };
            // The struct's own definition (`pub id: &'static str`) has no quoted id.
            let rest = &source[at + id_at + 5..];
            if id_at > 200 {
                continue;
            }
            let id = &rest[..rest.find('"').unwrap()];
            declared.insert(id.to_string());
            assert!(
                registered.contains(id),
                "{}: rule {id} is declared but not registered",
                file.display()
            );
        }
    }
    // The scan itself works: it finds the rules of the decoder, a pass and the notes stage.
    for id in [
        "decode.invalid-utf8",
        "dehyphenate.join",
        "notes.one-paragraph",
    ] {
        assert!(declared.contains(id), "{id} not found by the scan");
    }
    assert_eq!(declared.len(), registered.len(), "{declared:?}");
}

#[test]
fn registered_ids_are_unique_and_named_after_their_stage() {
    let cleaner = Cleaner::new(common::bundled_rules(), Config::default());
    let rules = cleaner.builtin_rules();
    let ids: BTreeSet<&str> = rules.iter().map(|(_, r)| r.id).collect();
    assert_eq!(ids.len(), rules.len(), "a rule id is registered twice");
    for (stage, rule) in rules {
        assert!(
            rule.id.starts_with(&format!("{stage}.")),
            "{} is registered under stage {stage}",
            rule.id
        );
        assert!(
            !rule.description.is_empty(),
            "{} has no description",
            rule.id
        );
    }
    // A data rule may not take a built-in rule's id.
    for rule in &cleaner.rules().rules {
        assert!(!ids.contains(rule.id.as_str()), "{}", rule.id);
    }
}

/// Every change of every document of `raw/`, of the fixtures, and of inputs made to reach the
/// decoder's and the notes stage's rules names a registered rule or a data rule.
#[test]
fn every_id_in_a_change_log_is_registered() {
    let registered = registered();
    let rules = common::bundled_rules();
    let data: BTreeSet<String> = rules.rules.iter().map(|r| r.id.clone()).collect();
    let config = Config {
        lossy: true,
        ..Config::default()
    };
    let cleaner = Cleaner::new(rules, config);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![
        Document::from_bytes("lossy", b"caf\xE9 au lait\n".to_vec()),
        Document::from_bytes(
            "note",
            b"A claim that holds.1\n\n1 A note that runs\non two lines.\x0cNext page text.\n"
                .to_vec(),
        ),
    ];
    let mut files = Vec::new();
    for dir in ["raw", "tests/fixtures"] {
        collect_txt(&root.join(dir), &mut files);
    }
    for file in files {
        docs.push(Document::from_bytes(
            file.display().to_string(),
            std::fs::read(&file).unwrap(),
        ));
    }
    let mut seen = BTreeSet::new();
    for doc in &docs {
        let cleaned = cleaner.clean(doc).unwrap();
        for change in &cleaned.changes {
            let id = change.rule.as_ref();
            assert!(
                registered.contains(id) || data.contains(id),
                "{}: change of unregistered rule {id}",
                doc.name
            );
            seen.insert(id.to_string());
        }
    }
    assert!(seen.contains("decode.invalid-utf8"), "{seen:?}");
    assert!(seen.len() > 15, "{seen:?}");
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_txt(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}
