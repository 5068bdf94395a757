//! Page boundaries, page furniture and footnotes on real documents (the seed article and pages of
//! Die Grenzboten, 1841) and on small excerpts where nothing may be removed.

mod common;

use std::fs;
use std::path::Path;

use common::root;
use ocrclean::{ChangeKind, Cleaned, Cleaner, Config, Document};

fn cleaner() -> Cleaner {
    let rules = common::bundled_rules();
    Cleaner::new(rules, Config::default())
}

fn clean_file(path: &Path) -> Cleaned {
    let doc = Document::from_bytes("doc", fs::read(path).unwrap());
    cleaner().clean(&doc).unwrap()
}

fn clean_text(text: &str) -> Cleaned {
    cleaner()
        .clean(&Document::from_bytes("doc", text.as_bytes().to_vec()))
        .unwrap()
}

fn applied<'a>(cleaned: &'a Cleaned, rule: &str) -> Vec<&'a ocrclean::Change> {
    cleaned
        .changes
        .iter()
        .filter(|c| c.applied && c.rule == rule)
        .collect()
}

fn seed() -> Cleaned {
    clean_file(&root().join("raw/lukin-russias-korea-policy.txt"))
}

#[test]
fn seed_pages_are_found_from_the_text() {
    let cleaned = seed();
    let boundaries = applied(&cleaned, "pages.boundary");
    // Thirteen pages start with a one-space line, one with a running head.
    assert_eq!(boundaries.len(), 14);
    assert!(
        boundaries
            .iter()
            .any(|c| c.evidence.starts_with("running head"))
    );
}

#[test]
fn seed_running_head_is_removed_and_the_title_kept() {
    let cleaned = seed();
    let heads = applied(&cleaned, "furniture.running-head");
    assert_eq!(heads.len(), 1);
    assert_eq!(
        heads[0].before.trim(),
        "36 Russia’s Korea Policy in the 21% Century"
    );
    assert_eq!(heads[0].kind, ChangeKind::Furniture);
    assert!(cleaned.body.starts_with("Russia’s Korea Policy in the 21"));
    assert!(!cleaned.body.contains("21% Century"));
    assert!(cleaned.body.lines().all(|l| !l.starts_with(' ')));
}

#[test]
fn seed_notes_are_numbered_one_to_eight_and_leave_the_body() {
    let cleaned = seed();
    let starts = [
        "Vladimir Putin, “Speech",
        "Igor Ivanov, Novaya", // `Tgor` in the raw text, repaired by the confusions pass
        "Here the author bases",
        "Andrey Kozyrev, Preobrazhenie",
        "Ivanov, Novaya rossiyskaya diplomatiya, p. 158.",
        "“Vneshnepoliticheskaya",
        "Interv’yu prezidenta",
        "Valeriy Denisov, “Rossiya",
    ];
    assert_eq!(cleaned.notes.len(), 8);
    for (note, start) in cleaned.notes.iter().zip(starts) {
        assert!(
            note.starts_with(start),
            "{note:?} should start with {start:?}"
        );
        // Each note is one paragraph, and its text is gone from the body.
        assert!(!note.contains('\n'));
        let probe: String = note.chars().take(30).collect();
        assert!(!cleaned.body.contains(&probe), "{probe:?} left in the body");
    }
    // The page break inside `inter-` … `national` and `A joint` … `declaration` is closed.
    assert!(cleaned.body.contains("A joint declaration consolidating"));
    assert!(!cleaned.body.contains("Olma-Press") && !cleaned.body.contains("Mezhdunarodnye"));
}

#[test]
fn seed_references_are_linked_where_the_marks_stood() {
    let cleaned = seed();
    for linked in [
        "China.[^3]",
        "Soviet Union.[^4] Naturally",
        "Pyongyang.”[^6] Indeed",
        "annually.[^8]",
    ] {
        assert!(cleaned.body.contains(linked), "{linked}");
    }
    for n in [1, 2, 5, 7] {
        assert!(!cleaned.body.contains(&format!("[^{n}]")));
        let orphan = cleaned.changes.iter().find(|c| {
            c.rule == "footnotes.orphan-note" && c.evidence.starts_with(&format!("note {n}:"))
        });
        assert!(
            orphan.is_some_and(|c| !c.applied),
            "note {n} is reported as orphan"
        );
    }
    // Numbers in the text are not references.
    for kept in ["21st Century", "$9 billion", "1695 and 1718", "pp. 9-10"] {
        assert!(
            cleaned.body.contains(kept) || cleaned.notes.iter().any(|n| n.contains(kept)),
            "{kept}"
        );
    }
}

fn clean_pages(dir: &Path, pages: &[&str]) -> Cleaned {
    let pages = pages
        .iter()
        .map(|p| (p.to_string(), fs::read(dir.join(p)).unwrap()))
        .collect();
    cleaner()
        .clean(&Document::from_pages("pages", pages))
        .unwrap()
}

#[test]
fn grenzboten_page_numbers_and_signature_marks_are_removed() {
    let dir = root().join("raw/grenzboten-1841-pages-3-6");
    let cleaned = clean_pages(
        &dir,
        &[
            "179394.abbyy.txt",
            "179395.abbyy.txt",
            "179396.abbyy.txt",
            "179397.abbyy.txt",
        ],
    );
    let numbers: Vec<&str> = applied(&cleaned, "furniture.page-number")
        .iter()
        .map(|c| c.before.trim())
        .collect();
    // `s` is page 5 read by the OCR as a letter; the sequence 3, 4, 5 supports it.
    assert_eq!(numbers, ["8", "4", "s"]);
    let marks: Vec<&str> = applied(&cleaned, "furniture.signature-mark")
        .iter()
        .map(|c| c.before.trim())
        .collect();
    assert_eq!(marks, ["1 *"]);
    assert!(cleaned.body.starts_with("die einer so gewaltsamen"));
    // The word cut by the page break is whole again.
    assert!(cleaned.body.contains("Krast-äußerung") || cleaned.body.contains("Krastäußerung"));
}

#[test]
fn grenzboten_sign_footnotes_go_to_the_notes() {
    // Each engine's footnote pages, cleaned as one page-folder document (as the CLI reads a folder).
    let fixtures = root().join("tests/fixtures/grenzboten-1841");
    let abbyy = clean_pages(
        &fixtures.join("abbyy"),
        &[
            "179396.abbyy.txt",
            "179408.abbyy.txt",
            "179419.abbyy.txt",
            "179452.abbyy.txt",
            "179455.abbyy.txt",
            "179469.abbyy.txt",
        ],
    );
    let tess = clean_pages(
        &fixtures.join("tess"),
        &[
            "179396.tess.txt",
            "179419.tess.txt",
            "179452.tess.txt",
            "179455.tess.txt",
            "179469.tess.txt",
        ],
    );
    let cases: &[(&Cleaned, &[&str])] = &[
        (
            &abbyy,
            &[
                // 179396 and 179419: ABBYY lost the `*)` mark; the note is found from the body's
                // unanswered `*)` and the sentence that breaks off above it.
                "Um Ein Beispiel von Tausenden",
                "Der Abstecher nach Sas van",
                "Die Schilderung, die Gervinus",
                "Eö ist nicht so arg",
                "Wir würden der Brockhausischen",
                "Wir glauben unsere Leser",
            ],
        ),
        (
            &tess,
            &[
                "Um Ein Beispiel von Tausenden",
                "Die Schilderung, die Gervinus",
                "Es ist nicht so arg",
                "Wir würden der Brockhaustschen",
                "Wir glauben unsere Leser",
            ],
        ),
    ];
    for (cleaned, starts) in cases {
        assert_eq!(cleaned.notes.len(), starts.len(), "{:?}", cleaned.notes);
        for (note, start) in cleaned.notes.iter().zip(starts.iter()) {
            assert!(
                note.starts_with(start),
                "{note:?} should start with {start:?}"
            );
            assert!(!cleaned.body.contains(start), "{start:?} left in the body");
        }
    }
}

#[test]
fn a_sign_reference_in_the_body_is_linked() {
    let cleaned = clean_file(&root().join("tests/fixtures/grenzboten-1841/abbyy/179455.abbyy.txt"));
    assert!(
        cleaned.body.contains("erschienen ist [^1]."),
        "{}",
        cleaned.body
    );
}

/// Two pages of plain prose, `first` and `second` (with their own lines), joined by a form feed.
fn two_pages(first: &str, second: &str) -> String {
    format!("{first}\x0c{second}")
}

const PROSE: &str = "The history of the region was written in many languages by many hands\n\
and it was never quite finished, for each generation wrote it again in its\n\
own way and with its own purposes, which is why the archive matters so\n\
much to those who study it and to those who merely visit it once.\n";

#[test]
fn body_lines_that_start_with_numbers_stay_in_the_body() {
    let first = format!(
        "{PROSE}{PROSE}In the end the census of that year, taken with great care, counted\n2 million people in the north and, as the officials noted, a further\n1 million in the south of the land, most of them farmers and fishers.\n"
    );
    let second = format!("1995 was a hard year for the region.\n{PROSE}");
    let cleaned = clean_text(&two_pages(&first, &second));
    assert!(cleaned.notes.is_empty(), "{:?}", cleaned.notes);
    assert!(
        cleaned
            .body
            .contains("counted 2 million people in the north")
    );
    assert!(cleaned.body.contains("a further 1 million in the south"));
    assert!(cleaned.body.contains("1995 was a hard year"));
    assert!(applied(&cleaned, "furniture.page-number").is_empty());
}

#[test]
fn a_numbered_list_in_the_body_is_not_taken_for_notes() {
    let first = format!(
        "{PROSE}The rules were these:\n1. Speak softly.\n2. Write clearly.\n3. Keep the records.\n{PROSE}"
    );
    let cleaned = clean_text(&two_pages(&first, PROSE));
    assert!(cleaned.notes.is_empty(), "{:?}", cleaned.notes);
    assert!(cleaned.body.contains("Speak softly."));
}

#[test]
fn a_heading_garbled_into_a_number_is_not_a_note() {
    // OCR read `Family` as `1-amily` at the top of a new section.
    let first = format!(
        "{PROSE}{PROSE}a suitable aviary for them.\n\n1-amily of the Swallows.\n\nThe Sand-Martin.\n\n{PROSE}"
    );
    let cleaned = clean_text(&two_pages(&first, PROSE));
    assert!(cleaned.notes.is_empty(), "{:?}", cleaned.notes);
    assert!(cleaned.body.contains("The Sand-Martin."));
}

#[test]
fn text_indented_by_one_space_everywhere_gets_no_page_breaks() {
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            " Paragraph {i} starts with one space and has two lines\nof text that follow it.\n"
        ));
    }
    let cleaned = clean_text(&text);
    assert!(applied(&cleaned, "pages.boundary").is_empty());
}

#[test]
fn a_page_of_only_footnotes_and_marks_without_notes_do_not_fail() {
    let cleaned = clean_text("1-Only a note here.\n2-And another one.\n");
    assert!(cleaned.body.contains("Only a note here."));
    let cleaned = clean_text(&two_pages(
        &format!("{PROSE}It was said.3 And done.4\n"),
        PROSE,
    ));
    assert!(cleaned.notes.is_empty());
    assert!(cleaned.body.contains("It was said.3 And done.4"));
}
