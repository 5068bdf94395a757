//! Lossless by construction: the raw input is rebuilt byte for byte from the cleaned body and the
//! change log (`restore`), for the documents of `raw/`, for the dev corpora (read where they are,
//! never copied), and for random inputs; cleaning the cleaned body again changes nothing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use ocrclean::render::jsonl;
use ocrclean::{Change, Document, restore};
use proptest::prelude::*;

use common::{lossy_cleaner as cleaner, page_folder, sorted};

/// Cleans `doc`, writes the log as the `.changes.jsonl` file would hold it, reads it back and
/// restores; the result must be the raw input.
fn assert_restores(doc: &Document) {
    let cleaned = cleaner().clean(doc).unwrap();
    let log: Vec<Change> = jsonl(&cleaned.changes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(log, cleaned.changes);
    let restored = restore(&cleaned.body, &log).unwrap_or_else(|e| panic!("{}: {e}", doc.name));
    if restored != doc.raw {
        let at = restored
            .iter()
            .zip(&doc.raw)
            .position(|(a, b)| a != b)
            .unwrap_or(restored.len().min(doc.raw.len()));
        panic!(
            "{}: restored input differs from byte {at}: {:?} instead of {:?}",
            doc.name,
            String::from_utf8_lossy(&restored[at..(at + 40).min(restored.len())]),
            String::from_utf8_lossy(&doc.raw[at..(at + 40).min(doc.raw.len())]),
        );
    }
}

/// Cleaning the cleaned body changes nothing.
fn assert_idempotent(doc: &Document) {
    let cleaned = cleaner().clean(doc).unwrap();
    let again = cleaner()
        .clean(&Document::from_bytes(
            "again",
            cleaned.body.clone().into_bytes(),
        ))
        .unwrap();
    let applied: Vec<&Change> = again.changes.iter().filter(|c| c.applied).collect();
    assert!(
        applied.is_empty(),
        "{}: cleaning the cleaned body changed {applied:#?}",
        doc.name
    );
    assert_eq!(again.body, cleaned.body);
}

#[test]
fn raw_documents_are_restored_byte_for_byte() {
    let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join("raw");
    let mut seen = 0;
    for path in sorted(&raw) {
        let doc = if path.is_dir() {
            page_folder(&path)
        } else if path.extension().is_some_and(|x| x == "txt") {
            Document::from_bytes("doc", fs::read(&path).unwrap())
        } else {
            continue;
        };
        assert_restores(&doc);
        // The page files one by one, as single documents, too.
        if path.is_dir() {
            for page in sorted(&path) {
                assert_restores(&Document::from_bytes("page", fs::read(&page).unwrap()));
            }
        }
        seen += 1;
    }
    assert!(seen >= 2, "raw/ holds the seed and a page folder");
}

/// The dev corpora, where they are (they are not in the repository; nothing of them is copied).
fn corpus(path: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(path);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("{}: missing, skipped", dir.display());
        None
    }
}

#[test]
fn corpus_pages_are_restored_byte_for_byte() {
    for folder in [
        "grenzboten-1841/abbyy-txt",
        "grenzboten-1841/tess-txt",
        "mibio-1907/ocr",
    ] {
        let Some(dir) = corpus(folder) else { continue };
        // Each page alone, and the first pages as one page-folder document.
        let pages = sorted(&dir);
        for page in &pages {
            assert_restores(&Document::from_bytes("page", fs::read(page).unwrap()));
        }
        let first: Vec<(String, Vec<u8>)> = pages
            .iter()
            .take(12)
            .map(|p| (String::new(), fs::read(p).unwrap()))
            .collect();
        assert_restores(&Document::from_pages("pages", first));
    }
}

#[test]
fn raw_and_corpus_documents_are_idempotent() {
    let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join("raw");
    assert_idempotent(&page_folder(&raw.join("grenzboten-1841-pages-3-6")));
    for path in sorted(&raw) {
        if path.extension().is_some_and(|x| x == "txt") {
            assert_idempotent(&Document::from_bytes("doc", fs::read(&path).unwrap()));
        }
    }
}

/// Text built from the pieces OCR output is made of: words, marks, numbers, hyphens, line ends of
/// every kind, form feeds, note marks and a few odd characters.
fn ocr_like() -> impl Strategy<Value = String> {
    pieces(true)
}

/// The same without note signs (`*)`, `*`, `†`, `‡`).
fn ocr_like_without_note_signs() -> impl Strategy<Value = String> {
    pieces(false)
}

fn pieces(note_signs: bool) -> impl Strategy<Value = String> {
    let sign = if note_signs { "*)" } else { "(3" };
    let punctuation = if note_signs {
        "[.,;:!?\"'()\\[\\]†‡*]"
    } else {
        "[.,;:!?\"'()\\[\\]]"
    };
    let piece = prop_oneof![
        4 => "[a-zA-Zäöüßé]{1,9}",
        2 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just("\x0c".to_string()),
        1 => Just("-".to_string()),
        1 => Just("¬\n".to_string()),
        1 => "[0-9]{1,4}",
        1 => Just(sign.to_string()),
        1 => Just("3-".to_string()),
        1 => punctuation,
        1 => Just("  ".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("\u{FEFF}".to_string()),
        1 => Just("e\u{301}".to_string()),
        1 => any::<char>()
            .prop_filter("no note sign", move |c| note_signs || !"*†‡".contains(*c))
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn random_text_is_restored(text in ocr_like()) {
        assert_restores(&Document::from_bytes("random", text.into_bytes()));
    }

    #[test]
    fn random_bytes_are_restored(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_restores(&Document::from_bytes("bytes", bytes));
    }

    #[test]
    fn random_page_folders_are_restored(pages in prop::collection::vec(ocr_like(), 1..5)) {
        assert_restores(&page_folder_of(pages));
    }
}

/// A page-folder document of `pages`, named `0.txt`, `1.txt`, ...
fn page_folder_of(pages: Vec<String>) -> Document {
    let named = pages
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("{i}.txt"), p.into_bytes()))
        .collect();
    Document::from_pages("pages", named)
}

/// Prose as OCR gives it: words with punctuation attached, spaces, line ends of every kind, blank
/// lines, page breaks, hyphens at line ends, numbers.
fn prose_like() -> impl Strategy<Value = String> {
    let word = ("[A-Za-zäöüß]{1,10}", "[,.;:!?]?").prop_map(|(w, p)| format!("{w}{p}"));
    let piece = prop_oneof![
        8 => word,
        4 => Just(" ".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just("\x0c".to_string()),
        1 => Just("-\n".to_string()),
        1 => "[0-9]{1,4}",
    ];
    prop::collection::vec(piece, 0..150).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// Reflow once read a paragraph that the first run joined into one line as a "full-width
    /// line" and joined it across the blank line after it when it ended mid-sentence (`..., A,` /
    /// blank line / `Aa`); a line is "full" now only in text that shows hard-wrapped lines.
    #[test]
    fn random_prose_is_idempotent(text in prose_like()) {
        assert_idempotent(&Document::from_bytes("random", text.into_bytes()));
    }

    /// On arbitrary characters, besides the case above, e.g. `ö` / blank line / `¬` / `a`: once
    /// `¬` and `a` are joined the line read `¬ a`, which started in lowercase for a second run;
    /// only the first word of a line counts for a lowercase start now. And a block of short lines
    /// that the first run kept (`A` / `A` / `3-ü`) was no longer short against the width of the
    /// cleaned body's paragraphs; in text without hard wrap a block's lines need not be short.
    #[test]
    fn random_text_is_idempotent(text in ocr_like_without_note_signs()) {
        assert_idempotent(&Document::from_bytes("random", text.into_bytes()));
    }

    /// The same with note signs, in one file and as a page folder.
    #[test]
    fn random_text_with_note_signs_is_idempotent(text in ocr_like()) {
        assert_idempotent(&Document::from_bytes("random", text.into_bytes()));
    }

    #[test]
    fn random_page_folders_are_idempotent(pages in prop::collection::vec(ocr_like(), 1..5)) {
        assert_idempotent(&page_folder_of(pages));
    }
}

/// A note sign left in the body (`*)` that matched no note) could start a note when the cleaned
/// body was cleaned again, because the body no longer has the page breaks that scoped the first
/// run: `*)` / page break / `*)- ` is left alone as two pages, but as one page the second `*)`
/// became a note and the first its reference. Notes are now looked for only in text that shows
/// printed pages (page breaks or hard-wrapped lines), which the cleaned body does not.
#[test]
fn footnote_signs_left_in_the_body_stay_there() {
    assert_idempotent(&Document::from_bytes("gap", b"*)\x0c*)- ".to_vec()));
}

/// The stress run that stands in for `cargo fuzz` where it is not installed: random OCR-like text,
/// random bytes and random page folders through the whole pipeline and `restore`, for
/// `OCRCLEAN_STRESS_SECS` seconds (default 600). In release:
/// `OCRCLEAN_STRESS_SECS=600 cargo test --release --test restore -- --ignored stress`.
#[test]
#[ignore = "long: run in release with --ignored"]
fn stress_random_inputs() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;
    let secs: u64 = std::env::var("OCRCLEAN_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut runner = TestRunner::deterministic();
    let texts = prop::collection::vec(ocr_like(), 1..6);
    let bytes = prop::collection::vec(any::<u8>(), 0..2000);
    let mut cases = 0u64;
    while std::time::Instant::now() < deadline {
        let pages = texts.new_tree(&mut runner).unwrap().current();
        assert_restores(&Document::from_bytes("one", pages.concat().into_bytes()));
        assert_restores(&page_folder_of(pages));
        assert_restores(&Document::from_bytes(
            "bytes",
            bytes.new_tree(&mut runner).unwrap().current(),
        ));
        cases += 3;
    }
    eprintln!("{cases} random documents cleaned and restored");
    assert!(cases > 0);
}
