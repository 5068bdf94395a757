//! Pages: where one printed page ends and the next begins.
//!
//! Page breaks known from the input (a form feed in a file, or the boundary between two page files,
//! which the loader turns into a form feed) are already in the text. This pass adds the ones that
//! only the text shows: each [`BoundaryDetector`] looks for a convention of the document (such as
//! a page's first line starting with one space) and proposes a form feed at each boundary it finds,
//! with the evidence for the convention. Later passes (furniture, footnotes, reflow) read pages from
//! the form feeds, so every page break they see has been decided here.
//!
//! The standard detectors:
//! - [`LeadingSpaceStarts`]: some OCR exports start each page's first line with exactly one space.
//!   Accepted only when such lines are rare (under 1 in 8 lines) and recur at a regular interval
//!   (three quarters of the gaps within 20% of a multiple of the median gap, which is at least 15
//!   lines), so that a text whose paragraphs are indented by one space is left alone.
//! - [`PageMarkers`]: the page marker lines of a full-text download (HathiTrust `## p. 12 (#20)`).
//! - [`WatermarkEnds`]: a scanner's watermark printed at the foot of every page (Google's
//!   `Digitized by Google`, from `rules/furniture/watermarks.toml`) ends its page, when it recurs
//!   through the document.
//! - [`NumberedHeadStarts`]: running heads whose page numbers step by one or two per page at a
//!   regular spacing along the document (see [`crate::passes::furniture::heads`]).
//! - [`RunningHeadStarts`]: a running head left in the text (`36 Title of the Article`) starts a
//!   page when its letters match the document's first line (the title) and it carries a page
//!   number. Lines that merely resemble each other are no evidence: a table of contents is made of
//!   them.
//!
//! The last three read the printed lines, and run only on text that shows hard-wrapped lines (see
//! [`crate::layout::shows_hard_wrap`]); markers and watermarks are marks of their own.
//! Boundaries found by several detectors within three lines of each other count once.

use super::{BuiltinRule, Context, Pass};
use crate::change::Edit;
use crate::layout;

/// A way of finding page boundaries that the text shows but no form feed marks.
pub trait BoundaryDetector: Send + Sync {
    /// Offsets at which a page starts (each the start of a line), with the evidence for each.
    fn detect(&self, text: &str, ctx: &Context) -> Vec<(usize, String)>;

    /// True for evidence that is a mark of its own (a page marker, a scanner's watermark), false
    /// for evidence read from the printed lines, which only text that shows hard-wrapped lines
    /// has: the body this tool writes has paragraphs for lines, so a leftover line there is not a
    /// page's first line, and cleaning that body again finds no page.
    fn explicit(&self) -> bool {
        false
    }
}

/// The pages pass and its detectors, whose boundaries are merged.
#[derive(Default)]
pub struct Pages {
    detectors: Vec<Box<dyn BoundaryDetector>>,
}

impl Pages {
    pub fn with_detectors(detectors: Vec<Box<dyn BoundaryDetector>>) -> Self {
        Self { detectors }
    }

    /// The pass with the standard detectors.
    pub fn standard() -> Self {
        Self::with_detectors(vec![
            Box::new(PageMarkers),
            Box::new(WatermarkEnds),
            Box::new(LeadingSpaceStarts),
            Box::new(NumberedHeadStarts),
            Box::new(RunningHeadStarts),
        ])
    }
}

/// The lines of `text` with their start offsets, one at a time: a list of them took 24 bytes a
/// line, the pages stage's largest structure on a page of short lines.
fn lines_with_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').scan(0, |start, line| {
        let at = *start;
        *start += line.len() + 1;
        Some((at, line))
    })
}

/// Page starts marked by the page marker lines of a full-text download (HathiTrust's
/// `## p. 12 (#20) ####`).
pub struct PageMarkers;

impl BoundaryDetector for PageMarkers {
    fn detect(&self, text: &str, ctx: &Context) -> Vec<(usize, String)> {
        crate::passes::furniture::page_markers(text, &ctx.pages_of(text))
            .into_iter()
            .map(|(line, printed)| {
                let evidence = match printed {
                    Some(p) => format!("page marker of printed page {p}"),
                    None => "page marker of an unnumbered page".to_string(),
                };
                (line.start, evidence)
            })
            .collect()
    }

    fn explicit(&self) -> bool {
        true
    }
}

/// Page starts after a scanner's watermark that stands at the foot of every page (Google's
/// `Digitized by Google`), from `rules/furniture/watermarks.toml`, when it recurs through the
/// document.
pub struct WatermarkEnds;

impl BoundaryDetector for WatermarkEnds {
    fn detect(&self, text: &str, ctx: &Context) -> Vec<(usize, String)> {
        ctx.rules
            .watermarks
            .find_in(text, &ctx.pages_of(text))
            .into_iter()
            .filter(|f| f.page_end)
            .filter_map(|f| {
                // The page starts at the next non-blank line.
                let rest = &text[f.span.end..];
                let skip = rest.len() - rest.trim_start_matches(['\n', ' ', '\t']).len();
                let at = f.span.end + skip;
                let at = text[..at].rfind('\n').map_or(0, |i| i + 1).max(f.span.end);
                (at < text.len()).then(|| {
                    (
                        at,
                        format!(
                            "after the scanner's watermark `{}`, found {} times in the document",
                            f.id, f.count
                        ),
                    )
                })
            })
            .collect()
    }

    fn explicit(&self) -> bool {
        true
    }
}

/// Page starts marked by a first line that begins with exactly one space.
pub struct LeadingSpaceStarts;

impl BoundaryDetector for LeadingSpaceStarts {
    fn detect(&self, text: &str, _ctx: &Context) -> Vec<(usize, String)> {
        let mut content = 0;
        // Each candidate line's index (for the gaps) and start.
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (i, (at, l)) in lines_with_starts(text).enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            content += 1;
            if i > 0 && l.starts_with(' ') && l[1..].starts_with(|c: char| !c.is_whitespace()) {
                found.push((i, at));
            }
        }
        if found.len() < 3 || found.len() * 8 > content {
            return Vec::new();
        }
        let mut gaps: Vec<usize> = found.windows(2).map(|w| w[1].0 - w[0].0).collect();
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        if median < 15 {
            return Vec::new();
        }
        let fits = |g: usize| {
            (1..=3).any(|k| (g as f64 - (k * median) as f64).abs() <= 0.2 * median as f64)
        };
        let regular = gaps.iter().filter(|&&g| fits(g)).count();
        if regular * 4 < gaps.len() * 3 {
            return Vec::new();
        }
        let evidence = format!(
            "page start: line begins with one space, as {} lines do about every {} lines ({} of {} gaps regular)",
            found.len(),
            median,
            regular,
            gaps.len()
        );
        found
            .into_iter()
            .map(|(_, at)| (at, evidence.clone()))
            .collect()
    }
}

/// Page starts marked by running heads whose page numbers form a sequence along the document
/// (see [`crate::passes::furniture::heads`]): a head with text starts its page.
pub struct NumberedHeadStarts;

impl BoundaryDetector for NumberedHeadStarts {
    fn detect(&self, text: &str, ctx: &Context) -> Vec<(usize, String)> {
        crate::passes::furniture::heads::numbered_heads(text, &ctx.pages_of(text))
            .into_iter()
            .filter(|h| !h.key.is_empty())
            .map(|h| {
                (
                    h.line.start,
                    format!(
                        "running head {:?}: page {} of a sequence of {} heads, about {} lines a page",
                        h.line.text(text).trim(),
                        h.number,
                        h.chain,
                        h.lines_per_page
                    ),
                )
            })
            .collect()
    }
}

/// Page starts marked by a running head with a page number that matches the document's title.
pub struct RunningHeadStarts;

/// A line that may be a running head: a page number at its start or end and a few words of text.
/// Returns the letters of its text.
fn running_head_key(line: &str) -> Option<String> {
    let line = line.trim();
    let words: Vec<&str> = line.split_whitespace().collect();
    if !(3..=14).contains(&words.len()) || line.chars().count() > 90 || line.ends_with('.') {
        return None;
    }
    let numbered = |w: &str| w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit());
    if !numbered(words[0]) && !numbered(words[words.len() - 1]) {
        return None;
    }
    let key = crate::layout::letters_key(line);
    (key.chars().count() >= 8).then_some(key)
}

/// Similarity of two running-head keys (normalised edit distance, as
/// `strsim::normalized_levenshtein`). The furniture pass compares the head of every page with every
/// other, so this runs pages^2 times: keys of up to 64 characters take a bit-parallel path.
pub fn head_similarity(a: &str, b: &str) -> f64 {
    let (a_len, b_len) = (a.chars().count(), b.chars().count());
    let longest = a_len.max(b_len);
    if longest == 0 {
        return 1.0;
    }
    let distance = if a_len == 0 || b_len == 0 {
        longest
    } else if a_len <= 64 {
        levenshtein_bits(a, a_len, b)
    } else if b_len <= 64 {
        levenshtein_bits(b, b_len, a)
    } else {
        strsim::levenshtein(a, b)
    };
    1.0 - distance as f64 / longest as f64
}

/// Levenshtein distance of `a` (1 to 64 characters, `a_len` of them) and `b`, by Myers'
/// bit-vector algorithm in Hyyrö's formulation: one column of the edit-distance table per
/// character of `b`, held as bits. Nothing is allocated: this runs for many pairs of lines.
fn levenshtein_bits(a: &str, a_len: usize, b: &str) -> usize {
    debug_assert!((1..=64).contains(&a_len));
    // Positions of each character in `a`, as a bit mask (a short list: keys have few characters).
    let mut masks = [('\0', 0u64); 64];
    let mut distinct = 0;
    for (i, c) in a.chars().enumerate() {
        match masks[..distinct].iter_mut().find(|(m, _)| *m == c) {
            Some((_, bits)) => *bits |= 1 << i,
            None => {
                masks[distinct] = (c, 1 << i);
                distinct += 1;
            }
        }
    }
    let masks = &masks[..distinct];
    let last = 1u64 << (a_len - 1);
    let (mut pv, mut mv) = (!0u64, 0u64);
    let mut score = a_len;
    for c in b.chars() {
        let eq = masks
            .iter()
            .find(|(m, _)| *m == c)
            .map_or(0, |(_, bits)| *bits);
        let xv = eq | mv;
        let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
        let mut ph = mv | !(xh | pv);
        let mut mh = pv & xh;
        if ph & last != 0 {
            score += 1;
        } else if mh & last != 0 {
            score -= 1;
        }
        ph = (ph << 1) | 1;
        mh <<= 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

/// True when two running-head keys are the same head up to OCR noise (similarity of at least
/// 0.8). Keys whose lengths differ by more than a fifth cannot be, and are not compared.
pub fn same_head(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    la.min(lb) * 5 >= la.max(lb) * 4 && head_similarity(a, b) >= 0.8
}

/// How many pages around a page are searched for its running head: heads recur on every page or
/// every other page, and a bounded window keeps the search linear in the number of pages.
pub const HEAD_WINDOW: usize = 4;

impl BoundaryDetector for RunningHeadStarts {
    fn detect(&self, text: &str, _ctx: &Context) -> Vec<(usize, String)> {
        let Some(title) = text.split('\n').map(str::trim).find(|l| !l.is_empty()) else {
            return Vec::new();
        };
        let title_key = crate::layout::letters_key(title);
        let mut found = Vec::new();
        // Candidates are the lines after a blank line.
        let mut after_blank = false;
        for (at, line) in lines_with_starts(text) {
            let candidate = after_blank;
            after_blank = line.trim().is_empty();
            let Some(key) = candidate.then(|| running_head_key(line)).flatten() else {
                continue;
            };
            // Lines that merely resemble each other are no evidence of pages (a table of contents
            // is made of such lines); the page sequence is, see `NumberedHeadStarts`.
            let title_match = head_similarity(&key, &title_key);
            if title_match < 0.8 {
                continue;
            }
            let evidence = format!(
                "running head {:?} matches the title ({title_match:.2})",
                line.trim()
            );
            found.push((at, evidence));
        }
        found
    }
}

pub const BOUNDARY: BuiltinRule = BuiltinRule {
    id: "pages.boundary",
    description: "Page break inserted where the document's own page convention shows one.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[BOUNDARY];

impl Pass for Pages {
    fn name(&self) -> &'static str {
        "pages"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        // Documents that mark their pages need no guessing.
        if text.contains('\x0c') {
            return Vec::new();
        }
        let printed_lines = if ctx.text_is_document() {
            ctx.analysis.shows_hard_wrap()
        } else {
            layout::shows_hard_wrap(text)
        };
        let mut found: Vec<(usize, String)> = self
            .detectors
            .iter()
            .filter(|d| d.explicit() || printed_lines)
            .flat_map(|d| d.detect(text, ctx))
            .filter(|(at, _)| *at > 0 && text.is_char_boundary(*at))
            .collect();
        found.sort_by_key(|(at, _)| *at);
        let mut edits: Vec<Edit> = Vec::new();
        for (at, evidence) in found {
            // Two conventions marking the same page start (a running head, then an indented line).
            if let Some(last) = edits.last()
                && text[last.range.start..at].matches('\n').count() <= 3
            {
                continue;
            }
            edits.push(
                Edit::new(at..at, "\x0c", BOUNDARY)
                    .confidence(0.9)
                    .evidence(evidence),
            );
        }
        edits
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    struct EveryThirdLine;

    impl BoundaryDetector for EveryThirdLine {
        fn detect(&self, text: &str, _ctx: &Context) -> Vec<(usize, String)> {
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
        let pass = Pages::with_detectors(vec![Box::new(EveryThirdLine)]);
        let edits = crate::passes::OnePass::new(&pass).edits("a\nb\nc\nd\ne\n");
        assert_eq!(
            edits.iter().map(|e| e.range.start).collect::<Vec<_>>(),
            vec![6]
        );
        assert!(
            crate::passes::OnePass::new(&pass)
                .edits("a\nb\x0cc\nd\ne\n")
                .is_empty()
        );
    }

    #[test]
    fn head_similarity_is_the_normalised_edit_distance() {
        for (a, b) in [
            ("kitten", "sitting"),
            ("", ""),
            ("", "abc"),
            ("abc", ""),
            ("politischeschau", "politischeschan"),
            ("überschrift", "uberschrift"),
            ("a", "a"),
        ] {
            assert_eq!(head_similarity(a, b), strsim::normalized_levenshtein(a, b));
        }
        // Longer than one machine word, on one side and on both.
        let long = "ab".repeat(40);
        let other = "abc".repeat(30);
        assert_eq!(
            head_similarity("abcdefgh", &long),
            strsim::normalized_levenshtein("abcdefgh", &long)
        );
        assert_eq!(
            head_similarity(&long, &other),
            strsim::normalized_levenshtein(&long, &other)
        );
    }

    proptest::proptest! {
        #[test]
        fn head_similarity_matches_strsim(a in "[a-dä]{0,70}", b in "[a-dä]{0,70}") {
            proptest::prop_assert_eq!(head_similarity(&a, &b), strsim::normalized_levenshtein(&a, &b));
        }
    }
}
