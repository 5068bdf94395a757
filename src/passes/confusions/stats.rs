//! The document's word counts ([`DocStats`], and [`Counts`] as a round sees them) and its tokens.

use std::ops::Range;
use std::sync::OnceLock;

use hashbrown::HashMap;

use super::word::is_word;
use super::{
    CONVENTION_FORMS, CONVENTION_SHARE, CONVENTION_WORD, DOCUMENT_INDEX_MIN_COUNT, MIN_LEXICON,
    ONE_EDIT_MIN_LEN,
};
use crate::candidates::DeleteIndex;
use crate::collection::Collection;
use crate::confusion::ConfusionTable;
use crate::lexicon::{Lexicon, lowercase};
use crate::passes::real_words;
use crate::spelling::{self, Spelling};

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
    /// The forms one table substitution from a common word that the document uses at least
    /// [`real_words::REAL_WORD_MIN_PAIRS`] times (built on first use).
    neighbour_sources: OnceLock<real_words::NeighbourSources>,
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

    fn neighbour_sources(
        &self,
        table: &ConfusionTable,
        lexicon: &Lexicon,
    ) -> &real_words::NeighbourSources {
        self.neighbour_sources.get_or_init(|| {
            let often = self
                .counts
                .iter()
                .filter(|(w, (n, _))| {
                    *n >= real_words::REAL_WORD_MIN_PAIRS
                        && lexicon
                            .frequency(w)
                            .is_some_and(|f| f >= real_words::NEIGHBOUR_MIN_FREQUENCY)
                })
                .map(|(w, _)| w.as_str());
            real_words::NeighbourSources::new(often, table)
        })
    }

    /// How often the document uses `word` (any case).
    pub fn count(&self, word: &str) -> usize {
        self.counts
            .get(lowercase(word).as_ref())
            .map_or(0, |&(count, _)| count)
    }

    /// The variants of `spelling` that the document writes throughout (see [`CONVENTION_FORMS`]).
    pub(super) fn conventions(
        &self,
        lexicon: &Lexicon,
        spelling: &Spelling,
    ) -> &[(String, String)] {
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

/// The document's word counts as one round of the pass sees them: the stage's counts
/// ([`DocStats`]) adjusted by the repairs of the earlier rounds of the same run, so that a
/// misreading repaired away no longer speaks for itself and its repair speaks for the word it
/// became (in the Internet Archive *Les Misérables*, `tlie` x382 first made `llie` → `tlie`; once
/// those are `the`, a second run made `tlie` → `the`).
#[derive(Debug, Clone)]
pub struct Counts<'a> {
    base: &'a DocStats,
    /// The notes' counts, for a note's run (a name may be attested only in another note).
    pub(super) notes: Option<&'a DocStats>,
    /// Uses added (or removed) by earlier rounds, by lowercase form, and whether an added use is
    /// not capitalised.
    delta: HashMap<String, (isize, bool)>,
    /// Pairs of neighbouring words added (or removed) by earlier rounds.
    bigram_delta: HashMap<u64, isize>,
    pub(crate) total: usize,
    /// The language's period spelling conventions, when its data has them.
    pub(super) spelling: Option<&'a Spelling>,
    /// The collection's settings of the word repairs (their defaults when it has none).
    pub(super) collection: Collection,
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
            collection: Collection::default(),
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

    /// Whether the lowercase `token` may have a neighbour ([`real_words::neighbours`]): one table
    /// substitution from a word the document uses often and the lexicon knows as common
    /// ([`real_words::NEIGHBOUR_MIN_FREQUENCY`]). Counts that earlier rounds or the notes changed
    /// are asked word by word instead.
    pub(crate) fn may_have_neighbours(
        &self,
        token: &str,
        table: &ConfusionTable,
        lexicon: &Lexicon,
    ) -> bool {
        self.notes.is_some()
            || !self.delta.is_empty()
            || self.base.neighbour_sources(table, lexicon).may_hold(token)
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
    pub(super) fn replace_pairs(&mut self, before: &str, after: &str, table: &ConfusionTable) {
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

    pub(super) fn index(&self) -> &DeleteIndex {
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
    pub(crate) fn replace(&mut self, before: &str, replacement: &str, table: &ConfusionTable) {
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
pub(super) fn is_token_symbol(c: char, table: &ConfusionTable) -> bool {
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
