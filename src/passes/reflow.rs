//! Reflow (first version): hard-wrapped lines joined into paragraphs, one paragraph per line.
//!
//! The text is cut into lines at `\n` and `\f`; lines holding only spaces and tabs are blank. Between
//! two non-blank lines lies a *gap* (the line end, any blank lines and page breaks, and the next
//! line's indentation). A gap that is a plain line end is a wrap: it becomes one space, or nothing
//! after a word that ends in a hyphen (the hyphen is kept; deciding whether to drop it belongs to
//! dehyphenation). A gap with a blank line or a page break is a paragraph break (`\n\n`) unless it
//! cuts a sentence: the line before ends mid-sentence (a lowercase letter, a comma or semicolon, or
//! a hyphen) and the next line starts in lowercase, or the line before is a full-length line (so
//! not a heading) that ends mid-sentence. A line end after a short line that ends a sentence,
//! before a line that starts in uppercase, is a paragraph break too (books mark paragraphs that way
//! rather than with blank lines). The document is trimmed and ends with one `\n`.
//!
//! Known false positives: verse, lists and tables are joined like prose; a heading that ends in
//! lowercase and is as long as a text line is joined to the next paragraph.

use super::{BuiltinRule, Context, Pass};
use crate::change::Edit;

pub struct Reflow;

const RULES: &[BuiltinRule] = &[
    BuiltinRule {
        id: "reflow.join-lines",
        description: "Line end inside a paragraph joined (a space, or nothing after a word-final hyphen).",
    },
    BuiltinRule {
        id: "reflow.join-across-blank",
        description: "Blank lines that cut a sentence removed.",
    },
    BuiltinRule {
        id: "reflow.join-across-page",
        description: "Page break that cuts a sentence joined.",
    },
    BuiltinRule {
        id: "reflow.paragraph-break",
        description: "Paragraph break written as one blank line.",
    },
    BuiltinRule {
        id: "reflow.page-break",
        description: "Page break between two paragraphs written as a paragraph break.",
    },
    BuiltinRule {
        id: "reflow.trim",
        description: "Blank lines and spaces at the start or end of the document dropped; the text ends with one newline.",
    },
];

/// A non-blank line: its content without leading or trailing spaces and tabs.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

fn content_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
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

/// True when the line ends with sentence-final punctuation, possibly inside quotes or brackets.
fn ends_sentence(line: &str) -> bool {
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', '»', '«', ')', ']']);
    trimmed.ends_with(['.', '!', '?', ':'])
}

fn starts_uppercase(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_uppercase)
}

fn starts_lowercase(line: &str) -> bool {
    line.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

/// Median length in characters of the document's lines: the width of a full text line.
fn typical_width(text: &str, lines: &[Line]) -> usize {
    let mut widths: Vec<usize> = lines
        .iter()
        .map(|l| text[l.start..l.end].chars().count())
        .collect();
    widths.sort_unstable();
    widths.get(widths.len() / 2).copied().unwrap_or(0)
}

impl Pass for Reflow {
    fn name(&self) -> &'static str {
        "reflow"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, _ctx: &Context) -> Vec<Edit> {
        let lines = content_lines(text);
        let mut edits = Vec::new();
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            if !text.is_empty() {
                edits.push(
                    Edit::new(0..text.len(), "", "reflow.trim")
                        .evidence("document holds only whitespace"),
                );
            }
            return edits;
        };
        if first.start > 0 {
            edits.push(
                Edit::new(0..first.start, "", "reflow.trim")
                    .evidence("whitespace at the start of the document"),
            );
        }
        let width = typical_width(text, &lines);
        for pair in lines.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let gap = &text[a.end..b.start];
            let prev = &text[a.start..a.end];
            let next = &text[b.start..b.end];
            let newlines = gap.matches('\n').count();
            let page_break = gap.contains('\x0c');
            let hyphenated = prev.ends_with(['-', '¬']) && ends_mid_sentence(prev);
            let join = if hyphenated { "" } else { " " };
            let full_line = prev.chars().count() * 10 >= width * 8;
            if newlines == 1
                && !page_break
                && ends_sentence(prev)
                && !full_line
                && starts_uppercase(next)
            {
                // Hard-wrapped prose fills its lines; a short line that ends a sentence ends its
                // paragraph (the convention of books and of OCR that drops blank lines).
                edits.push(
                    Edit::new(a.end..b.start, "\n\n", "reflow.paragraph-break")
                        .confidence(0.85)
                        .evidence("short line that ends a sentence, next starts in uppercase"),
                );
                continue;
            }
            if newlines == 1 && !page_break {
                let evidence = if hyphenated {
                    "line end inside a paragraph; word-final hyphen kept"
                } else {
                    "line end inside a paragraph"
                };
                edits.push(
                    Edit::new(a.end..b.start, join, "reflow.join-lines")
                        .confidence(0.95)
                        .evidence(evidence),
                );
                continue;
            }
            let mid = ends_mid_sentence(prev);
            let lower = starts_lowercase(next);
            let (rule, what) = if page_break {
                ("reflow.join-across-page", "page break")
            } else {
                ("reflow.join-across-blank", "blank line")
            };
            if mid && lower {
                edits.push(
                    Edit::new(a.end..b.start, join, rule)
                        .confidence(0.9)
                        .evidence(format!("{what} cuts a sentence: line ends mid-sentence, next starts in lowercase")),
                );
            } else if mid && full_line {
                edits.push(
                    Edit::new(a.end..b.start, join, rule)
                        .confidence(0.8)
                        .evidence(format!(
                            "{what} cuts a sentence: a full-width line ends mid-sentence"
                        )),
                );
            } else {
                let rule = if page_break {
                    "reflow.page-break"
                } else {
                    "reflow.paragraph-break"
                };
                edits.push(
                    Edit::new(a.end..b.start, "\n\n", rule)
                        .confidence(0.9)
                        .evidence(format!("{what} after a finished line")),
                );
            }
        }
        if &text[last.end..] != "\n" {
            edits.push(
                Edit::new(last.end..text.len(), "\n", "reflow.trim")
                    .evidence("the text ends with one newline"),
            );
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::rules::RuleSet;

    fn run(text: &str) -> String {
        let rules = RuleSet::default();
        let disabled = BTreeSet::new();
        let ctx = Context::new(None, &rules, &disabled, "");
        let mut out = String::new();
        let mut pos = 0;
        for e in Reflow.run(text, &ctx) {
            out.push_str(&text[pos..e.range.start]);
            out.push_str(&e.replacement);
            pos = e.range.end;
        }
        out + &text[pos..]
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
        // From the Grenzboten pages, whose OCR has no blank lines between paragraphs.
        let text = "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend\nund ohnmächtig sein!\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie\nein deutscher Laut.\n";
        assert_eq!(
            run(text),
            "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend und ohnmächtig sein!\n\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie ein deutscher Laut.\n"
        );
    }

    #[test]
    fn empty_and_blank_documents_stay_empty() {
        assert_eq!(run(""), "");
        assert_eq!(run(" \n\n"), "");
    }
}
