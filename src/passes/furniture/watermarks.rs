//! Watermarks, stamps and boilerplate of the digitisers, from the data files `furniture/*.toml` of
//! the rules folder (`rules/furniture/watermarks.toml` is bundled; a `--rules` folder adds its own
//! files or replaces that one by name). They load with the other rule data
//! ([`crate::rules::RuleSet::load`]), their examples checked at load time and by `rules test`.
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
use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::error::{RuleError, line_of};
use crate::example::{Example, ExampleOutcome};
use crate::layout::{self, LineSpan, PageSpan};
use crate::rules::compile_regex;

/// At most this many blank lines stand between the parts of one watermark.
const MAX_BLANKS_BETWEEN_PARTS: usize = 8;

/// How `rules test` names an entry's examples: `watermark/ID`.
pub const EXAMPLE_PREFIX: &str = "watermark/";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    watermark: Vec<toml::Spanned<WatermarkSpec>>,
    #[serde(default)]
    block: Vec<toml::Spanned<BlockSpec>>,
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
#[derive(Debug, Clone)]
pub struct Watermark {
    pub id: String,
    /// The data file and line of the entry, for messages.
    pub file: PathBuf,
    pub line: usize,
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
#[derive(Debug, Clone)]
pub struct Boilerplate {
    pub id: String,
    pub file: PathBuf,
    pub line: usize,
    pub description: String,
    start: Regex,
    end: Regex,
    max_lines: usize,
    pub matches: Vec<String>,
    pub keeps: Vec<String>,
}

/// The watermarks and boilerplate blocks of the data files.
#[derive(Debug, Clone, Default)]
pub struct Watermarks {
    pub watermarks: Vec<Watermark>,
    pub blocks: Vec<Boilerplate>,
    /// The first parts of all watermarks as one set, built on first use: most lines start none,
    /// and one pass over a line says so. `None` when the set would not compile within the size
    /// limit (then every line is tried against each watermark).
    first_parts: OnceLock<Option<RegexSet>>,
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

impl Watermarks {
    /// Parses one watermark file. Every problem is reported with its line (an entry without
    /// examples, a pattern that does not compile, an example that fails), not just the first.
    pub fn parse(path: &Path, source: &str) -> Result<Self, Vec<RuleError>> {
        let file: File = RuleError::parse_toml(path, source).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let invalid = |line: usize, id: &str, message: String| RuleError::Invalid {
            path: path.to_path_buf(),
            line,
            rule: id.to_string(),
            message,
        };
        let compile = |line: usize, id: &str, what: &str, p: &str| {
            compile_regex(&format!("{what} {p:?}"), p).map_err(|m| invalid(line, id, m))
        };
        let mut set = Watermarks::default();
        for spanned in file.watermark {
            let line = line_of(source, spanned.span().start);
            let w = spanned.into_inner();
            if w.parts.is_empty() || w.matches.is_empty() || w.keeps.is_empty() {
                errors.push(invalid(
                    line,
                    &w.id,
                    "needs parts, matches and keeps".into(),
                ));
                continue;
            }
            let parts: Result<Vec<Regex>, RuleError> = w
                .parts
                .iter()
                .map(|p| compile(line, &w.id, "part", p))
                .collect();
            match parts {
                Ok(parts) => set.watermarks.push(Watermark {
                    parts,
                    family: w.family.unwrap_or_else(|| w.id.clone()),
                    id: w.id,
                    file: path.to_path_buf(),
                    line,
                    description: w.description,
                    min_count: w.min_count.max(1),
                    page_end: w.page_end,
                    matches: w.matches,
                    keeps: w.keeps,
                }),
                Err(e) => errors.push(e),
            }
        }
        for spanned in file.block {
            let line = line_of(source, spanned.span().start);
            let b = spanned.into_inner();
            if b.matches.is_empty() || b.keeps.is_empty() {
                errors.push(invalid(line, &b.id, "needs matches and keeps".into()));
                continue;
            }
            match (
                compile(line, &b.id, "start", &b.start),
                compile(line, &b.id, "end", &b.end),
            ) {
                (Ok(start), Ok(end)) => set.blocks.push(Boilerplate {
                    start,
                    end,
                    id: b.id,
                    file: path.to_path_buf(),
                    line,
                    description: b.description,
                    max_lines: b.max_lines,
                    matches: b.matches,
                    keeps: b.keeps,
                }),
                (Err(e), _) | (_, Err(e)) => errors.push(e),
            }
        }
        for outcome in set.examples() {
            if !outcome.passed() {
                let (file, line) = set.origin(&outcome.rule);
                errors.push(RuleError::Invalid {
                    path: file.to_path_buf(),
                    line,
                    rule: outcome.rule.clone(),
                    message: format!(
                        "example {:?} gives {:?}, expected {:?}",
                        outcome.example.input, outcome.actual, outcome.example.output
                    ),
                });
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// Adds the entries of another file. An id defined twice is an error naming both places.
    pub fn extend(&mut self, other: Watermarks) -> Vec<RuleError> {
        let mut errors = Vec::new();
        let mut duplicate = |id: &str, file: &Path, line: usize| {
            if let Some((first, first_line)) = self.origin_of(id) {
                errors.push(RuleError::Invalid {
                    path: file.to_path_buf(),
                    line,
                    rule: id.to_string(),
                    message: format!(
                        "duplicate id: already defined at {}:{first_line}",
                        first.display()
                    ),
                });
                true
            } else {
                false
            }
        };
        let watermarks: Vec<Watermark> = other
            .watermarks
            .into_iter()
            .filter(|w| !duplicate(&w.id, &w.file, w.line))
            .collect();
        let blocks: Vec<Boilerplate> = other
            .blocks
            .into_iter()
            .filter(|b| !duplicate(&b.id, &b.file, b.line))
            .collect();
        self.watermarks.extend(watermarks);
        self.blocks.extend(blocks);
        self.first_parts = OnceLock::new();
        errors
    }

    /// The data file and line of the entry `id`.
    pub fn origin_of(&self, id: &str) -> Option<(PathBuf, usize)> {
        self.watermarks
            .iter()
            .map(|w| (&w.id, &w.file, w.line))
            .chain(self.blocks.iter().map(|b| (&b.id, &b.file, b.line)))
            .find(|(i, _, _)| *i == id)
            .map(|(_, f, l)| (f.clone(), l))
    }

    /// The file and line of the entry that an example outcome names (`watermark/ID`).
    fn origin(&self, rule: &str) -> (PathBuf, usize) {
        let id = rule.trim_start_matches(EXAMPLE_PREFIX);
        self.origin_of(id).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.watermarks.is_empty() && self.blocks.is_empty()
    }

    /// Every entry's examples, each run on the entry alone (the recurrence count is not part of
    /// an example): a `matches` text must be recognised whole (nothing but whitespace left once
    /// the found spans are cut out, written as the output `""`), a `keeps` text not at all (the
    /// output is the input). Checked at load time and printed by `rules test`.
    pub fn examples(&self) -> Vec<ExampleOutcome> {
        let mut outcomes = Vec::new();
        for w in &self.watermarks {
            let alone = Watermarks {
                watermarks: vec![Watermark {
                    min_count: 1,
                    ..w.clone()
                }],
                ..Default::default()
            };
            outcomes.extend(alone.outcomes(&w.id, &w.matches, &w.keeps));
        }
        for b in &self.blocks {
            let alone = Watermarks {
                blocks: vec![b.clone()],
                ..Default::default()
            };
            outcomes.extend(alone.outcomes(&b.id, &b.matches, &b.keeps));
        }
        outcomes
    }

    fn outcomes(&self, id: &str, matches: &[String], keeps: &[String]) -> Vec<ExampleOutcome> {
        let removed = |input: &str| {
            let mut rest = String::with_capacity(input.len());
            let mut at = 0;
            for found in self.find(input) {
                rest.push_str(&input[at..found.span.start.max(at)]);
                at = at.max(found.span.end);
            }
            rest.push_str(&input[at.min(input.len())..]);
            if rest.trim().is_empty() {
                String::new()
            } else {
                rest
            }
        };
        let matching = matches.iter().map(|m| (m, String::new()));
        let keeping = keeps.iter().map(|k| (k, k.clone()));
        matching
            .chain(keeping)
            .enumerate()
            .map(|(index, (input, output))| ExampleOutcome {
                rule: format!("{EXAMPLE_PREFIX}{id}"),
                index,
                actual: removed(input),
                example: Example {
                    input: input.clone(),
                    output,
                },
            })
            .collect()
    }

    /// Every watermark (recurring at least its `min_count` times) and boilerplate block of `text`,
    /// in text order.
    pub fn find(&self, text: &str) -> Vec<Found> {
        self.find_in(text, &layout::pages(text))
    }

    /// [`Watermarks::find`] with the pages of `text` already split.
    pub fn find_in(&self, text: &str, pages: &[PageSpan]) -> Vec<Found> {
        if self.is_empty() {
            return Vec::new();
        }
        // The lines of all pages in one list: borrowed when there is one page (a copy of a long
        // page's lines was 16 bytes a line at the pages stage's peak).
        let lines: std::borrow::Cow<'_, [LineSpan]> = match pages {
            [page] => std::borrow::Cow::Borrowed(&page.lines),
            _ => pages.iter().flat_map(|p| p.lines.iter().copied()).collect(),
        };
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
            if !self.may_start_watermark(line) {
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

    /// Whether the first part of some watermark matches `line` (trimmed).
    fn may_start_watermark(&self, line: &str) -> bool {
        self.first_parts
            .get_or_init(|| {
                let first = self.watermarks.iter().filter_map(|w| w.parts.first());
                regex::RegexSetBuilder::new(first.map(Regex::as_str))
                    .multi_line(true)
                    .size_limit(crate::rules::REGEX_SIZE_LIMIT)
                    .dfa_size_limit(crate::rules::REGEX_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
            .is_none_or(|set| set.is_match(line))
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

    fn bundled() -> Watermarks {
        let (rules, errors) = crate::RuleSet::load(&crate::bundled::sources());
        assert!(errors.is_empty(), "{errors:?}");
        rules.watermarks
    }

    #[test]
    fn the_bundled_file_loads_with_every_example_holding() {
        let all = bundled();
        assert!(!all.watermarks.is_empty() && !all.blocks.is_empty());
        let outcomes = all.examples();
        assert!(outcomes.len() > 20);
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
        assert!(failed.is_empty(), "{failed:?}");
    }

    #[test]
    fn a_failing_example_or_a_huge_pattern_is_refused_with_its_line() {
        let file = "\n[[watermark]]\nid = \"stamp\"\ndescription = \"d\"\nparts = ['^Stamp$']\nmin_count = 2\npage_end = false\nmatches = [\"Stamp\"]\nkeeps = [\"Stamp here\", \"Stamp\"]\n";
        let errors = Watermarks::parse(Path::new("mine.toml"), file).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let message = errors[0].to_string();
        assert!(
            message.starts_with("mine.toml:2: rule `watermark/stamp`"),
            "{message}"
        );
        let huge = file.replace("'^Stamp$'", "'a{100000}'");
        let errors = Watermarks::parse(Path::new("mine.toml"), &huge).unwrap_err();
        assert!(errors[0].to_string().contains("too large"), "{errors:?}");
    }

    #[test]
    fn a_second_file_adds_entries_and_a_duplicate_id_is_named() {
        let mut all = bundled();
        let before = all.watermarks.len();
        let mine = "[[watermark]]\nid = \"pocket-label\"\ndescription = \"d\"\nparts = ['^PROPERTY OF THE TOWN LIBRARY$']\nmin_count = 2\npage_end = false\nmatches = [\"PROPERTY OF THE TOWN LIBRARY\"]\nkeeps = [\"property of the town\"]\n";
        let parsed = Watermarks::parse(Path::new("mine.toml"), mine).unwrap();
        assert!(all.extend(parsed.clone()).is_empty());
        assert_eq!(all.watermarks.len(), before + 1);
        let errors = all.extend(parsed);
        assert!(errors[0].to_string().contains("duplicate id"), "{errors:?}");
        let text = "One.\n\nPROPERTY OF THE TOWN LIBRARY\n\nTwo.\n\nPROPERTY OF THE TOWN LIBRARY\n";
        assert_eq!(all.find(text).len(), 2);
    }

    #[test]
    fn a_watermark_counts_only_when_it_recurs() {
        let set = bundled();
        let once = "A page of text.\n\nby Google\n\nMore text.\n";
        assert!(set.find(once).is_empty());
        let thrice = "Page one.\n\nby Google\n\nPage two.\n\nDigitized by VjOOQ IC\n\nPage three.\n\nDigitized\n\nby Google\n\nby Google\n";
        let found = set.find(thrice);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|f| f.page_end));
    }

    #[test]
    fn the_boilerplate_block_must_open_the_document() {
        let set = bundled();
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
