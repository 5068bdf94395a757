//! Rendering one cleaned document into its four output files. Everything here is built from the
//! [`Cleaned`] result and its [`Change`] records only.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::change::{Change, ChangeKind};
use crate::document::Document;
use crate::pipeline::Cleaned;

/// The suffixes of a document's output files, in the order they are written.
pub const OUTPUT_SUFFIXES: [&str; 4] = [".txt", ".notes.txt", ".changes.jsonl", ".report.md"];

/// The four output files of a document: (file name, contents).
pub fn render(doc: &Document, cleaned: &Cleaned) -> Vec<(String, String)> {
    vec![
        (format!("{}.txt", doc.name), cleaned.body.clone()),
        (format!("{}.notes.txt", doc.name), notes(&cleaned.notes)),
        (
            format!("{}.changes.jsonl", doc.name),
            jsonl(&cleaned.changes),
        ),
        (format!("{}.report.md", doc.name), report(doc, cleaned)),
    ]
}

/// The document name of an output file name, if it is one.
pub fn output_stem(file_name: &str) -> Option<&str> {
    // Longest suffixes first: `x.notes.txt` is the notes of `x`, not the body of `x.notes`.
    [".notes.txt", ".changes.jsonl", ".report.md", ".txt"]
        .iter()
        .find_map(|s| file_name.strip_suffix(s))
        .filter(|stem| !stem.is_empty())
}

/// Footnotes as `[^N]: text`, one per paragraph.
pub fn notes(notes: &[String]) -> String {
    let mut out = String::new();
    for (i, note) in notes.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "[^{}]: {}", i + 1, note);
    }
    out
}

/// One JSON object per change and per line.
pub fn jsonl(changes: &[Change]) -> String {
    let mut out = String::new();
    for change in changes {
        out.push_str(&serde_json::to_string(change).expect("a change always serialises"));
        out.push('\n');
    }
    out
}

/// `text` as inline Markdown code, escaped so that line ends, tabs and invisible characters show.
fn code(text: &str) -> String {
    let shown = format!("{text:?}");
    let shown = &shown[1..shown.len() - 1];
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if shown.is_empty() {
        "∅".to_string()
    } else if shown.starts_with('`') || shown.ends_with('`') {
        format!("{fence} {shown} {fence}")
    } else {
        format!("{fence}{shown}{fence}")
    }
}

fn change_line(c: &Change) -> String {
    format!(
        "line {}, col {}: {} → {} `{}` ({:.2}; {})",
        c.raw.line,
        c.raw.column,
        code(&c.before),
        code(&c.after),
        c.rule,
        c.confidence,
        c.evidence
    )
}

fn page_heading(doc: &Document, page: usize) -> String {
    match doc.page_label(page) {
        Some(file) => format!("Page {page} ({file})"),
        None => format!("Page {page}"),
    }
}

/// The human report: summary, counts per rule, changes by page, review flags, removed furniture.
pub fn report(doc: &Document, cleaned: &Cleaned) -> String {
    let changes = &cleaned.changes;
    let applied = |k: ChangeKind| changes.iter().filter(|c| c.applied && c.kind == k).count();
    let review: Vec<&Change> = changes.iter().filter(|c| !c.applied).collect();
    let mut out = String::new();
    let _ = writeln!(out, "# ocrclean report: {}\n", doc.name);
    let _ = writeln!(
        out,
        "- input: {} bytes, {} page(s), language: {}",
        doc.raw.len(),
        doc.pages().len(),
        cleaned.language.as_deref().unwrap_or("unknown")
    );
    if !doc.page_files.is_empty() {
        let _ = writeln!(
            out,
            "- page files, in page order: {}",
            doc.page_files.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "- output: {} paragraph(s), {} note(s)",
        cleaned.body.lines().filter(|l| !l.is_empty()).count(),
        cleaned.notes.len()
    );
    let _ = writeln!(
        out,
        "- changes applied: {}; moved to notes: {}; page furniture removed: {}; flagged for review: {}\n",
        applied(ChangeKind::Edit),
        applied(ChangeKind::Note),
        applied(ChangeKind::Furniture),
        review.len()
    );

    out.push_str("## Changes per rule\n\n");
    let mut per_rule: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for c in changes {
        let entry = per_rule.entry((&c.rule, &c.pass)).or_default();
        if c.applied {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
    }
    if per_rule.is_empty() {
        out.push_str("No changes.\n\n");
    } else {
        out.push_str("| rule | pass | applied | flagged |\n|---|---|---:|---:|\n");
        for ((rule, pass), (a, f)) in &per_rule {
            let _ = writeln!(out, "| `{rule}` | {pass} | {a} | {f} |");
        }
        out.push('\n');
    }

    out.push_str("## Changes by page\n\n");
    let mut by_page: BTreeMap<usize, Vec<&Change>> = BTreeMap::new();
    for c in changes
        .iter()
        .filter(|c| c.applied && c.kind != ChangeKind::Furniture)
    {
        by_page.entry(c.raw.page).or_default().push(c);
    }
    if by_page.is_empty() {
        out.push_str("None.\n\n");
    }
    for (page, mut list) in by_page {
        list.sort_by_key(|c| (c.raw.start, c.raw.end));
        let _ = writeln!(out, "### {}\n", page_heading(doc, page));
        for c in list {
            let _ = writeln!(out, "- {}", change_line(c));
        }
        out.push('\n');
    }

    out.push_str("## Flagged for review\n\n");
    if review.is_empty() {
        out.push_str("None.\n\n");
    }
    for c in &review {
        let _ = writeln!(out, "- page {}, {}", c.raw.page, change_line(c));
    }
    if !review.is_empty() {
        out.push('\n');
    }

    out.push_str("## Removed page furniture\n\n");
    let furniture: Vec<&Change> = changes
        .iter()
        .filter(|c| c.applied && c.kind == ChangeKind::Furniture)
        .collect();
    if furniture.is_empty() {
        out.push_str("None.\n");
    }
    for c in furniture {
        let _ = writeln!(out, "- page {}, {}", c.raw.page, change_line(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_shows_invisible_characters_and_survives_backticks() {
        assert_eq!(code("\r\n"), "`\\r\\n`");
        assert_eq!(code(""), "∅");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn notes_are_numbered_paragraphs() {
        assert_eq!(
            notes(&["One.".into(), "Two.".into()]),
            "[^1]: One.\n\n[^2]: Two.\n"
        );
        assert_eq!(notes(&[]), "");
    }

    #[test]
    fn output_stems_prefer_the_longest_suffix() {
        assert_eq!(output_stem("a.notes.txt"), Some("a"));
        assert_eq!(output_stem("a.txt"), Some("a"));
        assert_eq!(output_stem("a.md"), None);
    }
}
