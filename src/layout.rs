//! The page geometry of a text: pages (split at form feeds) and their lines, as byte spans of the
//! text, so that the furniture and footnote passes can ask "what is at the top or foot of a page".

/// A line of the text: `start..end` without its line end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSpan {
    pub start: usize,
    pub end: usize,
}

impl LineSpan {
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    pub fn is_blank(&self, text: &str) -> bool {
        self.text(text).trim().is_empty()
    }

    /// The end of the line including its `\n`, if it has one.
    pub fn end_with_newline(&self, text: &str) -> usize {
        if text[self.end..].starts_with('\n') {
            self.end + 1
        } else {
            self.end
        }
    }
}

/// A page: its lines, and the indices of its first and last non-blank lines.
#[derive(Debug, Clone)]
pub struct PageSpan {
    pub start: usize,
    pub end: usize,
    pub lines: Vec<LineSpan>,
}

impl PageSpan {
    /// The non-blank lines of the page, in order.
    pub fn content<'a>(
        &'a self,
        text: &'a str,
    ) -> impl DoubleEndedIterator<Item = &'a LineSpan> + 'a {
        self.lines.iter().filter(move |l| !l.is_blank(text))
    }
}

/// Splits `text` into pages at `\f` and pages into lines at `\n`.
pub fn pages(text: &str) -> Vec<PageSpan> {
    let mut pages = Vec::new();
    let mut start = 0;
    // Form feeds are found by byte search (memchr), not by decoding every character.
    let breaks = text.match_indices('\x0c').map(|(i, _)| i);
    for i in breaks.chain(std::iter::once(text.len())) {
        pages.push(PageSpan {
            start,
            end: i,
            lines: lines(text, start, i),
        });
        start = i + 1;
    }
    pages
}

/// The lines of `text[start..end]`.
pub fn lines(text: &str, start: usize, end: usize) -> Vec<LineSpan> {
    // At most one per line end and the last: doubling would leave up to half of the lines of a
    // long page unused, for the whole stage when the analysis keeps them.
    let ends = text.as_bytes()[start..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    let mut out = Vec::with_capacity(ends + 1);
    let mut line_start = start;
    for (i, _) in text[start..end].match_indices('\n') {
        out.push(LineSpan {
            start: line_start,
            end: start + i,
        });
        line_start = start + i + 1;
    }
    if line_start < end {
        out.push(LineSpan {
            start: line_start,
            end,
        });
    }
    out
}

/// True when the text shows hard-wrapped lines: somewhere a plain line end or page break (no blank
/// line between) cuts a sentence visibly, because the next line starts with a lowercase letter or
/// the line before ends in a hyphen after a letter. A page as OCR reads it shows this on almost
/// every page of prose. Text whose lines are already paragraphs never does, such as the body this
/// tool writes: a line end is left there only between lines of a kept block (short lines, each
/// starting with a capital, a digit or a list mark and none ending in a hyphen) or in text that
/// showed no hard wrap in the first place. Evidence that depends on the printed line (a line that
/// fills the width, the foot of a page) means nothing without it.
pub fn shows_hard_wrap(text: &str) -> bool {
    let mut previous: Option<&str> = None;
    for line in text.split(['\n', '\x0c']) {
        let content = line.trim_matches([' ', '\t']);
        if let Some(before) = previous
            && (content.starts_with(char::is_lowercase) || ends_word_hyphen(before))
            && !content.is_empty()
        {
            return true;
        }
        previous = (!content.is_empty()).then_some(content);
    }
    false
}

/// True when the line ends in a hyphen (`-` or `¬`) right after a letter.
fn ends_word_hyphen(line: &str) -> bool {
    let mut rev = line.chars().rev();
    matches!(rev.next(), Some('-' | '¬')) && rev.next().is_some_and(char::is_alphabetic)
}

/// Letters only, in lowercase: the part of a line that OCR noise and page numbers do not change
/// (`21°` and `21%` both vanish), used to compare running heads.
pub fn letters_key(line: &str) -> String {
    line.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_lines_are_spans_of_the_text() {
        let text = "a\n\nb\x0cc\nd\n";
        let pages = pages(text);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].lines.len(), 3);
        assert_eq!(pages[0].content(text).count(), 2);
        assert_eq!(pages[1].lines[1].text(text), "d");
        assert_eq!(pages[1].lines[0].end_with_newline(text), 7);
    }

    #[test]
    fn hard_wrap_is_a_sentence_running_on_across_a_plain_line_end() {
        assert!(shows_hard_wrap("It was a\nlong day.\n"));
        assert!(shows_hard_wrap("It was a long-\nDay.\n"));
        assert!(!shows_hard_wrap("It was a long day.\n\nand then\n"));
        assert!(!shows_hard_wrap("It was a long-\n\nDay.\n"));
        assert!(!shows_hard_wrap(
            "Kept lines\nStart with capitals\n1 or digits\n"
        ));
        // A page break inside a sentence is a line end of the printed text too.
        assert!(shows_hard_wrap("It was a\x0clong day.\n"));
    }

    #[test]
    fn the_letters_key_ignores_digits_and_signs() {
        assert_eq!(
            letters_key("36 Policy in the 21% Century"),
            letters_key("Policy in the 21° Century")
        );
    }
}
