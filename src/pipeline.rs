//! The pipeline: one ordered list of passes, and the [`Cleaner`] that runs it on a document.
//!
//! Data flows one way: decode → normalise → pages → furniture → footnotes → dehyphenate (line
//! ends) → reflow → confusions → dehyphenate-inline (a hyphen before a space inside a line) →
//! substitute → numbers → links.
//! The order is the semantics: a footnote block can sit between the two halves of a hyphenated
//! word, so furniture and notes must leave before lines are joined, and token rules must see joined
//! paragraphs.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::{Duration, Instant};

use crate::analysis::Analysis;
use crate::change::{BuiltinRule, Change, ChangeKind, ChangeSink, Edit, InNote, Proposals};
use crate::decode::{self, decode};
use crate::document::Document;
use crate::error::DecodeError;
use crate::lang;
use crate::passes::{self, Context, Pass};
use crate::rules::RuleSet;
use crate::text::{SourceMap, Text};

/// Options of a run that change what the passes do.
#[derive(Debug, Clone)]
pub struct Config {
    /// Language to assume (ISO 639-1); `None` detects it per document.
    pub language: Option<String>,
    /// Rule ids (built-in or data) switched off.
    pub disabled: BTreeSet<String>,
    /// Changes less sure than this are listed for review instead of applied.
    pub min_confidence: f64,
    /// Decode invalid UTF-8 as U+FFFD (recorded) instead of refusing the document.
    pub lossy: bool,
}

/// The default of `--min-confidence`. Measured on line-aligned ground truth (MiBio 1907, Overproof
/// SMH): the token passes' precision is 0.98-0.99 at 0.6, 0.7 and 0.8 alike, while 0.7 drops 15% and
/// 0.8 drops 87% of the correct repairs on the newspaper text; the passes flag doubtful cases
/// themselves (`ChangeKind::Review`) rather than relying on the threshold.
pub const DEFAULT_MIN_CONFIDENCE: f64 = 0.6;

impl Default for Config {
    fn default() -> Self {
        Self {
            language: None,
            disabled: BTreeSet::new(),
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            lossy: false,
        }
    }
}

/// What cleaning one document produced. Every output file is rendered from this.
#[derive(Debug, Clone)]
pub struct Cleaned {
    pub body: String,
    /// Where each byte of the body came from in the raw input.
    pub source_map: SourceMap,
    /// Footnotes, in order, each without its `[^N]: ` prefix.
    pub notes: Vec<String>,
    pub changes: Vec<Change>,
    pub language: Option<String>,
}

/// The passes in the order they run.
pub fn passes() -> Vec<Box<dyn Pass>> {
    vec![
        // Encoding debris first: every later pass may assume LF line ends and NFC.
        Box::new(passes::normalise::Normalise),
        // Pages next: furniture and footnotes are found per page.
        Box::new(passes::pages::Pages::standard()),
        // Page furniture next, at the page edges that the pages pass settled.
        Box::new(passes::furniture::Furniture),
        // Footnotes once furniture is gone, so that a block ends at the foot of its page.
        Box::new(passes::footnotes::Footnotes),
        // Words split at a line end before reflow, once furniture and notes no longer stand
        // between the halves; reflow then sees whole words and no line end inside them.
        Box::new(passes::dehyphenate::Dehyphenate::LINE_ENDS),
        // Lines into paragraphs once the page furniture is out of the way.
        Box::new(passes::reflow::Reflow),
        // Words the collection's corrected pages show misread, before the word repairs so that
        // those count the repaired words.
        Box::new(passes::misreadings::Misreadings),
        // Misread words once paragraphs are whole, so a word cut by a line end is one token.
        Box::new(passes::confusions::Confusions),
        // A hyphen before a space inside a line after the word repairs, whose results are its
        // evidence (`Jaek- pudding` → `Jack- pudding`, which the document writes `Jack-pudding`):
        // decided before them, a second run would decide it again on the repaired halves.
        Box::new(passes::dehyphenate::Dehyphenate::INSIDE_LINES),
        // Data rules on whole paragraphs, so their context can span former line breaks; after the
        // word repairs, whose results they may need (`bod}' :` → `body :` → `body:` in one run).
        Box::new(passes::substitute::Substitute),
        // Misread ordinals and digits; after words, so the two never compete for a token.
        Box::new(passes::numbers::Numbers),
        // URLs last: they are repaired as wholes, after the passes that must leave them alone.
        Box::new(passes::links::Links),
    ]
}

/// Runs the pipeline; built once per batch (rules are compiled once) and shared across threads.
pub struct Cleaner {
    rules: RuleSet,
    config: Config,
    passes: Vec<Box<dyn Pass>>,
}

impl Cleaner {
    pub fn new(rules: RuleSet, config: Config) -> Self {
        Self {
            rules,
            config,
            passes: passes(),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn passes(&self) -> &[Box<dyn Pass>] {
        &self.passes
    }

    /// Every rule built into the tool, by the stage that emits it: the registry that `rules
    /// list`, `--disable` and the registry test read.
    pub fn builtin_rules(&self) -> Vec<(&'static str, &'static BuiltinRule)> {
        registry(&self.passes)
    }

    /// The edits `pass` proposes on `text`, which lies at `span` in `analysis`'s document,
    /// settled by the run's policy ([`settle`]).
    fn proposals(
        &self,
        pass: &dyn Pass,
        text: &str,
        span: Range<usize>,
        analysis: &Analysis,
        language: Option<&str>,
    ) -> Proposals {
        let ctx = Context {
            language,
            rules: &self.rules,
            disabled: &self.config.disabled,
            lexicon: self.rules.lexicon(language),
            collection: self.rules.collection(language),
            document: analysis.document(),
            analysis,
            span,
            min_confidence: self.config.min_confidence,
        };
        let mut proposals = Proposals::default();
        pass.propose(text, &ctx, &mut proposals);
        settle_proposals(proposals, &self.config)
    }

    /// Cleans one document. Fails only when the input is not UTF-8 and lossy decoding is off.
    pub fn clean(&self, doc: &Document) -> Result<Cleaned, DecodeError> {
        let mut changes = Vec::new();
        let cleaned = self.run(doc, None, &mut changes)?;
        Ok(Cleaned { changes, ..cleaned })
    }

    /// Like [`Cleaner::clean`], with each change record handed to `sink` as the engine makes it,
    /// in the order of the change log, instead of kept: the result's `changes` is empty. The
    /// command line writes a long document's log this way without holding its records.
    pub fn clean_into(
        &self,
        doc: &Document,
        sink: &mut dyn ChangeSink,
    ) -> Result<Cleaned, DecodeError> {
        self.run(doc, None, sink)
    }

    /// Like [`Cleaner::clean`], and adds the time each stage took to `timings` (for the benchmark;
    /// the plain path reads no clock).
    pub fn clean_timed(
        &self,
        doc: &Document,
        timings: &mut PassTimings,
    ) -> Result<Cleaned, DecodeError> {
        let mut changes = Vec::new();
        let cleaned = self.run(doc, Some(timings), &mut changes)?;
        Ok(Cleaned { changes, ..cleaned })
    }

    /// The pipeline; the records go to `changes`, the result's own `changes` is left empty.
    fn run(
        &self,
        doc: &Document,
        mut timings: Option<&mut PassTimings>,
        changes: &mut dyn ChangeSink,
    ) -> Result<Cleaned, DecodeError> {
        let mut clock = timings.as_ref().map(|_| Instant::now());
        // Adds the time since the last lap to `stage`.
        let mut lap = |stage: &'static str, timings: &mut Option<&mut PassTimings>| {
            if let (Some(t), Some(started)) = (timings.as_deref_mut(), clock.as_mut()) {
                let now = Instant::now();
                t.add(stage, now - *started);
                *started = now;
            }
        };
        let (mut text, decoded) = decode(doc, self.config.lossy)?;
        changes.reserve(decoded.len());
        for change in decoded {
            changes.record(change);
        }
        lap("decode", &mut timings);
        let language = self
            .config
            .language
            .clone()
            .or_else(|| lang::detect(text.as_str()).map(str::to_string));
        lap("language", &mut timings);
        let mut notes: BTreeMap<usize, Text> = BTreeMap::new();
        for pass in &self.passes {
            // Document-wide statistics see the body and the notes (a note's URL convention or a
            // name may be attested only in another note): the document is the body, then each
            // note after a blank line.
            let body_len = text.as_str().len();
            let mut note_spans = Vec::with_capacity(notes.len());
            let mut end = body_len;
            for note in notes.values() {
                note_spans.push(end + 2..end + 2 + note.as_str().len());
                end += 2 + note.as_str().len();
            }
            let tail = notes.values().flat_map(|note| ["\n\n", note.as_str()]);
            let (edits, note_edits) = text.with_tail(tail, |document| {
                // The body's and every note's run read the same analysis: what passes derive from
                // the document is derived once per stage.
                let analysis = Analysis::new(document);
                let edits = self.proposals(
                    pass.as_ref(),
                    &document[..body_len],
                    0..body_len,
                    &analysis,
                    language.as_deref(),
                );
                // Passes after the footnotes pass run on each note's text as well as on the body.
                let note_edits: Vec<Proposals> = notes
                    .values()
                    .zip(note_spans)
                    .map(|(note, span)| {
                        self.proposals(
                            pass.as_ref(),
                            note.as_str(),
                            span,
                            &analysis,
                            language.as_deref(),
                        )
                    })
                    .collect();
                (edits, note_edits)
            });
            // Exact growth, once per stage: the log of a long document is its largest structure,
            // and doubling would leave up to half of it unused. The records are appended in
            // place (see `Text::apply_into`).
            changes.reserve(edits.len() + note_edits.iter().map(Proposals::len).sum::<usize>());
            let moved = text.apply_into(doc, pass.name(), edits, changes);
            for ((&number, note), edits) in notes.iter_mut().zip(note_edits) {
                apply_in_note(note, number, doc, pass.name(), edits, changes);
            }
            for (number, note) in moved {
                match notes.get_mut(&number) {
                    // A note that continues on the next page: its parts join at a line end.
                    Some(first) => first.append("\n", note),
                    None => {
                        notes.insert(number, note);
                    }
                }
            }
            lap(pass.name(), &mut timings);
        }
        // A note is one paragraph of the notes file: what reflow left as breaks inside it is joined.
        for (&number, note) in notes.iter_mut() {
            let edits = Proposals::from(note_line_breaks(note.as_str()));
            changes.reserve(edits.len());
            apply_in_note(note, number, doc, "notes", edits, changes);
        }
        lap("notes", &mut timings);
        let (body, source_map) = text.into_parts();
        Ok(Cleaned {
            source_map,
            body,
            // Notes are numbered 1..=n by the footnotes pass; a gap would be a bug, shown as empty.
            notes: (1..=notes.keys().max().copied().unwrap_or(0))
                .map(|n| {
                    notes
                        .get(&n)
                        .map_or(String::new(), |t| t.as_str().trim_end().to_string())
                })
                .collect(),
            changes: Vec::new(),
            language,
        })
    }
}

/// Whether an edit of `confidence` is applied under the threshold `min_confidence`: the one place
/// this is decided.
pub fn applies(confidence: f64, min_confidence: f64) -> bool {
    confidence >= min_confidence
}

/// The edits of a pass as the run takes them: without disabled rules, and with those below the
/// confidence threshold turned into review flags. Passes report confidence; this decides.
pub fn settle(edits: Vec<Edit>, config: &Config) -> Vec<Edit> {
    settle_proposals(edits.into(), config).into_edits()
}

/// [`settle`] on the proposals as the engine holds them.
pub fn settle_proposals(mut proposals: Proposals, config: &Config) -> Proposals {
    proposals.retain(|p| !config.disabled.contains(p.reason.rule.as_ref()));
    // Decided once per distinct reason: the threshold reads only the reason.
    for reason in proposals.reasons_mut() {
        if !applies(reason.confidence, config.min_confidence) && reason.kind != ChangeKind::Review {
            reason.evidence = format!(
                "below the confidence threshold {}: {}",
                config.min_confidence, reason.evidence
            )
            .into();
            reason.kind = ChangeKind::Review;
            reason.move_to_note = None;
        }
    }
    // A pass collects its proposals by doubling; the unused half would stay allocated beside the
    // stage's change records while the engine applies them (for a long document's line joins,
    // about as much memory as the records themselves).
    proposals.shrink_to_fit();
    proposals
}

/// The rule of the stage that joins each note into one paragraph.
pub const NOTE_ONE_PARAGRAPH: BuiltinRule = BuiltinRule {
    id: "notes.one-paragraph",
    description: "The lines and paragraphs of a footnote joined into one paragraph of the notes file.",
};

/// The rules of the notes stage, as registered.
const NOTES_RULES: &[BuiltinRule] = &[NOTE_ONE_PARAGRAPH];

/// The registry of built-in rules: the decoder's, each pass's (its `RULES`, which lists the
/// `const`s declared beside the code that emits them), and the notes stage's. A rule emitted by
/// code but missing here fails the registry test (`tests/registry.rs`).
pub fn registry(passes: &[Box<dyn Pass>]) -> Vec<(&'static str, &'static BuiltinRule)> {
    let stages = std::iter::once(("decode", decode::RULES))
        .chain(passes.iter().map(|p| (p.name(), p.builtin_rules())))
        .chain(std::iter::once(("notes", NOTES_RULES)));
    stages
        .flat_map(|(stage, rules)| rules.iter().map(move |r| (stage, r)))
        .collect()
}

/// Time spent in each stage of the pipeline (decode, language detection, each pass with the engine
/// applying its edits, the notes), summed over the documents cleaned with [`Cleaner::clean_timed`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassTimings {
    /// Stages in the order they first ran.
    pub stages: Vec<(&'static str, Duration)>,
}

impl PassTimings {
    pub fn add(&mut self, stage: &'static str, took: Duration) {
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += took,
            None => self.stages.push((stage, took)),
        }
    }

    /// The time of `stage`, if it ran.
    pub fn get(&self, stage: &str) -> Option<Duration> {
        self.stages
            .iter()
            .find(|(s, _)| *s == stage)
            .map(|(_, d)| *d)
    }

    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

/// Edits that join the lines and paragraphs inside a note into one paragraph. (The line end that
/// reflow leaves after the note is the paragraph end that the notes file writes.)
fn note_line_breaks(note: &str) -> Vec<Edit> {
    let trimmed = note.trim_end();
    let mut edits = Vec::new();
    let mut pos = 0;
    while let Some(i) = trimmed[pos..].find('\n') {
        let start = pos + i;
        let end = start + trimmed[start..].len() - trimmed[start..].trim_start().len();
        edits.push(
            Edit::new(start..end, " ", NOTE_ONE_PARAGRAPH)
                .confidence(0.9)
                .evidence("a note is one paragraph of the notes file"),
        );
        pos = end;
    }
    edits
}

/// Applies `edits` to the text of note `number` and hands their records to `changes`; they say
/// which note they were made in.
fn apply_in_note(
    note: &mut Text,
    number: usize,
    doc: &Document,
    pass: &'static str,
    edits: Proposals,
    changes: &mut dyn ChangeSink,
) {
    let mut in_note = InNote {
        sink: changes,
        note: crate::change::small(number),
    };
    note.apply_into(doc, pass, edits, &mut in_note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_points_at_its_raw_text() {
        let raw = "\u{FEFF}Title\r\n\r\nA line that is\r\nwrapped.  \r\n";
        let doc = Document::from_bytes("t", raw.as_bytes().to_vec());
        let cleaned = Cleaner::new(RuleSet::default(), Config::default())
            .clean(&doc)
            .unwrap();
        assert_eq!(cleaned.body, "Title\n\nA line that is wrapped.\n");
        for change in cleaned.changes.iter().filter(|c| c.pass == "normalise") {
            assert_eq!(
                &raw.as_bytes()[change.raw.start..change.raw.end],
                change.before.as_bytes()
            );
        }
    }

    #[test]
    fn disabled_rules_and_low_confidence_changes_are_not_applied() {
        let doc = Document::from_bytes("t", b"a\r\nb".to_vec());
        let config = Config {
            disabled: ["normalise.crlf".to_string()].into(),
            ..Config::default()
        };
        let cleaned = Cleaner::new(RuleSet::default(), config)
            .clean(&doc)
            .unwrap();
        assert!(cleaned.changes.iter().all(|c| c.rule != "normalise.crlf"));
        let strict = Config {
            min_confidence: 0.99,
            ..Config::default()
        };
        let cleaned = Cleaner::new(RuleSet::default(), strict)
            .clean(&doc)
            .unwrap();
        assert_eq!(cleaned.body, "a\nb\n");
        assert!(
            cleaned
                .changes
                .iter()
                .any(|c| c.rule == "reflow.join-lines" && !c.applied)
        );
    }

    #[test]
    fn timed_cleaning_gives_the_same_result_and_times_every_stage() {
        let doc = Document::from_bytes("t", b"A line\r\nwrapped.\n".to_vec());
        let cleaner = Cleaner::new(RuleSet::default(), Config::default());
        let mut timings = PassTimings::default();
        let timed = cleaner.clean_timed(&doc, &mut timings).unwrap();
        let plain = cleaner.clean(&doc).unwrap();
        assert_eq!((timed.body, timed.changes), (plain.body, plain.changes));
        let stages: Vec<&str> = timings.stages.iter().map(|(s, _)| *s).collect();
        let mut expected = vec!["decode", "language"];
        expected.extend(cleaner.passes().iter().map(|p| p.name()));
        expected.push("notes");
        assert_eq!(stages, expected);
        // A second document adds to the same stages.
        cleaner.clean_timed(&doc, &mut timings).unwrap();
        assert_eq!(timings.stages.len(), expected.len());
        assert_eq!(
            timings.total(),
            timings.stages.iter().map(|(_, d)| *d).sum()
        );
    }

    /// Passes report confidence; only the pipeline decides: a lower `--min-confidence` applies
    /// what a pass is unsure of, in dehyphenate (a syllable break across a blank line, 0.55) and
    /// in furniture (a garbled page number that the page sequence does not confirm, 0.4).
    #[test]
    fn the_threshold_reaches_every_pass() {
        let mut rules = RuleSet::default();
        let lexicon = "the\t0.05\nand\t0.03\nhere\t0.001\n";
        rules.lexicons.insert(
            "en".into(),
            crate::lexicon::Lexicon::parse("en", std::path::Path::new("en.tsv"), lexicon).unwrap(),
        );
        let lines = [
            "Here the story starts and the text runs on.\nThe text and the zorb-\n\nquil here.",
            "Another page of the text and more of it.",
            "A third page with other words on it here.",
            "The last page ends the text of the story.",
        ];
        let pages: Vec<String> = (10..14)
            .zip(lines)
            .map(|(n, body)| {
                let number = if n == 12 {
                    "l7".to_string()
                } else {
                    n.to_string()
                };
                format!("{number}\n{body}\n")
            })
            .collect();
        let doc = Document::from_bytes("t", pages.join("\x0c").into_bytes());
        let clean = |min_confidence: f64| {
            let config = Config {
                min_confidence,
                language: Some("en".into()),
                ..Config::default()
            };
            Cleaner::new(rules.clone(), config).clean(&doc).unwrap()
        };
        let applied = |cleaned: &Cleaned, rule: &str| -> Vec<bool> {
            let changes = cleaned.changes.iter().filter(|c| c.rule == rule);
            changes
                .filter(|c| c.before.contains(['l', '-']))
                .map(|c| c.applied)
                .collect()
        };
        let strict = clean(DEFAULT_MIN_CONFIDENCE);
        let lenient = clean(0.3);
        assert_eq!(applied(&strict, "dehyphenate.join"), vec![false]);
        assert_eq!(applied(&lenient, "dehyphenate.join"), vec![true]);
        assert!(strict.body.contains("l7") && !strict.body.contains("zorbquil"));
        assert!(!lenient.body.contains("l7") && lenient.body.contains("zorbquil"));
        assert_eq!(applied(&strict, "furniture.page-number"), vec![false]);
        assert_eq!(applied(&lenient, "furniture.page-number"), vec![true]);
        let flag = strict.changes.iter().find(|c| c.before == "l7\n").unwrap();
        assert!(
            flag.evidence
                .starts_with("below the confidence threshold 0.6")
        );
        assert_eq!(flag.kind, ChangeKind::Review);
    }
}
