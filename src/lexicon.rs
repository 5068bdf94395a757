//! Word lists with frequencies, one per language (`rules/lexicon/LANG.tsv`), used as evidence: a
//! word the lexicon knows well is likely right; a word it does not know is only unknown.

use std::path::Path;

use std::hash::BuildHasher;

use std::sync::OnceLock;

use hashbrown::{DefaultHashBuilder, HashTable};

use crate::candidates::DeleteIndex;
use crate::error::RuleError;

/// Words at least this frequent are indexed for candidate search ([`Lexicon::candidate_index`]):
/// a rarer word is never taken as a repair on the lexicon's word alone.
pub const INDEX_MIN_FREQUENCY: f64 = 1e-6;

/// One word of the list: where its (folded) spelling lies in the arena, and its frequency.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    frequency: f32,
}

/// The words of one language and how often each occurs in running text (share of all tokens).
///
/// The spellings live in one arena string and a table of 12-byte entries points into it: a
/// quarter-million words take a few MB instead of one heap allocation per word, and a lookup
/// that misses (most candidate spellings do) costs one hash and no allocation.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub language: String,
    arena: String,
    table: HashTable<Entry>,
    hasher: DefaultHashBuilder,
    /// The symmetric-delete index of the common words, built on first use (once per batch).
    index: OnceLock<DeleteIndex>,
}

impl Lexicon {
    /// Parses `word<TAB>frequency` lines; `#` starts a comment line.
    pub fn parse(language: &str, path: &Path, source: &str) -> Result<Self, RuleError> {
        let mut lexicon = Self {
            language: language.to_string(),
            arena: String::with_capacity(source.len() / 2),
            table: HashTable::with_capacity(source.lines().count()),
            hasher: DefaultHashBuilder::default(),
            index: OnceLock::new(),
        };
        lexicon.add(path, source)?;
        Ok(lexicon)
    }

    /// Adds the `word<TAB>frequency` lines of another file (a learned or a collection's word list)
    /// to this lexicon; a word it already has keeps its frequency.
    pub fn add(&mut self, path: &Path, source: &str) -> Result<(), RuleError> {
        self.index = OnceLock::new();
        let lexicon = self;
        for (i, line) in source.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = line
                .split_once('\t')
                .and_then(|(w, f)| Some((w, f.trim().parse::<f32>().ok()?)))
                .filter(|(w, f)| !w.is_empty() && (0.0..=1.0).contains(f));
            let Some((word, frequency)) = parsed else {
                return Err(RuleError::Parse {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: "expected `word<TAB>frequency` with a frequency between 0 and 1"
                        .into(),
                });
            };
            // The first line of a spelling wins (the lists are sorted by frequency).
            lexicon.insert(&word.to_lowercase(), frequency);
        }
        lexicon.arena.shrink_to_fit();
        let (arena, hasher) = (&lexicon.arena, &lexicon.hasher);
        lexicon
            .table
            .shrink_to_fit(|e| hasher.hash_one(&arena[span(e)]));
        Ok(())
    }

    /// The words (folded) with their frequencies, in no particular order.
    pub fn words(&self) -> impl Iterator<Item = (&str, f64)> {
        self.table
            .iter()
            .map(|e| (&self.arena[span(e)], f64::from(e.frequency)))
    }

    /// The symmetric-delete index of the words at least [`INDEX_MIN_FREQUENCY`] frequent, in
    /// frequency order then spelling (deterministic), built on the first call.
    pub fn candidate_index(&self) -> &DeleteIndex {
        self.index.get_or_init(|| {
            let mut words: Vec<(&str, f64)> = self
                .words()
                .filter(|&(_, f)| f >= INDEX_MIN_FREQUENCY)
                .collect();
            words.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            DeleteIndex::new(words.into_iter().map(|(w, _)| w))
        })
    }

    fn insert(&mut self, word: &str, frequency: f32) {
        if self.get(word).is_some() {
            return;
        }
        let hash = self.hasher.hash_one(word);
        let entry = Entry {
            start: self.arena.len() as u32,
            len: word.len() as u32,
            frequency,
        };
        self.arena.push_str(word);
        let (arena, hasher) = (&self.arena, &self.hasher);
        self.table
            .insert_unique(hash, entry, |e| hasher.hash_one(&arena[span(e)]));
    }

    fn get(&self, word: &str) -> Option<f32> {
        let hash = self.hasher.hash_one(word);
        self.table
            .find(hash, |e| &self.arena[span(e)] == word)
            .map(|e| e.frequency)
    }

    /// Frequency of `word` (looked up in lowercase), if the lexicon knows it.
    ///
    /// The lists are case-folded as wordfreq writes them (lowercase, `ß` as `ss`), so the word is
    /// folded the same way before the lookup.
    pub fn frequency(&self, word: &str) -> Option<f64> {
        // Most tokens and candidate spellings are short and ASCII: folded on the stack, one probe
        // and no allocation. A stored spelling is lowercase, so an ASCII capital never matches
        // as written.
        if word.len() <= ASCII_FOLD_MAX && word.is_ascii() {
            let mut buffer = [0u8; ASCII_FOLD_MAX];
            let folded = &mut buffer[..word.len()];
            folded.copy_from_slice(word.as_bytes());
            folded.make_ascii_lowercase();
            let folded = std::str::from_utf8(folded).expect("ASCII is UTF-8");
            return self.get(folded).map(f64::from);
        }
        let f = match self.get(word) {
            Some(f) => Some(f),
            // A word that is already folded needs no second lookup (nor an allocation).
            None if is_folded(word) => None,
            None => self.get(&fold(word)),
        };
        f.map(f64::from)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.frequency(word).is_some()
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

fn span(e: &Entry) -> std::ops::Range<usize> {
    e.start as usize..(e.start + e.len) as usize
}

/// Longest ASCII word [`Lexicon::frequency`] folds on the stack.
const ASCII_FOLD_MAX: usize = 64;

/// Whether [`fold`] would leave `word` as it is: no capital and no `ß`.
fn is_folded(word: &str) -> bool {
    !word.contains(['ß', 'ſ']) && !has_capital(word)
}

/// Whether `word` has a character that lowercase changes (then [`lowercase`] allocates).
fn has_capital(word: &str) -> bool {
    // One pass over the bytes: ASCII capitals, or any non-ASCII byte (then the characters decide).
    match word
        .bytes()
        .position(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        None => false,
        Some(i) if word.as_bytes()[i].is_ascii() => true,
        Some(_) => word.chars().any(|c| c.to_lowercase().next() != Some(c)),
    }
}

/// `word` in lowercase, borrowed when it has no capital (most words): counting a document's words
/// then allocates only for new capitalised forms.
pub fn lowercase(word: &str) -> std::borrow::Cow<'_, str> {
    if has_capital(word) {
        std::borrow::Cow::Owned(word.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// Case folding as in the word lists: lowercase, with `ß` (and `ẞ`) written `ss` and the long s
/// `ſ` written `s` (`Beſtätigung` is the word `bestätigung`; the text keeps its `ſ`).
fn fold(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.contains(['ß', 'ſ']) {
        lower.replace('ß', "ss").replace('ſ', "s")
    } else {
        lower
    }
}

/// An English lexicon from TSV text (`word\tfrequency` lines), for unit tests.
#[cfg(test)]
pub(crate) fn english(tsv: &str) -> Lexicon {
    Lexicon::parse("en", std::path::Path::new("en.tsv"), tsv).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_looks_up_case_insensitively() {
        let lex = Lexicon::parse(
            "en",
            Path::new("en.tsv"),
            "# comment\nthe\t0.05\neconomy\t7.4e-05\n",
        )
        .unwrap();
        assert_eq!(lex.len(), 2);
        assert!((lex.frequency("Economy").unwrap() - 7.4e-5).abs() < 1e-9);
        assert!(!lex.contains("nomy"));
    }

    #[test]
    fn sharp_s_is_folded_as_in_the_lists() {
        let lex = Lexicon::parse("de", Path::new("de.tsv"), "heisst\t0.0003\n").unwrap();
        assert!(lex.contains("heißt") && lex.contains("Heißt") && lex.contains("HEISST"));
    }

    #[test]
    fn the_long_s_is_read_as_s() {
        let lex = Lexicon::parse("de", Path::new("de.tsv"), "bestätigung\t1e-5\n").unwrap();
        assert!(lex.contains("Beſtätigung") && lex.contains("beſtätigung"));
        assert!(!lex.contains("Beftätigung"));
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number() {
        let err = Lexicon::parse("en", Path::new("en.tsv"), "the\t0.05\nbroken\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "en.tsv:2: expected `word<TAB>frequency` with a frequency between 0 and 1"
        );
    }
}
