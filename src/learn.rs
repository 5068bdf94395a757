//! Rules learned from pages an archivist has corrected: raw OCR aligned with its truth gives the
//! scanner's confusions (with weights from their counts) and the words of the collection that the
//! bundled lexicon lacks (names, period spellings). Both are written as ordinary rule files, with
//! the counts and examples as comments, so that a person can review and edit them before use.
//!
//! Alignment: the words of both sides (split at whitespace) are aligned with a diff (Myers, from
//! the `similar` crate, with no deadline: the result never depends on machine speed); a run of
//! changed words with as many words on each side is paired word by word, and each pair that is
//! close (edit distance at most a third of the word) is aligned character by character. Each run
//! of changed characters between two equal ones is one confusion: what the OCR wrote, what the
//! print had (either may be empty). Word runs of different lengths (split and run-together words)
//! teach no character confusion.
//!
//! Weight of a confusion: 10 × (times the OCR wrote `ocr` for `print`) / (times the truth has
//! `print`), between 0.02 and 0.95, the scale of the hand-written table (`rn` → `m` 0.8 says that
//! about one `m` in twelve is misread so); an added character is counted against all characters.

use std::collections::{BTreeMap, HashMap};

use similar::{Algorithm, DiffOp, capture_diff_slices};

use crate::confusion::{ConfusionTable, NOTHING};
use crate::lexicon::{Lexicon, lowercase};

/// Confusions seen fewer times than this are not written.
pub const MIN_CONFUSION_COUNT: usize = 3;
/// Truth words seen fewer times than this do not enter the learned lexicon.
pub const MIN_WORD_COUNT: usize = 2;
/// Longest side of a learned confusion, in characters.
pub const MAX_SIDE: usize = 3;
/// A whole-word misreading is written when the truth had its print side at least this share of
/// the OCR side's occurrences (plus one): the likeliest reading of the word.
pub const MIN_MISREADING_PROBABILITY: f64 = 0.5;
/// A misread word that the lexicon knows counts as kept this many times more than it was seen
/// kept: it is right in other contexts, so a few misreadings in the pages are weak evidence.
pub const KNOWN_WORD_KEPT: usize = 5;
/// Examples kept per confusion for the comments.
const EXAMPLES: usize = 4;

#[derive(Debug, Default, Clone)]
struct Seen {
    count: usize,
    examples: Vec<(String, String)>,
}

/// What the aligned documents taught so far.
#[derive(Debug, Default, Clone)]
pub struct Learner {
    confusions: BTreeMap<(String, String), Seen>,
    /// Every truth word as written, with its count (the denominators of the weights).
    truth_words: HashMap<String, usize>,
    truth_chars: usize,
    documents: usize,
    word_pairs: usize,
    misread_words: usize,
    /// Every raw word (lowercase, as the misreadings pass reads tokens), with its count: the
    /// denominators of the misreadings' probabilities.
    raw_words: HashMap<String, usize>,
    /// (raw word, truth word) of aligned pairs that differ, lowercase, with their counts.
    word_misreadings: HashMap<(String, String), usize>,
}

/// Whether a misread word and its truth are close enough to align character by character: an
/// edit distance of at most a third of the word (one edit for words of up to three letters).
fn close(ocr: &str, truth: &str) -> bool {
    let len = truth.chars().count().max(ocr.chars().count());
    strsim::levenshtein(ocr, truth) * 3 <= len.max(3)
}

/// One learned confusion.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    pub ocr: String,
    pub print: String,
    pub count: usize,
    /// How often the truth has `print` (all characters for an added one).
    pub of: usize,
    pub weight: f64,
    pub examples: Vec<(String, String)>,
}

/// One learned whole-word misreading.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedWord {
    /// The raw word, lowercase.
    pub ocr: String,
    /// What the truth had, lowercase.
    pub print: String,
    /// Times the truth had `print` where the OCR wrote `ocr` ...
    pub count: usize,
    /// ... of the times the OCR wrote `ocr`.
    pub of: usize,
    pub probability: f64,
}

impl Learner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Aligns one document's raw OCR with its truth and counts what it shows.
    pub fn add(&mut self, raw: &str, truth: &str) {
        self.documents += 1;
        let raw_words: Vec<&str> = raw.split_whitespace().collect();
        let truth_words: Vec<&str> = truth.split_whitespace().collect();
        for word in &raw_words {
            if let Some(core) = word_core(word) {
                *self
                    .raw_words
                    .entry(lowercase(&core).into_owned())
                    .or_default() += 1;
            }
        }
        for word in &truth_words {
            *self.truth_words.entry((*word).to_string()).or_default() += 1;
            self.truth_chars += word.chars().count();
        }
        for op in capture_diff_slices(Algorithm::Myers, &raw_words, &truth_words) {
            match op {
                DiffOp::Equal { len, .. } => self.word_pairs += len,
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } if old_len == new_len => {
                    self.word_pairs += old_len;
                    let pairs = || {
                        (0..old_len).map(|i| (raw_words[old_index + i], truth_words[new_index + i]))
                    };
                    // One pair far apart says the run is misaligned (a split or run-together
                    // word beside it): the whole run teaches nothing.
                    if pairs().all(|(o, t)| close(o, t)) {
                        for (o, t) in pairs() {
                            self.add_word(o, t);
                            // Only a pair the pass would reproduce, case and all (`lt` for
                            // `It` would be written `it`).
                            if let Some((o, t)) = word_core(o).zip(word_core(t)) {
                                let print = lowercase(&t);
                                let same = crate::passes::misreadings::with_case_of(&o, &print)
                                    .is_some_and(|written| written == t);
                                let ocr = lowercase(&o);
                                if same && ocr != print {
                                    *self
                                        .word_misreadings
                                        .entry((ocr.into_owned(), print.into_owned()))
                                        .or_default() += 1;
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn add_word(&mut self, ocr: &str, truth: &str) {
        self.misread_words += 1;
        let o: Vec<char> = ocr.chars().collect();
        let t: Vec<char> = truth.chars().collect();
        let mut pending: Option<(String, String)> = None;
        let mut flush = |pending: &mut Option<(String, String)>| {
            if let Some((a, b)) = pending.take() {
                let seen = self.confusions.entry((a, b)).or_default();
                seen.count += 1;
                if seen.examples.len() < EXAMPLES && !seen.examples.iter().any(|(x, _)| x == ocr) {
                    seen.examples.push((ocr.to_string(), truth.to_string()));
                }
            }
        };
        for op in capture_diff_slices(Algorithm::Myers, &o, &t) {
            let (old, new) = (op.old_range(), op.new_range());
            if let DiffOp::Equal { .. } = op {
                flush(&mut pending);
                continue;
            }
            let side = pending.get_or_insert_with(Default::default);
            side.0.extend(&o[old]);
            side.1.extend(&t[new]);
        }
        flush(&mut pending);
    }

    /// How often the truth has `print` (all characters when `print` is empty).
    fn occurrences(&self, print: &str) -> usize {
        if print.is_empty() {
            return self.truth_chars;
        }
        self.truth_words
            .iter()
            .map(|(w, n)| w.matches(print).count() * n)
            .sum()
    }

    /// The confusions worth writing: seen at least `min_count` times, made of letters and digits
    /// (punctuation is no word repair), at most [`MAX_SIDE`] characters a side, not a change of
    /// case only; most frequent first.
    pub fn confusions(&self, min_count: usize) -> Vec<Learned> {
        let mut out: Vec<Learned> = self
            .confusions
            .iter()
            .filter(|((ocr, print), seen)| {
                seen.count >= min_count
                    && ocr.chars().count() <= MAX_SIDE
                    && print.chars().count() <= MAX_SIDE
                    && ocr.chars().chain(print.chars()).all(char::is_alphanumeric)
                    && ocr.to_lowercase() != print.to_lowercase()
                    // An added or lost character: one at a time.
                    && (!(ocr.is_empty() || print.is_empty())
                        || ocr.chars().count() + print.chars().count() == 1)
            })
            .map(|((ocr, print), seen)| {
                let of = self.occurrences(print).max(seen.count);
                let weight = (10.0 * seen.count as f64 / of as f64).clamp(0.02, 0.95);
                Learned {
                    ocr: ocr.clone(),
                    print: print.clone(),
                    count: seen.count,
                    of,
                    weight: (weight * 100.0).round() / 100.0,
                    examples: seen.examples.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| (&a.ocr, &a.print).cmp(&(&b.ocr, &b.print)))
        });
        out
    }

    /// The confusion file: learned pairs that `base` lacks, each with its counts and examples as
    /// a comment; pairs `base` already has are listed as comments with what was learned.
    /// `left_out` names why a learned pair may not be used (it changes what an example of the
    /// rules says): such a pair is written as a comment with the reason.
    pub fn confusion_file(
        &self,
        base: &ConfusionTable,
        min_count: usize,
        left_out: &dyn Fn(&Learned) -> Option<String>,
    ) -> String {
        let side = |s: &str| {
            if s.is_empty() {
                NOTHING.to_string()
            } else {
                s.to_string()
            }
        };
        let mut out = format!(
            "# OCR confusions learned by `ocrclean learn` from {} aligned page(s) or article(s): {} aligned word pairs, {} misread words.\n\
             # ocr<TAB>print<TAB>weight<TAB>note. Weight = 10 x (times the OCR wrote ocr for print) / (times the\n\
             # truth has print), between 0.02 and 0.95; {NOTHING} is nothing (a lost or an added character).\n\
             # Seen at least {min_count} times. Review before use: delete the lines you do not trust.\n",
            self.documents, self.word_pairs, self.misread_words
        );
        for l in self.confusions(min_count) {
            let examples = l
                .examples
                .iter()
                .map(|(o, t)| format!("{o}→{t}"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push_str(&format!("#\n# {} of {}: {examples}\n", l.count, l.of));
            let row = format!("{}\t{}\t{}", side(&l.ocr), side(&l.print), l.weight);
            let learned = format!("learned: {} of {}", l.count, l.of);
            out.push_str(&match base.weight(&l.ocr, &l.print) {
                Some(w) => format!("# already in the table with weight {w}: {row}\n"),
                None => match left_out(&l) {
                    Some(why) => format!("# left out, {why}: {row}\t{learned}\n"),
                    None => format!("{row}\t{learned}\n"),
                },
            });
        }
        out
    }

    /// The whole-word misreadings worth writing: the likeliest print of a raw word, seen at least
    /// `min_count` times and at least [`MIN_MISREADING_PROBABILITY`] of the word's occurrences
    /// plus one (the probability written); none whose print is another's OCR side (a second run
    /// would change it again). Most frequent first.
    pub fn misreadings(&self, min_count: usize, lexicon: Option<&Lexicon>) -> Vec<LearnedWord> {
        let mut best: HashMap<&str, (&str, usize)> = HashMap::new();
        for ((ocr, print), &n) in &self.word_misreadings {
            let entry = best.entry(ocr).or_insert((print, 0));
            if (n, std::cmp::Reverse(print.as_str())) > (entry.1, std::cmp::Reverse(entry.0)) {
                *entry = (print, n);
            }
        }
        let mut out: Vec<LearnedWord> = best
            .iter()
            .filter_map(|(ocr, (print, n))| {
                let of = self.raw_words.get(*ocr).copied().unwrap_or(0).max(*n);
                // A word the lexicon knows is right elsewhere: a few misreadings in the pages
                // (`hold` read for `held` 4 of 4 times) must outweigh that.
                let known = lexicon
                    .and_then(|l| l.frequency(ocr))
                    .is_some_and(|f| f > crate::passes::confusions::RARE_WORD);
                let kept = if known { KNOWN_WORD_KEPT } else { 1 };
                let p = *n as f64 / (of + kept) as f64;
                (*n >= min_count && p >= MIN_MISREADING_PROBABILITY).then(|| LearnedWord {
                    ocr: ocr.to_string(),
                    print: print.to_string(),
                    count: *n,
                    of,
                    probability: (p * 100.0).floor() / 100.0,
                })
            })
            .collect();
        let ocr_sides: std::collections::HashSet<String> =
            out.iter().map(|m| m.ocr.clone()).collect();
        out.retain(|m| !ocr_sides.contains(&m.print));
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.ocr.cmp(&b.ocr)));
        out
    }

    /// The misreadings file (`misreadings/LANG.tsv`): see [`Learner::misreadings`].
    /// `left_out` names why a misreading may not be used (the base rules already read the word,
    /// or an example keeps it): such a line is written as a comment with the reason.
    pub fn misreading_file(
        &self,
        min_count: usize,
        lexicon: Option<&Lexicon>,
        left_out: &dyn Fn(&str, &str) -> Option<String>,
    ) -> String {
        let mut out = format!(
            "# Whole words the OCR misread, learned by `ocrclean learn` from {} aligned page(s) or article(s): {} aligned word pairs.\n\
             # ocr<TAB>print<TAB>probability<TAB>note. Probability = (times the truth had print where the OCR wrote\n\
             # ocr) / (times the OCR wrote ocr, plus 1, or plus {KNOWN_WORD_KEPT} for a word the lexicon knows), floored\n\
             # to 0.01; seen at least {min_count} times, at least {MIN_MISREADING_PROBABILITY}. It is the change's confidence:\n\
             # the run's threshold applies or flags it. Review before use: delete the lines you do not trust.\n",
            self.documents, self.word_pairs
        );
        for m in self.misreadings(min_count, lexicon) {
            let row = format!(
                "{}\t{}\t{}\tlearned: {} of {}\n",
                m.ocr, m.print, m.probability, m.count, m.of
            );
            match left_out(&m.ocr, &m.print) {
                Some(why) => out.push_str(&format!("# left out, {why}: {row}")),
                None => out.push_str(&row),
            }
        }
        out
    }

    /// The truth's words that `base` does not know, seen at least `min_count` times, as a lexicon
    /// file (`word<TAB>frequency`, frequency = share of the truth's words), most frequent first.
    pub fn lexicon_file(&self, base: Option<&Lexicon>, min_count: usize) -> String {
        let total: usize = self.truth_words.values().sum();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (word, n) in &self.truth_words {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            if crate::passes::confusions::is_word(word) {
                *counts.entry(word.to_lowercase()).or_default() += n;
            }
        }
        let mut words: Vec<(&String, &usize)> = counts
            .iter()
            .filter(|(w, n)| **n >= min_count && !base.is_some_and(|l| l.contains(w)))
            .collect();
        words.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut out = format!(
            "# Words of the corrected pages that the bundled lexicon lacks (names, period spellings), learned by\n\
             # `ocrclean learn`: seen at least {min_count} times in {total} words of truth. word<TAB>frequency.\n"
        );
        for (word, n) in words {
            out.push_str(&format!(
                "{word}\t{:.2e}\n",
                *n as f64 / total.max(1) as f64
            ));
        }
        out
    }
}

/// A whitespace word as the misreadings pass reads it: ligatures expanded (as the normalise pass
/// does before any word is read), then the one token the pass would consider (its `tokens`), as
/// written; `None` when the word holds none or several (`tho-`, `a/b`, `tho,tho`).
fn word_core(word: &str) -> Option<String> {
    let folded = crate::passes::normalise::expand_ligatures(word.chars());
    match crate::passes::misreadings::tokens(&folded).as_slice() {
        [one] => Some(folded[one.clone()].to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn confusions_are_counted_from_aligned_words() {
        let mut l = Learner::new();
        for _ in 0..3 {
            l.add(
                "tbe cat sat on tbe mat, huntig and rnodern",
                "the cat sat on the mat, hunting and modern",
            );
        }
        let learned = l.confusions(3);
        let find = |o: &str, p: &str| learned.iter().find(|x| x.ocr == o && x.print == p);
        let bh = find("b", "h").expect("b→h learned");
        assert_eq!(bh.count, 6);
        // `h` stands 9 times in the truth (the x2, hunting: x3 each).
        assert_eq!(bh.of, 9);
        assert!(find("", "n").is_some(), "{learned:?}");
        assert!(find("rn", "m").is_some(), "{learned:?}");
        // Punctuation and equal words teach nothing.
        assert!(learned.iter().all(|x| !x.ocr.contains(',')));
    }

    #[test]
    fn the_files_are_readable_rules() {
        let mut l = Learner::new();
        for _ in 0..3 {
            l.add("tbe Tver road", "the Tver road");
        }
        let base = ConfusionTable::from_pairs(&[("rn", "m", 0.8)]);
        let text = l.confusion_file(&base, 3, &|_| None);
        let parsed = ConfusionTable::parse(Path::new("learned.tsv"), &text).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(
            (parsed[0].ocr.as_str(), parsed[0].print.as_str()),
            ("b", "h")
        );
        assert!(text.contains("# 3 of 3: tbe→the"), "{text}");
        let lex = crate::lexicon::english("the\t0.05\nroad\t1e-4\n");
        let words = l.lexicon_file(Some(&lex), 2);
        let learned = Lexicon::parse("en", Path::new("en.learned.tsv"), &words).unwrap();
        assert!(learned.contains("tver"));
        assert_eq!(learned.len(), 1, "{words}");
    }

    #[test]
    fn whole_word_misreadings_carry_their_probability() {
        let mut l = Learner::new();
        for _ in 0..4 {
            l.add("tbe hold, tho and tbe end", "the held, the and the end");
            l.add("the effect", "the eﬀect");
            // The pass would write `it` for `lt` (it keeps the token's case): not learned.
            l.add("lt was", "It was");
        }
        // Once right: `tbe` 8 of 9 misread, `tho` never kept.
        l.add("tbe end", "tbe end");
        let lex = crate::lexicon::english("the\t0.05\nhold\t1e-4\nheld\t1e-4\ntho\t2e-5\n");
        let learned = l.misreadings(3, Some(&lex));
        let find = |o: &str| learned.iter().find(|m| m.ocr == o);
        // 8 of 9, plus one kept: 0.8.
        let tbe = find("tbe").expect("tbe learned");
        assert_eq!(
            (tbe.print.as_str(), tbe.count, tbe.of, tbe.probability),
            ("the", 8, 9, 0.8)
        );
        // A lexicon word needs more: 4 of 4 plus 5 kept is under one half.
        assert!(find("hold").is_none(), "{learned:?}");
        // `tho` 4 of 4, a word the lexicon knows (2e-5, above the rare-word line): 4 / (4 + 5) is
        // under one half too.
        assert!(find("tho").is_none(), "{learned:?}");
        // A ligature is the normalise pass's business, not a misreading.
        assert!(find("effect").is_none(), "{learned:?}");
        assert!(find("lt").is_none(), "{learned:?}");
        let text = l.misreading_file(3, Some(&lex), &|_, _| None);
        let parsed =
            crate::misreading::Misreadings::parse(Path::new("en.learned.tsv"), &text).unwrap();
        assert_eq!(parsed.len(), 1, "{text}");
        assert!(text.contains("tbe\tthe\t0.8\tlearned: 8 of 9"), "{text}");
    }

    #[test]
    fn split_and_run_together_words_teach_no_confusion() {
        let mut l = Learner::new();
        for _ in 0..5 {
            l.add("ofthe th e", "of the the");
        }
        assert!(l.confusions(1).is_empty(), "{:?}", l.confusions(1));
    }
}
