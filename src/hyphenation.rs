//! Hyphenation data per language (`rules/hyphenation/LANG.toml`): the word lists that the
//! dehyphenation pass uses as evidence besides the document and the lexicon.
//!
//! ```toml
//! # Prefixes that keep their hyphen before a word (`non-interference`), unless the lexicon knows
//! # the joined word well (`example` is not `ex-ample`).
//! keep_prefixes = ["non", "self", "ex"]
//! # Words that, right after a hyphen, mark a suspended compound (`pre- and post-war`,
//! # `Haupt- und Nebensache`): the hyphen stays and the line break becomes a space.
//! conjunctions = ["and", "or"]
//! # The language writes compounds closed up (German): a lowercase continuation joins even when
//! # the lexicon does not know the compound. Default false.
//! closed_compounds = false
//! # Number words that keep their hyphen before a lowercase word (`thirty-eight`, `twenty- five`).
//! number_words = ["twenty", "thirty"]
//! # Each example is run through the dehyphenation pass with this language's lexicon.
//! examples = [
//!   { input = "non-\ninterference", output = "non-interference" },
//!   { input = "creden-\ntials", output = "credentials" },
//! ]
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::error::RuleError;
use crate::example::Example;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HyphenationFile {
    #[serde(default)]
    keep_prefixes: Vec<String>,
    #[serde(default)]
    conjunctions: Vec<String>,
    #[serde(default)]
    number_words: Vec<String>,
    #[serde(default)]
    closed_compounds: bool,
    #[serde(default)]
    examples: Vec<toml::Spanned<Example>>,
}

/// The hyphenation evidence of one language, words in lowercase.
#[derive(Debug, Clone, Default)]
pub struct Hyphenation {
    pub language: String,
    pub keep_prefixes: BTreeSet<String>,
    pub conjunctions: BTreeSet<String>,
    /// The language writes compounds as one word (German): a lowercase word after the break joins
    /// even when the lexicon does not know the compound.
    pub closed_compounds: bool,
    /// Number words that keep their hyphen before a lowercase word (`thirty-eight`).
    pub number_words: BTreeSet<String>,
    pub examples: Vec<Example>,
    /// The file it was loaded from and the line of each example, for messages.
    pub file: std::path::PathBuf,
    pub example_lines: Vec<usize>,
}

impl Hyphenation {
    /// Parses one `LANG.toml` file; unknown keys and empty words are errors.
    pub fn parse(language: &str, path: &Path, source: &str) -> Result<Self, RuleError> {
        let file: HyphenationFile = RuleError::parse_toml(path, source)?;
        let words = |list: Vec<String>, what: &str| -> Result<BTreeSet<String>, RuleError> {
            list.into_iter()
                .map(|w| {
                    if w.is_empty() || !w.chars().all(char::is_alphabetic) {
                        Err(RuleError::Parse {
                            path: path.to_path_buf(),
                            line: 1,
                            message: format!("{what}: {w:?} is not a word of letters"),
                        })
                    } else {
                        Ok(w.to_lowercase())
                    }
                })
                .collect()
        };
        let (examples, example_lines) = crate::example::with_lines(source, file.examples);
        Ok(Self {
            language: language.to_string(),
            keep_prefixes: words(file.keep_prefixes, "keep_prefixes")?,
            conjunctions: words(file.conjunctions, "conjunctions")?,
            closed_compounds: file.closed_compounds,
            number_words: words(file.number_words, "number_words")?,
            examples,
            example_lines,
            file: path.to_path_buf(),
        })
    }

    pub fn is_keep_prefix(&self, word: &str) -> bool {
        self.keep_prefixes.contains(&word.to_lowercase())
    }

    pub fn is_number_word(&self, word: &str) -> bool {
        self.number_words.contains(&word.to_lowercase())
    }

    /// True for a conjunction written in lowercase, as it stands after a suspended compound.
    pub fn is_conjunction(&self, word: &str) -> bool {
        self.conjunctions.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_refuses_unknown_keys_and_non_words() {
        let h = Hyphenation::parse(
            "en",
            Path::new("en.toml"),
            "keep_prefixes = [\"Non\", \"self\"]\nconjunctions = [\"and\"]\n",
        )
        .unwrap();
        assert!(h.is_keep_prefix("non") && h.is_keep_prefix("Self"));
        assert!(!h.is_keep_prefix("inter"));
        assert!(h.is_conjunction("and") && !h.is_conjunction("And"));
        let err = Hyphenation::parse("en", Path::new("en.toml"), "\nprefixes = []\n").unwrap_err();
        assert!(err.to_string().starts_with("en.toml:2:"), "{err}");
        let err =
            Hyphenation::parse("en", Path::new("en.toml"), "conjunctions = [\"a b\"]").unwrap_err();
        assert!(err.to_string().contains("not a word"), "{err}");
    }
}
