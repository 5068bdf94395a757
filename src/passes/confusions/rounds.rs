//! The pass's rounds to a fixed point: one round over the text, and the bookkeeping between
//! rounds (verdicts kept per token, edits carried across the text each round rewrote).

use std::cell::RefCell;
use std::ops::Range;

use hashbrown::HashMap;

use super::stats::{Counts, tokens};
use super::word::{correct_noting, half_of_a_hyphenated_word, in_a_clean_word, word_key};
use super::{MAX_ROUNDS, RARE_WORD};
use crate::change::{ChangeKind, Edit};
use crate::confusion::ConfusionTable;
use crate::lexicon::{Lexicon, lowercase};
use crate::passes::{boundaries, real_words};

/// [`edits`], with splits of run-together tokens allowed or not (not where compounds are closed)
/// and the run's policy (`applies`: whether the pipeline will apply an edit).
///
/// The pass runs to its own fixed point, so that cleaning its output again changes nothing: after
/// a round, its applied edits are applied to a copy of the text and the counts adjusted; the next
/// round reads that text and those counts, and its edits are composed with the earlier ones into
/// edits of the input (a repair of a repaired word becomes one edit of the word as the input has
/// it, with both evidences). The review flags are those of the last round. Verdicts per token are
/// kept from round to round except for the tokens whose counts changed and those that had a
/// candidate.
///
/// [`edits`]: super::edits
pub fn edits_with(
    text: &str,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    skip: &[Range<usize>],
    splits: bool,
    applies: &dyn Fn(&Edit) -> bool,
) -> Vec<Edit> {
    let mut decided: HashMap<String, Verdict> = HashMap::new();
    // Known tokens that are neither a misreading nor a split suspect and have no far more
    // frequent neighbour (most of a document's words), with their lexicon frequency: only a
    // name, kept apart from `decided` whose verdicts are large.
    let mut plain: HashMap<String, f64> = HashMap::new();
    // The places where a real-word neighbour had support: read again when the pairs change.
    let mut places = Vec::new();
    // The places where a join was weighed on the counts and not made, as the ranges of its two
    // halves: read again when a repair changes the counts of the joined form or of the first half
    // (`dis coveries` once `Diseoveries` is `Discoveries`).
    let mut joins = Joins::default();
    let first = round(
        text,
        stats,
        lexicon,
        table,
        skip,
        splits,
        &mut decided,
        &mut plain,
        None,
        &mut places,
        &mut joins,
    );
    let (mut done, mut flags): (Vec<Edit>, Vec<Edit>) = first.into_iter().partition(applies);
    let mut fresh = !done.is_empty();
    // The document's token count as the last round saw it.
    let mut last_total = stats.total;
    for _ in 1..MAX_ROUNDS {
        if !fresh {
            break;
        }
        done.sort_by_key(|e| (e.range.start, e.range.end));
        let mut counts = stats.clone();
        let mut changed: hashbrown::HashSet<String> = hashbrown::HashSet::new();
        for e in &done {
            let before = &text[e.range.clone()];
            counts.replace(before, &e.replacement, table);
            for side in [before, e.replacement.as_str()] {
                for r in tokens(side, table) {
                    changed.insert(lowercase(&side[r]).into_owned());
                }
            }
        }
        let changed_keys: hashbrown::HashSet<u64> = changed.iter().map(|w| word_key(w)).collect();
        let current = crate::change::apply_edits(text, &done);
        let landed = landings(&done);
        // The round reads only where something may have changed: around each repair (a repaired
        // word may be repaired again or joined with its neighbour), and every place of a token
        // whose verdict changed with the counts (those of the words whose counts changed, and of
        // every token that had a candidate).
        let mut windows: Vec<Range<usize>> = landed
            .iter()
            .map(|(_, after, _)| window(&current, after))
            .collect();
        // The pairs of neighbouring words around the repairs, as they are now.
        for w in merge(windows.clone()) {
            let before =
                back_or_forward(&landed, w.start, false)..back_or_forward(&landed, w.end, false);
            counts.replace_pairs(&text[before], &current[w], table);
        }
        // Every place where a real-word neighbour had support is read again with those pairs, and
        // every join weighed on counts that changed.
        let (changed_forms, mut pair) = (&changed, String::new());
        let joins_again = joins.iter().filter_map(move |(a, b)| {
            let first = &text[a.clone()];
            pair.clear();
            pair.push_str(first);
            pair.push_str(&text[b.clone()]);
            (changed_forms.contains(lowercase(&pair).as_ref())
                || changed_forms.contains(lowercase(first).as_ref()))
            .then_some(a.start..b.end)
        });
        for at in places.iter().cloned().chain(joins_again) {
            if overlapping(&done, |e| &e.range, &at).is_empty() {
                let start = back_or_forward(&landed, at.start, true);
                windows.push(window(&current, &(start..start + at.len())));
            }
        }
        // Known tokens one substitution away from a word whose count changed: their neighbours
        // (which only words the document uses often enough may be) may have changed too.
        let mut sources = hashbrown::HashSet::new();
        for word in &changed {
            real_words::sources_of(word, table, &mut sources);
        }
        let mut read_all = false;
        // Joins and splits change the document's token count, on which a close call against
        // leaving a token as it stands rests (its own uses' share): such flags are weighed again.
        let total_changed = std::mem::replace(&mut last_total, counts.total) != counts.total;
        for (token, verdict) in decided.iter_mut() {
            let lower = lowercase(token);
            let neighbours_may_change = verdict.known.is_some() && sources.contains(lower.as_ref());
            let close_call = total_changed
                && verdict
                    .edit
                    .as_ref()
                    .is_some_and(|e| e.kind == ChangeKind::Review);
            if !changed.contains(lower.as_ref())
                && !neighbours_may_change
                && !close_call
                && !verdict.weighed.iter().any(|w| changed_keys.contains(w))
            {
                continue;
            }
            let again = decide(token, verdict.known, &counts, lexicon, table, splits);
            let same = match (&again.edit, &verdict.edit) {
                (None, None) => true,
                (Some(a), Some(b)) => a.replacement == b.replacement && a.kind == b.kind,
                _ => false,
            } && again
                .neighbours
                .iter()
                .map(real_words::Neighbour::word)
                .eq(verdict.neighbours.iter().map(real_words::Neighbour::word));
            // A token whose places were not kept (it had no neighbours) and now has: the next
            // round reads the whole text (rare: a word the run's repairs made frequent).
            if !same && verdict.at.is_empty() && verdict.neighbours.is_empty() {
                read_all = true;
            }
            if !same {
                for start in verdict.at.iter() {
                    let at = start..start + token.len();
                    if !overlapping(&done, |e| &e.range, &at).is_empty() {
                        continue;
                    }
                    let start = back_or_forward(&landed, at.start, true);
                    windows.push(window(&current, &(start..start + at.len())));
                }
            }
            verdict.edit = again.edit;
            verdict.weighed = again.weighed;
            verdict.neighbours = again.neighbours;
        }
        // A plain token one substitution from a word whose count changed may have a neighbour now.
        let mut risen = Vec::new();
        for (token, &f) in &plain {
            if sources.contains(lowercase(token).as_ref()) {
                let again = decide(token, Some(f), &counts, lexicon, table, splits);
                if !again.neighbours.is_empty() || again.edit.is_some() {
                    risen.push((token.clone(), again));
                }
            }
        }
        for (token, verdict) in risen {
            plain.remove(&token);
            decided.insert(token, verdict);
            // Its places were not kept.
            read_all = true;
        }
        if read_all {
            windows.push(0..current.len());
        }
        let merged = merge(windows);
        let current_skip: Vec<Range<usize>> = skip
            .iter()
            .map(|r| back_or_forward(&landed, r.start, true)..back_or_forward(&landed, r.end, true))
            .collect();
        let next = round(
            &current,
            &counts,
            lexicon,
            table,
            &current_skip,
            splits,
            &mut decided,
            &mut plain,
            Some(&merged),
            &mut Vec::new(),
            &mut Joins::default(),
        );
        // The flags of the places read again are this round's.
        let reread: Vec<Range<usize>> = merged
            .iter()
            .map(|w| {
                back_or_forward(&landed, w.start, false)..back_or_forward(&landed, w.end, false)
            })
            .collect();
        flags.retain(|f| overlapping(&reread, |w| w, &f.range).is_empty());
        fresh = false;
        let mut consumed = vec![false; done.len()];
        let mut composed = Vec::new();
        for edit in next {
            let applied = applies(&edit);
            let r = edit.range.clone();
            let over: Vec<usize> = overlapping(&landed, |l| &l.1, &r).collect();
            if over.is_empty() {
                let range = back_or_forward(&landed, r.start, false)
                    ..back_or_forward(&landed, r.end, false);
                let edit = Edit { range, ..edit };
                if applied {
                    fresh = true;
                    composed.push(edit);
                } else {
                    flags.push(edit);
                }
                continue;
            }
            // A flag on a repaired word, or a second repair of one already taken: the repair stands.
            if !applied || over.iter().any(|&i| consumed[i]) {
                continue;
            }
            let (first, last) = (over[0], over[over.len() - 1]);
            let start1 = r.start.min(landed[first].1.start);
            let end1 = r.end.max(landed[last].1.end);
            let start0 = if start1 == landed[first].1.start {
                done[first].range.start
            } else {
                back_or_forward(&landed, start1, false)
            };
            let end0 = if end1 == landed[last].1.end {
                done[last].range.end
            } else {
                back_or_forward(&landed, end1, false)
            };
            let replacement = format!(
                "{}{}{}",
                &current[start1..r.start],
                edit.replacement,
                &current[r.end..end1]
            );
            let mut evidence = String::new();
            let mut confidence = edit.confidence;
            for &i in &over {
                consumed[i] = true;
                evidence.push_str(&done[i].evidence);
                evidence.push_str("; then ");
                confidence = confidence.min(done[i].confidence);
            }
            evidence.push_str(&edit.evidence);
            // A later round that undoes an earlier one leaves the input as it was.
            if replacement == text[start0..end0] {
                continue;
            }
            fresh = true;
            composed.push(Edit {
                range: start0..end0,
                replacement: replacement.into(),
                confidence,
                evidence: evidence.into(),
                ..edit
            });
        }
        done = done
            .into_iter()
            .zip(consumed)
            .filter(|(_, c)| !c)
            .map(|(e, _)| e)
            .chain(composed)
            .collect();
    }
    // A flag inside a repair is stale: the repair decided that place.
    done.sort_by_key(|e| (e.range.start, e.range.end));
    flags.retain(|f| overlapping(&done, |e| &e.range, &f.range).is_empty());
    done.extend(flags);
    done.sort_by_key(|e| (e.range.start, e.range.end));
    done
}

/// `windows` sorted and merged where they overlap or meet.
fn merge(mut windows: Vec<Range<usize>>) -> Vec<Range<usize>> {
    windows.sort_by_key(|w| (w.start, w.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for w in windows {
        match merged.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

/// The chunk of `text` (between whitespace) that holds `range`, with the chunk before and the one
/// after it: what a later round reads around a repair.
fn window(text: &str, range: &Range<usize>) -> Range<usize> {
    let chunk_start = |at: usize| {
        text[..at].rfind(char::is_whitespace).map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        })
    };
    let space_start = |at: usize| text[..at].trim_end_matches(char::is_whitespace).len();
    let chunk_end = |at: usize| {
        text[at..]
            .find(char::is_whitespace)
            .map_or(text.len(), |i| at + i)
    };
    let space_end =
        |at: usize| text.len() - text[at..].trim_start_matches(char::is_whitespace).len();
    let start = chunk_start(space_start(chunk_start(range.start)));
    let end = chunk_end(space_end(chunk_end(range.end)));
    start..end
}

/// A token's verdict, kept from round to round.
#[derive(Debug, Clone)]
struct Verdict {
    edit: Option<Edit>,
    /// The candidates whose counts in the document were read (the verdict may change with them).
    weighed: Vec<u64>,
    /// The token's lexicon frequency when the lexicon knows it (only a split, a recurring
    /// misreading or a real-word error is tried).
    known: Option<f64>,
    /// For a known token: its far more frequent neighbours, for the real-word test at each place.
    neighbours: Vec<real_words::Neighbour>,
    /// Where the first round met the token: the start of each place (a place is the token's
    /// length long). Kept for every unknown or rare token, so on a long document about as many
    /// places as words: a start of 32 bits is a quarter of the room of a range.
    at: Starts,
}

/// The two halves of each join that was weighed and not made, as byte ranges; those below 4 GiB
/// (every one of most documents) in 32 bits, a quarter of the room of two ranges. In no order:
/// the windows made from them are sorted.
#[derive(Debug, Default)]
struct Joins {
    near: Vec<[u32; 4]>,
    far: Vec<[usize; 4]>,
}

impl Joins {
    fn push(&mut self, first: &Range<usize>, second: &Range<usize>) {
        let ends = [first.start, first.end, second.start, second.end];
        match ends.map(u32::try_from) {
            [Ok(a), Ok(b), Ok(c), Ok(d)] => self.near.push([a, b, c, d]),
            _ => self.far.push(ends),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (Range<usize>, Range<usize>)> + '_ {
        let near = self.near.iter().map(|e| e.map(|x| x as usize));
        near.chain(self.far.iter().copied())
            .map(|[a, b, c, d]| (a..b, c..d))
    }
}

/// Byte offsets, those below 4 GiB (every one of most documents) in 32 bits. In no order: the
/// windows made from them are sorted.
#[derive(Debug, Clone, Default)]
struct Starts {
    near: Vec<u32>,
    far: Vec<usize>,
}

impl Starts {
    fn push(&mut self, start: usize) {
        match u32::try_from(start) {
            Ok(near) => self.near.push(near),
            Err(_) => self.far.push(start),
        }
    }

    fn is_empty(&self) -> bool {
        self.near.is_empty() && self.far.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (self.near.iter().map(|&s| s as usize)).chain(self.far.iter().copied())
    }
}

/// The verdict on `token` (a known word: a recurring misreading, then a split when it is rare
/// enough; otherwise a repair, then a split).
fn decide(
    token: &str,
    known: Option<f64>,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    splits: bool,
) -> Verdict {
    let weighed = RefCell::new(Vec::new());
    let mut neighbours = Vec::new();
    let edit = if let Some(f) = known {
        if real_words::suspect(token, f) {
            neighbours = real_words::neighbours(token, f, lexicon, table, stats);
        }
        real_words::misreading(token, f, &neighbours, stats, &mut weighed.borrow_mut()).or_else(
            || {
                (splits && f < boundaries::SPLIT_SUSPECT)
                    .then(|| boundaries::split(token, stats, lexicon, stats.total))
                    .flatten()
            },
        )
    } else {
        correct_noting(token, 0..0, stats, lexicon, table, &weighed).or_else(|| {
            splits
                .then(|| boundaries::split(token, stats, lexicon, stats.total))
                .flatten()
        })
    };
    Verdict {
        edit,
        weighed: weighed.into_inner(),
        known,
        neighbours,
        at: Starts::default(),
    }
}

/// Where each of `edits` (applied, sorted, not overlapping) stands before and after it is applied:
/// (range in the input, range of its replacement in the output, the shift after it).
fn landings(edits: &[Edit]) -> Vec<(Range<usize>, Range<usize>, isize)> {
    let mut shift: isize = 0;
    edits
        .iter()
        .map(|e| {
            let start = (e.range.start as isize + shift) as usize;
            shift += e.replacement.len() as isize - e.range.len() as isize;
            (e.range.clone(), start..start + e.replacement.len(), shift)
        })
        .collect()
}

/// A position of the input carried into the output (`forward`), or a position of the output that
/// lies outside every replacement carried back into the input.
fn back_or_forward(
    landed: &[(Range<usize>, Range<usize>, isize)],
    position: usize,
    forward: bool,
) -> usize {
    // The edits that end at or before the position have moved it.
    let passed = landed.partition_point(|(before, after, _)| {
        (if forward { before.end } else { after.end }) <= position
    });
    let shift = passed.checked_sub(1).map_or(0, |i| landed[i].2);
    if forward {
        (position as isize + shift) as usize
    } else {
        (position as isize - shift) as usize
    }
}

/// The indexes of the sorted, disjoint `ranges` that `r` overlaps (or meets, where either is empty).
fn overlapping<T>(
    ranges: &[T],
    range_of: impl Fn(&T) -> &Range<usize>,
    r: &Range<usize>,
) -> Range<usize> {
    let first = ranges.partition_point(|x| {
        let x = range_of(x);
        x.end < r.start || (x.end == r.start && !x.is_empty() && !r.is_empty())
    });
    let mut last = first;
    while last < ranges.len() && overlaps(range_of(&ranges[last]), r) {
        last += 1;
    }
    first..last
}

/// Whether an edit at `r` touches a replacement at `landed`: overlapping, or (when either is
/// empty) meeting it.
fn overlaps(landed: &Range<usize>, r: &Range<usize>) -> bool {
    if landed.is_empty() || r.is_empty() {
        landed.start <= r.end && r.start <= landed.end
    } else {
        landed.start < r.end && r.start < landed.end
    }
}

/// One round of the pass: the edits on `text` (or only on the `windows` of it) with `counts`;
/// `decided` keeps each token's verdict (a token's verdict depends on the token alone: a name
/// recurs many times), and where the first round met it.
#[allow(clippy::too_many_arguments)]
fn round(
    text: &str,
    stats: &Counts,
    lexicon: Option<&Lexicon>,
    table: &ConfusionTable,
    skip: &[Range<usize>],
    splits: bool,
    decided: &mut HashMap<String, Verdict>,
    plain: &mut HashMap<String, f64>,
    windows: Option<&[Range<usize>]>,
    places: &mut Vec<Range<usize>>,
    joins: &mut Joins,
) -> Vec<Edit> {
    // Most tokens are words the lexicon knows well, which `correct` never touches: they leave
    // first, before the costlier tests.
    let frequency = |r: &Range<usize>| lexicon.and_then(|l| l.frequency(&text[r.clone()]));
    let skipped = |r: &Range<usize>| crate::passes::links::overlaps_url(skip, r);
    let first_round = windows.is_none();
    // Each token's lexicon frequency is looked up once: as the next token of a pair, then as the
    // token itself.
    let mut next_frequency: Option<Option<f64>> = None;
    let mut out = Vec::new();
    let all: Box<dyn Iterator<Item = Range<usize>> + '_> = match windows {
        None => Box::new(tokens(text, table)),
        Some(windows) => Box::new(windows.iter().flat_map(move |w| {
            let offset = w.start;
            tokens(&text[w.clone()], table).map(move |r| r.start + offset..r.end + offset)
        })),
    };
    let mut list = all.peekable();
    let mut previous: Option<Range<usize>> = None;
    let mut joined_with_previous = false;
    let mut real_word_places: HashMap<String, Vec<real_words::Place>> = HashMap::new();
    while let Some(r) = list.next() {
        let before = previous.replace(r.clone());
        let own_frequency = next_frequency.take().unwrap_or_else(|| frequency(&r));
        if std::mem::take(&mut joined_with_previous) || skipped(&r) {
            continue;
        }
        // A word split by a space is joined before either half is read as a misreading.
        if let Some(next) = list.peek()
            && !skipped(next)
            && boundaries::may_join(text, &r, next)
        {
            let next_own = *next_frequency.insert(frequency(next));
            let pair = (own_frequency.unwrap_or(0.0), next_own.unwrap_or(0.0));
            if let Some(edit) = boundaries::join(text, &r, next, pair, stats, lexicon) {
                out.push(edit);
                joined_with_previous = true;
                continue;
            }
            let (first, second) = (&text[r.clone()], &text[next.clone()]);
            if first_round && boundaries::halves_may_join(first, second, pair) {
                // The halves' places, not their forms: a long document weighs a join at about
                // one pair of words in six, and the forms are needed only in a later round.
                joins.push(&r, next);
            }
        }
        let known = own_frequency.filter(|&f| f > RARE_WORD);
        // A rare known token may still be two words run together (web text, where the lexicon
        // comes from, has `ofthe` too); the split weighs its frequency as the token's own. Or it
        // may be a misreading of a far more frequent word (`tho` for `the`), unless an apostrophe
        // follows (an elision: `tho'`).
        let mut misread_suspect = false;
        if let Some(f) = known {
            // The verdict is one per token; the tests of this place matter only when it has a
            // far more frequent neighbour (most known tokens have none), so they run after it.
            let token = &text[r.clone()];
            misread_suspect = real_words::suspect(token, f)
                && !plain.contains_key(token)
                && match decided.get(token) {
                    Some(verdict) => !verdict.neighbours.is_empty() || verdict.edit.is_some(),
                    None => {
                        let verdict = decide(token, known, stats, lexicon, table, splits);
                        let has = !verdict.neighbours.is_empty() || verdict.edit.is_some();
                        if has || splits && f < boundaries::SPLIT_SUSPECT {
                            decided.insert(token.to_owned(), verdict);
                        } else {
                            plain.insert(token.to_owned(), f);
                        }
                        has
                    }
                }
                && !text[r.end..].starts_with(['\'', '’'])
                && in_a_clean_word(text, &r, table)
                && !half_of_a_hyphenated_word(
                    text,
                    before.as_ref(),
                    &r,
                    list.peek(),
                    stats,
                    lexicon,
                )
                && !real_words::part_of_a_cut_word(text, before.as_ref(), &r, list.peek(), lexicon);
            if !(misread_suspect || splits && f < boundaries::SPLIT_SUSPECT) {
                continue;
            }
        } else if half_of_a_hyphenated_word(text, before.as_ref(), &r, list.peek(), stats, lexicon)
            || !in_a_clean_word(text, &r, table)
        {
            continue;
        }
        let token = &text[r.clone()];
        let verdict = decided
            .entry_ref(token)
            .or_insert_with(|| decide(token, known, stats, lexicon, table, splits));
        // A known token without far more frequent neighbours keeps its verdict whatever the
        // counts (unless a split may change with them): its places need not be kept.
        let fixed = verdict.neighbours.is_empty()
            && known.is_some_and(|f| !(splits && f < boundaries::SPLIT_SUSPECT));
        if first_round && !fixed {
            verdict.at.push(r.start);
        }
        if let Some(mut edit) = verdict.edit.clone() {
            // A misreading is not read into an elision; a split still is.
            if known.is_none() || misread_suspect || edit.rule == boundaries::SPLIT.id {
                edit.range = r;
                out.push(edit);
            }
        } else if misread_suspect
            && !verdict.neighbours.is_empty()
            && token.starts_with(char::is_lowercase)
        {
            let word = |other: Option<&Range<usize>>, first: bool| {
                other
                    .filter(|o| {
                        if first {
                            real_words::adjacent(text, o, &r)
                        } else {
                            real_words::adjacent(text, &r, o)
                        }
                    })
                    .map(|o| lowercase(&text[o.clone()]).into_owned())
            };
            let place = real_words::Place {
                previous: word(before.as_ref(), true),
                next: word(list.peek(), false),
                range: r.clone(),
            };
            if place.previous.is_some() || place.next.is_some() {
                real_word_places.entry_ref(token).or_default().push(place);
            }
        }
    }
    // The places of each real word, decided together (in token order, for a stable output).
    let mut by_token: Vec<(&String, &Vec<real_words::Place>)> = real_word_places.iter().collect();
    by_token.sort_by_key(|(_, p)| p[0].range.start);
    for (token, at) in by_token {
        let neighbours = &decided[token.as_str()].neighbours;
        out.extend(real_words::real_words(token, at, neighbours, stats, places));
    }
    out.sort_by_key(|e| (e.range.start, e.range.end));
    out
}
