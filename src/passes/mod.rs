//! The passes of the pipeline. Each pass reads the working text and proposes [`Edit`]s with their
//! evidence; it never writes text itself (the engine in [`crate::text`] does). Each lives in its own
//! file, with its algorithm and its known false positives in its module doc and its tests beside it.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use crate::analysis::Analysis;
use crate::change::{Edit, Proposals};
use crate::layout::{self, PageSpan};
use crate::lexicon::Lexicon;
use crate::pipeline::{self, Config};
use crate::rules::RuleSet;

pub use crate::change::BuiltinRule;

pub mod boundaries;
pub mod confusions;
pub mod dehyphenate;
pub mod footnotes;
pub mod furniture;
pub mod links;
pub mod misreadings;
pub mod normalise;
pub mod numbers;
pub mod pages;
pub mod real_words;
pub mod reflow;
pub mod substitute;

/// What every pass may read besides the text.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Language of the document (ISO 639-1), when known.
    pub language: Option<&'a str>,
    /// The data rules loaded from `rules/`.
    pub rules: &'a RuleSet,
    /// Rules switched off for this run.
    pub disabled: &'a BTreeSet<String>,
    /// The word list of the document's language, when there is one.
    pub lexicon: Option<&'a Lexicon>,
    /// The whole document as this stage receives it (the body, then each note), for document-wide
    /// statistics. A pass may be run on a footnote's text as well as on the body; this is always
    /// the whole document.
    pub document: &'a str,
    /// What the collection's corrected pages say about its words (`collection/LANG.toml`); `None`
    /// for the cautious defaults, and always when rule examples run.
    pub collection: Option<&'a crate::collection::Collection>,
    /// The shared analysis of `document`, made once per stage: tokens, word counts, pages.
    pub analysis: &'a Analysis<'a>,
    /// Where the text the pass is given lies in `document`.
    pub span: Range<usize>,
    /// Changes less sure than this are flagged by the pipeline, not applied. A pass never flags by
    /// it; it reads it only where a later decision of its own rests on whether an earlier edit
    /// will be applied (see [`Context::applies`]).
    pub min_confidence: f64,
}

impl<'a> Context<'a> {
    /// Whether the pipeline will apply an edit of this confidence (one policy, in the pipeline).
    pub fn applies(&self, confidence: f64) -> bool {
        pipeline::applies(confidence, self.min_confidence)
    }

    /// True when the pass runs on the whole document (not on one note's text, nor on the body
    /// while notes follow it).
    pub fn text_is_document(&self) -> bool {
        self.span == (0..self.document.len())
    }

    /// The pages and lines of `text`, the text the pass was given: the shared analysis's when it
    /// is the whole document, else split here.
    pub fn pages_of(&self, text: &str) -> Cow<'a, [PageSpan]> {
        if self.text_is_document() {
            Cow::Borrowed(self.analysis.pages())
        } else {
            Cow::Owned(layout::pages(text))
        }
    }
}

/// Runs one pass alone on a string, with the pipeline's policy (disabled rules dropped, the
/// confidence threshold turning weak edits into review flags): for tests and rule examples.
///
/// ```
/// use ocrclean::passes::{OnePass, reflow::Reflow};
/// assert_eq!(OnePass::new(&Reflow).apply("One\nline.\n"), "One line.\n");
/// ```
pub struct OnePass<'a> {
    pass: &'a dyn Pass,
    rules: Option<&'a RuleSet>,
    config: Config,
    document: Option<&'a str>,
    collection: bool,
}

impl<'a> OnePass<'a> {
    pub fn new(pass: &'a dyn Pass) -> Self {
        Self {
            pass,
            rules: None,
            config: Config::default(),
            document: None,
            collection: false,
        }
    }

    /// The rules and lexicons to use (default: none).
    pub fn rules(mut self, rules: &'a RuleSet) -> Self {
        self.rules = Some(rules);
        self
    }

    pub fn language(mut self, language: &str) -> Self {
        self.config.language = Some(language.to_string());
        self
    }

    /// Switches off a rule, as `--disable` does.
    pub fn disable(mut self, id: &str) -> Self {
        self.config.disabled.insert(id.to_string());
        self
    }

    pub fn min_confidence(mut self, min_confidence: f64) -> Self {
        self.config.min_confidence = min_confidence;
        self
    }

    /// Reads the rules' collection settings (`collection/LANG.toml`), as the pipeline does
    /// (default: not, as rule examples run).
    pub fn collection_settings(mut self) -> Self {
        self.collection = true;
        self
    }

    /// The whole document the text belongs to (default: the text itself).
    pub fn document(mut self, document: &'a str) -> Self {
        self.document = Some(document);
        self
    }

    /// The edits the pipeline would take from the pass on `text`.
    pub fn edits(&self, text: &str) -> Vec<Edit> {
        static NO_RULES: OnceLock<RuleSet> = OnceLock::new();
        let rules = self
            .rules
            .unwrap_or_else(|| NO_RULES.get_or_init(RuleSet::default));
        let document = self.document.unwrap_or(text);
        let analysis = Analysis::new(document);
        let span = match self.document {
            None => 0..document.len(),
            Some(document) => document.find(text).map_or(0..0, |at| at..at + text.len()),
        };
        let ctx = Context {
            language: self.config.language.as_deref(),
            rules,
            disabled: &self.config.disabled,
            lexicon: rules.lexicon(self.config.language.as_deref()),
            collection: self
                .collection
                .then(|| rules.collection(self.config.language.as_deref()))
                .flatten(),
            document,
            analysis: &analysis,
            span,
            min_confidence: self.config.min_confidence,
        };
        pipeline::settle(self.pass.run(text, &ctx), &self.config)
    }

    /// `text` with the pass's applied edits (not its review flags).
    pub fn apply(&self, text: &str) -> String {
        crate::change::apply_edits(text, &self.edits(text))
    }
}

/// One stage of the pipeline.
pub trait Pass: Send + Sync {
    /// Short name, recorded in every change (`normalise`, `reflow`, ...).
    fn name(&self) -> &'static str;
    /// The rules implemented in code by this pass.
    fn builtin_rules(&self) -> &'static [BuiltinRule];
    /// Proposes edits on `text`, in byte offsets of `text`.
    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit>;
    /// Like [`Pass::run`], with each edit added to `out` as it is made. The pipeline calls this:
    /// a pass that proposes one edit per line overrides it, so that its edits are never all held
    /// as [`Edit`]s.
    fn propose(&self, text: &str, ctx: &Context, out: &mut Proposals) {
        out.extend(self.run(text, ctx));
    }
}
