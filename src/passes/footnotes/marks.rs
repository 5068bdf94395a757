//! Reading the note mark at the start of a line: a number, a sign, an OCR-garbled mark, or the
//! letter or sign OCR makes of a superscript.

use regex::Regex;

use crate::layout::LineSpan;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mark {
    Number(u32),
    /// A sign standing for a number the OCR garbled.
    Garbled(char),
    /// `*`, `*)`, `†` and the like; `plain` is false for OCR-garbled `X)` forms.
    Symbol {
        plain: bool,
    },
    /// A letter or sign set as a word of its own after a blank line (`a See the preceding`,
    /// `» Haply.`): a letter key, or the OCR of a superscript digit. It stands for a number when it
    /// fills the gap of a numbered block; `a`, `b`, ... in order key notes by letters.
    Letter(char),
}

/// A line that starts with a note mark: the mark, and the byte offset where the note text starts.
#[derive(Debug, Clone)]
pub(super) struct MarkLine {
    pub(super) mark: Mark,
    pub(super) text_start: usize,
    /// `1.`, `1)` or `1 ` marks, which lists use too: such a block needs a reference in the body.
    pub(super) list_like: bool,
    /// The mark is followed by a space only (`1 See p. 446`, as books set a superscript that the
    /// OCR reads as a word of its own): its references in the body are spaced too (`India 2 remained`).
    pub(super) spaced: bool,
    /// The number a garbled mark or a letter stands for, inferred from the block's sequence.
    pub(super) inferred: Option<u32>,
}

pub(super) fn superscript_value(s: &str) -> Option<u32> {
    let mut n = 0;
    for c in s.chars() {
        let d = "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|x| x == c)? as u32;
        n = n * 10 + d;
    }
    Some(n)
}

pub(super) struct MarkPatterns {
    number: Regex,
    superscript: Regex,
    garbled: Regex,
    symbol: Regex,
    star: Regex,
    sign_token: Regex,
    letter: Regex,
}

impl MarkPatterns {
    pub(super) fn new() -> Self {
        let re = |p: &str| Regex::new(p).expect("static pattern");
        Self {
            number: re(r"^([0-9]{1,3})([-_.)–—]|\s)\s*"),
            superscript: re(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*"),
            garbled: re(r"^([^\w\s])[-_–]\s*"),
            symbol: re(r"^(\*{1,3}\)|[†‡§]{1,2}\)?)\s*"),
            star: re(r"^(\*{1,3})\s+"),
            sign_token: re(r"^(\S{1,8})\s+"),
            letter: re(r"^([a-z»«^])\s+[\p{Lu}\x22“(]"),
        }
    }

    /// The mark at the start of `line`, if any; `after_blank` allows a plain space after a number.
    pub(super) fn parse(&self, text: &str, line: LineSpan, after_blank: bool) -> Option<MarkLine> {
        let raw = line.text(text);
        let lead = raw.len() - raw.trim_start().len();
        let l = &raw[lead..];
        // A letter or sign alone before a capitalised note text, after a blank line. The text
        // after it starts in capitals, so `a Portuguese ship` in running text needs the agreeing
        // evidence of its block (see `find_block`).
        if after_blank && let Some(c) = self.letter.captures(l) {
            let key = c[1].chars().next()?;
            let len = c[1].len() + (l[c[1].len()..].len() - l[c[1].len()..].trim_start().len());
            return Some(MarkLine {
                mark: Mark::Letter(key),
                text_start: line.start + lead + len,
                list_like: false,
                spaced: true,
                inferred: None,
            });
        }
        // Most lines start with a word: no pattern can match one unless its first token holds
        // a `)` (an OCR form of `*)`), so the regexes are spared.
        if l.starts_with(char::is_alphabetic)
            && !l
                .split(char::is_whitespace)
                .next()
                .is_some_and(|t| t.contains(')'))
        {
            return None;
        }
        let mut list_like = false;
        let mut spaced_mark = false;
        let (mark, len) = if let Some(c) = self.number.captures(l) {
            let sep = &c[2];
            let rest = &l[c[0].len()..];
            let spaced = sep.chars().all(char::is_whitespace);
            if (spaced && !after_blank)
                || rest.is_empty()
                || rest.starts_with(|c: char| c.is_ascii_digit())
            {
                return None;
            }
            list_like = spaced || sep == "." || sep == ")";
            spaced_mark = spaced;
            (Mark::Number(c[1].parse().ok()?), c[0].len())
        } else if let Some(c) = self.superscript.captures(l) {
            (Mark::Number(superscript_value(&c[1])?), c[0].len())
        } else if let Some(c) = self.symbol.captures(l) {
            (Mark::Symbol { plain: true }, c[0].len())
        } else if let Some(c) = self.star.captures(l) {
            // A bare star also starts bullet points: it needs a star in the body.
            (Mark::Symbol { plain: false }, c[0].len())
        } else if let Some(c) = self.garbled.captures(l) {
            (Mark::Garbled(c[1].chars().next()?), c[0].len())
        } else if let Some(c) = self.sign_token.captures(l) {
            // OCR of `*)`: a short token ending in `)` (and signs) with at most two letters (`")`,
            // `V)`), never a bracketed item such as `(5s)`.
            let token = &c[1];
            let alphanumerics = token.chars().filter(|c| c.is_alphanumeric()).count();
            let after_paren = token.rsplit(')').next().unwrap_or("");
            if !token.contains(')')
                || token.contains('(')
                || after_paren.chars().any(char::is_alphanumeric)
                || alphanumerics > 2
            {
                return None;
            }
            (
                Mark::Symbol {
                    plain: alphanumerics == 0,
                },
                c[0].len(),
            )
        } else {
            return None;
        };
        // A note begins like a sentence or a citation, not in lowercase (`1-amily` is a garbled
        // heading).
        if l[len..].starts_with(char::is_lowercase) {
            return None;
        }
        // A sign followed by signs only is a section break (`* * *`), not a note.
        if matches!(mark, Mark::Symbol { .. }) && !l[len..].contains(char::is_alphanumeric) {
            return None;
        }
        (l.len() > len).then(|| MarkLine {
            list_like,
            spaced: spaced_mark,
            inferred: None,
            mark,
            text_start: line.start + lead + len,
        })
    }
}
