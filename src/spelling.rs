//! Spelling conventions of older printing per language (`rules/spelling/LANG.toml`): letters that
//! a period's printers set for others (`u` for `v` in `haue`, `vpon`; `y` for `i` in `tyme`), which
//! a modern lexicon does not know. A document that shows a convention throughout keeps the words it
//! spells so: the word repairs read such a word as the period's spelling of a lexicon word
//! (`graue` is `grave`), not as a misreading of another (`grace`).
//!
//! ```toml
//! # Each pair: the letters as printed, then the letters a modern spelling has in their place.
//! variants = [["u", "v"], ["v", "u"], ["y", "i"]]
//! # Each example is run through the word repairs with this language's lexicon, the input as the
//! # whole document.
//! examples = [{ input = "...", output = "..." }]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::RuleError;
use crate::example::Example;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpellingFile {
    variants: Vec<[String; 2]>,
    #[serde(default)]
    examples: Vec<toml::Spanned<Example>>,
}

/// The period spelling conventions of one language, letters in lowercase.
#[derive(Debug, Clone, Default)]
pub struct Spelling {
    pub language: String,
    /// (as printed, as a modern spelling has it).
    pub variants: Vec<(String, String)>,
    pub examples: Vec<Example>,
    /// The file it was loaded from and the line of each example, for messages.
    pub file: PathBuf,
    pub example_lines: Vec<usize>,
}

impl Spelling {
    /// Parses one `LANG.toml` file; unknown keys and pairs that are not letters are errors.
    pub fn parse(language: &str, path: &Path, source: &str) -> Result<Self, RuleError> {
        let file: SpellingFile = RuleError::parse_toml(path, source)?;
        let mut variants = Vec::new();
        for [printed, modern] in file.variants {
            let letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
            if !letters(&printed) || !letters(&modern) || printed == modern {
                return Err(RuleError::Parse {
                    path: path.to_path_buf(),
                    line: 1,
                    message: format!(
                        "variants: [{printed:?}, {modern:?}] is not a pair of different letters"
                    ),
                });
            }
            variants.push((printed.to_lowercase(), modern.to_lowercase()));
        }
        let (examples, example_lines) = crate::example::with_lines(source, file.examples);
        Ok(Self {
            language: language.to_string(),
            variants,
            examples,
            example_lines,
            file: path.to_path_buf(),
        })
    }
}

/// Calls `each` with every spelling of `word` (lowercase) with one place of `printed` read as
/// `modern`.
pub fn for_each_reading(word: &str, printed: &str, modern: &str, mut each: impl FnMut(&str)) {
    let mut buffer = String::with_capacity(word.len() + modern.len());
    for (at, _) in word.match_indices(printed) {
        buffer.clear();
        buffer.push_str(&word[..at]);
        buffer.push_str(modern);
        buffer.push_str(&word[at + printed.len()..]);
        each(&buffer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pairs_and_refuses_unknown_keys_and_non_letters() {
        let s = Spelling::parse(
            "en",
            Path::new("en.toml"),
            "variants = [[\"U\", \"v\"], [\"y\", \"i\"]]\n",
        )
        .unwrap();
        assert_eq!(
            s.variants,
            vec![("u".into(), "v".into()), ("y".into(), "i".into())]
        );
        let err =
            Spelling::parse("en", Path::new("en.toml"), "variants = []\npairs = []\n").unwrap_err();
        assert!(err.to_string().starts_with("en.toml:2:"), "{err}");
        let err =
            Spelling::parse("en", Path::new("en.toml"), "variants = [[\"u\", \"u\"]]").unwrap_err();
        assert!(err.to_string().contains("not a pair"), "{err}");
    }

    #[test]
    fn each_place_of_the_printed_letters_is_read_in_turn() {
        let mut seen = Vec::new();
        for_each_reading("vnuelled", "u", "v", |w| seen.push(w.to_string()));
        assert_eq!(seen, vec!["vnvelled"]);
        seen.clear();
        for_each_reading("euen", "u", "v", |w| seen.push(w.to_string()));
        assert_eq!(seen, vec!["even"]);
    }
}
