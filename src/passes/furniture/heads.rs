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
//! Then the sequence fills its gaps ([`heads_between`]): where two heads of a chain are `k` pages
//! apart, the page edges in between lie at even steps, and a line at such an edge whose number
//! reads as the expected page up to one misread character (`FANTINE. 81` for 21), or whose text is
//! the family's with something unreadable where the number goes (`JEAN VALJEAN. St`), is a head
//! too; just beyond a run of the chain only a number that agrees counts. A chapter's title alone
//! at a page edge (`CONTENTS.`) is never taken this way.
//!
//! A run of two or three heads between missing leaves, too short for a chain, is taken when the
//! long chains agree with it: its pages are theirs in length, its text is one of their families
//! and its numbers lie between theirs ([`short_chains`]).
//!
//! Known limits: heads without a number are found only between heads of a chain; a stretch of
//! pages where recto and verso numbers are both damaged forms no chain; a book whose every page
//! holds fewer than [`MIN_PAGE_LINES`] lines.

use std::collections::HashMap;

use crate::layout::{self, LineSpan, PageSpan};
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
    /// Found between two heads of the sequence, where the sequence puts a page edge, with its
    /// number OCR-damaged or unreadable ([`heads_between`]).
    pub recovered: bool,
    /// One of a run of two or three heads ([`short_chains`]).
    pub short: bool,
}

#[derive(Debug)]
struct Candidate {
    line: LineSpan,
    /// Non-blank lines before it in the text.
    ordinal: usize,
    /// The readings of its number: (roman, value).
    values: Vec<(bool, u32)>,
    /// Whether the first reading is the roman numeral as printed.
    printed_first: bool,
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
    // Signed: a numeral may open with a subtracted digit (`xl`, `iv`).
    let mut total = 0i64;
    for (i, &d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| next > d) {
            total -= i64::from(d);
        } else {
            total += i64::from(d);
        }
    }
    let total = u32::try_from(total).ok()?;
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

/// The value of a roman numeral read as printed (`xl` → 40, `1` as `i`), without look-alikes.
fn printed_roman(token: &str) -> Option<u32> {
    let token =
        token.trim_matches(|c: char| matches!(c, '.' | ',' | ':' | ';' | '[' | ']' | '(' | ')'));
    let lower: String = token
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if c == '1' { 'i' } else { c })
        .collect();
    roman_value(&lower)
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
    // The numeral as printed (`xl` is 40, though `xi` reads the same through look-alikes) first:
    // the page sequence prefers it when it links.
    if let Some(p) = printed_roman(token)
        && let Some(at) = readings.iter().position(|&r| r == (true, p))
    {
        readings.remove(at);
        readings.insert(0, (true, p));
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
    // An index entry or a list item (`Yemen, 436`, `Zedoary, 199 , 200`) is not a head; a title
    // set in capitals that ends in a comma is a head whose full stop the OCR misread
    // (`246 LES MISÉRABLES,`), which the page sequence must still confirm.
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = text.chars().filter(|c| c.is_uppercase()).count();
    let misread_stop =
        text.trim_end().ends_with(',') && letters >= 6 && capitals * 10 >= letters * 9;
    if text.trim_end().ends_with([',', '-', '—']) && !misread_stop {
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
        let capitalised = super::capitalised_words(rest);
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
pub fn numbered_heads(text: &str, pages: &[PageSpan]) -> Vec<Head> {
    // Read once, page by page: a copy of every line was 16 bytes (and more while it grew) for
    // each line of a long document.
    let lines = pages.iter().flat_map(|p| {
        // A page's first line follows a page break: it counts as after a blank line.
        let before = p.lines.first().map(|first| LineSpan {
            start: first.start,
            end: first.start,
        });
        before.into_iter().chain(p.lines.iter().copied())
    });
    let mut candidates: Vec<Candidate> = Vec::new();
    // Every line after a blank line, with its ordinal: where a page's head may stand.
    let mut edge_lines: Vec<(LineSpan, usize)> = Vec::new();
    let mut ordinal = 0;
    let mut after_blank = true;
    for line in lines {
        let blank = line.is_blank(text);
        if !blank {
            if after_blank {
                edge_lines.push((line, ordinal));
            }
            if after_blank && let Some((values, key)) = candidate(line.text(text)) {
                let words = line.text(text).split_whitespace();
                let printed_first = values.first().is_some_and(|&(roman, v)| {
                    roman
                        && [words.clone().next(), words.last()]
                            .into_iter()
                            .flatten()
                            .any(|w| printed_roman(w) == Some(v))
                });
                candidates.push(Candidate {
                    line,
                    ordinal,
                    values,
                    printed_first,
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
        let printed = c.values.len() > 1 && c.printed_first;
        for (k, &(roman, v)) in c.values.iter().enumerate() {
            // A link by the numeral as printed wins over one by a look-alike reading.
            if k > 0 && printed && best.is_some() {
                break;
            }
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
    let mut heads: Vec<(usize, Head)> = Vec::new();
    let mut chains: Vec<(usize, Vec<usize>)> = members.into_iter().collect();
    chains.sort_by_key(|(root, _)| *root);
    let mut medians: Vec<usize> = Vec::new();
    for (_, chain) in &chains {
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
        medians.push(median);
        let regular_step = |i: usize| regular_step(&candidates, &link, i, median);
        let mut regular_next = vec![false; candidates.len()];
        for &i in chain {
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
            let number = chain_number(&candidates, &link, chain, k);
            let roman = c.reads_roman(number);
            heads.push((
                c.ordinal,
                Head {
                    line: c.line,
                    number,
                    roman,
                    key: c.key.clone(),
                    chain: chain.len(),
                    lines_per_page: median,
                    recovered: false,
                    short: false,
                },
            ));
        }
    }
    heads.extend(short_chains(&candidates, &link, &chains, &heads, &medians));
    heads.sort_by_key(|(ordinal, _)| *ordinal);
    // Each head found between two others is a firmer anchor for the pages around it: a few rounds
    // find the heads of a run of damaged pages (`2îl`, `X72`, `2n` for 271 to 273), a few pages
    // further each round from the end of a run.
    for _ in 0..MAX_ROUNDS {
        let recovered = heads_between(text, &edge_lines, &heads);
        if recovered.is_empty() {
            break;
        }
        heads.extend(recovered);
        heads.sort_by_key(|(ordinal, _)| *ordinal);
    }
    let mut heads: Vec<Head> = heads.into_iter().map(|(_, h)| h).collect();
    heads.sort_by_key(|h| h.line.start);
    heads
}

/// The number of the `k`th head of `chain`: the reading its link stepped to, or for the root the
/// reading that its successor stepped from.
fn chain_number(
    candidates: &[Candidate],
    link: &[Option<(usize, u32, usize)>],
    chain: &[usize],
    k: usize,
) -> u32 {
    match link[chain[k]] {
        Some((_, v, _)) => v,
        None => chain
            .get(k + 1)
            .and_then(|&next| link[next])
            .map(|(_, v, s)| v - s as u32)
            .unwrap_or(candidates[chain[k]].values[0].1),
    }
}

/// Whether the step of the link into candidate `i` is a regular page: half to one and a half
/// times `page` lines.
fn regular_step(
    candidates: &[Candidate],
    link: &[Option<(usize, u32, usize)>],
    i: usize,
    page: usize,
) -> bool {
    link[i].is_some_and(|(j, _, step)| {
        let s = (candidates[i].ordinal - candidates[j].ordinal) / step;
        s * 2 >= page && s * 2 <= page * 3
    })
}

impl Candidate {
    /// Whether `number` is one of its readings as a roman numeral.
    fn reads_roman(&self, number: u32) -> bool {
        self.values.iter().any(|&(r, v)| r && v == number)
    }
}

/// Heads of runs too short for a chain of their own (two or three pages between gaps in a scan:
/// plates, missing leaves), taken when three kinds of evidence agree with the book's long chains:
/// the numbers step by one or two per page, every step is as long as the long chains' pages
/// (half to one and a half times their median), every head's text is that of a family of the
/// long chains' heads (up to OCR damage: `COSETTB. 191` among `COSETTE.` heads), and the numbers
/// lie between those of the long chains' heads before and after them (`JEAN VAUEAN. 261`,
/// `263` between heads 250 and 254 are misread and stay). A bare number, or a line whose text no
/// long chain has, is never taken this way.
fn short_chains(
    candidates: &[Candidate],
    link: &[Option<(usize, u32, usize)>],
    chains: &[(usize, Vec<usize>)],
    heads: &[(usize, Head)],
    medians: &[usize],
) -> Vec<(usize, Head)> {
    let mut sorted = medians.to_vec();
    sorted.sort_unstable();
    let Some(&page) = sorted.get(sorted.len() / 2) else {
        return Vec::new();
    };
    let mut families: Vec<&str> = Vec::new();
    for (_, h) in heads {
        if h.key.chars().count() >= 3 && !families.iter().any(|f| *f == h.key) {
            families.push(&h.key);
        }
    }
    let mut sequence: Vec<(usize, bool, u32)> = heads
        .iter()
        .map(|(ordinal, h)| (*ordinal, h.roman, h.number))
        .collect();
    sequence.sort_unstable();
    let in_sequence = |ordinal: usize, roman: bool, number: u32| {
        let at = sequence.partition_point(|&(o, _, _)| o < ordinal);
        let before = sequence[..at].iter().rev().find(|h| h.1 == roman);
        let after = sequence[at..].iter().find(|h| h.1 == roman);
        before.is_none_or(|h| h.2 < number) && after.is_none_or(|h| h.2 > number)
    };
    let mut found = Vec::new();
    for (_, chain) in chains {
        if chain.len() < 2 || chain.len() >= MIN_CHAIN {
            continue;
        }
        let of_a_family = chain.iter().all(|&i| {
            let key = &candidates[i].key;
            key.chars().count() >= 3 && families.iter().any(|f| same_head(key, f))
        });
        let regular = chain
            .iter()
            .all(|&i| link[i].is_none() || regular_step(candidates, link, i, page));
        let fits = (0..chain.len()).all(|k| {
            let c = &candidates[chain[k]];
            let number = chain_number(candidates, link, chain, k);
            in_sequence(c.ordinal, c.reads_roman(number), number)
        });
        if !of_a_family || !regular || !fits {
            continue;
        }
        for (k, &i) in chain.iter().enumerate() {
            let c = &candidates[i];
            let number = chain_number(candidates, link, chain, k);
            found.push((
                c.ordinal,
                Head {
                    line: c.line,
                    number,
                    roman: c.reads_roman(number),
                    key: c.key.clone(),
                    chain: chain.len(),
                    lines_per_page: page,
                    recovered: false,
                    short: true,
                },
            ));
        }
    }
    found
}

/// How far (in pages) a head found between two heads of the sequence may stand from the page
/// edge that the sequence puts there: pages that end a chapter are short, so the edges drift.
const EDGE_TOLERANCE: f64 = 0.35;
/// Most pages between two heads of the sequence for the edges between them to be inferred.
const MAX_GAP_PAGES: u32 = 6;
/// Least similarity to a head of the family for a head whose number agrees with the sequence
/// (`PANTINS. 223` among `FANTINE.` heads); a head whose number is unreadable needs [`same_head`].
const DAMAGED_FAMILY: f64 = 0.6;

/// A line read loosely as a head: the readings of the number-like tokens at either end (digits,
/// OCR look-alikes, digits split by spaces as `2 3 8`, roman numerals), the letters of the rest,
/// and whether those letters are mostly capitals.
struct LooseHead {
    numbers: Vec<(bool, u32)>,
    key: String,
    capitals: bool,
    /// Whether short tokens stand at an end, apart from the text: where the number goes.
    numbered_end: bool,
    /// The short tokens at either end, each run joined without spaces (`2 3 8` → `238`).
    number_tokens: Vec<String>,
}

/// The number a run of short tokens spells through OCR look-alikes (`I 4` → 14, `Ill` → 111,
/// `81` → 81), at most three digits.
fn lookalike_number(tokens: &[&str]) -> Option<u32> {
    let mut digits = String::new();
    for token in tokens {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        if token.is_empty() {
            return None;
        }
        for c in token.chars() {
            digits.push(char::from_digit(super::digit_lookalike(c)?, 10)?);
        }
    }
    if digits.is_empty() || digits.len() > 3 || !digits.contains(|c: char| c != '0') {
        return None;
    }
    digits.parse().ok()
}

fn loose_head(line: &str) -> Option<LooseHead> {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() || words.len() > 9 || line.chars().count() > 80 {
        return None;
    }
    // Runs of up to three short tokens at either end may be the number.
    let short = |w: &&&str| w.chars().filter(|c| c.is_alphanumeric()).count() <= 3;
    let lead = words.iter().take_while(short).count().min(3);
    let trail = words.iter().rev().take_while(short).count().min(3);
    let mut numbers = Vec::new();
    for k in 1..=lead {
        numbers.extend(lookalike_number(&words[..k]).map(|n| (false, n)));
    }
    for k in 1..=trail {
        numbers.extend(lookalike_number(&words[words.len() - k..]).map(|n| (false, n)));
    }
    let mut number_tokens = Vec::new();
    for k in 1..=lead {
        number_tokens.push(words[..k].concat());
    }
    for k in 1..=trail {
        number_tokens.push(words[words.len() - k..].concat());
    }
    if let Some(first) = words.first() {
        numbers.extend(number_readings(first).into_iter().filter(|r| r.0));
    }
    if let Some(last) = words.last() {
        numbers.extend(number_readings(last).into_iter().filter(|r| r.0));
    }
    // The text: the words between the end runs, or all of them when they are all short.
    let (from, to) = if lead + trail >= words.len() {
        (0, words.len())
    } else {
        (lead, words.len() - trail)
    };
    let text = words[from..to].join(" ");
    let key = layout::letters_key(&text);
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let upper = text.chars().filter(|c| c.is_uppercase()).count();
    Some(LooseHead {
        numbers,
        key,
        capitals: letters > 0 && upper * 10 >= letters * 7,
        numbered_end: from > 0 || to < words.len(),
        number_tokens,
    })
}

/// Whether `token` spells `expected` with at most one character misread (`X72` for 272, `2Q8`
/// for 208): the other characters are its digits or their look-alikes, and there are at least two.
fn spells_with_one_slip(token: &str, expected: u32) -> bool {
    let token: Vec<char> = token
        .trim_matches(|c: char| matches!(c, '.' | ',' | ':' | ';'))
        .chars()
        .collect();
    let digits: Vec<u32> = expected
        .to_string()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    token.len() == digits.len()
        && digits.len() >= 2
        && token
            .iter()
            .zip(&digits)
            .filter(|(c, d)| super::digit_lookalike(**c) != Some(**d))
            .count()
            <= 1
}

/// Whether `read` is `expected` with at most one digit misread (`81` for 21, `822` for 222).
fn one_digit_off(read: u32, expected: u32) -> bool {
    let (a, b) = (read.to_string(), expected.to_string());
    a.len() == b.len() && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() <= 1
}

/// Heads the page sequence implies but whose number OCR damaged (`FANTINE. 81` for 21,
/// `2 3 8 FIRST LETTER BOOK OF`) or left unreadable (`JEAN VALJEAN. St`): between two heads of the
/// sequence `k` pages apart, at a regular spacing, the `k - 1` page edges in between lie at even
/// steps. A line after a blank line near such an edge (within [`EDGE_TOLERANCE`] of a page) is a
/// head when
/// - its number reads as the page the sequence expects there (one digit may be misread) and its
///   text (if any) resembles a head of the family nearby (at least [`DAMAGED_FAMILY`]), or
/// - its text is the same head as one of the family ([`same_head`]), whatever its number.
///
/// Its capitals must match the family's (a head set in capitals is not a sentence). The heads on
/// both sides must be of one sequence: the numbers rise by at most [`MAX_GAP_PAGES`], and the lines
/// per page between them lie within half to one and a half times their chain's. Where a run of
/// the sequence ends (its next head is missing or damaged), the [`EXTRAPOLATED_PAGES`] pages after
/// it and before the next run are searched at the chain's lines per page, and only a head whose
/// number agrees counts (a bare number only when it reads exactly). A table of contents or an
/// index holds no head of a sequence, so nothing is searched there.
fn heads_between(
    text: &str,
    edge_lines: &[(LineSpan, usize)],
    heads: &[(usize, Head)],
) -> Vec<(usize, Head)> {
    let mut frames = Vec::new();
    for h in 0..heads.len() {
        let (oa, a) = &heads[h];
        let next = heads.get(h + 1);
        if h == 0 {
            frames.push(Frame {
                at: 0,
                pages: -EXTRAPOLATED_PAGES..=-1,
                per_page: a.lines_per_page as f64,
                within: 0..*oa,
                strict: true,
            });
        }
        if let Some((ob, b)) = next
            && a.roman == b.roman
            && b.number > a.number
            && b.number - a.number <= MAX_GAP_PAGES
        {
            let pages = b.number - a.number;
            let per_page = (ob - oa) as f64 / pages as f64;
            let typical = a.lines_per_page.max(b.lines_per_page) as f64;
            if per_page * 2.0 >= typical && per_page <= typical * 1.5 {
                frames.push(Frame {
                    at: h,
                    pages: 1..=i64::from(pages) - 1,
                    per_page,
                    within: *oa + 1..*ob,
                    strict: false,
                });
                continue;
            }
        }
        // The end of a run of the sequence: the pages just after it, and just before the next.
        let hi = next.map_or(usize::MAX, |(o, _)| *o);
        frames.push(Frame {
            at: h,
            pages: 1..=EXTRAPOLATED_PAGES,
            per_page: a.lines_per_page as f64,
            within: *oa + 1..hi,
            strict: true,
        });
        if let Some((ob, b)) = next {
            frames.push(Frame {
                at: h + 1,
                pages: -EXTRAPOLATED_PAGES..=-1,
                per_page: b.lines_per_page as f64,
                within: *oa + 1..*ob,
                strict: true,
            });
        }
    }
    // The pages after one run and before the next may name the same line twice.
    let found: std::collections::BTreeMap<usize, Head> = frames
        .iter()
        .flat_map(|f| heads_in_frame(text, edge_lines, heads, f))
        .collect();
    found.into_iter().collect()
}

/// Most rounds of [`heads_between`], each anchored on the heads found before.
const MAX_ROUNDS: usize = 8;

/// How many pages beyond the end of a run of the sequence are searched for heads whose number
/// agrees with it.
const EXTRAPOLATED_PAGES: i64 = 3;

/// Where the page sequence puts page edges: `pages` pages from the head `heads[at]` (negative:
/// before it), `per_page` non-blank lines apart, at the ordinals `within`. Beyond
/// the heads of the sequence (`strict`), only a head whose number agrees counts.
struct Frame {
    at: usize,
    pages: std::ops::RangeInclusive<i64>,
    per_page: f64,
    within: std::ops::Range<usize>,
    strict: bool,
}

fn heads_in_frame(
    text: &str,
    edge_lines: &[(LineSpan, usize)],
    heads: &[(usize, Head)],
    frame: &Frame,
) -> Vec<(usize, Head)> {
    let (base_ordinal, base) = (heads[frame.at].0, &heads[frame.at].1);
    let family: Vec<(&str, bool)> = heads
        [frame.at.saturating_sub(FAMILY_WINDOW)..(frame.at + 1 + FAMILY_WINDOW).min(heads.len())]
        .iter()
        .filter(|(_, f)| !f.key.is_empty())
        .map(|(_, f)| {
            let raw = f.line.text(text);
            let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
            let upper = raw.chars().filter(|c| c.is_uppercase()).count();
            (f.key.as_str(), upper * 10 >= letters * 7)
        })
        .collect();
    let first = edge_lines.partition_point(|(_, o)| *o < frame.within.start);
    let last = edge_lines
        .partition_point(|(_, o)| *o < frame.within.end)
        .max(first);
    // The best line for each page edge: (distance from the edge, line, number, ordinal).
    let mut best: std::collections::BTreeMap<i64, (f64, LineSpan, u32, usize)> = Default::default();
    for &(line, o) in &edge_lines[first..last] {
        let at = (o as f64 - base_ordinal as f64) / frame.per_page;
        let page = at.round();
        let off = (at - page).abs();
        let page = page as i64;
        if !frame.pages.contains(&page) || off > EDGE_TOLERANCE {
            continue;
        }
        let Some(expected) = u32::try_from(i64::from(base.number) + page)
            .ok()
            .filter(|&n| n > 0)
        else {
            continue;
        };
        let Some(loose) = loose_head(line.text(text)) else {
            continue;
        };
        let exact = loose
            .numbers
            .iter()
            .any(|&(roman, n)| n == expected && roman == base.roman);
        let number_agrees = exact
            || !base.roman
                && (loose
                    .number_tokens
                    .iter()
                    .any(|t| spells_with_one_slip(t, expected))
                    || loose
                        .numbers
                        .iter()
                        .any(|&(roman, n)| !roman && one_digit_off(n, expected)));
        let resemblance = family
            .iter()
            .filter(|(_, capitals)| *capitals == loose.capitals)
            .map(|(key, _)| {
                if same_head(key, &loose.key) {
                    1.0
                } else {
                    crate::passes::pages::head_similarity(key, &loose.key)
                }
            })
            .fold(0.0, f64::max);
        // Without a number that agrees, something must stand where the number goes: a line that
        // is the head's text alone (`CONTENTS.` over a table of contents, a chapter's title on
        // its first page) is a heading.
        let number_place = loose.numbered_end
            && !family
                .iter()
                .any(|(key, _)| *key == layout::letters_key(line.text(text)));
        let head = match (loose.key.is_empty(), frame.strict) {
            (true, false) => number_agrees,
            (true, true) => exact,
            (false, false) => {
                number_agrees && resemblance >= DAMAGED_FAMILY || resemblance >= 1.0 && number_place
            }
            (false, true) => number_agrees && resemblance >= DAMAGED_FAMILY,
        };
        if !head {
            continue;
        }
        if best.get(&page).is_none_or(|(d, _, _, _)| off < *d) {
            best.insert(page, (off, line, expected, o));
        }
    }
    best.into_values()
        .map(|(_, line, number, ordinal)| {
            (
                ordinal,
                Head {
                    line,
                    number,
                    roman: base.roman,
                    key: loose_head(line.text(text))
                        .map(|l| l.key)
                        .unwrap_or_default(),
                    chain: base.chain,
                    lines_per_page: frame.per_page.round() as usize,
                    recovered: true,
                    short: false,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals_through_ocr_lookalikes() {
        assert_eq!(number_readings("Ixvii"), vec![(true, 67)]);
        assert_eq!(number_readings("xiv"), vec![(true, 14)]);
        assert_eq!(number_readings("xxxvi"), vec![(true, 36)]);
        // Numerals that open with a subtracted digit; the numeral as printed reads first.
        assert_eq!(number_readings("xl"), vec![(true, 40), (true, 11)]);
        assert_eq!(number_readings("xliii"), vec![(true, 43)]);
        assert_eq!(number_readings("iv"), vec![(true, 4)]);
        assert_eq!(number_readings("xc"), vec![(true, 90)]);
        assert_eq!(number_readings("112"), vec![(false, 112)]);
        assert!(number_readings("mix").is_empty() || number_readings("mix") == vec![(true, 1009)]);
        assert!(number_readings("civil").is_empty());
        assert!(number_readings("The").is_empty());
    }
}
