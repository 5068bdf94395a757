//! Confusions: words the scanner misread, repaired from document-wide evidence.
//!
//! A token is a run of letters, digits, inner apostrophes and the symbols that start an OCR side of
//! the confusion table (`}`, `¢`, `{`, `|`, `^`; `}'` and `}-` are taken whole). A token is a
//! *suspect* when the lexicon does not know it (or knows it as a very rare word, below
//! [`RARE_WORD`], while the candidate is [`KNOWN_WORD_RATIO`] times more frequent: `tbe`, `aud`),
//! and the document rarely uses it. Its candidates are generated from the token itself: one or two
//! substitutions of the confusion table, at any place (never a scan of the word list). A candidate
//! must be a word (letters and inner apostrophes) with a regular case shape, and be supported: the
//! lexicon knows it ([`MIN_LEXICON`]; stricter for two substitutions) or the document uses it at
//! least twice and more often than the suspect.
//!
//! Score of a candidate: the product of the confusion weights times its support (lexicon frequency
//! plus its share of the document's tokens). The best candidate wins when it beats the runner-up
//! clearly; when they are close, the spot is flagged for review with both. Case is preserved: the
//! confusion's print side is inserted as written, the rest of the token is kept.
//!
//! Protected: a letters-only token that the document uses at least twice, always capitalised (a
//! name: `Ivanov`), or at least twice when the candidate is not ten times as common in the
//! document (a foreign word or transliteration used consistently), unless the candidate is one of
//! the language's most common words ([`SHORT_WORD`]) and the document writes it at least as often
//! as the token (`fiir` x16 beside `für` x100); all-capital tokens of up to
//! three letters (acronyms); tokens inside URLs. A consistent spelling is no protection when it
//! is a misreading of a word that the document and the lexicon write far more often (`tho` beside
//! `the`): tokens the lexicon knows are read by [`real_words`], which also reads real-word errors
//! from the pairs of words the document writes (`to bo` beside many `to be`).
//!
//! Known false positives: a rare word one confusion from a common one, when the document does not
//! use it again (`laud` is protected by its lexicon frequency, but a name absent from the lexicon
//! and one confusion from a word the document uses could be changed; the review flag helps here).

mod rounds;
mod stats;
mod word;

pub use rounds::edits_with;
pub use stats::{Counts, DocStats, tokens};
pub use word::correct;
pub(crate) use word::{is_word, regular_case, word_key};

use std::ops::Range;

use super::{BuiltinRule, Context, Pass, boundaries, real_words};
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;
use crate::lexicon::Lexicon;

pub struct Confusions;

pub const WORD: BuiltinRule = BuiltinRule {
    id: "confusions.word",
    description: "A word the scanner misread (rare in the document, unknown or very rare in the lexicon) replaced by the form one or two table confusions, or any one edit, away that the document or lexicon supports; flagged for review when two candidates are close.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[
    WORD,
    boundaries::JOIN,
    boundaries::SPLIT,
    real_words::REAL_WORD,
];

/// A candidate from one substitution that the document does not use needs this lexicon frequency.
pub const COMMON_WORD: f64 = 3e-5;
/// The same for a candidate from two substitutions.
pub const COMMON_WORD_TWO: f64 = 1e-4;
/// A candidate that the document uses needs at least this lexicon frequency (or more uses).
pub const MIN_LEXICON: f64 = 1e-6;
/// A short or capitalised token is repaired only to a word at least this frequent (short), or one
/// the document uses (capitalised).
pub const SHORT_WORD: f64 = 1e-3;
/// A word the lexicon knows is a suspect only when it is rarer than this ...
pub const RARE_WORD: f64 = 2e-6;
/// ... and the candidate is this many times more frequent.
pub const KNOWN_WORD_RATIO: f64 = 5e3;
/// Weight of reading a token's symbols as a smudge (deleting them).
pub const SMUDGE_WEIGHT: f64 = 0.5;
/// The best candidate must score this many times the runner-up to be applied.
pub const MARGIN: f64 = 4.0;
/// Weight of an edit that the confusion table does not list, for the candidates of the delete
/// index: a letter read as another, or a letter lost (a faint stroke) ...
pub const ONE_EDIT_WEIGHT: f64 = 0.05;
/// ... a letter the OCR added (rarer: `kund` for `und` is more likely a word of its own) or two
/// neighbours swapped.
pub const ONE_EDIT_ADDED_WEIGHT: f64 = 0.01;
/// Tokens shorter than this (in characters) get no candidates from the delete index: short words
/// have too many neighbours.
pub const ONE_EDIT_MIN_LEN: usize = 4;
/// Likelihood that a token the lexicon does not know is right as it stands (a name, a rare word, a
/// period spelling): a candidate of the delete index must beat leaving the token by [`MARGIN`].
pub const UNKNOWN_WORD: f64 = 1e-6;
/// Documents' own words are indexed for one-edit candidates when used at least this often.
pub const DOCUMENT_INDEX_MIN_COUNT: usize = 3;
/// A period spelling convention of the language's data (`u` for `v`) is the document's when its
/// readings turn at least this many distinct forms the lexicon lacks into words it knows at
/// [`CONVENTION_WORD`] (`haue`, `vpon`, `giue`) ...
pub const CONVENTION_FORMS: usize = 10;
/// ... and those forms are at least this share of the document's tokens (the East India Company
/// book's letters: `u` for `v` 1.0%, `y` for `i` 0.23%; the newspapers and the 1887 novel under
/// 0.005%, OCR errors that happen to read as such).
pub const CONVENTION_SHARE: f64 = 5e-4;
/// How common in the lexicon a reading must be to count for a convention.
pub const CONVENTION_WORD: f64 = 1e-5;

/// Word counts of the body alone (the text before the notes), and where the body ends.
struct BodyStats(DocStats, usize);

/// Word counts of the notes (the text after the body).
struct NoteStats(DocStats);

/// Rounds of the pass in one run at most: a repair may uncover another (`f o r` → `f or` →
/// `for`; `Parlia mcnt` → `Parlia ment` → `Parliament`), and each round's repairs shift the counts
/// that the next decides on. Books settle in two or three.
pub const MAX_ROUNDS: usize = 4;

/// The edits of the pass on `text`, with the document's statistics computed once (splits of
/// run-together words allowed; edits applied as the default threshold does).
pub fn edits(
    text: &str,
    stats: &DocStats,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    skip: &[Range<usize>],
) -> Vec<Edit> {
    let applies = |e: &Edit| {
        e.kind == ChangeKind::Edit
            && crate::pipeline::applies(e.confidence, crate::pipeline::DEFAULT_MIN_CONFIDENCE)
    };
    edits_with(
        text,
        &Counts::from(stats),
        lexicon,
        table,
        skip,
        true,
        &applies,
    )
}

impl Pass for Confusions {
    fn name(&self) -> &'static str {
        "confusions"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let table = &ctx.rules.confusions;
        if table.is_empty() {
            return Vec::new();
        }
        // Counted once per stage. The body is decided on the body's own counts: cleaning the
        // cleaned body again (without its notes) must find the same evidence and change nothing.
        // A note is decided on the whole document's (a name may be attested only in another note).
        // The body's run comes first and makes the body's counts; the notes' counts are laid
        // over them (counted once per stage too), not a second count of the whole document.
        let body = ctx.analysis.derived(|analysis| {
            BodyStats(
                DocStats::new(&analysis.document()[ctx.span.clone()], table),
                ctx.span.end,
            )
        });
        let notes = (ctx.span.start >= body.1).then(|| {
            ctx.analysis
                .derived(|analysis| NoteStats(DocStats::new(&analysis.document()[body.1..], table)))
        });
        let mut counts = Counts::from(&body.0);
        counts.notes = notes.as_deref().map(|n| &n.0);
        counts.spelling = ctx.language.and_then(|l| ctx.rules.spelling.get(l));
        counts.collection = ctx.collection.copied().unwrap_or_default();
        counts.total += notes.as_ref().map_or(0, |n| n.0.total);
        let skip = super::links::url_ranges(text);
        // An unknown compound is no run-together pair where compounds are written closed.
        let splits = !ctx
            .rules
            .hyphenation(ctx.language)
            .is_some_and(|h| h.closed_compounds);
        let applies = |e: &Edit| {
            e.kind == ChangeKind::Edit
                && ctx.applies(e.confidence)
                && !ctx.disabled.contains(e.rule.as_ref())
        };
        edits_with(text, &counts, ctx.lexicon, table, &skip, splits, &applies)
    }
}

/// `input` as the word repairs alone leave it, with `language`'s lexicon and the input as the whole
/// document: how spelling examples are run.
pub fn apply_alone(rules: &crate::rules::RuleSet, language: &str, input: &str) -> String {
    super::OnePass::new(&Confusions)
        .rules(rules)
        .language(language)
        .apply(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spelling::Spelling;

    pub(super) fn table() -> ConfusionTable {
        ConfusionTable::from_pairs(&[
            ("T", "I", 0.6),
            ("rn", "m", 0.8),
            ("li", "h", 0.8),
            ("u", "n", 0.7),
            ("n", "u", 0.7),
            ("c", "e", 0.6),
            ("b", "h", 0.6),
            ("h", "b", 0.6),
            ("}'", "y", 0.95),
            ("}", "y", 0.8),
            ("0", "o", 0.7),
            ("1", "l", 0.7),
        ])
    }

    fn lexicon() -> Lexicon {
        crate::lexicon::english(
            "the\t0.05\nand\t0.026\nin\t0.019\nof\t0.03\nonly\t0.001\nmodern\t1e-4\nmodem\t2.5e-6\nlaud\t4e-7\nland\t1.7e-4\naud\t1.4e-6\nivor\t2.3e-6\nbuffish\t1e-8\nhuffish\t1e-8\nten\t1e-4\nteu\t1e-7\n",
        )
    }

    /// A letter book's spelling (`u` for `v` in ten words) and the words they read as.
    const PERIOD: &str = "We haue receiued yo r letters and doe giue you thankes, and we haue \
        read the newes you sent vs. Wee pray you to haue a care of the goods, to serue vs as you \
        haue done euer, and to deliuer them vpon the arriuall of the shipps. We leaue the same to \
        yo r graue consideracons, as we haue done euery time, and liue in hope of the grace of God.";
    const PERIOD_WORDS: &str = "have\t3e-3\nreceived\t1e-4\ngive\t6e-4\nserve\t1e-4\never\t5e-4\n\
        deliver\t5e-5\narrival\t2e-5\nleave\t2e-4\ngrave\t3e-5\nevery\t6e-4\nupon\t3e-4\n\
        us\t2e-3\ngrace\t3.6e-5\nlive\t2e-4\nthe\t0.05\n";

    fn spelling() -> Spelling {
        Spelling::parse(
            "en",
            std::path::Path::new("en.toml"),
            "variants = [[\"u\", \"v\"], [\"v\", \"u\"]]",
        )
        .unwrap()
    }

    #[test]
    fn a_word_in_a_spelling_convention_the_document_writes_throughout_is_no_misreading() {
        let (lexicon, spelling) = (crate::lexicon::english(PERIOD_WORDS), spelling());
        let table = table();
        let stats = DocStats::new(PERIOD, &table);
        let mut counts = Counts::from(&stats);
        counts.spelling = Some(&spelling);
        assert_eq!(
            stats.conventions(&lexicon, &spelling),
            [("u".to_string(), "v".to_string())]
        );
        assert!(counts.period_spelling("graue", &lexicon));
        // Not a reading of a lexicon word through the convention.
        assert!(!counts.period_spelling("grane", &lexicon));
        // A modern text with one such form shows no convention.
        let modern = DocStats::new(
            "The grace of the house and the graue matters of the day.",
            &table,
        );
        let mut counts = Counts::from(&modern);
        counts.spelling = Some(&spelling);
        assert!(!counts.period_spelling("graue", &lexicon));
        assert!(modern.conventions(&lexicon, &spelling).is_empty());
    }

    fn run(text: &str, document: &str) -> Vec<Edit> {
        let t = table();
        let stats = DocStats::new(document, &t);
        let lex = lexicon();
        edits(text, &stats, Some(&lex), &t, &[])
    }

    fn applied(text: &str, document: &str) -> String {
        crate::change::apply_edits(text, &run(text, document))
    }

    #[test]
    fn tokens_keep_confusable_symbols_and_inner_apostrophes() {
        let t = table();
        let text = "it is onl}' a chance, Russia’s bell} 'quoted' 0f";
        let found: Vec<&str> = tokens(text, &t).map(|r| &text[r]).collect();
        assert_eq!(
            found,
            vec![
                "it",
                "is",
                "onl}'",
                "a",
                "chance",
                "Russia’s",
                "bell}",
                "quoted",
                "0f"
            ]
        );
    }

    #[test]
    fn misread_words_are_repaired_with_their_evidence() {
        assert_eq!(applied("it is onl}' a chance", ""), "it is only a chance");
        assert_eq!(applied("tlie end 0f it", ""), "the end of it");
        assert_eq!(applied("a rnodern view", ""), "a modern view");
        let edits = run("iu the field", "");
        assert_eq!(edits[0].replacement, "in");
        assert!(
            edits[0].evidence.contains("`u`→`n`"),
            "{}",
            edits[0].evidence
        );
        assert!(edits[0].evidence.contains("unknown to the lexicon"));
    }

    #[test]
    fn a_name_is_repaired_from_the_document_preserving_case() {
        let document = "Minister Ivor Ivanov wrote. Tvor Ivanov, a book. Ivor Ivanov said.";
        assert_eq!(
            applied("Tvor Ivanov, a book.", document),
            "Ivor Ivanov, a book."
        );
        let edit = &run("Tvor Ivanov", document)[0];
        assert!(
            edit.evidence.contains("`Ivor` x2 in document"),
            "{}",
            edit.evidence
        );
    }

    #[test]
    fn a_recurring_misreading_of_a_most_common_word_is_repaired_where_the_word_is_as_common() {
        // `iu` x2 is no spelling of this document: `in`, among the language's most common words,
        // stands three times beside it.
        let document = "iu the field, iu the house, in the garden, in the town, in the city";
        assert_eq!(
            applied(document, document),
            "in the field, in the house, in the garden, in the town, in the city"
        );
        // Written more often than the word it would be, the token is the document's own.
        let document = "iu the field, iu the house, iu the garden, in the town, in the city";
        assert_eq!(applied(document, document), document);
        // Nor is a recurring token repaired to a less common word on this evidence alone.
        let t = table();
        let lex = crate::lexicon::english("the\t0.05\nseason\t1e-4\n");
        let document = "the seasou, the seasou, the season, the season, the season";
        let stats = DocStats::new(document, &t);
        assert!(edits(document, &stats, Some(&lex), &t, &[]).is_empty());
    }

    #[test]
    fn a_very_rare_word_is_repaired_only_against_a_far_more_frequent_one() {
        assert_eq!(applied("bread aud butter", ""), "bread and butter");
        // `laud` is rare but `land` only 425 times as frequent: a real word, kept.
        assert_eq!(applied("to laud the effort", ""), "to laud the effort");
        assert_eq!(applied("a modem line", ""), "a modem line");
        // Ten thousand times as frequent is more than needed: `iu`, which web text writes (1.9e-6),
        // is `in` (0.0186), about 9800 times as frequent.
        let t = table();
        let lex = crate::lexicon::english("in\t0.0186\niu\t1.9e-6\n");
        let stats = DocStats::new("", &t);
        let found = edits("the day iu December", &stats, Some(&lex), &t, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].replacement, "in");
    }

    #[test]
    fn names_transliterations_and_acronyms_are_left_alone() {
        let document = "Tver is far. Tver again. Mezhdunarodnye otnosheniya. Teu Teu. WMD DPRK";
        for text in [
            "Tver is far.",
            "Mezhdunarodnye otnosheniya, Novaya rossiyskaya diplomatiya.",
            "Teu and Teu",
            "the WMD crisis and the DPRK",
            "Iike it",
            "in 1695 and 1718",
        ] {
            assert_eq!(applied(text, document), text, "{text}");
        }
    }

    #[test]
    fn pounds_shillings_and_pence_are_numbers_not_misread_words() {
        // A table that reads `1` as `I` and `l` as `f` would make `1l` (one pound) `If`.
        let t = ConfusionTable::from_pairs(&[("1", "I", 0.6), ("l", "f", 0.4)]);
        let lex = crate::lexicon::english("if\t2e-3\nof\t0.03\n");
        let stats = DocStats::new("", &t);
        for text in ["a fine of 1l.", "paid 5l 4s 6d"] {
            assert!(
                edits(text, &stats, Some(&lex), &t, &[]).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn close_candidates_are_flagged_not_applied() {
        // `huffish` → `buffish` (b/h) and both are rare in the lexicon: no support, no change.
        assert_eq!(applied("rosy huffish", ""), "rosy huffish");
        // `bcnch`: `bench` (c→e) is supported; with a close runner-up the spot is only flagged.
        let t = ConfusionTable::from_pairs(&[("c", "e", 0.6), ("c", "o", 0.6)]);
        let lex = crate::lexicon::english("bench\t1e-4\nbonch\t1e-4\n");
        let stats = DocStats::new("", &t);
        let e = edits("a bcnch", &stats, Some(&lex), &t, &[]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].kind, ChangeKind::Review);
        assert!(e[0].evidence.contains("runner-up"), "{}", e[0].evidence);
    }

    #[test]
    fn a_symbol_that_may_be_a_smudge_is_only_flagged() {
        // `the}'`: `they` (`}'` read for `y`) or `the` with a smudge? Both are words: a flag.
        let edits = run("and the}' were", "");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].kind, ChangeKind::Review);
        assert_eq!(applied("and the}' were", ""), "and the}' were");
        // `onl` is no word: `onl}'` is `only`.
        assert_eq!(applied("onl}' once", ""), "only once");
    }

    #[test]
    fn halves_of_a_hyphenated_word_and_case_changes_are_left_alone() {
        let t = ConfusionTable::from_pairs(&[("rn", "m", 0.8), ("l", "I", 0.5), ("u", "n", 0.7)]);
        let lex = crate::lexicon::english("northern\t1e-4\nthem\t1e-3\nincome\t1e-4\n");
        let stats = DocStats::new("", &t);
        assert!(edits("the nor-thern counties", &stats, Some(&lex), &t, &[]).is_empty());
        assert_eq!(
            edits("tell thern all", &stats, Some(&lex), &t, &[])[0].replacement,
            "them"
        );
        // `lucome` → `Income` would capitalise a lowercase word.
        assert!(edits("an lucome tax", &stats, Some(&lex), &t, &[]).is_empty());
    }

    #[test]
    fn any_one_edit_is_a_candidate_when_the_table_has_none() {
        let t = ConfusionTable::from_pairs(&[("u", "n", 0.7), ("∅", "n", 0.3)]);
        let lex =
            crate::lexicon::english("hunting\t1e-4\nseason\t1e-4\nmarket\t2e-4\nraven\t1e-5\n");
        let stats = DocStats::new("", &t);
        let fix = |text: &str| {
            crate::change::apply_edits(text, &edits(text, &stats, Some(&lex), &t, &[]))
        };
        // A lost letter (the table weighs it), a letter read as another (a low prior).
        assert_eq!(fix("the huntig season"), "the hunting season");
        assert_eq!(fix("the narket day"), "the market day");
        // Not enough against leaving an unknown word: a rare candidate, a word used again.
        assert_eq!(fix("a ravon flew"), "a ravon flew");
        let again = DocStats::new("seasan seasan", &t);
        assert!(edits("the seasan", &again, Some(&lex), &t, &[]).is_empty());
    }

    #[test]
    fn a_collection_whose_single_uses_are_misreadings_says_so_in_its_settings() {
        let source = |name: &str, text: &str| crate::rules::RuleSource {
            name: name.into(),
            origin: name.into(),
            text: std::borrow::Cow::Owned(text.into()),
        };
        let mut sources = vec![
            source("lexicon/en.tsv", "the\t0.05\nseason\t1e-4\nopened\t5e-5\n"),
            source("confusions/ocr.tsv", "u\tn\t0.7\n"),
        ];
        let text = "The seasan opened.\n";
        let run = |sources: &[crate::rules::RuleSource]| {
            let (rules, errors) = crate::rules::RuleSet::load(sources);
            assert!(errors.is_empty(), "{errors:?}");
            let edits = crate::passes::OnePass::new(&Confusions)
                .rules(&rules)
                .language("en")
                .collection_settings()
                .edits(text);
            (crate::change::apply_edits(text, &edits), edits)
        };
        // By default the token's one use in a short text speaks for it: nothing changes.
        assert_eq!(run(&sources).0, text);
        // Settings that keep the default change nothing either.
        sources.push(source(
            "collection/en.toml",
            "single_use_is_evidence = true\n",
        ));
        assert_eq!(run(&sources).0, text);
        // A collection whose corrected pages showed such words to be misreadings.
        sources.pop();
        sources.push(source(
            "collection/en.toml",
            "single_use_is_evidence = false\n",
        ));
        let (out, edits) = run(&sources);
        assert_eq!(out, "The season opened.\n");
        assert!(
            edits[0]
                .evidence
                .contains("one use is no evidence in this collection"),
            "{}",
            edits[0].evidence
        );
        // A capitalised misreading gets candidates of any one edit only when the collection says
        // so (and, as for the table's candidates, only a common word); its capital stays.
        let capitalised = "Tbere it opened.\n";
        sources[0] = source("lexicon/en.tsv", "it\t0.01\nthere\t2.6e-3\nopened\t5e-5\n");
        let run_on = |sources: &[crate::rules::RuleSource]| {
            let (rules, _) = crate::rules::RuleSet::load(sources);
            crate::passes::OnePass::new(&Confusions)
                .rules(&rules)
                .language("en")
                .collection_settings()
                .apply(capitalised)
        };
        assert_eq!(run_on(&sources), capitalised);
        sources.push(source(
            "collection/en.names.toml",
            "one_edit_capitalised = true\n",
        ));
        assert_eq!(run_on(&sources), "There it opened.\n");
        // The rules' examples run without a collection's settings.
        let (rules, _) = crate::rules::RuleSet::load(&sources);
        assert_eq!(
            crate::passes::OnePass::new(&Confusions)
                .rules(&rules)
                .language("en")
                .apply(text),
            text
        );
    }

    #[test]
    fn a_repair_that_uncovers_another_is_made_in_the_same_run() {
        // Round one reads `mcnt` as `ment`; round two joins `Parlia ment`; the two are one edit of
        // the input, with both evidences.
        let t = ConfusionTable::from_pairs(&[("c", "e", 0.6)]);
        let lex = crate::lexicon::english("the\t0.05\nmet\t1e-4\nment\t5e-5\nparliament\t5.5e-5\n");
        let text = "the Parlia mcnt met";
        let stats = DocStats::new(text, &t);
        let found = edits(text, &stats, Some(&lex), &t, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].range.clone()], "Parlia mcnt");
        assert_eq!(found[0].replacement, "Parliament");
        assert_eq!(found[0].rule, boundaries::JOIN.id);
        assert!(
            found[0].evidence.contains("; then "),
            "{}",
            found[0].evidence
        );
        let out = crate::change::apply_edits(text, &found);
        assert_eq!(out, "the Parliament met");
        // Cleaning the output again finds nothing.
        let again = DocStats::new(&out, &t);
        assert!(edits(&out, &again, Some(&lex), &t, &[]).is_empty());
    }

    #[test]
    fn the_rounds_leave_a_consistent_spelling_and_reach_a_fixed_point() {
        // `tlie` x2 with no `the` is the document's own spelling: no round may change it.
        let text = "tlie cat and tlie dog";
        assert_eq!(applied(text, text), text);
        let out = applied("tlie end 0f it", "tlie end 0f it");
        assert_eq!(applied(&out, &out), out);
    }

    #[test]
    fn urls_are_skipped() {
        let t = table();
        let text = "see http://example.org/tlie/page";
        let stats = DocStats::new(text, &t);
        let lex = lexicon();
        let skip = crate::passes::links::url_ranges(text);
        assert!(edits(text, &stats, Some(&lex), &t, &skip).is_empty());
    }
}
