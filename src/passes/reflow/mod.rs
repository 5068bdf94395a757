//! Reflow: hard-wrapped lines joined into paragraphs, one paragraph per line.
//!
//! The text is cut into lines at `\n` and `\f`; lines holding only spaces and tabs are blank. Between
//! two non-blank lines lies a *gap* (the line end, any blank lines and page breaks, and the next
//! line's indentation). Every gap becomes one of: a space (a wrap inside a paragraph; nothing after
//! a word-final hyphen that dehyphenation left for review, whose hyphen is kept), `\n\n` (a
//! paragraph break) or `\n` (a line break kept inside a block of lines, see below).
//!
//! - A plain line end is a wrap, except after a short line that ends a sentence when the next line
//!   starts in uppercase: books mark paragraphs that way rather than with blank lines.
//! - A blank line is a paragraph break unless it cuts a sentence: the line before ends
//!   mid-sentence (a lowercase letter, a comma or semicolon, or a hyphen) and the next line starts
//!   in lowercase, or the line before is a full-length line (so not a heading) that ends
//!   mid-sentence (the seed's `trends` / blank / `in Moscow’s Korea policy.`).
//! - A page break is not a paragraph break unless the text says so: the last line before it is
//!   short and ends a sentence. A full line that ends a sentence runs on into the next page.
//! - A sentence end may carry a reference mark: `China.[^3]` (the footnote pass's mark) and
//!   `China.3` (a superscript read as a digit) end their sentence.
//! - A heading (a short line that starts in uppercase and does not end in a comma, semicolon or
//!   hyphen, after a paragraph end or at the start, before a line that starts in uppercase) is its
//!   own paragraph: `Abstract`, `Russia and the DPRK`, `Erstes Kapitel.`.
//! - Blocks of lines keep their line breaks: a run of at least three short lines, each starting
//!   with a capital, a digit or a list mark, separated by plain line ends (verse, lists, tables,
//!   addresses: the quoted poem of the 1841 periodical pages in raw/). The block is its own paragraph and its lines
//!   are written one per line with no blank line between them. Each block is listed for review
//!   (`reflow.kept-lines`, zero-width) so that the report names it.
//! - Evidence that rests on the printed line (a "full" line, the short lines of a block) counts
//!   only in text that shows hard-wrapped lines (a plain line end before a lowercase start, or after
//!   a word-final hyphen: [`crate::layout::shows_hard_wrap`]). In text that shows none, lines are
//!   already paragraphs: no line is full, and a block of lines need not be short. This is what
//!   makes cleaning the cleaned body a no-op: it shows no hard wrap, so a paragraph that ends
//!   mid-sentence is not read as a full line that runs on, and a kept block stays one although the
//!   typical width has grown to that of a paragraph.
//! - A lowercase start is read on the line's first word (`¬ a` gives none), never on a word that
//!   an earlier join may have put after a sign.
//!
//! The document is trimmed and ends with one `\n`.
//!
//! Known false positives: a heading that ends in lowercase and is as long as a text line is joined
//! to the next paragraph; three or more short lines of prose that each start with a capital (the
//! last lines of short paragraphs in a row) are kept as lines; a paragraph that ends at a full
//! line just before a page break is run on into the next page's first paragraph. A short text whose
//! wrapped lines all start with a capital or a digit (and none ends in a hyphen) shows no hard
//! wrap: a sentence end at a line end is a paragraph break there, and three such lines in a row are
//! kept as lines however long.
//!
//! One file per rule or decision: [`lines`] (the lines and gaps the rules read), [`kept_lines`],
//! [`heading`], [`gaps`] (wrap or paragraph break, the one decision of every other gap) and
//! [`trim`].

mod gaps;
mod heading;
mod kept_lines;
mod lines;
mod trim;

pub use gaps::{JOIN_ACROSS_BLANK, JOIN_ACROSS_PAGE, JOIN_LINES, PAGE_BREAK, PARAGRAPH_BREAK};
pub use heading::HEADING;
pub use kept_lines::KEPT_LINES;
pub use trim::TRIM;

use super::{BuiltinRule, Context, Pass};
use crate::change::{Edit, Proposals};
use crate::layout;
use lines::{Layout, content_lines, typical_width};

pub struct Reflow;

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[
    JOIN_LINES,
    JOIN_ACROSS_BLANK,
    JOIN_ACROSS_PAGE,
    PARAGRAPH_BREAK,
    PAGE_BREAK,
    HEADING,
    KEPT_LINES,
    TRIM,
];

impl Pass for Reflow {
    fn name(&self) -> &'static str {
        "reflow"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let mut proposals = Proposals::default();
        self.propose(text, ctx, &mut proposals);
        proposals.into_edits()
    }

    // One edit per gap between lines: on a long document, held as proposals (a place and two
    // indices) rather than as edits, which took 40 times a document of short lines.
    fn propose(&self, text: &str, ctx: &Context, edits: &mut Proposals) {
        let lines = content_lines(text);
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
            edits.extend(trim::blank_document(text));
            return;
        };
        // One edit per gap between lines and at most two at the ends (and one per block of kept
        // lines): room for that up front, where doubling would hold up to twice a long
        // document's edits.
        edits.reserve(lines.len() + 2);
        edits.extend(trim::leading(first));
        let width = typical_width(text, &lines);
        // A note is a few lines and may show no hard wrap of its own: the document's lines speak
        // for it (derived once for the body and all notes).
        let hard_wrapped = if ctx.text_is_document() {
            ctx.analysis.shows_hard_wrap()
        } else {
            layout::shows_hard_wrap(text) || ctx.analysis.shows_hard_wrap()
        };
        let layout = Layout {
            text,
            lines,
            width,
            hard_wrapped,
        };
        let blocks = kept_lines::mark_blocks(&layout, edits);
        let heading: Vec<bool> = (0..layout.lines.len())
            .map(|i| blocks.of(i).is_none() && heading::is_heading(&layout, i))
            .collect();
        for b in 1..layout.lines.len() {
            edits.push(gaps::gap_edit(&layout, b, &blocks, &heading));
        }
        edits.extend(trim::trailing(text, last));
    }
}

#[cfg(test)]
mod tests {

    use super::lines::starts_lowercase;
    use super::*;

    fn run(text: &str) -> String {
        crate::passes::OnePass::new(&Reflow).apply(text)
    }

    #[test]
    fn wrapped_lines_become_one_paragraph_per_line() {
        assert_eq!(
            run("\n\nTitle\n\nOne line\n and two.\n\n\n\nNext one.\n\n"),
            "Title\n\nOne line and two.\n\nNext one.\n"
        );
    }

    #[test]
    fn a_blank_line_inside_a_sentence_is_removed() {
        // From the seed: the abstract's last sentence is cut by a scanner's blank line.
        let text = "then makes some conclusions about the possible future trends\n\nin Moscow’s Korea policy.\n";
        assert_eq!(
            run(text),
            "then makes some conclusions about the possible future trends in Moscow’s Korea policy.\n"
        );
    }

    #[test]
    fn headings_stay_their_own_paragraph() {
        let text = "a full line of text that ends this paragraph.\n\nRussia and the DPRK\n\nRussia’s neighbor is a long line of text\nthat goes on.\n";
        assert_eq!(
            run(text),
            "a full line of text that ends this paragraph.\n\nRussia and the DPRK\n\nRussia’s neighbor is a long line of text that goes on.\n"
        );
    }

    #[test]
    fn hyphens_are_kept_and_pages_joined_mid_sentence() {
        assert_eq!(
            run("non-\ninterference and a\x0ctrade"),
            "non-interference and a trade\n"
        );
        assert_eq!(run("The end.\x0cA new page."), "The end.\n\nA new page.\n");
    }

    #[test]
    fn a_short_line_that_ends_a_sentence_ends_its_paragraph() {
        // From the 1841 periodical pages, whose OCR has no blank lines between paragraphs.
        let text = "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend\nund ohnmächtig sein!\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie\nein deutscher Laut.\n";
        assert_eq!(
            run(text),
            "nen; diese germanischen Elemente müssen also doch nicht, so unbedeutend und ohnmächtig sein!\n\nAber in Lüttich, im Hennegau, in den wallonischen Provinzen, wo nie ein deutscher Laut.\n"
        );
    }

    #[test]
    fn a_paragraph_read_again_is_no_full_width_line() {
        // The body as a first run writes it: one paragraph per line. The first paragraph ends
        // mid-sentence and is far longer than the median line, but the text shows no hard wrap,
        // so it is not a "full-width line" that runs on across the blank line.
        let body = "Aa aa aa aa aa aa aa aa, A,\n\nAa aa.\n\nBb.\n";
        assert_eq!(run(body), body);
    }

    #[test]
    fn a_sign_joined_to_a_word_is_no_lowercase_start() {
        // `!` / `öA` is joined into `! öA`; read again, its first word `!` holds no letter, so the
        // blank line before it stays a paragraph break, as in the first run.
        let once = run("0(30ß,\né\n\n!\nöA");
        assert_eq!(once, "0(30ß, é\n\n! öA\n");
        assert_eq!(run(&once), once);
        assert!(starts_lowercase("„und so"));
        assert!(!starts_lowercase("— und so"));
    }

    #[test]
    fn lines_of_text_without_hard_wrap_are_kept() {
        // Kept lines written by a first run, read again: the typical width is now that of the
        // paragraph, which no longer makes `3-ü` short, but nothing shows that the lines were
        // wrapped, so they stay lines and the blank line after them a paragraph break.
        let body = "öüAAäAéa\n\nA\nA\n3-ü\n\näa0--öAä aaaaa\n";
        assert_eq!(run(body), body);
    }

    #[test]
    fn empty_and_blank_documents_stay_empty() {
        assert_eq!(run(""), "");
        assert_eq!(run(" \n\n"), "");
    }
}
