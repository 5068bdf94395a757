//! Language of a document, from the share of each language's most common function words.

/// Function words per language: frequent in any running text, rare in the others.
const STOPWORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "in", "is", "that", "with", "for", "was",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "nicht", "den", "von", "zu", "ist", "sich",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "des", "est", "une", "que", "dans", "pour",
        ],
    ),
];

/// Articles, pronouns, prepositions and conjunctions: words that are written in lowercase inside a
/// sentence, so a capitalised one cannot continue a sentence broken at a line end.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "a", "an", "and", "of", "to", "in", "on", "at", "for", "with", "by", "from",
            "we", "it", "he", "she", "they", "this", "that", "these", "those", "but", "or", "as",
            "if",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "und",
            "oder", "aber", "um", "in", "an", "auf", "aus", "bei", "mit", "nach", "von", "zu",
            "für", "wir", "er", "es", "sie", "ich", "man", "wenn", "als", "wie", "daß", "dass",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "un", "une", "des", "du", "et", "ou", "mais", "de", "à", "en",
            "dans", "pour", "par", "avec", "sur", "nous", "il", "elle", "ils", "elles", "on", "ce",
            "cette",
        ],
    ),
];

/// True when `word` (in lowercase) is a function word of `language` (see [`FUNCTION_WORDS`]).
pub fn is_function_word(language: &str, word: &str) -> bool {
    FUNCTION_WORDS
        .iter()
        .any(|(l, words)| *l == language && words.contains(&word))
}

/// The languages that can be detected or set.
pub fn known_languages() -> impl Iterator<Item = &'static str> {
    STOPWORDS.iter().map(|(l, _)| *l)
}

/// An ASCII word of up to eight letters, lowercased, as one number (letters are never zero, so
/// the padding keeps lengths apart).
fn pack_lowercase(word: &[u8]) -> u64 {
    word.iter()
        .rev()
        .fold(0, |key, b| (key << 8) | u64::from(b.to_ascii_lowercase()))
}

/// Each language's stopwords packed ([`pack_lowercase`]), with the language's index in
/// [`STOPWORDS`]: the comparison per word is of numbers.
fn packed_stopwords() -> &'static [(u64, usize)] {
    static PACKED: std::sync::OnceLock<Vec<(u64, usize)>> = std::sync::OnceLock::new();
    PACKED.get_or_init(|| {
        let mut packed: Vec<(u64, usize)> = STOPWORDS
            .iter()
            .enumerate()
            .flat_map(|(i, (_, words))| {
                words.iter().map(move |w| {
                    assert!(w.is_ascii() && w.len() <= 6, "stopword {w:?}");
                    (pack_lowercase(w.as_bytes()), i)
                })
            })
            .collect();
        packed.sort_unstable();
        packed.dedup();
        packed
    })
}

/// The most likely language of `text`, or `None` when fewer than 5 function words were seen or no
/// language leads clearly (by at least half again over the runner-up).
pub fn detect(text: &str) -> Option<&'static str> {
    let mut counts = vec![0usize; STOPWORDS.len()];
    // The first 200 000 bytes are plenty and keep detection linear in the worst case.
    let mut end = text.len().min(200_000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let stopwords = packed_stopwords();
    for word in text[..end].split(|c: char| !c.is_alphabetic()) {
        // Every stopword is ASCII and at most six letters: a longer or non-ASCII word is none.
        if word.is_empty() || word.len() > 6 || !word.is_ascii() {
            continue;
        }
        let key = pack_lowercase(word.as_bytes());
        for &(stopword, language) in stopwords {
            if stopword == key {
                counts[language] += 1;
            }
        }
    }
    let mut ranked: Vec<(usize, &str)> = counts
        .iter()
        .zip(STOPWORDS)
        .map(|(&n, (l, _))| (n, *l))
        .collect();
    ranked.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    let (best, lang) = ranked[0];
    let second = ranked[1].0;
    (best >= 5 && best * 2 >= second * 3).then_some(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_english_and_german_and_abstains_on_little_text() {
        assert_eq!(
            detect("The policy of Russia and the two Koreas is in the news, and that is all."),
            Some("en")
        );
        assert_eq!(
            detect(
                "Die Geschichte ist die Hauptperson, und das ist nicht von der Sprache zu trennen."
            ),
            Some("de")
        );
        assert_eq!(detect("12 34 Tabelle"), None);
    }
}
