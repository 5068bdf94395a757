//! Real scanned books as the archives hand them out: each kind of page evidence (a HathiTrust page
//! marker, a scanner's watermark, running heads whose numbers form the page sequence) on a small
//! hand-made fixture, with the negative cases where nothing may be removed (a table of contents,
//! an index, a calendar of letters, a list of figures, a watermark that occurs once); and, on the
//! documents of `raw/` and the dev corpora (read where they are, never copied), cleaning the cleaned
//! body again changes nothing, in any pass.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ocrclean::{Change, ChangeKind, Cleaned, Cleaner, Config, Document};

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| {
        Cleaner::new(
            common::bundled_rules(),
            Config {
                lossy: true,
                ..Config::default()
            },
        )
    })
}

fn clean(text: &str) -> Cleaned {
    cleaner()
        .clean(&Document::from_bytes("fixture", text.as_bytes().to_vec()))
        .unwrap()
}

/// The lines dropped as furniture, trimmed.
fn removed(cleaned: &Cleaned) -> Vec<String> {
    cleaned
        .changes
        .iter()
        .filter(|c| c.applied && c.kind == ChangeKind::Furniture)
        .flat_map(|c| {
            c.before
                .lines()
                .map(|l| l.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn rules(cleaned: &Cleaned, rule: &str) -> usize {
    cleaned
        .changes
        .iter()
        .filter(|c| c.applied && c.rule == rule)
        .count()
}

/// A page of prose, hard-wrapped: `lines` lines, the first one naming the page.
fn prose(page: usize, lines: usize) -> String {
    let mut out = format!("The narrative of page {page} goes on here with its\n");
    for i in 1..lines {
        out.push_str(&format!(
            "ordinary words, line {i} of the page, and more words\n"
        ));
    }
    out
}

/// A book of `pages` pages in the shape of an Internet Archive `_djvu.txt`: no form feeds, a
/// running head with its page number on each page (verso `12 BOOK TITLE.`, recto `CHAPTER
/// TITLE. 13`), blank-line runs between pages, and `watermark` at each page's foot when given.
fn book(pages: usize, watermark: Option<&str>) -> String {
    let mut out = String::new();
    for p in 1..=pages {
        let n = p + 10;
        if n % 2 == 0 {
            out.push_str(&format!("{n} THE SILENT FRIEND.\n\n"));
        } else {
            out.push_str(&format!("A JOURNEY NORTH. {n}\n\n"));
        }
        out.push_str(&prose(n, 14));
        if let Some(w) = watermark {
            out.push_str(&format!("\n\n\n{w}\n"));
        }
        out.push_str("\n\n\n");
    }
    out
}

#[test]
fn recto_and_verso_heads_of_the_page_sequence_are_removed() {
    let text = book(12, None);
    let cleaned = clean(&text);
    let gone = removed(&cleaned);
    assert_eq!(gone.len(), 12, "{gone:#?}");
    assert!(gone.iter().any(|l| l == "12 THE SILENT FRIEND."));
    assert!(gone.iter().any(|l| l == "A JOURNEY NORTH. 13"));
    assert!(!cleaned.body.contains("SILENT FRIEND") && !cleaned.body.contains("JOURNEY NORTH"));
    assert!(cleaned.body.contains("The narrative of page 11"));
}

#[test]
fn ocr_damaged_heads_and_roman_page_numbers_join_their_family() {
    let mut text = String::new();
    for n in 10..22u32 {
        let roman = [
            "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx", "xxi",
        ][n as usize - 10];
        let head = match n {
            // OCR damage: a misread letter in the head, `I` for `l`/`i` in the numeral.
            13 => "INTRODUCTION. xiiI".to_string(),
            16 => "xvi INTR0DUCTI0N.".to_string(),
            _ if n % 2 == 0 => format!("{roman} INTRODUCTION."),
            _ => format!("INTRODUCTION. {roman}"),
        };
        text.push_str(&format!("{head}\n\n{}\n\n\n", prose(n as usize, 12)));
    }
    let cleaned = clean(&text);
    assert_eq!(
        rules(&cleaned, "furniture.numbered-head"),
        12,
        "{:#?}",
        removed(&cleaned)
    );
    assert!(!cleaned.body.contains("INTR"));
}

/// `book(pages, None)` with the head of some pages replaced: `(page number, head)`.
fn book_with_heads(pages: usize, replaced: &[(usize, &str)]) -> String {
    let mut text = book(pages, None);
    for &(n, head) in replaced {
        let original = if n % 2 == 0 {
            format!("{n} THE SILENT FRIEND.\n")
        } else {
            format!("A JOURNEY NORTH. {n}\n")
        };
        assert!(text.contains(&original));
        text = text.replacen(&original, &format!("{head}\n"), 1);
    }
    text
}

#[test]
fn heads_with_damaged_or_unreadable_numbers_between_heads_of_the_sequence_are_removed() {
    // OCR damage as the Internet Archive books show it: a misread digit (`81` for 21, `822` for
    // 222), digits split by a space, a look-alike (`Ill`), a number that does not read at all, and
    // a misread letter in the head's text too.
    let text = book_with_heads(
        14,
        &[
            (13, "A JOURNEY NORTH. 18"),
            (14, "1 4 THE SILENT FRIEND."),
            (16, "76 THE SILENT FRIEND."),
            (19, "A JOURNEY NORTH. St"),
            (21, "A JOURNBY NORTH. 2l"),
        ],
    );
    let cleaned = clean(&text);
    // The chain of the sequence starts at 15: 11 and 12 read whole are a run of two heads of the
    // book's families (a short run, `furniture.numbered-head`); 13 read `18` and `1 4` lie before
    // the chain and are found where its lines per page put their edges.
    assert_eq!(
        rules(&cleaned, "furniture.damaged-head"),
        5,
        "{:#?}",
        removed(&cleaned)
    );
    assert_eq!(removed(&cleaned).len(), 14, "{:#?}", removed(&cleaned));
    assert!(!cleaned.body.contains("JOURN") && !cleaned.body.contains("SILENT"));
    let evidence = cleaned
        .changes
        .iter()
        .find(|c| c.rule == "furniture.damaged-head" && c.before.contains("NORTH. 18"))
        .unwrap();
    assert!(
        evidence.evidence.contains("page 13"),
        "{}",
        evidence.evidence
    );
}

/// Pages numbered `numbers` in the shape of [`book`] (the heads alternate by parity), with
/// `heads` replacing the head of some of them: a scan with leaves missing between runs.
fn pages_numbered(numbers: &[usize], heads: &[(usize, &str)]) -> String {
    let mut out = String::new();
    for &n in numbers {
        let head = match heads.iter().find(|(m, _)| *m == n) {
            Some((_, h)) => h.to_string(),
            None if n % 2 == 0 => format!("{n} THE SILENT FRIEND."),
            None => format!("A JOURNEY NORTH. {n}"),
        };
        out.push_str(&format!("{head}\n\n{}\n\n\n", prose(n, 14)));
    }
    out
}

#[test]
fn a_short_run_of_heads_between_missing_leaves_is_removed_when_the_book_agrees() {
    // Pages 11-22, then leaves missing, a run of two pages (40, 41), leaves missing, 60-71. The
    // run is too short for a chain of its own; its numbers step by one at the book's page length,
    // its text is the book's heads' and its numbers lie between the long chains' heads.
    let numbers: Vec<usize> = (11..=22).chain([40, 41]).chain(60..=71).collect();
    let cleaned = clean(&pages_numbered(&numbers, &[(41, "A JOURNBY NORTH. 41")]));
    let gone = removed(&cleaned);
    assert!(
        gone.iter().any(|l| l == "40 THE SILENT FRIEND."),
        "{gone:#?}"
    );
    assert!(gone.iter().any(|l| l == "A JOURNBY NORTH. 41"), "{gone:#?}");
    assert_eq!(gone.len(), numbers.len(), "{gone:#?}");
    let short = cleaned
        .changes
        .iter()
        .find(|c| c.before.contains("SILENT FRIEND.") && c.before.starts_with("40"))
        .unwrap();
    assert!(
        short.evidence.contains("run of 2 heads"),
        "{}",
        short.evidence
    );
}

#[test]
fn a_short_run_of_other_text_or_out_of_sequence_stays() {
    // The same scan, but the run's lines are not the book's heads (a letter's heading with its
    // number) ...
    let numbers: Vec<usize> = (11..=22).chain([40, 41]).chain(60..=71).collect();
    let other = pages_numbered(
        &numbers,
        &[
            (40, "40 LETTER TO THE COUNCIL."),
            (41, "LETTER TO THE COUNCIL. 41"),
        ],
    );
    let gone = removed(&clean(&other));
    assert!(!gone.iter().any(|l| l.contains("COUNCIL")), "{gone:#?}");
    // ... or their numbers do not lie between the heads around them (misread: 90, 91 between 22
    // and 60): no run of the page sequence. (The recurring-head rule may still take a line whose
    // text recurs at the top of the pages around it, on its own evidence.)
    let numbers: Vec<usize> = (11..=22).chain([90, 91]).chain(60..=71).collect();
    let cleaned = clean(&pages_numbered(&numbers, &[]));
    let runs: Vec<&str> = cleaned
        .changes
        .iter()
        .filter(|c| c.evidence.contains("in a run of"))
        .map(|c| c.before.as_str())
        .collect();
    assert!(runs.is_empty(), "{runs:#?}");
}

#[test]
fn a_line_like_a_head_away_from_the_page_edge_or_not_in_capitals_is_text() {
    // Mid-page, a chapter title that repeats the recto head; at a page edge whose head is missing,
    // a sentence with the head's words; and a number-like line that is not the expected page.
    // Before the first head, a chapter's title at the top of its first page, where the sequence
    // would put page 10's head: without a number, it is no head.
    let mut text = format!(
        "A JOURNEY NORTH.\n\n{}\n\n\n{}",
        prose(10, 14),
        book(12, None)
    );
    let mid = "ordinary words, line 7 of the page, and more words\n";
    let at = text.match_indices(mid).nth(4).unwrap().0 + mid.len();
    text.insert_str(at, "\nA JOURNEY NORTH.\n\n");
    text = text.replacen("A JOURNEY NORTH. 17\n", "A journey north. So\n", 1);
    text = text.replacen(
        "20 THE SILENT FRIEND.\n",
        "The year 1648 saw the fleet\n",
        1,
    );
    let cleaned = clean(&text);
    assert_eq!(
        rules(&cleaned, "furniture.damaged-head"),
        0,
        "{:#?}",
        removed(&cleaned)
    );
    assert_eq!(
        cleaned.body.matches("A JOURNEY NORTH.").count(),
        2,
        "{}",
        cleaned.body
    );
    assert!(cleaned.body.contains("A journey north. So"));
    assert!(cleaned.body.contains("The year 1648 saw the fleet"));
}

#[test]
fn watermarks_end_pages_and_are_removed_in_every_form() {
    let text =
        book(6, Some("Digitized by VjOOQ IC")) + &book(3, Some("Digitized\n\n\n\nby Google"));
    let cleaned = clean(&text);
    assert_eq!(rules(&cleaned, "furniture.watermark"), 9);
    assert!(!cleaned.body.contains("Digitized") && !cleaned.body.contains("Google"));
    assert!(!cleaned.notes.iter().any(|n| n.contains("Google")));
}

#[test]
fn a_watermark_that_occurs_once_is_text() {
    let text = format!(
        "{}\nThe company was founded in 1998; the search engine, written\nby Google\n\n{}",
        prose(1, 10),
        prose(2, 10)
    );
    let cleaned = clean(&text);
    assert_eq!(rules(&cleaned, "furniture.watermark"), 0);
    assert!(cleaned.body.contains("by Google"));
}

#[test]
fn the_google_front_matter_is_one_recorded_block() {
    let text = format!(
        "This is a digital copy of a book that was preserved for generations on library shelves before it was carefully scanned by Google\n\nUsage guidelines\n\nGoogle is proud to partner with libraries.\n\nat |http : //books . google . com/\n\n\n\n{}",
        book(5, Some("Digitized by Google"))
    );
    let cleaned = clean(&text);
    assert_eq!(rules(&cleaned, "furniture.boilerplate"), 1);
    assert!(!cleaned.body.contains("Usage guidelines"));
}

#[test]
fn hathitrust_page_markers_start_pages_and_are_removed() {
    let text = format!(
        "## p. 12 (#20) ################################\n\n{}\n## p. 13 (#21) ################################\n\n{}",
        prose(12, 10),
        prose(13, 10)
    );
    let cleaned = clean(&text);
    assert_eq!(rules(&cleaned, "furniture.page-marker"), 2);
    assert_eq!(rules(&cleaned, "pages.boundary"), 1);
    assert!(!cleaned.body.contains("##"));
}

/// Content made of short lines that end in numbers, between hard-wrapped prose (so that every
/// page detector that reads printed lines runs): nothing of it is furniture.
fn assert_nothing_removed(text: &str) {
    let text = format!("{}\n{text}\n{}", prose(1, 12), prose(2, 12));
    assert!(ocrclean::layout::shows_hard_wrap(&text));
    let cleaned = clean(&text);
    let gone: Vec<&Change> = cleaned
        .changes
        .iter()
        .filter(|c| c.applied && c.kind == ChangeKind::Furniture)
        .collect();
    assert!(gone.is_empty(), "content removed as furniture: {gone:#?}");
    assert_eq!(rules(&cleaned, "pages.boundary"), 0);
}

#[test]
fn a_table_of_contents_is_content() {
    let mut text = String::from("CONTENTS.\n\nBook Page\n\n");
    let titles = [
        "A Just Man",
        "The Fall",
        "In the Year 1817",
        "To Confide is Sometimes to Deliver",
        "The Descent",
        "Javert",
        "The Champmathieu Affair",
        "A Counter-Blow",
        "Waterloo",
        "The Ship Orion",
        "The Gorbeau Hovel",
        "Le Petit-Picpus",
    ];
    for (i, t) in titles.iter().enumerate() {
        text.push_str(&format!(
            "{}. {t} {}\n\n",
            [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
            ][i],
            1 + i * 27
        ));
    }
    // The same table again, as a second contents page would show it after a page break.
    let twice = format!("{text}\n\n\nCONTENTS.\n\n{text}");
    assert_nothing_removed(&twice);
}

#[test]
fn an_index_and_a_calendar_of_letters_are_content() {
    let mut index = String::from("INDEX.\n\n");
    for (i, w) in [
        "Aden", "Agra", "Amboyna", "Bantam", "Calicut", "Ceylon", "Java", "Macao", "Surat", "Yemen",
    ]
    .iter()
    .enumerate()
    {
        index.push_str(&format!("{w}, {}\n", 12 + i));
        index.push_str(&format!("{w} Road, {}\n\n", 13 + i));
    }
    assert_nothing_removed(&index);
    let mut calendar = String::from("CALENDAR OF LETTERS.\n\n");
    for n in 1..=30 {
        calendar.push_str(&format!("Letter from the Governor to the Factors {n}\n\n"));
    }
    assert_nothing_removed(&calendar);
}

#[test]
fn a_list_of_figures_with_page_numbers_is_content() {
    let mut text = String::from("LIST OF ILLUSTRATIONS.\n\n");
    for n in 1..=20 {
        text.push_str(&format!(
            "The Red Dragon at Sea, Plate {n} .... {}\n\n",
            10 + 2 * n
        ));
    }
    assert_nothing_removed(&text);
}

#[test]
fn numbered_sections_and_year_headings_are_not_page_numbers() {
    let mut text = String::new();
    for n in 1..=8 {
        text.push_str(&format!("{}.\n\n{}\n\n", 1600 + n, prose(n, 12)));
    }
    assert_nothing_removed(&text);
    let mut sections = String::new();
    for n in 1..=8 {
        sections.push_str(&format!("{n}.\n\n{}\n\n", prose(n, 12)));
    }
    assert_nothing_removed(&sections);
}

/// The dev corpora, where they are (they are not in the repository; nothing of them is copied).
fn corpus(path: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(path);
    if dir.exists() {
        Some(dir)
    } else {
        eprintln!("{}: missing, skipped", dir.display());
        None
    }
}

fn second_run_changes(doc: &Document) -> Vec<Change> {
    let cleaned = cleaner().clean(doc).unwrap();
    let again = cleaner()
        .clean(&Document::from_bytes("again", cleaned.body.into_bytes()))
        .unwrap();
    again.changes.into_iter().filter(|c| c.applied).collect()
}

#[test]
fn cleaning_the_cleaned_books_again_changes_nothing() {
    let mut documents: Vec<Document> = Vec::new();
    let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join("raw");
    documents.extend(common::documents(&raw));
    for folder in ["ia-books", "jstor-1907", "hathitrust-pages", "seed"] {
        let Some(dir) = corpus(folder) else { continue };
        for path in common::sorted(&dir) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|x| x == "txt") && !name.starts_with("LICENSE") {
                documents.push(Document::from_bytes(name, std::fs::read(&path).unwrap()));
            }
        }
    }
    for folder in [
        "grenzboten-1841/abbyy-txt",
        "grenzboten-1841/tess-txt",
        "mibio-1907/ocr",
    ] {
        if let Some(dir) = corpus(folder) {
            documents.push(common::page_folder(&dir));
        }
    }
    // Every pass reaches its fixed point in one run: the word passes run rounds until their own
    // repairs give them nothing more to do, and dehyphenate decides a hyphen inside a line after
    // the word repairs, on the halves as they leave them.
    let mut unstable = Vec::new();
    for doc in &documents {
        let changes = second_run_changes(doc);
        if !changes.is_empty() {
            let shown: Vec<String> = changes
                .iter()
                .map(|c| format!("{}: {:?} -> {:?}", c.rule, c.before, c.after))
                .collect();
            unstable.push(format!("{}: {shown:#?}", doc.name));
        }
    }
    assert!(unstable.is_empty(), "{}", unstable.join("\n"));
}

/// The 1887 novel's `Jaek- pudding`: the word repairs make it `Jack- pudding`, a form the document
/// writes `Jack-pudding`; the hyphen inside the line is decided on the repaired halves, in the
/// same run, so that cleaning the result again changes nothing.
#[test]
fn a_hyphen_inside_a_line_is_decided_on_the_repaired_words() {
    let text = "The Jack-pudding laughed at the fair, and the whole crowd laughed with the \
                Jack-pudding until the evening came.\n\nThen the Jaek- pudding bowed to the crowd, \
                and he left the fair with the others when the night was falling on the town.\n";
    let cleaned = clean(text);
    assert!(
        cleaned.body.contains("Then the Jack-pudding bowed"),
        "{}",
        cleaned.body
    );
    let again = clean(&cleaned.body);
    let applied: Vec<&Change> = again.changes.iter().filter(|c| c.applied).collect();
    assert!(applied.is_empty(), "{applied:#?}");
}

/// The small three-page case of the issue: pages split by form feeds, each opening with the same
/// head (no number), page 1 too; page 1 ends a paragraph on a short line that ends a sentence.
fn parish_pages(head: &str) -> String {
    let body = |page: usize| {
        format!(
            "The meeting of the parish council on page {page} was held in\n\
             the schoolroom, where the members heard the accounts of the\n\
             year and agreed that the churchyard wall should be mended\n\
             before the winter, at a cost that the vestry would bear.\n\
             The vicar thanked them.\n"
        )
    };
    format!(
        "{head}\n\n{}\x0c{head}\n\n{}\x0c{head}\n\n{}",
        body(1),
        body(2),
        body(3)
    )
}

#[test]
fn a_head_standing_alone_at_the_top_of_every_page_is_removed_page_one_too() {
    let cleaned = clean(&parish_pages("PARISH MAGAZINE"));
    assert_eq!(
        removed(&cleaned),
        vec!["PARISH MAGAZINE"; 3],
        "{:#?}",
        cleaned.changes
    );
    assert!(!cleaned.body.contains("PARISH MAGAZINE"));
    // The paragraph that ends on a short line before the page break is not joined to the next.
    assert!(
        cleaned
            .body
            .contains("The vicar thanked them.\n\nThe meeting of the parish council on page 2"),
        "{}",
        cleaned.body
    );
}

#[test]
fn a_title_on_page_one_whose_heads_carry_numbers_stays() {
    // An article: its title on page 1, the running heads of the next pages with page numbers.
    let text = parish_pages("PARISH MAGAZINE")
        .replacen("PARISH MAGAZINE", "Parish Magazine of Saint Mary", 1)
        .replacen(
            "\x0cPARISH MAGAZINE",
            "\x0c36 PARISH MAGAZINE OF SAINT MARY",
            1,
        )
        .replacen(
            "\x0cPARISH MAGAZINE",
            "\x0cPARISH MAGAZINE OF SAINT MARY 37",
            1,
        );
    let cleaned = clean(&text);
    assert!(
        cleaned.body.starts_with("Parish Magazine of Saint Mary"),
        "{}",
        cleaned.body
    );
    // A head on only some pages is not a head standing on every page.
    let text = parish_pages("PARISH MAGAZINE").replacen("\x0cPARISH MAGAZINE\n\n", "\x0c", 1);
    let cleaned = clean(&text);
    assert!(
        cleaned.body.starts_with("PARISH MAGAZINE"),
        "{}",
        cleaned.body
    );
}

// Footnotes in books: marks as the OCR renders a book's superscripts (spaced numbers, letters and
// signs for the numbers it misread, letter keys), several notes on one line, a note continued on
// the next page, and the body never taken for a note.

/// `lines` lines of a letter's body, about 50 characters each and without figures (a figure
/// standing alone could be a spaced reference mark).
fn letter_body(page: &str, lines: usize) -> String {
    const WORDS: [&str; 6] = ["first", "second", "third", "fourth", "fifth", "sixth"];
    let mut out = format!("The letter of the {page} page tells the factors to\n");
    for i in 1..lines {
        out.push_str(&format!(
            "sell their cloth at the best price, the {} time, and\n",
            WORDS[i % WORDS.len()]
        ));
    }
    out
}

/// Two lines of a note set in smaller type: about 75 characters, wider than the body's lines.
const WIDE_NOTE: &str = "Brought home the Dragon in the Third Voyage, and was thereupon engaged for\n\
                         the Sixth Voyage, as the minutes of the Court for that day record at length.";

fn notes_and_body(text: &str) -> (Vec<String>, String) {
    let cleaned = clean(text);
    (cleaned.notes, cleaned.body)
}

#[test]
fn spaced_marks_and_letters_or_signs_for_misread_numbers_are_notes() {
    // `a` and `*` are the OCR of the superscripts 2 and 3: they fill the block's sequence.
    let page = format!(
        "{}the Hector 1 and the Dragon 2 went out with the\nConsent 3 in the spring.\n\n1 {WIDE_NOTE}\n\n\
         a Replacing the name of the original owner of the share, which is struck\n\
         out in the manuscript, as the Court Minutes for the same day show it.\n\n\
         * Subsequently commanded the Globe in the Seventh Voyage, in the course of\n\
         which he died at sea, as the letters from Bantam of that year report.\n",
        letter_body("first", 8)
    );
    let text = format!("{page}\x0c{}", letter_body("second", 10));
    let (notes, body) = notes_and_body(&text);
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(notes[1].starts_with("Replacing") && notes[2].starts_with("Subsequently"));
    assert!(
        body.contains("the Hector[^1] and the Dragon[^2] went out with the Consent[^3] in"),
        "{body}"
    );
}

#[test]
fn notes_keyed_by_letters_are_found_and_a_word_hyphenated_above_them_joins_the_next_page() {
    let page = format!(
        "{}with the stipu-\n\n\
         a See the preceding document, where the same order is set down at length\n\
         in the words of the Court, as the minutes of that day give them in full.\n\n\
         b Compare the letter of the year before, which the Court sent by the Hector\n\
         to the factors at Bantam, and the answer that came back in the spring.\n",
        letter_body("first", 9)
    );
    let text = format!(
        "{page}\x0clation that he should remain in the Indies for three\n{}",
        letter_body("second", 9)
    );
    let (notes, body) = notes_and_body(&text);
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(notes[0].starts_with("See the preceding"), "{notes:#?}");
    assert!(body.contains("with the stipulation that he"), "{body}");
}

#[test]
fn notes_run_together_on_one_line_are_split_at_their_marks() {
    let page = format!(
        "{}the word haply 1 and the like 2 stand there.\n{}\n1 Haply. 2 The like.\n",
        letter_body("first", 6),
        letter_body("next", 3)
    );
    let text = format!("{page}\x0c{}", letter_body("second", 10));
    let (notes, _) = notes_and_body(&text);
    assert_eq!(notes, vec!["Haply.", "The like."]);
}

fn continued_note_pages(continuation: &str) -> String {
    let first = format!(
        "{}the master Mollineux 1 went in the Dragon.\n{}\n1 {}\n",
        letter_body("first", 8),
        letter_body("next", 2),
        WIDE_NOTE.replace("length.", "length, but")
    );
    let second = format!(
        "{}and David Middleton 1 was captain of the Consent.\n\n{continuation}\n\n\
         1 Brother to Sir Henry Middleton, and also to the John Middleton who commanded\n\
         the Hector in the First Voyage, as the Court Minutes of the time set down.\n",
        letter_body("second", 8)
    );
    format!("{first}\x0c{second}\x0c{}", letter_body("third", 10))
}

#[test]
fn a_note_continued_on_the_next_page_joins_it_and_the_body_stays() {
    let wide = "Giles Thornton seems subsequently to have been preferred to that position, and\n\
                Molyneux was appointed pilot-major of the fleet in the year that followed.";
    let (notes, body) = notes_and_body(&continued_note_pages(wide));
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(notes[0].ends_with("at length, but Giles Thornton seems subsequently to have been preferred to that position, and Molyneux was appointed pilot-major of the fleet in the year that followed."), "{notes:#?}");
    assert!(!body.contains("Giles Thornton"));
    // The same paragraph at the body's width is the body, though the note above broke off.
    let narrow = "Giles Thornton seems subsequently to have been\n\
                  preferred to that position, and Molyneux was\n\
                  appointed pilot-major of the fleet that year.";
    let (notes, body) = notes_and_body(&continued_note_pages(narrow));
    assert!(notes[0].ends_with("at length, but"), "{notes:#?}");
    assert!(body.contains("Giles Thornton seems"), "{body}");
}

#[test]
fn a_note_ends_where_the_body_of_an_unmarked_next_page_resumes() {
    // No page break between the two pages (a missed boundary): the note stops at the gap.
    let text = format!(
        "{}the Hector 1 and so on.\n\n1 {WIDE_NOTE}\n\n\n\n{}\x0c{}",
        letter_body("first", 8),
        letter_body("second", 10),
        letter_body("third", 10)
    );
    let (notes, body) = notes_and_body(&text);
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0].ends_with("record at length."), "{notes:#?}");
    assert!(body.contains("The letter of the second page"), "{body}");
}

#[test]
fn section_breaks_lists_bullets_and_numbered_articles_in_the_body_are_not_notes() {
    let ends = [
        // A section break.
        "and so the day ended.\n\n* * *\n\nThe next morning the ships weighed anchor and stood\n\
         out to sea with a fair wind from the north.\n",
        // A list keyed by letters.
        "the articles were these:\n\na) the ships shall keep company by day and by night\n\
         b) the factors shall keep the accounts of the voyage\n",
        // Bullets.
        "the goods were these:\n\n* Broadcloth of the best sort, two hundred pieces\n\
         * Kerseys of the finest colours, one hundred pieces\n",
        // A numbered article at the body's width, its number standing in the body too.
        "and the Hector 2 masters shall obey the General.\n\n\
         2 ITEM we appointe & ordeyne our loueing freindf to be\n\
         leiuetenante of the shipps & men to take passadge in the\n\
         Hector and the Consent, all which we trust will carrie\n\
         themselues with such due respect one to another.\n",
        // A sentence that opens with a lone letter.
        "and they met there\n\na Portuguese ship, the St. Jago, which they took\n\
         after a long fight, with all her goods.\n",
    ];
    let pages: Vec<String> = ends
        .iter()
        .map(|end| format!("{}{end}", letter_body("some", 8)))
        .collect();
    let (notes, _) = notes_and_body(&pages.join("\x0c"));
    assert!(notes.is_empty(), "{notes:#?}");
}

/// Pages of a letter book whose notes (two to a page, set wider than the body) show the
/// document's note width.
fn pages_with_notes(pages: usize) -> String {
    (0..pages)
        .map(|p| {
            format!(
                "{}the Hector 1 and the Dragon 2 went out with the\nConsent of the Court.\n\n\
                 1 {WIDE_NOTE}\n\n2 {WIDE_NOTE}\n\x0c",
                letter_body(&format!("page {p}"), 9)
            )
        })
        .collect()
}

#[test]
fn long_notes_under_a_few_body_lines_are_notes_when_set_at_the_notes_width() {
    // A page of three body lines under five notes (an editor's notes on a list of wares): the
    // block starts in the upper third of the page, where notes are not looked for at first. It
    // opens with a spaced 1 after a blank line, the body holds its marks, and every note that
    // wraps is set at the width of the document's other notes.
    let tall = "Tzier, Mallya, 1 Patta 2 Mora, Tanknyla, there 3 are\n\
                white cloths with red stripes at the end and blue\n\
                kanteky and black cloths of the most part of them.\n\n\
                1 Malayia (the other copy).\n\n\
                2 This word means breadth, and signifies a cloth of one breadth only. The\n\
                do-patta, or sheet of two breadths, is the garment of the women there.\n\n\
                3 Theis (the other copy).\n\n\
                4 That is saffron-dyed stuff. Yellow has long been the colour of joy among\n\
                the people of the coast, and in their art the gods are always apparelled\n\
                in bright yellow; dull yellow being the colour of the vestments of monks,\n\
                and red is held to be a joyous colour, and is always worn at marriages.\n\n\
                5 China (the other copy).\n\x0c";
    let text = format!("{}{tall}{}", pages_with_notes(6), letter_body("last", 10));
    let (notes, body) = notes_and_body(&text);
    assert_eq!(notes.len(), 12 + 5, "{notes:#?}");
    assert_eq!(notes[12], "Malayia (the other copy).");
    assert!(notes[15].starts_with("That is saffron-dyed"), "{notes:#?}");
    assert!(body.contains("kanteky and black cloths"), "{body}");
    assert!(!body.contains("Malayia"), "{body}");
}

#[test]
fn a_numbered_list_high_on_a_page_at_the_body_width_stays_in_the_body() {
    // The same place on the page, a list of the body numbered from 1 (the letters to be written),
    // its items set at the body's width: no note, though the body holds a spaced 1 (`COMPANIE 1`,
    // a real mark whose note the OCR placed elsewhere).
    let list = "The COMPANIE 1 of merchants trading into the East Indies\n\
                humbly pray that his majesty would cause to be written\n\
                to sundry kings and governors these letters following.\n\n\
                1 TO THE great king of Suratt unto whose countries we\n\
                have not traded heretofore but now coming as merchants\n\
                and friends to traffic and trade pray that our persons\n\
                and goods may be well and friendly used in his lands,\n\
                and that he would be pleased to grant us privileges to\n\
                traffic quietly in his dominions and to settle there.\n\n\
                2 TO THE king of Java Major who wrote a letter to our\n\
                king and sent him two stones for a present, the receipt\n\
                and thankful acceptance whereof we pray his majesty to\n\
                mention in his letter, and to thank him for his kindness\n\
                to our merchants, praying the continuance of his favour\n\
                toward us, our ships and goods in all his dominions.\n\x0c";
    let text = format!("{}{list}{}", pages_with_notes(6), letter_body("last", 10));
    let (notes, body) = notes_and_body(&text);
    assert_eq!(notes.len(), 12, "{notes:#?}");
    assert!(body.contains("1 TO THE great king of Suratt"), "{body}");
    assert!(body.contains("2 TO THE king of Java Major"), "{body}");
}
