//! The review outputs: the HTML page shows every change once, the report lists what changed the
//! words first and counts routine changes, and pages are the text's inferred pages.

mod common;

use ocrclean::review::{self, Category};
use ocrclean::{Cleaner, Config, Document};

fn seed() -> (Document, ocrclean::Cleaned) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(root.join("raw/lukin-russias-korea-policy.txt")).unwrap();
    let doc = Document::from_bytes("seed", raw);
    let cleaned = Cleaner::new(common::bundled_rules(), Config::default())
        .clean(&doc)
        .unwrap();
    (doc, cleaned)
}

#[test]
fn the_review_page_has_one_highlight_per_change_and_no_network() {
    let (doc, cleaned) = seed();
    let page = review::review_page(&doc, &cleaned);
    assert_eq!(
        page.matches("<mark class=\"chg ").count(),
        cleaned.changes.len()
    );
    for i in 1..=cleaned.changes.len() {
        assert!(page.contains(&format!("id=\"c{i}\"")), "change {i} missing");
    }
    let flagged = cleaned.changes.iter().filter(|c| !c.applied).count();
    assert!(flagged > 0);
    assert_eq!(
        page.matches(" flagged\"").count() + page.matches(" flagged ins\"").count(),
        flagged
    );
    assert!(
        !page.contains("<link") && !page.contains("src=\""),
        "self-contained"
    );
    // Routine changes are hidden by default: the body does not switch them on.
    assert!(page.contains("<body class=\"show-words show-structure show-furniture show-notes\">"));
}

#[test]
fn pages_are_the_inferred_pages() {
    let (doc, cleaned) = seed();
    assert_eq!(doc.pages().len(), 1);
    let starts = review::page_starts(&doc, &cleaned.changes);
    assert_eq!(
        starts.len(),
        15,
        "the pages pass found 14 page starts after the first"
    );
    let report = ocrclean::render::report(&doc, &cleaned);
    assert!(
        report.contains("15 page(s) (14 page break(s) inferred from the layout)"),
        "{report}"
    );
    assert!(review::review_page(&doc, &cleaned).contains("id=\"page-15\""));
}

#[test]
fn the_report_lists_word_changes_first_and_counts_routine_ones() {
    let (doc, cleaned) = seed();
    let report = ocrclean::render::report(&doc, &cleaned);
    let at = |heading: &str| report.find(heading).unwrap_or_else(|| panic!("{heading}"));
    assert!(at("## Changes to words") < at("## Flagged for review"));
    assert!(at("## Flagged for review") < at("## Routine changes"));
    let routine = cleaned
        .changes
        .iter()
        .filter(|c| c.applied && review::category(c) == Category::Whitespace)
        .count();
    assert!(routine > 300, "{routine}");
    // Routine changes are counted, never listed one by one.
    assert!(
        !report.contains("`reflow.join-lines` (0.95"),
        "listed a line join"
    );
    assert!(report.contains("| `reflow.join-lines` |"));
    assert!(report.contains("`°` → `st` `numbers.ordinal-sign`"));
}

#[test]
fn the_index_links_every_document() {
    let (doc, cleaned) = seed();
    let entry = review::IndexEntry::new(&doc, &cleaned);
    let mut broken = entry.clone();
    broken.name = "broken".into();
    broken.error = Some("not valid UTF-8".into());
    let index = review::index_page(&[entry, broken]);
    assert!(index.contains("href=\"seed.report.html\""));
    assert!(index.contains("error: not valid UTF-8"));
}
