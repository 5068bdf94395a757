//! Substitute: the data rules of `rules/*.toml`, run in file order on the reflowed text.
//!
//! A rule runs when it is enabled, not switched off for the run, and its language list is empty or
//! names the document's language. Rules see whole paragraphs, so their context can span what were
//! line breaks in the raw text. When two rules want the same stretch, the first rule wins and the
//! engine records the other as refused.

use super::{BuiltinRule, Context, Pass};
use crate::change::Edit;

pub struct Substitute;

impl Pass for Substitute {
    fn name(&self) -> &'static str {
        "substitute"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        &[]
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        ctx.rules
            .rules
            .iter()
            .filter(|r| r.enabled && !ctx.disabled.contains(&r.id) && r.applies_to(ctx.language))
            .flat_map(|r| r.edits(text))
            .collect()
    }
}
