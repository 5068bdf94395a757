//! Quality against ground truth: character and word error rates of the raw and the cleaned text,
//! and for each rule how many of its changes the truth confirms or contradicts.
//!
//! No I/O: the caller hands in a [`Sample`] (a raw [`Document`] and the truth as page texts) and
//! gets figures back; `ocrclean eval` reads the corpora and prints them.
//!
//! # What is compared
//!
//! Every text is compared as a sequence of whitespace-separated tokens, so line breaks, blank
//! lines, page breaks and runs of spaces do not count: the figures measure the words, not the
//! layout. The *raw* text is the document's bytes as they are (a BOM or a line-end hyphen is an
//! error of the raw text). The *cleaned* text is the body, and when the cleaner moved footnotes out
//! of it, the body followed by the notes (the notes then count against the truth at its end, which
//! costs the distance of the move; the report says how many documents had notes).
//!
//! # How the ground truth is normalised
//!
//! The truth (and the peer of the triples layout) is brought to the conventions of the cleaned
//! output before it is compared:
//!
//! 1. Unicode NFC; typographic ligatures written as their letters (`ﬁ` as `fi`, as the normalise
//!    pass writes them in the input); CRLF, lone CR and BOMs removed.
//! 2. Pages layout only: a line that holds nothing but a page number or signature mark (at most four
//!    digits, maybe in brackets, maybe followed by `*`) as the first or last non-blank line of a truth page is page
//!    furniture and dropped, since the clean body is to hold none.
//! 3. Pages layout only: a footnote block at the foot of a truth page (from a line that starts with
//!    `*)`, `**)`, `†`, `‡` or `1)` to the end of the page) moves, without its marks, to the end of
//!    the text, in page order, since the cleaned output writes its notes after the body.
//! 4. Pages are joined by line ends, and lines into one running text (paragraph breaks do not
//!    count, see above).
//! 5. A line that ends in a letter and a hyphen is joined to the next line's first word when that
//!    word starts with a letter or digit, following the truth's own convention: when it starts in
//!    lowercase, the hyphen is a line-end
//!    hyphen and dropped (`Frank-` + `reich` → `Frankreich`), unless the hyphenated form occurs
//!    elsewhere in the truth inside a line and the joined form does not (`south-` + `east` →
//!    `south-east`); when it starts in uppercase or a digit the hyphen is kept
//!    (`Nord-` + `Amerika` → `Nord-Amerika`).
//!
//! # How distances are counted
//!
//! The hypothesis and the truth tokens are aligned with Myers' diff (no time limit, so the result
//! does not depend on the machine). Each stretch between two runs of at least [`MIN_ANCHOR`]
//! matched tokens is scored with an exact Levenshtein distance: over its tokens for the word
//! errors, over its characters (tokens joined by single spaces) for the character errors. CER is
//! character errors divided by the characters of the normalised truth (tokens joined by single
//! spaces); WER is word errors divided by its tokens. The sum is the cost of a real alignment, so
//! an upper bound of the global Levenshtein distance; it equals it unless the Myers anchors are
//! not where an optimal alignment puts them (on the first 60 Overproof articles, raw against
//! truth, it equals a full character table). A stretch whose character table would exceed
//! [`MAX_DP_CELLS`] cells is scored part by part, and a part that is still too large as the larger
//! of its two sides (upper bounds again).
//!
//! # How changes are judged
//!
//! The raw tokens and the output tokens are each aligned with the truth tokens (as above). For each
//! applied change, its region is the raw tokens that its raw byte range overlaps or touches (so a
//! line join covers the last word of one line and the first of the next), and the output tokens
//! whose raw origin ([`crate::text::SourceMap::to_raw`]) overlaps those raw tokens. A side is *right*
//! when all its tokens in the region are matched in its alignment and no truth token is missing
//! inside the region (for an empty region: at its position). The truth *confirms* a change when the
//! raw side is wrong and the output side right, *contradicts* it when the raw side is right and the
//! output wrong, and is *neutral* otherwise (both right, as for a CRLF turned into LF, or both
//! wrong, as for `creden-` + `tials` joined into `creden-tials` when the truth reads
//! `credentials`). A change from whitespace to whitespace (CRLF to LF, a line end to a space, a
//! page break to a blank line, trailing spaces dropped) cannot change a token and is neutral
//! without looking.
//!
//! Limits: the output side is the final output, so when several rules touch the same words each is
//! judged by the result of all of them; changes that moved text into the notes are counted neutral
//! (the notes carry no source map); a wrong token that Myers happens to match with an equal token
//! elsewhere looks right.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, DiffOp, DiffTag, capture_diff_slices};
use unicode_normalization::UnicodeNormalization;

use crate::change::{Change, ChangeKind};
use crate::document::Document;
use crate::error::DecodeError;
use crate::pipeline::{Cleaned, Cleaner};

/// A stretch between two matched tokens larger than this (cells of its dynamic programming table)
/// is scored as the larger of its two sides instead of by exact Levenshtein.
pub const MAX_DP_CELLS: usize = 25_000_000;

/// Matched runs shorter than this many tokens do not split an unmatched stretch: Myers may anchor
/// on a lone common word (`the`, `,`) where a substitution-aware alignment would not, and scoring
/// across such short runs gives the exact Levenshtein distance in practice (on the Overproof
/// articles the sum equals a full character-level Levenshtein table).
pub const MIN_ANCHOR: usize = 3;

/// How the truth was laid out, which decides whether page furniture is stripped from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// A folder of page files with a ground-truth page for each.
    Pages,
    /// Articles of aligned `raw||@@||truth||@@||peer` lines.
    Triples,
    /// A CSV file of OCR and truth columns (BLN600's `OCR Text` and `Ground Truth`, otherwise the
    /// first two columns), rows grouped into documents by a `Sample ID` column when there is one.
    Csv,
    /// ICDAR 2017 post-OCR files: `[OCR_toInput]`, `[OCR_aligned]` and `[ GS_aligned]` lines.
    Icdar,
    /// XML rows of `<text>` (OCR) and `<fixed>` (truth), as the Viral Texts OCR evaluation writes.
    XmlRows,
}

/// One document to evaluate: the raw input, its ground truth and, optionally, a peer tool's output.
#[derive(Debug, Clone)]
pub struct Sample {
    pub document: Document,
    /// The ground truth, one string per page (a single string for an article).
    pub truth: Vec<String>,
    /// Another tool's correction of the same raw text, scored for comparison.
    pub peer: Option<Vec<String>>,
    pub layout: Layout,
}

/// Edit distances of one text against the truth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(into = "ScoreView")]
pub struct Score {
    pub char_errors: usize,
    pub truth_chars: usize,
    pub word_errors: usize,
    pub truth_words: usize,
}

impl Score {
    /// Character error rate: character edit distance over the truth's characters.
    pub fn cer(&self) -> f64 {
        ratio(self.char_errors, self.truth_chars)
    }

    /// Word error rate: token edit distance over the truth's tokens.
    pub fn wer(&self) -> f64 {
        ratio(self.word_errors, self.truth_words)
    }

    fn add(&mut self, other: &Score) {
        self.char_errors += other.char_errors;
        self.truth_chars += other.truth_chars;
        self.word_errors += other.word_errors;
        self.truth_words += other.truth_words;
    }
}

fn ratio(errors: usize, total: usize) -> f64 {
    if total == 0 {
        if errors == 0 { 0.0 } else { 1.0 }
    } else {
        errors as f64 / total as f64
    }
}

/// The JSON form of a [`Score`]: the counts and the two rates.
#[derive(Serialize)]
struct ScoreView {
    cer: f64,
    wer: f64,
    char_errors: usize,
    truth_chars: usize,
    word_errors: usize,
    truth_words: usize,
}

impl From<Score> for ScoreView {
    fn from(s: Score) -> Self {
        Self {
            cer: s.cer(),
            wer: s.wer(),
            char_errors: s.char_errors,
            truth_chars: s.truth_chars,
            word_errors: s.word_errors,
            truth_words: s.truth_words,
        }
    }
}

/// What the truth says about one rule's applied changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RuleTally {
    pub changes: usize,
    pub confirmed: usize,
    pub contradicted: usize,
    pub neutral: usize,
}

impl RuleTally {
    fn add(&mut self, other: &RuleTally) {
        self.changes += other.changes;
        self.confirmed += other.confirmed;
        self.contradicted += other.contradicted;
        self.neutral += other.neutral;
    }

    /// Confirmed over judged (confirmed + contradicted); `None` when the truth judged none.
    pub fn precision(&self) -> Option<f64> {
        let judged = self.confirmed + self.contradicted;
        (judged > 0).then(|| self.confirmed as f64 / judged as f64)
    }
}

/// The figures of one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentEval {
    pub name: String,
    pub raw: Score,
    pub cleaned: Score,
    pub peer: Option<Score>,
    /// True when the cleaned text compared was the body followed by the notes.
    pub notes_compared: bool,
    pub rules: BTreeMap<String, RuleTally>,
    /// The changes the truth contradicts, to look at first when tuning a rule.
    pub contradicted: Vec<Change>,
}

/// The figures of a collection: sums over its documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub raw: Score,
    pub cleaned: Score,
    /// Present when every document had a peer.
    pub peer: Option<Score>,
    /// Documents whose cleaned text was compared as body followed by notes.
    pub documents_with_notes: usize,
    pub rules: BTreeMap<String, RuleTally>,
}

impl Summary {
    pub fn new(evals: &[DocumentEval]) -> Self {
        let mut summary = Summary::default();
        let all_have_peer = !evals.is_empty() && evals.iter().all(|e| e.peer.is_some());
        for e in evals {
            summary.documents += 1;
            summary.raw.add(&e.raw);
            summary.cleaned.add(&e.cleaned);
            if all_have_peer && let Some(p) = &e.peer {
                summary.peer.get_or_insert_with(Score::default).add(p);
            }
            summary.documents_with_notes += usize::from(e.notes_compared);
            for (rule, tally) in &e.rules {
                summary.rules.entry(rule.clone()).or_default().add(tally);
            }
        }
        summary
    }

    /// The terminal table: the scores, then one line per rule.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} document(s), {} truth words, {} truth characters{}",
            self.documents,
            self.raw.truth_words,
            self.raw.truth_chars,
            if self.documents_with_notes > 0 {
                format!(
                    "; cleaned = body + notes for {} document(s)",
                    self.documents_with_notes
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            out,
            "{:<10} {:>8} {:>8} {:>12} {:>12}",
            "text", "CER", "WER", "char errors", "word errors"
        );
        let mut row = |name: &str, s: &Score| {
            let _ = writeln!(
                out,
                "{:<10} {:>7.2}% {:>7.2}% {:>12} {:>12}",
                name,
                s.cer() * 100.0,
                s.wer() * 100.0,
                s.char_errors,
                s.word_errors
            );
        };
        row("raw", &self.raw);
        row("cleaned", &self.cleaned);
        if let Some(peer) = &self.peer {
            row("peer", peer);
        }
        let width = self.rules.keys().map(|r| r.len()).max().unwrap_or(4).max(4);
        let _ = writeln!(
            out,
            "\n{:<width$} {:>8} {:>10} {:>13} {:>8} {:>10}",
            "rule", "changes", "confirmed", "contradicted", "neutral", "precision"
        );
        for (rule, t) in &self.rules {
            let _ = writeln!(
                out,
                "{:<width$} {:>8} {:>10} {:>13} {:>8} {:>10}",
                rule,
                t.changes,
                t.confirmed,
                t.contradicted,
                t.neutral,
                t.precision()
                    .map_or("-".to_string(), |p| format!("{:.1}%", p * 100.0))
            );
        }
        out
    }

    /// A short Markdown report: one row of scores under the label, then the per-rule table.
    pub fn markdown(&self, label: &str) -> String {
        let mut out = String::new();
        let percent = |x: f64| format!("{:.2}%", x * 100.0);
        let (peer_cer, peer_wer) = self
            .peer
            .as_ref()
            .map_or(("–".to_string(), "–".to_string()), |p| {
                (percent(p.cer()), percent(p.wer()))
            });
        let _ = writeln!(
            out,
            "| corpus | documents | truth words | raw CER | raw WER | cleaned CER | cleaned WER | peer CER | peer WER |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} | {} | {} | {peer_cer} | {peer_wer} |",
            self.documents,
            self.raw.truth_words,
            percent(self.raw.cer()),
            percent(self.raw.wer()),
            percent(self.cleaned.cer()),
            percent(self.cleaned.wer()),
        );
        if self.documents_with_notes > 0 {
            let _ = writeln!(
                out,
                "\nCleaned text = body followed by notes in {} document(s).",
                self.documents_with_notes
            );
        }
        let _ = writeln!(
            out,
            "\n| rule | changes | confirmed | contradicted | neutral |\n|---|---:|---:|---:|---:|"
        );
        for (rule, t) in &self.rules {
            let _ = writeln!(
                out,
                "| `{rule}` | {} | {} | {} | {} |",
                t.changes, t.confirmed, t.contradicted, t.neutral
            );
        }
        out
    }
}

/// Cleans the sample's document with `cleaner` and measures raw, cleaned and peer against the truth.
pub fn evaluate(cleaner: &Cleaner, sample: &Sample) -> Result<DocumentEval, DecodeError> {
    let cleaned = cleaner.clean(&sample.document)?;
    Ok(evaluate_cleaned(sample, &cleaned))
}

/// Measures an already cleaned document (see [`evaluate`]).
pub fn evaluate_cleaned(sample: &Sample, cleaned: &Cleaned) -> DocumentEval {
    let strip_page_numbers = sample.layout == Layout::Pages;
    let truth_text = normalise_truth(&sample.truth, strip_page_numbers);
    let truth: Vec<&str> = truth_text.split(' ').filter(|t| !t.is_empty()).collect();

    let raw_text = String::from_utf8_lossy(&sample.document.raw);
    let raw_spans = token_spans(&raw_text);
    let raw_tokens: Vec<&str> = raw_spans.iter().map(|r| &raw_text[r.clone()]).collect();

    let notes_compared = !cleaned.notes.is_empty();
    let mut output_text = cleaned.body.clone();
    for note in &cleaned.notes {
        output_text.push('\n');
        output_text.push_str(note);
    }
    let out_spans = token_spans(&output_text);
    let out_tokens: Vec<&str> = out_spans.iter().map(|r| &output_text[r.clone()]).collect();

    let ((raw_ops, out_ops), peer) = rayon::join(
        || rayon::join(|| align(&raw_tokens, &truth), || align(&out_tokens, &truth)),
        || {
            sample.peer.as_ref().map(|pages| {
                let text = normalise_truth(pages, strip_page_numbers);
                let tokens: Vec<&str> = text.split(' ').filter(|t| !t.is_empty()).collect();
                let ops = align(&tokens, &truth);
                distances(&tokens, &truth, &ops)
            })
        },
    );
    let raw = distances(&raw_tokens, &truth, &raw_ops);
    let output = distances(&out_tokens, &truth, &out_ops);

    // Only the body has a source map: the notes' tokens follow the body's.
    let body_tokens = token_spans(&cleaned.body).len();
    let out_raw_spans: Vec<Range<usize>> = out_spans[..body_tokens]
        .iter()
        .map(|r| cleaned.source_map.to_raw(r.clone()))
        .collect();
    let (rules, contradicted) = judge_changes(
        cleaned,
        &sample.document.raw,
        &raw_spans,
        &Correctness::new(raw_tokens.len(), &raw_ops),
        &out_raw_spans,
        &Correctness::new(out_tokens.len(), &out_ops),
    );
    DocumentEval {
        name: sample.document.name.clone(),
        raw,
        cleaned: output,
        peer,
        notes_compared,
        rules,
        contradicted,
    }
}

/// Edit distances of `text` (any layout) against `truth` (one string, normalised as truth).
pub fn score(text: &str, truth: &str) -> Score {
    let truth_text = normalise_truth(&[truth.to_string()], false);
    let truth: Vec<&str> = truth_text.split(' ').filter(|t| !t.is_empty()).collect();
    let tokens: Vec<&str> = text.split_whitespace().collect();
    distances(&tokens, &truth, &align(&tokens, &truth))
}

/// Byte spans of the whitespace-separated tokens of `text`.
fn token_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push(s..text.len());
    }
    spans
}

/// The length of the footnote mark (`*)`, `**)`, `†`, `1)`) that starts a truth line, with its space.
fn note_mark_len(line: &str) -> Option<usize> {
    let mark = line.split_whitespace().next()?;
    let is_mark = matches!(mark, "*)" | "**)" | "***)" | "†" | "‡")
        || (mark.len() <= 4
            && mark.ends_with(')')
            && mark[..mark.len() - 1].chars().all(|c| c.is_ascii_digit())
            && mark.len() > 1);
    (is_mark && line.len() > mark.len()).then_some(mark.len())
}

/// True for a line that holds only a page number or signature mark, such as `12`, `[4]` or `3*`.
fn is_page_number(line: &str) -> bool {
    let inner = line
        .trim()
        .trim_start_matches(['[', '(', '-', '–', '—'])
        .trim_end_matches([']', ')', '-', '–', '—'])
        .trim()
        // Signature marks (`3*`, transcribed `4»`) are furniture too.
        .trim_end_matches(['*', '»'])
        .trim();
    !inner.is_empty() && inner.len() <= 4 && inner.chars().all(|c| c.is_ascii_digit())
}

/// The truth's pages as one whitespace-normalised text (tokens joined by single spaces), following
/// the steps in the module doc.
pub fn normalise_truth(pages: &[String], strip_page_numbers: bool) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for page in pages {
        let page: String =
            crate::passes::normalise::expand_ligatures(page.nfc().filter(|&c| c != '\u{FEFF}'))
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                // A soft hyphen is invisible: at a line end it joins the word (as the output does).
                .replace("\u{ad}\n", "")
                .replace('\u{ad}', "");
        let mut page_lines: Vec<&str> = page
            .split(['\n', '\x0c'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if strip_page_numbers {
            if page_lines.first().is_some_and(|l| is_page_number(l)) {
                page_lines.remove(0);
            }
            if page_lines.last().is_some_and(|l| is_page_number(l)) {
                page_lines.pop();
            }
        }
        // The footnotes at the page foot go to the end, as the cleaned output writes them.
        if strip_page_numbers
            && let Some(first_note) =
                (1..page_lines.len()).find(|&i| note_mark_len(page_lines[i]).is_some())
        {
            for line in page_lines.drain(first_note..) {
                let mark = note_mark_len(line).unwrap_or(0);
                notes.push(line[mark..].trim().to_string());
            }
        }
        lines.extend(page_lines.into_iter().map(str::to_string));
    }
    lines.extend(notes);
    // Words that the truth writes with a hyphen inside a line: evidence that a hyphen at a line end
    // belongs to the word.
    let mut inline_words: HashMap<String, usize> = HashMap::new();
    for line in &lines {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let last = tokens.len().saturating_sub(1);
        for (i, token) in tokens.iter().enumerate() {
            if i == last && is_broken_word(token) {
                continue;
            }
            *inline_words
                .entry(word_core(token).to_string())
                .or_default() += 1;
        }
    }
    let mut tokens: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    for line in &lines {
        let mut words = line.split_whitespace();
        if let Some(first) = pending.take() {
            match words.next() {
                Some(next) if next.starts_with(char::is_alphanumeric) => {
                    tokens.push(join_broken(&first, next, &inline_words));
                }
                Some(next) => tokens.extend([first, next.to_string()]),
                None => tokens.push(first),
            }
        }
        let mut words: Vec<&str> = words.collect();
        if let Some(last) = words.last()
            && is_broken_word(last)
        {
            pending = Some(last.to_string());
            words.pop();
        }
        tokens.extend(words.into_iter().map(str::to_string));
    }
    tokens.extend(pending);
    tokens.join(" ")
}

/// A word that ends in a letter followed by a hyphen: broken at the line end.
fn is_broken_word(token: &str) -> bool {
    let mut rev = token.chars().rev();
    matches!(rev.next(), Some('-' | '¬')) && rev.next().is_some_and(char::is_alphabetic)
}

/// The word without the punctuation around it.
fn word_core(token: &str) -> &str {
    token.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
}

/// Joins a word broken at a line end with the next line's first token (see the module doc).
fn join_broken(first: &str, next: &str, inline_words: &HashMap<String, usize>) -> String {
    let stem = first.trim_end_matches(['-', '¬']);
    let starts_lower = next.chars().next().is_some_and(char::is_lowercase);
    if !starts_lower {
        return format!("{stem}-{next}");
    }
    let hyphenated = format!("{stem}-{next}");
    let joined = format!("{stem}{next}");
    let seen = |w: &str| inline_words.get(word_core(w)).copied().unwrap_or(0) > 0;
    if seen(&hyphenated) && !seen(&joined) {
        hyphenated
    } else {
        joined
    }
}

/// Myers alignment of two token sequences, as diff operations from `hyp` to `truth`.
fn align<'a>(hyp: &[&'a str], truth: &[&'a str]) -> Vec<DiffOp> {
    // Tokens are interned as integers: comparing and hashing them is then cheap.
    let mut ids: HashMap<&'a str, u32> = HashMap::new();
    let mut intern = |tokens: &[&'a str]| -> Vec<u32> {
        tokens
            .iter()
            .map(|t| {
                let next = ids.len() as u32;
                *ids.entry(t).or_insert(next)
            })
            .collect()
    };
    let hyp_ids = intern(hyp);
    let truth_ids = intern(truth);
    capture_diff_slices(Algorithm::Myers, &hyp_ids, &truth_ids)
}

/// Character and word edit distances from the alignment, stretch by stretch.
fn distances(hyp: &[&str], truth: &[&str], ops: &[DiffOp]) -> Score {
    let mut score = Score {
        truth_chars: chars_joined(truth),
        truth_words: truth.len(),
        ..Score::default()
    };
    if hyp.is_empty() || truth.is_empty() {
        // Nothing to anchor on: the whole other side is inserted or deleted.
        score.char_errors = chars_joined(hyp).max(score.truth_chars);
        score.word_errors = hyp.len().max(truth.len());
        return score;
    }
    // The unmatched parts of the current stretch; matched runs shorter than [`MIN_ANCHOR`] tokens
    // between them belong to the stretch.
    let mut parts: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let flush = |parts: &mut Vec<(Range<usize>, Range<usize>)>, score: &mut Score| {
        let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
            return;
        };
        let (h, t) = (first.0.start..last.0.end, first.1.start..last.1.end);
        let (c, w) = match stretch_distance(&hyp[h], &truth[t]) {
            Some(d) => d,
            // Too large for one table: each unmatched part on its own.
            None => parts.iter().fold((0, 0), |(c, w), (h, t)| {
                let (pc, pw) =
                    stretch_distance(&hyp[h.clone()], &truth[t.clone()]).unwrap_or_else(|| {
                        (
                            sides_chars(&hyp[h.clone()], &truth[t.clone()]),
                            h.len().max(t.len()),
                        )
                    });
                (c + pc, w + pw)
            }),
        };
        score.char_errors += c;
        score.word_errors += w;
        parts.clear();
    };
    for op in ops {
        let (tag, h, t) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            if h.len() >= MIN_ANCHOR || parts.is_empty() {
                flush(&mut parts, &mut score);
            }
            continue;
        }
        parts.push((h, t));
    }
    flush(&mut parts, &mut score);
    score
}

fn chars_joined(tokens: &[&str]) -> usize {
    tokens.iter().map(|t| t.chars().count()).sum::<usize>() + tokens.len().saturating_sub(1)
}

/// Character and word Levenshtein distance of one unmatched stretch. Each token carries the space
/// that follows it, so a stretch that is deleted or inserted whole costs its separators too (the
/// whole text is treated as ending in a space on both sides, which changes nothing when both have
/// tokens). `None` when the character table would exceed [`MAX_DP_CELLS`].
fn stretch_distance(hyp: &[&str], truth: &[&str]) -> Option<(usize, usize)> {
    let hyp_chars: Vec<char> = hyp.iter().flat_map(|t| t.chars().chain([' '])).collect();
    let truth_chars: Vec<char> = truth.iter().flat_map(|t| t.chars().chain([' '])).collect();
    if hyp_chars.len().saturating_mul(truth_chars.len()) > MAX_DP_CELLS {
        return None;
    }
    Some((
        levenshtein(&hyp_chars, &truth_chars),
        levenshtein(hyp, truth),
    ))
}

/// The larger side of a stretch in characters (with each token's space): an upper bound of its
/// character distance.
fn sides_chars(hyp: &[&str], truth: &[&str]) -> usize {
    let side = |tokens: &[&str]| tokens.iter().map(|t| t.chars().count() + 1).sum::<usize>();
    side(hyp).max(side(truth))
}

/// Levenshtein distance of two sequences (one row of the table at a time).
fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Which tokens of one side the truth alignment matched, and where truth tokens are missing.
struct Correctness {
    /// `matched[i]`: how many of the first `i` tokens are matched.
    matched: Vec<usize>,
    /// `missing[i]`: how many positions before `i` have truth tokens missing (unmatched truth
    /// tokens that sit before token `i`).
    missing: Vec<usize>,
}

impl Correctness {
    fn new(len: usize, ops: &[DiffOp]) -> Self {
        let mut is_matched = vec![false; len];
        let mut missing_at = vec![false; len + 1];
        for op in ops {
            let (tag, h, _) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => is_matched[h].iter_mut().for_each(|m| *m = true),
                DiffTag::Insert | DiffTag::Replace => missing_at[h.start] = true,
                DiffTag::Delete => {}
            }
        }
        let prefix = |flags: &[bool]| {
            let mut sums = Vec::with_capacity(flags.len() + 1);
            sums.push(0);
            for &f in flags {
                sums.push(sums.last().unwrap() + usize::from(f));
            }
            sums
        };
        Self {
            matched: prefix(&is_matched),
            missing: prefix(&missing_at),
        }
    }

    /// True when the tokens `range` are all matched and no truth token is missing inside them (for
    /// an empty range: at its position).
    fn right(&self, range: Range<usize>) -> bool {
        let missing_in = |r: Range<usize>| self.missing[r.end] - self.missing[r.start];
        if range.is_empty() {
            return missing_in(range.start..range.start + 1) == 0;
        }
        self.matched[range.end] - self.matched[range.start] == range.len()
            && missing_in(range.start + 1..range.end) == 0
    }
}

/// The per-rule verdicts (see the module doc).
fn judge_changes(
    cleaned: &Cleaned,
    raw: &[u8],
    raw_spans: &[Range<usize>],
    raw_right: &Correctness,
    out_raw_spans: &[Range<usize>],
    out_right: &Correctness,
) -> (BTreeMap<String, RuleTally>, Vec<Change>) {
    let mut rules: BTreeMap<String, RuleTally> = BTreeMap::new();
    let mut contradicted = Vec::new();
    for change in cleaned
        .changes
        .iter()
        .filter(|c| c.applied && c.kind != ChangeKind::Review)
    {
        let tally = rules.entry(change.rule.to_string()).or_default();
        tally.changes += 1;
        let range = change.raw.start..change.raw.end;
        // Moved text has no source map, and a whitespace change that keeps the token boundaries
        // (CRLF to LF, a line end to a space, trailing spaces dropped) cannot change a token:
        // neither is judged.
        if change.kind == ChangeKind::Note || keeps_tokens(change, raw) {
            tally.neutral += 1;
            continue;
        }
        // Raw tokens that the change overlaps or touches.
        let r0 = raw_spans.partition_point(|t| t.end < range.start);
        let r1 = raw_spans.partition_point(|t| t.start <= range.end).max(r0);
        let region = if r0 < r1 {
            raw_spans[r0].start.min(range.start)..raw_spans[r1 - 1].end.max(range.end)
        } else {
            range
        };
        // Output tokens that came from the region.
        let o0 = out_raw_spans.partition_point(|t| t.end <= region.start);
        let o1 = out_raw_spans
            .partition_point(|t| t.start < region.end)
            .max(o0);
        let raw_ok = raw_right.right(r0..r1);
        let out_ok = out_right.right(o0..o1);
        match (raw_ok, out_ok) {
            (false, true) => tally.confirmed += 1,
            (true, false) => {
                tally.contradicted += 1;
                contradicted.push(change.clone());
            }
            _ => tally.neutral += 1,
        }
    }
    (rules, contradicted)
}

/// True when `change` only turns whitespace into whitespace and leaves every token as it was: both
/// sides are whitespace, and either both are non-empty or the raw text next to the change is
/// whitespace too (so deleting it joins no two words).
fn keeps_tokens(change: &Change, raw: &[u8]) -> bool {
    let blank = |s: &str| s.chars().all(char::is_whitespace);
    if !blank(&change.before) || !blank(&change.after) {
        return false;
    }
    let space = |b: Option<&u8>| b.is_none_or(u8::is_ascii_whitespace);
    (!change.before.is_empty() && !change.after.is_empty())
        || space(raw.get(change.raw.end))
        || change.raw.start == 0
        || space(raw.get(change.raw.start - 1))
}

/// One article of the triples layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The header line after the `*$*OVERPROOF*$*` mark.
    pub header: String,
    /// The article's id: the header's first word (its position when the header has none).
    pub id: String,
    pub raw: String,
    pub truth: String,
    pub peer: String,
}

/// The mark that starts an article in the triples layout.
pub const ARTICLE_MARK: &str = "*$*OVERPROOF*$*";
/// The separator of the columns in the triples layout.
pub const COLUMN_SEPARATOR: &str = "||@@||";

/// Splits the triples layout into articles: a line starting with [`ARTICLE_MARK`] opens an article,
/// each following line is `raw||@@||truth||@@||peer` (missing columns are empty). Lines before the
/// first mark form an article of their own.
pub fn parse_triples(text: &str) -> Vec<Article> {
    let mut articles: Vec<Article> = Vec::new();
    let mut columns: [Vec<&str>; 3] = Default::default();
    let mut header: Option<String> = None;
    let finish = |header: Option<String>, columns: &mut [Vec<&str>; 3], out: &mut Vec<Article>| {
        if header.is_none() && columns[0].is_empty() {
            return;
        }
        let header = header.unwrap_or_default();
        let id = header
            .split_whitespace()
            .next()
            .map_or_else(|| format!("article-{}", out.len() + 1), str::to_string);
        let [raw, truth, peer] = columns.each_mut().map(|c| {
            let mut s = c.join("\n");
            s.push('\n');
            c.clear();
            s
        });
        out.push(Article {
            header,
            id,
            raw,
            truth,
            peer,
        });
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(ARTICLE_MARK) {
            finish(header.take(), &mut columns, &mut articles);
            header = Some(rest.trim().to_string());
            continue;
        }
        let mut parts = line.splitn(3, COLUMN_SEPARATOR);
        for column in columns.iter_mut() {
            column.push(parts.next().unwrap_or(""));
        }
    }
    finish(header, &mut columns, &mut articles);
    articles
}

/// The key that pairs a page file with its truth page: the name before its first `.`
/// (`179392.abbyy.txt` and `179392.gt.txt` both give `179392`).
pub fn page_key(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Raw and truth pages paired by [`page_key`], in natural order of the key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagePairs {
    /// (index in raw, index in truth) for each page present in both.
    pub pairs: Vec<(usize, usize)>,
    /// Raw pages without a truth page, and truth pages without a raw page.
    pub raw_only: Vec<usize>,
    pub truth_only: Vec<usize>,
}

pub fn pair_pages(raw: &[String], truth: &[String]) -> PagePairs {
    let mut truth_by_key: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, name) in truth.iter().enumerate() {
        truth_by_key.entry(page_key(name)).or_insert(i);
    }
    let mut raw_order: Vec<usize> = (0..raw.len()).collect();
    raw_order.sort_by(|&a, &b| natord::compare(page_key(&raw[a]), page_key(&raw[b])));
    let mut result = PagePairs::default();
    let mut used = vec![false; truth.len()];
    for i in raw_order {
        match truth_by_key.get(page_key(&raw[i])) {
            Some(&t) if !used[t] => {
                used[t] = true;
                result.pairs.push((i, t));
            }
            _ => result.raw_only.push(i),
        }
    }
    result.truth_only = (0..truth.len()).filter(|&t| !used[t]).collect();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_count_characters_and_words_by_hand() {
        // truth "the cat sat" (11 chars, 3 words); hyp "tbe cat sat": 1 char, 1 word.
        let s = score("tbe cat\n sat", "the cat sat");
        assert_eq!(
            s,
            Score {
                char_errors: 1,
                truth_chars: 11,
                word_errors: 1,
                truth_words: 3
            }
        );
        // A word too many at the start costs the word and its space: "x " = 2 chars.
        assert_eq!(score("x the cat", "the cat").char_errors, 2);
        // A missing word at the end costs it and the space before it: " sat" = 4 chars.
        let s = score("the cat", "the cat sat");
        assert_eq!((s.char_errors, s.word_errors), (4, 1));
        // A split word: "ca t" vs "cat" is one inserted space and one extra token.
        let s = score("the ca t", "the cat");
        assert_eq!((s.char_errors, s.word_errors), (1, 2));
        // Nothing against something.
        let s = score("", "ab cd");
        assert_eq!((s.char_errors, s.word_errors), (5, 2));
        assert_eq!(
            score("same text", "same\ntext"),
            score("same text", "same text")
        );
        assert_eq!(score("same text", "same text").char_errors, 0);
    }

    #[test]
    fn stretches_across_short_matches_give_the_levenshtein_distance() {
        // Myers anchors on a lone common token (`the` or `thex` in the first pair: 8 or 10
        // characters), where a character table over the whole text finds 2 (`x` moved).
        let pairs = [
            ("thex the", "the thex"),
            ("tho cat , sat of dog", "the cats sat, of the dogs"),
            ("a , b , c", "a, b, c"),
            (
                "Roxnunmi.-1. 40 acres, parish of",
                "ROXBURGH. - 1. 40 acres, parish of",
            ),
            ("one two three four five", "one twu three four fife"),
        ];
        for (hyp, truth) in pairs {
            let hyp_chars: Vec<char> = hyp.chars().collect();
            let truth_chars: Vec<char> = truth.chars().collect();
            assert_eq!(
                score(hyp, truth).char_errors,
                levenshtein(&hyp_chars, &truth_chars),
                "{hyp:?} against {truth:?}"
            );
        }
    }

    #[test]
    fn truth_hyphens_follow_the_truths_convention() {
        let pages = vec![
            "12\nThe creden-\ntials of the south-\neast and a south-east wind.\nNord-\nAmerika"
                .to_string(),
            "[13]\nsecond page text\n7\n".to_string(),
        ];
        assert_eq!(
            normalise_truth(&pages, true),
            "The credentials of the south-east and a south-east wind. Nord-Amerika second page text"
        );
        // Without page furniture stripping (the triples layout) the numbers stay.
        assert!(normalise_truth(&pages, false).starts_with("12 The credentials"));
        // A dash after a space is not a broken word.
        assert_eq!(
            normalise_truth(&["a -\nb".to_string()], false),
            "a - b".to_string()
        );
    }

    #[test]
    fn triples_are_split_into_articles() {
        let text = "*$*OVERPROOF*$* 17 year 1900\nA tbe||@@||A the||@@||A the\nend||@@||end\n*$*OVERPROOF*$* 18 year 1901\nx||@@||y||@@||z\n";
        let articles = parse_triples(text);
        assert_eq!(articles.len(), 2);
        assert_eq!(articles[0].id, "17");
        assert_eq!(articles[0].raw, "A tbe\nend\n");
        assert_eq!(articles[0].truth, "A the\nend\n");
        assert_eq!(articles[0].peer, "A the\n\n");
        assert_eq!(
            (articles[1].raw.as_str(), articles[1].peer.as_str()),
            ("x\n", "z\n")
        );
    }

    #[test]
    fn pages_pair_by_their_leading_stem_in_natural_order() {
        let raw: Vec<String> = ["10.abbyy.txt", "9.abbyy.txt", "11.abbyy.txt"]
            .map(String::from)
            .to_vec();
        let truth: Vec<String> = ["9.gt.txt", "10.gt.txt", "12.gt.txt"]
            .map(String::from)
            .to_vec();
        let pairs = pair_pages(&raw, &truth);
        assert_eq!(pairs.pairs, vec![(1, 0), (0, 1)]);
        assert_eq!(pairs.raw_only, vec![2]);
        assert_eq!(pairs.truth_only, vec![2]);
    }

    #[test]
    fn correctness_looks_at_tokens_and_missing_truth() {
        // hyp: a b c ; truth: a X c d  → a=, b→X replaced, c=, d inserted at the end.
        let ops = align(&["a", "b", "c"], &["a", "X", "c", "d"]);
        let right = Correctness::new(3, &ops);
        assert!(right.right(0..1));
        assert!(!right.right(1..2));
        assert!(!right.right(0..3));
        assert!(right.right(2..3));
        // A truth token is missing after c (d), and where b stands (X).
        assert!(!right.right(1..1));
        assert!(!right.right(3..3));
    }
}

/// One document of a corpus file: an id, the raw OCR and its truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub id: String,
    pub raw: String,
    pub truth: String,
}

/// The documents of a CSV file of OCR and truth: columns `OCR Text` and `Ground Truth` when the
/// header names them (BLN600), otherwise the first two; consecutive rows with the same
/// `Sample ID` form one document (a line each), otherwise each row is one.
pub fn parse_csv_pairs(text: &str) -> Result<Vec<Pair>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("header: {e}"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (raw_col, truth_col) = match (column("OCR Text"), column("Ground Truth")) {
        (Some(r), Some(t)) => (r, t),
        _ => (0, 1),
    };
    let id_col = column("Sample ID");
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: {e}", i + 2))?;
        let field = |c: usize| record.get(c).unwrap_or("").to_string();
        let id = id_col.map_or_else(|| format!("row-{}", i + 2), field);
        let (raw, truth) = (field(raw_col), field(truth_col));
        match pairs.last_mut() {
            Some(last) if id_col.is_some() && last.id == id => {
                last.raw.push('\n');
                last.raw.push_str(&raw);
                last.truth.push('\n');
                last.truth.push_str(&truth);
            }
            _ => pairs.push(Pair { id, raw, truth }),
        }
    }
    Ok(pairs)
}

/// The raw OCR and truth of an ICDAR 2017 post-OCR file. The truth is `[ GS_aligned]` without its
/// gap signs (`@`); where it has no truth (`#`) the aligned OCR is left out of both sides, so
/// that what nobody transcribed is neither an error nor a repair. `None` when a line is missing.
pub fn parse_icdar(text: &str) -> Option<(String, String)> {
    let line = |mark: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(mark))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
    };
    let ocr = line("[OCR_aligned]")?;
    let gs = line("[ GS_aligned]")?;
    let (mut raw, mut truth) = (String::new(), String::new());
    for (o, g) in ocr.chars().zip(gs.chars()) {
        if g == '#' {
            continue;
        }
        if o != '@' {
            raw.push(o);
        }
        if g != '@' {
            truth.push(g);
        }
    }
    Some((raw, truth))
}

/// The rows of a Viral Texts OCR evaluation file: `<ROW>` elements with `<id>`, `<text>` (OCR)
/// and `<fixed>` (the correction), XML entities decoded.
pub fn parse_xml_rows(text: &str) -> Vec<Pair> {
    fn element<'a>(row: &'a str, name: &str) -> Option<&'a str> {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let start = row.find(&open)? + open.len();
        let end = start + row[start..].find(&close)?;
        Some(&row[start..end])
    }
    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    }
    text.split("<ROW>")
        .skip(1)
        .enumerate()
        .filter_map(|(i, row)| {
            Some(Pair {
                id: element(row, "id").map_or_else(|| format!("row-{}", i + 1), unescape),
                raw: unescape(element(row, "text")?),
                truth: unescape(element(row, "fixed")?),
            })
        })
        .collect()
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn csv_rows_are_grouped_by_sample() {
        let text = "Sample ID,Date,Publication,OCR Text,Ground Truth,CER\n1,d,p,tbe cat,the cat,0.1\n1,d,p,\"a, b\",\"a, b\",0\n2,d,p,x,y,1\n";
        let pairs = parse_csv_pairs(text).unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].raw, "tbe cat\na, b");
        assert_eq!(pairs[0].truth, "the cat\na, b");
        let plain = parse_csv_pairs("ocr,truth\ntbe,the\n").unwrap();
        assert_eq!(plain[0].raw, "tbe");
        assert_eq!(plain[0].id, "row-2");
    }

    #[test]
    fn icdar_gaps_and_untranscribed_spans_are_dropped() {
        let text =
            "[OCR_toInput] tbe cat xx\n[OCR_aligned] tbe c@at xx\n[ GS_aligned] the ca@t ##\n";
        let (raw, truth) = parse_icdar(text).unwrap();
        assert_eq!(raw, "tbe cat ");
        assert_eq!(truth, "the cat ");
        assert!(parse_icdar("[OCR_toInput] x\n").is_none());
    }

    #[test]
    fn ligatures_of_the_truth_are_their_letters_as_in_the_output() {
        let truth = vec!["The \u{fb01}rst o\u{fb00}er, \u{fb03}ce \u{fb02}ed".to_string()];
        assert_eq!(
            normalise_truth(&truth, false),
            "The first offer, ffice fled"
        );
        // Scored against the cleaned output of the same words, no error.
        let scores = score("The first offer, ffice fled", &truth[0]);
        assert_eq!((scores.word_errors, scores.char_errors), (0, 0));
    }

    #[test]
    fn soft_hyphens_of_the_truth_join_their_word() {
        let truth = vec!["Or\u{ad}\nder re\u{ad}stored".to_string()];
        assert_eq!(normalise_truth(&truth, false), "Order restored");
    }

    #[test]
    fn xml_rows_are_read_with_entities() {
        let text = "<transcript><ROW><id>a</id><text>tbe &amp; c</text><fixed>the &amp; c</fixed></ROW></transcript>";
        let rows = parse_xml_rows(text);
        assert_eq!(
            rows,
            vec![Pair {
                id: "a".into(),
                raw: "tbe & c".into(),
                truth: "the & c".into()
            }]
        );
    }
}
