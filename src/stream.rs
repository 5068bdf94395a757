//! Documents as JSON lines, for engines that pipe text through a process (Spark's `RDD.pipe`,
//! Hadoop streaming, GNU parallel) and for the Python module.
//!
//! An input line is `{"id": ..., "text": "..."}` (one document; form feeds are page breaks, as in a
//! file) or `{"id": ..., "pages": ["...", ...]}` (a page folder's pages, joined by form feeds as
//! `clean` joins a page folder's files). The id is any JSON value and is handed back untouched.
//!
//! An output line is `{"id", "body", "notes", "changes"}`: `body` is the text of `NAME.txt`,
//! `notes` the text of `NAME.notes.txt`, and `changes` an array whose elements are, byte for byte,
//! the lines of `NAME.changes.jsonl`. A line that cannot be cleaned becomes `{"id", "error"}`.
//!
//! Here are only the record formats; reading standard input and writing standard output is the
//! binary's (`ocrclean clean --jsonl -`).

use std::io::{self, Write};

use serde::Deserialize;
use serde_json::Value;

use crate::change::Change;
use crate::document::Document;
use crate::pipeline::Cleaned;
use crate::render;

/// One input line, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord {
    /// The caller's id, any JSON value; `null` when the line has none.
    pub id: Value,
    pub content: Content,
}

/// What a document is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// One text; form feeds in it are page breaks.
    Text(String),
    /// Page texts, in order.
    Pages(Vec<String>),
}

/// The fields an input line may have; anything else is refused, so that a misspelt `"txt"` does
/// not pass as an empty document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    #[serde(default)]
    id: Value,
    text: Option<String>,
    pages: Option<Vec<String>>,
}

/// An input line that is not a document. Carries the id when the line had one that could be read,
/// so the error line can name the document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub id: Value,
    pub message: String,
}

/// Parses one input line.
pub fn parse_input(line: &str) -> Result<InputRecord, InputError> {
    let value: Value = serde_json::from_str(line).map_err(|e| InputError {
        id: Value::Null,
        message: format!("not a JSON document: {e}"),
    })?;
    // The id first, so that an error in the other fields can still be tied to its document.
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let fail = |message: String| InputError {
        id: id.clone(),
        message,
    };
    if !value.is_object() {
        return Err(fail(
            "expected an object {\"id\": ..., \"text\": ...} or {\"id\": ..., \"pages\": [...]}"
                .into(),
        ));
    }
    let raw: RawInput = serde_json::from_value(value).map_err(|e| fail(e.to_string()))?;
    let content = match (raw.text, raw.pages) {
        (Some(text), None) => Content::Text(text),
        (None, Some(pages)) => Content::Pages(pages),
        (Some(_), Some(_)) => return Err(fail("has both \"text\" and \"pages\"".into())),
        (None, None) => return Err(fail("has neither \"text\" nor \"pages\"".into())),
    };
    Ok(InputRecord {
        id: raw.id,
        content,
    })
}

impl Content {
    /// The document to clean. Its name is only used to name output files, which a stream has none
    /// of; pages are named by their number, as the report would show them.
    pub fn into_document(self, name: &str) -> Document {
        match self {
            Content::Text(text) => Document::from_bytes(name, text.into_bytes()),
            Content::Pages(pages) => Document::from_pages(
                name,
                pages
                    .into_iter()
                    .enumerate()
                    .map(|(i, page)| (format!("{}", i + 1), page.into_bytes()))
                    .collect(),
            ),
        }
    }
}

/// Writes the output line of a cleaned document (with its `\n`).
pub fn write_output(id: &Value, cleaned: &Cleaned, out: &mut impl Write) -> io::Result<()> {
    write_output_parts(id, &cleaned.body, &cleaned.notes, &cleaned.changes, out)
}

/// [`write_output`] from the parts of a result (the Python module keeps no source map).
pub fn write_output_parts(
    id: &Value,
    body: &str,
    notes: &[String],
    changes: &[Change],
    out: &mut impl Write,
) -> io::Result<()> {
    out.write_all(b"{\"id\":")?;
    serde_json::to_writer(&mut *out, id).map_err(io::Error::other)?;
    out.write_all(b",\"body\":")?;
    serde_json::to_writer(&mut *out, body).map_err(io::Error::other)?;
    out.write_all(b",\"notes\":")?;
    serde_json::to_writer(&mut *out, &render::notes(notes)).map_err(io::Error::other)?;
    out.write_all(b",\"changes\":[")?;
    for (i, change) in changes.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        // The same serialisation as a line of NAME.changes.jsonl.
        serde_json::to_writer(&mut *out, change).map_err(io::Error::other)?;
    }
    out.write_all(b"]}\n")
}

/// The error line of a document (with its `\n`).
pub fn write_error(id: &Value, message: &str, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\"id\":")?;
    serde_json::to_writer(&mut *out, id).map_err(io::Error::other)?;
    out.write_all(b",\"error\":")?;
    serde_json::to_writer(&mut *out, message).map_err(io::Error::other)?;
    out.write_all(b"}\n")
}

/// A name for the document of `id`: the id itself when it is a string, its JSON otherwise.
pub fn document_name(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Cleaner, Config};
    use crate::rules::RuleSet;

    #[test]
    fn text_and_pages_lines_parse() {
        let r = parse_input(r#"{"id": "a", "text": "x\fy"}"#).unwrap();
        assert_eq!(r.id, Value::from("a"));
        assert_eq!(r.content, Content::Text("x\u{c}y".into()));
        let r = parse_input(r#"{"id": 7, "pages": ["x", "y"]}"#).unwrap();
        assert_eq!(r.id, Value::from(7));
        assert_eq!(r.content, Content::Pages(vec!["x".into(), "y".into()]));
    }

    #[test]
    fn pages_join_like_a_page_folder() {
        let doc = Content::Pages(vec!["a\n".into(), "b\n".into()]).into_document("d");
        assert_eq!(doc.raw, b"a\n\x0cb\n");
        assert_eq!(doc.pages().len(), 2);
    }

    #[test]
    fn bad_lines_are_errors_that_keep_the_id() {
        assert_eq!(parse_input("{").unwrap_err().id, Value::Null);
        let e = parse_input(r#"{"id": "a"}"#).unwrap_err();
        assert_eq!(e.id, Value::from("a"));
        assert!(e.message.contains("neither"), "{}", e.message);
        let e = parse_input(r#"{"id": "a", "text": "x", "pages": []}"#).unwrap_err();
        assert!(e.message.contains("both"), "{}", e.message);
        let e = parse_input(r#"{"id": "a", "txt": "x"}"#).unwrap_err();
        assert_eq!(e.id, Value::from("a"));
        assert!(e.message.contains("txt"), "{}", e.message);
        let e = parse_input(r#"["a"]"#).unwrap_err();
        assert!(e.message.contains("expected an object"), "{}", e.message);
        let e = parse_input(r#"{"id": 1, "text": 3}"#).unwrap_err();
        assert_eq!(e.id, Value::from(1));
    }

    #[test]
    fn output_line_holds_the_files_contents() {
        let cleaner = Cleaner::new(RuleSet::default(), Config::default());
        let doc = Content::Text("One line,\r\nand  another.\r\n".into()).into_document("d");
        let cleaned = cleaner.clean(&doc).unwrap();
        assert!(cleaned.changes.len() >= 2, "{:?}", cleaned.changes);
        let mut out = Vec::new();
        write_output(&Value::from("d"), &cleaned, &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.ends_with("]}\n") && line.matches('\n').count() == 1);
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["id"], "d");
        assert_eq!(value["body"], cleaned.body.as_str());
        assert_eq!(value["notes"], render::notes(&cleaned.notes));
        let jsonl = render::jsonl(&cleaned.changes);
        let logged: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(value["changes"].as_array().unwrap(), &logged);
        // Byte for byte too: each log line stands in the output line as it is.
        for log_line in jsonl.lines() {
            assert!(line.contains(log_line));
        }
    }

    #[test]
    fn error_line() {
        let mut out = Vec::new();
        write_error(&Value::from(3), "boom", &mut out).unwrap();
        assert_eq!(out, b"{\"id\":3,\"error\":\"boom\"}\n");
    }
}
