//! Whole words that a collection's scanner misreads, with how often: rule data
//! (`rules/misreadings/LANG.tsv`, or `LANG.NAME.tsv` added to the same language), written by
//! `ocrclean learn` from pages an archivist has corrected and read by the misreadings pass.
//!
//! One misreading per line, tab-separated: the word as the OCR wrote it (lowercase), the word the
//! print had, and the probability that the print had it where the OCR wrote the first (how many of
//! its aligned occurrences the truth corrected so, over all of them plus one), then a note:
//!
//! ```text
//! # ocr<TAB>print<TAB>probability<TAB>note
//! tho<TAB>the<TAB>0.98<TAB>learned: 570 of 580
//! ```
//!
//! Unlike a confusion (a few characters, weighed against the document's own evidence), a
//! misreading is a verdict the collection already gave for the whole word; the probability becomes
//! the change's confidence, so the run's threshold decides whether it is applied or flagged.
//! Both sides are words (letters and inner apostrophes); a print side may not be the OCR side of
//! another line (a chain would change the word again on a second run).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::confusion::parse_pairs;
use crate::error::RuleError;
use crate::passes::confusions::is_word;

/// One learned misreading of a whole word.
#[derive(Debug, Clone, PartialEq)]
pub struct Misreading {
    /// The word the print had, in lowercase.
    pub print: String,
    /// How likely the print had it where the OCR wrote the OCR side, in (0, 1].
    pub probability: f64,
    pub note: String,
    /// Where it is defined, for the evidence and messages.
    pub file: PathBuf,
    pub line: usize,
}

/// The misreadings of one language, by the OCR side in lowercase.
#[derive(Debug, Clone, Default)]
pub struct Misreadings {
    by_ocr: HashMap<String, Misreading>,
}

impl Misreadings {
    /// Parses one file; every bad line is reported with its number.
    pub fn parse(path: &Path, source: &str) -> Result<Vec<(String, Misreading)>, Vec<RuleError>> {
        parse_pairs(path, source, "probability", |row| {
            let (ocr, print) = (row.ocr, row.print);
            if !is_word(ocr) || !is_word(print) {
                return Err(format!(
                    "`{ocr}` → `{print}`: both sides must be words (letters and inner apostrophes)"
                ));
            }
            if ocr.chars().chain(print.chars()).any(char::is_uppercase) {
                return Err(format!(
                    "`{ocr}` → `{print}`: write both sides in lowercase (case is kept from the text)"
                ));
            }
            if ocr == print {
                return Err(format!("`{ocr}` is misread as itself"));
            }
            Ok((
                ocr.to_string(),
                Misreading {
                    print: print.to_string(),
                    probability: row.value,
                    note: row.note.to_string(),
                    file: path.to_path_buf(),
                    line: row.line,
                },
            ))
        })
    }

    /// Adds parsed entries; a word defined twice, or a print side that is another line's OCR side,
    /// is an error naming both places.
    pub fn extend(&mut self, entries: Vec<(String, Misreading)>) -> Vec<RuleError> {
        let mut errors = Vec::new();
        let mut added = std::collections::HashSet::new();
        for (ocr, m) in entries {
            if let Some(first) = self.by_ocr.get(&ocr) {
                errors.push(invalid(
                    &m,
                    &ocr,
                    format!("already defined at {}:{}", first.file.display(), first.line),
                ));
                continue;
            }
            added.insert(ocr.clone());
            self.by_ocr.insert(ocr, m);
        }
        let mut chains: Vec<(&String, &Misreading)> = self
            .by_ocr
            .iter()
            // Chains this call made (one of its words on either side), each reported once.
            .filter(|(ocr, m)| {
                (added.contains(*ocr) || added.contains(&m.print))
                    && self.by_ocr.contains_key(&m.print)
            })
            .collect();
        chains.sort_by_key(|(ocr, _)| *ocr);
        for (ocr, m) in chains {
            let next = &self.by_ocr[&m.print];
            errors.push(invalid(
                m,
                ocr,
                format!(
                    "`{}` is itself a misreading (of `{}`, {}:{}): a second run would change it again",
                    m.print,
                    next.print,
                    next.file.display(),
                    next.line
                ),
            ));
        }
        errors
    }

    /// The misreading of `word` (in lowercase), if the data has one.
    pub fn get(&self, word: &str) -> Option<&Misreading> {
        self.by_ocr.get(word)
    }

    /// Whether `word` (lowercase) is the print side of a misreading.
    pub fn is_print(&self, word: &str) -> bool {
        self.by_ocr.values().any(|m| m.print == word)
    }

    pub fn len(&self) -> usize {
        self.by_ocr.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_ocr.is_empty()
    }
}

fn invalid(m: &Misreading, ocr: &str, message: String) -> RuleError {
    RuleError::Invalid {
        path: m.file.clone(),
        line: m.line,
        rule: format!("misreading `{ocr}`"),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Misreadings, Vec<RuleError>> {
        let mut m = Misreadings::default();
        let errors = m.extend(Misreadings::parse(Path::new("en.tsv"), text)?);
        if errors.is_empty() {
            Ok(m)
        } else {
            Err(errors)
        }
    }

    #[test]
    fn a_file_of_misreadings_loads() {
        let m = load("# comment\ntho\tthe\t0.98\tlearned: 570 of 580\ntbe\tthe\t0.9\n").unwrap();
        assert_eq!(m.len(), 2);
        let tho = m.get("tho").unwrap();
        assert_eq!(
            (tho.print.as_str(), tho.probability, tho.line),
            ("the", 0.98, 2)
        );
        assert!(m.get("the").is_none());
    }

    #[test]
    fn a_chain_is_reported_once_by_the_file_that_makes_it() {
        let mut m = Misreadings::default();
        let first = Misreadings::parse(Path::new("en.a.tsv"), "tbe\tthe\t0.9\nthe\ttho\t0.6\n");
        assert_eq!(m.extend(first.unwrap()).len(), 1);
        let second = Misreadings::parse(Path::new("en.b.tsv"), "aud\tand\t0.9\n");
        assert!(m.extend(second.unwrap()).is_empty());
        let third = Misreadings::parse(Path::new("en.c.tsv"), "nnd\taud\t0.9\n");
        let errors = m.extend(third.unwrap());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].to_string().contains("en.c.tsv:1"), "{errors:?}");
    }

    #[test]
    fn bad_lines_are_named() {
        for (text, says) in [
            ("tho\tthe\n", "expected"),
            ("th0\tthe\t0.9\n", "must be words"),
            ("Tho\tThe\t0.9\n", "lowercase"),
            ("tho\ttho\t0.9\n", "itself"),
            ("tho\tthe\t1.5\n", "probability"),
            (
                "tho\tthe\t0.9\ntho\tthee\t0.8\n",
                "already defined at en.tsv:1",
            ),
            ("tbe\tthe\t0.9\nthe\ttbe\t0.6\n", "a second run"),
        ] {
            let errors = load(text).expect_err(text);
            assert!(
                errors.iter().any(|e| e.to_string().contains(says)),
                "{text:?}: {errors:?}"
            );
        }
    }
}
