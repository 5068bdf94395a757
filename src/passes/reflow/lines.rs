//! The lines of the text and the gaps between them, as the reflow rules read them.

use std::collections::BTreeMap;

/// A non-blank line: its content without leading or trailing spaces and tabs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The non-blank lines of a text, in 32 bits while the text is under 4 GiB: 8 bytes a line, not
/// 16 (reflow holds them while it proposes an edit per line end, the largest part of its peak on
/// a page of short lines).
pub(super) enum Lines {
    Narrow(Vec<[u32; 2]>),
    Wide(Vec<Line>),
}

impl Lines {
    fn with_capacity(n: usize, text_len: usize) -> Self {
        if text_len <= u32::MAX as usize {
            Lines::Narrow(Vec::with_capacity(n))
        } else {
            Lines::Wide(Vec::with_capacity(n))
        }
    }

    fn push(&mut self, line: Line) {
        match self {
            // Fits: the text's length was measured when the list was chosen.
            Lines::Narrow(lines) => lines.push([line.start as u32, line.end as u32]),
            Lines::Wide(lines) => lines.push(line),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Lines::Narrow(lines) => lines.len(),
            Lines::Wide(lines) => lines.len(),
        }
    }

    /// The `i`-th line (panics past the end, as indexing does).
    pub(super) fn get(&self, i: usize) -> Line {
        match self {
            Lines::Narrow(lines) => Line {
                start: lines[i][0] as usize,
                end: lines[i][1] as usize,
            },
            Lines::Wide(lines) => lines[i],
        }
    }

    pub(super) fn first(&self) -> Option<Line> {
        (self.len() > 0).then(|| self.get(0))
    }

    pub(super) fn last(&self) -> Option<Line> {
        self.len().checked_sub(1).map(|i| self.get(i))
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = Line> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

pub(super) fn content_lines(text: &str) -> Lines {
    // At most one line per line end or page break, and the last: reserved up front, where
    // doubling would leave up to half of a long document's lines unused while reflow runs.
    let ends = text.bytes().filter(|&b| b == b'\n' || b == b'\x0c').count();
    let mut lines = Lines::with_capacity(ends + 1, text.len());
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
pub(super) fn ends_mid_sentence(line: &str) -> bool {
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
pub(super) fn without_reference_mark(line: &str) -> &str {
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
pub(super) fn ends_sentence(line: &str) -> bool {
    let trimmed =
        without_reference_mark(line).trim_end_matches(['"', '\'', '”', '’', '»', '«', ')', ']']);
    trimmed.ends_with(['.', '!', '?', ':'])
}

pub(super) fn starts_uppercase(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase)
}

/// True when the line's first word starts in lowercase (`und`, `„und`, `(and`). Only the first
/// token counts: a line whose first token holds no letter or digit (`¬ a`, `— und`, `! a`) gives
/// no evidence, for the word after such a sign may have been joined to it by an earlier run of
/// this pass (`¬` / `a` becomes `¬ a`), and evidence must not depend on what a run produced.
pub(super) fn starts_lowercase(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .and_then(|token| token.chars().find(|c| c.is_alphanumeric()))
        .is_some_and(char::is_lowercase)
}

/// Median length in characters of the document's lines: the width of a full text line. (Not a
/// higher quantile: dehyphenation has already merged each split word's two lines into one line of
/// about twice the width, a quarter of all lines in the 1841 periodical pages.)
pub(super) fn typical_width(text: &str, lines: &Lines) -> usize {
    // Counted by width, not listed: a list took 8 bytes a line while reflow held its lines.
    let mut count: BTreeMap<usize, usize> = BTreeMap::new();
    for l in lines.iter() {
        *count
            .entry(text[l.start..l.end].chars().count())
            .or_default() += 1;
    }
    // The width at index len / 2 of the sorted widths.
    let mut below = lines.len() / 2;
    for (width, n) in count {
        if below < n {
            return width;
        }
        below -= n;
    }
    0
}

/// Narrower "full" lines are no evidence of a text column (a page that holds one short line).
pub(super) const MIN_COLUMN_WIDTH: usize = 30;

/// What a gap between two lines holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GapKind {
    LineEnd,
    Blank,
    Page,
}

pub(super) fn gap_kind(gap: &str) -> GapKind {
    if gap.contains('\x0c') {
        GapKind::Page
    } else if gap.matches('\n').count() > 1 {
        GapKind::Blank
    } else {
        GapKind::LineEnd
    }
}

/// The shape of the document's lines that the gap decisions need.
pub(super) struct Layout<'t> {
    pub(super) text: &'t str,
    pub(super) lines: Lines,
    pub(super) width: usize,
    /// The text shows hard-wrapped lines ([`crate::layout::shows_hard_wrap`]); without them no line is
    /// "full".
    pub(super) hard_wrapped: bool,
}

impl<'t> Layout<'t> {
    pub(super) fn line(&self, i: usize) -> &'t str {
        let line = self.lines.get(i);
        &self.text[line.start..line.end]
    }

    pub(super) fn gap(&self, before: usize) -> GapKind {
        gap_kind(&self.text[self.lines.get(before - 1).end..self.lines.get(before).start])
    }

    pub(super) fn chars(&self, i: usize) -> usize {
        self.line(i).chars().count()
    }

    /// At least 80% of the typical width: a line that prose filled. Only in hard-wrapped text:
    /// where lines are already paragraphs (the body this pass writes, read again), a long line is a
    /// whole paragraph, and a paragraph that ends mid-sentence (`..., A,` / blank line / `Aa`) is
    /// no evidence that the sentence runs on after the blank line.
    pub(super) fn is_full(&self, i: usize) -> bool {
        self.hard_wrapped && self.chars(i) * 10 >= self.width * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_lines_read_as_narrow_ones() {
        let text = "  one\n\ntwo  \n\x0cthree";
        let narrow = content_lines(text);
        assert!(matches!(narrow, Lines::Narrow(_)));
        let wide = Lines::Wide(narrow.iter().collect());
        let spans = |l: &Lines| l.iter().map(|l| (l.start, l.end)).collect::<Vec<_>>();
        assert_eq!(spans(&narrow), [(2, 5), (7, 10), (14, 19)]);
        assert_eq!(spans(&narrow), spans(&wide));
        assert_eq!(
            narrow.first().map(|l| l.start),
            wide.first().map(|l| l.start)
        );
        assert_eq!(narrow.last().map(|l| l.end), wide.last().map(|l| l.end));
        assert_eq!(typical_width(text, &narrow), typical_width(text, &wide));
        assert!(content_lines("").first().is_none());
    }

    #[test]
    fn the_typical_width_is_the_median_of_the_sorted_widths() {
        for text in [
            "",
            "one",
            "a\nbb\nccc",
            "a\nbb\nccc\ndddd",
            "xx\nxx\ny\nzzzz\nzzzz\nzzzz",
            "é é\nab\n\n  abc  \nab",
        ] {
            let lines = content_lines(text);
            let mut widths: Vec<usize> = lines
                .iter()
                .map(|l| text[l.start..l.end].chars().count())
                .collect();
            widths.sort_unstable();
            let median = widths.get(widths.len() / 2).copied().unwrap_or(0);
            assert_eq!(typical_width(text, &lines), median, "{text:?}");
        }
    }
}
