//! Pages: where one printed page ends and the next begins.
//!
//! Page breaks known from the input (a form feed in a file, or the boundary between two page files,
//! which the loader turns into a form feed) are already in the text. This pass adds the ones that
//! only the text shows: each [`BoundaryDetector`] looks for a convention of the document (such as
//! a page's first line starting with one space) and proposes a form feed at each boundary it finds,
//! with the evidence for the convention. Later passes (furniture, footnotes, reflow) read pages from
//! the form feeds, so every page break they see has been decided here.

use super::{BuiltinRule, Context, Pass};
use crate::change::Edit;

/// A way of finding page boundaries that the text shows but no form feed marks.
pub trait BoundaryDetector: Send + Sync {
    /// Offsets at which a page starts (each the start of a line), with the evidence for each.
    fn detect(&self, text: &str) -> Vec<(usize, String)>;
}

/// The pages pass and its detectors, tried in order.
#[derive(Default)]
pub struct Pages {
    detectors: Vec<Box<dyn BoundaryDetector>>,
}

impl Pages {
    pub fn with_detectors(detectors: Vec<Box<dyn BoundaryDetector>>) -> Self {
        Self { detectors }
    }
}

const RULES: &[BuiltinRule] = &[BuiltinRule {
    id: "pages.boundary",
    description: "Page break inserted where the document's own page convention shows one.",
}];

impl Pass for Pages {
    fn name(&self) -> &'static str {
        "pages"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, _ctx: &Context) -> Vec<Edit> {
        // Documents that mark their pages need no guessing.
        if text.contains('\x0c') {
            return Vec::new();
        }
        let mut edits = Vec::new();
        for detector in &self.detectors {
            for (at, evidence) in detector.detect(text) {
                if at > 0 && text.is_char_boundary(at) {
                    edits.push(
                        Edit::new(at..at, "\x0c", "pages.boundary")
                            .confidence(0.9)
                            .evidence(evidence),
                    );
                }
            }
            if !edits.is_empty() {
                break;
            }
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::rules::RuleSet;

    struct EveryThirdLine;

    impl BoundaryDetector for EveryThirdLine {
        fn detect(&self, text: &str) -> Vec<(usize, String)> {
            let mut starts = vec![0];
            starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
            starts
                .into_iter()
                .step_by(3)
                .map(|i| (i, "every third line".into()))
                .collect()
        }
    }

    #[test]
    fn detectors_propose_page_breaks_unless_the_text_has_form_feeds() {
        let rules = RuleSet::default();
        let disabled = BTreeSet::new();
        let ctx = Context::new(None, &rules, &disabled, "");
        let pass = Pages::with_detectors(vec![Box::new(EveryThirdLine)]);
        let edits = pass.run("a\nb\nc\nd\ne\n", &ctx);
        assert_eq!(
            edits.iter().map(|e| e.range.start).collect::<Vec<_>>(),
            vec![6]
        );
        assert!(pass.run("a\nb\x0cc\nd\ne\n", &ctx).is_empty());
    }
}
