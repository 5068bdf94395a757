//! Line structure on real excerpts of the bundled corpus (the seed article and the Grenzboten
//! pages): words split at line ends joined or kept, paragraphs, headings and kept verse lines.

mod common;

use std::path::Path;

use ocrclean::{ChangeKind, Cleaned, Cleaner, Config, Document};

fn clean(text: &str, language: &str) -> Cleaned {
    let rules = common::bundled_rules();
    let config = Config {
        language: Some(language.to_string()),
        ..Config::default()
    };
    Cleaner::new(rules, config)
        .clean(&Document::from_bytes("t", text.as_bytes().to_vec()))
        .unwrap()
}

fn body(text: &str, language: &str) -> String {
    clean(text, language).body
}

#[test]
fn keeping_the_hyphen_would_be_wrong() {
    // Seed, page 1 and 4: syllable breaks.
    assert_eq!(
        body(
            "ceremony for the presentation of diplomatic creden-\ntials, President Vladimir Putin stated:",
            "en"
        ),
        "ceremony for the presentation of diplomatic credentials, President Vladimir Putin stated:\n"
    );
    assert_eq!(
        body(
            "strengthen the administrative-command system of managing the eco-\nnomy, keeping the same",
            "en"
        ),
        "strengthen the administrative-command system of managing the economy, keeping the same\n"
    );
    // Grenzboten page 5: German syllable breaks, one after a capitalised first half.
    assert_eq!(
        body(
            "Ja, wenn man germanisches Leben nur auf Sprache und einzelne Ge-\nwohnheiten bezieht, wenn man glaubt, Deutschland und Frankreich unter-\nscheiden sich nur darin",
            "de"
        ),
        "Ja, wenn man germanisches Leben nur auf Sprache und einzelne Gewohnheiten bezieht, wenn man glaubt, Deutschland und Frankreich unterscheiden sich nur darin\n"
    );
}

#[test]
fn joining_would_be_wrong() {
    for (raw, expected) in [
        (
            "relations built on the principles of modern international law, non-\ninterference in internal affairs, mutual respect",
            "relations built on the principles of modern international law, non-interference in internal affairs, mutual respect\n",
        ),
        (
            "Pyongyang has expressed its wish to revive production at the thirty-\neight industrial facilities",
            "Pyongyang has expressed its wish to revive production at the thirty-eight industrial facilities\n",
        ),
        (
            "Sergei Ivanov visited South Korea and the fifth meeting of the Russia-\nKorea Joint Committee of Economic",
            "Sergei Ivanov visited South Korea and the fifth meeting of the Russia-Korea Joint Committee of Economic\n",
        ),
    ] {
        assert_eq!(body(raw, "en"), expected);
    }
}

#[test]
fn dashes_and_whole_hyphenated_words_are_left_alone() {
    let raw = "of the leaders create an atmosphere of hopelessness - and disbelief in\nthe possibility of change for the better - that so far has permitted the\nclan of Kim Jong-il.";
    let cleaned = clean(raw, "en");
    assert_eq!(
        cleaned.body,
        "of the leaders create an atmosphere of hopelessness - and disbelief in the possibility of change for the better - that so far has permitted the clan of Kim Jong-il.\n"
    );
    assert!(
        cleaned
            .changes
            .iter()
            .all(|c| !c.pass.starts_with("dehyphenate"))
    );
}

#[test]
fn the_seed_joins_six_words_and_keeps_three_hyphens() {
    let raw = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("raw/lukin-russias-korea-policy.txt"),
    )
    .unwrap();
    let cleaned = clean(&raw, "en");
    let joined: Vec<&str> = cleaned
        .changes
        .iter()
        .filter(|c| c.rule == "dehyphenate.join" && c.applied)
        .map(|c| c.evidence.as_ref())
        .collect();
    // The sixth, `inter-` / footnote block / `national`, joins once the footnotes have left.
    assert_eq!(joined.len(), 6, "{joined:#?}");
    for word in [
        "international strategy",
        "international organizations",
        "credentials",
        "economy, keeping",
        "interdepartmental",
        "agreements on the",
    ] {
        assert!(cleaned.body.contains(word), "{word}");
    }
    for word in ["non-interference", "thirty-eight", "Russia-Korea"] {
        assert!(cleaned.body.contains(word), "{word}");
    }
    let paragraphs: Vec<&str> = cleaned.body.split("\n\n").collect();
    for heading in [
        "Alexander Lukin",
        "Abstract",
        "Russia and the DPRK",
        "Russia and South Korea",
        "The Russian View of Korea’s Unification",
    ] {
        assert!(paragraphs.contains(&heading), "{heading}");
    }
    // The blank line that cuts the abstract's last sentence is gone.
    assert!(
        cleaned
            .body
            .contains("possible future trends in Moscow’s Korea policy.\n\n")
    );
}

#[test]
fn a_reference_mark_after_a_full_stop_ends_the_paragraph() {
    let raw = "is not in line with the interests of\nChina.[^3]\nSome Russians may doubt whether Russia - a country that is trying\nto join";
    assert_eq!(
        body(raw, "en"),
        "is not in line with the interests of China.[^3]\n\nSome Russians may doubt whether Russia - a country that is trying to join\n"
    );
}

#[test]
fn a_page_break_is_no_paragraph_break_unless_the_text_says_so() {
    // Seed, page 12 (as if its blank line were a page break): a line that ends mid-sentence.
    let raw = "that North Korea is able to pay in cash and not simply apply for another\n\x0cloan on which it can easily default later. Second, it is hardly reasonable\nto fuel tensions on the peninsula and to heighten the perception of threat.\n\x0cAgainst South Korea. In principle, Russian business is ready to work in\nthe North Korean market.\n\x0cRussia provides humanitarian aid to the North Korean population,\nwhich experiences constant food shortages.";
    assert_eq!(
        body(raw, "en"),
        "that North Korea is able to pay in cash and not simply apply for another loan on which it can easily default later. Second, it is hardly reasonable to fuel tensions on the peninsula and to heighten the perception of threat. Against South Korea. In principle, Russian business is ready to work in the North Korean market.\n\nRussia provides humanitarian aid to the North Korean population, which experiences constant food shortages.\n"
    );
}

#[test]
fn verse_keeps_its_lines_and_is_reported() {
    // Grenzboten page 5, footnote: Uhland's verse after the prose that quotes it.
    let raw = "Um Ein Beispiel von Tausenden anzuführen, erinnern wir nur an die Vcrfas-\nsungskänipfe in Würtemberg 1816, wo die Opposition dem freisinnigen Könige,\nder eine ausgedehnte, die bisherigen Landesfreihciten erhöhende Constitution geben\nwollte, sich entgegenstellte und auf die Einsetzung des Ungebräuchlichen drang,\nund wo Uhland, der deutscheste Sänger, das Lied dichtete:\nWo je bei gutem, alten Wein\nDer Würtembcrgcr zecht,\nDa soll der erste Trinkspruch sein\nDas gute alte Recht.\n";
    let cleaned = clean(raw, "de");
    assert!(
        cleaned.body.ends_with(
            "das Lied dichtete:\n\nWo je bei gutem, alten Wein\nDer Würtembcrgcr zecht,\nDa soll der erste Trinkspruch sein\nDas gute alte Recht.\n"
        ),
        "{}",
        cleaned.body
    );
    let flagged: Vec<_> = cleaned
        .changes
        .iter()
        .filter(|c| c.rule == "reflow.kept-lines" && c.kind == ChangeKind::Review)
        .collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].raw.line, 6);
}

#[test]
fn prose_is_not_kept_as_lines() {
    // Grenzboten page 5: two short paragraph ends are not a block of verse.
    let raw = "und ohnmächtig sein!\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie\nein deutscher Laut erklang, wie ließe sich da ein germanisches Atom als\nUrsache angeben?\nJa, wenn man germanisches Leben nur auf Sprache und einzelne Ge-\nwohnheiten bezieht.";
    let cleaned = clean(raw, "de");
    assert!(
        cleaned
            .changes
            .iter()
            .all(|c| c.rule != "reflow.kept-lines")
    );
    assert_eq!(cleaned.body.matches("\n\n").count(), 2, "{}", cleaned.body);
}
