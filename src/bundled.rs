//! The repository's `rules/` folder, compiled in (by `build.rs`): an installed `ocrclean` cleans
//! with the same rules, lexicons and confusion tables in any folder, and a folder given with
//! `--rules` adds files to them or replaces them by file name.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::rules::RuleSource;

/// (name in the rules folder, contents) of every bundled rule file, sorted by name.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));

/// Where bundled files say they come from, in messages and `rules list`.
pub const ORIGIN: &str = "<bundled>";

/// The bundled rule files.
pub fn sources() -> Vec<RuleSource> {
    FILES
        .iter()
        .map(|(name, text)| RuleSource {
            name: (*name).to_string(),
            origin: PathBuf::from(ORIGIN).join(name),
            text: Cow::Borrowed(text),
        })
        .collect()
}

/// `base` with each layer's files added, a file of a later layer replacing one of the same name.
pub fn overlay(
    base: Vec<RuleSource>,
    layers: impl IntoIterator<Item = Vec<RuleSource>>,
) -> Vec<RuleSource> {
    let mut by_name: BTreeMap<String, RuleSource> =
        base.into_iter().map(|s| (s.name.clone(), s)).collect();
    for layer in layers {
        for source in layer {
            by_name.insert(source.name.clone(), source);
        }
    }
    by_name.into_values().collect()
}

/// Whether a rule file came from the binary rather than a folder.
pub fn is_bundled(origin: &std::path::Path) -> bool {
    origin.starts_with(ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleSet;

    #[test]
    fn the_bundled_rules_load_without_errors_and_hold_every_kind_of_data() {
        let (rules, errors) = RuleSet::load(&sources());
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!rules.rules.is_empty());
        assert!(rules.lexicons.contains_key("en") && rules.lexicons.contains_key("de"));
        assert!(rules.hyphenation.contains_key("en"));
        assert!(rules.spelling.contains_key("en"));
        assert!(!rules.confusions.is_empty());
        assert!(
            is_bundled(&rules.rules[0].file),
            "{:?}",
            rules.rules[0].file
        );
    }

    #[test]
    fn a_layer_replaces_a_bundled_file_of_the_same_name_and_adds_new_ones() {
        let layer = vec![
            RuleSource {
                name: "spacing.toml".into(),
                origin: "mine/spacing.toml".into(),
                text: Cow::Borrowed(""),
            },
            RuleSource {
                name: "extra.toml".into(),
                origin: "mine/extra.toml".into(),
                text: Cow::Borrowed(""),
            },
        ];
        let merged = overlay(sources(), [layer]);
        let spacing = merged.iter().find(|s| s.name == "spacing.toml").unwrap();
        assert_eq!(spacing.origin, PathBuf::from("mine/spacing.toml"));
        assert!(merged.iter().any(|s| s.name == "extra.toml"));
        assert_eq!(merged.len(), sources().len() + 1);
    }
}
