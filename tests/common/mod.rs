//! What several test files share.

use std::path::Path;

use ocrclean::RuleSet;

/// The bundled rules folder, loaded; a broken rule file fails the test that asked for it.
pub fn bundled_rules() -> RuleSet {
    let (rules, errors) = RuleSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"));
    assert!(errors.is_empty(), "{errors:?}");
    rules
}
