//! Running heads with page numbers, found from the page sequence along the whole document.
//!
//! A candidate is a short line that follows a blank line (or a page break) and carries a page
//! number as its first or last word: arabic digits, or a roman numeral as OCR reads it (`Ixvii`
//! for `lxvii`: `I`, `l` and `1` may each be `i` or `l`). Its other words are the head's text: the
//! book's title on one side of the spread, the chapter's on the other (`12 LES MISÉRABLES.`,
//! `FANTINE 13`), or nothing (a bare number).
//!
//! A candidate is a running head only when the numbers agree along the document:
//! - it links to an earlier candidate whose number is one or two less (a page without a head in
//!   between), at least [`MIN_PAGE_LINES`] non-blank lines earlier and at most
//!   [`MAX_PAGE_SPAN`] pages' worth of lines;
//! - its chain of links holds at least [`MIN_CHAIN`] heads, and the lines per page along the chain
//!   are regular: most steps lie within half to one and a half times the median, and a head is
//!   kept only when the step to it or from it does;
//! - a head with text matches (normalised edit distance, so OCR-damaged `THB SILENT FRIEND` counts)
//!   the text of another candidate nearby, before any linking, and of another head of its chain
//!   within a few pages: recto and verso heads form two families that each recur.
//!
//! So a table of contents, an index, a calendar of letters or a list of figures (lines ending in
//! numbers, one after another, numbers that jump) never forms a chain: consecutive lines are less
//! than a page apart, and their numbers do not step by one or two per page.
//!
//! Known limits: heads without a number are not found here; a book whose every page holds fewer
//! than [`MIN_PAGE_LINES`] lines.

use std::collections::HashMap;

use crate::layout::{self, LineSpan};
use crate::passes::pages::same_head;

/// Fewest non-blank lines between the heads of two consecutive pages.
pub const MIN_PAGE_LINES: usize = 8;
/// Most non-blank lines from the head of one page to the next page's.
pub const MAX_PAGE_LINES: usize = 150;
/// Fewest heads in a chain.
pub const MIN_CHAIN: usize = 4;
/// How many heads on either side are searched for a head's family.
const FAMILY_WINDOW: usize = 6;

/// A running head (or bare page number) found in the page sequence.
#[derive(Debug, Clone)]
pub struct Head {
    pub line: LineSpan,
    pub number: u32,
    pub roman: bool,
    /// The letters of the head's text (empty for a bare number).
    pub key: String,
    /// How many heads its chain holds, and its lines per page.
    pub chain: usize,
    pub lines_per_page: usize,
}

#[derive(Debug)]
struct Candidate {
    line: LineSpan,
    /// Non-blank lines before it in the text.
    ordinal: usize,
    /// The readings of its number: (roman, value).
    values: Vec<(bool, u32)>,
    key: String,
}

/// The value of a roman numeral in canonical form (`xiv`, not `xiiii`), lowercase.
fn roman_value(s: &str) -> Option<u32> {
    let value = |c: char| {
        Some(match c {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            'l' => 50,
            'c' => 100,
            'd' => 500,
            'm' => 1000,
            _ => return None,
        })
    };
    let digits: Vec<u32> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0u32;
    for (i, &d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            total = total.checked_sub(d)?;
        } else {
            total += d;
        }
    }
    (total > 0 && to_roman(total) == s).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, letters) in TABLE {
        while n >= value {
            out.push_str(letters);
            n -= value;
        }
    }
    out
}

/// The readings of a page-number token: arabic digits, or a roman numeral through OCR look-alikes.
fn number_readings(token: &str) -> Vec<(bool, u32)> {
    let token =
        token.trim_matches(|c: char| matches!(c, '.' | ',' | ':' | ';' | '[' | ']' | '(' | ')'));
    if token.is_empty() || token.chars().count() > 9 {
        return Vec::new();
    }
    if token.chars().all(|c| c.is_ascii_digit()) {
        // Four digits are a year far more often than a page.
        if token.len() > 3 {
            return Vec::new();
        }
        return token
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| vec![(false, n)])
            .unwrap_or_default();
    }
    let lower: String = token.chars().flat_map(char::to_lowercase).collect();
    if !lower.chars().all(|c| "ivxlcdm1".contains(c)) {
        return Vec::new();
    }
    // `I`, `l` and `1` may each stand for `i` or `l`: every combination that is a numeral.
    let ambiguous: Vec<usize> = token
        .char_indices()
        .filter(|(_, c)| matches!(c, 'I' | 'l' | '1'))
        .map(|(i, _)| i)
        .collect();
    if ambiguous.len() > 6 {
        return Vec::new();
    }
    let mut readings = Vec::new();
    for choice in 0u32..(1 << ambiguous.len()) {
        let reading: String = lower
            .char_indices()
            .map(|(i, c)| match ambiguous.iter().position(|&a| a == i) {
                Some(k) if choice & (1 << k) != 0 => 'l',
                Some(_) => 'i',
                None => c,
            })
            .collect();
        if let Some(v) = roman_value(&reading)
            && !readings.contains(&(true, v))
        {
            readings.push((true, v));
        }
    }
    readings
}

fn candidate(line: &str) -> Option<(Vec<(bool, u32)>, String)> {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 80 {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() > 9 {
        return None;
    }
    let (first, last) = (words[0], words[words.len() - 1]);
    let (values, rest) = {
        let at_end = number_readings(last);
        if !at_end.is_empty() {
            (at_end, &words[..words.len() - 1])
        } else {
            let at_start = number_readings(first);
            if at_start.is_empty() || words.len() == 1 {
                return None;
            }
            (at_start, &words[1..])
        }
    };
    let text = rest.join(" ");
    // An index entry or a list item (`Yemen, 436`, `Zedoary, 199 , 200`) is not a head.
    if text.trim_end().ends_with([',', '-', '—']) {
        return None;
    }
    let key = layout::letters_key(&text);
    if rest.is_empty() {
        // A numbered section (`12.`) or a year heading (`1603.`) carries a full stop; a page
        // number does not.
        if line.ends_with('.') {
            return None;
        }
    } else {
        // A head's text is a title: letters, most words capitalised, no figures (`407 n` in an
        // index, `1 See page 52, note 3.` at the start of a note are not heads); a digit inside a
        // word is OCR for a letter (`INTR0DUCTI0N`).
        let capitalised = rest
            .iter()
            .filter(|w| {
                w.chars()
                    .find(|c| c.is_alphabetic())
                    .is_some_and(char::is_uppercase)
            })
            .count();
        if key.chars().count() < 3
            || capitalised * 2 < rest.len()
            || rest.iter().any(|w| {
                w.contains(|c: char| c.is_ascii_digit()) && !w.contains(char::is_alphabetic)
            })
        {
            return None;
        }
    }
    Some((values, key))
}

/// The running heads and page numbers of `text` that form a page sequence, in text order.
pub fn numbered_heads(text: &str) -> Vec<Head> {
    let lines: Vec<LineSpan> = layout::pages(text)
        .into_iter()
        .flat_map(|p| {
            // A page's first line follows a page break: it counts as after a blank line.
            let mut lines = p.lines;
            if let Some(first) = lines.first().copied() {
                lines.insert(
                    0,
                    LineSpan {
                        start: first.start,
                        end: first.start,
                    },
                );
            }
            lines
        })
        .collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut ordinal = 0;
    let mut after_blank = true;
    for line in &lines {
        let blank = line.is_blank(text);
        if !blank {
            if after_blank && let Some((values, key)) = candidate(line.text(text)) {
                candidates.push(Candidate {
                    line: *line,
                    ordinal,
                    values,
                    key,
                });
            }
            ordinal += 1;
        }
        after_blank = blank;
    }
    // A head's text recurs: the same title (up to OCR damage) stands on other pages nearby. Lines
    // whose text is theirs alone (the first line of a note, `1 GOWER, Confessio Amantis.`) are
    // left out before they can take a place in the sequence.
    // A bare number is a page number only when it is unique nearby: amounts in a list (`125`,
    // `150`, `125`) repeat.
    let keep: Vec<bool> = (0..candidates.len())
        .map(|i| {
            let key = &candidates[i].key;
            let nearby = i.saturating_sub(2 * FAMILY_WINDOW)
                ..(i + 2 * FAMILY_WINDOW + 1).min(candidates.len());
            if key.is_empty() {
                return !nearby.clone().any(|j| {
                    j != i
                        && candidates[j].key.is_empty()
                        && candidates[j]
                            .values
                            .iter()
                            .any(|v| candidates[i].values.contains(v))
                });
            }
            key.is_empty()
                || (i.saturating_sub(2 * FAMILY_WINDOW)
                    ..(i + 2 * FAMILY_WINDOW + 1).min(candidates.len()))
                    .any(|j| j != i && same_head(key, &candidates[j].key))
        })
        .collect();
    let candidates: Vec<Candidate> = candidates
        .into_iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect();
    // Links to the latest earlier candidate one or two numbers lower, at least a page's lines back.
    let mut latest: HashMap<(bool, u32), usize> = HashMap::new();
    let mut link: Vec<Option<(usize, u32, usize)>> = vec![None; candidates.len()];
    for (i, c) in candidates.iter().enumerate() {
        let mut best: Option<(usize, u32, usize)> = None;
        for &(roman, v) in &c.values {
            for step in 1..=2u32 {
                let Some(&j) = v.checked_sub(step).and_then(|p| latest.get(&(roman, p))) else {
                    continue;
                };
                let gap = c.ordinal - candidates[j].ordinal;
                if gap < MIN_PAGE_LINES * step as usize || gap > MAX_PAGE_LINES * step as usize {
                    continue;
                }
                // The nearest earlier head wins; a step of one before a step of two.
                if best.is_none_or(|(b, _, s)| j > b || (j == b && (step as usize) < s)) {
                    best = Some((j, v, step as usize));
                }
            }
        }
        link[i] = best;
        for &(roman, v) in &c.values {
            latest.insert((roman, v), i);
        }
    }
    // Chains: each candidate joins the chain of the head it links to.
    let mut chain_of: Vec<usize> = (0..candidates.len()).collect();
    for i in 0..candidates.len() {
        if let Some((j, _, _)) = link[i] {
            chain_of[i] = chain_of[j];
        }
    }
    let mut linked_to = vec![false; candidates.len()];
    for &(j, _, _) in link.iter().flatten() {
        linked_to[j] = true;
    }
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..candidates.len() {
        if link[i].is_some() || linked_to[i] {
            members.entry(chain_of[i]).or_default().push(i);
        }
    }
    let mut heads = Vec::new();
    let mut chains: Vec<(usize, Vec<usize>)> = members.into_iter().collect();
    chains.sort_by_key(|(root, _)| *root);
    for (_, chain) in chains {
        if chain.len() < MIN_CHAIN {
            continue;
        }
        let mut steps: Vec<usize> = chain
            .iter()
            .filter_map(|&i| {
                let (j, _, step) = link[i]?;
                Some((candidates[i].ordinal - candidates[j].ordinal) / step)
            })
            .collect();
        steps.sort_unstable();
        let median = steps[steps.len() / 2];
        let regular = steps
            .iter()
            .filter(|&&s| s * 2 >= median && s * 2 <= median * 3)
            .count();
        // Most steps must be regular, and each head is kept when the step to it or from it is.
        if regular * 2 < steps.len() {
            continue;
        }
        let regular_step = |i: usize| {
            link[i].is_some_and(|(j, _, step)| {
                let s = (candidates[i].ordinal - candidates[j].ordinal) / step;
                s * 2 >= median && s * 2 <= median * 3
            })
        };
        let mut regular_next = vec![false; candidates.len()];
        for &i in &chain {
            if let Some((j, _, _)) = link[i]
                && regular_step(i)
            {
                regular_next[j] = true;
            }
        }
        for (k, &i) in chain.iter().enumerate() {
            let c = &candidates[i];
            if !regular_step(i) && !regular_next[i] {
                continue;
            }
            if c.key.chars().count() >= 3 {
                let lo = k.saturating_sub(FAMILY_WINDOW);
                let hi = (k + FAMILY_WINDOW + 1).min(chain.len());
                let family = (lo..hi)
                    .filter(|&m| m != k)
                    .any(|m| same_head(&c.key, &candidates[chain[m]].key));
                if !family {
                    continue;
                }
            }
            let number = match link[i] {
                Some((_, v, _)) => v,
                // The root: the reading that its successor stepped from.
                None => chain
                    .get(k + 1)
                    .and_then(|&next| link[next])
                    .map(|(_, v, s)| v - s as u32)
                    .unwrap_or(c.values[0].1),
            };
            let roman = c.values.iter().any(|&(r, v)| r && v == number);
            heads.push(Head {
                line: c.line,
                number,
                roman,
                key: c.key.clone(),
                chain: chain.len(),
                lines_per_page: median,
            });
        }
    }
    heads.sort_by_key(|h| h.line.start);
    heads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_through_ocr_lookalikes() {
        assert_eq!(number_readings("Ixvii"), vec![(true, 67)]);
        assert_eq!(number_readings("xiv"), vec![(true, 14)]);
        assert_eq!(number_readings("xxxvi"), vec![(true, 36)]);
        assert_eq!(number_readings("112"), vec![(false, 112)]);
        assert!(number_readings("mix").is_empty() || number_readings("mix") == vec![(true, 1009)]);
        assert!(number_readings("civil").is_empty());
        assert!(number_readings("The").is_empty());
    }
}
