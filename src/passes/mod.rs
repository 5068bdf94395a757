//! The passes of the pipeline. Each pass reads the working text and proposes [`Edit`]s with their
//! evidence; it never writes text itself (the engine in [`crate::text`] does). Each lives in its own
//! file, with its algorithm and its known false positives in its module doc and its tests beside it.

use std::any::Any;
use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::change::Edit;
use crate::lexicon::Lexicon;
use crate::rules::RuleSet;

pub mod confusions;
pub mod dehyphenate;
pub mod footnotes;
pub mod furniture;
pub mod links;
pub mod normalise;
pub mod numbers;
pub mod pages;
pub mod reflow;
pub mod substitute;

/// A rule that a pass implements in code, as `rules list` and the report show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinRule {
    pub id: &'static str,
    pub description: &'static str,
}

/// What every pass may read besides the text.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Language of the document (ISO 639-1), when known.
    pub language: Option<&'a str>,
    /// The data rules loaded from `rules/`.
    pub rules: &'a RuleSet,
    /// Rules switched off for this run.
    pub disabled: &'a BTreeSet<String>,
    /// The word list of the document's language, when there is one.
    pub lexicon: Option<&'a Lexicon>,
    /// The whole document as this pass receives it (the body, then each note), for document-wide
    /// statistics. A pass may be run on a footnote's text as well as on the body; this is always
    /// the whole document.
    pub document: &'a str,
    /// Where a pass may keep what it derives from `document` (word counts) while the pipeline runs
    /// it on the body and then on each note, which all see the same body: see [`Context::memo`].
    pub memo: Option<&'a DocumentMemo>,
}

/// One value derived from the body, shared by the runs of one pass on the body and on each note.
/// Without it a pass that counts the body's words would count them again for every note, and a
/// document with many notes would cost time in proportion to notes x body.
#[derive(Debug, Default)]
pub struct DocumentMemo(OnceLock<Box<dyn Any + Send + Sync>>);

impl<'a> Context<'a> {
    pub fn new(
        language: Option<&'a str>,
        rules: &'a RuleSet,
        disabled: &'a BTreeSet<String>,
        document: &'a str,
    ) -> Self {
        Self {
            language,
            rules,
            disabled,
            lexicon: rules.lexicon(language),
            document,
            memo: None,
        }
    }

    /// The same context with `memo` for values derived from `document`.
    pub fn with_memo(self, memo: &'a DocumentMemo) -> Self {
        Self {
            memo: Some(memo),
            ..self
        }
    }

    /// The value `make(document)`, computed once per memo: `None` when the context has no memo or
    /// the memo holds a value of another type, and the caller computes it itself.
    pub fn memo<T: Any + Send + Sync>(&self, make: impl FnOnce(&str) -> T) -> Option<&'a T> {
        self.memo?
            .0
            .get_or_init(|| Box::new(make(self.document)))
            .downcast_ref::<T>()
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
}
