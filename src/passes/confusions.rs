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
//! document (a foreign word or transliteration used consistently); all-capital tokens of up to
//! three letters (acronyms); tokens inside URLs. A consistent spelling is no protection when it
//! is a misreading of a word that the document and the lexicon write far more often (`tho` beside
//! `the`): tokens the lexicon knows are read by [`real_words`], which also reads real-word errors
//! from the pairs of words the document writes (`to bo` beside many `to be`).
//!
//! Known false positives: a rare word one confusion from a common one, when the document does not
//! use it again (`laud` is protected by its lexicon frequency, but a name absent from the lexicon
//! and one confusion from a word the document uses could be changed; the review flag helps here).

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use hashbrown::HashMap;

use super::{BuiltinRule, Context, Pass, boundaries, real_words};
use crate::candidates::DeleteIndex;
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;
use crate::lexicon::{Lexicon, lowercase};
use crate::spelling::{self, Spelling};

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
pub const KNOWN_WORD_RATIO: f64 = 1e4;
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

/// Word counts of the document, by lowercase form.
#[derive(Debug, Clone, Default)]
pub struct DocStats {
    /// Uses of each form, and whether every one of them is capitalised.
    counts: HashMap<String, (usize, bool)>,
    pub(crate) total: usize,
    /// The document's frequent words, for one-edit candidates (built on first use: most
    /// documents need it for a few tokens, some for none).
    index: OnceLock<DeleteIndex>,
    /// Pairs of neighbouring words, for real-word errors read from context.
    bigrams: real_words::Bigrams,
    /// The period spelling conventions the document shows (worked out on first use: most
    /// documents never ask).
    conventions: OnceLock<Vec<(String, String)>>,
}

impl DocStats {
    pub fn new(document: &str, table: &ConfusionTable) -> Self {
        let mut stats = Self::default();
        for (token, folded, pair) in real_words::folded_pairs(document, table) {
            let capitalised = token.chars().next().is_some_and(char::is_uppercase);
            let entry = stats.counts.entry_ref(folded.as_ref()).or_insert((0, true));
            entry.0 += 1;
            entry.1 &= capitalised;
            stats.total += 1;
            if let Some(key) = pair {
                stats.bigrams.add(key);
            }
        }
        stats
    }

    /// The delete index of the words the document uses at least [`DOCUMENT_INDEX_MIN_COUNT`]
    /// times.
    fn index(&self) -> &DeleteIndex {
        self.index.get_or_init(|| {
            let mut frequent: Vec<&str> = self
                .counts
                .iter()
                .filter(|(w, (n, _))| {
                    *n >= DOCUMENT_INDEX_MIN_COUNT
                        && w.chars().nth(ONE_EDIT_MIN_LEN - 1).is_some()
                        && is_word(w)
                })
                .map(|(w, _)| w.as_str())
                .collect();
            frequent.sort_unstable();
            DeleteIndex::new(frequent)
        })
    }

    /// How often the document uses `word` (any case).
    pub fn count(&self, word: &str) -> usize {
        self.counts
            .get(lowercase(word).as_ref())
            .map_or(0, |&(count, _)| count)
    }

    /// The variants of `spelling` that the document writes throughout (see [`CONVENTION_FORMS`]).
    fn conventions(&self, lexicon: &Lexicon, spelling: &Spelling) -> &[(String, String)] {
        self.conventions.get_or_init(|| {
            // The document's words the lexicon lacks, asked of it once each.
            let unknown: Vec<(&str, usize)> = self
                .counts
                .iter()
                .filter(|(word, _)| is_word(word) && !lexicon.contains(word))
                .map(|(word, &(count, _))| (word.as_str(), count))
                .collect();
            let shows = |printed: &str, modern: &str| {
                let (mut forms, mut uses) = (0, 0);
                for &(word, count) in &unknown {
                    if !word.contains(printed) {
                        continue;
                    }
                    let mut reads_as_word = false;
                    spelling::for_each_reading(word, printed, modern, |reading| {
                        reads_as_word |= lexicon
                            .frequency(reading)
                            .is_some_and(|f| f >= CONVENTION_WORD);
                    });
                    if reads_as_word {
                        forms += 1;
                        uses += count;
                    }
                }
                forms >= CONVENTION_FORMS && uses as f64 >= CONVENTION_SHARE * self.total as f64
            };
            spelling
                .variants
                .iter()
                .filter(|(printed, modern)| shows(printed, modern))
                .cloned()
                .collect()
        })
    }
}

/// Word counts of the body alone (the text before the notes), and where the body ends.
struct BodyStats(DocStats, usize);

/// Word counts of the notes (the text after the body).
struct NoteStats(DocStats);

/// The document's word counts as one round of the pass sees them: the stage's counts
/// ([`DocStats`]) adjusted by the repairs of the earlier rounds of the same run, so that a
/// misreading repaired away no longer speaks for itself and its repair speaks for the word it
/// became (in the Internet Archive *Les Misérables*, `tlie` x382 first made `llie` → `tlie`; once
/// those are `the`, a second run made `tlie` → `the`).
#[derive(Debug, Clone)]
pub struct Counts<'a> {
    base: &'a DocStats,
    /// The notes' counts, for a note's run (a name may be attested only in another note).
    notes: Option<&'a DocStats>,
    /// Uses added (or removed) by earlier rounds, by lowercase form, and whether an added use is
    /// not capitalised.
    delta: HashMap<String, (isize, bool)>,
    /// Pairs of neighbouring words added (or removed) by earlier rounds.
    bigram_delta: HashMap<u64, isize>,
    pub(crate) total: usize,
    /// The language's period spelling conventions, when its data has them.
    spelling: Option<&'a Spelling>,
}

impl<'a> From<&'a DocStats> for Counts<'a> {
    fn from(base: &'a DocStats) -> Self {
        Self {
            base,
            notes: None,
            delta: HashMap::new(),
            bigram_delta: HashMap::new(),
            total: base.total,
            spelling: None,
        }
    }
}

impl Counts<'_> {
    /// How often the document uses `word` (any case).
    pub fn count(&self, word: &str) -> usize {
        let base = self.base.count(word) + self.notes.map_or(0, |n| n.count(word));
        if self.delta.is_empty() {
            return base;
        }
        match self.delta.get(lowercase(word).as_ref()) {
            Some(&(d, _)) => (base as isize + d).max(0) as usize,
            None => base,
        }
    }

    /// How often the document writes the pair of lowercase words whose key is `key`
    /// ([`real_words::pair_key`]).
    pub fn bigram(&self, key: u64) -> usize {
        let base = self.base.bigrams.count(key) + self.notes.map_or(0, |n| n.bigrams.count(key));
        match self.bigram_delta.get(&key) {
            Some(&d) => (base as isize + d).max(0) as usize,
            None => base,
        }
    }

    /// Counts the pairs of `after` instead of those of `before`: the same stretch of text (whole
    /// chunks between whitespace) before and after the earlier rounds' repairs.
    fn replace_pairs(&mut self, before: &str, after: &str, table: &ConfusionTable) {
        for (text, step) in [(before, -1isize), (after, 1)] {
            for (_, _, key) in real_words::folded_pairs(text, table) {
                if let Some(key) = key {
                    *self.bigram_delta.entry(key).or_insert(0) += step;
                }
            }
        }
    }

    /// Whether every use of `word` in the document is capitalised.
    pub(crate) fn always_capitalised(&self, word: &str) -> bool {
        let lower = lowercase(word);
        let added = self.delta.get(lower.as_ref());
        if added.is_some_and(|&(_, uncapitalised)| uncapitalised) {
            return false;
        }
        let base = self.base.counts.get(lower.as_ref());
        let notes = self.notes.and_then(|n| n.counts.get(lower.as_ref()));
        match (base, notes) {
            (None, None) => added.is_some_and(|&(d, _)| d > 0),
            _ => base.is_none_or(|&(_, c)| c) && notes.is_none_or(|&(_, c)| c),
        }
    }

    fn index(&self) -> &DeleteIndex {
        self.base.index()
    }

    /// Whether `token` (unknown to the lexicon) is the period's spelling of a lexicon word under
    /// a convention the document writes throughout (`graue` is `grave` where `haue`, `vpon` and
    /// `giue` abound): then it is no misreading. The body's conventions decide for its notes too.
    pub(crate) fn period_spelling(&self, token: &str, lexicon: &Lexicon) -> bool {
        let Some(spelling) = self.spelling else {
            return false;
        };
        let lower = lowercase(token);
        let reads_as_word = |printed: &str, modern: &str| {
            let mut found = false;
            spelling::for_each_reading(&lower, printed, modern, |reading| {
                found |= lexicon.frequency(reading).is_some_and(|f| f >= MIN_LEXICON);
            });
            found
        };
        // The readings first (a lookup or two): most tokens have none, and the document's
        // conventions are worked out only when one does.
        let readable: Vec<&(String, String)> = spelling
            .variants
            .iter()
            .filter(|(p, m)| reads_as_word(p, m))
            .collect();
        !readable.is_empty()
            && self
                .base
                .conventions(lexicon, spelling)
                .iter()
                .any(|pair| readable.contains(&pair))
    }

    /// Counts `replacement` instead of `before`, whose tokens the edit replaces.
    fn replace(&mut self, before: &str, replacement: &str, table: &ConfusionTable) {
        for (text, step) in [(before, -1isize), (replacement, 1)] {
            for (folded, capitalised) in folded_tokens(text, table) {
                let entry = self.delta.entry_ref(folded.as_ref()).or_insert((0, false));
                entry.0 += step;
                entry.1 |= step > 0 && !capitalised;
                self.total = (self.total as isize + step).max(0) as usize;
            }
        }
    }
}

/// The tokens of `text` as the document's counts key them: folded to lowercase, and whether
/// the token as written starts with a capital.
fn folded_tokens<'t>(
    text: &'t str,
    table: &'t ConfusionTable,
) -> impl Iterator<Item = (std::borrow::Cow<'t, str>, bool)> + 't {
    tokens(text, table).map(move |range| {
        let token = &text[range];
        let capitalised = token.chars().next().is_some_and(char::is_uppercase);
        (lowercase(token), capitalised)
    })
}

/// Symbols kept inside a token: those that begin an OCR side of the table and are not ordinary
/// punctuation (which must keep ending words).
fn is_token_symbol(c: char, table: &ConfusionTable) -> bool {
    !c.is_alphanumeric()
        && !c.is_whitespace()
        && !".,;:!?'’\"“”()[]-–—/%°".contains(c)
        && table.starts_with_char(c)
}

/// The tokens of `text`: runs of letters, digits, inner apostrophes and confusable symbols, in
/// order (streamed: a long document has hundreds of thousands).
pub fn tokens<'a>(
    text: &'a str,
    table: &'a ConfusionTable,
) -> impl Iterator<Item = Range<usize>> + 'a {
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    let mut finished = false;
    std::iter::from_fn(move || {
        while let Some((i, c)) = iter.next() {
            // ASCII letters, digits and spaces settle most characters without a table lookup.
            let inside = if c.is_ascii_alphanumeric() {
                true
            } else if c == ' ' || c == '\n' {
                false
            } else if c.is_alphanumeric() || is_token_symbol(c, table) {
                true
            } else if start.is_some() && (c == '\'' || c == '’') {
                // An inner apostrophe (`Russia’s`), or one that a confusion takes (`onl}'`).
                iter.peek().is_some_and(|&(_, n)| n.is_alphabetic()) || text[..i].ends_with('}')
            } else {
                start.is_some()
                    && c == '-'
                    && text[..i].ends_with('}')
                    && table.matches_at(text, i - 1).any(|e| e.ocr == "}-")
            };
            match (inside, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    start = None;
                    return Some(s..i);
                }
                _ => {}
            }
        }
        if finished {
            return None;
        }
        finished = true;
        start.take().map(|s| s..text.len())
    })
}

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
fn correct_noting<'t>(
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
    // A number with its suffix (`1st`, `20th`, `4s`) is not a misread word.
    let after_digits = token.trim_start_matches(|c: char| c.is_ascii_digit());
    if after_digits.len() < token.len()
        && ["st", "nd", "rd", "th", "s", "d"].contains(&after_digits)
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
        // A word the document uses consistently stays unless the candidate dominates it there.
        if letters_only && own_count >= 2 && count < 10 * own_count {
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
    // the document's own spelling, which the table candidates already look up.
    if scored.is_empty()
        && !first_upper
        && letters_only
        && token.chars().nth(ONE_EDIT_MIN_LEN - 1).is_some()
        && regular_case(token)
        && lower.len() == token.len()
    {
        let all_upper = token.chars().all(char::is_uppercase);
        let mut neighbours = lexicon
            .map(|l| l.candidate_index().neighbours(&lower))
            .unwrap_or_default();
        neighbours.extend(stats.index().neighbours(&lower));
        for (_, edit) in neighbours {
            let end = edit.at + edit.ocr.len();
            let print = if all_upper {
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
    // A candidate of any edit must beat the token as it stands: an unknown word is often right.
    if best.candidate.used.reach == Reach::OneEdit {
        // The token's share of the document counts for it: in a short text one use is evidence too.
        let leave = own_frequency.unwrap_or(0.0).max(UNKNOWN_WORD) + own_count as f64 / total;
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
    real_words::fnv(0xcbf2_9ce4_8422_2325, lowercase(word).bytes())
}

/// Whether the token stands in a word of letters (with hyphens, underscores (`2_` footnote marks), apostrophes and confusable
/// symbols) between spaces and ordinary punctuation, not in a run of OCR garbage such as
/// `ii¿,tliu` or `uj.rccu.eut`, where a repair would only be a guess.
fn in_a_clean_word(text: &str, range: &Range<usize>, table: &ConfusionTable) -> bool {
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
fn half_of_a_hyphenated_word(
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

/// [`edits`], with splits of run-together tokens allowed or not (not where compounds are closed)
/// and the run's policy (`applies`: whether the pipeline will apply an edit).
///
/// The pass runs to its own fixed point, so that cleaning its output again changes nothing: after
/// a round, its applied edits are applied to a copy of the text and the counts adjusted; the next
/// round reads that text and those counts, and its edits are composed with the earlier ones into
/// edits of the input (a repair of a repaired word becomes one edit of the word as the input has
/// it, with both evidences). The review flags are those of the last round. Verdicts per token are
/// kept from round to round except for the tokens whose counts changed and those that had a
/// candidate.
pub fn edits_with(
    text: &str,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    skip: &[Range<usize>],
    splits: bool,
    applies: &dyn Fn(&Edit) -> bool,
) -> Vec<Edit> {
    let mut decided: HashMap<String, Verdict> = HashMap::new();
    // Known tokens that are neither a misreading nor a split suspect and have no far more
    // frequent neighbour (most of a document's words), with their lexicon frequency: only a
    // name, kept apart from `decided` whose verdicts are large.
    let mut plain: HashMap<String, f64> = HashMap::new();
    // The places where a real-word neighbour had support: read again when the pairs change.
    let mut places = Vec::new();
    // The places where a join was weighed on the counts and not made, as the ranges of its two
    // halves: read again when a repair changes the counts of the joined form or of the first half
    // (`dis coveries` once `Diseoveries` is `Discoveries`).
    let mut joins = Joins::default();
    let first = round(
        text,
        stats,
        lexicon,
        table,
        skip,
        splits,
        &mut decided,
        &mut plain,
        None,
        &mut places,
        &mut joins,
    );
    let (mut done, mut flags): (Vec<Edit>, Vec<Edit>) = first.into_iter().partition(applies);
    let mut fresh = !done.is_empty();
    // The document's token count as the last round saw it.
    let mut last_total = stats.total;
    for _ in 1..MAX_ROUNDS {
        if !fresh {
            break;
        }
        done.sort_by_key(|e| (e.range.start, e.range.end));
        let mut counts = stats.clone();
        let mut changed: hashbrown::HashSet<String> = hashbrown::HashSet::new();
        for e in &done {
            let before = &text[e.range.clone()];
            counts.replace(before, &e.replacement, table);
            for side in [before, e.replacement.as_str()] {
                for r in tokens(side, table) {
                    changed.insert(lowercase(&side[r]).into_owned());
                }
            }
        }
        let changed_keys: hashbrown::HashSet<u64> = changed.iter().map(|w| word_key(w)).collect();
        let current = crate::change::apply_edits(text, &done);
        let landed = landings(&done);
        // The round reads only where something may have changed: around each repair (a repaired
        // word may be repaired again or joined with its neighbour), and every place of a token
        // whose verdict changed with the counts (those of the words whose counts changed, and of
        // every token that had a candidate).
        let mut windows: Vec<Range<usize>> = landed
            .iter()
            .map(|(_, after, _)| window(&current, after))
            .collect();
        // The pairs of neighbouring words around the repairs, as they are now.
        for w in merge(windows.clone()) {
            let before =
                back_or_forward(&landed, w.start, false)..back_or_forward(&landed, w.end, false);
            counts.replace_pairs(&text[before], &current[w], table);
        }
        // Every place where a real-word neighbour had support is read again with those pairs, and
        // every join weighed on counts that changed.
        let (changed_forms, mut pair) = (&changed, String::new());
        let joins_again = joins.iter().filter_map(move |(a, b)| {
            let first = &text[a.clone()];
            pair.clear();
            pair.push_str(first);
            pair.push_str(&text[b.clone()]);
            (changed_forms.contains(lowercase(&pair).as_ref())
                || changed_forms.contains(lowercase(first).as_ref()))
            .then_some(a.start..b.end)
        });
        for at in places.iter().cloned().chain(joins_again) {
            if overlapping(&done, |e| &e.range, &at).is_empty() {
                let start = back_or_forward(&landed, at.start, true);
                windows.push(window(&current, &(start..start + at.len())));
            }
        }
        // Known tokens one substitution away from a word whose count changed: their neighbours
        // (which only words the document uses often enough may be) may have changed too.
        let mut sources = hashbrown::HashSet::new();
        for word in &changed {
            real_words::sources_of(word, table, &mut sources);
        }
        let mut read_all = false;
        // Joins and splits change the document's token count, on which a close call against
        // leaving a token as it stands rests (its own uses' share): such flags are weighed again.
        let total_changed = std::mem::replace(&mut last_total, counts.total) != counts.total;
        for (token, verdict) in decided.iter_mut() {
            let lower = lowercase(token);
            let neighbours_may_change = verdict.known.is_some() && sources.contains(lower.as_ref());
            let close_call = total_changed
                && verdict
                    .edit
                    .as_ref()
                    .is_some_and(|e| e.kind == ChangeKind::Review);
            if !changed.contains(lower.as_ref())
                && !neighbours_may_change
                && !close_call
                && !verdict.weighed.iter().any(|w| changed_keys.contains(w))
            {
                continue;
            }
            let again = decide(token, verdict.known, &counts, lexicon, table, splits);
            let same = match (&again.edit, &verdict.edit) {
                (None, None) => true,
                (Some(a), Some(b)) => a.replacement == b.replacement && a.kind == b.kind,
                _ => false,
            } && again
                .neighbours
                .iter()
                .map(real_words::Neighbour::word)
                .eq(verdict.neighbours.iter().map(real_words::Neighbour::word));
            // A token whose places were not kept (it had no neighbours) and now has: the next
            // round reads the whole text (rare: a word the run's repairs made frequent).
            if !same && verdict.at.is_empty() && verdict.neighbours.is_empty() {
                read_all = true;
            }
            if !same {
                for start in verdict.at.iter() {
                    let at = start..start + token.len();
                    if !overlapping(&done, |e| &e.range, &at).is_empty() {
                        continue;
                    }
                    let start = back_or_forward(&landed, at.start, true);
                    windows.push(window(&current, &(start..start + at.len())));
                }
            }
            verdict.edit = again.edit;
            verdict.weighed = again.weighed;
            verdict.neighbours = again.neighbours;
        }
        // A plain token one substitution from a word whose count changed may have a neighbour now.
        let mut risen = Vec::new();
        for (token, &f) in &plain {
            if sources.contains(lowercase(token).as_ref()) {
                let again = decide(token, Some(f), &counts, lexicon, table, splits);
                if !again.neighbours.is_empty() || again.edit.is_some() {
                    risen.push((token.clone(), again));
                }
            }
        }
        for (token, verdict) in risen {
            plain.remove(&token);
            decided.insert(token, verdict);
            // Its places were not kept.
            read_all = true;
        }
        if read_all {
            windows.push(0..current.len());
        }
        let merged = merge(windows);
        let current_skip: Vec<Range<usize>> = skip
            .iter()
            .map(|r| back_or_forward(&landed, r.start, true)..back_or_forward(&landed, r.end, true))
            .collect();
        let next = round(
            &current,
            &counts,
            lexicon,
            table,
            &current_skip,
            splits,
            &mut decided,
            &mut plain,
            Some(&merged),
            &mut Vec::new(),
            &mut Joins::default(),
        );
        // The flags of the places read again are this round's.
        let reread: Vec<Range<usize>> = merged
            .iter()
            .map(|w| {
                back_or_forward(&landed, w.start, false)..back_or_forward(&landed, w.end, false)
            })
            .collect();
        flags.retain(|f| overlapping(&reread, |w| w, &f.range).is_empty());
        fresh = false;
        let mut consumed = vec![false; done.len()];
        let mut composed = Vec::new();
        for edit in next {
            let applied = applies(&edit);
            let r = edit.range.clone();
            let over: Vec<usize> = overlapping(&landed, |l| &l.1, &r).collect();
            if over.is_empty() {
                let range = back_or_forward(&landed, r.start, false)
                    ..back_or_forward(&landed, r.end, false);
                let edit = Edit { range, ..edit };
                if applied {
                    fresh = true;
                    composed.push(edit);
                } else {
                    flags.push(edit);
                }
                continue;
            }
            // A flag on a repaired word, or a second repair of one already taken: the repair stands.
            if !applied || over.iter().any(|&i| consumed[i]) {
                continue;
            }
            let (first, last) = (over[0], over[over.len() - 1]);
            let start1 = r.start.min(landed[first].1.start);
            let end1 = r.end.max(landed[last].1.end);
            let start0 = if start1 == landed[first].1.start {
                done[first].range.start
            } else {
                back_or_forward(&landed, start1, false)
            };
            let end0 = if end1 == landed[last].1.end {
                done[last].range.end
            } else {
                back_or_forward(&landed, end1, false)
            };
            let replacement = format!(
                "{}{}{}",
                &current[start1..r.start],
                edit.replacement,
                &current[r.end..end1]
            );
            let mut evidence = String::new();
            let mut confidence = edit.confidence;
            for &i in &over {
                consumed[i] = true;
                evidence.push_str(&done[i].evidence);
                evidence.push_str("; then ");
                confidence = confidence.min(done[i].confidence);
            }
            evidence.push_str(&edit.evidence);
            // A later round that undoes an earlier one leaves the input as it was.
            if replacement == text[start0..end0] {
                continue;
            }
            fresh = true;
            composed.push(Edit {
                range: start0..end0,
                replacement: replacement.into(),
                confidence,
                evidence: evidence.into(),
                ..edit
            });
        }
        done = done
            .into_iter()
            .zip(consumed)
            .filter(|(_, c)| !c)
            .map(|(e, _)| e)
            .chain(composed)
            .collect();
    }
    // A flag inside a repair is stale: the repair decided that place.
    done.sort_by_key(|e| (e.range.start, e.range.end));
    flags.retain(|f| overlapping(&done, |e| &e.range, &f.range).is_empty());
    done.extend(flags);
    done.sort_by_key(|e| (e.range.start, e.range.end));
    done
}

/// `windows` sorted and merged where they overlap or meet.
fn merge(mut windows: Vec<Range<usize>>) -> Vec<Range<usize>> {
    windows.sort_by_key(|w| (w.start, w.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

/// The chunk of `text` (between whitespace) that holds `range`, with the chunk before and the one
/// after it: what a later round reads around a repair.
fn window(text: &str, range: &Range<usize>) -> Range<usize> {
    let chunk_start = |at: usize| {
        text[..at].rfind(char::is_whitespace).map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        })
    };
    let space_start = |at: usize| text[..at].trim_end_matches(char::is_whitespace).len();
    let chunk_end = |at: usize| {
        text[at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| at + i)
    };
    let space_end =
        |at: usize| text.len() - text[at..].trim_start_matches(char::is_whitespace).len();
    let start = chunk_start(space_start(chunk_start(range.start)));
    let end = chunk_end(space_end(chunk_end(range.end)));
    start..end
}

/// A token's verdict, kept from round to round.
#[derive(Debug, Clone)]
struct Verdict {
    edit: Option<Edit>,
    /// The candidates whose counts in the document were read (the verdict may change with them).
    weighed: Vec<u64>,
    /// The token's lexicon frequency when the lexicon knows it (only a split, a recurring
    /// misreading or a real-word error is tried).
    known: Option<f64>,
    /// For a known token: its far more frequent neighbours, for the real-word test at each place.
    neighbours: Vec<real_words::Neighbour>,
    /// Where the first round met the token: the start of each place (a place is the token's
    /// length long). Kept for every unknown or rare token, so on a long document about as many
    /// places as words: a start of 32 bits is a quarter of the room of a range.
    at: Starts,
}

/// The two halves of each join that was weighed and not made, as byte ranges; those below 4 GiB
/// (every one of most documents) in 32 bits, a quarter of the room of two ranges. In no order:
/// the windows made from them are sorted.
#[derive(Debug, Default)]
struct Joins {
    near: Vec<[u32; 4]>,
    far: Vec<[usize; 4]>,
}

impl Joins {
    fn push(&mut self, first: &Range<usize>, second: &Range<usize>) {
        let ends = [first.start, first.end, second.start, second.end];
        match ends.map(u32::try_from) {
            [Ok(a), Ok(b), Ok(c), Ok(d)] => self.near.push([a, b, c, d]),
            _ => self.far.push(ends),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
        let near = self.near.iter().map(|e| e.map(|x| x as usize));
        near.chain(self.far.iter().copied())
            .map(|[a, b, c, d]| (a..b, c..d))
    }
}

/// Byte offsets, those below 4 GiB (every one of most documents) in 32 bits. In no order: the
/// windows made from them are sorted.
#[derive(Debug, Clone, Default)]
struct Starts {
    near: Vec<u32>,
    far: Vec<usize>,
}

impl Starts {
    fn push(&mut self, start: usize) {
        match u32::try_from(start) {
            Ok(near) => self.near.push(near),
            Err(_) => self.far.push(start),
        }
    }

    fn is_empty(&self) -> bool {
        self.near.is_empty() && self.far.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (self.near.iter().map(|&s| s as usize)).chain(self.far.iter().copied())
    }
}

/// The verdict on `token` (a known word: a recurring misreading, then a split when it is rare
/// enough; otherwise a repair, then a split).
fn decide(
    token: &str,
    known: Option<f64>,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    splits: bool,
) -> Verdict {
    let weighed = RefCell::new(Vec::new());
    let mut neighbours = Vec::new();
    let edit = if let Some(f) = known {
        if real_words::suspect(token, f) {
            neighbours = real_words::neighbours(token, f, lexicon, table, stats);
        }
        real_words::misreading(token, f, &neighbours, stats, &mut weighed.borrow_mut()).or_else(
            || {
                (splits && f < boundaries::SPLIT_SUSPECT)
                    .then(|| boundaries::split(token, stats, lexicon, stats.total))
                    .flatten()
            },
        )
    } else {
        correct_noting(token, 0..0, stats, lexicon, table, &weighed).or_else(|| {
            splits
                .then(|| boundaries::split(token, stats, lexicon, stats.total))
                .flatten()
        })
    };
    Verdict {
        edit,
        weighed: weighed.into_inner(),
        known,
        neighbours,
        at: Starts::default(),
    }
}

/// Where each of `edits` (applied, sorted, not overlapping) stands before and after it is applied:
/// (range in the input, range of its replacement in the output, the shift after it).
fn landings(edits: &[Edit]) -> Vec<(Range<usize>, Range<usize>, isize)> {
    let mut shift: isize = 0;
    edits
        .iter()
        .map(|e| {
            let start = (e.range.start as isize + shift) as usize;
            shift += e.replacement.len() as isize - e.range.len() as isize;
            (e.range.clone(), start..start + e.replacement.len(), shift)
        })
        .collect()
}

/// A position of the input carried into the output (`forward`), or a position of the output that
/// lies outside every replacement carried back into the input.
fn back_or_forward(
    landed: &[(Range<usize>, Range<usize>, isize)],
    position: usize,
    forward: bool,
) -> usize {
    // The edits that end at or before the position have moved it.
    let passed = landed.partition_point(|(before, after, _)| {
        (if forward { before.end } else { after.end }) <= position
    });
    let shift = passed.checked_sub(1).map_or(0, |i| landed[i].2);
    if forward {
        (position as isize + shift) as usize
    } else {
        (position as isize - shift) as usize
    }
}

/// The indexes of the sorted, disjoint `ranges` that `r` overlaps (or meets, where either is empty).
fn overlapping<T>(
    ranges: &[T],
    range_of: impl Fn(&T) -> &Range<usize>,
    r: &Range<usize>,
) -> Range<usize> {
    let first = ranges.partition_point(|x| {
        let x = range_of(x);
        x.end < r.start || (x.end == r.start && !x.is_empty() && !r.is_empty())
    });
    let mut last = first;
    while last < ranges.len() && overlaps(range_of(&ranges[last]), r) {
        last += 1;
    }
    first..last
}

/// Whether an edit at `r` touches a replacement at `landed`: overlapping, or (when either is
/// empty) meeting it.
fn overlaps(landed: &Range<usize>, r: &Range<usize>) -> bool {
    if landed.is_empty() || r.is_empty() {
        landed.start <= r.end && r.start <= landed.end
    } else {
        landed.start < r.end && r.start < landed.end
    }
}

/// One round of the pass: the edits on `text` (or only on the `windows` of it) with `counts`;
/// `decided` keeps each token's verdict (a token's verdict depends on the token alone: a name
/// recurs many times), and where the first round met it.
#[allow(clippy::too_many_arguments)]
fn round(
    text: &str,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    skip: &[Range<usize>],
    splits: bool,
    decided: &mut HashMap<String, Verdict>,
    plain: &mut HashMap<String, f64>,
    windows: Option<&[Range<usize>]>,
    places: &mut Vec<Range<usize>>,
    joins: &mut Joins,
) -> Vec<Edit> {
    // Most tokens are words the lexicon knows well, which `correct` never touches: they leave
    // first, before the costlier tests.
    let frequency = |r: &Range<usize>| lexicon.and_then(|l| l.frequency(&text[r.clone()]));
    let skipped = |r: &Range<usize>| super::links::overlaps_url(skip, r);
    let first_round = windows.is_none();
    // Each token's lexicon frequency is looked up once: as the next token of a pair, then as the
    // token itself.
    let mut next_frequency: Option<Option<f64>> = None;
    let mut out = Vec::new();
    let all: Box<dyn Iterator<Item = Range<usize>> + '_> = match windows {
        None => Box::new(tokens(text, table)),
        Some(windows) => Box::new(windows.iter().flat_map(move |w| {
            let offset = w.start;
            tokens(&text[w.clone()], table).map(move |r| r.start + offset..r.end + offset)
        })),
    };
    let mut list = all.peekable();
    let mut previous: Option<Range<usize>> = None;
    let mut joined_with_previous = false;
    let mut real_word_places: HashMap<String, Vec<real_words::Place>> = HashMap::new();
    while let Some(r) = list.next() {
        let before = previous.replace(r.clone());
        let own_frequency = next_frequency.take().unwrap_or_else(|| frequency(&r));
        if std::mem::take(&mut joined_with_previous) || skipped(&r) {
            continue;
        }
        // A word split by a space is joined before either half is read as a misreading.
        if let Some(next) = list.peek()
            && !skipped(next)
            && boundaries::may_join(text, &r, next)
        {
            let next_own = *next_frequency.insert(frequency(next));
            let pair = (own_frequency.unwrap_or(0.0), next_own.unwrap_or(0.0));
            if let Some(edit) = boundaries::join(text, &r, next, pair, stats, lexicon) {
                out.push(edit);
                joined_with_previous = true;
                continue;
            }
            let (first, second) = (&text[r.clone()], &text[next.clone()]);
            if first_round && boundaries::halves_may_join(first, second, pair) {
                // The halves' places, not their forms: a long document weighs a join at about
                // one pair of words in six, and the forms are needed only in a later round.
                joins.push(&r, next);
            }
        }
        let known = own_frequency.filter(|&f| f > RARE_WORD);
        // A rare known token may still be two words run together (web text, where the lexicon
        // comes from, has `ofthe` too); the split weighs its frequency as the token's own. Or it
        // may be a misreading of a far more frequent word (`tho` for `the`), unless an apostrophe
        // follows (an elision: `tho'`).
        let mut misread_suspect = false;
        if let Some(f) = known {
            // The verdict is one per token; the tests of this place matter only when it has a
            // far more frequent neighbour (most known tokens have none), so they run after it.
            let token = &text[r.clone()];
            misread_suspect = real_words::suspect(token, f)
                && !plain.contains_key(token)
                && match decided.get(token) {
                    Some(verdict) => !verdict.neighbours.is_empty() || verdict.edit.is_some(),
                    None => {
                        let verdict = decide(token, known, stats, lexicon, table, splits);
                        let has = !verdict.neighbours.is_empty() || verdict.edit.is_some();
                        if has || splits && f < boundaries::SPLIT_SUSPECT {
                            decided.insert(token.to_owned(), verdict);
                        } else {
                            plain.insert(token.to_owned(), f);
                        }
                        has
                    }
                }
                && !text[r.end..].starts_with(['\'', '’'])
                && in_a_clean_word(text, &r, table)
                && !half_of_a_hyphenated_word(
                    text,
                    before.as_ref(),
                    &r,
                    list.peek(),
                    stats,
                    lexicon,
                )
                && !real_words::part_of_a_cut_word(text, before.as_ref(), &r, list.peek(), lexicon);
            if !(misread_suspect || splits && f < boundaries::SPLIT_SUSPECT) {
                continue;
            }
        } else if half_of_a_hyphenated_word(text, before.as_ref(), &r, list.peek(), stats, lexicon)
            || !in_a_clean_word(text, &r, table)
        {
            continue;
        }
        let token = &text[r.clone()];
        let verdict = decided
            .entry_ref(token)
            .or_insert_with(|| decide(token, known, stats, lexicon, table, splits));
        // A known token without far more frequent neighbours keeps its verdict whatever the
        // counts (unless a split may change with them): its places need not be kept.
        let fixed = verdict.neighbours.is_empty()
            && known.is_some_and(|f| !(splits && f < boundaries::SPLIT_SUSPECT));
        if first_round && !fixed {
            verdict.at.push(r.start);
        }
        if let Some(mut edit) = verdict.edit.clone() {
            // A misreading is not read into an elision; a split still is.
            if known.is_none() || misread_suspect || edit.rule == boundaries::SPLIT.id {
                edit.range = r;
                out.push(edit);
            }
        } else if misread_suspect
            && !verdict.neighbours.is_empty()
            && token.starts_with(char::is_lowercase)
        {
            let word = |other: Option<&Range<usize>>, first: bool| {
                other
                    .filter(|o| {
                        if first {
                            real_words::adjacent(text, o, &r)
                        } else {
                            real_words::adjacent(text, &r, o)
                        }
                    })
                    .map(|o| lowercase(&text[o.clone()]).into_owned())
            };
            let place = real_words::Place {
                previous: word(before.as_ref(), true),
                next: word(list.peek(), false),
                range: r.clone(),
            };
            if place.previous.is_some() || place.next.is_some() {
                real_word_places.entry_ref(token).or_default().push(place);
            }
        }
    }
    // The places of each real word, decided together (in token order, for a stable output).
    let mut by_token: Vec<(&String, &Vec<real_words::Place>)> = real_word_places.iter().collect();
    by_token.sort_by_key(|(_, p)| p[0].range.start);
    for (token, at) in by_token {
        let neighbours = &decided[token.as_str()].neighbours;
        out.extend(real_words::real_words(token, at, neighbours, stats, places));
    }
    out.sort_by_key(|e| (e.range.start, e.range.end));
    out
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

    fn table() -> ConfusionTable {
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
    fn candidates_come_from_substitutions_of_the_token() {
        let table = table();
        let mut words = Vec::new();
        for_each_candidate("rnodcrn", &table, |word, _, _| words.push(word.to_string()));
        assert!(words.contains(&"modcrn".to_string()));
        assert!(words.contains(&"modern".to_string()));
        assert!(words.contains(&"modcm".to_string()));
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
    fn a_very_rare_word_is_repaired_only_against_a_far_more_frequent_one() {
        assert_eq!(applied("bread aud butter", ""), "bread and butter");
        // `laud` is rare but `land` only 425 times as frequent: a real word, kept.
        assert_eq!(applied("to laud the effort", ""), "to laud the effort");
        assert_eq!(applied("a modem line", ""), "a modem line");
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
