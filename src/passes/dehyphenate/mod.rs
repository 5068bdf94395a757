//! Dehyphenate: words split by a hyphen at a line end are joined, or their hyphen kept, from evidence.
//!
//! A *candidate* is a word part, a hyphen (`-`, or `¬` as German OCR writes the line-end hyphen),
//! a *gap* of whitespace, and the next word part. The gap holds a line end (possibly blank lines,
//! form feeds and indentation: page furniture and footnotes have left by now, so the seed's
//! `inter-` and `national` may be pages apart), or only spaces (`twenty- five`, which OCR left
//! inside a line). A hyphen with a space before it (` - `) is a dash and never a candidate.
//!
//! The pass runs in two steps of the pipeline. The first (`dehyphenate`), before reflow, decides
//! every candidate: the line ends (reflow must see whole words), and a hyphen inside a line when
//! the evidence is good enough to act on (`ex- clude` joins before the word repairs could read
//! `clude` as `dude`). A hyphen inside a line that it would only flag it leaves, unrecorded, to
//! the second step (`dehyphenate-inline`, with the same rules), after the word repairs: there
//! the halves are as the repairs leave them (`Jaek- pudding` is `Jack- pudding` by then, and the
//! document writes `Jack-pudding`), which is what a second run reads; decided only before the
//! repairs, cleaning the cleaned text changed them.
//!
//! For each candidate, with `L` the part before and `R` the part after, the first evidence that
//! speaks decides:
//!
//! 1. `R` is a conjunction of the language's data (`Haupt- und`, `pre- and post-war`): a suspended
//!    compound; the hyphen stays and the gap becomes one space.
//! 2. A digit before the break (`1695-1718`), or a number word of the data before it
//!    (`thirty-eight`): keep. A number after a word (`Sakhalin-3`, or a stray page number) is
//!    flagged for review.
//! 3. The document: how often `LR` (joined) and `L-R` (hyphenated inside a line) occur in the
//!    body, with the pass's own applied verdicts counted. The more frequent form wins.
//! 4. `R` starts with a capital (`Russia-Korea`, German `See-Elemente`): keep. (German nouns
//!    are capitalised, but a noun split at a syllable continues in lowercase: `Ge-wohnheiten`.)
//! 5. With the language's lexicon: a keep-prefix of the data (`non-`, `self-`) before a word
//!    that the lexicon knows much better than the joined form: keep (`ex-ample` still joins);
//!    inside a line, two words whose joined form the word repairs would split again (`of- the`,
//!    `ofthe` in web text): keep; a joined form the lexicon knows well: join; `L` written closed up as a prefix
//!    of other document words (`international`, `intergovernmental`): join, but not inside a line
//!    when `L` is a common word (`she- began` beside `sheriff`); two common words whose joined
//!    form is rare (`long-term`): keep; a rare joined form the lexicon knows: join; otherwise, in
//!    a language that writes compounds closed (German): join; two known words (`thirty-eight`):
//!    keep; else a syllable break: join, less sure.
//! 6. Without a lexicon (language unknown) and no evidence in the document: flagged for review.
//!
//! Across blank lines the evidence counts for less (what follows may be a heading or a table);
//! after a blank line or page break a capital may start a heading rather than continue the word:
//! flagged. A page break before a lowercase continuation counts as a line end: the printer cut the
//! word at the foot of the page and the next page's first line goes on with it (`a popo-` /
//! `laoe`, furniture removed between them). Inside a line, only evidence of confidence 0.8 or more
//! acts; weaker verdicts are flagged.
//! Joining removes the hyphen and the whole gap; keeping removes the gap and keeps the hyphen (`¬`
//! becomes `-`). Inside a line, a capital after `- ` is left alone (German enumerations
//! `Berg- Hütten- und Salinenwesen`), as is a suspended compound. A hyphen left for review is
//! joined by reflow with its hyphen kept, the conservative outcome.
//!
//! Known false positives: a syllable break whose halves are both words and whose joined form the
//! lexicon and the document lack is kept (`car-pet` if `carpet` were unknown), and so is a
//! keep-prefix before a word when the lexicon lacks the joined form (`pre-judging` at a page end
//! of the 1887 novel: the lexicon knows only `prejudge`); a real compound whose joined form the
//! lexicon knows is joined (`wood-pecker` becomes `woodpecker`) unless the document writes it
//! hyphenated elsewhere. Inside a line, two words with a stray hyphen (`in- the`) are flagged,
//! not repaired. Words counted in the document include OCR errors.

mod candidates;
mod decide;

use std::ops::Range;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use candidates::candidates;
use decide::{Decision, Place, Verdict, decide, edit_for};

/// The pass runs in two steps of the pipeline (see the module doc).
pub struct Dehyphenate {
    step: Step,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Hyphens at a line end or page break, before reflow joins the lines, and those inside a
    /// line that the evidence decides.
    LineEnds,
    /// The hyphens before a space inside a line (`twenty- five`) that the first step left, after
    /// the word repairs: the halves' repaired forms are the evidence a second run would read
    /// (`Jaek- pudding` is decided as `Jack- pudding`, a form the document writes `Jack-pudding`).
    InsideLines,
}

impl Dehyphenate {
    /// The first step: line ends and page breaks.
    pub const LINE_ENDS: Dehyphenate = Dehyphenate {
        step: Step::LineEnds,
    };
    /// The second step: a hyphen before a space inside a line.
    pub const INSIDE_LINES: Dehyphenate = Dehyphenate {
        step: Step::InsideLines,
    };
}

pub const JOIN: BuiltinRule = BuiltinRule {
    id: "dehyphenate.join",
    description: "Word split by a hyphen (or `¬`) at a line end, across a page break, or before a space inside a line joined: hyphen and gap removed.",
};

pub const KEEP_HYPHEN: BuiltinRule = BuiltinRule {
    id: "dehyphenate.keep-hyphen",
    description: "Hyphen of a real compound (`non-interference`, `thirty-eight`, `Russia-Korea`) kept; the gap after it removed.",
};

pub const SUSPENDED: BuiltinRule = BuiltinRule {
    id: "dehyphenate.suspended",
    description: "Suspended compound (`Haupt- und`, `pre- and post-war`): hyphen kept, the line break after it becomes one space.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[JOIN, KEEP_HYPHEN, SUSPENDED];

// Here rather than in a part: the finder builds it, and the pass and the verdict read it, so
// its fields stay private to the pass.
/// A word split by a hyphen and a gap of whitespace.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    left: Range<usize>,
    hyphen: Range<usize>,
    right: Range<usize>,
    /// The gap holds a line end or a page break (rather than only spaces).
    line_end: bool,
    /// The gap holds a blank line or a page break.
    wide_gap: bool,
    /// The gap holds a page break.
    page_break: bool,
}

impl Pass for Dehyphenate {
    fn name(&self) -> &'static str {
        // Two stages of the pipeline, so two names: a stage's changes are undone as one sweep
        // (`restore`), which a name shared with a stage two passes earlier would mix up.
        match self.step {
            Step::LineEnds => "dehyphenate",
            Step::InsideLines => "dehyphenate-inline",
        }
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        // Both steps emit the same rules; they are registered once, by the first.
        match self.step {
            Step::LineEnds => RULES,
            Step::InsideLines => &[],
        }
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let line_ends = self.step == Step::LineEnds;
        // The first step decides every candidate and applies what it can inside a line too
        // (`ex- clude` joins before the word repairs could read `clude` as `dude`); a hyphen
        // inside a line whose verdict is weak is left, unrecorded, to the second step, which
        // decides it on the repaired halves. The second step sees the line ends that the first
        // flagged where reflow kept the lines: they stand written hyphenated, and count so.
        let (found, standing): (Vec<Candidate>, Vec<Candidate>) = candidates(text)
            .into_iter()
            .partition(|c| line_ends || !c.line_end);
        if found.is_empty() {
            return Vec::new();
        }
        let words = ctx.analysis.words();
        let data = ctx.rules.hyphenation(ctx.language);
        let key_of = |c: &Candidate| {
            let (left, right) = (&text[c.left.clone()], &text[c.right.clone()]);
            format!("{}{}", left.to_lowercase(), right.to_lowercase())
        };
        let mut base: hashbrown::HashMap<String, (usize, usize)> = hashbrown::HashMap::new();
        if !line_ends {
            for c in &standing {
                base.entry(key_of(c)).or_insert((0, 0)).1 += 1;
            }
        }
        // The pass's own verdicts are evidence for its other candidates, as they will be once
        // applied: a line-end `long-` / `term` that is kept makes `long-term` a form of the
        // document, which a second run would count for another `long-` / `term`. So the
        // candidates are decided again with the applied verdicts of the others counted, until
        // nothing changes (two or three rounds; candidates are few).
        // A candidate whose counts the others do not change keeps its verdict.
        let decide_all = |extra: &hashbrown::HashMap<String, (usize, usize)>,
                          own: &[Option<(String, bool)>],
                          previous: Option<&[Verdict]>| {
            found
                .iter()
                .zip(own)
                .enumerate()
                .map(|(i, (c, own))| {
                    let (left, right) = (&text[c.left.clone()], &text[c.right.clone()]);
                    let (mut j, mut h) = extra.get(&key_of(c)).copied().unwrap_or((0, 0));
                    match own {
                        Some((_, true)) => j -= 1,
                        Some((_, false)) => h -= 1,
                        None => {}
                    }
                    match previous {
                        Some(verdicts) if (j, h) == (0, 0) => verdicts[i].clone(),
                        _ => decide(
                            left,
                            right,
                            Place::of(c, self.step),
                            words,
                            (j, h),
                            ctx.lexicon,
                            data,
                        ),
                    }
                })
                .collect::<Vec<_>>()
        };
        // Which candidates' verdicts the pipeline will apply, and whether each joins.
        let applied = |verdicts: &[Verdict]| -> Vec<Option<(String, bool)>> {
            found
                .iter()
                .zip(verdicts)
                .map(|(c, v)| {
                    let edit = edit_for(text, c, v.clone())?;
                    if v.decision == Decision::Suspended {
                        return None;
                    }
                    if takes(ctx, &edit) {
                        Some((key_of(c), v.decision == Decision::Join))
                    } else if c.line_end {
                        // Left for review at a line end, the hyphen is kept by reflow: the
                        // document then writes the hyphenated form (or ends a paragraph with the
                        // first half, where counting it changes no later run either).
                        Some((key_of(c), false))
                    } else {
                        None
                    }
                })
                .collect()
        };
        let mut own: Vec<Option<(String, bool)>> = vec![None; found.len()];
        let mut verdicts = decide_all(&base, &own, None);
        for _ in 0..3 {
            let now = applied(&verdicts);
            if now == own {
                break;
            }
            own = now;
            let mut extra = base.clone();
            for (key, join) in own.iter().flatten() {
                let entry = extra.entry(key.clone()).or_insert((0, 0));
                if *join {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
            verdicts = decide_all(&extra, &own, Some(&verdicts));
        }
        found
            .iter()
            .zip(verdicts)
            .filter_map(|(c, v)| Some((c, edit_for(text, c, v)?)))
            .filter(|(c, edit)| !line_ends || c.line_end || takes(ctx, edit))
            .map(|(_, edit)| edit)
            .collect()
    }
}

/// Whether the pipeline will apply `edit` (not a review flag, sure enough, its rule enabled).
fn takes(ctx: &Context, edit: &Edit) -> bool {
    edit.kind == ChangeKind::Edit
        && ctx.applies(edit.confidence)
        && !ctx.disabled.contains(edit.rule.as_ref())
}

/// Runs the pass alone on `input` in `language`, its two steps one after the other, each with
/// the text it is given as the whole document, and applies their edits (not their review flags,
/// nor edits below the default threshold): how the examples of `rules/hyphenation/LANG.toml` are
/// checked.
pub fn apply_alone(rules: &crate::rules::RuleSet, language: &str, input: &str) -> String {
    let step = |pass: &Dehyphenate, text: &str| {
        super::OnePass::new(pass)
            .rules(rules)
            .language(language)
            .apply(text)
    };
    step(
        &Dehyphenate::INSIDE_LINES,
        &step(&Dehyphenate::LINE_ENDS, input),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::Analysis;
    use crate::hyphenation::Hyphenation;
    use crate::lexicon::Lexicon;
    use crate::passes::OnePass;
    use crate::rules::RuleSet;

    const EN: &str = "the\t0.05\neconomy\t7.4e-05\ncredentials\t5.5e-06\nthirty\t2.4e-05\n\
        eight\t1e-04\ninterference\t9.8e-06\nexample\t1.9e-04\nample\t5.1e-06\nlong\t5e-04\n\
        term\t1e-04\nlongterm\t5.6e-07\nnational\t1e-04\nstate\t2e-04\ninternational\t2.3e-04\ninterstate\t1e-06\ntwenty\t3e-05\n\
        five\t1e-04\n";

    fn rules(lang: &str, lexicon: &str, data: &str) -> RuleSet {
        let mut rules = RuleSet::default();
        rules.lexicons.insert(
            lang.into(),
            Lexicon::parse(lang, Path::new("x.tsv"), lexicon).unwrap(),
        );
        rules.hyphenation.insert(
            lang.into(),
            Hyphenation::parse(lang, Path::new("x.toml"), data).unwrap(),
        );
        rules
    }

    fn english() -> RuleSet {
        rules_en(EN)
    }

    fn rules_en(lexicon: &str) -> RuleSet {
        rules(
            "en",
            lexicon,
            "keep_prefixes = [\"non\", \"ex\"]\nconjunctions = [\"and\", \"or\"]\nnumber_words = [\"twenty\", \"thirty\"]",
        )
    }

    /// The text after the pass's two steps, and the edits of both (the first step's first).
    /// When `document` is `text`, each step reads the text it is given as the document.
    fn run_with(
        rules: &RuleSet,
        lang: Option<&str>,
        text: &str,
        document: &str,
    ) -> (String, Vec<Edit>) {
        let (mut current, mut all) = (text.to_string(), Vec::new());
        for step in [&Dehyphenate::LINE_ENDS, &Dehyphenate::INSIDE_LINES] {
            let whole = if document == text {
                current.clone()
            } else {
                document.to_string()
            };
            let mut one = OnePass::new(step).rules(rules).document(&whole);
            if let Some(lang) = lang {
                one = one.language(lang);
            }
            let edits = one.edits(&current);
            current = crate::change::apply_edits(&current, &edits);
            all.extend(edits);
        }
        (current, all)
    }

    fn run_en(text: &str) -> String {
        run_with(&english(), Some("en"), text, text).0
    }

    #[test]
    fn the_lexicon_joins_syllable_breaks() {
        assert_eq!(
            run_en("diplomatic creden-\ntials, and"),
            "diplomatic credentials, and"
        );
        let (_, edits) = run_with(&english(), Some("en"), "the eco-\nnomy", "the eco-\nnomy");
        assert_eq!(edits[0].rule, JOIN.id);
        assert_eq!(
            edits[0].evidence,
            "joined: 'economy' lexicon 7.4e-5, 'eco-nomy' not in document"
        );
    }

    #[test]
    fn the_pass_counts_its_own_verdicts_as_evidence() {
        // The line-end `long-` / `term` is kept (two common words, a rare join); once kept, the
        // document writes `long-term`, which is the evidence that keeps `long- term` inside a
        // line in the second step. A second run sees the same, so it changes nothing.
        let text = "a long-\nterm view and a long- term plan";
        let out = run_en(text);
        assert_eq!(out, "a long-term view and a long-term plan");
        assert_eq!(run_en(&out), out);
        // Alone, the hyphen inside a line has no such evidence and is only flagged.
        assert_eq!(run_en("a long- term plan"), "a long- term plan");
    }

    #[test]
    fn a_line_end_hyphen_left_for_review_counts_as_written_hyphenated() {
        // Without a lexicon the line end `ab-` / `ab` alone is only flagged, and reflow keeps its
        // hyphen: the document then writes `ab-ab`, which keeps `ab- ab` inside a line, as a
        // second run would (a case the idempotence property test found); that keep in turn is
        // evidence for the line end.
        let rules = english();
        let (alone, edits) = run_with(&rules, None, "ab-\nab", "ab-\nab");
        assert_eq!(alone, "ab-\nab");
        assert_eq!(edits[0].kind, ChangeKind::Review);
        let text = "ab-  ab-\nab";
        let (out, _) = run_with(&rules, None, text, text);
        assert_eq!(out, "ab-ab-ab");
        let (again, edits) = run_with(&rules, None, &out, &out);
        assert_eq!(again, out);
        assert!(edits.is_empty(), "{edits:?}");
    }

    #[test]
    fn the_document_outweighs_the_lexicon() {
        let doc = "the economy grew; the economy fell; eco-\nnomy";
        let (out, edits) = run_with(&english(), Some("en"), "eco-\nnomy", doc);
        assert_eq!(out, "economy");
        assert_eq!(
            edits[0].evidence,
            "joined: 'economy' x2 in document, lexicon 7.4e-5"
        );
        // The document writes `long-term` hyphenated, so the break keeps its hyphen.
        let doc = "a long-term plan and a long-\nterm view";
        assert_eq!(
            run_with(&english(), Some("en"), doc, doc).0,
            "a long-term plan and a long-term view"
        );
    }

    #[test]
    fn compounds_numbers_and_names_keep_their_hyphen() {
        assert_eq!(
            run_en("law, non-\ninterference in"),
            "law, non-interference in"
        );
        assert_eq!(
            run_en("the thirty-\neight facilities"),
            "the thirty-eight facilities"
        );
        assert_eq!(run_en("the Russia-\nKorea Joint"), "the Russia-Korea Joint");
        assert_eq!(run_en("in 1695-\n1718 it"), "in 1695-1718 it");
        // Page 3 of the 1841 periodical before furniture removal: a page end, then a signature mark.
        let (out, edits) = run_with(&english(), Some("en"), "uralten Krast-\n1 *", "");
        assert_eq!(out, "uralten Krast-\n1 *");
        assert_eq!(edits[0].kind, ChangeKind::Review);
        assert_eq!(run_en("a long-\nterm plan"), "a long-term plan");
        // A keep-prefix does not keep a hyphen that only splits a common word.
        assert_eq!(run_en("an ex-\nample"), "an example");
    }

    #[test]
    fn a_word_cut_at_a_page_end_joins_as_at_a_line_end() {
        // Les Misérables (1887), a page end with its furniture removed: halves the lexicon does
        // not know join as a syllable break, as they would at a line end.
        let page_end = "his head; a popo-\n\n\n\x0c\nlaoe of waves";
        let (out, edits) = run_with(&english(), Some("en"), page_end, page_end);
        assert_eq!(out, "his head; a popolaoe of waves");
        assert_eq!(edits[0].kind, ChangeKind::Edit);
        assert!(
            edits[0].evidence.ends_with("; across a page break"),
            "{}",
            edits[0].evidence
        );
        assert_eq!(
            run_en("his head; a popo-\nlaoe of waves"),
            "his head; a popolaoe of waves"
        );
        // Blank lines inside a page are no line end: the same halves are only flagged.
        let blank = "his head; a popo-\n\nlaoe of waves";
        let (out, edits) = run_with(&english(), Some("en"), blank, blank);
        assert_eq!(out, blank);
        assert_eq!(edits[0].kind, ChangeKind::Review);
        // A capital after a page break may open a heading: flagged.
        let heading = "his head; a popo-\n\x0c\nLaoe of waves";
        let (out, edits) = run_with(&english(), Some("en"), heading, heading);
        assert_eq!(out, heading);
        assert_eq!(edits[0].kind, ChangeKind::Review);
    }

    #[test]
    fn a_real_compound_cut_at_a_page_end_keeps_its_hyphen() {
        // The document writes the compound hyphenated inside a line (`chestnut-tree`, the 1887
        // novel): at a page end its hyphen stays.
        let text = "under the chestnut-tree, near the chestnut-\n\n\x0c\ntree of the garden";
        assert_eq!(
            run_en(text),
            "under the chestnut-tree, near the chestnut-tree of the garden"
        );
        let text = "a long-\n\x0c\nterm view";
        assert_eq!(run_en(text), "a long-term view");
    }

    #[test]
    fn inside_a_line_a_common_word_is_not_a_prefix() {
        // `she- began`, `in- unserm`: a common word before `- ` stands on its own; the words of the
        // document that begin with its letters (`inform`, `insight`) say nothing about it.
        let lexicon =
            format!("{EN}in\t0.02\nform\t1e-4\nsight\t5e-5\ninform\t2e-5\ninsight\t1e-5\n");
        let rules = rules_en(&lexicon);
        let text = "to inform and for insight, in- the full light";
        let (out, edits) = run_with(&rules, Some("en"), text, text);
        assert_eq!(out, text);
        assert_eq!(edits[0].kind, ChangeKind::Review);
        // A prefix that is not a word of its own still joins inside a line.
        let text = "international, interstate and inter- departmental";
        assert_eq!(
            run_en(text),
            "international, interstate and interdepartmental"
        );
        // Two words whose joined form the word repairs split again (web text's `ofthe`): before
        // them the lexicon's form is taken (they make it `of the` in the same run); after them,
        // in the second step, the join is not made.
        let lexicon = format!("{EN}of\t0.03\nofthe\t2.1e-6\n");
        let rules = rules_en(&lexicon);
        let text = "the being of- the fire";
        assert_eq!(
            run_with(&rules, Some("en"), text, text).0,
            "the being ofthe fire"
        );
        let after_repairs = OnePass::new(&Dehyphenate::INSIDE_LINES)
            .rules(&rules)
            .language("en")
            .edits(text);
        assert_eq!(after_repairs.len(), 1);
        assert_eq!(after_repairs[0].kind, ChangeKind::Review);
        assert!(
            after_repairs[0]
                .evidence
                .starts_with("kept: 'of' and 'the' are likelier two words"),
            "{}",
            after_repairs[0].evidence
        );
    }

    #[test]
    fn a_gap_of_blank_lines_and_page_breaks_is_removed_whole() {
        assert_eq!(
            run_en("and inter-\n\n\x0c\n  national organizations; inter-\nstate"),
            "and international organizations; interstate"
        );
    }

    #[test]
    fn the_document_prefix_usage_joins() {
        let doc = "international, interstate and inter-\ndepartmental";
        let (out, edits) = run_with(&english(), Some("en"), doc, doc);
        assert_eq!(out, "international, interstate and interdepartmental");
        assert!(
            edits[0].evidence.starts_with(
                "joined: 'inter' is written closed up in the document (international, interstate)"
            ),
            "{}",
            edits[0].evidence
        );
    }

    #[test]
    fn hyphens_before_a_space_inside_a_line() {
        assert_eq!(run_en("twenty- five"), "twenty-five");
        assert_eq!(
            run_en("thirty- eight and eco- nomy"),
            "thirty-eight and economy"
        );
        // Dashes, enumerations and suspended compounds stay as they are.
        for unchanged in [
            "hopelessness - and disbelief",
            "pre- and post-war",
            "Berg- Hütten- und Salinenwesen",
            "well-known",
            "sind!------Aber",
        ] {
            let (out, _) = run_with(&english(), Some("en"), unchanged, unchanged);
            assert_eq!(out, unchanged);
        }
    }

    #[test]
    fn a_suspended_compound_across_a_line_end_gets_a_space() {
        assert_eq!(run_en("pre-\nand post-war"), "pre- and post-war");
        let de = rules(
            "de",
            "und\t0.03\n",
            "conjunctions = [\"und\"]\nclosed_compounds = true",
        );
        assert_eq!(
            run_with(&de, Some("de"), "ihren Haupt-\nund Neben-", "").0,
            "ihren Haupt- und Neben-"
        );
    }

    #[test]
    fn german_joins_unknown_compounds_and_the_not_sign() {
        let de = rules(
            "de",
            "und\t0.03\n",
            "conjunctions = [\"und\"]\nclosed_compounds = true",
        );
        assert_eq!(
            run_with(
                &de,
                Some("de"),
                "einzelne Ge-\nwohnheiten, Landes¬\nfreiheiten und See-\nElemente",
                ""
            )
            .0,
            "einzelne Gewohnheiten, Landesfreiheiten und See-Elemente"
        );
        assert_eq!(
            run_with(&de, Some("de"), "See¬\nElemente", "").0,
            "See-Elemente"
        );
    }

    #[test]
    fn without_a_lexicon_weak_cases_are_flagged_not_guessed() {
        let (out, edits) = run_with(&RuleSet::default(), None, "eco-\nnomy", "");
        assert_eq!(out, "eco-\nnomy");
        assert_eq!(edits[0].kind, ChangeKind::Review);
        // Capitals and the document still decide.
        let (out, _) = run_with(&RuleSet::default(), None, "Russia-\nKorea", "");
        assert_eq!(out, "Russia-Korea");
    }

    #[test]
    fn nothing_changes_without_a_split_word() {
        for text in [
            "",
            "a well-known fact.\nNext line",
            "ends with a dash -\nand goes on",
            "a hyphen at the end-",
            "inter-\n\n'-Vladimir Putin",
            "x -\ny",
        ] {
            let (out, edits) = run_with(&english(), Some("en"), text, text);
            assert_eq!(out, text);
            assert!(edits.is_empty(), "{text:?}: {edits:?}");
        }
    }

    #[test]
    fn document_words_count_whole_words_and_hyphenated_pairs() {
        let analysis = Analysis::new("Inter-Korean talks, inter-\nnational; non-inter-ference.");
        let words = analysis.words();
        assert_eq!(words.count("inter"), 3);
        assert_eq!(words.count("international"), 0);
        assert_eq!(words.compound("inter", "korean"), 1);
        assert_eq!(words.compound("non", "inter"), 1);
        assert_eq!(words.open_prefix("inter"), 1);
    }
}
