//! The shared analysis of the document: what several passes read about the whole document, computed
//! once per stage and handed to every pass through [`crate::passes::Context`].
//!
//! Before this, each pass scanned the document itself, each with its own tokenizer and its own word
//! counts, and the body's and every note's run of a pass derived them again unless the pass kept
//! them in an untyped memo. Now the pipeline makes one [`Analysis`] of the document per stage (the
//! document changes between stages) and every run of the stage's pass reads it. Each part is
//! computed on first use, so a stage whose pass needs no word counts pays nothing for them:
//!
//! - [`Analysis::tokens`]: the document's tokens, runs of letters and digits with their byte spans
//!   and classes ([`TokenClass`]), and what stands between two tokens (a hyphen inside a line)
//!   (the word counts read the tokens one at a time: the list is made only for a pass that asks);
//! - [`Analysis::words`]: how often the document uses each word form (lowercase), with lookups
//!   by word and by prefix, and the compounds written with one hyphen (`non-interference`);
//! - [`Analysis::pages`]: pages and lines with their byte spans ([`crate::layout`]);
//! - [`Analysis::shows_hard_wrap`]: whether the text still shows printed lines;
//! - [`Analysis::derived`]: a value a pass derives from the document by its own definition (the
//!   confusion pass's token counts, the numbers pass's years), kept for the stage by its type.
//!
//! Offsets are those of the document. A pass that runs on a note's text finds where that text lies
//! in the document in [`crate::passes::Context::span`].

use std::any::{Any, TypeId};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use hashbrown::HashMap;

use crate::layout::{self, PageSpan};
use crate::lexicon::lowercase;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenClass {
    /// Letters only.
    Word,
    /// ASCII digits only.
    Number,
    /// Letters and digits (`2lst`, `1S87`, `H2O`), or digits of other scripts.
    Mixed,
}

/// A run of letters and digits of the document. Spans are stored as `u32` (a token list of a
/// long document is one of its largest structures); texts past 4 GiB are not tokenised past that
/// point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    start: u32,
    end: u32,
    pub class: TokenClass,
    /// The token is joined to the previous one by exactly one `-` (`non-interference`).
    pub hyphen_before: bool,
}

impl Token {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn text<'t>(&self, document: &'t str) -> &'t str {
        &document[self.range()]
    }
}

/// The word forms of the document and how often each is used.
#[derive(Debug, Default)]
pub struct WordCounts {
    /// The lowercase forms, one after another, in sorted order.
    forms: String,
    /// Each form's end in `forms` and its uses, sorted by form (for lookups and prefix queries).
    /// Every token counts, hyphenated or not. One arena instead of a string per form: a document
    /// has thousands of forms and is counted at every stage that reads its words.
    counts: Vec<(u32, u32)>,
    /// Lowercase `a-b` of two tokens joined by one hyphen -> uses.
    compounds: HashMap<String, u32>,
    /// Lowercase first parts of compounds whose second part starts lowercase (`inter-` of
    /// `inter-state`) -> uses.
    open_prefixes: HashMap<String, u32>,
}

impl WordCounts {
    fn new(document: &str, tokens: impl Iterator<Item = Token>) -> Self {
        // Counted first by the forms as written, borrowed from the document (no allocation and
        // no case mapping per token), then folded to lowercase once per distinct form: a
        // document uses each form many times.
        // Room for the forms of a short document up front; a long one repeats its forms (a
        // quarter of its tokens, as this reserved before, was a table as large as the document).
        // (A token for every 6 bytes of text, as `tokenize` reserves.)
        let mut exact: HashMap<&str, u32> =
            HashMap::with_capacity((document.len() / 6 / 4).min(1 << 14));
        let mut exact_pairs: HashMap<(&str, &str), u32> = HashMap::new();
        let mut previous: Option<&str> = None;
        for token in tokens {
            let text = token.text(document);
            *exact.entry(text).or_default() += 1;
            if token.hyphen_before
                && let Some(left) = previous
            {
                *exact_pairs.entry((left, text)).or_default() += 1;
            }
            previous = Some(text);
        }
        // Folding allocates only for forms with a capital; equal folded forms are merged after
        // sorting.
        let mut folded: Vec<(std::borrow::Cow<str>, u32)> = exact
            .into_iter()
            .map(|(form, n)| (lowercase(form), n))
            .collect();
        folded.sort_unstable();
        let mut forms = String::with_capacity(folded.iter().map(|(w, _)| w.len()).sum());
        let mut counts: Vec<(u32, u32)> = Vec::with_capacity(folded.len());
        let mut last: Option<&str> = None;
        for (form, n) in &folded {
            if last == Some(form.as_ref())
                && let Some((_, uses)) = counts.last_mut()
            {
                *uses += n;
                continue;
            }
            forms.push_str(form);
            counts.push((forms.len() as u32, *n));
            last = Some(form.as_ref());
        }
        let mut compounds: HashMap<String, u32> = HashMap::with_capacity(exact_pairs.len());
        let mut open_prefixes: HashMap<String, u32> = HashMap::new();
        let mut pair = String::new();
        for ((left, right), n) in exact_pairs {
            pair.clear();
            pair.push_str(left);
            pair.push('-');
            pair.push_str(right);
            *compounds.entry_ref(lowercase(&pair).as_ref()).or_default() += n;
            if right.starts_with(char::is_lowercase) {
                *open_prefixes
                    .entry_ref(lowercase(left).as_ref())
                    .or_default() += n;
            }
        }
        Self {
            forms,
            counts,
            compounds,
            open_prefixes,
        }
    }

    /// The `i`th form in sorted order.
    fn form(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.counts[p].0 as usize);
        &self.forms[start..self.counts[i].0 as usize]
    }

    /// Uses of the lowercase form `lower`.
    pub fn count(&self, lower: &str) -> usize {
        let (mut low, mut high) = (0, self.counts.len());
        while low < high {
            let mid = low + (high - low) / 2;
            match self.form(mid).cmp(lower) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return self.counts[mid].1 as usize,
            }
        }
        0
    }

    /// Uses of the compound `lower_left-lower_right`.
    pub fn compound(&self, lower_left: &str, lower_right: &str) -> usize {
        let mut key = String::with_capacity(lower_left.len() + 1 + lower_right.len());
        key.push_str(lower_left);
        key.push('-');
        key.push_str(lower_right);
        self.compounds.get(key.as_str()).map_or(0, |&n| n as usize)
    }

    /// Uses of the lowercase `lower` as the first part of a compound whose second part is
    /// lowercase.
    pub fn open_prefix(&self, lower: &str) -> usize {
        self.open_prefixes.get(lower).map_or(0, |&n| n as usize)
    }

    /// The forms that start with `prefix` (lowercase), in sorted order.
    pub fn with_prefix<'s>(&'s self, prefix: &'s str) -> impl Iterator<Item = &'s str> + 's {
        let (mut low, mut high) = (0, self.counts.len());
        while low < high {
            let mid = low + (high - low) / 2;
            if self.form(mid) < prefix {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        (low..self.counts.len())
            .map(|i| self.form(i))
            .take_while(move |w| w.starts_with(prefix))
    }

    /// How many distinct forms the document uses.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// The analysis of one document at one stage. See the module doc.
pub struct Analysis<'a> {
    document: &'a str,
    tokens: OnceLock<Vec<Token>>,
    words: OnceLock<WordCounts>,
    pages: OnceLock<Vec<PageSpan>>,
    hard_wrap: OnceLock<bool>,
    /// Values passes derive by their own definitions, one per type.
    derived: Mutex<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
}

impl std::fmt::Debug for Analysis<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis")
            .field("document_len", &self.document.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Analysis<'a> {
    pub fn new(document: &'a str) -> Self {
        Self {
            document,
            tokens: OnceLock::new(),
            words: OnceLock::new(),
            pages: OnceLock::new(),
            hard_wrap: OnceLock::new(),
            derived: Mutex::new(Vec::new()),
        }
    }

    /// The whole document: the body, then each note after a blank line.
    pub fn document(&self) -> &'a str {
        self.document
    }

    /// The runs of letters and digits of the document, in order.
    pub fn tokens(&self) -> &[Token] {
        self.tokens.get_or_init(|| tokenize(self.document))
    }

    /// The document's word counts.
    pub fn words(&self) -> &WordCounts {
        self.words.get_or_init(|| match self.tokens.get() {
            Some(tokens) => WordCounts::new(self.document, tokens.iter().copied()),
            None => WordCounts::new(self.document, Tokens::new(self.document)),
        })
    }

    /// The document's pages (split at form feeds) and their lines.
    pub fn pages(&self) -> &[PageSpan] {
        self.pages.get_or_init(|| layout::pages(self.document))
    }

    /// [`layout::shows_hard_wrap`] of the document.
    pub fn shows_hard_wrap(&self) -> bool {
        *self
            .hard_wrap
            .get_or_init(|| layout::shows_hard_wrap(self.document))
    }

    /// The value `make(self)`, made once per stage and shared by the runs of the stage's pass on
    /// the body and on every note: for statistics a pass defines itself.
    pub fn derived<T: Any + Send + Sync>(&self, make: impl FnOnce(&Self) -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        // A poisoned lock only means another run panicked; the values in it are whole.
        let mut derived = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, value)) = derived.iter().find(|(t, _)| *t == id)
            && let Ok(value) = Arc::clone(value).downcast::<T>()
        {
            return value;
        }
        let value = Arc::new(make(self));
        derived.push((id, value.clone()));
        value
    }
}

/// Letters and digits, ASCII settled without a Unicode table.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// The runs of letters and digits of `text`, with their classes, and whether one `-` joins each
/// to the one before.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 6);
    tokens.extend(Tokens::new(text));
    tokens
}

/// [`tokenize`] one token at a time: the word counts read each token once, and a list of a long
/// document's tokens (12 bytes for every 6 bytes of text) was twice the document.
struct Tokens<'t> {
    text: &'t str,
    i: usize,
    previous_end: Option<usize>,
}

impl<'t> Tokens<'t> {
    fn new(text: &'t str) -> Self {
        let limit = text.len().min(u32::MAX as usize);
        Self {
            text: &text[..text.floor_char_boundary(limit)],
            i: 0,
            previous_end: None,
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = self.i;
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII outside a token: skip without decoding.
            if b.is_ascii() && !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().expect("a char boundary");
            if !is_token_char(c) {
                i += c.len_utf8();
                continue;
            }
            let start = i;
            let (mut letters, mut digits, mut other_digits) = (false, false, false);
            while i < bytes.len() {
                let b = bytes[i];
                if b.is_ascii() {
                    if b.is_ascii_alphabetic() {
                        letters = true;
                    } else if b.is_ascii_digit() {
                        digits = true;
                    } else {
                        break;
                    }
                    i += 1;
                } else {
                    let c = text[i..].chars().next().expect("a char boundary");
                    if c.is_alphabetic() {
                        letters = true;
                    } else if c.is_alphanumeric() {
                        other_digits = true;
                    } else {
                        break;
                    }
                    i += c.len_utf8();
                }
            }
            let class = match (letters, digits || other_digits) {
                (true, false) => TokenClass::Word,
                (false, true) if !other_digits => TokenClass::Number,
                _ => TokenClass::Mixed,
            };
            let hyphen_before = self.previous_end == Some(start.wrapping_sub(1))
                && start > 0
                && bytes[start - 1] == b'-';
            self.previous_end = Some(i);
            self.i = i;
            return Some(Token {
                start: start as u32,
                end: i as u32,
                class,
                hyphen_before,
            });
        }
        self.i = i;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_runs_of_letters_and_digits_with_classes() {
        let doc = "The 21st non-interference, 1887: Straße--x a-\nb";
        let analysis = Analysis::new(doc);
        let tokens: Vec<(&str, TokenClass, bool)> = analysis
            .tokens()
            .iter()
            .map(|t| (t.text(doc), t.class, t.hyphen_before))
            .collect();
        use TokenClass::*;
        assert_eq!(
            tokens,
            vec![
                ("The", Word, false),
                ("21st", Mixed, false),
                ("non", Word, false),
                ("interference", Word, true),
                ("1887", Number, false),
                ("Straße", Word, false),
                ("x", Word, false),
                ("a", Word, false),
                ("b", Word, false),
            ]
        );
    }

    #[test]
    fn word_counts_compounds_and_prefixes() {
        let analysis = Analysis::new("Inter-state and inter-State; interstate INTERSTATE. a-b-c");
        let words = analysis.words();
        assert_eq!(words.count("interstate"), 2);
        assert_eq!(words.count("inter"), 2);
        assert_eq!(words.compound("inter", "state"), 2);
        assert_eq!(words.open_prefix("inter"), 1);
        assert_eq!(words.compound("a", "b") + words.compound("b", "c"), 2);
        assert_eq!(
            words.with_prefix("inter").collect::<Vec<_>>(),
            vec!["inter", "interstate"]
        );
        assert_eq!(words.count("absent"), 0);
    }

    #[test]
    fn derived_values_are_made_once_per_type() {
        let analysis = Analysis::new("a b");
        let mut made = 0;
        let first = analysis.derived(|a| {
            made += 1;
            a.tokens().len()
        });
        let again = analysis.derived(|_| {
            made += 1;
            0usize
        });
        assert_eq!((*first, *again, made), (2, 2, 1));
        assert_eq!(*analysis.derived(|_| "other type"), "other type");
    }
}
