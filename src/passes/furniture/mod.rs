//! Furniture: what the printed page carried around the text (running heads, page numbers and
//! signature marks) is dropped from the body, each with a record.
//!
//! First, wherever they stand, the marks known from data or from the file format:
//! - **Watermarks and boilerplate** of the digitisers ([`watermarks`], from
//!   the rules folder's `furniture/*.toml`): a watermark when it recurs through the document, Google's
//!   usage guidelines as one block when they open it;
//! - **HathiTrust page markers** (`## p. 12 (#20) ###`);
//! - **Running heads and page numbers of the page sequence** ([`heads`]): numbers that step by one
//!   or two per page at a regular spacing, with texts that recur in two families; and the heads
//!   whose numbers OCR damaged, at the page edges the sequence puts between its heads
//!   (`furniture.damaged-head`).
//!
//! Then the pass looks at the first and last non-blank lines of each page without those (pages are
//! split at form feeds, which the pages pass has settled); an edge that held a head of the sequence
//! or a watermark is not searched again:
//! - **Page numbers**: a line holding one short token that is a number, or that reads as one through
//!   the digit look-alikes of OCR (`IZ` → 12, `s` → 5). The numbers found on the pages vote for an
//!   offset between page index and page number; a number that fits is dropped with high confidence, a
//!   plain number that does not fit with lower confidence, and a look-alike only when it fits (else
//!   it is flagged).
//! - **Running heads**: a top (or bottom) line of at least three words whose letters (digits and signs
//!   ignored, so `21°` and `21%` agree) match, by normalised edit distance of at least 0.8, the same
//!   line of another page within four pages (recto and verso heads each recur on their own), or match
//!   the document's title while carrying a page number. The title itself, on the first page, stays.
//!   A line with figures inside (`1 See page 52, note 3.`) is never a recurring head; at the foot,
//!   a line with parentheses or a lowercase majority is a note, not a running foot. An edge held
//!   by a head of the sequence counts as a page the line recurs on, and is not dropped again.
//! - **A head standing alone on every page** (`PARISH MAGAZINE`): the same short title, no
//!   figures, as the top line of every page of a document of at least three pages, the first
//!   page's included.
//! - **Signature marks**: a short last line such as `1 *`, `A 2` or `B 3*`, or a bare number at the
//!   foot of a page that the page sequence does not explain (the printer's sheet number).
//!   Look-alike page numbers with one stray character (`81s`, `27v`) count when dropping it fits.
//!
//! Known false positives: a page whose last line is a lone number in a table; a chapter title that
//! repeats the book title with a number. A four-digit number out of the page sequence is taken for
//! a year (`1886.` ending a note), never a page number.

pub mod heads;
pub mod watermarks;

use std::sync::OnceLock;

use regex::Regex;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::layout::{self, LineSpan, PageSpan};
use crate::passes::pages::{HEAD_WINDOW, head_similarity, same_head};

pub struct Furniture;

pub const PAGE_NUMBER: BuiltinRule = BuiltinRule {
    id: "furniture.page-number",
    description: "Page number alone on the first or last line of a page dropped.",
};

pub const RUNNING_HEAD: BuiltinRule = BuiltinRule {
    id: "furniture.running-head",
    description: "Running head (a line recurring at the top or foot of pages, or the title with a page number) dropped.",
};

pub const SIGNATURE_MARK: BuiltinRule = BuiltinRule {
    id: "furniture.signature-mark",
    description: "Printer's signature mark (`1 *`, `A 2`) at the foot of a page dropped.",
};

pub const NUMBERED_HEAD: BuiltinRule = BuiltinRule {
    id: "furniture.numbered-head",
    description: "Running head or page number whose numbers form the document's page sequence (one or two more per page, at a regular spacing) dropped.",
};

pub const DAMAGED_HEAD: BuiltinRule = BuiltinRule {
    id: "furniture.damaged-head",
    description: "Running head at a page edge that the page sequence puts there (between two of its heads, or just beyond a run of them), of the heads' family, its number OCR-damaged (`FANTINE. 81` for 21) or unreadable, dropped.",
};

pub const WATERMARK: BuiltinRule = BuiltinRule {
    id: "furniture.watermark",
    description: "A digitiser's watermark or stamp of the rules folder's furniture/*.toml (`Digitized by Google`), recurring through the document, dropped.",
};

pub const BOILERPLATE: BuiltinRule = BuiltinRule {
    id: "furniture.boilerplate",
    description: "A digitiser's boilerplate front matter of the rules folder's furniture/*.toml (Google's usage guidelines) dropped as one block.",
};

pub const PAGE_MARKER: BuiltinRule = BuiltinRule {
    id: "furniture.page-marker",
    description: "A page marker line of a full-text download (HathiTrust `## p. 12 (#20) ###`) dropped.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[
    PAGE_NUMBER,
    RUNNING_HEAD,
    SIGNATURE_MARK,
    NUMBERED_HEAD,
    DAMAGED_HEAD,
    WATERMARK,
    BOILERPLATE,
    PAGE_MARKER,
];

/// The page marker lines of a HathiTrust full-text download (`## p. 12 (#20) ####`, `## p. (#7)`):
/// each line with the printed page number it names, if any.
pub fn page_markers(text: &str, pages: &[PageSpan]) -> Vec<(LineSpan, Option<String>)> {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    let marker = MARKER
        .get_or_init(|| Regex::new(r"^## p\. ?([^\s(]*) ?\(#\d+\) ?#*$").expect("static pattern"));
    if !text.contains("## p.") {
        return Vec::new();
    }
    pages
        .iter()
        .flat_map(|p| p.lines.iter().copied())
        .filter_map(|line| {
            let c = marker.captures(line.text(text).trim())?;
            let printed = c.get(1).map(|m| m.as_str()).filter(|m| !m.is_empty());
            Some((line, printed.map(str::to_string)))
        })
        .collect()
}

/// The digit an OCR look-alike stands for.
pub(crate) fn digit_lookalike(c: char) -> Option<u32> {
    Some(match c {
        'O' | 'o' | 'D' | 'Q' => 0,
        'I' | 'l' | 'i' | '|' | '!' | 'J' => 1,
        'Z' | 'z' => 2,
        'S' | 's' => 5,
        'G' | 'b' => 6,
        'T' => 7,
        'B' => 8,
        'g' | 'q' => 9,
        c => return c.to_digit(10),
    })
}

/// A page-number candidate: the number, and whether it had to be read through look-alikes.
fn page_number(line: &str) -> Option<(u32, bool)> {
    let token = line.trim().trim_matches([
        '-', '–', '—', '[', ']', '(', ')', '.', ' ', '"', '\'', '«', '»', '·', '„', '“', '”', ',',
        ':', ';',
    ]);
    if token.is_empty() || token.chars().count() > 4 || token.contains(char::is_whitespace) {
        return None;
    }
    if token.chars().all(|c| c.is_ascii_digit()) {
        return token.parse().ok().filter(|&n| n > 0).map(|n| (n, false));
    }
    // Look-alikes only for short tokens with at least one real digit or at most two characters,
    // so that a word such as `Ols` or `Sie` is never read as a number.
    let chars: Vec<char> = token.chars().collect();
    if chars.len() > 2 && !chars.iter().any(char::is_ascii_digit) {
        return None;
    }
    let mut n = 0u32;
    for c in chars {
        n = n * 10 + digit_lookalike(c)?;
    }
    (n > 0).then_some((n, true))
}

/// Other readings of a garbled page number: without one stray character at either end (`81s`,
/// `27v`), for the page sequence to confirm.
fn page_number_variants(line: &str) -> Vec<u32> {
    let token = line.trim();
    if !token.contains(|c: char| c.is_ascii_digit()) {
        return Vec::new();
    }
    let mut chars = token.chars();
    let without_first = {
        chars.next();
        chars.as_str()
    };
    let mut chars = token.chars();
    let without_last = {
        chars.next_back();
        chars.as_str()
    };
    [without_first, without_last]
        .into_iter()
        .filter(|t| !t.is_empty())
        .filter_map(page_number)
        .map(|(n, _)| n)
        .collect()
}

fn is_signature_mark(line: &str) -> bool {
    let t: String = line.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let stars = t.chars().filter(|&c| c == '*').count();
    let capitals = t.chars().filter(char::is_ascii_uppercase).count();
    let len = t.chars().count();
    (1..=6).contains(&len)
        && digits <= 2
        && digits + stars + capitals == len
        && (stars > 0 || (capitals > 0 && digits > 0))
        && capitals <= 3
}

/// The first or last of a page's non-blank lines, if any.
fn edge_lines(content: &[LineSpan]) -> (Option<LineSpan>, Option<LineSpan>) {
    (content.first().copied(), content.last().copied())
}

fn drop_line(
    text: &str,
    line: LineSpan,
    rule: BuiltinRule,
    confidence: f64,
    evidence: String,
) -> Edit {
    // Below the run's confidence threshold the pipeline turns this into a review flag.
    Edit::new(line.start..line.end_with_newline(text), "", rule)
        .kind(ChangeKind::Furniture)
        .confidence(confidence)
        .evidence(evidence)
}

impl Pass for Furniture {
    fn name(&self) -> &'static str {
        "furniture"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let mut edits = Vec::new();
        // Digitisers' marks first: they are known from data and from the file format, wherever
        // they stand, and the page edges are read without them.
        let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
        let pages = ctx.pages_of(text);
        let watermarks = &ctx.rules.watermarks;
        for found in watermarks.find_in(text, &pages) {
            let (file, line) = watermarks.origin_of(&found.id).unwrap_or_default();
            let origin = format!("{}:{line}", file.display());
            let (rule, evidence) = if found.block {
                (
                    BOILERPLATE,
                    format!(
                        "digitiser's boilerplate `{}` ({origin}) opening the document",
                        found.id,
                    ),
                )
            } else {
                (
                    WATERMARK,
                    format!(
                        "watermark `{}` ({origin}), {} times in the document",
                        found.id, found.count
                    ),
                )
            };
            edits.push(
                Edit::new(found.span.clone(), "", rule)
                    .kind(ChangeKind::Furniture)
                    .confidence(0.95)
                    .evidence(evidence),
            );
            removed.push(found.span);
        }
        for (line, printed) in page_markers(text, &pages) {
            let evidence = match printed {
                Some(p) => format!("page marker of a full-text download: printed page {p}"),
                None => "page marker of a full-text download (unnumbered page)".to_string(),
            };
            edits.push(drop_line(text, line, PAGE_MARKER, 0.95, evidence));
            removed.push(line.start..line.end_with_newline(text));
        }
        for head in heads::numbered_heads(text, &pages) {
            if removed
                .iter()
                .any(|r| r.start < head.line.end && head.line.start < r.end)
            {
                continue;
            }
            let numeral = if head.roman {
                "roman page number"
            } else {
                "page number"
            };
            if head.recovered {
                let evidence = format!(
                    "head {:?} where the page sequence (heads of a chain of {}, about {} lines a page) puts the edge of page {}: its text of the heads' family, its {numeral} read as that page's up to OCR damage, or unreadable between two heads",
                    head.line.text(text).trim(),
                    head.chain,
                    head.lines_per_page,
                    head.number
                );
                edits.push(drop_line(text, head.line, DAMAGED_HEAD, 0.85, evidence));
                removed.push(head.line.start..head.line.end_with_newline(text));
                continue;
            }
            let evidence = if head.short {
                format!(
                    "{numeral} {} in a run of {} heads, one or two more every page of about {} lines (the book's page), with the text of the book's running heads",
                    head.number, head.chain, head.lines_per_page
                )
            } else {
                format!(
                    "{numeral} {} in a sequence of {} heads, one or two more every page of about {} lines",
                    head.number, head.chain, head.lines_per_page
                )
            };
            edits.push(drop_line(text, head.line, NUMBERED_HEAD, 0.9, evidence));
            removed.push(head.line.start..head.line.end_with_newline(text));
        }
        removed.sort_by_key(|r| r.start);
        if pages.len() < 2 {
            return edits;
        }
        // Non-blank lines of each page, without the marks dropped above.
        let is_removed = |l: &LineSpan| {
            let i = removed.partition_point(|r| r.end <= l.start);
            removed.get(i).is_some_and(|r| r.start <= l.start)
        };
        // Page edges already held by a head of the page sequence or a watermark: the line next to
        // it is the page's text (a letter that opens like the letter on the page before), not a
        // second head.
        let edge_taken: Vec<(bool, bool)> = pages
            .iter()
            .map(|p| {
                let mut all = p.content(text);
                let first = all.next().is_some_and(&is_removed);
                let last = all.next_back().is_some_and(&is_removed);
                (first, last)
            })
            .collect();
        let content: Vec<Vec<LineSpan>> = pages
            .iter()
            .map(|p| {
                p.content(text)
                    .filter(|l| !is_removed(l))
                    .copied()
                    .collect()
            })
            .collect();
        let edges: Vec<(Option<LineSpan>, Option<LineSpan>)> =
            content.iter().map(|c| edge_lines(c)).collect();
        let mut dropped = vec![(false, false); pages.len()];

        // Page numbers: the numbers found vote for the offset between page index and number.
        let mut votes: std::collections::BTreeMap<i64, usize> = Default::default();
        let candidates: Vec<(usize, LineSpan, bool, u32, bool)> = edges
            .iter()
            .enumerate()
            .flat_map(|(i, (top, bottom))| {
                [(top, true), (bottom, false)]
                    .into_iter()
                    .filter_map(move |(line, is_top)| {
                        let line = (*line)?;
                        if !is_top && is_signature_mark(line.text(text)) {
                            return None;
                        }
                        let (n, garbled) = page_number(line.text(text)).or_else(|| {
                            let n = *page_number_variants(line.text(text)).first()?;
                            Some((n, true))
                        })?;
                        Some((i, line, is_top, n, garbled))
                    })
            })
            .collect();
        for &(i, _, _, n, _) in &candidates {
            *votes.entry(i64::from(n) - i as i64).or_default() += 1;
        }
        let offset = votes
            .iter()
            .max_by_key(|(o, n)| (**n, std::cmp::Reverse(**o)))
            .filter(|(_, n)| **n >= 2)
            .map(|(o, _)| *o);
        for (i, line, is_top, n, garbled) in candidates {
            let expected = offset.map(|o| o + i as i64);
            let mut fits = expected == Some(i64::from(n));
            let mut n = n;
            if garbled
                && !fits
                && let Some(v) = page_number_variants(line.text(text))
                    .into_iter()
                    .find(|v| expected == Some(i64::from(*v)))
            {
                (n, fits) = (v, true);
            }
            // Four digits out of the sequence are a year ending a line of text (`1886.` closing a
            // note), not a page number.
            if !fits && n >= 1000 {
                continue;
            }
            let shown = line.text(text).trim();
            let sequence = match expected {
                Some(e) => format!("the page sequence expects {e}"),
                None => "no page sequence found".to_string(),
            };
            let (confidence, evidence) = match (garbled, fits) {
                (false, true) => (0.95, format!("page number {n}: {sequence}")),
                (false, false) if !is_top && expected.is_some() => {
                    // The printer's sheet numbers stand alone at the foot, out of the page sequence.
                    let evidence = format!(
                        "number {n} at the foot of the page is not its page number ({sequence}): a signature mark"
                    );
                    edits.push(drop_line(text, line, SIGNATURE_MARK, 0.8, evidence));
                    dropped[i].1 = true;
                    continue;
                }
                (false, false) => (0.75, format!("number {n} alone on a page edge; {sequence}")),
                (true, true) => (
                    0.8,
                    format!("{shown:?} read as page number {n}: {sequence}"),
                ),
                (true, false) => (
                    0.4,
                    format!("{shown:?} might be page number {n}, but {sequence}"),
                ),
            };
            edits.push(drop_line(text, line, PAGE_NUMBER, confidence, evidence));
            // A page number the run will drop uncovers the line next to it as the page edge.
            if ctx.applies(confidence) {
                if is_top {
                    dropped[i].0 = true;
                } else {
                    dropped[i].1 = true;
                }
            }
        }

        // Running heads and footers: the edge line next to a dropped page number, or the edge line.
        let title_key = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(layout::letters_key)
            .unwrap_or_default();
        let edge_after_number = |i: usize, top: bool| -> Option<LineSpan> {
            let mut content = content[i].iter();
            let skip = usize::from(if top { dropped[i].0 } else { dropped[i].1 });
            if top {
                content.nth(skip).copied()
            } else {
                content.rev().nth(skip).copied()
            }
        };
        // A head standing alone on every page (`PARISH MAGAZINE`, no number, too short for the
        // three words asked of a head that recurs on some pages), the first page's too.
        let standing = standing_head(
            text,
            (0..pages.len()).map(|i| {
                (!edge_taken[i].0)
                    .then(|| edge_after_number(i, true))
                    .flatten()
            }),
        );
        if let Some(heads) = &standing {
            for &line in heads {
                let evidence = format!(
                    "running head: stands alone at the top of every one of the {} pages",
                    heads.len()
                );
                edits.push(drop_line(text, line, RUNNING_HEAD, 0.9, evidence));
            }
        }
        for top in [true, false] {
            if top && standing.is_some() {
                continue;
            }
            // Each page's edge line, its letters, and whether it may be dropped here: an edge held
            // by a head of the sequence is compared with (a damaged head recurs among them), not
            // dropped again.
            let lines: Vec<Option<(LineSpan, String, bool)>> = (0..pages.len())
                .map(|i| {
                    let held = if top {
                        edge_taken[i].0
                    } else {
                        edge_taken[i].1
                    };
                    let line = if held {
                        let mut all = pages[i].content(text);
                        *(if top { all.next() } else { all.next_back() })?
                    } else {
                        edge_after_number(i, top)?
                    };
                    // The document's own first line is its title, not a running head.
                    if i == 0 && top && text[..line.start].trim().is_empty() {
                        return None;
                    }
                    let words = line.text(text).split_whitespace().count();
                    let key = layout::letters_key(line.text(text));
                    (words >= 3 && key.chars().count() >= 8).then_some((line, key, !held))
                })
                .collect();
            for (i, entry) in lines.iter().enumerate() {
                let Some((line, key, true)) = entry else {
                    continue;
                };
                // Only the pages of the window are read: reading every page to filter by the
                // window made this pass quadratic in the pages (a 316 MB document).
                let window = i.saturating_sub(HEAD_WINDOW)..(i + HEAD_WINDOW + 1).min(lines.len());
                let recurs = lines[window.clone()]
                    .iter()
                    .zip(window)
                    .filter(|&(other, j)| {
                        j != i && other.as_ref().is_some_and(|(_, k, _)| same_head(key, k))
                    })
                    .count();
                let shown = line.text(text).trim();
                let numbered = shown
                    .split_whitespace()
                    .next()
                    .into_iter()
                    .chain(shown.split_whitespace().last())
                    .any(|w| w.chars().all(|c| c.is_ascii_digit()));
                let title = head_similarity(key, &title_key);
                // A head carries its page number at an end, never figures inside: lines such as
                // `1 See page 52, note 3.` at the foot of several pages are notes that resemble
                // each other.
                let words: Vec<&str> = shown.split_whitespace().collect();
                let inner_figures = words.len() > 2
                    && words[1..words.len() - 1]
                        .iter()
                        .any(|w| w.contains(|c: char| c.is_ascii_digit()));
                // At the foot of a page, notes on the same matter resemble each other (`3 The
                // other texts transpose this and the preceding word.` on two pages of a letter
                // book): a running foot is a title, most words capitalised, with no parentheses.
                let capitalised = capitalised_words(&words);
                let note_like = !top
                    && (shown.contains(['(', ')'])
                        || capitalised * 2
                            < words
                                .iter()
                                .filter(|w| w.contains(char::is_alphabetic))
                                .count());
                let recurs = if inner_figures || note_like {
                    0
                } else {
                    recurs
                };
                let (confidence, evidence) = if recurs >= 2 {
                    (
                        0.95,
                        format!(
                            "running head: recurs on {} of the {} pages around it",
                            recurs + 1,
                            2 * HEAD_WINDOW + 1
                        ),
                    )
                } else if recurs == 1 {
                    (
                        0.85,
                        format!(
                            "running head: recurs on 2 of the {} pages around it",
                            2 * HEAD_WINDOW + 1
                        ),
                    )
                } else if numbered && title >= 0.8 {
                    (
                        0.85,
                        format!("running head: the title ({title:.2}) with a page number"),
                    )
                } else {
                    continue;
                };
                edits.push(drop_line(text, *line, RUNNING_HEAD, confidence, evidence));
            }
        }

        // Signature marks at the foot of a page.
        for (i, (_, bottom)) in edges.iter().enumerate() {
            if dropped[i].1 {
                continue;
            }
            if let Some(line) = bottom.filter(|l| is_signature_mark(l.text(text))) {
                let evidence = format!(
                    "signature mark {:?} at the foot of the page",
                    line.text(text).trim()
                );
                edits.push(drop_line(text, line, SIGNATURE_MARK, 0.85, evidence));
            }
        }
        edits
    }
}

/// Fewest pages for a line standing at the top of every page to be a running head.
const MIN_STANDING_PAGES: usize = 3;

/// The top lines of the pages when the same title (up to OCR noise, no figures) stands at the top
/// of every page: a head with no number, the first page's included. A title is short, most of its
/// words capitalised, and does not run on (no comma or colon at its end), so that a letter on each
/// page opening with `Dear Sir,` is not one.
fn standing_head(
    text: &str,
    tops: impl Iterator<Item = Option<LineSpan>>,
) -> Option<Vec<LineSpan>> {
    let tops: Vec<LineSpan> = tops.collect::<Option<_>>()?;
    if tops.len() < MIN_STANDING_PAGES {
        return None;
    }
    let first = tops[0].text(text).trim();
    let words: Vec<&str> = first.split_whitespace().collect();
    let capitalised = capitalised_words(&words);
    let key = layout::letters_key(first);
    let title = first.chars().count() <= 60
        && key.chars().count() >= 4
        && !first.contains(|c: char| c.is_ascii_digit())
        && !first.ends_with([',', ':', ';', '-'])
        && capitalised * 2 > words.len();
    let same = tops.iter().all(|l| {
        let t = l.text(text);
        !t.contains(|c: char| c.is_ascii_digit()) && same_head(&key, &layout::letters_key(t))
    });
    (title && same).then_some(tops)
}

/// How many of `words` begin, at their first letter, with a capital: heads and running feet are
/// titles, most of their words capitalised.
pub(crate) fn capitalised_words(words: &[&str]) -> usize {
    words
        .iter()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase)
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_and_lookalikes() {
        assert_eq!(page_number(" 36 "), Some((36, false)));
        assert_eq!(page_number("s"), Some((5, true)));
        assert_eq!(page_number("«64"), Some((64, false)));
        assert_eq!(page_number_variants("81s"), vec![15, 81]);
        assert_eq!(page_number_variants("27v"), vec![27]);
        assert!(page_number_variants("ass-").is_empty());
        assert_eq!(page_number("71 :"), Some((71, false)));
        assert_eq!(page_number("IZ"), Some((12, true)));
        assert_eq!(page_number("— 7 —"), Some((7, false)));
        assert_eq!(page_number("Sie"), None);
        assert_eq!(page_number("and"), None);
        assert_eq!(page_number("1816 war"), None);
    }

    #[test]
    fn signature_marks() {
        for mark in ["1 *", "A 2", "B3*", "**"] {
            assert!(is_signature_mark(mark), "{mark}");
        }
        for line in ["A", "12", "Anmerk. d. R.", "I am", "USA"] {
            assert!(!is_signature_mark(line), "{line}");
        }
    }
}
