//! What corrected pages say about one collection's words (`rules/collection/LANG.toml`, or
//! `LANG.NAME.toml`), written by `ocrclean learn` after measuring each setting on pages it did not
//! learn from. The bundled rules have none: the defaults are the cautious reading.
//!
//! ```toml
//! # The uses in its document of a word the lexicon lacks count one fewer for leaving it, so a
//! # single use is no evidence that it is right: in this collection such words were mostly
//! # misreadings (a newspaper's names recur; its misreadings do not). Default true: in older print
//! # they are most often period forms (`arriv'd`, `intire`).
//! single_use_is_evidence = false
//! # A capitalised token gets candidates of any one edit (`Tbere` → `There`), as a lowercase
//! # one does. Default false: a capitalised unknown word is most often a name.
//! one_edit_capitalised = true
//! ```
//!
//! Settings here calibrate the word repairs for the collection; the examples of the other rule
//! files are run without them (an example states what the rules' own data does).

use std::path::Path;

use serde::Deserialize;

use crate::error::RuleError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionFile {
    single_use_is_evidence: Option<bool>,
    one_edit_capitalised: Option<bool>,
}

/// The settings of one language's collection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Collection {
    /// Whether all of a token's uses in its document count for leaving it as it stands, against
    /// a candidate of any one edit (false: one fewer).
    pub single_use_is_evidence: bool,
    /// Whether a capitalised token (`Tbere`, not an all-capital one) gets candidates of any one
    /// edit, as a lowercase one does; by default only the confusion table's (a capitalised unknown word is most often
    /// a name).
    pub one_edit_capitalised: bool,
}

impl Default for Collection {
    fn default() -> Self {
        Self {
            single_use_is_evidence: true,
            one_edit_capitalised: false,
        }
    }
}

impl Collection {
    /// Lays one file over what earlier files of the language set; unknown keys are errors.
    pub fn merge(&mut self, path: &Path, source: &str) -> Result<(), RuleError> {
        let file: CollectionFile = RuleError::parse_toml(path, source)?;
        if let Some(v) = file.single_use_is_evidence {
            self.single_use_is_evidence = v;
        }
        if let Some(v) = file.one_edit_capitalised {
            self.one_edit_capitalised = v;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_is_read_and_an_unknown_key_is_named() {
        let mut c = Collection::default();
        assert!(c.single_use_is_evidence);
        c.merge(Path::new("en.toml"), "# comment\n").unwrap();
        assert!(c.single_use_is_evidence);
        c.merge(Path::new("en.toml"), "single_use_is_evidence = false\n")
            .unwrap();
        assert!(!c.single_use_is_evidence);
        assert!(!c.one_edit_capitalised);
        c.merge(Path::new("en.x.toml"), "one_edit_capitalised = true\n")
            .unwrap();
        // A second file adds its setting and keeps the first's.
        assert!(c.one_edit_capitalised && !c.single_use_is_evidence);
        let e = c
            .merge(Path::new("en.toml"), "\nsingle_use = false\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("en.toml:2") && e.contains("single_use"), "{e}");
    }
}
