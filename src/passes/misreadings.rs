//! Misreadings: whole words that corrected pages of the collection show its scanner misreads
//! (`rules/misreadings/LANG.tsv`, written by `ocrclean learn`), replaced by what the print had.
//!
//! The collection's corrected pages have already weighed the word: the learned probability (how
//! often the truth had the print side where the OCR wrote the token) is the change's confidence,
//! and the run's threshold decides whether it is applied or flagged. This runs before the word
//! repairs, so that they count the repaired words (`tho` 40 times beside `the` 3,000 no longer
//! reads as the document's own spelling).
//!
//! A token is a run of letters with inner apostrophes. Case is kept (`Tho` → `The`, `THO` →
//! `THE`); a token of mixed case is left. Left as well: tokens inside URLs, and tokens joined to a
//! hyphen, a digit or another symbol (`tho-`, half of a compound or of a word cut at a line end;
//! `tho1`), whose reading the corrected pages did not give.
//!
//! Known false positives: a word that this document writes correctly and the collection's OCR
//! mostly misreads (a name spelt like a common misreading); the probability is the collection's,
//! not the document's.

use super::confusions::is_word;
use super::{BuiltinRule, Context, Pass, links};
use crate::change::Edit;
use crate::lexicon::lowercase;

pub struct Misreadings;

pub const WORD: BuiltinRule = BuiltinRule {
    id: "misreadings.word",
    description: "A word that the collection's corrected pages show its OCR misreads (`misreadings/LANG.tsv`, learned by `ocrclean learn`) replaced by what the print had; the confidence is the learned probability.",
};

const RULES: &[BuiltinRule] = &[WORD];

impl Pass for Misreadings {
    fn name(&self) -> &'static str {
        "misreadings"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let Some(table) = ctx.language.and_then(|l| ctx.rules.misreadings.get(l)) else {
            return Vec::new();
        };
        if table.is_empty() {
            return Vec::new();
        }
        let urls = links::url_ranges(text);
        let mut edits = Vec::new();
        for range in tokens(text) {
            let token = &text[range.clone()];
            let Some(m) = table.get(&lowercase(token)) else {
                continue;
            };
            if links::overlaps_url(&urls, &range) {
                continue;
            }
            let Some(replacement) = with_case_of(token, &m.print) else {
                continue;
            };
            let evidence = format!(
                "corrected pages read `{}` as `{}`{} ({}:{})",
                lowercase(token),
                m.print,
                if m.note.is_empty() {
                    String::new()
                } else {
                    format!(", {}", m.note)
                },
                m.file.display(),
                m.line
            );
            edits.push(
                Edit::new(range, replacement, WORD)
                    .confidence(m.probability)
                    .evidence(evidence),
            );
        }
        edits
    }
}

/// The byte ranges of the tokens of `text` that a misreading may replace: words (letters, inner
/// apostrophes) bounded by whitespace or punctuation other than a hyphen (also across a gap), `/`,
/// `@`, `&` or `_`. `ocrclean learn` counts the raw words it reads with the same function.
pub(crate) fn tokens(text: &str) -> Vec<std::ops::Range<usize>> {
    let in_run = |c: char| c.is_alphanumeric() || c == '\'' || c == '’';
    let joined = |c: char| {
        matches!(
            c,
            '-' | '¬' | '\u{2010}' | '\u{2011}' | '/' | '@' | '&' | '_'
        )
    };
    let gap: &[char] = &[' ', '\t', '\n', '\x0c'];
    let hyphen: &[char] = &['-', '¬', '\u{2010}', '\u{2011}'];
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !in_run(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek().filter(|(_, c)| in_run(*c)) {
            end = i + c.len_utf8();
            chars.next();
        }
        // Apostrophes at either end are quotation marks, not the word's.
        let run = &text[start..end];
        let word = run.trim_matches(['\'', '’']);
        let lead = run.len() - run.trim_start_matches(['\'', '’']).len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        // A hyphen across a gap: half of a word cut inside a line or at a kept line end
        // (`over- tho`, `tho¬` then a line break), as the dehyphenation passes read them.
        let cut = text[..start].trim_end_matches(gap).ends_with(hyphen)
            || text[end..].trim_start_matches(gap).starts_with(hyphen);
        if word.is_empty()
            || before.is_some_and(joined)
            || after.is_some_and(joined)
            || cut
            || !is_word(word)
        {
            continue;
        }
        out.push(start + lead..start + lead + word.len());
    }
    out
}

/// `print` (lowercase) with the case of `token`: lowercase, capitalised or all capitals; `None`
/// for mixed case. `ocrclean learn` keeps only the pairs this reproduces.
pub(crate) fn with_case_of(token: &str, print: &str) -> Option<String> {
    let mut letters = token.chars().filter(|c| c.is_alphabetic());
    let first = letters.next()?;
    let rest_lower = letters.clone().all(char::is_lowercase);
    let rest_upper = letters.all(char::is_uppercase);
    if first.is_lowercase() && rest_lower {
        Some(print.to_string())
    } else if first.is_uppercase() && rest_lower {
        let mut chars = print.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>())
    } else if first.is_uppercase() && rest_upper && token.chars().count() > 1 {
        Some(print.to_uppercase())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::OnePass;
    use crate::rules::{RuleSet, RuleSource};
    use std::borrow::Cow;

    fn rules(table: &str) -> RuleSet {
        let (set, errors) = RuleSet::load(&[RuleSource {
            name: "misreadings/en.tsv".into(),
            origin: "misreadings/en.tsv".into(),
            text: Cow::Owned(table.to_string()),
        }]);
        assert!(errors.is_empty(), "{errors:?}");
        set
    }

    const TABLE: &str = "tho\tthe\t0.97\tlearned: 97 of 99\nbo\tbe\t0.55\tlearned: 11 of 19\n";

    /// The edits the pipeline would take from the pass on `text`, with [`TABLE`] in `language`.
    fn edits_in(language: &str, text: &str) -> Vec<Edit> {
        let rules = rules(TABLE);
        OnePass::new(&Misreadings)
            .rules(&rules)
            .language(language)
            .edits(text)
    }

    fn clean(text: &str) -> String {
        crate::change::apply_edits(text, &edits_in("en", text))
    }

    #[test]
    fn a_learned_misreading_is_replaced_with_the_case_of_the_token() {
        assert_eq!(
            clean("Tho end of tho day, THO END.\n"),
            "The end of the day, THE END.\n"
        );
        assert_eq!(clean("'tho' (tho)\n"), "'the' (the)\n");
    }

    #[test]
    fn the_evidence_names_the_file_and_the_counts() {
        let edits = edits_in("en", "of tho day\n");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].confidence, 0.97);
        assert_eq!(
            edits[0].evidence,
            "corrected pages read `tho` as `the`, learned: 97 of 99 (misreadings/en.tsv:1)"
        );
    }

    #[test]
    fn nothing_changes_where_the_pages_did_not_teach_it() {
        for text in [
            // Part of a longer word, a compound or a cut word, beside digits, mixed case.
            "thorough tho-roughly over- tho tho1 tHo ThO\n",
            // Cut words the dehyphenation passes read: `¬`, a hyphen at a kept line end or
            // before a tab, Unicode hyphens; joined by `/`, `@`, `&`, `_`.
            "tho¬ rough, over¬ tho, over-\ntho, tho -\tx, tho\u{2010}x\n",
            "tho/tho tho@x x&tho tho_x\n",
            // Inside a URL.
            "see https://example.org/tho/page\n",
            // Words the table does not hold.
            "the other\n",
        ] {
            assert_eq!(clean(text), text);
        }
        // Another language's document.
        assert!(edits_in("de", "tho\n").is_empty());
    }

    #[test]
    fn a_probability_under_the_threshold_is_flagged_not_applied() {
        assert_eq!(clean("to bo or not\n"), "to bo or not\n");
        let edits = edits_in("en", "to bo\n");
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].kind, crate::change::ChangeKind::Review);
        let rules = rules(TABLE);
        let low = OnePass::new(&Misreadings)
            .rules(&rules)
            .language("en")
            .min_confidence(0.5)
            .apply("to bo\n");
        assert_eq!(low, "to be\n");
    }
}
