//! `summary.json` of a batch (what a data engineer reads: documents, pages, changes per rule,
//! flags, errors) and the batch's `index.html` of review pages. Both are deterministic: sorted,
//! no timings, so that they can be committed beside the outputs.

use std::collections::BTreeMap;

use ocrclean::Document;
use ocrclean::review::{self, Category, IndexEntry, LogDigest};
use serde::Serialize;

/// One document's line of the summary.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    pub name: String,
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub pages: usize,
    pub bytes: usize,
    /// Applied changes per category (words, structure, furniture, notes, whitespace).
    pub changes: BTreeMap<&'static str, usize>,
    pub flagged: usize,
    /// Changes per rule: applied and flagged.
    pub rules: BTreeMap<String, RuleCount>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RuleCount {
    pub applied: usize,
    pub flagged: usize,
}

impl DocumentSummary {
    pub fn new(input: &str, doc: &Document, digest: &LogDigest) -> Self {
        let counts = digest.counts();
        let rules = digest
            .rules()
            .map(|rule| {
                let (applied, flagged) = digest.of_rule(rule);
                (rule.to_string(), RuleCount { applied, flagged })
            })
            .collect();
        Self {
            name: doc.name.clone(),
            input: input.to_string(),
            error: None,
            pages: digest.page_starts(doc).len(),
            bytes: doc.raw.len(),
            changes: Category::ALL
                .iter()
                .map(|c| (c.name(), counts.applied.get(c).copied().unwrap_or(0)))
                .collect(),
            flagged: counts.flagged,
            rules,
        }
    }

    pub fn failed(name: &str, input: &str, error: &anyhow::Error) -> Self {
        Self {
            name: name.to_string(),
            input: input.to_string(),
            error: Some(format!("{error:#}")),
            pages: 0,
            bytes: 0,
            changes: BTreeMap::new(),
            flagged: 0,
            rules: BTreeMap::new(),
        }
    }
}

/// The batch's `summary.json`: totals, changes per rule over the batch, and each document.
pub fn summary_json(documents: &[DocumentSummary], other_errors: &[String]) -> String {
    let mut rules: BTreeMap<&str, RuleCount> = BTreeMap::new();
    let mut changes: BTreeMap<&str, usize> = BTreeMap::new();
    for d in documents {
        for (rule, n) in &d.rules {
            let entry = rules.entry(rule).or_default();
            entry.applied += n.applied;
            entry.flagged += n.flagged;
        }
        for (cat, n) in &d.changes {
            *changes.entry(cat).or_default() += n;
        }
    }
    let ok = documents.iter().filter(|d| d.error.is_none());
    let json = serde_json::json!({
        "documents": documents.len(),
        "cleaned": ok.clone().count(),
        "pages": ok.clone().map(|d| d.pages).sum::<usize>(),
        "bytes": ok.clone().map(|d| d.bytes).sum::<usize>(),
        "changes": changes,
        "flagged": ok.map(|d| d.flagged).sum::<usize>(),
        "errors": documents.iter().filter(|d| d.error.is_some()).count() + other_errors.len(),
        "changes_per_rule": rules,
        "other_errors": other_errors,
        "per_document": documents,
    });
    let mut text = serde_json::to_string_pretty(&json).expect("JSON values always serialise");
    text.push('\n');
    text
}

/// The batch's `index.html`.
pub fn index_html(documents: &[DocumentSummary]) -> String {
    let entries: Vec<IndexEntry> = documents
        .iter()
        .map(|d| IndexEntry {
            name: d.name.clone(),
            pages: d.pages,
            counts: review::Counts {
                applied: Category::ALL
                    .iter()
                    .map(|c| (*c, d.changes.get(c.name()).copied().unwrap_or(0)))
                    .collect(),
                flagged: d.flagged,
            },
            error: d.error.clone(),
        })
        .collect();
    review::index_page(&entries)
}
