//! Candidate words one edit away from a token, found through a symmetric-delete index (the idea of
//! SymSpell): every indexed word is stored under itself and under each spelling with one character
//! deleted; a token is looked up under itself and its own one-deletion spellings. Two spellings
//! meet under a common key exactly when one substitution, insertion or deletion (or, often, a swap
//! of neighbours) turns one into the other, so every word one edit away is found without scanning
//! the word list or generating the alphabet's worth of spellings per position.
//!
//! The index keeps, per key, only a 32-bit hash of the key with the word's number, sorted: about
//! 8 bytes per word and character. A hash collision can only add a candidate, and every candidate
//! is checked against the token ([`one_edit`]), so the answer is exact and does not depend on the
//! hash. The lexicon's index is built once per batch (lazily, on the first document of a language),
//! the document's from its own vocabulary once per document.

/// Words (lowercase) with their weight, indexed by their one-deletion spellings.
#[derive(Debug, Clone, Default)]
pub struct DeleteIndex {
    arena: String,
    /// Start and length of each word in the arena.
    words: Vec<(u32, u32)>,
    /// `hash(key) << 32 | word number`, sorted.
    keys: Vec<u64>,
    /// Where the keys whose hash starts with each `bits`-bit prefix begin in `keys` (one more entry
    /// at the end): a lookup scans a handful of keys instead of a binary search over all.
    starts: Vec<u32>,
    bits: u32,
}

/// Tokens longer than this (in characters) are not indexed or looked up: OCR garbage and compounds.
pub const MAX_LEN: usize = 24;

/// FNV-1a over the key's bytes: fast on short keys and the same on every run and machine.
fn key_hash(key: &str) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

/// Calls `each` with `word` and every spelling of it with one character deleted.
fn for_each_key(word: &str, buffer: &mut String, mut each: impl FnMut(&str)) {
    each(word);
    for (i, c) in word.char_indices() {
        buffer.clear();
        buffer.push_str(&word[..i]);
        buffer.push_str(&word[i + c.len_utf8()..]);
        each(buffer);
    }
}

impl DeleteIndex {
    /// Indexes `words` (each given once, lowercase); words of one character or longer than
    /// [`MAX_LEN`] are skipped.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut index = Self::default();
        let mut buffer = String::new();
        for word in words {
            let len = word.chars().count();
            if !(2..=MAX_LEN).contains(&len) {
                continue;
            }
            let number = index.words.len() as u64;
            index
                .words
                .push((index.arena.len() as u32, word.len() as u32));
            index.arena.push_str(word);
            let keys = &mut index.keys;
            for_each_key(word, &mut buffer, |key| {
                keys.push((u64::from(key_hash(key)) << 32) | number);
            });
        }
        index.keys.sort_unstable();
        index.keys.dedup();
        index.keys.shrink_to_fit();
        // About four keys per prefix.
        index.bits = (index.keys.len() / 4).max(1).ilog2().clamp(1, 20);
        let prefixes = 1usize << index.bits;
        index.starts = Vec::with_capacity(prefixes + 1);
        let mut at = 0;
        for prefix in 0..prefixes as u64 {
            while at < index.keys.len() && index.prefix(index.keys[at] >> 32) < prefix {
                at += 1;
            }
            index.starts.push(at as u32);
        }
        index.starts.push(index.keys.len() as u32);
        index.arena.shrink_to_fit();
        index.words.shrink_to_fit();
        index
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn prefix(&self, hash: u64) -> u64 {
        hash >> (32 - self.bits)
    }

    fn word(&self, number: usize) -> &str {
        let (start, len) = self.words[number];
        &self.arena[start as usize..(start + len) as usize]
    }

    /// The indexed words exactly one edit from `token` (lowercase), each once, in index order
    /// (deterministic), with the edit.
    pub fn neighbours<'s>(&'s self, token: &str) -> Vec<(&'s str, Edit)> {
        let mut found: Vec<u32> = Vec::new();
        if self.keys.is_empty() || token.chars().count() > MAX_LEN {
            return Vec::new();
        }
        let mut buffer = String::new();
        for_each_key(token, &mut buffer, |key| {
            let hash = u64::from(key_hash(key));
            let prefix = self.prefix(hash) as usize;
            let range = self.starts[prefix] as usize..self.starts[prefix + 1] as usize;
            for &k in &self.keys[range] {
                if k >> 32 == hash {
                    found.push(k as u32);
                }
            }
        });
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|n| {
                let word = self.word(n as usize);
                one_edit(token, word).map(|edit| (word, edit))
            })
            .collect()
    }
}

/// One edit that turns a word into what the OCR wrote: the print had `print` where the OCR wrote
/// `ocr`, at byte `at` of the token (either side may be empty: an insertion or a deletion; a swap
/// of two neighbours has two characters each side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub at: usize,
    pub ocr: String,
    pub print: String,
}

/// The single edit between `token` and `word`, if they are exactly one substitution, insertion,
/// deletion or swap of neighbours apart (`None` when equal or further apart).
pub fn one_edit(token: &str, word: &str) -> Option<Edit> {
    if token == word {
        return None;
    }
    let prefix: usize = token
        .chars()
        .zip(word.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    let (t, w) = (&token[prefix..], &word[prefix..]);
    let suffix: usize = t
        .chars()
        .rev()
        .zip(w.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    // The common suffix may not eat into the prefix (`aa` vs `a`: the suffix is bounded by the
    // shorter middle).
    let suffix = suffix.min(t.len()).min(w.len());
    let (ocr, print) = (&t[..t.len() - suffix], &w[..w.len() - suffix]);
    let (n_ocr, n_print) = (ocr.chars().count(), print.chars().count());
    let swap = n_ocr == 2 && n_print == 2 && {
        let o: Vec<char> = ocr.chars().collect();
        let p: Vec<char> = print.chars().collect();
        o[0] == p[1] && o[1] == p[0]
    };
    (matches!((n_ocr, n_print), (1, 1) | (1, 0) | (0, 1)) || swap).then(|| Edit {
        at: prefix,
        ocr: ocr.to_string(),
        print: print.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> DeleteIndex {
        DeleteIndex::new([
            "the", "they", "hunting", "burnet", "body", "then", "übel", "a",
        ])
    }

    fn words(index: &DeleteIndex, token: &str) -> Vec<String> {
        index
            .neighbours(token)
            .into_iter()
            .map(|(w, _)| w.to_string())
            .collect()
    }

    #[test]
    fn finds_every_word_one_edit_away() {
        let index = index();
        // Substitution, deletion in the OCR, insertion in the OCR, swap.
        assert_eq!(words(&index, "tbe"), ["the"]);
        assert_eq!(words(&index, "huntig"), ["hunting"]);
        assert_eq!(words(&index, "hunntting"), Vec::<String>::new());
        assert_eq!(words(&index, "bodyy"), ["body"]);
        assert_eq!(words(&index, "hte"), ["the"]);
        assert_eq!(words(&index, "thej"), ["the", "they", "then"]);
        assert_eq!(words(&index, "iibel"), Vec::<String>::new());
        assert_eq!(words(&index, "ubel"), ["übel"]);
        // The word itself is not its own neighbour; one-letter words are not indexed.
        assert_eq!(words(&index, "the"), ["they", "then"]);
        assert!(words(&index, "b").is_empty());
    }

    #[test]
    fn the_edit_names_what_the_ocr_wrote_for_what_the_print_had() {
        assert_eq!(
            one_edit("tbe", "the"),
            Some(Edit {
                at: 1,
                ocr: "b".into(),
                print: "h".into()
            })
        );
        let e = one_edit("bodyy", "body").unwrap();
        assert_eq!((e.ocr.as_str(), e.print.as_str()), ("y", ""));
        let e = one_edit("huntig", "hunting").unwrap();
        assert_eq!((e.ocr.as_str(), e.print.as_str()), ("", "n"));
        let e = one_edit("hte", "the").unwrap();
        assert_eq!((e.ocr.as_str(), e.print.as_str()), ("ht", "th"));
        assert_eq!(one_edit("abcd", "abdd"), one_edit("abcd", "abdd"));
        assert!(one_edit("tbo", "the").is_none());
        assert!(one_edit("the", "the").is_none());
    }
}
