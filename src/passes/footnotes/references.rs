//! Reference marks in the body: each note's mark on its page written as `[^N]`, or flagged.

use std::sync::OnceLock;

use regex::Regex;

use super::marks::superscript_value;
use super::{Note, ORPHAN_NOTE, REFERENCE};
use crate::change::{ChangeKind, Edit};

/// Signs that OCR makes of a superscript digit, and the digit each most often stands for.
const MARK_LOOKALIKES: &[(char, u32)] =
    &[('#', 4), ('®', 8), ('°', 0), ('¹', 1), ('²', 2), ('³', 3)];

/// Signs that can stand for a garbled superscript mark glued to punctuation.
const GARBLED_SIGNS: &[char] = &[
    '#', '®', '©', '°', '¤', '§', '†', '‡', '*', '^', '~', '¹', '²', '³',
];

/// Spaced numbers in the body that can be a superscript mark the OCR read as a word of its own:
/// one or two digits after a word or after punctuation that follows a letter, before a space or
/// the line end (`India 2 remained`, `Minutes"; 1 although`), never after a figure (`1879, 1`).
pub(super) fn spaced_reference_marks(body: &str) -> Vec<(std::ops::Range<usize>, u32)> {
    static SPACED_REF: OnceLock<Regex> = OnceLock::new();
    let re = SPACED_REF.get_or_init(|| {
        Regex::new(r"(?:\p{L}{2}|\p{L}[.,;:!?”’'\x22)\]]{1,2})( [0-9]{1,2})(?:[ \n]|$)")
            .expect("static pattern")
    });
    re.captures_iter(body)
        .filter_map(|c| {
            let m = c.get(1)?;
            Some((m.range(), m.as_str().trim().parse().ok()?))
        })
        .collect()
}

/// Reference marks of the page's notes in the page body (`body` starts at `body_start`).
pub(super) fn references(body_start: usize, body: &str, notes: &[Note]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut used: Vec<std::ops::Range<usize>> = Vec::new();
    let mut unlinked: Vec<&Note> = Vec::new();
    static DIGIT_REF: OnceLock<Regex> = OnceLock::new();
    static SYMBOL_REF: OnceLock<Regex> = OnceLock::new();
    // A number glued to closing punctuation or to a lowercase word, ending the word.
    let digit_ref = DIGIT_REF.get_or_init(|| {
        Regex::new(
            r"(?:[.,;:!?”’'\x22)\]]|(\p{Ll}{2,}))([0-9]{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})(?:[\s.,;:)]|$)",
        )
        .expect("static pattern")
    });
    // Every candidate digit mark of the page, with its value and whether it is glued to a word.
    let digit_marks: Vec<(std::ops::Range<usize>, u32, bool)> = digit_ref
        .captures_iter(body)
        .filter_map(|c| {
            let mark = c.get(2)?;
            let value = mark
                .as_str()
                .parse()
                .ok()
                .or_else(|| superscript_value(mark.as_str()))?;
            Some((mark.range(), value, c.get(1).is_some()))
        })
        .collect();
    let symbol_ref = SYMBOL_REF
        .get_or_init(|| Regex::new(r"(?:\S|\s)(\*{1,3}\)?|†|‡)").expect("static pattern"));
    let mut symbols = symbol_ref
        .captures_iter(body)
        .filter_map(|c| c.get(1))
        .map(|m| m.range())
        .collect::<Vec<_>>()
        .into_iter();
    for note in notes {
        let found: Option<(std::ops::Range<usize>, f64, String)> = if note.symbol {
            symbols.next().map(|r| {
                (
                    r,
                    0.85,
                    "note sign in the body of the note's page, in note order".into(),
                )
            })
        } else if let Some(printed) = note.printed {
            let hits: Vec<(std::ops::Range<usize>, bool)> = digit_marks
                .iter()
                .filter(|(_, value, _)| *value == printed)
                .map(|(r, _, glued_to_word)| (r.clone(), *glued_to_word))
                .collect();
            match hits.as_slice() {
                [(r, glued_to_word)] => {
                    let (confidence, how) = if *glued_to_word {
                        (0.7, "glued to a word")
                    } else {
                        (0.9, "glued to punctuation")
                    };
                    Some((
                        r.clone(),
                        confidence,
                        format!("mark {printed} {how} on the page of note {}", note.number),
                    ))
                }
                [] => None,
                _ => {
                    for (r, _) in &hits {
                        edits.push(
                            Edit::new(
                                body_start + r.start..body_start + r.end,
                                format!("[^{}]", note.number),
                                REFERENCE,
                            )
                            .kind(ChangeKind::Review)
                            .confidence(0.5)
                            .evidence(format!(
                                "{} places on the page could be the mark of note {}",
                                hits.len(),
                                note.number
                            )),
                        );
                    }
                    used.extend(hits.into_iter().map(|(r, _)| r));
                    unlinked.push(note);
                    continue;
                }
            }
        } else {
            None
        };
        match found {
            Some((r, confidence, evidence)) => {
                used.push(r.clone());
                edits.push(
                    Edit::new(
                        body_start + r.start..body_start + r.end,
                        format!("[^{}]", note.number),
                        REFERENCE,
                    )
                    .confidence(confidence)
                    .evidence(evidence),
                );
            }
            None => unlinked.push(note),
        }
    }
    // Spaced numbers (`India 2 remained`) for notes of a block of spaced marks, when the page
    // holds exactly one such number for the note; several are each flagged.
    let spaced = spaced_reference_marks(body);
    let mut still: Vec<&Note> = Vec::new();
    for note in unlinked {
        let Some(printed) = note.printed.filter(|_| note.spaced) else {
            still.push(note);
            continue;
        };
        let hits: Vec<&std::ops::Range<usize>> = spaced
            .iter()
            .filter(|(r, v)| {
                *v == printed && !used.iter().any(|u| u.start < r.end && r.start < u.end)
            })
            .map(|(r, _)| r)
            .collect();
        let edit = |r: &std::ops::Range<usize>| {
            Edit::new(
                body_start + r.start..body_start + r.end,
                format!("[^{}]", note.number),
                REFERENCE,
            )
        };
        match hits.as_slice() {
            [r] => edits.push(edit(r).confidence(0.7).evidence(format!(
                "mark {printed} standing as a word of its own, the only one on the page of note {} (its mark is spaced too)",
                note.number
            ))),
            [] => {
                still.push(note);
                continue;
            }
            _ => {
                for r in &hits {
                    edits.push(edit(r).kind(ChangeKind::Review).confidence(0.5).evidence(
                        format!(
                            "{} spaced numbers on the page could be the mark of note {}",
                            hits.len(),
                            note.number
                        ),
                    ));
                }
                still.push(note);
            }
        }
        used.extend(hits.into_iter().cloned());
    }
    let unlinked = still;
    // Garbled signs glued to punctuation, for numbered notes still without a reference.
    static GARBLED: OnceLock<Regex> = OnceLock::new();
    let garbled = GARBLED.get_or_init(|| {
        Regex::new(r"[.,;:!?”’'\x22)]([^\w\s.,;:!?”’'\x22()\[\]-])(?:\s|$)")
            .expect("static pattern")
    });
    let signs: Vec<(std::ops::Range<usize>, char)> = garbled
        .captures_iter(body)
        .filter_map(|c| {
            let m = c.get(1)?;
            let ch = m.as_str().chars().next()?;
            (GARBLED_SIGNS.contains(&ch)
                && !used.iter().any(|u| u.start < m.end() && m.start() < u.end))
            .then(|| (m.range(), ch))
        })
        .collect();
    let numbered: Vec<&Note> = unlinked
        .iter()
        .copied()
        .filter(|n| n.printed.is_some())
        .collect();
    let mut linked = Vec::new();
    for (r, ch) in &signs {
        let lookalike = MARK_LOOKALIKES
            .iter()
            .find(|(c, _)| c == ch)
            .map(|(_, d)| *d);
        let target = if numbered.len() == 1 && signs.len() == 1 {
            Some((
                numbered[0],
                "the only note of the page without a reference".to_string(),
            ))
        } else {
            lookalike.and_then(|d| {
                let fitting: Vec<&&Note> = numbered
                    .iter()
                    .filter(|n| n.printed.is_some_and(|p| p % 10 == d))
                    .collect();
                (fitting.len() == 1)
                    .then(|| (*fitting[0], format!("{ch:?} is an OCR look-alike of {d}")))
            })
        };
        if let Some((note, why)) = target {
            linked.push(note.number);
            edits.push(
                Edit::new(
                    body_start + r.start..body_start + r.end,
                    format!("[^{}]", note.number),
                    REFERENCE,
                )
                .confidence(0.75)
                .evidence(format!("garbled mark {ch:?} glued to punctuation: {why}")),
            );
        }
    }
    for note in unlinked.iter().filter(|n| !linked.contains(&n.number)) {
        edits.push(
            Edit::new(note.mark_start..note.mark_start, "", ORPHAN_NOTE)
                .kind(ChangeKind::Review)
                .confidence(0.0)
                .evidence(format!(
                    "note {}: no reference mark found on its page",
                    note.number
                )),
        );
    }
    edits
}
