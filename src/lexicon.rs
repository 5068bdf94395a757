//! Word lists with frequencies, one per language (`rules/lexicon/LANG.tsv`), used as evidence: a
//! word the lexicon knows well is likely right; a word it does not know is only unknown.

use std::collections::HashMap;
use std::path::Path;

use crate::error::RuleError;

/// The words of one language and how often each occurs in running text (share of all tokens).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub language: String,
    frequencies: HashMap<String, f32>,
}

impl Lexicon {
    /// Parses `word<TAB>frequency` lines; `#` starts a comment line.
    pub fn parse(language: &str, path: &Path, source: &str) -> Result<Self, RuleError> {
        let mut frequencies = HashMap::with_capacity(source.len() / 12);
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
            frequencies.entry(word.to_lowercase()).or_insert(frequency);
        }
        Ok(Self {
            language: language.to_string(),
            frequencies,
        })
    }

    /// Frequency of `word` (looked up in lowercase), if the lexicon knows it.
    ///
    /// The lists are case-folded as wordfreq writes them (lowercase, `ß` as `ss`), so the word is
    /// folded the same way before the lookup.
    pub fn frequency(&self, word: &str) -> Option<f64> {
        let f = match self.frequencies.get(word) {
            Some(f) => Some(*f),
            None => self.frequencies.get(&fold(word)).copied(),
        };
        f.map(f64::from)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.frequency(word).is_some()
    }

    pub fn len(&self) -> usize {
        self.frequencies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frequencies.is_empty()
    }
}

/// Case folding as in the word lists: lowercase, with `ß` (and `ẞ`) written `ss`.
fn fold(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.contains('ß') {
        lower.replace('ß', "ss")
    } else {
        lower
    }
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
    fn a_bad_line_is_reported_with_its_number() {
        let err = Lexicon::parse("en", Path::new("en.tsv"), "the\t0.05\nbroken\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "en.tsv:2: expected `word<TAB>frequency` with a frequency between 0 and 1"
        );
    }
}
