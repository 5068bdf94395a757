//! The repair of one token: its candidates from the confusion table (or any one edit), weighed
//! against the document's counts and the lexicon.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use super::stats::{Counts, is_token_symbol};
use super::{
    COMMON_WORD, COMMON_WORD_TWO, KNOWN_WORD_RATIO, MARGIN, MIN_LEXICON, ONE_EDIT_ADDED_WEIGHT,
    ONE_EDIT_MIN_LEN, ONE_EDIT_WEIGHT, RARE_WORD, SHORT_WORD, SMUDGE_WEIGHT, UNKNOWN_WORD, WORD,
};
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;
use crate::lexicon::{Lexicon, lowercase};
use crate::passes::real_words;

/// How a candidate was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// One or two substitutions of the confusion table.
    Table,
    /// The token's symbols read as a smudge and deleted.
    Smudge,
    /// Any one edit (from the symmetric-delete index), weighed by the table or [`ONE_EDIT_WEIGHT`].
    OneEdit,
}

/// The confusions a candidate used, as (OCR side, print side): one or two, or a smudge deleted.
#[derive(Debug, Clone)]
struct Used<'a> {
    subs: [(Cow<'a, str>, Cow<'a, str>); 2],
    len: usize,
    reach: Reach,
}

impl<'a> Used<'a> {
    fn one(ocr: &'a str, print: &'a str) -> Self {
        Self {
            subs: [(ocr.into(), print.into()), ("".into(), "".into())],
            len: 1,
            reach: Reach::Table,
        }
    }

    fn two(first: (&'a str, &'a str), second: (&'a str, &'a str)) -> Self {
        Self {
            subs: [
                (first.0.into(), first.1.into()),
                (second.0.into(), second.1.into()),
            ],
            len: 2,
            reach: Reach::Table,
        }
    }

    /// The token's symbols read as a smudge and deleted (the symbols are the caller's to name).
    fn smudge() -> Self {
        Self {
            reach: Reach::Smudge,
            ..Self::one("", "")
        }
    }

    /// Any single edit: `ocr` written where the print had `print` (either may be empty).
    fn one_edit(ocr: String, print: String) -> Self {
        Self {
            subs: [(ocr.into(), print.into()), ("".into(), "".into())],
            len: 1,
            reach: Reach::OneEdit,
        }
    }

    fn as_slice(&self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        &self.subs[..self.len]
    }
}

/// A candidate spelling: the word, the confusions used and their weight product.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    word: String,
    used: Used<'a>,
    weight: f64,
}

/// Calls `each` with every spelling one or two substitutions away from `token`: each single
/// substitution, then the second substitutions after it (in the new word, so each pair comes
/// once). The spellings are built in two reused buffers: most are no word and are dropped at once.
fn for_each_candidate<'t>(
    token: &str,
    table: &'t ConfusionTable,
    mut each: impl FnMut(&str, Used<'t>, f64),
) {
    let mut single = String::with_capacity(token.len() + 4);
    let mut double = String::with_capacity(token.len() + 8);
    for (pos, _) in token.char_indices() {
        for c in table.matches_at(token, pos) {
            substitute_into(&mut single, token, pos, &c.ocr, &c.print);
            each(&single, Used::one(&c.ocr, &c.print), c.weight);
            let after = pos + c.print.len();
            for (offset, _) in single[after..].char_indices() {
                for c2 in table.matches_at(&single, after + offset) {
                    substitute_into(&mut double, &single, after + offset, &c2.ocr, &c2.print);
                    each(
                        &double,
                        Used::two((&c.ocr, &c.print), (&c2.ocr, &c2.print)),
                        c.weight * c2.weight,
                    );
                }
            }
        }
    }
}

/// Writes `word` with `ocr` at byte `pos` replaced by `print` into `out`.
fn substitute_into(out: &mut String, word: &str, pos: usize, ocr: &str, print: &str) {
    out.clear();
    out.push_str(&word[..pos]);
    out.push_str(print);
    out.push_str(&word[pos + ocr.len()..]);
}

/// Whether a candidate is supported: the lexicon knows it as a common word, or knows it and the
/// document uses it, or the document uses it often (and far more often than the suspect).
fn supported(frequency: f64, count: usize, own_count: usize, substitutions: usize) -> bool {
    let common = if substitutions == 1 {
        COMMON_WORD
    } else {
        COMMON_WORD_TWO
    };
    frequency >= common
        || (frequency >= MIN_LEXICON && count >= substitutions)
        || (count >= 3 * substitutions && count >= 2 * own_count.max(1))
}

/// Lowercase, Capitalised or UPPER: the case shapes a corrected word may have.
pub(crate) fn regular_case(word: &str) -> bool {
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let Some(first) = letters.next() else {
        return false;
    };
    let (mut all_lower, mut all_upper) = (true, first.is_uppercase());
    for c in letters {
        all_lower &= c.is_lowercase();
        all_upper &= c.is_uppercase();
    }
    all_lower || all_upper
}

pub(crate) fn is_word(word: &str) -> bool {
    let mut chars = word.chars().peekable();
    let mut prev_letter = false;
    while let Some(c) = chars.next() {
        if c.is_alphabetic() {
            prev_letter = true;
        } else if (c == '\'' || c == '’')
            && prev_letter
            && chars.peek().is_some_and(|n| n.is_alphabetic())
        {
            prev_letter = false;
        } else {
            return false;
        }
    }
    prev_letter
}

/// The edit for one token, if the evidence supports one.
pub fn correct(
    token: &str,
    range: Range<usize>,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
) -> Option<Edit> {
    correct_noting(
        token,
        range,
        stats,
        lexicon,
        table,
        &RefCell::new(Vec::new()),
    )
}

/// [`correct`], noting in `weighed` the keys ([`word_key`]) of the candidates whose counts in the
/// document were read: the verdict may change when their counts do.
pub(super) fn correct_noting<'t>(
    token: &str,
    range: Range<usize>,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &'t ConfusionTable,
    weighed: &RefCell<Vec<u64>>,
) -> Option<Edit> {
    if token.chars().count() < 2 || token.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let letters_only = is_word(token);
    if letters_only && token.chars().all(char::is_uppercase) && token.chars().count() <= 3 {
        return None;
    }
    let own_frequency = lexicon.and_then(|l| l.frequency(token));
    if own_frequency.is_some_and(|f| f > RARE_WORD) {
        return None;
    }
    let own_count = stats.count(token);
    let first_upper = token.chars().next().is_some_and(char::is_uppercase);
    let token_has_digit = token.chars().any(|c| c.is_ascii_digit());
    // Tokens with a digit and no letter, or mostly digits, belong to the numbers pass.
    if token_has_digit
        && token.chars().filter(|c| c.is_ascii_digit()).count() * 2 > token.chars().count()
    {
        return None;
    }
    // A number with its suffix (`1st`, `20th`, and pounds, shillings and pence: `5l`, `4s`, `6d`)
    // is not a misread word.
    let after_digits = token.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_digits.len() < token.len()
        && ["st", "nd", "rd", "th", "l", "s", "d"].contains(&after_digits)
    {
        return None;
    }
    if letters_only && own_count >= 2 && stats.always_capitalised(token) {
        return None;
    }
    if letters_only
        && own_frequency.is_none()
        && lexicon.is_some_and(|l| stats.period_spelling(token, l))
    {
        return None;
    }

    struct Scored<'a> {
        candidate: Candidate<'a>,
        frequency: f64,
        count: usize,
        score: f64,
    }
    // A smudge read as a symbol competes with the symbol read as a letter: `the}-` is `the`
    // rather than `they`.
    let mut stripped = String::new();
    let mut smudge = String::new();
    for (i, c) in token.char_indices() {
        let after_brace = i > 0 && token[..i].ends_with('}') && (c == '\'' || c == '-');
        if is_token_symbol(c, table) || after_brace {
            smudge.push(c);
        } else {
            stripped.push(c);
        }
    }
    let total = stats.total.max(1) as f64;
    let short = token.chars().count() <= 3;
    let mut scored: Vec<Scored> = Vec::new();
    let mut margin_to_leave = None;
    let consider = |word: &str, used: Used<'t>, weight: f64, scored: &mut Vec<Scored<'t>>| {
        if !is_word(word) || !regular_case(word) || word.chars().nth(1).is_none() {
            return;
        }
        // A capital first letter stays capital: `Iike` at a sentence start is not `like`.
        if first_upper != word.chars().next().is_some_and(char::is_uppercase)
            && token.starts_with(char::is_alphabetic)
        {
            return;
        }
        if scored.iter().any(|s| s.candidate.word == word) {
            return;
        }
        weighed.borrow_mut().push(word_key(word));
        let frequency = lexicon.and_then(|l| l.frequency(word)).unwrap_or(0.0);
        let count = stats.count(word);
        if !supported(frequency, count, own_count, used.len) {
            return;
        }
        // Short tokens have many neighbours (`wob`, `tbo`, `nnd`) and capitalised ones may be
        // names (`Hoads`, `Trne`): only a very common word, or one the document uses, will do.
        if (short && frequency < SHORT_WORD)
            || (first_upper && count == 0 && frequency < SHORT_WORD)
        {
            return;
        }
        if let Some(own) = own_frequency
            && frequency < own * KNOWN_WORD_RATIO
        {
            return;
        }
        // A word the document uses consistently stays unless the candidate dominates it there,
        // or the candidate is one of the language's most common words (the token is unknown or
        // very rare, see above), which the document writes at least as often (`fiir` x16 beside
        // `für` x100).
        if letters_only
            && own_count >= 2
            && count < 10 * own_count
            && !(frequency >= SHORT_WORD && count >= own_count)
        {
            return;
        }
        let score = weight * (frequency + count as f64 / total);
        scored.push(Scored {
            candidate: Candidate {
                word: word.to_string(),
                used,
                weight,
            },
            frequency,
            count,
            score,
        });
    };
    for_each_candidate(token, table, |word, used, weight| {
        consider(word, used, weight, &mut scored)
    });
    if !smudge.is_empty() && !stripped.is_empty() {
        consider(&stripped, Used::smudge(), SMUDGE_WEIGHT, &mut scored);
    }
    // Any one edit, from the lexicon's and the document's delete indexes (`huntiug` may have lost
    // a letter the table does not list).
    // Only when the table gave no candidate: a listed confusion is likelier than any other edit,
    // and searching the index for every suspect would double the pass's cost.
    let lower = lowercase(token);
    // Lowercase tokens only: a capitalised unknown word is most often a name, whose repair needs
    // the document's own spelling, which the table candidates already look up; unless the
    // collection's corrected pages showed such repairs to be right (`Tbere`). Never an
    // all-capital token (a heading, an acronym). With only the first letter upper and the same
    // length in lowercase, byte offsets are those of the token.
    if scored.is_empty()
        && (!first_upper
            || (stats.collection.one_edit_capitalised && !token.chars().all(char::is_uppercase)))
        && letters_only
        && token.chars().nth(ONE_EDIT_MIN_LEN - 1).is_some()
        && regular_case(token)
        && lower.len() == token.len()
    {
        let mut neighbours = lexicon
            .map(|l| l.candidate_index().neighbours(&lower))
            .unwrap_or_default();
        neighbours.extend(stats.index().neighbours(&lower));
        for (_, edit) in neighbours {
            let end = edit.at + edit.ocr.len();
            // The index holds lowercase words: a capital first letter stays one (`Nontague`).
            let print = if first_upper && edit.at == 0 {
                edit.print.to_uppercase()
            } else {
                edit.print.clone()
            };
            let ocr = &token[edit.at..end];
            let word = format!("{}{print}{}", &token[..edit.at], &token[end..]);
            let listed = table
                .weight(ocr, &print)
                .or_else(|| table.weight(&edit.ocr, &edit.print));
            // A word the document writes again is its own spelling unless the table lists the
            // edit as a likely confusion (`dieß` x28 is not `die` with an added letter).
            if listed.is_none() && own_count >= 2 {
                continue;
            }
            let weight = listed.unwrap_or(
                // An added letter, or two neighbours swapped.
                if edit.ocr.chars().count() > edit.print.chars().count()
                    || edit.ocr.chars().count() == 2
                {
                    ONE_EDIT_ADDED_WEIGHT
                } else {
                    ONE_EDIT_WEIGHT
                },
            );
            consider(
                &word,
                Used::one_edit(ocr.to_string(), print),
                weight,
                &mut scored,
            );
        }
    }
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.candidate.word.cmp(&b.candidate.word))
    });
    let best = scored.first()?;
    let single_use_discounted = best.candidate.used.reach == Reach::OneEdit
        && !stats.collection.single_use_is_evidence
        && own_count > 0;
    // A candidate of any edit must beat the token as it stands: an unknown word is often right.
    if best.candidate.used.reach == Reach::OneEdit {
        // The token's share of the document counts for it: in a short text one use is evidence
        // too, unless the collection's corrected pages showed that such uses were mostly
        // misreadings (`collection/LANG.toml`): then its uses count one fewer.
        let uses = own_count - usize::from(single_use_discounted);
        let leave = own_frequency.unwrap_or(0.0).max(UNKNOWN_WORD) + uses as f64 / total;
        if best.score < leave {
            return None;
        }
        if best.score < MARGIN * leave {
            margin_to_leave = Some(best.score / leave);
        }
    }
    let runner = scored.get(1);
    let margin = runner.map_or(f64::INFINITY, |r| best.score / r.score);
    let used = best
        .candidate
        .used
        .as_slice()
        .iter()
        .map(|(o, p)| match best.candidate.used.reach {
            Reach::Smudge => format!("`{smudge}`→``"),
            _ => format!("`{o}`→`{p}`"),
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let own = match own_frequency {
        Some(f) => format!("lexicon {f:.1e}"),
        None => "unknown to the lexicon".to_string(),
    };
    let mut evidence = format!(
        "{used}: `{}` x{} in document, lexicon {:.1e}; `{token}` x{own_count}, {own}",
        best.candidate.word, best.count, best.frequency
    );
    if let Some(r) = runner {
        evidence.push_str(&format!(
            "; runner-up `{}` x{}, lexicon {:.1e}",
            r.candidate.word, r.count, r.frequency
        ));
    }
    if single_use_discounted {
        evidence.push_str("; one use is no evidence in this collection");
    }
    if let Some(m) = margin_to_leave {
        evidence.push_str(&format!(
            "; only {m:.1}x likelier than `{token}` as it stands"
        ));
    }
    // Surer with a likelier confusion and a clearer margin; never above 0.95.
    let clarity = if margin.is_infinite() {
        1.0
    } else {
        margin / (margin + 1.0)
    };
    // An edit outside the table is as sure as its margins make it (its weight is a low prior).
    let weight = match best.candidate.used.reach {
        Reach::OneEdit => best.candidate.weight.max(0.5),
        _ => best.candidate.weight,
    };
    let confidence = ((0.5 + 0.5 * weight) * clarity).min(0.95);
    let edit = Edit::new(range, best.candidate.word.clone(), WORD)
        .confidence((confidence * 100.0).round() / 100.0)
        .evidence(evidence);
    // Reading the symbols as a smudge gives a word too (`the}'`: `the` or `they`?): only a flag.
    let smudge_reading = scored
        .iter()
        .any(|s| s.candidate.used.reach == Reach::Smudge);
    Some(
        if margin < MARGIN || smudge_reading || margin_to_leave.is_some() {
            edit.kind(ChangeKind::Review)
        } else {
            edit
        },
    )
}

/// A word's key as a verdict notes the candidates it weighed: a hash of its lowercase form (a
/// copy of every candidate cost more than the rest of its test; two words that share a key only
/// make a token be decided again, to the same verdict).
pub(crate) fn word_key(word: &str) -> u64 {
    real_words::fnv(real_words::FNV_START, lowercase(word).bytes())
}

/// Whether the token stands in a word of letters (with hyphens, underscores (`2_` footnote marks), apostrophes and confusable
/// symbols) between spaces and ordinary punctuation, not in a run of OCR garbage such as
/// `ii¿,tliu` or `uj.rccu.eut`, where a repair would only be a guess.
pub(super) fn in_a_clean_word(text: &str, range: &Range<usize>, table: &ConfusionTable) -> bool {
    let start = text[..range.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    let end = text[range.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| range.end + i);
    let chunk = text[start..end]
        .trim_start_matches(|c: char| "([{“‘\"'«".contains(c))
        .trim_end_matches(|c: char| ".,;:!?)]”’\"'»".contains(c));
    chunk
        .chars()
        .all(|c| c.is_alphanumeric() || "-_'’".contains(c) || is_token_symbol(c, table))
}

/// Whether `token` and its neighbour across a hyphen make one known word (`nor-thern`,
/// `pub-lic`): a word that a line end cut, not a misreading, until dehyphenation joins it.
pub(super) fn half_of_a_hyphenated_word(
    text: &str,
    before: Option<&Range<usize>>,
    token: &Range<usize>,
    after: Option<&Range<usize>>,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
) -> bool {
    let joined = |a: &Range<usize>, b: &Range<usize>| {
        if &text[a.end..b.start] != "-" {
            return false;
        }
        let word = format!("{}{}", &text[a.clone()], &text[b.clone()]);
        stats.count(&word) > 0 || lexicon.is_some_and(|l| l.contains(&word))
    };
    before.is_some_and(|b| joined(b, token)) || after.is_some_and(|a| joined(token, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::confusions::tests::table;

    #[test]
    fn candidates_come_from_substitutions_of_the_token() {
        let table = table();
        let mut words = Vec::new();
        for_each_candidate("rnodcrn", &table, |word, _, _| words.push(word.to_string()));
        assert!(words.contains(&"modcrn".to_string()));
        assert!(words.contains(&"modern".to_string()));
        assert!(words.contains(&"modcm".to_string()));
    }
}
