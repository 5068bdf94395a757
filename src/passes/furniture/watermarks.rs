//! Watermarks, stamps and boilerplate of the digitisers, from the data file
//! `rules/furniture/watermarks.toml` (built into the binary; its examples run as tests).
//!
//! A watermark is a line, or a few lines with only blank lines between them, each matched by one
//! regex of the entry. It counts only when the document holds it at least `min_count` times: the
//! recurrence along the whole document is the evidence, so a single line that happens to read
//! `by Google` in a book about the company stays. A boilerplate block runs from a `start` line,
//! which must be the document's first line, to an `end` line at most `max_lines` lines later.
//!
//! Known false positives: a document that quotes a digitiser's watermark several times on lines of
//! their own.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::layout::{self, LineSpan};

/// At most this many blank lines stand between the parts of one watermark.
const MAX_BLANKS_BETWEEN_PARTS: usize = 8;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    watermark: Vec<WatermarkSpec>,
    #[serde(default)]
    block: Vec<BlockSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WatermarkSpec {
    id: String,
    /// Entries of one family (the split and one-line forms of one watermark) are counted together.
    family: Option<String>,
    description: String,
    parts: Vec<String>,
    min_count: usize,
    page_end: bool,
    matches: Vec<String>,
    keeps: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockSpec {
    id: String,
    description: String,
    start: String,
    end: String,
    max_lines: usize,
    matches: Vec<String>,
    keeps: Vec<String>,
}

/// One watermark of the data file, compiled.
#[derive(Debug)]
pub struct Watermark {
    pub id: String,
    pub family: String,
    pub description: String,
    parts: Vec<Regex>,
    pub min_count: usize,
    /// The scanner prints it at the foot of every page: the line after it starts a page.
    pub page_end: bool,
    pub matches: Vec<String>,
    pub keeps: Vec<String>,
}

/// One boilerplate block of the data file, compiled.
#[derive(Debug)]
pub struct Boilerplate {
    pub id: String,
    pub description: String,
    start: Regex,
    end: Regex,
    max_lines: usize,
    pub matches: Vec<String>,
    pub keeps: Vec<String>,
}

/// The watermarks and boilerplate blocks of the data file.
#[derive(Debug)]
pub struct Watermarks {
    pub watermarks: Vec<Watermark>,
    pub blocks: Vec<Boilerplate>,
}

/// A watermark or boilerplate block found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The entry's id in the data file.
    pub id: String,
    /// From the start of its first line to the end of its last line, with that line's `\n`.
    pub span: Range<usize>,
    /// How often the document holds this watermark (1 for a block).
    pub count: usize,
    pub page_end: bool,
    pub block: bool,
}

const SOURCE: &str = include_str!("../../../rules/furniture/watermarks.toml");
/// The data file's path in the repository, for messages.
pub const SOURCE_PATH: &str = "rules/furniture/watermarks.toml";

impl Watermarks {
    /// The data file built into the binary.
    pub fn bundled() -> &'static Watermarks {
        static BUNDLED: OnceLock<Watermarks> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            // The file is part of the source; `cargo test` parses it and runs its examples.
            Watermarks::parse(SOURCE).unwrap_or_else(|e| panic!("{SOURCE_PATH}: {e}"))
        })
    }

    /// Parses a watermark file; the error names the entry.
    pub fn parse(source: &str) -> Result<Self, String> {
        let file: File = toml::from_str(source).map_err(|e| e.to_string())?;
        let compile = |id: &str, p: &str| {
            Regex::new(p).map_err(|e| format!("entry {id:?}: pattern {p:?}: {e}"))
        };
        let mut watermarks = Vec::new();
        for w in file.watermark {
            if w.parts.is_empty() || w.matches.is_empty() || w.keeps.is_empty() {
                return Err(format!("entry {:?}: needs parts, matches and keeps", w.id));
            }
            let parts = w
                .parts
                .iter()
                .map(|p| compile(&w.id, p))
                .collect::<Result<_, _>>()?;
            watermarks.push(Watermark {
                parts,
                family: w.family.unwrap_or_else(|| w.id.clone()),
                id: w.id,
                description: w.description,
                min_count: w.min_count.max(1),
                page_end: w.page_end,
                matches: w.matches,
                keeps: w.keeps,
            });
        }
        let mut blocks = Vec::new();
        for b in file.block {
            if b.matches.is_empty() || b.keeps.is_empty() {
                return Err(format!("entry {:?}: needs matches and keeps", b.id));
            }
            blocks.push(Boilerplate {
                start: compile(&b.id, &b.start)?,
                end: compile(&b.id, &b.end)?,
                id: b.id,
                description: b.description,
                max_lines: b.max_lines,
                matches: b.matches,
                keeps: b.keeps,
            });
        }
        Ok(Self { watermarks, blocks })
    }

    /// Every watermark (recurring at least its `min_count` times) and boilerplate block of `text`,
    /// in text order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let lines: Vec<LineSpan> = layout::pages(text)
            .into_iter()
            .flat_map(|p| p.lines)
            .collect();
        let trimmed = |i: usize| lines[i].text(text).trim();
        let mut found: Vec<Found> = Vec::new();
        let first_content = (0..lines.len()).find(|&i| !trimmed(i).is_empty());
        let mut next_free = 0;
        if let Some(first) = first_content {
            for block in &self.blocks {
                if !block.start.is_match(trimmed(first)) {
                    continue;
                }
                let last = (first + 1..lines.len().min(first + 1 + block.max_lines))
                    .find(|&i| block.end.is_match(trimmed(i)));
                if let Some(last) = last {
                    found.push(Found {
                        id: block.id.clone(),
                        span: lines[first].start..lines[last].end_with_newline(text),
                        count: 1,
                        page_end: false,
                        block: true,
                    });
                    next_free = last + 1;
                    break;
                }
            }
        }
        let mut i = next_free;
        while i < lines.len() {
            let line = trimmed(i);
            // Watermarks are short lines; long ones are spared the regexes.
            if line.is_empty() || line.len() > 120 {
                i += 1;
                continue;
            }
            let hit = self.watermarks.iter().find_map(|w| {
                let last = self.match_parts(w, &lines, text, i)?;
                Some((w, last))
            });
            match hit {
                Some((w, last)) => {
                    found.push(Found {
                        id: w.id.clone(),
                        span: lines[i].start..lines[last].end_with_newline(text),
                        count: 0,
                        page_end: w.page_end,
                        block: false,
                    });
                    i = last + 1;
                }
                None => i += 1,
            }
        }
        // The recurrence along the document is the evidence for a watermark.
        let entry = |id: &str| self.watermarks.iter().find(|w| w.id == id);
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for f in found.iter().filter(|f| !f.block) {
            if let Some(w) = entry(&f.id) {
                *counts.entry(w.family.as_str()).or_default() += 1;
            }
        }
        found.retain_mut(|f| {
            if f.block {
                return true;
            }
            let Some(w) = entry(&f.id) else { return false };
            f.count = counts[w.family.as_str()];
            f.count >= w.min_count
        });
        found
    }

    /// The index of the last line of watermark `w` when its first part matches line `i`.
    fn match_parts(
        &self,
        w: &Watermark,
        lines: &[LineSpan],
        text: &str,
        i: usize,
    ) -> Option<usize> {
        let mut at = i;
        for (k, part) in w.parts.iter().enumerate() {
            if k > 0 {
                let mut blanks = 0;
                at += 1;
                while at < lines.len() && lines[at].is_blank(text) {
                    blanks += 1;
                    at += 1;
                }
                if at >= lines.len() || blanks > MAX_BLANKS_BETWEEN_PARTS {
                    return None;
                }
            }
            let line = lines[at].text(text).trim();
            if !part.is_match(line) {
                return None;
            }
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each example of the data file alone: `matches` are recognised whole (every non-blank line
    /// inside a found span), `keeps` not at all. The recurrence count is not part of an example.
    #[test]
    fn every_example_of_the_watermark_file_holds() {
        let all = Watermarks::bundled();
        assert!(!all.watermarks.is_empty() && !all.blocks.is_empty());
        let mut failures = Vec::new();
        for w in &all.watermarks {
            let alone = Watermarks {
                watermarks: vec![Watermark {
                    id: w.id.clone(),
                    family: w.family.clone(),
                    description: String::new(),
                    parts: w.parts.clone(),
                    min_count: 1,
                    page_end: w.page_end,
                    matches: Vec::new(),
                    keeps: Vec::new(),
                }],
                blocks: Vec::new(),
            };
            check(&alone, &w.id, &w.matches, &w.keeps, &mut failures);
        }
        for b in &all.blocks {
            let alone = Watermarks {
                watermarks: Vec::new(),
                blocks: vec![Boilerplate {
                    id: b.id.clone(),
                    description: String::new(),
                    start: b.start.clone(),
                    end: b.end.clone(),
                    max_lines: b.max_lines,
                    matches: Vec::new(),
                    keeps: Vec::new(),
                }],
            };
            check(&alone, &b.id, &b.matches, &b.keeps, &mut failures);
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn check(
        set: &Watermarks,
        id: &str,
        matches: &[String],
        keeps: &[String],
        failures: &mut Vec<String>,
    ) {
        for example in matches {
            let found = set.find(example);
            let covered = |at: usize| found.iter().any(|f| f.span.contains(&at));
            let whole = example
                .char_indices()
                .all(|(at, c)| c.is_whitespace() || covered(at));
            if !whole {
                failures.push(format!("{id}: {example:?} should match, found {found:?}"));
            }
        }
        for example in keeps {
            let found = set.find(example);
            if !found.is_empty() {
                failures.push(format!("{id}: {example:?} must stay, found {found:?}"));
            }
        }
    }

    #[test]
    fn a_watermark_counts_only_when_it_recurs() {
        let set = Watermarks::bundled();
        let once = "A page of text.\n\nby Google\n\nMore text.\n";
        assert!(set.find(once).is_empty());
        let thrice = "Page one.\n\nby Google\n\nPage two.\n\nDigitized by VjOOQ IC\n\nPage three.\n\nDigitized\n\nby Google\n\nby Google\n";
        let found = set.find(thrice);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|f| f.page_end));
    }

    #[test]
    fn the_boilerplate_block_must_open_the_document() {
        let set = Watermarks::bundled();
        let front = "This is a digital copy of a book that was preserved for generations on library shelves\nUsage guidelines\nat http://books.google.com/\n\nCHAPTER I.\n";
        let found = set.find(front);
        assert_eq!(found.len(), 1);
        assert_eq!(
            &front[found[0].span.clone()],
            &front[..front.find("\nCHAPTER").unwrap()]
        );
        let quoted = format!("Preface.\n\n{front}");
        assert!(set.find(&quoted).is_empty());
    }
}
