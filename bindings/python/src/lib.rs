//! The Python module `ocrclean._ocrclean`: the engine of the `ocrclean` crate, called from Python.
//!
//! A [`Cleaner`] loads and checks the rules once and is then shared: it is immutable, so any number
//! of Python threads may call it at once, and it releases the interpreter lock while it loads rules
//! and cleans, so those threads really run in parallel. Its results are the same records the
//! command line writes: the body, the notes and the change log, as Python objects and as the exact
//! text of `NAME.txt`, `NAME.notes.txt` and `NAME.changes.jsonl`.
//!
//! Errors are Python exceptions carrying the message the command line prints for the same problem,
//! with the Python parameter in place of the flag (`lang='xx'` for `--lang xx`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ocrclean::pipeline::DEFAULT_MIN_CONFIDENCE;
use ocrclean::rules::read_rules_dir;
use ocrclean::{ChangeKind, Config, DecodeError as EngineDecodeError, Document, RuleSet, bundled};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt, PyString};
use serde_json::Value;

create_exception!(
    _ocrclean,
    OcrcleanError,
    PyException,
    "Base class of the errors of ocrclean."
);
create_exception!(
    _ocrclean,
    RuleError,
    OcrcleanError,
    "A rules folder that cannot be loaded: a file that does not parse, a regex that does not compile, a duplicate id or a failing example. The message names the file, the line and the rule."
);
create_exception!(
    _ocrclean,
    DecodeError,
    OcrcleanError,
    "Bytes given to clean that are not valid UTF-8 (and lossy decoding is off). The message names the line and the byte offset."
);

/// A document's text as Python gives it: `str`, or `bytes` decoded as UTF-8 like a file.
#[derive(FromPyObject)]
enum TextArg {
    Str(String),
    Bytes(Vec<u8>),
}

impl TextArg {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            TextArg::Str(s) => s.into_bytes(),
            TextArg::Bytes(b) => b,
        }
    }
}

/// Cleans documents with one set of rules and options, loaded once.
///
/// Cleaner(*, rules=None, lang=None, min_confidence=0.6, disable=(), lossy=False)
///
/// - rules: None for the bundled rules (the repository's `rules/`, compiled in); a folder, or a
///   list of folders, whose files are added to them, a file replacing the bundled one of the same
///   name (as the command line's `--rules`).
/// - lang: "en", "de" or "fr"; None detects the language per document.
/// - min_confidence: changes less sure than this are listed for review instead of applied.
/// - disable: rule ids (built-in or data) switched off.
/// - lossy: decode bytes that are not UTF-8 with U+FFFD (recorded) instead of raising DecodeError.
///
/// A Cleaner is immutable and safe to share between threads; it releases the GIL while it cleans.
#[pyclass(frozen, module = "ocrclean")]
struct Cleaner {
    inner: ocrclean::Cleaner,
    lang: Option<String>,
    min_confidence: f64,
}

/// The `lang` argument checked as the command line checks `--lang`.
fn check_language(lang: Option<&str>) -> PyResult<()> {
    if let Some(lang) = lang
        && !ocrclean::lang::known_languages().any(|l| l == lang)
    {
        return Err(PyValueError::new_err(format!(
            "lang='{lang}': unknown language (known: {})",
            ocrclean::lang::known_languages()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(())
}

/// `rules` as Python gives it: one folder, or several (later ones win).
#[derive(FromPyObject)]
enum RulesArg {
    One(PathBuf),
    Layers(Vec<PathBuf>),
}

/// The bundled rules (compiled into the module from the repository's `rules/`), with the files of
/// each given folder added, a file replacing the bundled one of the same name: what the command
/// line loads for `--rules`. Every problem is listed in the error, as the command line prints them.
fn load_rules(folders: &[PathBuf]) -> PyResult<RuleSet> {
    let mut layers = Vec::with_capacity(folders.len());
    for dir in folders {
        layers.push(read_rules_dir(dir).map_err(|e| RuleError::new_err(e.to_string()))?);
    }
    let sources = bundled::overlay(bundled::sources(), layers);
    let (rules, errors) = RuleSet::load(&sources);
    if errors.is_empty() {
        return Ok(rules);
    }
    let mut message: Vec<String> = errors.iter().map(|e| format!("error: {e}")).collect();
    let folders: Vec<String> = folders.iter().map(|f| f.display().to_string()).collect();
    message.push(format!(
        "{} problem(s) in the rule files of {}",
        errors.len(),
        if folders.is_empty() {
            bundled::ORIGIN.to_string()
        } else {
            folders.join(", ")
        }
    ));
    Err(RuleError::new_err(message.join("\n")))
}

/// The decode error located by line (and page, for a page list), like the command line's.
fn decode_error(doc: &Document, e: &EngineDecodeError, paged: bool) -> PyErr {
    let pos = doc.position(e.offset);
    let page = &doc.pages()[pos.page - 1];
    let place = if paged {
        format!(
            "page {}, line {}: not valid UTF-8 at byte {}",
            pos.page,
            pos.line,
            e.offset - page.span.start
        )
    } else {
        format!("line {}: not valid UTF-8 at byte {}", pos.line, e.offset)
    };
    DecodeError::new_err(format!("{place} (lossy=True decodes it with U+FFFD)"))
}

impl Cleaner {
    fn run(&self, py: Python<'_>, doc: Document, paged: bool) -> PyResult<Cleaned> {
        match py.detach(|| self.inner.clean(&doc)) {
            Ok(cleaned) => Ok(Cleaned {
                header: ocrclean::LogHeader::of(&doc),
                body: cleaned.body,
                notes: cleaned.notes,
                changes: cleaned.changes,
                language: cleaned.language,
            }),
            Err(e) => Err(decode_error(&doc, &e, paged)),
        }
    }
}

#[pymethods]
impl Cleaner {
    #[new]
    #[pyo3(signature = (*, rules=None, lang=None, min_confidence=DEFAULT_MIN_CONFIDENCE, disable=Vec::new(), lossy=false))]
    fn new(
        py: Python<'_>,
        rules: Option<RulesArg>,
        lang: Option<String>,
        min_confidence: f64,
        disable: Vec<String>,
        lossy: bool,
    ) -> PyResult<Self> {
        check_language(lang.as_deref())?;
        if !(0.0..=1.0).contains(&min_confidence) {
            return Err(PyValueError::new_err(format!(
                "min_confidence={min_confidence}: must be between 0 and 1"
            )));
        }
        let folders = match rules {
            None => Vec::new(),
            Some(RulesArg::One(dir)) => vec![dir],
            Some(RulesArg::Layers(dirs)) => dirs,
        };
        // Loading parses the lexicons (megabytes): other Python threads go on meanwhile.
        let rules = py.detach(|| load_rules(&folders))?;
        let config = Config {
            language: lang.clone(),
            disabled: disable.iter().cloned().collect(),
            min_confidence,
            lossy,
        };
        let inner = ocrclean::Cleaner::new(rules, config);
        let known: BTreeSet<&str> = inner
            .passes()
            .iter()
            .flat_map(|p| p.builtin_rules().iter().map(|r| r.id))
            .chain(inner.rules().rules.iter().map(|r| r.id.as_str()))
            .collect();
        if let Some(id) = disable.iter().find(|id| !known.contains(id.as_str())) {
            return Err(PyValueError::new_err(format!(
                "disable=['{id}']: no such rule (see `ocrclean rules list`)"
            )));
        }
        Ok(Self {
            inner,
            lang,
            min_confidence,
        })
    }

    /// Cleans one document: `text` is its raw OCR text (`str`, or `bytes` read from a file);
    /// form feeds in it are page breaks. Returns a Cleaned.
    fn clean(&self, py: Python<'_>, text: TextArg) -> PyResult<Cleaned> {
        self.run(
            py,
            Document::from_bytes("document", text.into_bytes()),
            false,
        )
    }

    /// Cleans one document made of pages (the files of a page folder, in order): they are joined by
    /// form feeds, exactly as `ocrclean clean` joins a page folder. Returns a Cleaned.
    fn clean_pages(&self, py: Python<'_>, pages: Vec<TextArg>) -> PyResult<Cleaned> {
        let pages = pages
            .into_iter()
            .enumerate()
            .map(|(i, page)| (format!("{}", i + 1), page.into_bytes()))
            .collect();
        self.run(py, Document::from_pages("document", pages), true)
    }

    /// Every rule id this cleaner knows: the built-in rules of the passes, then the data rules.
    fn rule_ids(&self) -> Vec<String> {
        self.inner
            .passes()
            .iter()
            .flat_map(|p| p.builtin_rules().iter().map(|r| r.id.to_string()))
            .chain(self.inner.rules().rules.iter().map(|r| r.id.clone()))
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Cleaner({} data rules, lang={:?}, min_confidence={})",
            self.inner.rules().rules.len(),
            self.lang,
            self.min_confidence
        )
    }
}

/// What cleaning one document produced: the body, the notes and the change records.
#[pyclass(frozen, module = "ocrclean")]
struct Cleaned {
    /// The change log's first line: the raw input's hash, length and encoding.
    header: ocrclean::LogHeader,
    body: String,
    notes: Vec<String>,
    changes: Vec<ocrclean::Change>,
    language: Option<String>,
}

/// A Python id (None, bool, int, float or str) as JSON.
fn json_id(id: &Bound<'_, PyAny>) -> PyResult<Value> {
    if id.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = id.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if id.cast::<PyInt>().is_ok() {
        if let Ok(n) = id.extract::<i64>() {
            Ok(Value::from(n))
        } else {
            Ok(Value::from(id.extract::<u64>()?))
        }
    } else if let Ok(f) = id.cast::<PyFloat>() {
        serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("id: a float id must be finite"))
    } else if id.cast::<PyString>().is_ok() {
        Ok(Value::String(id.extract::<String>()?))
    } else {
        Err(PyTypeError::new_err(
            "id: must be None, a bool, an int, a float or a str",
        ))
    }
}

#[pymethods]
impl Cleaned {
    /// The cleaned body: the text of NAME.txt.
    #[getter]
    fn body(&self) -> &str {
        &self.body
    }

    /// The footnotes in order, each without its `[^N]: ` prefix.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// The notes as the text of NAME.notes.txt (`[^N]: text`, one per paragraph).
    #[getter]
    fn notes_text(&self) -> String {
        ocrclean::render::notes(&self.notes)
    }

    /// The change records in pipeline order (a new list of Change objects at each access).
    #[getter]
    fn changes(&self) -> Vec<Change> {
        self.changes
            .iter()
            .map(|c| Change { inner: c.clone() })
            .collect()
    }

    /// The change log as the text of NAME.changes.jsonl: its header line (the raw input's SHA-256,
    /// length and encoding, which `ocrclean restore` checks), then one JSON object per change.
    #[getter]
    fn changes_jsonl(&self) -> String {
        let header = serde_json::to_string(&self.header).unwrap_or_default();
        format!("{header}\n{}", ocrclean::render::jsonl(&self.changes))
    }

    /// The language the document was cleaned as ("en", "de", "fr"), or None when undetected.
    #[getter]
    fn language(&self) -> Option<&str> {
        self.language.as_deref()
    }

    /// Per rule: (changes applied, changes not applied, i.e. listed for review), sorted by rule id.
    fn rule_counts(&self) -> BTreeMap<String, (usize, usize)> {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for change in &self.changes {
            let entry = counts.entry(change.rule.to_string()).or_default();
            if change.applied {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        counts
    }

    /// The line `ocrclean clean --jsonl -` writes for this document (without its line end):
    /// `{"id", "body", "notes", "changes"}`.
    #[pyo3(signature = (id=None))]
    fn to_json(&self, id: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let id = match id {
            Some(id) => json_id(id)?,
            None => Value::Null,
        };
        let mut out = Vec::new();
        ocrclean::stream::write_output_parts(&id, &self.body, &self.notes, &self.changes, &mut out)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        out.pop();
        String::from_utf8(out).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        format!(
            "Cleaned({} bytes of body, {} notes, {} changes, language={:?})",
            self.body.len(),
            self.notes.len(),
            self.changes.len(),
            self.language
        )
    }
}

/// One recorded change: the rule that made it, where it lies in the raw input, what was there
/// before and after, how sure the rule was, and why.
#[pyclass(frozen, module = "ocrclean")]
struct Change {
    inner: ocrclean::Change,
}

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Edit => "edit",
        ChangeKind::Furniture => "furniture",
        ChangeKind::Note => "note",
        ChangeKind::Review => "review",
    }
}

#[pymethods]
impl Change {
    /// The rule id, such as "normalise.crlf".
    #[getter]
    fn rule(&self) -> &str {
        &self.inner.rule
    }
    /// The pass that made the change (`pass` is a Python keyword).
    #[getter]
    fn pass_(&self) -> &str {
        &self.inner.pass
    }
    /// "edit", "furniture", "note" or "review".
    #[getter]
    fn kind(&self) -> &'static str {
        kind_name(self.inner.kind)
    }
    /// False for review flags and for edits refused because they overlapped another.
    #[getter]
    fn applied(&self) -> bool {
        self.inner.applied
    }
    /// 1-based page of the raw input (for a page list: the n-th page).
    #[getter]
    fn page(&self) -> u32 {
        self.inner.raw.page
    }
    /// 1-based line within the page.
    #[getter]
    fn line(&self) -> u32 {
        self.inner.raw.line
    }
    /// 1-based column, in characters.
    #[getter]
    fn column(&self) -> u32 {
        self.inner.raw.column
    }
    /// Start of the byte range in the raw input (UTF-8 bytes).
    #[getter]
    fn start(&self) -> usize {
        self.inner.raw.start
    }
    /// End of the byte range in the raw input.
    #[getter]
    fn end(&self) -> usize {
        self.inner.raw.end
    }
    #[getter]
    fn before(&self) -> &str {
        &self.inner.before
    }
    #[getter]
    fn after(&self) -> &str {
        &self.inner.after
    }
    /// How sure the rule was, from 0 to 1.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inner.confidence
    }
    /// A short reason a person can check.
    #[getter]
    fn evidence(&self) -> &str {
        &self.inner.evidence
    }
    /// Byte offset of `before` in the text the pass was given (for replaying the log).
    #[getter]
    fn at(&self) -> usize {
        self.inner.at
    }
    /// The note whose text the change was made in; None for the body.
    #[getter]
    fn in_note(&self) -> Option<u32> {
        self.inner.in_note
    }
    /// For text moved out of the body: the note it went to.
    #[getter]
    fn to_note(&self) -> Option<u32> {
        self.inner.to_note
    }
    /// For a lossy decoding: the raw bytes that U+FFFD stands for.
    #[getter]
    fn invalid_bytes<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner
            .invalid_bytes
            .as_deref()
            .map(|b| PyBytes::new(py, b))
    }

    /// This change as its line of NAME.changes.jsonl (without the line end).
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __repr__(&self) -> String {
        let shown = |s: &str| -> String {
            let s: Cow<'_, str> = if s.chars().count() > 40 {
                Cow::Owned(s.chars().take(40).collect::<String>() + "…")
            } else {
                Cow::Borrowed(s)
            };
            format!("{s:?}")
        };
        format!(
            "Change({}, {} at page {} line {} col {}: {} -> {}{})",
            self.inner.rule,
            kind_name(self.inner.kind),
            self.inner.raw.page,
            self.inner.raw.line,
            self.inner.raw.column,
            shown(&self.inner.before),
            shown(&self.inner.after),
            if self.inner.applied {
                ""
            } else {
                ", not applied"
            }
        )
    }
}

/// The Rust engine of ocrclean. Use the `ocrclean` package, which re-exports these names.
#[pymodule]
fn _ocrclean(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Cleaner>()?;
    m.add_class::<Cleaned>()?;
    m.add_class::<Change>()?;
    m.add("OcrcleanError", py.get_type::<OcrcleanError>())?;
    m.add("RuleError", py.get_type::<RuleError>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("DEFAULT_MIN_CONFIDENCE", DEFAULT_MIN_CONFIDENCE)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
