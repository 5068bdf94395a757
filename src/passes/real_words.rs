//! Misreadings that are words themselves, repaired inside the confusions pass: a token the lexicon
//! knows, one substitution of the confusion table away from a word that the document (and the
//! lexicon) prefers by far.
//!
//! Recurring misreading (rule `confusions.word`): a lowercase token is replaced wherever it stands
//! when the neighbour is at least [`MISREADING_LEXICON_RATIO`] times as frequent in the lexicon and
//! [`MISREADING_DOCUMENT_RATIO`] times as frequent in the document, and the noisy-channel score of
//! the neighbour (the confusion's weight times its lexicon frequency plus its share of the
//! document) beats the token's own (its lexicon frequency plus its share) by the pass's margin.
//! `tho` (lexicon 2.6e-5) beside `the` (5.4e-2) in an article that writes `the` twenty times as
//! often is `the`; a poem that writes `tho` beside a few `the`s keeps it.
//!
//! Real-word error from context (rule `confusions.real-word`): a lowercase token whose neighbour
//! is at least [`REAL_WORD_LEXICON_RATIO`] times as frequent in the lexicon is replaced at one
//! place when the document writes the neighbour with the token's own neighbours (the pairs
//! (previous word, neighbour) and (neighbour, next word), whitespace only between them) at least
//! [`REAL_WORD_MIN_PAIRS`] times, and the confusion's weight times those uses beats the token's
//! uses in the same pairs (this place left out, plus one) by [`REAL_WORD_RATIO`]: `to bo` where the
//! document writes `to be` forty times. A weaker case (at least even) is flagged for review.
//! Neither side's pair may speak for the token more than for the neighbour. The places of one
//! token are decided together, to their own fixed point (see [`real_words`]).
//!
//! A capitalised token (`Tho` at a sentence's start) is read as a recurring misreading only when
//! the document also writes it in lowercase (otherwise it is a name), and never from context.
//!
//! Never: an all-capital token, a capitalised one from context, a token followed by an apostrophe
//! (an elision: `tho'`), a token touching a hyphen or making a known word with the word beside it
//! (`inven tor`: a part of a cut word), a token the lexicon knows above [`SUSPECT_MAX`].
//!
//! Known false positives: a rare real word in a document that writes its neighbour very often in
//! the same company (`they wore casques` beside many `they were` in *Les Misérables*); the lexicon
//! ratio and the ratio of the pairs keep most, the rest are among the review flags. An OCR that
//! misreads a word more often than it reads it right (Overproof's articles that write `tho` more
//! often than `the`) gives no document evidence: those stay.

use std::borrow::Cow;
use std::ops::Range;

use hashbrown::HashMap;

use super::confusions::{Counts, MARGIN, RARE_WORD, is_word};
use crate::change::{BuiltinRule, ChangeKind, Edit};
use crate::confusion::ConfusionTable;
use crate::lexicon::{Lexicon, lowercase};

pub const REAL_WORD: BuiltinRule = BuiltinRule {
    id: "confusions.real-word",
    description: "A real word one table confusion away from a far more frequent word that the document writes many times between the same neighbours (`of tho` beside many `of the`); a weaker case is flagged for review.",
};

/// Tokens the lexicon knows above this are never read as a misreading of another word (the most
/// frequent word, `the` at 5.4e-2, over [`REAL_WORD_LEXICON_RATIO`]).
pub const SUSPECT_MAX: f64 = 5e-4;
/// A recurring known token is a misreading only of a word this many times as frequent in the
/// lexicon (`tho` → `the`: 2077x; `ho` → `he`, 288x, is not enough alone) ...
pub const MISREADING_LEXICON_RATIO: f64 = 1000.0;
/// ... and this many times as frequent in the document.
pub const MISREADING_DOCUMENT_RATIO: usize = 5;
/// From context: the neighbour must be this many times as frequent in the lexicon (`wore` →
/// `were` is 116x, `he` → `be` only 1.3x) ...
pub const REAL_WORD_LEXICON_RATIO: f64 = 100.0;
/// ... the document must write it between the token's neighbours at least this often ...
pub const REAL_WORD_MIN_PAIRS: usize = 5;
/// ... and the weight times those uses must beat the token's own uses there (plus one) by this.
pub const REAL_WORD_RATIO: f64 = 2.0 * MARGIN;

/// Counts of neighbouring word pairs (lowercase, separated by whitespace only), keyed by a hash of
/// the pair (FNV-1a: fixed, so runs are deterministic).
#[derive(Debug, Clone, Default)]
pub struct Bigrams {
    counts: HashMap<u64, u32>,
}

/// The key of the pair (`first`, `second`), both lowercase.
pub fn pair_key(first: &str, second: &str) -> u64 {
    pair_key_after(pair_head(first), second)
}

/// The start of an FNV-1a hash.
pub(crate) const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash state after the first word of a pair and the separator (FNV-1a).
fn pair_head(first: &str) -> u64 {
    fnv(FNV_START, first.bytes().chain([0xff]))
}

/// How frequent in the lexicon a word must be to be the neighbour of any token the lexicon knows
/// (above [`RARE_WORD`]).
pub const NEIGHBOUR_MIN_FREQUENCY: f64 = REAL_WORD_LEXICON_RATIO * RARE_WORD;

/// The forms that have one of a document's frequent words as a neighbour: each word with one
/// table substitution read backwards, the print side back to the OCR side. What [`neighbours`]
/// finds forwards from a token, found once per document from the few words it uses often, and
/// kept as a bit set of the forms' hashes (two bytes a form): a form whose bit is clear has no
/// neighbour there; a set bit (about one form in sixteen sets one by chance) sends it on to
/// [`neighbours`], so the answer is exact.
#[derive(Debug, Clone, Default)]
pub(crate) struct NeighbourSources {
    bits: Vec<u64>,
    mask: u64,
}

impl NeighbourSources {
    /// The sources of `words` (lowercase; iterated twice: once to count, once to set the bits).
    pub(crate) fn new<'w>(
        words: impl Iterator<Item = &'w str> + Clone,
        table: &ConfusionTable,
    ) -> Self {
        let each_source = |each: &mut dyn FnMut(u64)| {
            for word in words.clone() {
                for (pos, c) in read_backwards(word, table) {
                    let head = fnv(FNV_START, word[..pos].bytes().chain(c.ocr.bytes()));
                    each(fnv(head, word[pos + c.print.len()..].bytes()));
                }
            }
        };
        let mut count = 0usize;
        each_source(&mut |_| count += 1);
        let size = (count * 16).next_power_of_two().max(64);
        let mut sources = Self {
            bits: vec![0; size / 64],
            mask: size as u64 - 1,
        };
        each_source(&mut |hash| {
            let bit = sources.bit(hash);
            sources.bits[bit / 64] |= 1 << (bit % 64);
        });
        sources
    }

    fn bit(&self, hash: u64) -> usize {
        ((hash ^ (hash >> 32)) & self.mask) as usize
    }

    /// Whether the lowercase `form` may have a neighbour (false: it has none).
    pub(crate) fn may_hold(&self, form: &str) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        let bit = self.bit(fnv(FNV_START, form.bytes()));
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// The key of a pair from its [`pair_head`] and its second word.
fn pair_key_after(head: u64, second: &str) -> u64 {
    fnv(head, second.bytes())
}

pub(crate) fn fnv(mut hash: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    for b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Bigrams {
    pub fn add(&mut self, key: u64) {
        *self.counts.entry(key).or_insert(0) += 1;
    }

    pub fn count(&self, key: u64) -> usize {
        self.counts.get(&key).map_or(0, |&n| n as usize)
    }
}

/// The tokens of `text` with their lowercase forms and, when only whitespace separates a token
/// from the one before, the key of that pair: the one walk that counts words and pairs, for the
/// document and for the stretches the pass's rounds rewrite.
pub fn folded_pairs<'t>(
    text: &'t str,
    table: &'t ConfusionTable,
) -> impl Iterator<Item = (&'t str, Cow<'t, str>, Option<u64>)> + 't {
    // The token before, as its end and the hash of its half of a pair.
    let mut previous: Option<(Range<usize>, u64)> = None;
    super::confusions::tokens(text, table).map(move |range| {
        let token = &text[range.clone()];
        let folded = lowercase(token);
        let key = previous
            .as_ref()
            .filter(|(p, _)| adjacent(text, p, &range))
            .map(|&(_, head)| pair_key_after(head, &folded));
        previous = Some((range, pair_head(&folded)));
        (token, folded, key)
    })
}

/// Whether only whitespace stands between two tokens.
pub fn adjacent(text: &str, first: &Range<usize>, second: &Range<usize>) -> bool {
    first.end <= second.start
        && text[first.end..second.start]
            .chars()
            .all(char::is_whitespace)
}

/// Whether the token touches a hyphen (a word cut at a line end, `tho-` of `tho- roughly`), or
/// makes a known word with the word before or after it across a space (`inven tor`): a part of
/// a word, not a misreading.
pub fn part_of_a_cut_word(
    text: &str,
    before: Option<&Range<usize>>,
    token: &Range<usize>,
    after: Option<&Range<usize>>,
    lexicon: Option<&Lexicon>,
) -> bool {
    if text[..token.start].ends_with('-') || text[token.end..].starts_with('-') {
        return true;
    }
    let known = |a: &Range<usize>, b: &Range<usize>| {
        adjacent(text, a, b)
            && lexicon
                .is_some_and(|l| l.contains(&format!("{}{}", &text[a.clone()], &text[b.clone()])))
    };
    before.is_some_and(|b| known(b, token)) || after.is_some_and(|a| known(token, a))
}

/// A neighbour of a known token: one table substitution away and far more frequent in the
/// lexicon.
#[derive(Debug, Clone)]
pub struct Neighbour {
    word: String,
    ocr: String,
    print: String,
    weight: f64,
    frequency: f64,
}

impl Neighbour {
    /// The neighbouring word (lowercase).
    pub fn word(&self) -> &str {
        &self.word
    }
}

/// Whether a known token may be a misreading at all: lowercase letters (or a capital and
/// lowercase letters: `Tho` at a sentence's start), rare enough.
pub fn suspect(token: &str, frequency: f64) -> bool {
    frequency <= SUSPECT_MAX
        && token.chars().nth(1).is_some()
        && is_word(token)
        && token
            .chars()
            .skip(1)
            .all(|c| !c.is_alphabetic() || c.is_lowercase())
}

/// Whether the token starts with a capital.
fn capitalised(token: &str) -> bool {
    token.chars().next().is_some_and(char::is_uppercase)
}

/// The neighbours of `token` (lexicon frequency `own`) at least [`REAL_WORD_LEXICON_RATIO`] times
/// as frequent, best first. Only words the document uses at least [`REAL_WORD_MIN_PAIRS`] times
/// can decide either test (a recurring misreading needs [`MISREADING_DOCUMENT_RATIO`] times the
/// token's uses, a real-word error that many pairs), so the document's counts, a small table, are
/// asked before the lexicon. They change with the run's own repairs: the pass decides a token again
/// when a word one substitution away from it changed its count (`confusions::edits_with`).
pub fn neighbours(
    token: &str,
    own: f64,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    stats: &Counts,
) -> Vec<Neighbour> {
    let Some(lexicon) = lexicon else {
        return Vec::new();
    };
    let token = &*lowercase(token);
    // A neighbour is a word the document uses often and the lexicon far more than this known
    // token: one of a few hundred, read backwards once per document.
    if own > RARE_WORD && !stats.may_have_neighbours(token, table, lexicon) {
        return Vec::new();
    }
    let mut found: Vec<Neighbour> = Vec::new();
    let mut word = String::with_capacity(token.len() + 4);
    for (pos, _) in token.char_indices() {
        for c in table.matches_at(token, pos) {
            word.clear();
            word.push_str(&token[..pos]);
            word.push_str(&c.print);
            word.push_str(&token[pos + c.ocr.len()..]);
            // Most candidates are no word of the document: the count, one lookup in a small
            // table, turns them away before the other tests.
            if stats.count(&word) < REAL_WORD_MIN_PAIRS
                || !is_word(&word)
                || word.chars().any(|c| c.is_uppercase())
                || found.iter().any(|n| n.word == word)
            {
                continue;
            }
            let Some(frequency) = lexicon.frequency(&word) else {
                continue;
            };
            if frequency >= REAL_WORD_LEXICON_RATIO * own {
                found.push(Neighbour {
                    word: word.clone(),
                    ocr: c.ocr.clone(),
                    print: c.print.clone(),
                    weight: c.weight,
                    frequency,
                });
            }
        }
    }
    found.sort_by(|a, b| {
        (b.weight * b.frequency)
            .total_cmp(&(a.weight * a.frequency))
            .then_with(|| a.word.cmp(&b.word))
    });
    found
}

/// Adds to `out` every word of which `word` is a neighbour: `word` with one table substitution
/// undone (the print side read back as the OCR side), lowercase. What a change of `word`'s count may
/// decide again.
pub fn sources_of(word: &str, table: &ConfusionTable, out: &mut hashbrown::HashSet<String>) {
    let word = &*lowercase(word);
    for (pos, c) in read_backwards(word, table) {
        out.insert(format!(
            "{}{}{}",
            &word[..pos],
            c.ocr,
            &word[pos + c.print.len()..]
        ));
    }
}

/// Each place of `word` where a confusion that generates candidates has its print side, with the
/// confusion: `word` with that print side read back as the OCR side is a form of which `word` is
/// a neighbour.
fn read_backwards<'a>(
    word: &'a str,
    table: &'a ConfusionTable,
) -> impl Iterator<Item = (usize, &'a crate::confusion::Confusion)> + 'a {
    word.char_indices()
        .flat_map(move |(pos, _)| table.print_matches_at(word, pos).map(move |c| (pos, c)))
}

fn confidence(weight: f64, margin: f64) -> f64 {
    let clarity = if margin.is_infinite() {
        1.0
    } else {
        margin / (margin + 1.0)
    };
    (((0.5 + 0.5 * weight) * clarity).min(0.95) * 100.0).round() / 100.0
}

/// The recurring misreading verdict on a known token (every place of it), with the neighbours
/// whose counts were read noted in `weighed`.
pub fn misreading(
    token: &str,
    own: f64,
    neighbours: &[Neighbour],
    stats: &Counts,
    weighed: &mut Vec<u64>,
) -> Option<Edit> {
    // A capitalised token is a name when the document never writes it in lowercase.
    if capitalised(token) && stats.always_capitalised(token) {
        return None;
    }
    let own_count = stats.count(token).max(1);
    let total = stats.total.max(1) as f64;
    let leave = own + own_count as f64 / total;
    let mut scored: Vec<(&Neighbour, usize, f64)> = Vec::new();
    for n in neighbours {
        if n.frequency < MISREADING_LEXICON_RATIO * own {
            continue;
        }
        weighed.push(super::confusions::word_key(&n.word));
        let count = stats.count(&n.word);
        if count < MISREADING_DOCUMENT_RATIO * own_count {
            continue;
        }
        let score = n.weight * (n.frequency + count as f64 / total);
        if score >= MARGIN * leave {
            scored.push((n, count, score));
        }
    }
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.word.cmp(&b.0.word)));
    let (best, count, score) = *scored.first()?;
    let margin = scored.get(1).map_or(f64::INFINITY, |r| score / r.2);
    let mut evidence = format!(
        "`{}`→`{}`: `{}` x{count} in document, lexicon {:.1e}; `{token}` x{own_count}, lexicon {own:.1e}: a recurring misreading ({:.0}x likelier)",
        best.ocr,
        best.print,
        best.word,
        best.frequency,
        score / leave
    );
    if let Some(r) = scored.get(1) {
        evidence.push_str(&format!("; runner-up `{}` x{}", r.0.word, r.1));
    }
    let replacement = if capitalised(token) {
        let mut chars = best.word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        best.word.clone()
    };
    let edit = Edit::new(0..0, replacement, super::confusions::WORD)
        .confidence(confidence(best.weight, margin))
        .evidence(evidence);
    Some(if margin < MARGIN {
        edit.kind(ChangeKind::Review)
    } else {
        edit
    })
}

/// One place of a known token with far more frequent neighbours: where it stands and its
/// lowercase neighbours, when only whitespace separates them from it.
#[derive(Debug, Clone)]
pub struct Place {
    pub range: Range<usize>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The verdicts at the `places` of `token` from the document's pairs: an edit or a review flag
/// per place, or nothing. The places are decided together, to their own fixed point: a repair at
/// one place moves its pairs from the token to the neighbour, which may decide another place (in
/// *Les Misérables* each `who wore` → `who were` made the next one likelier), so that cleaning the
/// output again finds the same verdicts. `considered` receives the places where a neighbour had
/// some support (read again when the counts change).
pub fn real_words(
    token: &str,
    places: &[Place],
    neighbours: &[Neighbour],
    stats: &Counts,
    considered: &mut Vec<Range<usize>>,
) -> Vec<Edit> {
    let lower = lowercase(token);
    let mut moved: HashMap<u64, isize> = HashMap::new();
    let mut verdicts: Vec<Option<Edit>> = vec![None; places.len()];
    let mut applied = vec![false; places.len()];
    let mut first = true;
    loop {
        let mut fresh = Vec::new();
        for (i, place) in places.iter().enumerate() {
            if applied[i] {
                continue;
            }
            let pair = |a: &str, b: &str| {
                let key = pair_key(a, b);
                (stats.bigram(key) as isize + moved.get(&key).copied().unwrap_or(0)).max(0) as usize
            };
            let mut had_support = false;
            let verdict = decide_place(&lower, place, neighbours, &pair, &mut had_support);
            if first && had_support {
                considered.push(place.range.clone());
            }
            if verdict.as_ref().is_some_and(|e| e.kind == ChangeKind::Edit) {
                fresh.push(i);
            }
            verdicts[i] = verdict;
        }
        first = false;
        if fresh.is_empty() {
            break;
        }
        for i in fresh {
            applied[i] = true;
            let place = &places[i];
            let word = verdicts[i].as_ref().map_or("", |e| e.replacement.as_ref());
            let mut shift = |a: &str, b: &str, step: isize| {
                *moved.entry(pair_key(a, b)).or_insert(0) += step;
            };
            if let Some(p) = &place.previous {
                shift(p, &lower, -1);
                shift(p, word, 1);
            }
            if let Some(n) = &place.next {
                shift(&lower, n, -1);
                shift(word, n, 1);
            }
        }
    }
    verdicts.into_iter().flatten().collect()
}

/// The verdict at one place, with the pairs counted by `pair`.
fn decide_place(
    lower: &str,
    place: &Place,
    neighbours: &[Neighbour],
    pair: &dyn Fn(&str, &str) -> usize,
    considered: &mut bool,
) -> Option<Edit> {
    let (previous, next) = (place.previous.as_deref(), place.next.as_deref());
    if previous.is_none() && next.is_none() {
        return None;
    }
    // This place's own pairs, left out of the token's support.
    let own_left = previous.map_or(0, |p| pair(p, lower).saturating_sub(1));
    let own_right = next.map_or(0, |x| pair(lower, x).saturating_sub(1));
    let own = own_left + own_right;
    let mut scored: Vec<(&Neighbour, usize, f64)> = Vec::new();
    for n in neighbours {
        let left = previous.map_or(0, |p| pair(p, &n.word));
        let right = next.map_or(0, |x| pair(&n.word, x));
        if left + right == 0 {
            continue;
        }
        *considered = true;
        // Neither side may speak for the token more than for the neighbour.
        if own_left > left || own_right > right || left + right < REAL_WORD_MIN_PAIRS {
            continue;
        }
        scored.push((n, left + right, n.weight * (left + right) as f64));
    }
    scored.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.word.cmp(&b.0.word)));
    let (best, uses, score) = *scored.first()?;
    let ratio = score / (own + 1) as f64;
    if ratio < 1.0 {
        return None;
    }
    let margin = scored.get(1).map_or(f64::INFINITY, |r| score / r.2);
    let shown = |word: &str| {
        [
            previous.map(|p| format!("`{p} {word}`")),
            next.map(|x| format!("`{word} {x}`")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" + ")
    };
    let mut evidence = format!(
        "`{}`→`{}`: {} x{uses} in document against {} x{own} elsewhere; `{}` lexicon {:.1e} ({ratio:.1}x likelier here)",
        best.ocr,
        best.print,
        shown(&best.word),
        shown(lower),
        best.word,
        best.frequency,
    );
    if let Some(r) = scored.get(1) {
        evidence.push_str(&format!("; runner-up `{}` x{}", r.0.word, r.1));
    }
    let sure = ratio >= REAL_WORD_RATIO && margin >= MARGIN;
    let edit = Edit::new(place.range.clone(), best.word.clone(), REAL_WORD)
        .confidence(confidence(best.weight, margin))
        .evidence(evidence);
    Some(if sure {
        edit
    } else {
        edit.kind(ChangeKind::Review)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::confusions::{DocStats, edits};

    fn lexicon() -> Lexicon {
        crate::lexicon::english(
            "the\t0.054\nto\t0.027\nbe\t0.0062\nhe\t0.0049\nwas\t0.009\nroad\t1e-4\ntho\t2.6e-5\nbo\t1e-5\nmended\t1e-5\n",
        )
    }

    fn fix(text: &str) -> (String, Vec<Edit>) {
        let t = ConfusionTable::from_pairs(&[("o", "e", 0.5), ("h", "b", 0.6), ("b", "h", 0.6)]);
        let stats = DocStats::new(text, &t);
        let found = edits(text, &stats, Some(&lexicon()), &t, &[]);
        (crate::change::apply_edits(text, &found), found)
    }

    #[test]
    fn a_misreading_the_document_outweighs_is_repaired_everywhere() {
        let text = format!(
            "{}tho road and tho road",
            "the road was to be mended. ".repeat(45)
        );
        let (out, found) = fix(&text);
        assert!(out.ends_with("the road and the road"), "{out}");
        assert!(
            found
                .iter()
                .all(|e| e.rule == crate::passes::confusions::WORD.id)
        );
        // Again: nothing more.
        assert!(fix(&out).1.is_empty());
        // A few `the`s do not outweigh a word the document writes.
        let poem = "tho the road was long, tho the road was mended";
        assert_eq!(fix(poem).0, poem);
        // A short article: five times the token's uses are enough (`tho` x2 beside `the` x12).
        let article = format!(
            "{}tho road and tho road",
            "the road was to be mended. ".repeat(12)
        );
        assert!(fix(&article).0.ends_with("the road and the road"));
        // Under that, the token stands (`tho` x3 beside `the` x12).
        let article = format!(
            "{}tho road and tho road and tho",
            "the road was to be mended. ".repeat(12)
        );
        assert_eq!(fix(&article).0, article);
    }

    #[test]
    fn a_real_word_is_repaired_from_its_pairs_and_a_weak_case_flagged() {
        let text = format!(
            "{}it was to bo mended",
            "the road was to be mended. ".repeat(20)
        );
        let (out, found) = fix(&text);
        assert!(out.ends_with("it was to be mended"), "{out}");
        assert_eq!(found.last().unwrap().rule, REAL_WORD.id);
        assert!(fix(&out).1.is_empty());
        // Three `to be` against one other `to bo`: only a flag.
        let text = format!("{}to bo mended. to bo", "to be mended. ".repeat(3));
        let (out, found) = fix(&text);
        assert_eq!(out, text);
        assert!(
            found.iter().all(|e| e.kind == ChangeKind::Review),
            "{found:?}"
        );
        // `he` is no misreading of `be`: not far more frequent.
        let text = format!("{}was to he", "was to be. ".repeat(20));
        assert_eq!(fix(&text).0, text);
    }

    #[test]
    fn pairs_are_counted_between_neighbours_only() {
        let t = ConfusionTable::default();
        let stats = DocStats::new("to be, to be to. be", &t);
        let counts = Counts::from(&stats);
        assert_eq!(counts.bigram(pair_key("to", "be")), 2);
        assert_eq!(counts.bigram(pair_key("be", "to")), 1);
        assert_eq!(counts.bigram(pair_key("to", "be")), 2);
        assert_eq!(counts.bigram(pair_key("be", "be")), 0);
    }

    #[test]
    fn the_forms_read_backwards_from_frequent_words_are_exactly_those_with_neighbours() {
        let t = ConfusionTable::from_pairs(&[("o", "e", 0.5), ("b", "h", 0.6), ("rn", "m", 0.8)]);
        let text = format!("{}tho tbe rnoor moor", "the moor ".repeat(5));
        let stats = DocStats::new(&text, &t);
        let counts = Counts::from(&stats);
        let lex =
            crate::lexicon::english("the\t0.05\nmoor\t1e-3\ntho\t3e-6\ntbe\t3e-6\nmoon\t3e-6\n");
        // `tho` (o→e), `tbe` (b→h) and `rnoor` (rn→m) read back from common words used five
        // times; `moon` is one substitution from nothing the document uses often.
        for (form, has) in [
            ("tho", true),
            ("tbe", true),
            ("rnoor", true),
            ("moon", false),
        ] {
            // (The tokens are known words: rarer ones are asked word by word.)
            assert_eq!(counts.may_have_neighbours(form, &t, &lex), has, "{form}");
            assert_eq!(
                !neighbours(form, 3e-6, Some(&lex), &t, &counts).is_empty(),
                has,
                "{form}"
            );
        }
        // Counts changed by an earlier round are asked word by word.
        let mut changed = counts.clone();
        changed.replace("moor", "moon", &t);
        assert!(changed.may_have_neighbours("moon", &t, &lex));
    }
}
