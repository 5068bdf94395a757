//! Normalise: encoding and Unicode debris that no later pass should have to think about.
//!
//! One sweep over the characters proposes: byte order marks dropped; CRLF and lone CR (and the
//! Unicode line separators) turned into LF; typographic ligatures expanded; soft hyphens dropped (a
//! soft hyphen at a line end joins the two halves of the word, since it marks a hyphenation point);
//! zero-width characters dropped; control characters other than `\n`, `\t` and `\f` dropped;
//! trailing spaces and tabs dropped; and every stretch that is not in Unicode NFC composed.
//!
//! Known false positives: ZWJ and ZWNJ carry meaning in Indic and Arabic scripts, so they are only
//! dropped between two Latin characters.

use std::borrow::Cow;
use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::{BuiltinRule, Context, Pass};
use crate::change::Edit;

pub struct Normalise;

pub const BOM: BuiltinRule = BuiltinRule {
    id: "normalise.bom",
    description: "Byte order mark at the start of a file or page dropped.",
};

pub const CRLF: BuiltinRule = BuiltinRule {
    id: "normalise.crlf",
    description: "CRLF line end turned into LF.",
};

pub const CR: BuiltinRule = BuiltinRule {
    id: "normalise.cr",
    description: "Lone CR (old Mac line end) turned into LF.",
};

pub const LINE_SEPARATOR: BuiltinRule = BuiltinRule {
    id: "normalise.line-separator",
    description: "NEL, U+2028 or U+2029 turned into LF.",
};

pub const NFC: BuiltinRule = BuiltinRule {
    id: "normalise.nfc",
    description: "Decomposed or compatibility sequence composed to Unicode NFC.",
};

pub const LIGATURE: BuiltinRule = BuiltinRule {
    id: "normalise.ligature",
    description: "Typographic ligature (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ) expanded to its letters.",
};

pub const SOFT_HYPHEN: BuiltinRule = BuiltinRule {
    id: "normalise.soft-hyphen",
    description: "Soft hyphen (U+00AD) dropped; at a line end the word's halves are joined.",
};

pub const ZERO_WIDTH: BuiltinRule = BuiltinRule {
    id: "normalise.zero-width",
    description: "Zero-width space, word joiner or stray BOM dropped (ZWJ/ZWNJ only between Latin letters).",
};

pub const CONTROL: BuiltinRule = BuiltinRule {
    id: "normalise.control",
    description: "Control character other than newline, tab and form feed dropped.",
};

pub const TRAILING_SPACE: BuiltinRule = BuiltinRule {
    id: "normalise.trailing-space",
    description: "Spaces and tabs at the end of a line dropped.",
};

/// The rules of this pass, as registered.
const RULES: &[BuiltinRule] = &[
    BOM,
    CRLF,
    CR,
    LINE_SEPARATOR,
    NFC,
    LIGATURE,
    SOFT_HYPHEN,
    ZERO_WIDTH,
    CONTROL,
    TRAILING_SPACE,
];

/// `chars` with every typographic ligature written as its letters, as this pass writes them in
/// the input (`ﬁrst` is `first`): how `eval` reads a truth and `learn` compares words.
pub(crate) fn expand_ligatures(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    for c in chars {
        match ligature(c) {
            Some(letters) => out.push_str(letters),
            None => out.push(c),
        }
    }
    out
}

/// The letters of a typographic ligature (the normalise pass writes them; `learn` compares words so).
pub(crate) fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

fn is_latin(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphabetic() && (c as u32) < 0x0250)
}

impl Pass for Normalise {
    fn name(&self) -> &'static str {
        "normalise"
    }

    fn builtin_rules(&self) -> &'static [BuiltinRule] {
        RULES
    }

    fn run(&self, text: &str, _ctx: &Context) -> Vec<Edit> {
        let mut edits = Vec::new();
        // One character at a time with one of look-behind and two of look-ahead, read from the
        // text itself (no table of characters: a long document would need 16 bytes per one).
        let char_at = |p: usize| text.get(p..).and_then(|rest| rest.chars().next());
        let bytes = text.as_bytes();
        let mut pos = 0;
        loop {
            // Printable ASCII, line ends and form feeds are most of any text and none of them is
            // proposed for a change here: skipped a byte at a time without decoding.
            while pos < bytes.len() && matches!(bytes[pos], b'!'..=b'~' | b'\n' | b'\x0c') {
                pos += 1;
            }
            let Some(c) = char_at(pos) else { break };
            let end = pos + c.len_utf8();
            let next = char_at(end);
            let prev = text[..pos].chars().next_back();
            let delete = |rule: BuiltinRule, why: Cow<'static, str>| {
                Edit::new(pos..end, "", rule).evidence(why)
            };
            // Where the next character to look at starts.
            let mut resume = end;
            match c {
                '\u{FEFF}' if prev.is_none() || prev == Some('\x0c') => {
                    edits.push(delete(BOM, "byte order mark at the start of a page".into()));
                }
                '\u{FEFF}' | '\u{200B}' | '\u{2060}' => {
                    edits.push(delete(ZERO_WIDTH, format!("U+{:04X}", c as u32).into()));
                }
                '\u{200C}' | '\u{200D}' if is_latin(prev) && is_latin(next) => {
                    edits.push(delete(
                        ZERO_WIDTH,
                        format!("U+{:04X} between Latin letters", c as u32).into(),
                    ));
                }
                '\r' if next == Some('\n') => {
                    edits.push(Edit::new(pos..pos + 2, "\n", CRLF).evidence("CRLF line end"));
                    resume = pos + 2;
                }
                '\r' => edits.push(Edit::new(pos..pos + 1, "\n", CR).evidence("lone CR line end")),
                '\u{0085}' | '\u{2028}' | '\u{2029}' => edits.push(
                    Edit::new(pos..end, "\n", LINE_SEPARATOR)
                        .evidence(format!("U+{:04X} line separator", c as u32)),
                ),
                '\u{00AD}' if matches!(next, Some('\n' | '\r')) => {
                    // The soft hyphen marks a hyphenation point: the line break after it is not a space.
                    let mut line_end = end + 1;
                    if next == Some('\r') && char_at(line_end) == Some('\n') {
                        line_end += 1;
                    }
                    edits.push(
                        Edit::new(pos..line_end, "", SOFT_HYPHEN)
                            .evidence("soft hyphen at a line end: word halves joined"),
                    );
                    resume = line_end;
                }
                '\u{00AD}' => edits.push(delete(SOFT_HYPHEN, "soft hyphen".into())),
                ' ' | '\t' => {
                    let run_end =
                        pos + text[pos..].len() - text[pos..].trim_start_matches([' ', '\t']).len();
                    if matches!(
                        char_at(run_end),
                        None | Some('\n' | '\r' | '\x0c' | '\u{2028}' | '\u{2029}' | '\u{0085}')
                    ) {
                        edits.push(
                            Edit::new(pos..run_end, "", TRAILING_SPACE)
                                .evidence("whitespace at a line end"),
                        );
                    }
                    resume = run_end;
                }
                c if c.is_control() && !matches!(c, '\n' | '\t' | '\x0c') => {
                    edits.push(delete(
                        CONTROL,
                        format!("control character U+{:04X}", c as u32).into(),
                    ));
                }
                c => {
                    if let Some(letters) = ligature(c) {
                        edits.push(
                            Edit::new(pos..end, letters, LIGATURE)
                                .evidence(format!("ligature U+{:04X}", c as u32)),
                        );
                    }
                }
            }
            pos = resume;
        }
        // ASCII is NFC and leaves the quick check's state as at the start (a starter): the check
        // begins at the first other character.
        let first_non_ascii = bytes
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len());
        if is_nfc_quick(text[first_non_ascii..].chars()) != IsNormalized::Yes {
            edits.extend(nfc_edits(text));
        }
        edits
    }
}

/// Edits that compose each cluster (a character and the marks that follow it) not in NFC.
fn nfc_edits(text: &str) -> Vec<Edit> {
    let continues_cluster = |c: char| {
        canonical_combining_class(c) != 0
            || is_combining_mark(c)
            || ('\u{1160}'..='\u{11FF}').contains(&c)
    };
    let mut edits = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        let mut end = start + c.len_utf8();
        while let Some(&(p, n)) = iter.peek() {
            if !continues_cluster(n) {
                break;
            }
            end = p + n.len_utf8();
            iter.next();
        }
        let cluster = &text[start..end];
        let composed: String = cluster.nfc().collect();
        if composed != cluster {
            edits.push(Edit::new(start..end, composed, NFC).evidence(format!(
                "{} code points composed to NFC",
                cluster.chars().count()
            )));
        }
    }
    edits
}

#[cfg(test)]
mod tests {

    use super::*;

    fn run(text: &str) -> String {
        crate::passes::OnePass::new(&Normalise).apply(text)
    }

    #[test]
    fn line_ends_boms_and_trailing_space() {
        assert_eq!(run("\u{FEFF}a  \r\nb\rc\t\x0c\u{FEFF}d"), "a\nb\nc\x0cd");
    }

    #[test]
    fn ligatures_soft_hyphens_zero_width_and_controls() {
        assert_eq!(run("ﬁne ﬄuent"), "fine ffluent");
        assert_eq!(
            run("creden\u{AD}\ntials ex\u{AD}ample"),
            "credentials example"
        );
        assert_eq!(run("a\u{200B}b\u{0007}c"), "abc");
        // ZWNJ between Persian letters is meaningful and stays.
        assert_eq!(run("می\u{200C}خواهم"), "می\u{200C}خواهم");
    }

    #[test]
    fn nfc_composes_and_leaves_composed_text_alone() {
        assert_eq!(run("Pe\u{0300}re"), "Père");
        assert_eq!(run("Père “quoted” – dash"), "Père “quoted” – dash");
    }
}
