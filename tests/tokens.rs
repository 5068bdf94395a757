//! The token passes (confusions, numbers, links) on real excerpts of the seed article
//! (`raw/lukin-russias-korea-policy.txt`), with the shipped rules folder: what they must repair, and
//! the many things they must leave alone.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use ocrclean::{ChangeKind, Cleaned, Cleaner, Config, Document};

const TOKEN_PASSES: &[&str] = &["confusions", "numbers", "links"];

/// One cleaner for all tests: loading the lexicons is the slow part.
fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let rules = common::bundled_rules();
        Cleaner::new(
            rules,
            Config {
                language: Some("en".into()),
                ..Config::default()
            },
        )
    })
}

fn clean(raw: &str) -> Cleaned {
    cleaner()
        .clean(&Document::from_bytes("t", raw.as_bytes().to_vec()))
        .unwrap()
}

/// The applied changes of the token passes and the substitute rules, as `before → after`.
fn token_changes(cleaned: &Cleaned) -> Vec<String> {
    cleaned
        .changes
        .iter()
        .filter(|c| TOKEN_PASSES.contains(&c.pass.as_ref()) || c.pass == "substitute")
        .filter(|c| c.applied && c.kind == ChangeKind::Edit)
        .map(|c| format!("{}: {:?} → {:?}", c.rule, c.before, c.after))
        .collect()
}

#[test]
fn the_title_and_the_running_head_get_their_ordinal() {
    let cleaned = clean("Russia’s Korea Policy in the 21° Century\n");
    assert_eq!(cleaned.body, "Russia’s Korea Policy in the 21st Century\n");
    let cleaned = clean(
        "36 Russia’s Korea Policy in the 21% Century\ndeclaration consolidating the new level of that relationship was signed.\n",
    );
    assert!(
        cleaned.body.contains("the 21st Century declaration"),
        "{}",
        cleaned.body
    );
}

#[test]
fn a_misread_name_is_repaired_from_the_rest_of_the_document() {
    let raw = "As then-Foreign Minister Igor Ivanov wrote in his book: “Russian policy toward the\n\
Korean peninsula is based on the need to maintain good neighborly relations.”\n\n\
2_Tgor Ivanov, Novaya rossiyskaya diplomatiya. Desyat’ let vneshney politiki strany [The\n\
New Russian Diplomacy: Ten Years of the Country’s Foreign Policy] (Moscow:\n\
Olma-Press, 2001), p. 158.\n\n\
Relations and Cooperation that, according to Igor Ivanov, “underlined the\n\
decade of cool relations between the two countries.”\n";
    let cleaned = clean(raw);
    assert!(
        cleaned.body.contains("2_Igor Ivanov, Novaya"),
        "{}",
        cleaned.body
    );
    let change = cleaned
        .changes
        .iter()
        .find(|c| c.rule == "confusions.word")
        .unwrap();
    assert_eq!(
        (change.before.as_str(), change.after.as_str()),
        ("Tgor", "Igor")
    );
    assert!(
        change.evidence.contains("x2 in document"),
        "{}",
        change.evidence
    );
    assert!(change.evidence.contains("`T`→`I`"), "{}", change.evidence);
    assert_eq!(
        token_changes(&cleaned).len(),
        1,
        "{:?}",
        token_changes(&cleaned)
    );
}

#[test]
fn the_three_urls_of_the_notes_are_whole_and_repaired() {
    let raw = "'-Vladimir Putin, “Speech at a Ceremony for Presenting Credentials,” May 15, 2000,\n\
http://eng kremlin.ru/speeches/2000/05/15/0000_type82914_126893.shtml.\n\n\
6-“Vneshnepoliticheskaya i diplomaticheskaya deyatel'nost’” Rossiyskoy Federatsii v\n\
2007 godu. Obzor MID Rossii” [Foreign Policy and Diplomatic Activity of the Russian\n\
Federation in 2007: A Survey by the Russian Foreign Ministry] (Moscow: Russian\n\
Foreign Ministry, March 2008), http://www.un.int/russia/new/MainRootrus/docs/\n\
off news/180308/newru2.htm.\n\n\
7-Interv’yu prezidenta Rossiyskoy Federatsii V.V.Putina yuzhnkoreyskim telekanalam\n\
“Em-Bi-Si” i “Key-Bi-Es” [Interview with President of the Russian Federation Vladimir\n\
V. Putin by the South Korean TV Channels of MBC and KBS], February 26, 2001,\n\
http://www.mid.ru/dip_vest.nsf/99b2ddc4f717¢733¢32567370042ee43/cc617ec3\n\
7ech5ed2¢3256a3a003{5735?0OpenDocument.\n";
    let cleaned = clean(raw);
    for url in [
        "http://eng.kremlin.ru/speeches/2000/05/15/0000_type82914_126893.shtml.\n",
        "http://www.un.int/russia/new/MainRootrus/docs/off_news/180308/newru2.htm.\n",
        "http://www.mid.ru/dip_vest.nsf/99b2ddc4f717c733c32567370042ee43/cc617ec37ecb5ed2c3256a3a003f5735?OpenDocument.\n",
    ] {
        assert!(cleaned.body.contains(url), "{url} not in\n{}", cleaned.body);
    }
    // Nothing but the URLs changed: the transliterations stay as printed.
    assert!(
        cleaned
            .body
            .contains("deyatel'nost’” Rossiyskoy Federatsii v 2007 godu. Obzor MID Rossii”")
    );
    assert!(
        cleaned
            .body
            .contains("V.V.Putina yuzhnkoreyskim telekanalam “Em-Bi-Si” i “Key-Bi-Es”")
    );
    let changes = token_changes(&cleaned);
    assert!(
        changes
            .iter()
            .all(|c| c.starts_with("links.") || c.starts_with("domino-url-command")),
        "{changes:?}"
    );
}

#[test]
fn without_underscores_in_the_documents_urls_a_path_space_is_only_flagged() {
    let raw = "Foreign Ministry, March 2008), http://www.un.int/russia/new/MainRootrus/docs/\noff news/180308/newru2.htm.\n";
    let cleaned = clean(raw);
    assert!(
        cleaned.body.contains("docs/off news/180308/newru2.htm."),
        "{}",
        cleaned.body
    );
    let flag = cleaned
        .changes
        .iter()
        .find(|c| c.rule == "links.path-space")
        .unwrap();
    assert!(!flag.applied);
    assert_eq!(flag.kind, ChangeKind::Review);
}

#[test]
fn names_transliterations_numbers_and_normal_urls_stay() {
    for raw in [
        "4-Andrey Kozyrev, Preobrazhenie [The Transformation] (Moscow: Mezhdunarodnye otnosheniya, 1995), p. 211.\n",
        "support of United Nations Security Council resolutions 1695 and 1718 caused a pained reaction in Pyongyang.\n",
        "The DPRK political elite have so far conserved a single solidifying element, which is the clan of Kim Jong-il.\n",
        "The Workers’ Party of Korea (WPK) has in effect turned into a propagandist element of the military leadership.\n",
        "Trade turnover has grown from $2.7 billion in 2000 to $15 billion in 2007. In 2008 mutual trade reached $20 billion.\n",
        "Under former President Boris Yeltsin, especially at the beginning of his term, the Moscow leadership answered “no”.\n",
        "More than 50% of the trade and a 5% rise were reported, at 38° north.\n",
        "See http://www.example.org/reports/2007/annual_review.html. Then the text goes on.\n",
    ] {
        let cleaned = clean(raw);
        assert_eq!(token_changes(&cleaned), Vec::<String>::new(), "{raw}");
        assert!(
            cleaned
                .changes
                .iter()
                .all(|c| !TOKEN_PASSES.contains(&c.pass.as_ref())),
            "flagged in {raw}: {:?}",
            cleaned.changes
        );
    }
}

#[test]
fn on_the_whole_seed_the_token_passes_make_exactly_the_expected_repairs() {
    let raw = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("raw/lukin-russias-korea-policy.txt"),
    )
    .unwrap();
    let cleaned = cleaner().clean(&Document::from_bytes("seed", raw)).unwrap();
    let token: Vec<String> = cleaned
        .changes
        .iter()
        .filter(|c| TOKEN_PASSES.contains(&c.pass.as_ref()))
        .map(|c| {
            format!(
                "{} {}: {:?} → {:?}",
                if c.applied { "applied" } else { "flagged" },
                c.rule,
                c.before,
                c.after
            )
        })
        .collect();
    assert_eq!(
        token,
        vec![
            "applied confusions.word: \"Tgor\" → \"Igor\"",
            // The title's `21°`; the running head's `21%` left with the head (page furniture).
            "applied numbers.ordinal-sign: \"°\" → \"st\"",
            "applied links.host-space: \" \" → \".\"",
            "applied links.join-break: \" \" → \"\"",
            "applied links.path-space: \" \" → \"_\"",
            "applied links.confusable-char: \"¢\" → \"c\"",
            "applied links.confusable-char: \"¢\" → \"c\"",
            "applied links.join-break: \" \" → \"\"",
            "applied links.hex-run: \"h\" → \"b\"",
            "applied links.confusable-char: \"¢\" → \"c\"",
            "applied links.confusable-char: \"{\" → \"f\"",
        ]
    );
}
