//! What a person reviews: the changes sorted by what they do to the text, the document's inferred
//! pages, and the HTML review page (`NAME.report.html`) and batch index (`index.html`).
//!
//! Everything is built from the [`Change`] records, like the other outputs. A change's category
//! comes from what it does, not from its rule's name, so that a new rule lands in the right place:
//! - *furniture*: page furniture dropped from the body;
//! - *notes*: text moved into the notes, and note marks and references (the `footnotes` and `notes`
//!   passes);
//! - *whitespace*: only whitespace changes and no paragraph or page break appears or disappears
//!   (line joins, trimmed spaces): routine, hidden by default and counted;
//! - *structure*: only whitespace changes, but a paragraph or page break appears or disappears;
//! - *words*: everything else, the changes that alter what the text says.
//!
//! The review page is one self-contained file (inline CSS and script, no network): each page of
//! the raw input beside the cleaned paragraphs that start on it, every change highlighted in the
//! raw text with its rule, confidence and evidence on hover or focus. Its script reads the
//! address's fragment (`#all`, `#flagged`) to set the filters, and writes how many changes are
//! rendered into `#status`, which is how the browser test in `.ci/run` checks it.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use maud::{DOCTYPE, PreEscaped, Render as _, html};

use crate::change::{Change, ChangeKind};
use crate::document::Document;
use crate::pipeline::Cleaned;

/// What a change does to the text, for the report's sections and the review page's filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Words,
    Structure,
    Furniture,
    Notes,
    Whitespace,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Words,
        Category::Structure,
        Category::Furniture,
        Category::Notes,
        Category::Whitespace,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Words => "words",
            Category::Structure => "structure",
            Category::Furniture => "furniture",
            Category::Notes => "notes",
            Category::Whitespace => "whitespace",
        }
    }

    /// Routine changes are counted, not listed, in the report, and hidden by default on the page.
    pub fn is_routine(self) -> bool {
        self == Category::Whitespace
    }

    fn description(self) -> &'static str {
        match self {
            Category::Words => "what the text says: letters, words, numbers, links",
            Category::Structure => "paragraph and page breaks made or removed",
            Category::Furniture => "running heads, page numbers, signature marks removed",
            Category::Notes => "footnotes moved to the notes, their marks and references",
            Category::Whitespace => "line joins and spaces: routine",
        }
    }
}

/// Paragraph or page breaks in a whitespace-only text.
fn breaks(text: &str) -> usize {
    // Counted as `matches("\n\n")` counts: pairs that do not overlap.
    let (mut count, mut after_newline) = (0, false);
    for b in text.bytes() {
        match b {
            b'\n' if after_newline => (count, after_newline) = (count + 1, false),
            b'\n' => after_newline = true,
            b'\x0c' => (count, after_newline) = (count + 1, false),
            _ => after_newline = false,
        }
    }
    count
}

/// The category of a change (see the module doc).
pub fn category(change: &Change) -> Category {
    if change.kind == ChangeKind::Furniture {
        return Category::Furniture;
    }
    if change.kind == ChangeKind::Note || matches!(change.pass.as_ref(), "footnotes" | "notes") {
        return Category::Notes;
    }
    let blank = |s: &str| s.chars().all(char::is_whitespace);
    if blank(&change.before) && blank(&change.after) && change.invalid_bytes.is_none() {
        if breaks(&change.before) == breaks(&change.after) {
            Category::Whitespace
        } else {
            Category::Structure
        }
    } else {
        Category::Words
    }
}

/// Whether a change is a spot left for a person: proposed and not applied.
pub fn is_flagged(change: &Change) -> bool {
    !change.applied
}

/// The raw byte offsets where the document's pages start, sorted: its page files or form feeds,
/// and the page breaks that a change inserted where the text's layout showed them (a text without
/// form feeds whose pages were inferred).
pub fn page_starts(doc: &Document, changes: &[Change]) -> Vec<usize> {
    LogDigest::of(changes).page_starts(doc)
}

/// Whether a change inserts a page break (where the text's layout showed one).
fn breaks_page(c: &Change) -> bool {
    c.applied
        && c.in_note.is_none()
        && c.after.matches('\u{c}').count() > c.before.matches('\u{c}').count()
}

/// What the report, the review page and the summaries read of a document's change records as a
/// whole, gathered in one sweep over them in log order ([`LogDigest::add`]); each record itself is
/// read by its index when it is listed ([`ChangeRecords`]). The command line's `clean` gathers it
/// while the records are written to the change log and reads them back from there, so a long
/// document's records are never all in memory: this keeps a raw range per record and the
/// indices of the records the report lists (not the routine ones).
#[derive(Debug, Clone, Default)]
pub struct LogDigest {
    /// The raw byte range of each record, in log order.
    ranges: Ranges,
    /// Where records inserted a page break.
    inferred_pages: Vec<usize>,
    counts: Counts,
    /// Records of kind review (flagged by a pass, refused as overlapping, or below the threshold).
    reviews: usize,
    /// Applied records per category other than the routine one, in log order.
    listed: BTreeMap<Category, Vec<usize>>,
    /// Records that are not applied, in log order.
    flagged: Vec<usize>,
    /// (applied, flagged) per rule and pass.
    per_rule: BTreeMap<String, BTreeMap<String, (usize, usize)>>,
    /// Applied routine records per rule.
    routine: BTreeMap<String, usize>,
}

/// Byte ranges, in 32 bits while every offset fits (a long document's log has a record for each
/// line, and this stands beside the stage's edits while they are applied), else in 64.
#[derive(Debug, Clone)]
enum Ranges {
    Narrow(Vec<[u32; 2]>),
    Wide(Vec<[usize; 2]>),
}

impl Default for Ranges {
    fn default() -> Self {
        Ranges::Narrow(Vec::new())
    }
}

impl Ranges {
    fn push(&mut self, start: usize, end: usize) {
        match self {
            Ranges::Narrow(narrow) => match (u32::try_from(start), u32::try_from(end)) {
                (Ok(start), Ok(end)) => narrow.push([start, end]),
                _ => {
                    let mut wide: Vec<[usize; 2]> = Vec::with_capacity(narrow.capacity());
                    wide.extend(narrow.iter().map(|r| r.map(|x| x as usize)));
                    wide.push([start, end]);
                    *self = Ranges::Wide(wide);
                }
            },
            Ranges::Wide(wide) => wide.push([start, end]),
        }
    }

    fn get(&self, i: usize) -> (usize, usize) {
        match self {
            Ranges::Narrow(narrow) => (narrow[i][0] as usize, narrow[i][1] as usize),
            Ranges::Wide(wide) => (wide[i][0], wide[i][1]),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ranges::Narrow(narrow) => narrow.len(),
            Ranges::Wide(wide) => wide.len(),
        }
    }

    fn reserve_exact(&mut self, n: usize) {
        match self {
            Ranges::Narrow(narrow) => narrow.reserve_exact(n),
            Ranges::Wide(wide) => wide.reserve_exact(n),
        }
    }
}

impl LogDigest {
    pub fn of(changes: &[Change]) -> Self {
        let mut digest = Self::default();
        for c in changes {
            digest.add(c);
        }
        digest
    }

    /// Takes in the next record of the log.
    pub fn add(&mut self, c: &Change) {
        let i = self.ranges.len();
        self.ranges.push(c.raw.start, c.raw.end);
        if breaks_page(c) {
            self.inferred_pages.push(c.raw.start);
        }
        if c.kind == ChangeKind::Review {
            self.reviews += 1;
        }
        let flagged = is_flagged(c);
        if flagged {
            self.counts.flagged += 1;
            self.flagged.push(i);
        } else {
            let cat = category(c);
            *self.counts.applied.entry(cat).or_default() += 1;
            if !cat.is_routine() {
                self.listed.entry(cat).or_default().push(i);
            } else if let Some(n) = self.routine.get_mut(c.rule.as_ref()) {
                *n += 1;
            } else {
                self.routine.insert(c.rule.to_string(), 1);
            }
        }
        // Looked up before inserting: a key is allocated once per rule and pass, not per record.
        let passes = match self.per_rule.get_mut(c.rule.as_ref()) {
            Some(passes) => passes,
            None => self.per_rule.entry(c.rule.to_string()).or_default(),
        };
        let entry = match passes.get_mut(c.pass.as_ref()) {
            Some(entry) => entry,
            None => passes.entry(c.pass.to_string()).or_default(),
        };
        if flagged {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }

    /// Room for `n` more records (a stage says how many it makes: no doubling).
    pub fn reserve(&mut self, n: usize) {
        self.ranges.reserve_exact(n);
    }

    /// How many records the log holds.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.len() == 0
    }

    /// The document's page starts (see [`page_starts`]).
    pub fn page_starts(&self, doc: &Document) -> Vec<usize> {
        let mut starts: Vec<usize> = doc.pages().iter().map(|p| p.span.start).collect();
        starts.extend_from_slice(&self.inferred_pages);
        starts.sort_unstable();
        starts.dedup();
        if starts.is_empty() {
            starts.push(0);
        }
        starts
    }

    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Records of kind review.
    pub fn reviews(&self) -> usize {
        self.reviews
    }

    /// Applied records of a category other than the routine one, in log order.
    pub fn listed(&self, cat: Category) -> &[usize] {
        self.listed.get(&cat).map_or(&[], Vec::as_slice)
    }

    /// Records flagged for review (not applied), in log order.
    pub fn flagged(&self) -> &[usize] {
        &self.flagged
    }

    /// The raw byte range of record `i`.
    pub fn range(&self, i: usize) -> Range<usize> {
        let (start, end) = self.ranges.get(i);
        start..end
    }

    /// (applied, flagged) per rule and pass, sorted by rule then pass.
    pub fn per_rule(&self) -> impl Iterator<Item = (&str, &str, (usize, usize))> {
        self.per_rule.iter().flat_map(|(rule, passes)| {
            passes
                .iter()
                .map(move |(pass, &n)| (rule.as_str(), pass.as_str(), n))
        })
    }

    /// (applied, flagged) of a rule over all passes.
    pub fn of_rule(&self, rule: &str) -> (usize, usize) {
        self.per_rule.get(rule).map_or((0, 0), |passes| {
            passes
                .values()
                .fold((0, 0), |(a, f), &(x, y)| (a + x, f + y))
        })
    }

    /// Applied routine records per rule, sorted by rule.
    pub fn routine(&self) -> &BTreeMap<String, usize> {
        &self.routine
    }

    /// The rules that have records, sorted.
    pub fn rules(&self) -> impl Iterator<Item = &str> {
        self.per_rule.keys().map(String::as_str)
    }
}

/// A document's change records, each read by its index in the log: held in memory (a slice), or
/// read back from a change log written to disk as the records were made.
pub trait ChangeRecords {
    fn get(&self, i: usize) -> std::io::Result<Cow<'_, Change>>;

    /// Writes the first `n` records as the lines of the change log.
    fn write_jsonl(&self, n: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut line = Vec::new();
        for i in 0..n {
            crate::render::jsonl_line(self.get(i)?.as_ref(), &mut line);
            out.write_all(&line)?;
        }
        Ok(())
    }
}

impl ChangeRecords for Vec<Change> {
    fn get(&self, i: usize) -> std::io::Result<Cow<'_, Change>> {
        Ok(Cow::Borrowed(&self[i]))
    }

    fn write_jsonl(&self, n: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        crate::render::write_jsonl(&self[..n], out)
    }
}

/// A document's change log as the renderers read it: its digest and its records.
#[derive(Clone, Copy)]
pub struct Log<'a> {
    pub digest: &'a LogDigest,
    pub records: &'a dyn ChangeRecords,
}

/// The 1-based inferred page of a raw offset.
pub fn page_of(starts: &[usize], offset: usize) -> usize {
    starts.partition_point(|&s| s <= offset).max(1)
}

/// Counts of a document's changes for summaries: per category (applied), flagged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub applied: BTreeMap<Category, usize>,
    pub flagged: usize,
}

pub fn counts(changes: &[Change]) -> Counts {
    LogDigest::of(changes).counts
}

/// A highlighted change in the raw text, with the changes nested inside it.
struct Mark {
    change: usize,
    range: Range<usize>,
    inner: Vec<Mark>,
}

/// Nests the changes of one page by their raw ranges (sorted by start, longer first). A change
/// that crosses the end of an enclosing one is shown up to that end only (its full before and
/// after are in its details), so that every change is one element of the page.
#[cfg(test)]
fn nest(mut items: Vec<(usize, Range<usize>)>) -> Vec<Mark> {
    items.sort_by_key(|(i, r)| (r.start, std::cmp::Reverse(r.end), *i));
    let mut nester = Nester::default();
    let mut roots: Vec<Mark> = items
        .into_iter()
        .filter_map(|(change, range)| nester.push(change, range))
        .collect();
    roots.extend(nester.finish());
    roots
}

/// [`nest`] one change at a time, in that order: each outermost mark is handed back once no
/// later change can fall inside it, so that a page of many changes never holds all its marks.
#[derive(Default)]
struct Nester {
    last: Option<Mark>,
}

impl Nester {
    /// Takes the next change; returns the outermost mark before it once that is complete.
    fn push(&mut self, change: usize, mut range: Range<usize>) -> Option<Mark> {
        if let Some(last) = self.last.as_mut()
            && last.range.start <= range.start
            && range.start < last.range.end
        {
            range.end = range.end.min(last.range.end);
            insert(&mut last.inner, change, range);
            return None;
        }
        self.last.replace(Mark {
            change,
            range,
            inner: Vec::new(),
        })
    }

    /// The last outermost mark.
    fn finish(self) -> Option<Mark> {
        self.last
    }
}

/// Puts a change inside the last mark of `level` when it starts within it, else after it.
fn insert(level: &mut Vec<Mark>, change: usize, mut range: Range<usize>) {
    if let Some(last) = level.last_mut()
        && last.range.start <= range.start
        && range.start < last.range.end
    {
        range.end = range.end.min(last.range.end);
        return insert(&mut last.inner, change, range);
    }
    level.push(Mark {
        change,
        range,
        inner: Vec::new(),
    });
}

/// Appends `text` to `out` escaped as maud escapes text and attribute values (`&`, `<`, `>`,
/// `"`), copying the runs between those bytes whole rather than byte by byte.
fn escape_into(out: &mut String, text: &str) {
    let mut run = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(entity);
        run = i + 1;
    }
    out.push_str(&text[run..]);
}

/// Text escaped by [`escape_into`] inside a template.
struct Escaped<'a>(&'a str);

impl maud::Render for Escaped<'_> {
    fn render_to(&self, out: &mut String) {
        escape_into(out, self.0);
    }
}

/// Raw bytes as text for the page, escaped for HTML: control characters other than line ends and
/// tabs are shown escaped (a form feed as `\f`), so that every byte of a change has a visible place.
fn write_visible(out: &mut String, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    // Most of a page is plain text: copied in runs between the characters that need a form.
    let mut run = 0;
    for (i, c) in text.char_indices() {
        let shown: &str = match c {
            '\n' | '\t' => continue,
            '\u{c}' => "\\f",
            // CRLF files would otherwise show `\u{d}` at every line end.
            '\r' => "↵",
            c if c.is_control() => {
                escape_into(out, &text[run..i]);
                write!(out, "{}", c.escape_unicode()).expect("writing to a String never fails");
                run = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        escape_into(out, &text[run..i]);
        out.push_str(shown);
        run = i + c.len_utf8();
    }
    escape_into(out, &text[run..]);
}

/// Appends `text` with line ends, tabs and invisible characters escaped (as Rust's `Debug` writes
/// a string, without its quotes), `∅` for nothing, to `out`; `scratch` is a reused buffer.
fn write_shown(out: &mut String, scratch: &mut String, text: &str) {
    if text.is_empty() {
        out.push('∅');
        return;
    }
    scratch.clear();
    write!(scratch, "{text:?}").expect("writing to a String never fails");
    out.push_str(&scratch[1..scratch.len() - 1]);
}

/// The text between marks, then each mark; siblings never overlap (see `nest`).
fn write_marks(
    out: &mut String,
    scratch: &mut (String, String),
    raw: &[u8],
    range: Range<usize>,
    marks: &[Mark],
    records: &dyn ChangeRecords,
) -> std::io::Result<()> {
    let mut pos = range.start;
    for mark in marks {
        if mark.range.start > pos {
            write_visible(out, &raw[pos..mark.range.start]);
        }
        write_mark(out, scratch, raw, mark, records)?;
        pos = pos.max(mark.range.end);
    }
    if pos < range.end {
        write_visible(out, &raw[pos..range.end]);
    }
    Ok(())
}

/// One change as a `<mark>` with its rule, before, after, confidence and evidence as attributes,
/// byte for byte what the page's template wrote before it was rendered in place.
fn write_mark(
    out: &mut String,
    scratch: &mut (String, String),
    raw: &[u8],
    mark: &Mark,
    records: &dyn ChangeRecords,
) -> std::io::Result<()> {
    let c = records.get(mark.change)?;
    let c = c.as_ref();
    let flagged = is_flagged(c);
    let (text, debug) = scratch;
    out.push_str("<mark class=\"chg cat-");
    out.push_str(category(c).name());
    if flagged {
        out.push_str(" flagged");
    }
    if mark.range.is_empty() {
        out.push_str(" ins");
    }
    write!(
        out,
        "\" id=\"c{}\" tabindex=\"0\" title=\"",
        mark.change + 1
    )
    .expect("writing to a String never fails");
    text.clear();
    write_shown(text, debug, &c.before);
    text.push_str(" → ");
    write_shown(text, debug, &c.after);
    write!(
        text,
        "\n{} ({:.2}{})\n{}",
        c.rule,
        c.confidence,
        if flagged {
            ", flagged, not applied"
        } else {
            ""
        },
        c.evidence
    )
    .expect("writing to a String never fails");
    escape_into(out, text);
    out.push_str("\" data-rule=\"");
    escape_into(out, &c.rule);
    out.push_str("\" data-before=\"");
    text.clear();
    write_shown(text, debug, &c.before);
    escape_into(out, text);
    out.push_str("\" data-after=\"");
    text.clear();
    write_shown(text, debug, &c.after);
    escape_into(out, text);
    write!(out, "\" data-confidence=\"{:.2}", c.confidence)
        .expect("writing to a String never fails");
    out.push_str("\" data-evidence=\"");
    escape_into(out, &c.evidence);
    out.push_str("\">");
    if mark.range.is_empty() {
        out.push('‸');
    } else {
        write_marks(out, scratch, raw, mark.range.clone(), &mark.inner, records)?;
    }
    out.push_str("</mark>");
    Ok(())
}

const STYLE: &str = r#"
:root { --words:#ffd54f; --structure:#90caf9; --furniture:#ef9a9a; --notes:#ce93d8; --whitespace:#c5e1a5; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #222; }
header { position: sticky; top: 0; background: #fafafa; border-bottom: 1px solid #ccc; padding: .5em 1em; z-index: 2; }
h1 { font-size: 1.2em; margin: 0 0 .3em; }
.filters label { margin-right: 1em; white-space: nowrap; }
.swatch { display: inline-block; width: .9em; height: .9em; vertical-align: middle; border-radius: 2px; }
#inspector { min-height: 2.6em; font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; margin-top: .3em; }
section.page { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; padding: .5em 1em; border-bottom: 1px solid #ddd; }
section.page h2 { grid-column: 1 / 3; font-size: 1em; margin: .3em 0 0; }
pre.raw { font: 13px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; margin: 0; }
div.clean p { margin: 0 0 .6em; }
mark.chg { background: none; color: inherit; }
mark.chg.ins { font-size: 80%; }
body.show-words mark.cat-words, body.show-structure mark.cat-structure, body.show-furniture mark.cat-furniture,
body.show-notes mark.cat-notes, body.show-whitespace mark.cat-whitespace { outline: 1px solid #888; }
body.show-words mark.cat-words { background: var(--words); }
body.show-structure mark.cat-structure { background: var(--structure); }
body.show-furniture mark.cat-furniture { background: var(--furniture); }
body.show-notes mark.cat-notes { background: var(--notes); }
body.show-whitespace mark.cat-whitespace { background: var(--whitespace); }
body.flagged-only mark.chg:not(.flagged) { background: none; outline: none; }
mark.chg.flagged { text-decoration: underline wavy #c62828; }
body:not(.show-words) mark.ins.cat-words, body:not(.show-structure) mark.ins.cat-structure,
body:not(.show-furniture) mark.ins.cat-furniture, body:not(.show-notes) mark.ins.cat-notes,
body:not(.show-whitespace) mark.ins.cat-whitespace, body.flagged-only mark.ins:not(.flagged) { display: none; }
mark.chg:focus { outline: 2px solid #000; }
section.notes { padding: .5em 1em; }
"#;

const SCRIPT: &str = r#"
(function () {
  var body = document.body;
  var cats = ['words', 'structure', 'furniture', 'notes', 'whitespace'];
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  function shown(m) {
    if (body.classList.contains('flagged-only') && !m.classList.contains('flagged')) return false;
    for (var i = 0; i < cats.length; i++)
      if (m.classList.contains('cat-' + cats[i])) return body.classList.contains('show-' + cats[i]);
    return false;
  }
  function rendered(m) {
    if (!shown(m)) return false;
    var r = m.getClientRects();
    return r.length > 0 && getComputedStyle(m).display !== 'none';
  }
  function update() {
    var marks = document.querySelectorAll('mark.chg');
    var n = 0;
    for (var i = 0; i < marks.length; i++) if (rendered(marks[i])) n++;
    var status = document.getElementById('status');
    status.setAttribute('data-rendered', n);
    status.setAttribute('data-total', marks.length);
    status.setAttribute('data-errors', errors.length);
    status.textContent = n + ' of ' + marks.length + ' changes highlighted';
  }
  function set(name, on) {
    body.classList.toggle(name, on);
    var box = document.querySelector('input[data-class="' + name + '"]');
    if (box) box.checked = on;
  }
  var hash = location.hash.slice(1);
  if (hash === 'all' || hash === 'flagged') cats.forEach(function (c) { set('show-' + c, true); });
  if (hash === 'flagged') set('flagged-only', true);
  document.querySelectorAll('input[data-class]').forEach(function (box) {
    box.checked = body.classList.contains(box.getAttribute('data-class'));
    box.addEventListener('change', function () { set(box.getAttribute('data-class'), box.checked); update(); });
  });
  var inspector = document.getElementById('inspector');
  function inspect(m) {
    inspector.textContent = m.getAttribute('data-before') + ' \u2192 ' + m.getAttribute('data-after') +
      '   ' + m.getAttribute('data-rule') + ' (' + m.getAttribute('data-confidence') + ')' +
      (m.classList.contains('flagged') ? ', flagged, not applied' : '') + '\n' + m.getAttribute('data-evidence');
  }
  document.addEventListener('focusin', function (e) { if (e.target.matches('mark.chg')) inspect(e.target); });
  document.addEventListener('mouseover', function (e) {
    var m = e.target.closest && e.target.closest('mark.chg');
    if (m) inspect(m);
  });
  function step(dir) {
    var marks = Array.prototype.filter.call(document.querySelectorAll('mark.chg'), rendered);
    if (!marks.length) return;
    var i = marks.indexOf(document.activeElement);
    var next = marks[(i + dir + marks.length) % marks.length];
    next.focus();
    next.scrollIntoView({ block: 'center' });
  }
  document.addEventListener('keydown', function (e) {
    if (e.target.matches && e.target.matches('input')) return;
    if (e.key === 'n' || e.key === 'j') step(1);
    else if (e.key === 'p' || e.key === 'k') step(-1);
  });
  update();
})();
"#;

/// The review page of one document, `NAME.report.html`.
pub fn review_page(doc: &Document, cleaned: &Cleaned) -> String {
    let mut bytes = Vec::new();
    write_review_page(doc, cleaned, &mut bytes).expect("writing to memory never fails");
    String::from_utf8(bytes).expect("the page is UTF-8")
}

/// Writes the review page page by page: a long document's page is never held whole as text.
pub fn write_review_page(
    doc: &Document,
    cleaned: &Cleaned,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let digest = LogDigest::of(&cleaned.changes);
    let log = Log {
        digest: &digest,
        records: &cleaned.changes,
    };
    write_review_page_of(doc, cleaned, log, out)
}

/// [`write_review_page`] of the records of `log` (the result's own `changes` are not read).
pub fn write_review_page_of(
    doc: &Document,
    cleaned: &Cleaned,
    log: Log<'_>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let digest = log.digest;
    let starts = digest.page_starts(doc);
    let raw = &doc.raw[..];
    // The changes of each page as indices into the digest (their ranges are read from it again
    // when the page is written): a long document has about one change per line.
    let shown = |i: u32| {
        let range = digest.range(i as usize);
        let end = range.end.min(raw.len());
        range.start.min(end)..end
    };
    let mut per_page: Vec<Vec<u32>> = vec![Vec::new(); starts.len()];
    for i in 0..digest.len() {
        let page = page_of(&starts, digest.range(i).start);
        per_page[page - 1].push(u32::try_from(i).expect("fewer than 2^32 records in one log"));
    }
    let page_range = |p: usize| starts[p]..starts.get(p + 1).copied().unwrap_or(raw.len());
    // Each cleaned paragraph is shown beside the page where its first character came from.
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new(); starts.len()];
    let mut offset = 0;
    for line in cleaned.body.split_inclusive('\n') {
        let text = line.trim_end_matches('\n');
        if !text.is_empty() {
            let at = cleaned.source_map.to_raw(offset..offset + 1).start;
            paragraphs[page_of(&starts, at) - 1].push(text);
        }
        offset += line.len();
    }
    let counts = digest.counts();
    let show_classes: Vec<String> = Category::ALL
        .iter()
        .filter(|c| !c.is_routine())
        .map(|c| format!("show-{}", c.name()))
        .collect();
    let physical = doc.pages().len();
    let head = html! {
        (DOCTYPE)
        // The page is written in pieces; the opening tags here close at the end of this function.
        (PreEscaped("<html lang=\"en\"><head>"))
        meta charset="utf-8";
        meta name="viewport" content="width=device-width, initial-scale=1";
        title { "ocrclean review: " (doc.name) }
        style { (PreEscaped(STYLE)) }
        (PreEscaped("</head>"))
        (PreEscaped(format!("<body class=\"{}\">", show_classes.join(" "))))
        header {
            h1 { "ocrclean review: " (doc.name) }
            div {
                (doc.raw.len()) " bytes, " (starts.len()) " page(s)"
                @if starts.len() != physical { " (" (starts.len() - physical) " page break(s) inferred from the layout)" }
                ", language " (cleaned.language.as_deref().unwrap_or("unknown")) ". "
                (digest.len()) " change(s), " (counts.flagged) " flagged for review. "
                "Keys: n / j next change, p / k previous; hover or focus a change for its rule and evidence. "
                "∅ = nothing (an insertion or a deletion), \\n = line end, \\f = page break, ↵ = carriage return, ‸ = inserted here."
            }
            div.filters {
                @for cat in Category::ALL {
                    label title=(cat.description()) {
                        input type="checkbox" data-class={ "show-" (cat.name()) } checked[!cat.is_routine()];
                        " " span.swatch style={ "background: var(--" (cat.name()) ")" } {} " "
                        (cat.name()) " (" (counts.applied.get(&cat).copied().unwrap_or(0)) ")"
                        @if cat.is_routine() { ", hidden by default" }
                    }
                }
                label {
                    input type="checkbox" data-class="flagged-only";
                    " flagged only (" (counts.flagged) ")"
                }
                output id="status" {}
            }
            div id="inspector" aria-live="polite" { "Hover or focus a highlighted change." }
        }
    };
    out.write_all(head.into_string().as_bytes())?;
    out.write_all(b"<main>")?;
    for (p, items) in per_page.into_iter().enumerate() {
        let range = page_range(p);
        // The section is written piece by piece (its tags as maud writes them), so that a page of
        // many changes costs one piece of text at a time, not the page's markup.
        let heading = html! {
            h2 {
                "Page " (p + 1)
                @if let Some(file) = doc.page_label(doc.position(range.start).page) {
                    " (" (file) ")"
                }
            }
        };
        write!(
            out,
            "<section class=\"page\" id=\"page-{}\">{}<pre class=\"raw\" aria-label=\"raw text\">",
            p + 1,
            heading.into_string()
        )?;
        let mut items = items;
        items.sort_unstable_by_key(|&i| {
            let r = shown(i);
            (r.start, std::cmp::Reverse(r.end), i)
        });
        let mut piece_html = String::new();
        let mut scratch = (String::new(), String::new());
        let mut write = |marks: &[Mark], range: Range<usize>| -> std::io::Result<()> {
            piece_html.clear();
            write_marks(
                &mut piece_html,
                &mut scratch,
                raw,
                range,
                marks,
                log.records,
            )?;
            out.write_all(piece_html.as_bytes())
        };
        // Marks in chunks of 256, each written out before the next: a page of many changes never
        // holds its whole markup, nor all its marks. A chunk ends where the next one's first mark
        // starts, so it is written once that mark is complete.
        const CHUNK: usize = 256;
        let mut pos = range.start;
        let mut chunk: Vec<Mark> = Vec::with_capacity(CHUNK + 1);
        let mut nester = Nester::default();
        let mut written = false;
        for i in items {
            if let Some(mark) = nester.push(i as usize, shown(i)) {
                chunk.push(mark);
                if chunk.len() > CHUNK {
                    let end = chunk[CHUNK].range.start.max(pos);
                    write(&chunk[..CHUNK], pos..end)?;
                    chunk.drain(..CHUNK);
                    (pos, written) = (end, true);
                }
            }
        }
        chunk.extend(nester.finish());
        if chunk.len() > CHUNK {
            let end = chunk[CHUNK].range.start.max(pos);
            write(&chunk[..CHUNK], pos..end)?;
            chunk.drain(..CHUNK);
            pos = end;
        }
        if !chunk.is_empty() || !written {
            write(&chunk, pos..range.end)?;
        }
        out.write_all(b"</pre><div class=\"clean\" aria-label=\"cleaned text\">")?;
        for text in &paragraphs[p] {
            piece_html.clear();
            html! { p { (Escaped(text)) } }.render_to(&mut piece_html);
            out.write_all(piece_html.as_bytes())?;
        }
        out.write_all(b"</div></section>")?;
    }
    let tail = html! {
        @if !cleaned.notes.is_empty() {
            section.notes {
                h2 { "Notes" }
                ol { @for note in &cleaned.notes { li { (note) } } }
            }
        }
    };
    out.write_all(tail.into_string().as_bytes())?;
    out.write_all(b"</main><script>")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script></body></html>")
}

/// One line of a batch's index page.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub name: String,
    pub pages: usize,
    pub counts: Counts,
    /// The document's error, when it could not be cleaned.
    pub error: Option<String>,
}

impl IndexEntry {
    pub fn new(doc: &Document, cleaned: &Cleaned) -> Self {
        let digest = LogDigest::of(&cleaned.changes);
        Self {
            name: doc.name.clone(),
            pages: digest.page_starts(doc).len(),
            counts: digest.counts,
            error: None,
        }
    }
}

/// The batch's `index.html`: one row per document with its counts and a link to its review page.
pub fn index_page(entries: &[IndexEntry]) -> String {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "ocrclean review: " (entries.len()) " document(s)" }
                style { (PreEscaped("body{font:15px/1.45 system-ui,sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}td:first-child,th:first-child{text-align:left}")) }
            }
            body {
                h1 { "ocrclean review: " (entries.len()) " document(s)" }
                table {
                    thead { tr {
                        th { "document" } th { "pages" }
                        @for cat in Category::ALL { th { (cat.name()) } }
                        th { "flagged" }
                    } }
                    tbody {
                        @for e in entries {
                            tr {
                                @if let Some(error) = &e.error {
                                    td { (e.name) } td colspan="7" { "error: " (error) }
                                } @else {
                                    td { a href={ (e.name) ".report.html" } { (e.name) } }
                                    td { (e.pages) }
                                    @for cat in Category::ALL { td { (e.counts.applied.get(&cat).copied().unwrap_or(0)) } }
                                    td { (e.counts.flagged) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    markup.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::RawLocation;
    use std::borrow::Cow;

    fn change(before: &str, after: &str, kind: ChangeKind, pass: &'static str) -> Change {
        Change {
            rule: Cow::Borrowed("r"),
            pass: Cow::Borrowed(pass),
            kind,
            applied: kind != ChangeKind::Review,
            raw: RawLocation {
                page: 1,
                line: 1,
                column: 1,
                start: 0,
                end: before.len(),
            },
            before: before.into(),
            after: after.into(),
            confidence: 0.9,
            evidence: Cow::Borrowed("e"),
            at: 0,
            in_note: None,
            to_note: None,
            invalid_bytes: None,
        }
    }

    #[test]
    fn categories_follow_what_a_change_does() {
        use ChangeKind::{Edit, Furniture};
        let cases = [
            ("\n", " ", Edit, "reflow", Category::Whitespace),
            (" ", "", Edit, "reflow", Category::Whitespace),
            ("\n\n", " ", Edit, "reflow", Category::Structure),
            ("", "\u{c}", Edit, "pages", Category::Structure),
            ("-\n", "", Edit, "dehyphenate", Category::Words),
            ("tlie", "the", Edit, "confusions", Category::Words),
            ("*)", "[^1]", Edit, "footnotes", Category::Notes),
            ("12", "", Furniture, "furniture", Category::Furniture),
        ];
        for (before, after, kind, rule, expected) in cases {
            assert_eq!(
                category(&change(before, after, kind, rule)),
                expected,
                "{rule}: {before:?} -> {after:?}"
            );
        }
    }

    #[test]
    fn breaks_count_blank_lines_and_page_breaks_as_matches_does() {
        for text in [
            "",
            " ",
            "\n",
            "\n\n",
            "\n\n\n",
            "\n\n\n\n",
            "\n \n",
            "\n\x0c\n",
            "\x0c\x0c\n\n",
        ] {
            let expected = text.matches("\n\n").count() + text.matches('\u{c}').count();
            assert_eq!(breaks(text), expected, "{text:?}");
        }
    }

    #[test]
    fn escaping_matches_the_templates() {
        for text in ["", "plain", "<a href=\"x\">&amp;</a>", "\"", "ä<ö>ü&"] {
            let mut out = String::new();
            escape_into(&mut out, text);
            assert_eq!(out, html! { (text) }.into_string());
        }
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let mut out = String::new();
        write_visible(&mut out, b"a\x0cb\r\n\x01 <&>\"");
        assert_eq!(out, "a\\fb↵\n\\u{1} &lt;&amp;&gt;&quot;");
    }

    #[test]
    fn ranges_past_4_gib_widen_the_list_and_keep_the_earlier_ones() {
        let mut ranges = Ranges::default();
        ranges.push(1, 2);
        let far = u32::MAX as usize + 10;
        ranges.push(far, far + 1);
        ranges.push(3, 4);
        assert!(matches!(ranges, Ranges::Wide(_)));
        assert_eq!(
            (0..ranges.len()).map(|i| ranges.get(i)).collect::<Vec<_>>(),
            vec![(1, 2), (far, far + 1), (3, 4)]
        );
    }

    #[test]
    fn crossing_ranges_nest_with_the_later_one_clipped() {
        let marks = nest(vec![(0, 0..10), (1, 5..15), (2, 12..14), (3, 12..12)]);
        assert_eq!(marks.len(), 2);
        assert_eq!(marks[0].inner[0].range, 5..10);
        assert_eq!(marks[1].range, 12..14);
        assert_eq!(marks[1].inner[0].range, 12..12);
    }
}
