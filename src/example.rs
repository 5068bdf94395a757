//! Examples, the tests that rule data carries: an input and the output it must give (equal to the
//! input when the rule must leave it alone). Every kind of rule data with examples (regex rules,
//! hyphenation files, spelling files, watermark files) is checked the same way, when it loads and by
//! `ocrclean rules test`; see [`crate::rules::RuleSet::examples`].

use serde::Deserialize;

/// An example of a rule: `output` equal to `input` means the rule must leave it alone.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub input: String,
    pub output: String,
}

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct ExampleOutcome {
    pub rule: String,
    pub index: usize,
    pub example: Example,
    pub actual: String,
}

impl ExampleOutcome {
    pub fn passed(&self) -> bool {
        self.actual == self.example.output
    }
}

/// The examples of a data file as read with their spans, and the line each starts on (for
/// messages).
pub fn with_lines(
    source: &str,
    spanned: Vec<toml::Spanned<Example>>,
) -> (Vec<Example>, Vec<usize>) {
    let lines = spanned
        .iter()
        .map(|e| source[..e.span().start].matches('\n').count() + 1)
        .collect();
    (spanned.into_iter().map(|e| e.into_inner()).collect(), lines)
}
