//! Rendering one cleaned document into its output files. Everything here is built from the
//! [`Cleaned`] result and its [`Change`] records only.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::change::Change;
use crate::document::Document;
use crate::pipeline::Cleaned;
use crate::review::{self, Category, Log, LogDigest};

/// The suffixes of a document's output files, in the order they are written.
pub const OUTPUT_SUFFIXES: [&str; 5] = [
    ".txt",
    ".notes.txt",
    ".changes.jsonl",
    ".report.md",
    ".report.html",
];

/// The output files of a document: (file name, contents). [`write_output`] streams one of
/// them to a writer instead, which is how `clean` writes (a long document's change log need not be
/// held in memory as text).
pub fn render(doc: &Document, cleaned: &Cleaned) -> Vec<(String, String)> {
    OUTPUT_SUFFIXES
        .iter()
        .map(|suffix| {
            let mut bytes = Vec::new();
            write_output(suffix, doc, cleaned, &mut bytes).expect("writing to memory never fails");
            (
                format!("{}{suffix}", doc.name),
                String::from_utf8(bytes).expect("outputs are UTF-8"),
            )
        })
        .collect()
}

/// Writes the output file with `suffix` (one of [`OUTPUT_SUFFIXES`]) of a document to `out`.
pub fn write_output(
    suffix: &str,
    doc: &Document,
    cleaned: &Cleaned,
    out: &mut impl Write,
) -> io::Result<()> {
    match suffix {
        ".txt" | ".notes.txt" | ".changes.jsonl" => {
            // These read no digest: not gathered for them.
            let log = Log {
                digest: &LogDigest::default(),
                records: &cleaned.changes,
            };
            write_output_of(suffix, doc, cleaned, log, cleaned.changes.len(), out)
        }
        _ => {
            let digest = LogDigest::of(&cleaned.changes);
            let log = Log {
                digest: &digest,
                records: &cleaned.changes,
            };
            write_output_of(suffix, doc, cleaned, log, digest.len(), out)
        }
    }
}

/// Like [`write_output`], with the `len` change records of `log` (the result's own `changes` are
/// not read): how `clean` writes a document whose records went to a change log on disk.
pub fn write_output_of(
    suffix: &str,
    doc: &Document,
    cleaned: &Cleaned,
    log: Log<'_>,
    len: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    match suffix {
        ".txt" => out.write_all(cleaned.body.as_bytes()),
        ".notes.txt" => out.write_all(notes(&cleaned.notes).as_bytes()),
        ".changes.jsonl" => {
            // The header first: what `restore` checks its result against.
            serde_json::to_writer(&mut *out, &crate::restore::LogHeader::of(doc))
                .map_err(io::Error::other)?;
            out.write_all(b"\n")?;
            log.records.write_jsonl(len, out)
        }
        ".report.md" => write_report(doc, cleaned, log, out),
        ".report.html" => review::write_review_page_of(doc, cleaned, log, out),
        other => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("no output has the suffix {other}"),
        )),
    }
}

/// The document name of an output file name, if it is one.
pub fn output_stem(file_name: &str) -> Option<&str> {
    // Longest suffixes first: `x.notes.txt` is the notes of `x`, not the body of `x.notes`.
    [
        ".notes.txt",
        ".changes.jsonl",
        ".report.md",
        ".report.html",
        ".txt",
    ]
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
    let mut bytes = Vec::new();
    write_jsonl(changes, &mut bytes).expect("writing to memory never fails");
    String::from_utf8(bytes).expect("JSON is UTF-8")
}

/// Writes each change as one line of JSON, as the change log holds it.
pub fn write_jsonl(changes: &[Change], out: &mut dyn Write) -> io::Result<()> {
    let mut line = Vec::new();
    for change in changes {
        jsonl_line(change, &mut line);
        out.write_all(&line)?;
    }
    Ok(())
}

/// One change as a line of the change log, in `line` (cleared first): serialised into memory and
/// written whole, not piece by piece through a writer.
pub fn jsonl_line(change: &Change, line: &mut Vec<u8>) {
    line.clear();
    serde_json::to_writer(&mut *line, change).expect("a change serialises to memory");
    line.push(b'\n');
}

/// `text` as inline Markdown code, escaped so that line ends, tabs and invisible characters show.
#[cfg(test)]
fn code(text: &str) -> String {
    let mut out = String::new();
    write_code(&mut out, text, &mut String::new()).expect("writing to a string never fails");
    out
}

/// Writes [`code`] of `text` to `out`; `scratch` is reused for the escaped form.
fn write_code(
    out: &mut impl std::fmt::Write,
    text: &str,
    scratch: &mut String,
) -> std::fmt::Result {
    scratch.clear();
    write!(scratch, "{text:?}")?;
    let shown = &scratch[1..scratch.len() - 1];
    if shown.is_empty() {
        return out.write_str("∅");
    }
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let pad = if shown.starts_with('`') || shown.ends_with('`') {
        " "
    } else {
        ""
    };
    for _ in 0..=longest {
        out.write_char('`')?;
    }
    out.write_str(pad)?;
    out.write_str(shown)?;
    out.write_str(pad)?;
    for _ in 0..=longest {
        out.write_char('`')?;
    }
    Ok(())
}

/// One change as a line of the report (without the list marker).
fn change_line<'a>(c: &Change, line: &'a mut String, scratch: &mut String) -> &'a str {
    line.clear();
    let _ = write!(line, "line {}, col {}: ", c.raw.line, c.raw.column);
    let _ = write_code(line, &c.before, scratch);
    line.push_str(" → ");
    let _ = write_code(line, &c.after, scratch);
    let _ = write!(line, " `{}` ({:.2}; {})", c.rule, c.confidence, c.evidence);
    line
}

fn page_heading(doc: &Document, page: usize, physical: u32) -> String {
    match doc.page_label(physical as usize) {
        Some(file) => format!("Page {page} ({file})"),
        None => format!("Page {page}"),
    }
}

/// The human report: summary, then the changes that alter what the text says, the spots flagged
/// for review, furniture, notes and structure; routine changes (line joins, whitespace) as counts
/// per rule only. Sections and categories are those of [`crate::review`].
pub fn report(doc: &Document, cleaned: &Cleaned) -> String {
    let mut bytes = Vec::new();
    write_output(".report.md", doc, cleaned, &mut bytes).expect("writing to memory never fails");
    String::from_utf8(bytes).expect("the report is UTF-8")
}

/// Writes the report of the records of `log` (the result's own `changes` are not read).
pub fn write_report(
    doc: &Document,
    cleaned: &Cleaned,
    log: Log<'_>,
    out: &mut impl Write,
) -> io::Result<()> {
    // Buffers for one report line, reused for every change.
    let (mut line, mut scratch) = (String::new(), String::new());
    let digest = log.digest;
    let starts = digest.page_starts(doc);
    let page = |i: usize| review::page_of(&starts, digest.range(i).start);
    let counts = digest.counts();
    let applied = |cat: Category| counts.applied.get(&cat).copied().unwrap_or(0);
    let physical = doc.pages().len();
    writeln!(out, "# ocrclean report: {}\n", doc.name)?;
    write!(
        out,
        "- input: {} bytes, {} page(s)",
        doc.raw.len(),
        starts.len()
    )?;
    if starts.len() > physical {
        write!(
            out,
            " ({} page break(s) inferred from the layout)",
            starts.len() - physical
        )?;
    }
    writeln!(
        out,
        ", language: {}",
        cleaned.language.as_deref().unwrap_or("unknown")
    )?;
    if let Some(note) = &doc.encoding_note {
        writeln!(out, "- encoding: {note}")?;
    } else if doc.encoding != crate::decode::Encoding::Utf8 {
        writeln!(out, "- encoding: read as {}", doc.encoding.label())?;
    }
    if !doc.page_files.is_empty() {
        writeln!(
            out,
            "- page files, in page order: {}",
            doc.page_files.join(", ")
        )?;
    }
    writeln!(
        out,
        "- output: {} paragraph(s), {} note(s)",
        cleaned.body.lines().filter(|l| !l.is_empty()).count(),
        cleaned.notes.len()
    )?;
    writeln!(
        out,
        "- changes: {} to words, {} to structure, {} page furniture removed, {} for notes, {} routine (line joins, whitespace); {} flagged for review",
        applied(Category::Words),
        applied(Category::Structure),
        applied(Category::Furniture),
        applied(Category::Notes),
        applied(Category::Whitespace),
        counts.flagged
    )?;
    out.write_all(
        "- legend: `∅` is nothing (an insertion or a deletion), `\\n` a line end, `\\u{c}` a page break; \
         line and column are those of the raw file (of the page file, for a page folder)\n\n"
            .as_bytes(),
    )?;

    writeln!(out, "## Changes to words\n")?;
    let words = digest.listed(Category::Words);
    if words.is_empty() {
        out.write_all(b"None.\n\n")?;
    }
    let mut by_page: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in words {
        by_page.entry(page(i)).or_default().push(i);
    }
    for (p, mut list) in by_page {
        list.sort_by_key(|&i| {
            let range = digest.range(i);
            (range.start, range.end)
        });
        let first = log.records.get(list[0])?;
        writeln!(out, "### {}\n", page_heading(doc, p, first.raw.page))?;
        for i in list {
            let c = log.records.get(i)?;
            writeln!(out, "- {}", change_line(&c, &mut line, &mut scratch))?;
        }
        out.write_all(b"\n")?;
    }
    let sections = [
        ("Flagged for review", digest.flagged()),
        ("Removed page furniture", digest.listed(Category::Furniture)),
        (
            "Notes: moved text, marks and references",
            digest.listed(Category::Notes),
        ),
        (
            "Structure: paragraph and page breaks",
            digest.listed(Category::Structure),
        ),
    ];
    for (heading, list) in sections {
        write_listed(out, heading, list, log, &page, &mut line, &mut scratch)?;
        out.write_all(b"\n")?;
    }

    out.write_all("## Routine changes (counted, not listed)\n\n".as_bytes())?;
    let routine = digest.routine();
    if routine.is_empty() {
        out.write_all(b"None.\n\n")?;
    } else {
        out.write_all("| rule | applied |\n|---|---:|\n".as_bytes())?;
        for (rule, n) in routine {
            writeln!(out, "| `{rule}` | {n} |")?;
        }
        out.write_all(b"\n")?;
    }

    out.write_all("## Changes per rule\n\n".as_bytes())?;
    if digest.is_empty() {
        out.write_all("No changes.\n".as_bytes())?;
    } else {
        out.write_all("| rule | pass | applied | flagged |\n|---|---|---:|---:|\n".as_bytes())?;
        for (rule, pass, (a, f)) in digest.per_rule() {
            writeln!(out, "| `{rule}` | {pass} | {a} | {f} |")?;
        }
    }
    Ok(())
}

/// A section of the report that lists changes with their page, or `None.`
fn write_listed(
    out: &mut impl Write,
    heading: &str,
    list: &[usize],
    log: Log<'_>,
    page: &impl Fn(usize) -> usize,
    line: &mut String,
    scratch: &mut String,
) -> io::Result<()> {
    writeln!(out, "## {heading}\n")?;
    if list.is_empty() {
        out.write_all(b"None.\n")?;
    }
    for &i in list {
        let c = log.records.get(i)?;
        writeln!(
            out,
            "- page {}, {}",
            page(i),
            change_line(&c, line, scratch)
        )?;
    }
    Ok(())
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
