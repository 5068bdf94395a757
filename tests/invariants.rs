//! Properties that must hold on every real document in `raw/`: every change points at the raw
//! text it changed, the body has the promised shape, and cleaning is idempotent.

mod common;

use std::path::Path;

use ocrclean::{ChangeKind, Cleaner, Config, Document};

fn raw_documents() -> Vec<Document> {
    let docs = common::documents(&Path::new(env!("CARGO_MANIFEST_DIR")).join("raw"));
    assert!(docs.len() >= 2, "raw/ holds the seed and a page folder");
    docs
}

fn cleaner() -> Cleaner {
    let rules = common::bundled_rules();
    Cleaner::new(rules, Config::default())
}

#[test]
fn every_change_names_a_rule_and_points_at_the_raw_text_it_changed() {
    let cleaner = cleaner();
    for doc in raw_documents() {
        let cleaned = cleaner.clean(&doc).unwrap();
        let mut touched: Vec<(usize, usize)> = Vec::new();
        for change in &cleaned.changes {
            assert!(!change.rule.is_empty());
            let (start, end) = (change.raw.start, change.raw.end);
            assert!(start <= end && end <= doc.raw.len(), "{change:?}");
            let position = doc.position(start);
            assert_eq!(
                (position.page, position.line, position.column),
                (
                    change.raw.page as usize,
                    change.raw.line as usize,
                    change.raw.column as usize
                )
            );
            // Where no earlier change touched the raw bytes, `before` is exactly those bytes.
            let untouched = touched.iter().all(|&(s, e)| {
                if s == e {
                    // An insertion touches the ranges that hold its position.
                    s < start || s > end
                } else {
                    e <= start || end <= s
                }
            });
            if untouched && start < end {
                assert_eq!(
                    String::from_utf8_lossy(&doc.raw[start..end]),
                    change.before,
                    "{}: {change:?}",
                    doc.name
                );
            }
            if change.applied {
                touched.push((start, end));
            }
        }
    }
}

#[test]
fn the_body_is_one_paragraph_per_line_in_nfc_ending_with_one_newline() {
    use unicode_normalization::is_nfc;
    let cleaner = cleaner();
    for doc in raw_documents() {
        let cleaned = cleaner.clean(&doc).unwrap();
        let body = cleaned.body;
        // Blocks whose line breaks are kept (verse, lists): `(first line, number of lines)`, from
        // the review flags that list them.
        let kept: Vec<(String, usize)> = cleaned
            .changes
            .iter()
            // Kept lines inside a note are joined: a note is one paragraph of the notes file.
            .filter(|c| {
                c.rule == "reflow.kept-lines" && c.kind == ChangeKind::Review && c.in_note.is_none()
            })
            .map(|c| {
                let count = c.evidence.split(' ').next().unwrap().parse().unwrap();
                let first = c.evidence.split('\'').nth(1).unwrap().to_string();
                (first, count)
            })
            .collect();
        assert!(is_nfc(&body), "{}", doc.name);
        assert!(
            body.ends_with('\n') && !body.ends_with("\n\n"),
            "{}",
            doc.name
        );
        assert!(
            !body.contains("\n\n\n") && !body.contains('\r') && !body.contains('\x0c'),
            "{}",
            doc.name
        );
        // Paragraphs are separated by single blank lines; a paragraph is one line, unless it is a
        // block of kept lines that the change log lists, with its first line and its length.
        let mut blocks = Vec::new();
        for paragraph in body.trim_end_matches('\n').split("\n\n") {
            assert!(!paragraph.is_empty(), "{}: empty paragraph", doc.name);
            let lines: Vec<&str> = paragraph.split('\n').collect();
            for line in &lines {
                assert!(
                    !line.is_empty() && *line == line.trim(),
                    "{}: {line:?}",
                    doc.name
                );
            }
            if lines.len() > 1 {
                blocks.push((lines[0].to_string(), lines.len()));
            }
        }
        assert_eq!(blocks, kept, "{}", doc.name);
    }
}

#[test]
fn cleaning_the_cleaned_body_changes_nothing() {
    let cleaner = cleaner();
    for doc in raw_documents() {
        let body = cleaner.clean(&doc).unwrap().body;
        let again = cleaner
            .clean(&Document::from_bytes("again", body.clone().into_bytes()))
            .unwrap();
        let applied: Vec<_> = again
            .changes
            .iter()
            .filter(|c| c.applied && c.kind != ChangeKind::Review)
            .collect();
        assert!(applied.is_empty(), "{}: {applied:#?}", doc.name);
        assert_eq!(again.body, body);
    }
}
