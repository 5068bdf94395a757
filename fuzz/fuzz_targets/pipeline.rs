//! The whole pipeline on arbitrary bytes: cleaning must not panic, and the raw input must come
//! back from the body and the change log. The first byte chooses a single file or a page folder
//! (pages split at `0xFF`, which never occurs in UTF-8).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use ocrclean::{Cleaner, Config, Document, RuleSet, render, restore};

fn cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let rules = concat!(env!("CARGO_MANIFEST_DIR"), "/../rules");
        let (rules, errors) = RuleSet::load_dir(std::path::Path::new(rules));
        assert!(errors.is_empty(), "{errors:?}");
        Cleaner::new(rules, Config { lossy: true, ..Config::default() })
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let doc = if mode % 2 == 0 {
        Document::from_bytes("fuzz", bytes.to_vec())
    } else {
        let pages = bytes
            .split(|&b| b == 0xFF)
            .enumerate()
            .map(|(i, p)| (format!("{i}.txt"), p.to_vec()))
            .collect();
        Document::from_pages("fuzz", pages)
    };
    let cleaned = cleaner().clean(&doc).expect("lossy decoding never fails");
    let _ = render(&doc, &cleaned);
    assert_eq!(restore(&cleaned.body, &cleaned.changes).expect("log fits body"), doc.raw);
});
