//! Finding the candidates: a word part, a hyphen, a gap of whitespace and the next word part.

use super::Candidate;

pub(super) fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        if c != '-' && c != '¬' {
            continue;
        }
        let left_start = text[..i].trim_end_matches(char::is_alphanumeric).len();
        if left_start == i {
            continue; // a dash, or a hyphen after punctuation
        }
        let after_hyphen = i + c.len_utf8();
        let rest = &text[after_hyphen..];
        let gap_len = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\x0c']).len();
        if gap_len == 0 {
            continue;
        }
        let gap = &rest[..gap_len];
        let word = &rest[gap_len..];
        let right_len = word.len() - word.trim_start_matches(char::is_alphanumeric).len();
        if right_len == 0 {
            continue;
        }
        let right_start = after_hyphen + gap_len;
        out.push(Candidate {
            left: left_start..i,
            hyphen: i..after_hyphen,
            right: right_start..right_start + right_len,
            line_end: gap.contains(['\n', '\x0c']),
            wide_gap: gap.contains('\x0c') || gap.matches('\n').count() > 1,
            page_break: gap.contains('\x0c'),
        });
    }
    out
}
