//! Reflow: hard-wrapped lines joined into paragraphs, one paragraph per line.
//!
//! The text is cut into lines at `\n` and `\f`; lines holding only spaces and tabs are blank. Between
//! two non-blank lines lies a *gap* (the line end, any blank lines and page breaks, and the next
//! line's indentation). Every gap becomes one of: a space (a wrap inside a paragraph; nothing after
//! a word-final hyphen that dehyphenation left for review, whose hyphen is kept), `\n\n` (a
//! paragraph break) or `\n` (a line break kept inside a block of lines, see below).
//!
//! - A plain line end is a wrap, except after a short line that ends a sentence when the next line
//!   starts in uppercase: books mark paragraphs that way rather than with blank lines.
//! - A blank line is a paragraph break unless it cuts a sentence: the line before ends
//!   mid-sentence (a lowercase letter, a comma or semicolon, or a hyphen) and the next line starts
//!   in lowercase, or the line before is a full-length line (so not a heading) that ends
//!   mid-sentence (the seed's `trends` / blank / `in Moscow’s Korea policy.`).
//! - A page break is not a paragraph break unless the text says so: the last line before it is
//!   short and ends a sentence. A full line that ends a sentence runs on into the next page.
//! - A sentence end may carry a reference mark: `China.[^3]` (the footnote pass's mark) and
//!   `China.3` (a superscript read as a digit) end their sentence.
//! - A heading (a short line that starts in uppercase and does not end in a comma, semicolon or
//!   hyphen, after a paragraph end or at the start, before a line that starts in uppercase) is its
//!   own paragraph: `Abstract`, `Russia and the DPRK`, `Erstes Kapitel.`.
//! - Blocks of lines keep their line breaks: a run of at least three short lines, each starting
//!   with a capital, a digit or a list mark, separated by plain line ends (verse, lists, tables,
//!   addresses: the quoted poem of the 1841 periodical pages in raw/). The block is its own paragraph and its lines
//!   are written one per line with no blank line between them. Each block is listed for review
//!   (`reflow.kept-lines`, zero-width) so that the report names it.
//! - Evidence that rests on the printed line (a "full" line, the short lines of a block) counts
//!   only in text that shows hard-wrapped lines (a plain line end before a lowercase start, or after
//!   a word-final hyphen: [`crate::layout::shows_hard_wrap`]). In text that shows none, lines are
//!   already paragraphs: no line is full, and a block of lines need not be short. This is what
//!   makes cleaning the cleaned body a no-op: it shows no hard wrap, so a paragraph that ends
//!   mid-sentence is not read as a full line that runs on, and a kept block stays one although the
//!   typical width has grown to that of a paragraph.
//! - A lowercase start is read on the line's first word (`¬ a` gives none), never on a word that
//!   an earlier join may have put after a sign.
//!
//! The document is trimmed and ends with one `\n`.
//!
//! Known false positives: a heading that ends in lowercase and is as long as a text line is joined
//! to the next paragraph; three or more short lines of prose that each start with a capital (the
//! last lines of short paragraphs in a row) are kept as lines; a paragraph that ends at a full
//! line just before a page break is run on into the next page's first paragraph. A short text whose
//! wrapped lines all start with a capital or a digit (and none ends in a hyphen) shows no hard
//! wrap: a sentence end at a line end is a paragraph break there, and three such lines in a row are
//! kept as lines however long.

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::layout;

pub struct Reflow;

pub const JOIN_LINES: BuiltinRule = BuiltinRule {
    id: "reflow.join-lines",
    description: "Line end inside a paragraph joined (a space, or nothing after a word-final hyphen).",
};

pub const JOIN_ACROSS_BLANK: BuiltinRule = BuiltinRule {
    id: "reflow.join-across-blank",
    description: "Blank lines that cut a sentence removed.",
};

pub const JOIN_ACROSS_PAGE: BuiltinRule = BuiltinRule {
    id: "reflow.join-across-page",
    description: "Page break inside a paragraph joined (the line before ends mid-sentence or fills the width).",
};

pub const PARAGRAPH_BREAK: BuiltinRule = BuiltinRule {
    id: "reflow.paragraph-break",
    description: "Paragraph break written as one blank line.",
};

pub const PAGE_BREAK: BuiltinRule = BuiltinRule {
    id: "reflow.page-break",
    description: "Page break between two paragraphs written as a paragraph break.",
};

pub const HEADING: BuiltinRule = BuiltinRule {
    id: "reflow.heading",
    description: "Heading (a short line between paragraphs) kept as its own paragraph.",
};

pub const KEPT_LINES: BuiltinRule = BuiltinRule {
    id: "reflow.kept-lines",
    description: "Block of short lines (verse, list, table, address) kept line by line; listed for review.",
};

pub const TRIM: BuiltinRule = BuiltinRule {
    id: "reflow.trim",
    description: "Blank lines and spaces at the start or end of the document dropped; the text ends with one newline.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[
    JOIN_LINES,
    JOIN_ACROSS_BLANK,
    JOIN_ACROSS_PAGE,
    PARAGRAPH_BREAK,
    PAGE_BREAK,
    HEADING,
    KEPT_LINES,
    TRIM,
];

/// A non-blank line: its content without leading or trailing spaces and tabs.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn content_lines(text: &str) -> Vec<Line> {
    // At most one line per line end or page break, and the last: reserved up front, where
    // doubling would leave up to half of a long document's lines unused while reflow runs.
    let ends = text.bytes().filter(|&b| b == b'\n' || b == b'\x0c').count();
    let mut lines = Vec::with_capacity(ends + 1);
    let mut start = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), '\n')))
    {
        if c == '\n' || c == '\x0c' {
            let line = &text[start..i];
            let trimmed = line.trim_matches([' ', '\t']);
            if !trimmed.is_empty() {
                let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
                lines.push(Line {
                    start: start + lead,
                    end: start + lead + trimmed.len(),
                });
            }
            start = i + 1;
        }
    }
    lines
}

/// True when the line ends in the middle of a sentence.
fn ends_mid_sentence(line: &str) -> bool {
    let mut rev = line.chars().rev();
    match rev.next() {
        Some(',' | ';') => true,
        Some('-' | '¬') => rev.next().is_some_and(char::is_alphabetic),
        Some(c) => c.is_lowercase(),
        None => false,
    }
}

/// The line without a reference mark after its last word: `[^3]` (written by the footnote pass),
/// `*)` (the German mark), or one or two digits right after a sentence mark that follows a letter
/// (`China.3`: a superscript read as a digit; `3.7` keeps its digit).
fn without_reference_mark(line: &str) -> &str {
    if let Some(open) = line.rfind("[^")
        && line.ends_with(']')
        && line[open + 2..line.len() - 1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric())
    {
        return line[..open].trim_end();
    }
    if let Some(stripped) = line.strip_suffix("*)") {
        return stripped.trim_end();
    }
    let digits = line.trim_end_matches(|c: char| c.is_ascii_digit());
    let mut rev = digits.chars().rev();
    let marked = matches!(rev.next(), Some('.' | '!' | '?' | '”' | '"' | '’'))
        && rev
            .next()
            .is_some_and(|c| c.is_alphabetic() || matches!(c, '.' | '”' | '"' | ')'));
    if (1..=2).contains(&(line.len() - digits.len())) && marked {
        return digits;
    }
    line
}

/// True when the line ends with sentence-final punctuation, possibly inside quotes or brackets and
/// before a reference mark.
fn ends_sentence(line: &str) -> bool {
    let trimmed =
        without_reference_mark(line).trim_end_matches(['"', '\'', '”', '’', '»', '«', ')', ']']);
    trimmed.ends_with(['.', '!', '?', ':'])
}

fn starts_uppercase(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase)
}

/// True when the line's first word starts in lowercase (`und`, `„und`, `(and`). Only the first
/// token counts: a line whose first token holds no letter or digit (`¬ a`, `— und`, `! a`) gives
/// no evidence, for the word after such a sign may have been joined to it by an earlier run of
/// this pass (`¬` / `a` becomes `¬ a`), and evidence must not depend on what a run produced.
fn starts_lowercase(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .and_then(|token| token.chars().find(|c| c.is_alphanumeric()))
        .is_some_and(char::is_lowercase)
}

/// True when the line starts like a line of verse, a list item or a table row.
fn starts_block_line(line: &str) -> bool {
    line.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '•' | '–' | '—' | '*')
    })
}

/// Median length in characters of the document's lines: the width of a full text line. (Not a
/// higher quantile: dehyphenation has already merged each split word's two lines into one line of
/// about twice the width, a quarter of all lines in the 1841 periodical pages.)
fn typical_width(text: &str, lines: &[Line]) -> usize {
    let mut widths: Vec<usize> = lines
        .iter()
        .map(|l| text[l.start..l.end].chars().count())
        .collect();
    widths.sort_unstable();
    widths.get(widths.len() / 2).copied().unwrap_or(0)
}

/// Narrower "full" lines are no evidence of a text column (a page that holds one short line).
const MIN_COLUMN_WIDTH: usize = 30;

/// What a gap between two lines holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GapKind {
    LineEnd,
    Blank,
    Page,
}

fn gap_kind(gap: &str) -> GapKind {
    if gap.contains('\x0c') {
        GapKind::Page
    } else if gap.matches('\n').count() > 1 {
        GapKind::Blank
    } else {
        GapKind::LineEnd
    }
}

/// The shape of the document's lines that the gap decisions need.
struct Layout<'t> {
    text: &'t str,
    lines: Vec<Line>,
    width: usize,
    /// The text shows hard-wrapped lines ([`layout::shows_hard_wrap`]); without them no line is
    /// "full".
    hard_wrapped: bool,
}

impl<'t> Layout<'t> {
    fn line(&self, i: usize) -> &'t str {
        &self.text[self.lines[i].start..self.lines[i].end]
    }

    fn gap(&self, before: usize) -> GapKind {
        gap_kind(&self.text[self.lines[before - 1].end..self.lines[before].start])
    }

    fn chars(&self, i: usize) -> usize {
        self.line(i).chars().count()
    }

    /// At least 80% of the typical width: a line that prose filled. Only in hard-wrapped text:
    /// where lines are already paragraphs (the body this pass writes, read again), a long line is a
    /// whole paragraph, and a paragraph that ends mid-sentence (`..., A,` / blank line / `Aa`) is
    /// no evidence that the sentence runs on after the blank line.
    fn is_full(&self, i: usize) -> bool {
        self.hard_wrapped && self.chars(i) * 10 >= self.width * 8
    }

    /// Runs of at least three short lines, each starting like a verse or list line, joined by plain
    /// line ends: `(first, last)` line indices. In text that shows no hard wrap, the lines need not
    /// be short: nothing shows that they were wrapped, and the blocks this pass wrote, read again,
    /// must stay blocks although the typical width, now that of whole paragraphs, no longer makes
    /// their lines short.
    fn kept_blocks(&self) -> Vec<(usize, usize)> {
        let short = |i: usize| {
            let line = self.line(i);
            (!self.hard_wrapped || self.chars(i) * 10 < self.width * 7)
                && starts_block_line(line)
                && !line.ends_with(['-', '¬'])
        };
        let mut blocks = Vec::new();
        let mut i = 0;
        while i < self.lines.len() {
            if !short(i) {
                i += 1;
                continue;
            }
            let mut last = i;
            while last + 1 < self.lines.len()
                && self.gap(last + 1) == GapKind::LineEnd
                && short(last + 1)
            {
                last += 1;
            }
            if last >= i + 2 {
                blocks.push((i, last));
            }
            i = last + 1;
        }
        blocks
    }

    /// A short line that stands between paragraphs: after a paragraph end (or at the start),
    /// before a line that starts in uppercase (or at the end).
    fn is_heading(&self, i: usize) -> bool {
        let line = self.line(i);
        // After a blank line, a full line that ends mid-sentence still runs on (the seed's
        // `trends in` / blank / `Moscow’s Korea policy.`); a short one (an author's name) does not.
        let after_paragraph = i == 0
            || ends_sentence(self.line(i - 1))
            || (self.gap(i) != GapKind::LineEnd
                && !(self.is_full(i - 1) && ends_mid_sentence(self.line(i - 1)))
                && !self.line(i - 1).ends_with([',', ';', '-', '¬']));
        let before_paragraph = i + 1 == self.lines.len() || starts_uppercase(self.line(i + 1));
        self.chars(i) * 10 < self.width * 6
            && starts_uppercase(line)
            && !line.ends_with([',', ';', '-', '¬'])
            && after_paragraph
            && before_paragraph
    }
}

impl Pass for Reflow {
    fn name(&self) -> &'static str {
        "reflow"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let lines = content_lines(text);
        // One edit per gap between lines and at most two at the ends (and one per block of kept
        // lines): room for that up front, where doubling would hold up to twice a long
        // document's edits.
        let mut edits = Vec::with_capacity(lines.len() + 2);
        let (Some(first), Some(last)) = (lines.first().copied(), lines.last().copied()) else {
            if !text.is_empty() {
                edits.push(
                    Edit::new(0..text.len(), "", TRIM).evidence("document holds only whitespace"),
                );
            }
            return edits;
        };
        if first.start > 0 {
            edits.push(
                Edit::new(0..first.start, "", TRIM)
                    .evidence("whitespace at the start of the document"),
            );
        }
        let width = typical_width(text, &lines);
        // A note is a few lines and may show no hard wrap of its own: the document's lines speak
        // for it (derived once for the body and all notes).
        let hard_wrapped = if ctx.text_is_document() {
            ctx.analysis.shows_hard_wrap()
        } else {
            layout::shows_hard_wrap(text) || ctx.analysis.shows_hard_wrap()
        };
        let layout = Layout {
            text,
            lines,
            width,
            hard_wrapped,
        };
        // Block membership of each line: Some(first line of its block).
        let mut block_of = vec![None; layout.lines.len()];
        for (from, to) in layout.kept_blocks() {
            for slot in &mut block_of[from..=to] {
                *slot = Some(from);
            }
            let shown: Vec<&str> = (from..=to.min(from + 1)).map(|i| layout.line(i)).collect();
            let at = layout.lines[from].start;
            edits.push(
                Edit::new(at..at, "", KEPT_LINES)
                    .kind(ChangeKind::Review)
                    .confidence(0.7)
                    .evidence(format!(
                        "{} {}lines each starting with a capital kept as lines (verse, list or table){}: '{}' / ...",
                        to - from + 1,
                        if layout.hard_wrapped { "short " } else { "" },
                        if layout.hard_wrapped {
                            ""
                        } else {
                            "; the text shows no hard-wrapped line"
                        },
                        shown.join("' / '")
                    )),
            );
        }
        let heading: Vec<bool> = (0..layout.lines.len())
            .map(|i| block_of[i].is_none() && layout.is_heading(i))
            .collect();

        for b in 1..layout.lines.len() {
            let a = b - 1;
            let (la, lb) = (layout.lines[a], layout.lines[b]);
            let range = la.end..lb.start;
            let prev = layout.line(a);
            let next = layout.line(b);
            let kind = gap_kind(&text[range.clone()]);
            let hyphenated = prev.ends_with(['-', '¬']) && ends_mid_sentence(prev);
            let join = if hyphenated { "" } else { " " };
            let full_line = layout.is_full(a);
            let what = match kind {
                GapKind::Page => "page break",
                GapKind::Blank => "blank line",
                GapKind::LineEnd => "line end",
            };
            let paragraph_rule = if kind == GapKind::Page {
                PAGE_BREAK
            } else {
                PARAGRAPH_BREAK
            };
            let paragraph = |rule: BuiltinRule, confidence: f64, evidence: String| {
                Edit::new(range.clone(), "\n\n", rule)
                    .confidence(confidence)
                    .evidence(evidence)
            };

            if block_of[a].is_some() && block_of[a] == block_of[b] {
                edits.push(
                    Edit::new(range.clone(), "\n", KEPT_LINES)
                        .confidence(0.7)
                        .evidence("line break kept inside a block of short lines"),
                );
                continue;
            }
            if block_of[a].is_some() || block_of[b].is_some() {
                edits.push(paragraph(
                    paragraph_rule,
                    0.8,
                    format!("{what} at the edge of a block of lines kept as lines"),
                ));
                continue;
            }
            if heading[a] || heading[b] {
                let which = if heading[b] { next } else { prev };
                edits.push(paragraph(
                    HEADING,
                    0.8,
                    format!("{what} next to the heading '{which}'"),
                ));
                continue;
            }
            if kind == GapKind::LineEnd {
                if ends_sentence(prev) && !full_line && starts_uppercase(next) {
                    // Hard-wrapped prose fills its lines; a short line that ends a sentence ends
                    // its paragraph (the convention of books and of OCR that drops blank lines).
                    edits.push(paragraph(
                        PARAGRAPH_BREAK,
                        0.85,
                        "short line that ends a sentence, next starts in uppercase".into(),
                    ));
                } else {
                    let evidence = if hyphenated {
                        "line end inside a paragraph; word-final hyphen kept"
                    } else {
                        "line end inside a paragraph"
                    };
                    edits.push(
                        Edit::new(range.clone(), join, JOIN_LINES)
                            .confidence(0.95)
                            .evidence(evidence),
                    );
                }
                continue;
            }
            let mid = ends_mid_sentence(prev);
            let lower = starts_lowercase(next);
            let join_rule = if kind == GapKind::Page {
                JOIN_ACROSS_PAGE
            } else {
                JOIN_ACROSS_BLANK
            };
            let cut = if mid && lower {
                Some((0.9, "line ends mid-sentence, next starts in lowercase"))
            } else if mid && full_line {
                Some((0.8, "a full-width line ends mid-sentence"))
            } else if kind == GapKind::Page && !ends_sentence(prev) && lower {
                Some((0.8, "no sentence end before it, next starts in lowercase"))
            } else if kind == GapKind::Page && full_line && width >= MIN_COLUMN_WIDTH {
                // A page break is no paragraph break unless the text says so; a full line that
                // ends a sentence is far more often inside a paragraph than its last line.
                Some((0.7, "the line before fills the width"))
            } else {
                None
            };
            match cut {
                Some((confidence, why)) => edits.push(
                    Edit::new(range.clone(), join, join_rule)
                        .confidence(confidence)
                        .evidence(format!("{what} inside a paragraph: {why}")),
                ),
                None => edits.push(paragraph(
                    paragraph_rule,
                    0.9,
                    format!("{what} after a finished line"),
                )),
            }
        }
        if &text[last.end..] != "\n" {
            edits.push(
                Edit::new(last.end..text.len(), "\n", TRIM)
                    .evidence("the text ends with one newline"),
            );
        }
        edits
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn run(text: &str) -> String {
        crate::passes::OnePass::new(&Reflow).apply(text)
    }

    #[test]
    fn wrapped_lines_become_one_paragraph_per_line() {
        assert_eq!(
            run("\n\nTitle\n\nOne line\n and two.\n\n\n\nNext one.\n\n"),
            "Title\n\nOne line and two.\n\nNext one.\n"
        );
    }

    #[test]
    fn a_blank_line_inside_a_sentence_is_removed() {
        // From the seed: the abstract's last sentence is cut by a scanner's blank line.
        let text = "then makes some conclusions about the possible future trends\n\nin Moscow’s Korea policy.\n";
        assert_eq!(
            run(text),
            "then makes some conclusions about the possible future trends in Moscow’s Korea policy.\n"
        );
    }

    #[test]
    fn headings_stay_their_own_paragraph() {
        let text = "a full line of text that ends this paragraph.\n\nRussia and the DPRK\n\nRussia’s neighbor is a long line of text\nthat goes on.\n";
        assert_eq!(
            run(text),
            "a full line of text that ends this paragraph.\n\nRussia and the DPRK\n\nRussia’s neighbor is a long line of text that goes on.\n"
        );
    }

    #[test]
    fn hyphens_are_kept_and_pages_joined_mid_sentence() {
        assert_eq!(
            run("non-\ninterference and a\x0ctrade"),
            "non-interference and a trade\n"
        );
        assert_eq!(run("The end.\x0cA new page."), "The end.\n\nA new page.\n");
    }

    #[test]
    fn a_short_line_that_ends_a_sentence_ends_its_paragraph() {
        // From the 1841 periodical pages, whose OCR has no blank lines between paragraphs.
        let text = "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend\nund ohnmächtig sein!\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie\nein deutscher Laut.\n";
        assert_eq!(
            run(text),
            "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend und ohnmächtig sein!\n\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie ein deutscher Laut.\n"
        );
    }

    #[test]
    fn a_paragraph_read_again_is_no_full_width_line() {
        // The body as a first run writes it: one paragraph per line. The first paragraph ends
        // mid-sentence and is far longer than the median line, but the text shows no hard wrap,
        // so it is not a "full-width line" that runs on across the blank line.
        let body = "Aa aa aa aa aa aa aa aa, A,\n\nAa aa.\n\nBb.\n";
        assert_eq!(run(body), body);
    }

    #[test]
    fn a_sign_joined_to_a_word_is_no_lowercase_start() {
        // `!` / `öA` is joined into `! öA`; read again, its first word `!` holds no letter, so the
        // blank line before it stays a paragraph break, as in the first run.
        let once = run("0(30ß,\né\n\n!\nöA");
        assert_eq!(once, "0(30ß, é\n\n! öA\n");
        assert_eq!(run(&once), once);
        assert!(starts_lowercase("„und so"));
        assert!(!starts_lowercase("— und so"));
    }

    #[test]
    fn lines_of_text_without_hard_wrap_are_kept() {
        // Kept lines written by a first run, read again: the typical width is now that of the
        // paragraph, which no longer makes `3-ü` short, but nothing shows that the lines were
        // wrapped, so they stay lines and the blank line after them a paragraph break.
        let body = "öüAAäAéa\n\nA\nA\n3-ü\n\näa0--öAä aaaaa\n";
        assert_eq!(run(body), body);
    }

    #[test]
    fn empty_and_blank_documents_stay_empty() {
        assert_eq!(run(""), "");
        assert_eq!(run(" \n\n"), "");
    }
}
