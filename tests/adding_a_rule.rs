//! How a newcomer adds a built-in rule: one file holds the rule (a `const BuiltinRule` beside the
//! code that emits it, in a pass), and one line registers it (the pass's `RULES`, plus the pass in
//! `pipeline::passes()` when the pass is new). This test writes such a pass outside the crate and
//! shows what the registration gives: the rule is in the registry that `rules list` and
//! `--disable` read, its edits carry its id, and the pipeline's policy (threshold, `--disable`)
//! applies to it without a line of its own.
//!
//! The rule here flags a word written twice in a row (`the the`), a common OCR and typing slip;
//! it only flags, since `that that` can be right.

use ocrclean::passes::{BuiltinRule, Context, OnePass, Pass};
use ocrclean::{ChangeKind, Edit};

/// Step 1: the rule, declared next to the code that emits it.
pub const DOUBLED_WORD: BuiltinRule = BuiltinRule {
    id: "doubled.word",
    description: "A word written twice in a row (`the the`), flagged for review.",
};

/// Step 2: the pass lists it in its `RULES` (its registration).
const RULES: &[BuiltinRule] = &[DOUBLED_WORD];

struct Doubled;

impl Pass for Doubled {
    fn name(&self) -> &'static str {
        "doubled"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    /// Reads the tokens of the shared analysis instead of scanning the text again.
    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let document = ctx.analysis.document();
        let tokens: Vec<_> = ctx
            .analysis
            .tokens()
            .iter()
            .filter(|t| ctx.span.start <= t.range().start && t.range().end <= ctx.span.end)
            .collect();
        let mut edits = Vec::new();
        for pair in tokens.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let between = &document[a.range().end..b.range().start];
            if between == " " && a.text(document).eq_ignore_ascii_case(b.text(document)) {
                let start = a.range().end - ctx.span.start;
                let end = b.range().end - ctx.span.start;
                edits.push(
                    Edit::new(start..end, "", DOUBLED_WORD)
                        .kind(ChangeKind::Review)
                        .confidence(0.5)
                        .evidence(format!("{:?} twice in a row", &text[start + 1..end])),
                );
            }
        }
        edits
    }
}

#[test]
fn a_new_rule_is_registered_emitted_and_governed_by_the_pipeline() {
    // Registered: what `rules list` shows and `--disable` accepts.
    let mut passes = ocrclean::pipeline::passes();
    passes.push(Box::new(Doubled));
    let registry = ocrclean::pipeline::registry(&passes);
    assert!(
        registry
            .iter()
            .any(|(stage, rule)| *stage == "doubled" && rule.id == "doubled.word")
    );

    // Emitted: flagged where a word is doubled, nothing where none is (a negative example).
    let edits = OnePass::new(&Doubled).edits("It was the the end. That that is so.");
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|e| e.rule == DOUBLED_WORD.id));
    assert!(edits.iter().all(|e| e.kind == ChangeKind::Review));
    assert!(
        OnePass::new(&Doubled)
            .edits("The end; then the other.")
            .is_empty()
    );
    // Governed by the pipeline's policy, with no code of its own: `--disable doubled.word`.
    assert!(
        OnePass::new(&Doubled)
            .disable("doubled.word")
            .edits("the the end")
            .is_empty()
    );
    // Flags change nothing.
    assert_eq!(OnePass::new(&Doubled).apply("the the end"), "the the end");
}
