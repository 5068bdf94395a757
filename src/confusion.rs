//! The OCR confusion table: which character sequences a scanner writes for which, and how likely
//! each substitution is. It is data (`rules/confusions/*.tsv`), loaded and validated with the rules,
//! and read by the token passes (words, numbers, URLs) to generate repair candidates.
//!
//! One confusion per line, tab-separated: what the OCR wrote, what the print had, and a weight in
//! (0, 1] (how likely the substitution is, relative to the others), then an optional note:
//!
//! ```text
//! # ocr<TAB>print<TAB>weight<TAB>note
//! rn<TAB>m<TAB>0.9<TAB>two narrow letters read for one wide one
//! }'<TAB>y<TAB>0.95<TAB>descender of y lost, the rest read as a brace and an apostrophe
//! ```
//!
//! Either side may be `∅` (nothing): `∅<TAB>n<TAB>0.1` says the OCR lost an `n` of the print,
//! `,<TAB>∅<TAB>0.1` that it added a comma. Such lines weigh the one-edit candidates of the
//! confusions pass (learned ones come from `ocrclean learn`); they never generate candidates of
//! their own, so the numbers and links passes do not see them.
//!
//! A confusion is directed: `T<TAB>I` repairs a capital `I` that the OCR read as `T`; write the reverse line
//! too when the scanner confuses both ways. Lines starting with `#` and blank lines are ignored.

use std::collections::BTreeMap;

use hashbrown::HashMap;
use std::path::{Path, PathBuf};

use crate::error::RuleError;

/// One directed substitution: the OCR wrote `ocr` where the print had `print`.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    pub ocr: String,
    pub print: String,
    /// How likely the substitution is, in (0, 1].
    pub weight: f64,
    pub note: String,
    /// Where it is defined, for messages.
    pub file: PathBuf,
    pub line: usize,
}

/// All confusions of a rules folder, indexed by the first character of what the OCR wrote, so
/// that candidates are generated from the token (never by scanning a word list).
#[derive(Debug, Clone, Default)]
pub struct ConfusionTable {
    entries: Vec<Confusion>,
    by_first_char: HashMap<char, Vec<usize>>,
    /// The same entries by the first character of what the print had, for reading a word back
    /// into what the OCR may have made of it.
    by_first_print_char: HashMap<char, Vec<usize>>,
    /// Every entry by its OCR side (`∅` written as the empty string), for [`ConfusionTable::weight`].
    by_ocr: HashMap<String, Vec<usize>>,
}

/// One side of a confusion.
#[derive(Debug, Clone, Copy)]
enum Side {
    Ocr,
    Print,
}

/// How a table file writes an empty side (an insertion or a deletion).
pub const NOTHING: &str = "∅";

impl ConfusionTable {
    /// Parses one table file; every bad line is reported with its number.
    pub fn parse(path: &Path, source: &str) -> Result<Vec<Confusion>, Vec<RuleError>> {
        parse_pairs(path, source, "weight", |row| {
            if row.ocr.is_empty() || row.print.is_empty() {
                return Err(format!(
                    "the OCR and print sides may not be empty (write `{NOTHING}` for nothing)"
                ));
            }
            let (ocr, print) = (
                if row.ocr == NOTHING { "" } else { row.ocr },
                if row.print == NOTHING { "" } else { row.print },
            );
            if ocr.is_empty() && print.is_empty() {
                return Err(format!("`{NOTHING}` on both sides"));
            }
            if ocr.chars().chain(print.chars()).any(char::is_whitespace) {
                return Err("the OCR and print sides may not contain whitespace".into());
            }
            if ocr == print {
                return Err(format!("`{ocr}` is confused with itself"));
            }
            Ok(Confusion {
                ocr: ocr.to_string(),
                print: print.to_string(),
                weight: row.value,
                note: row.note.to_string(),
                file: path.to_path_buf(),
                line: row.line,
            })
        })
    }

    /// Adds entries; a pair defined twice (in any file) is an error naming both places.
    pub fn extend(&mut self, entries: Vec<Confusion>) -> Vec<RuleError> {
        let mut seen: BTreeMap<(&str, &str), &Confusion> = BTreeMap::new();
        for e in &self.entries {
            seen.insert((&e.ocr, &e.print), e);
        }
        let mut errors = Vec::new();
        let mut accepted = Vec::new();
        for e in entries {
            if let Some(first) = seen.get(&(e.ocr.as_str(), e.print.as_str())) {
                errors.push(RuleError::Parse {
                    path: e.file.clone(),
                    line: e.line,
                    message: format!(
                        "confusion `{}` → `{}` already defined at {}:{}",
                        e.ocr,
                        e.print,
                        first.file.display(),
                        first.line
                    ),
                });
            } else {
                accepted.push(e);
            }
        }
        for e in accepted {
            // Insertions and deletions only weigh candidates; they generate none.
            if let (Some(first), Some(first_print)) = (e.ocr.chars().next(), e.print.chars().next())
            {
                self.by_first_char
                    .entry(first)
                    .or_default()
                    .push(self.entries.len());
                self.by_first_print_char
                    .entry(first_print)
                    .or_default()
                    .push(self.entries.len());
            }
            self.by_ocr
                .entry(e.ocr.clone())
                .or_default()
                .push(self.entries.len());
            self.entries.push(e);
        }
        errors
    }

    /// A table from `(ocr, print, weight)` triples, for tests and embedding.
    pub fn from_pairs(pairs: &[(&str, &str, f64)]) -> Self {
        let mut table = Self::default();
        let entries = pairs
            .iter()
            .map(|&(ocr, print, weight)| Confusion {
                ocr: ocr.into(),
                print: print.into(),
                weight,
                note: String::new(),
                file: PathBuf::from("<inline>"),
                line: 0,
            })
            .collect();
        let errors = table.extend(entries);
        assert!(errors.is_empty(), "duplicate inline confusions");
        table
    }

    pub fn entries(&self) -> &[Confusion] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The confusions whose OCR side occurs in `s` at byte `pos` (they outlive `s`: a caller may
    /// rewrite `s` while it holds them).
    pub fn matches_at<'a, 's>(
        &'a self,
        s: &'s str,
        pos: usize,
    ) -> impl Iterator<Item = &'a Confusion> + use<'a, 's> {
        self.side_matches_at(&self.by_first_char, Side::Ocr, s, pos)
    }

    /// The confusions that generate candidates (both sides written) whose print side occurs in
    /// `s` at byte `pos`: where a candidate word came from, read backwards.
    pub fn print_matches_at<'a, 's>(
        &'a self,
        s: &'s str,
        pos: usize,
    ) -> impl Iterator<Item = &'a Confusion> + use<'a, 's> {
        self.side_matches_at(&self.by_first_print_char, Side::Print, s, pos)
    }

    /// The entries of `index` (by the first character of `side`) whose `side` occurs in `s` at
    /// byte `pos`.
    fn side_matches_at<'a, 's>(
        &'a self,
        index: &'a HashMap<char, Vec<usize>>,
        side: Side,
        s: &'s str,
        pos: usize,
    ) -> impl Iterator<Item = &'a Confusion> + use<'a, 's> {
        let first = s[pos..].chars().next();
        first
            .and_then(|c| index.get(&c))
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
            .filter(move |e| {
                s[pos..].starts_with(match side {
                    Side::Ocr => e.ocr.as_str(),
                    Side::Print => e.print.as_str(),
                })
            })
    }

    /// The weight of the OCR writing `ocr` where the print had `print` (either may be empty), if
    /// the table has that confusion.
    pub fn weight(&self, ocr: &str, print: &str) -> Option<f64> {
        self.by_ocr
            .get(ocr)?
            .iter()
            .map(|&i| &self.entries[i])
            .find(|e| e.print == print)
            .map(|e| e.weight)
    }

    /// Whether `c` is the start of some OCR side (so that a tokenizer keeps it inside a word).
    pub fn starts_with_char(&self, c: char) -> bool {
        self.by_first_char.contains_key(&c)
    }

    /// What the print most likely had for the single character `c`, among single-character
    /// confusions whose print side satisfies `wanted` (best weight first).
    pub fn single_char_repairs(&self, c: char, wanted: impl Fn(char) -> bool) -> Vec<(char, f64)> {
        let mut out: Vec<(char, f64)> = self
            .by_first_char
            .get(&c)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
            .filter(|e| e.ocr.chars().count() == 1)
            .filter_map(|e| {
                let mut chars = e.print.chars();
                match (chars.next(), chars.next()) {
                    (Some(p), None) if wanted(p) => Some((p, e.weight)),
                    _ => None,
                }
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out
    }
}

/// One data line of a tab-separated pair file, `ocr<TAB>print<TAB>value[<TAB>note]`: the format of
/// the confusion table and of the misreadings (`src/misreading.rs`).
pub(crate) struct PairLine<'a> {
    pub line: usize,
    pub ocr: &'a str,
    pub print: &'a str,
    /// The third field, a number in (0, 1].
    pub value: f64,
    pub note: &'a str,
}

/// The data lines of a pair file, each made into an entry by `make` (which refuses a pair with a
/// message); comments and blank lines are skipped, and every bad line is an error naming it. The
/// third field is called `value_name` in messages (`weight`, `probability`).
pub(crate) fn parse_pairs<'a, T>(
    path: &Path,
    source: &'a str,
    value_name: &str,
    mut make: impl FnMut(PairLine<'a>) -> Result<T, String>,
) -> Result<Vec<T>, Vec<RuleError>> {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, text) in source.lines().enumerate() {
        if text.trim().is_empty() || text.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = text.split('\t').collect();
        let made = if !(3..=4).contains(&fields.len()) {
            Err(format!(
                "expected `ocr<TAB>print<TAB>{value_name}` and an optional `<TAB>note`"
            ))
        } else {
            match fields[2].trim().parse::<f64>() {
                Ok(value) if value > 0.0 && value <= 1.0 => make(PairLine {
                    line: i + 1,
                    ocr: fields[0],
                    print: fields[1],
                    value,
                    note: fields.get(3).map_or("", |n| n.trim()),
                }),
                _ => Err(format!(
                    "{value_name} `{}` is not a number in (0, 1]",
                    fields[2]
                )),
            }
        };
        match made {
            Ok(entry) => entries.push(entry),
            Err(message) => errors.push(RuleError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            }),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_with_weights_and_notes() {
        let src = "# ocr\tprint\tweight\nrn\tm\t0.9\ttwo letters for one\n}'\ty\t0.95\n";
        let entries = ConfusionTable::parse(Path::new("c.tsv"), src).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].note, "two letters for one");
        assert_eq!(entries[1].line, 3);
        let mut table = ConfusionTable::default();
        assert!(table.extend(entries).is_empty());
        let found: Vec<_> = table.matches_at("modern", 4).map(|c| &c.print).collect();
        assert_eq!(found, vec!["m"]);
        assert_eq!(table.matches_at("modern", 0).count(), 0);
    }

    #[test]
    fn bad_lines_are_reported_with_file_and_line() {
        let src = "rn\tm\t0.9\nrn m 0.9\nx\tx\t0.5\na\tb\t1.5\n\tb\t0.5\n";
        let errors = ConfusionTable::parse(Path::new("c.tsv"), src).unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].starts_with("c.tsv:2: expected"), "{messages:?}");
        assert!(messages[1].starts_with("c.tsv:3: `x` is confused with itself"));
        assert!(messages[2].starts_with("c.tsv:4: weight `1.5`"));
        assert!(messages[3].starts_with("c.tsv:5: the OCR and print sides"));
    }

    #[test]
    fn insertions_and_deletions_weigh_but_generate_nothing() {
        let src = "∅\tn\t0.2\tan n lost\n,\t∅\t0.1\n∅\t∅\t0.1\n";
        let errors = ConfusionTable::parse(Path::new("c.tsv"), src).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .starts_with("c.tsv:3: `∅` on both sides")
        );
        let entries = ConfusionTable::parse(Path::new("c.tsv"), "∅\tn\t0.2\n,\t∅\t0.1\n").unwrap();
        let mut table = ConfusionTable::default();
        assert!(table.extend(entries).is_empty());
        assert_eq!(table.weight("", "n"), Some(0.2));
        assert_eq!(table.weight(",", ""), Some(0.1));
        assert_eq!(table.weight("n", ""), None);
        assert_eq!(table.matches_at("a,b", 1).count(), 0);
        assert!(!table.starts_with_char(','));
    }

    #[test]
    fn a_pair_defined_twice_names_both_places() {
        let mut table = ConfusionTable::default();
        let a = ConfusionTable::parse(Path::new("a.tsv"), "u\tn\t0.8\n").unwrap();
        let b = ConfusionTable::parse(Path::new("b.tsv"), "\n\nu\tn\t0.5\n").unwrap();
        assert!(table.extend(a).is_empty());
        let errors = table.extend(b);
        assert_eq!(
            errors[0].to_string(),
            "b.tsv:3: confusion `u` → `n` already defined at a.tsv:1"
        );
        assert_eq!(table.entries().len(), 1);
    }

    #[test]
    fn single_character_repairs_filter_the_print_side() {
        let table =
            ConfusionTable::from_pairs(&[("S", "5", 0.6), ("S", "8", 0.7), ("l", "1", 0.9)]);
        assert_eq!(
            table.single_char_repairs('S', |c| c.is_ascii_digit()),
            vec![('8', 0.7), ('5', 0.6)]
        );
        assert!(table.single_char_repairs('x', |_| true).is_empty());
    }
}
