//! A batch's memory of answers that depend on the rules alone (the lexicon and the confusion
//! table), not on the document: what a token's candidate spellings are and how the lexicon rates
//! them. A collection repeats its tokens and its misreadings from document to document (`tbe`,
//! `aud`, and every word of the language), so each document asks only its own counts of what an
//! earlier one worked out. Held by the pass that asks (built once per batch with the pipeline, shared
//! by its threads); bounded, so that a batch of garbage cannot grow it without end.

use std::sync::{Arc, RwLock};

use hashbrown::HashMap;

/// Entries kept at most; later answers are computed and not kept.
pub const CAPACITY: usize = 1 << 17;

/// Answers by key (a language and a token), each computed once per batch.
#[derive(Debug)]
pub struct Memo<V> {
    entries: RwLock<HashMap<String, Arc<V>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Self {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<V> Memo<V> {
    /// The answer for `token` in `language`: the kept one, or `make`'s (kept while there is room).
    pub fn get_or_insert_with(
        &self,
        language: &str,
        token: &str,
        make: impl FnOnce() -> V,
    ) -> Arc<V> {
        let mut key = String::with_capacity(language.len() + 1 + token.len());
        key.push_str(language);
        key.push('\u{1f}');
        key.push_str(token);
        // A poisoned lock only means another thread panicked mid-insert; the map is still whole.
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        if let Some(answer) = entries.get(key.as_str()) {
            return Arc::clone(answer);
        }
        drop(entries);
        let answer = Arc::new(make());
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() < CAPACITY {
            entries.insert(key, Arc::clone(&answer));
        }
        answer
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_computed_once_per_language_and_token() {
        let memo: Memo<usize> = Memo::default();
        let mut calls = 0;
        for _ in 0..3 {
            let answer = memo.get_or_insert_with("en", "tbe", || {
                calls += 1;
                7
            });
            assert_eq!(*answer, 7);
        }
        assert_eq!(calls, 1);
        // The same token in another language is another question.
        assert_eq!(*memo.get_or_insert_with("de", "tbe", || 9), 9);
        assert_eq!(memo.len(), 2);
    }
}
