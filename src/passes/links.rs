//! Links: URLs found, made whole and repaired.
//!
//! A URL starts at a scheme (`http://`, `https://`, `ftp://`) or at `www.` and runs to the next
//! space. Reflow has already turned the line breaks of the raw text into spaces, so a URL that the
//! printed line cut shows up as a URL, a space, and a continuation. The URL goes on across a space
//! only when what follows cannot be prose:
//!
//! - the host so far has no dot (`http://eng` then `example.ru/…`-like text that starts with a
//!   well-formed domain): the space is a lost dot (`links.host-space`);
//! - the next token carries URL syntax (`/`, `?`, `=`, `&`, `%`, `_`, `#`) or mixes letters and
//!   digits (`7ech5ed2…`, the rest of a document id): the space was a line break
//!   (`links.join-break`);
//! - the URL ends with `/`, the next token is a plain word, and the one after it carries a `/`
//!   (`docs/` `off` `news/180308/…`): the first space was the break, the second a space inside a
//!   path segment, which becomes `_` (`links.path-space`). That is a guess (`-` and `%20` are as
//!   possible), so it is applied only when the URLs of the document already use `_` and never `-`
//!   between words; otherwise it is flagged for review.
//!
//! Inside the URL, a character that cannot stand in a URL (`¢`, `{`, `|`) is mapped through the
//! confusion table to one that can (`links.confusable-char`), and a run of 16, 24, 32, 40 or 64
//! letters and digits that is hexadecimal but for one character, which the confusion table maps to
//! a hex digit (`h` for `b`), is repaired (`links.hex-run`): document ids have these lengths.
//! Sentence punctuation at the end (`.`, `,`, `;`, `:`, `!`, `?`, closing quotes and brackets that
//! the URL does not open) stays outside the URL.
//!
//! Known false positives: a URL at the end of a sentence followed by a word with a slash or a
//! letter-digit mix (`http://a.org/x 3D-printing`) is joined to it; a document id whose length is
//! not one of the usual ones is not repaired.

use std::ops::Range;

use regex::Regex;
use std::sync::LazyLock;

use super::{BuiltinRule, Context, Pass};
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;

pub struct Links;

pub const JOIN_BREAK: BuiltinRule = BuiltinRule {
    id: "links.join-break",
    description: "A URL cut by a line break rejoined: the next token has URL syntax or mixes letters and digits.",
};

pub const HOST_SPACE: BuiltinRule = BuiltinRule {
    id: "links.host-space",
    description: "A space inside a URL's host that stands for a dot (`http://www example.org` → `http://www.example.org`), when that gives a well-formed domain.",
};

pub const PATH_SPACE: BuiltinRule = BuiltinRule {
    id: "links.path-space",
    description: "A space inside a URL path segment written `_` (applied when the document's URLs use `_` between words, else flagged for review).",
};

pub const CONFUSABLE_CHAR: BuiltinRule = BuiltinRule {
    id: "links.confusable-char",
    description: "A character that cannot stand in a URL (`¢`, `{`) mapped through the confusion table (`c`, `f`).",
};

pub const HEX_RUN: BuiltinRule = BuiltinRule {
    id: "links.hex-run",
    description: "A hexadecimal id of a usual length (16, 24, 32, 40, 64) with one non-hex character that the confusion table maps to a hex digit, repaired.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[JOIN_BREAK, HOST_SPACE, PATH_SPACE, CONFUSABLE_CHAR, HEX_RUN];

/// Where a URL starts.
static URL_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:(?:https?|ftp)://|www\.)").expect("valid regex"));

/// A domain: labels of letters, digits and hyphens, with a top-level label of letters.
static DOMAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,6}$",
    )
    .expect("valid regex")
});

/// Lengths of hexadecimal ids in URLs (64-bit, 96-bit, 128-bit UNIDs and MD5, SHA-1, SHA-256).
const HEX_ID_LENGTHS: &[usize] = &[16, 24, 32, 40, 64];

/// How a URL goes on across a space.
#[derive(Debug, Clone, PartialEq)]
enum Joint {
    /// The space was a line break inside the URL: it goes.
    Break,
    /// The space stands for the dot between two host labels.
    HostDot,
    /// The space sits inside a path segment.
    PathSpace,
}

/// A URL in the text: its range (trailing punctuation excluded) and the spaces inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlSpan {
    pub range: Range<usize>,
    joints: Vec<(Range<usize>, Joint)>,
}

/// Characters that may stand in a URL (RFC 3986 unreserved, reserved and `%`).
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

/// A character that ends a sentence or closes a quotation, and so ends a URL when last.
fn is_trailing_punctuation(c: char) -> bool {
    ".,;:!?\"'”’»)]}>".contains(c)
}

/// Whether a token (up to the next space) carries URL syntax or a letter-digit mix.
fn is_url_like(token: &str) -> bool {
    let core = token.trim_end_matches(is_trailing_punctuation);
    if core.is_empty()
        || core.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) && !core.contains('/')
    {
        return false;
    }
    let syntax = core.chars().any(|c| "/?=&%_#".contains(c));
    let letters = core.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let digits = core.chars().filter(|c| c.is_ascii_digit()).count();
    syntax || (letters > 0 && digits > 0 && core.chars().count() >= 6)
}

/// Whether a token is a plain word: letters and digits only.
fn is_plain_word(token: &str) -> bool {
    !token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The next token after a single space at `pos` (which must point at the space): its range.
fn token_after_space(text: &str, pos: usize) -> Option<Range<usize>> {
    let rest = &text[pos..];
    let after = rest.strip_prefix(' ')?;
    if after.starts_with(char::is_whitespace) || after.is_empty() {
        return None;
    }
    let start = pos + 1;
    let len = after.find(char::is_whitespace).unwrap_or(after.len());
    Some(start..start + len)
}

/// The host part of a URL text (after the scheme, up to the first `/`, `?` or `#`).
fn host_of(url: &str) -> &str {
    let rest = url.find("://").map_or(url, |i| &url[i + 3..]);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// Finds every URL of `text`, with the spaces that cut it.
pub fn find_urls(text: &str) -> Vec<UrlSpan> {
    let mut urls = Vec::new();
    let mut search_from = 0;
    while let Some(m) = URL_START.find_at(text, search_from) {
        let start = m.start();
        let mut end = start
            + text[start..]
                .find(char::is_whitespace)
                .unwrap_or(text.len() - start);
        let mut joints = Vec::new();
        loop {
            let current = &text[start..end];
            if current.ends_with(is_trailing_punctuation) && !current.ends_with('/') {
                break;
            }
            let Some(next) = token_after_space(text, end) else {
                break;
            };
            let next_text = &text[next.clone()];
            let host = host_of(current);
            let after_scheme = current.find("://").map_or(current, |i| &current[i + 3..]);
            let host_complete = host.contains('.') || after_scheme.contains('/');
            if !host_complete {
                let next_host_end = next_text.find(['/', '?', '#']).unwrap_or(next_text.len());
                let next_host =
                    next_text[..next_host_end].trim_end_matches(is_trailing_punctuation);
                // The rest must be a domain itself (`example.ru`), not a word of the sentence.
                if next_host.contains('.') && DOMAIN.is_match(&format!("{host}.{next_host}")) {
                    joints.push((end..next.start, Joint::HostDot));
                    end = next.end;
                    continue;
                }
                break;
            }
            if is_url_like(next_text) {
                joints.push((end..next.start, Joint::Break));
                end = next.end;
                continue;
            }
            if current.ends_with('/')
                && is_plain_word(next_text)
                && let Some(second) = token_after_space(text, next.end)
                && text[second.clone()]
                    .trim_end_matches(is_trailing_punctuation)
                    .contains('/')
            {
                joints.push((end..next.start, Joint::Break));
                joints.push((next.end..second.start, Joint::PathSpace));
                end = second.end;
                continue;
            }
            break;
        }
        // Sentence punctuation at the end stays outside; a closing bracket the URL opened stays in.
        let mut url_end = end;
        while let Some(c) = text[start..url_end].chars().next_back() {
            if !is_trailing_punctuation(c) {
                break;
            }
            let inside = &text[start..url_end - c.len_utf8()];
            let opened = match c {
                ')' => inside.matches('(').count() > inside.matches(')').count(),
                ']' => inside.matches('[').count() > inside.matches(']').count(),
                _ => false,
            };
            if opened {
                break;
            }
            url_end -= c.len_utf8();
        }
        if url_end > m.end() {
            joints.retain(|(r, _)| r.end <= url_end);
            urls.push(UrlSpan {
                range: start..url_end,
                joints,
            });
        }
        search_from = end.max(m.end());
    }
    urls
}

/// The byte ranges of every URL of `text`, for the passes that must leave URLs alone: in text
/// order and not overlapping (each search starts where the last URL ended).
pub fn url_ranges(text: &str) -> Vec<Range<usize>> {
    find_urls(text).into_iter().map(|u| u.range).collect()
}

/// Whether `range` overlaps one of `urls` (as [`url_ranges`] gives them). A binary search: a
/// test of every URL for every token made the token passes quadratic on long documents, whose
/// URLs grow with their length (prose 10x longer took 33x the time).
pub fn overlaps_url(urls: &[Range<usize>], range: &Range<usize>) -> bool {
    // The first URL that ends after `range` starts is the only one that can overlap it.
    let i = urls.partition_point(|u| u.end <= range.start);
    urls.get(i).is_some_and(|u| u.start < range.end)
}

/// Whether the URLs of `text` separate words with `_` and never with `-`.
fn underscore_is_the_convention(texts: &[&str]) -> bool {
    let mut underscores = 0;
    let mut hyphens = 0;
    for text in texts {
        for url in find_urls(text) {
            let s = &text[url.range];
            let path = s.find("://").map_or(s, |i| &s[i + 3..]);
            let path = path.find('/').map_or("", |i| &path[i..]);
            underscores += path.matches('_').count();
            hyphens += path.matches('-').count();
        }
    }
    underscores > 0 && hyphens == 0
}

/// The edits that repair one URL.
fn repair(text: &str, url: &UrlSpan, table: &ConfusionTable, underscores: bool) -> Vec<Edit> {
    let mut edits = Vec::new();
    for (range, joint) in &url.joints {
        let edit = match joint {
            Joint::Break => Edit::new(range.clone(), "", JOIN_BREAK)
                .confidence(0.85)
                .evidence("URL cut by a line break: the next token has URL syntax or mixes letters and digits"),
            Joint::HostDot => Edit::new(range.clone(), ".", HOST_SPACE)
                .confidence(0.9)
                .evidence("host without a dot; with one it is a well-formed domain"),
            Joint::PathSpace => {
                let edit = Edit::new(range.clone(), "_", PATH_SPACE).confidence(0.7);
                if underscores {
                    edit.evidence("space inside a path segment; the document's URLs join words with `_` and never `-`")
                } else {
                    edit.kind(ChangeKind::Review)
                        .evidence("space inside a path segment: `_`, `-` or `%20`? the document's URLs do not tell")
                }
            }
        };
        edits.push(edit);
    }
    // The URL's characters with their ranges and their repaired form, spaces left out.
    let mut chars: Vec<(Range<usize>, char, Option<char>)> = Vec::new();
    for (i, c) in text[url.range.clone()].char_indices() {
        let at = url.range.start + i;
        if c.is_whitespace() {
            continue;
        }
        let repaired = if is_url_char(c) {
            None
        } else {
            table
                .single_char_repairs(c, |p| p.is_ascii_alphanumeric())
                .first()
                .map(|&(p, _)| p)
        };
        if let Some(p) = repaired {
            edits.push(
                Edit::new(at..at + c.len_utf8(), p.to_string(), CONFUSABLE_CHAR)
                    .confidence(0.85)
                    .evidence(format!(
                        "`{c}` cannot stand in a URL; the confusion table reads it as `{p}`"
                    )),
            );
        }
        chars.push((at..at + c.len_utf8(), c, repaired));
    }
    // Runs of letters and digits (after the repairs above), across the removed spaces.
    let mut i = 0;
    while i < chars.len() {
        let is_alnum = |k: usize| chars[k].2.unwrap_or(chars[k].1).is_ascii_alphanumeric();
        if !is_alnum(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && is_alnum(j) {
            j += 1;
        }
        let run = &chars[i..j];
        if HEX_ID_LENGTHS.contains(&run.len()) {
            let off: Vec<usize> = (0..run.len())
                .filter(|&k| !run[k].2.unwrap_or(run[k].1).is_ascii_hexdigit())
                .collect();
            let digits = run.iter().filter(|r| r.1.is_ascii_digit()).count();
            if let [k] = off[..]
                && digits >= run.len() / 4
                && let Some(&(p, _)) = table
                    .single_char_repairs(run[k].1, |p| {
                        p.is_ascii_hexdigit() && !p.is_ascii_uppercase()
                    })
                    .first()
            {
                edits.push(
                    Edit::new(run[k].0.clone(), p.to_string(), HEX_RUN)
                        .confidence(0.8)
                        .evidence(format!(
                            "{}-character hexadecimal id with one `{}`; the confusion table reads it as `{p}`",
                            run.len(),
                            run[k].1
                        )),
                );
            }
        }
        i = j;
    }
    edits
}

impl Pass for Links {
    fn name(&self) -> &'static str {
        "links"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, ctx: &Context) -> Vec<Edit> {
        let urls = find_urls(text);
        if urls.is_empty() {
            return Vec::new();
        }
        let underscores = underscore_is_the_convention(&[text, ctx.document]);
        urls.iter()
            .flat_map(|url| repair(text, url, &ctx.rules.confusions, underscores))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_range_overlaps_a_url_as_a_test_of_every_url_says() {
        let text = "see http://a.example/x and www.b.example/y, then c.example.";
        let urls = url_ranges(text);
        assert_eq!(urls.len(), 2);
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let r = start..end;
                let every = urls.iter().any(|u| u.start < r.end && r.start < u.end);
                assert_eq!(overlaps_url(&urls, &r), every, "{r:?}");
            }
        }
    }

    use super::*;
    use crate::rules::RuleSet;

    fn table() -> ConfusionTable {
        ConfusionTable::from_pairs(&[
            ("¢", "c", 0.9),
            ("{", "f", 0.6),
            ("h", "b", 0.6),
            ("h", "li", 0.4),
        ])
    }

    /// Applies the pass (review flags not applied) and returns the text.
    fn clean(text: &str, document: &str) -> String {
        let rules = RuleSet {
            confusions: table(),
            ..RuleSet::default()
        };
        crate::passes::OnePass::new(&Links)
            .rules(&rules)
            .language("en")
            .document(document)
            .apply(text)
    }

    #[test]
    fn finds_urls_and_leaves_trailing_punctuation_outside() {
        let text = "See http://example.org/a/b.html. Or (www.example.com), and https://x.org/f(1).";
        let found: Vec<&str> = url_ranges(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            found,
            vec![
                "http://example.org/a/b.html",
                "www.example.com",
                "https://x.org/f(1)"
            ]
        );
    }

    #[test]
    fn normal_urls_and_prose_are_left_alone() {
        for text in [
            "See http://example.org/a/b.html. Then more text follows here.",
            "http://example.org/ and then a sentence / with a slash.",
            "Visit www.example.com today 2007 and again.",
            "http://example.org/page 2007 was the year.",
            "No URL here: a/b and c_d and x9y8z7w6.",
        ] {
            assert_eq!(clean(text, text), text, "{text}");
        }
    }

    #[test]
    fn a_space_in_the_host_is_a_dot_when_that_gives_a_domain() {
        assert_eq!(
            clean("at http://eng example.ru/a/b.shtml.", ""),
            "at http://eng.example.ru/a/b.shtml."
        );
        // `word` after a dot-less host is not a domain: nothing changes.
        assert_eq!(
            clean("http://localhost and more", ""),
            "http://localhost and more"
        );
    }

    #[test]
    fn a_url_cut_by_a_line_break_is_rejoined() {
        assert_eq!(
            clean("http://example.org/docs/ab12cd34 56ef78/x.htm. Next", ""),
            "http://example.org/docs/ab12cd3456ef78/x.htm. Next"
        );
    }

    #[test]
    fn a_space_in_a_path_segment_is_flagged_unless_the_document_uses_underscores() {
        let text = "March 2008), http://www.example.int/a/docs/ off news/180308/page2.htm.";
        assert_eq!(
            clean(text, ""),
            "March 2008), http://www.example.int/a/docs/off news/180308/page2.htm."
        );
        let document = "see http://example.org/first_second/0000_type82914.shtml.";
        assert_eq!(
            clean(text, document),
            "March 2008), http://www.example.int/a/docs/off_news/180308/page2.htm."
        );
        let hyphens = "see http://example.org/first_second/a-b.html.";
        assert!(clean(text, hyphens).contains("off news"));
    }

    #[test]
    fn confusable_characters_and_an_off_hex_digit_are_repaired() {
        let text = "2001, http://www.example.ru/x.nsf/99b2ddc4f717¢733¢32567370042ee43/cc617ec3 7ech5ed2¢3256a3a003{5735?OpenDocument. trade";
        assert_eq!(
            clean(text, ""),
            "2001, http://www.example.ru/x.nsf/99b2ddc4f717c733c32567370042ee43/cc617ec37ecb5ed2c3256a3a003f5735?OpenDocument. trade"
        );
    }

    #[test]
    fn a_run_of_unusual_length_or_two_off_characters_is_left_alone() {
        for text in [
            "http://example.org/id/7ech5ed2c3256a3a003f57351/x",
            "http://example.org/id/7ech5ed2c3256a3a003f573h/x",
            "http://example.org/hashtagsandletters/x",
        ] {
            assert_eq!(clean(text, ""), text, "{text}");
        }
    }
}
