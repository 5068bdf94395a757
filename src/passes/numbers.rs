//! Numbers: ordinals and digits that the scanner misread.
//!
//! - `numbers.ordinal-sign`: a number of one or two digits followed by `°`, `º` or `%` and then a
//!   noun that is counted with ordinals ([`ORDINAL_NOUNS`]: century, anniversary, congress, ...)
//!   is an ordinal whose suffix was misread: `21° Century`, `21% Century` → `21st Century`. The
//!   suffix follows the number (`1st`, `2nd`, `3rd`, `11th`). `50% of`, `30° north`, `5% Interest`
//!   stay: only the listed nouns make the sign suspicious.
//! - `numbers.ordinal-letters`: a token of digits and letters that the confusion table reads as
//!   digits, then `st`/`nd`/`rd`/`th`, with at least one real digit, becomes the ordinal when the
//!   suffix agrees with the repaired number (`2lst` → `21st`, `1Oth` → `10th`; `2lth` is left).
//! - `numbers.digit-confusion`: a token of at least three characters, made of digits and letters
//!   the table reads as digits, with at least two real digits and more digits than letters
//!   (`1S87`, `l9l4` has as many: it is allowed when the result is a year), becomes a number when
//!   the context is numeric: the result is a year (1000-2099) and the document writes other years
//!   of the same century, or a neighbouring token is a number. When a letter reads as two digits
//!   (`S` as `5` or `8`), the document's years decide; if they do not, the spot is flagged.
//!
//! A reading supported only by a neighbouring number, and an ordinal read through a weak confusion
//! (`2Bth`: `28th` or `26th`?), are flagged for review, not applied.
//!
//! Tokens inside URLs are left alone (hexadecimal ids are full of `b`, `e` and digits).
//!
//! Known false positives: a name with a percentage in it (`the 21% Century Fund`) is read as an
//! ordinal; a model name of digits and a letter that the table reads as a digit,
//! next to a number (`type B52 and 17`), is turned into a number.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;

pub struct Numbers;

pub const ORDINAL_SIGN: BuiltinRule = BuiltinRule {
    id: "numbers.ordinal-sign",
    description: "`°`, `º` or `%` after a number, before a noun counted with ordinals (century, anniversary, ...), is the ordinal suffix: `21° Century` → `21st Century`.",
};

pub const ORDINAL_LETTERS: BuiltinRule = BuiltinRule {
    id: "numbers.ordinal-letters",
    description: "Letters read for digits in an ordinal, when the suffix agrees with the repaired number: `2lst` → `21st`.",
};

pub const DIGIT_CONFUSION: BuiltinRule = BuiltinRule {
    id: "numbers.digit-confusion",
    description: "Letters read for digits inside a number in numeric context (a year the document's other years support, or a number beside it): `1S87` → `1887`.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[ORDINAL_SIGN, ORDINAL_LETTERS, DIGIT_CONFUSION];

/// Nouns that follow an ordinal (`21st Century`) and hardly ever a percentage or an angle.
pub const ORDINAL_NOUNS: &[&str] = &[
    "century",
    "centuries",
    "anniversary",
    "birthday",
    "congress",
    "dynasty",
    "amendment",
    "edition",
    "plenum",
    "regiment",
    "battalion",
    "brigade",
    "division",
    "millennium",
];

/// A year reading needs this many other years of its century in the document.
pub const MIN_YEARS: usize = 3;
/// An ordinal's letter read as a digit through a weaker confusion than this is only flagged.
pub const STRONG_DIGIT_CONFUSION: f64 = 0.6;

static ORDINAL_SIGN_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)([0-9]{1,2})([°º%]) (\p{L}+)").expect("valid regex"));
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(?:1[0-9]{3}|20[0-9]{2})(?-u:\b)").expect("valid regex"));

/// The English ordinal suffix of `n`.
pub fn ordinal_suffix(n: u64) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// The readings of `s` as digits: each letter through the table's letter→digit confusions.
fn digit_readings(s: &str, table: &ConfusionTable) -> Vec<(String, f64)> {
    let mut readings = vec![(String::new(), 1.0)];
    for c in s.chars() {
        let options: Vec<(char, f64)> = if c.is_ascii_digit() {
            vec![(c, 1.0)]
        } else {
            table.single_char_repairs(c, |p| p.is_ascii_digit())
        };
        if options.is_empty() {
            return Vec::new();
        }
        readings = readings
            .iter()
            .flat_map(|(r, w)| {
                options
                    .iter()
                    .map(move |(d, dw)| (format!("{r}{d}"), w * dw))
            })
            .collect();
        if readings.len() > 16 {
            return Vec::new();
        }
    }
    readings
}

/// Years the document writes, counted by century (`18` for 1887).
#[derive(Debug, Clone, Default)]
pub struct YearStats {
    by_century: HashMap<String, usize>,
}

impl YearStats {
    pub fn new(document: &str) -> Self {
        let mut by_century = HashMap::new();
        for m in YEAR.find_iter(document) {
            *by_century.entry(m.as_str()[..2].to_string()).or_default() += 1;
        }
        Self { by_century }
    }

    fn century(&self, prefix: &str) -> usize {
        self.by_century.get(prefix).copied().unwrap_or(0)
    }
}

/// The runs of letters and digits of `text`, in order.
fn alnum_runs(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        let start = chars.by_ref().find(|(_, c)| c.is_alphanumeric())?.0;
        let end = chars
            .by_ref()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(text.len(), |(i, _)| i);
        Some(start..end)
    })
}

fn is_number(token: &str) -> bool {
    !token.is_empty() && token.chars().all(|c| c.is_ascii_digit())
}

/// The edits of the pass on `text`.
pub fn edits(
    text: &str,
    years: &YearStats,
    table: &ConfusionTable,
    skip: &[Range<usize>],
) -> Vec<Edit> {
    let outside = |r: &Range<usize>| !super::links::overlaps_url(skip, r);
    let mut edits = Vec::new();
    for caps in ORDINAL_SIGN_PATTERN.captures_iter(text) {
        let (number, sign, noun) = (&caps[1], caps.get(2).expect("group"), &caps[3]);
        if !outside(&sign.range()) || !ORDINAL_NOUNS.contains(&noun.to_lowercase().as_str()) {
            continue;
        }
        let n: u64 = number.parse().expect("digits");
        let suffix = ordinal_suffix(n);
        edits.push(
            Edit::new(sign.range(), suffix, ORDINAL_SIGN)
                .confidence(0.85)
                .evidence(format!(
                    "`{}` before `{noun}`, a noun counted with ordinals",
                    sign.as_str()
                )),
        );
    }
    // Runs are streamed with one run of look-behind and one of look-ahead (a long document has
    // hundreds of thousands).
    let mut runs = alnum_runs(text).peekable();
    let mut previous: Option<Range<usize>> = None;
    while let Some(range) = runs.next() {
        let range = &range;
        let before = previous.replace(range.clone());
        let token = &text[range.clone()];
        if !outside(range) || token.len() < 3 {
            continue;
        }
        let digits = token.chars().filter(char::is_ascii_digit).count();
        let letters = token.chars().count() - digits;
        if digits == 0 || letters == 0 {
            continue;
        }
        // An ordinal: number part, then a suffix.
        if let Some((body, suffix)) = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|s| token.strip_suffix(s).map(|b| (b, *s)))
            && !body.is_empty()
            && body.chars().any(|c| !c.is_ascii_digit())
        {
            let agreeing: Vec<(String, f64)> = digit_readings(body, table)
                .into_iter()
                .filter(|(r, _)| r.parse::<u64>().is_ok_and(|n| ordinal_suffix(n) == suffix))
                .collect();
            if let [(reading, weight)] = &agreeing[..] {
                let edit = Edit::new(range.clone(), format!("{reading}{suffix}"), ORDINAL_LETTERS)
                    .confidence((0.5 + 0.5 * weight).min(0.9))
                    .evidence(format!(
                        "`{body}` read as `{reading}`, and `{suffix}` agrees with it"
                    ));
                // A weak confusion (`B` for `8` or `6`?) is only flagged.
                edits.push(if *weight < STRONG_DIGIT_CONFUSION {
                    edit.kind(ChangeKind::Review)
                } else {
                    edit
                });
            }
            continue;
        }
        if digits < 2 || digits < letters {
            continue;
        }
        let readings = digit_readings(token, table);
        if readings.is_empty() {
            continue;
        }
        let neighbour_number = [before, runs.peek().cloned()]
            .into_iter()
            .flatten()
            .any(|r| is_number(&text[r]));
        let year_support = |r: &str| {
            let year = r.parse::<u32>().is_ok_and(|y| (1000..=2099).contains(&y)) && r.len() == 4;
            if year { years.century(&r[..2]) } else { 0 }
        };
        let mut scored: Vec<(String, f64, usize)> = readings
            .into_iter()
            .map(|(r, w)| {
                let support = year_support(&r);
                (r, w, support)
            })
            .filter(|(_, _, support)| *support >= MIN_YEARS || neighbour_number)
            .collect();
        if digits == letters {
            // As many letters as digits: only a year the document supports is numeric enough.
            scored.retain(|(_, _, support)| *support >= MIN_YEARS);
        }
        scored.sort_by(|a, b| (b.2, b.1).partial_cmp(&(a.2, a.1)).expect("no NaN"));
        let Some((best, weight, support)) = scored.first().cloned() else {
            continue;
        };
        let evidence = if support >= MIN_YEARS {
            format!(
                "`{token}` read as `{best}`: the document writes {support} years of the {}00s",
                &best[..2]
            )
        } else {
            format!("`{token}` read as `{best}`: a number stands beside it")
        };
        let edit = Edit::new(range.clone(), best.clone(), DIGIT_CONFUSION)
            .confidence((0.5 + 0.5 * weight).min(0.9))
            .evidence(evidence);
        // Two readings the evidence cannot tell apart (`S` as `5` or `8`): flag.
        let ambiguous = scored
            .get(1)
            .is_some_and(|(_, w, s)| *s == support && (weight - w).abs() < 0.2);
        // A number beside it says the token is a number, not which digits it had (`2o0`: 200 or
        // 250?): only a year that the document's years support is applied.
        edits.push(if support < MIN_YEARS {
            edit.kind(ChangeKind::Review)
        } else if ambiguous {
            edit.kind(ChangeKind::Review).evidence(format!(
                "`{token}`: `{best}` or `{}`? the document does not tell",
                scored[1].0
            ))
        } else {
            edit
        });
    }
    edits
}

impl Pass for Numbers {
    fn name(&self) -> &'static str {
        "numbers"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let skip = super::links::url_ranges(text);
        // Counted once per stage, for the body's and every note's run.
        let years = ctx
            .analysis
            .derived(|analysis| YearStats::new(analysis.document()));
        edits(text, &years, &ctx.rules.confusions, &skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ConfusionTable {
        ConfusionTable::from_pairs(&[
            ("l", "1", 0.8),
            ("I", "1", 0.6),
            ("O", "0", 0.7),
            ("o", "0", 0.6),
            ("S", "8", 0.5),
            ("S", "5", 0.5),
            ("B", "8", 0.5),
        ])
    }

    fn applied(text: &str, document: &str) -> String {
        let years = YearStats::new(document);
        let edits = edits(
            text,
            &years,
            &table(),
            &crate::passes::links::url_ranges(text),
        );
        crate::change::apply_edits(text, &edits)
    }

    #[test]
    fn digits_of_other_scripts_are_not_years_and_do_not_panic() {
        // Found by the stress test: `\d` matched an Arabic-Indic digit, and a slice fell inside it.
        let text = "in 1٦73 and 1٦° Century";
        assert_eq!(YearStats::new(text).century("1٦"), 0);
        assert_eq!(applied(text, text), text);
    }

    #[test]
    fn suffixes_follow_the_number() {
        let got: Vec<&str> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111]
            .map(ordinal_suffix)
            .to_vec();
        assert_eq!(
            got,
            [
                "st", "nd", "rd", "th", "th", "th", "th", "st", "nd", "rd", "st", "th"
            ]
        );
    }

    #[test]
    fn a_sign_before_an_ordinal_noun_is_the_suffix() {
        assert_eq!(
            applied("Policy in the 21° Century", ""),
            "Policy in the 21st Century"
        );
        assert_eq!(
            applied("in the 21% Century declaration", ""),
            "in the 21st Century declaration"
        );
        assert_eq!(applied("the 3% anniversary", ""), "the 3rd anniversary");
        assert_eq!(applied("the 12º Congress", ""), "the 12th Congress");
    }

    #[test]
    fn percentages_and_angles_stay() {
        for text in [
            "50% of the votes",
            "a 5% Interest rate",
            "at 30° north",
            "100% Century",
        ] {
            assert_eq!(applied(text, ""), text, "{text}");
        }
    }

    #[test]
    fn letters_in_ordinals_are_read_as_digits_when_the_suffix_agrees() {
        assert_eq!(applied("the 2lst Century", ""), "the 21st Century");
        assert_eq!(applied("the 1Oth day", ""), "the 10th day");
        // `2lth` would be `21th`: the suffix disagrees, so it is left.
        assert_eq!(applied("the 2lth day", ""), "the 2lth day");
        assert_eq!(applied("the first day", ""), "the first day");
    }

    #[test]
    fn letters_in_years_are_read_as_digits_from_the_documents_years() {
        let document = "in 1885, 1890 and 1895, 1S87, l9l4, 1902, 1906 and 1910";
        assert_eq!(
            applied("in June 1S87 several", document),
            "in June 1887 several"
        );
        assert_eq!(applied("since l9l4.", document), "since 1914.");
        // No years of that century in the document: `S` stays ambiguous, only flagged.
        let e = edits("in June 1S87 several", &YearStats::default(), &table(), &[]);
        assert!(e.is_empty() || e[0].kind == ChangeKind::Review);
    }

    #[test]
    fn numbers_words_codes_and_urls_stay() {
        let document = "in 1885 and 1890";
        for text in [
            "resolutions 1695 and 1718",
            "the B52 bomber",
            "an A380",
            "Solo and Oslo",
            "http://example.org/1S87/l9l4",
            "page 1O",
        ] {
            assert_eq!(applied(text, document), text, "{text}");
        }
    }

    #[test]
    fn a_number_beside_a_misread_number_is_only_a_flag() {
        assert_eq!(applied("pp. 120-l20", ""), "pp. 120-l20");
        let e = edits("pp. 120-l20", &YearStats::default(), &table(), &[]);
        assert_eq!(
            (e[0].replacement.as_str(), e[0].kind),
            ("120", ChangeKind::Review)
        );
    }
}
