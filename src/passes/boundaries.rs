//! Word boundaries the scanner misplaced, repaired inside the confusions pass (rules
//! `confusions.join` and `confusions.split`): a word split by a space (`th e`, `hap pened`, and a
//! word cut at a line end whose hyphen the OCR lost, which reflow has turned into a space), and
//! words run together (`ofthe`, `tohave`).
//!
//! Join: two neighbouring words with one space between them, the second in lowercase, become one
//! when the joined spelling is a word (lexicon, or used at least twice by the document) that is
//! at least [`JOIN_RATIO`] times as frequent as the rarer part, and that part is rare
//! ([`JOIN_PART_MAX`]): `hap` + `pened` → `happened`, while `a way`, `in to` and `in deed` stay
//! (both parts are words of their own).
//!
//! Split: a token that the lexicon does not know (or knows as very rare) and the document uses at
//! most once becomes two words when both parts are words of the lexicon ([`SPLIT_PART_MIN`]) and
//! the likeliest split, weighed by [`SPLIT_WEIGHT`], beats the token as it stands and the runner-up
//! split by the pass's margin (by [`SPLIT_KNOWN_MARGIN`] when the lexicon knows the token:
//! `thereto` stays); a close call is flagged. Not in languages whose compounds are
//! closed (German, from `rules/hyphenation/LANG.toml`): an unknown compound is no run-together
//! pair there.
//!
//! Never: inside URLs (the pass skips them), across digits or symbols (words of letters only), a
//! part that is a capitalised name of the document.
//!
//! Known false positives: a rare real word that the lexicon lacks and that reads as two common
//! ones (`inkstand` if the lexicon lacked it): the margin over leaving it keeps most.

use std::ops::Range;

use super::confusions::{Counts, MARGIN, UNKNOWN_WORD, is_word, regular_case};
use crate::change::{BuiltinRule, ChangeKind, Edit};
use crate::lexicon::{Lexicon, lowercase};

pub const JOIN: BuiltinRule = BuiltinRule {
    id: "confusions.join",
    description: "A word split by a space (or by a line end whose hyphen the OCR lost) joined when the joined word is far more frequent than its rarer part.",
};
pub const SPLIT: BuiltinRule = BuiltinRule {
    id: "confusions.split",
    description: "Two words run together (an unknown token) split when both parts are words and the split clearly beats the token and the other splits.",
};

/// A join is considered only when one part is rarer than this (most pairs of words leave at once).
pub const JOIN_PART_MAX: f64 = 2e-4;
/// ... and, unless it is a single letter, rarer than this.
pub const JOIN_HALF_MAX: f64 = 2e-5;
/// The joined word must be this many times as frequent as the rarer part.
pub const JOIN_RATIO: f64 = 100.0;
/// A joined word the document does not use needs this lexicon frequency.
pub const JOIN_MIN: f64 = 1e-5;
/// Each part of a split must be at least this frequent in the lexicon ...
pub const SPLIT_PART_MIN: f64 = 1e-5;
/// ... and a one-letter part this frequent (`a`, `I`).
pub const SPLIT_LETTER_MIN: f64 = 1e-2;
/// Prior of a space lost between two words.
pub const SPLIT_WEIGHT: f64 = 0.1;
/// A token the lexicon knows as rarer than this may still be split (`ofthe`, which web text has).
pub const SPLIT_SUSPECT: f64 = 3e-6;
/// A token the lexicon knows is split only when the split is this many times likelier than the
/// token (the pass's margin for an unknown one). Measured on ICDAR 2017: five of sixteen
/// contradicted word repairs were known words split (`thereto` → `there to`), two repairs lost.
pub const SPLIT_KNOWN_MARGIN: f64 = 20.0;
/// Tokens shorter than this (in characters) are never split.
pub const SPLIT_MIN_LEN: usize = 5;

fn frequency(lexicon: Option<&Lexicon>, word: &str) -> f64 {
    lexicon.and_then(|l| l.frequency(word)).unwrap_or(0.0)
}

/// Whether the tokens at `a` and `b` of `text` could be one word (the tests that need no lookup):
/// words of letters, the second in lowercase, one or more spaces or tabs between them (a collapsed
/// run reads the same, so the join never waits for the spacing rules, which run later: a second
/// run would otherwise join what the first left apart).
pub fn may_join(text: &str, a: &Range<usize>, b: &Range<usize>) -> bool {
    let gap = &text[a.end..b.start];
    let (first, second) = (&text[a.clone()], &text[b.clone()]);
    !gap.is_empty()
        && gap.bytes().all(|b| b == b' ' || b == b'\t')
        && second.starts_with(|c: char| c.is_lowercase())
        && is_word(first)
        && is_word(second)
}

/// Whether `first` and `second` are rare enough to be halves of one word: a half of a split word
/// is rare (`pened`, `th`) or one letter (`w ere`, `th e`). Past this test a join is decided on
/// the document's counts (of the joined form and of the first half), so the pass reads such a
/// place again when a repair changes those counts.
pub fn halves_may_join(first: &str, second: &str, (fa, fb): (f64, f64)) -> bool {
    let rarer = fa.min(fb);
    let one_letter = first.chars().nth(1).is_none() || second.chars().nth(1).is_none();
    !(rarer >= JOIN_PART_MAX || (rarer >= JOIN_HALF_MAX && !one_letter))
}

/// The join of the tokens at `a` and `b` of `text` (which [`may_join`]), whose lexicon
/// frequencies are `frequencies`, if the evidence supports one.
pub fn join(
    text: &str,
    a: &Range<usize>,
    b: &Range<usize>,
    (fa, fb): (f64, f64),
    stats: &Counts,
    lexicon: Option<&Lexicon>,
) -> Option<Edit> {
    let (first, second) = (&text[a.clone()], &text[b.clone()]);
    let rarer = fa.min(fb);
    if !halves_may_join(first, second, (fa, fb)) {
        return None;
    }
    // A name of the document (always capitalised, used again) is not half of a word. Used again
    // in lowercase it is no name: in an ICDAR 2017 file `Com pany` stood beside `com munication`,
    // counted as two uses of `com` until the same run joined `communication`, so only a second
    // run joined `Company`.
    if first.starts_with(char::is_uppercase)
        && stats.count(first) >= 2
        && stats.always_capitalised(first)
        && fa < JOIN_PART_MAX
    {
        return None;
    }
    let joined = format!("{first}{second}");
    if !regular_case(&joined) {
        return None;
    }
    let fj = frequency(lexicon, &joined);
    let count = stats.count(&joined);
    if !(fj >= JOIN_MIN || count >= 2) || fj.max(count as f64 * 1e-5) < JOIN_RATIO * rarer {
        return None;
    }
    Some(
        Edit::new(a.start..b.end, joined.clone(), JOIN)
            .confidence(0.8)
            .evidence(format!(
                "`{joined}` x{count} in document, lexicon {fj:.1e}; `{first}` lexicon {fa:.1e}, `{second}` lexicon {fb:.1e}"
            )),
    )
}

/// The split of `token` into two words, if the evidence supports one (range left to the caller).
pub fn split(token: &str, stats: &Counts, lexicon: Option<&Lexicon>, total: usize) -> Option<Edit> {
    if !is_word(token) || token.chars().nth(SPLIT_MIN_LEN - 1).is_none() {
        return None;
    }
    // Capitals only at the start: `pertyofSirRobert` is beyond a two-word split.
    if token.chars().skip(1).any(char::is_uppercase) {
        return None;
    }
    let own_count = stats.count(token);
    if own_count >= 2 {
        return None;
    }
    let own = frequency(lexicon, token);
    // The token's other uses in the document speak for it (this one is in question).
    let leave = own.max(UNKNOWN_WORD) + own_count.saturating_sub(1) as f64 / total.max(1) as f64;
    let part_ok = |part: &str, f: f64| {
        if part.chars().nth(1).is_none() {
            f >= SPLIT_LETTER_MIN
        } else {
            f >= SPLIT_PART_MIN && !part.contains(['\'', '’'])
        }
    };
    let mut splits: Vec<(f64, usize)> = Vec::new();
    for (i, _) in token.char_indices().skip(1) {
        let (left, right) = (&token[..i], &token[i..]);
        // The right part is looked up only when the left one is a word.
        let fl = frequency(lexicon, left);
        if !part_ok(left, fl) {
            continue;
        }
        let fr = frequency(lexicon, lowercase(right).as_ref());
        if part_ok(right, fr) {
            splits.push((SPLIT_WEIGHT * fl * fr, i));
        }
    }
    splits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let &(score, at) = splits.first()?;
    // A word the lexicon knows (`thereto`, rare in web text) is split only on far stronger
    // evidence than an unknown token (`ofthe` is 77 times likelier as `of the`).
    let margin = if own > 0.0 {
        SPLIT_KNOWN_MARGIN
    } else {
        MARGIN
    };
    if score < margin * leave {
        return None;
    }
    let runner = splits.get(1);
    let replacement = format!("{} {}", &token[..at], &token[at..]);
    let mut evidence = format!(
        "`{}` lexicon {:.1e} + `{}` lexicon {:.1e}; `{token}` x{own_count} in document, lexicon {own:.1e}",
        &token[..at],
        frequency(lexicon, &token[..at]),
        &token[at..],
        frequency(lexicon, &token[at..]),
    );
    let close = runner.is_some_and(|r| score < MARGIN * r.0);
    if let Some(&(_, other)) = runner {
        evidence.push_str(&format!(
            "; runner-up `{} {}`",
            &token[..other],
            &token[other..]
        ));
    }
    let edit = Edit::new(0..0, replacement, SPLIT)
        .confidence(0.8)
        .evidence(evidence);
    Some(if close {
        edit.kind(ChangeKind::Review)
    } else {
        edit
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confusion::ConfusionTable;
    use crate::passes::confusions::DocStats;

    fn lexicon() -> Lexicon {
        crate::lexicon::english(
            "the\t0.054\nof\t0.03\na\t0.02\nin\t0.019\nto\t0.027\nhave\t0.005\nway\t4e-4\naway\t5e-4\ninto\t1.6e-3\nhappened\t3e-4\nhap\t1.1e-6\nth\t1.6e-5\ne\t1.9e-4\nindeed\t1.5e-4\ndeed\t1e-5\nink\t2e-5\nstand\t2e-4\nfair\t1e-4\nweather\t5e-5\nofthe\t2.1e-6\nat\t4e-3\nthat\t0.01\nthere\t2e-3\nthereto\t8.5e-7\ncompany\t4e-4\ncom\t1.7e-5\n",
        )
    }

    fn joined(text: &str, document: &str) -> Option<String> {
        let t = ConfusionTable::default();
        let stats = DocStats::new(document, &t);
        let lex = lexicon();
        let ranges: Vec<Range<usize>> = super::super::confusions::tokens(text, &t).collect();
        let (a, b) = (&ranges[0], &ranges[1]);
        if !may_join(text, a, b) {
            return None;
        }
        let pair = (
            frequency(Some(&lex), &text[a.clone()]),
            frequency(Some(&lex), &text[b.clone()]),
        );
        join(text, a, b, pair, &Counts::from(&stats), Some(&lex)).map(|e| e.replacement.to_string())
    }

    fn split_of(token: &str) -> Option<(String, ChangeKind)> {
        let stats = DocStats::new("", &ConfusionTable::default());
        split(token, &Counts::from(&stats), Some(&lexicon()), 1000)
            .map(|e| (e.replacement.to_string(), e.kind))
    }

    #[test]
    fn a_word_split_by_a_space_is_joined() {
        assert_eq!(joined("th e", "").as_deref(), Some("the"));
        assert_eq!(joined("hap pened", "").as_deref(), Some("happened"));
        assert_eq!(joined("Th e", "").as_deref(), Some("The"));
    }

    #[test]
    fn two_words_stay_two_words() {
        for text in [
            "a way",
            "in to",
            "in deed",
            "th E",
            "hap, pened",
            "th 3",
            "Tver ebel",
        ] {
            assert_eq!(joined(text, "Tver Tver"), None, "{text}");
        }
    }

    #[test]
    fn a_capitalised_half_also_used_in_lowercase_is_no_name() {
        // An ICDAR 2017 file: `Com pany` beside `com munication` (joined in the same run). Were
        // the two counted as a name used twice, only a second run would join `Company`.
        assert_eq!(
            joined("Com pany", "the Com pany and its com munication").as_deref(),
            Some("Company")
        );
        // Always capitalised and used again, it is a name of the document.
        assert_eq!(
            joined("Com pany", "the Com pany and its Com munication"),
            None
        );
    }

    #[test]
    fn run_together_words_are_split() {
        assert_eq!(split_of("ofthe"), Some(("of the".into(), ChangeKind::Edit)));
        assert_eq!(
            split_of("tohave"),
            Some(("to have".into(), ChangeKind::Edit))
        );
    }

    #[test]
    fn rare_words_names_and_short_tokens_stay_whole() {
        // `fair` x `weather` is too rare a pair to beat an unknown word as it stands.
        for token in [
            "fairweather",
            "Fairweather",
            "inthE",
            "atthe'",
            "ofa",
            "tho",
            // A word of the lexicon, however rare, needs far more than `there` + `to`.
            "thereto",
        ] {
            assert_eq!(split_of(token), None, "{token}");
        }
    }
}
