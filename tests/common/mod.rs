//! What several test files share.

use std::path::{Path, PathBuf};

use ocrclean::input::{self, Discovery};
use ocrclean::{Document, RuleSet};

/// The bundled rules folder, loaded; a broken rule file fails the test that asked for it.
pub fn bundled_rules() -> RuleSet {
    let (rules, errors) = RuleSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"));
    assert!(errors.is_empty(), "{errors:?}");
    rules
}

/// The documents of a file or folder, read as the command line reads them.
#[allow(dead_code)] // not every test file reads folders
pub fn documents(path: &Path) -> Vec<Document> {
    let found = input::discover(&[path.to_path_buf()], Discovery::default());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    found.inputs.iter().map(|i| i.read().unwrap()).collect()
}

/// A page folder as one document.
#[allow(dead_code)]
pub fn page_folder(dir: &Path) -> Document {
    input::page_folder(dir).unwrap().read().unwrap()
}

/// The entries of a folder in natural order.
#[allow(dead_code)]
pub fn sorted(dir: &Path) -> Vec<PathBuf> {
    input::sorted_entries(dir).unwrap()
}
