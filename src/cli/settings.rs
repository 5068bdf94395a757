//! Turning the flags of a run into the cleaner it uses: its [`Config`] and its rules.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::bail;
use ocrclean::{Cleaner, Config, RuleSet};

use super::RunArgs;

pub fn config(run: &RunArgs) -> anyhow::Result<Config> {
    if let Some(lang) = &run.lang
        && !ocrclean::lang::known_languages().any(|l| l == lang)
    {
        bail!(
            "--lang {lang}: unknown language (known: {})",
            ocrclean::lang::known_languages()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !(0.0..=1.0).contains(&run.min_confidence) {
        bail!(
            "--min-confidence {}: must be between 0 and 1",
            run.min_confidence
        );
    }
    Ok(Config {
        language: run.lang.clone(),
        disabled: run.disabled.iter().cloned().collect(),
        min_confidence: run.min_confidence,
        lossy: run.lossy,
    })
}

/// Loads the rules; every problem is printed and makes the run fail.
pub fn load_rules(dir: &Path) -> anyhow::Result<RuleSet> {
    let (rules, errors) = RuleSet::load_dir(dir);
    if errors.is_empty() {
        return Ok(rules);
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    bail!(
        "{} problem(s) in the rule files of {}",
        errors.len(),
        dir.display()
    )
}

/// The cleaner for a run, with its rules loaded and the `--disable`d rule ids checked.
pub fn cleaner(run: &RunArgs) -> anyhow::Result<Cleaner> {
    let cleaner = Cleaner::new(load_rules(&run.rules)?, config(run)?);
    let known: BTreeSet<&str> = cleaner
        .passes()
        .iter()
        .flat_map(|p| p.builtin_rules().iter().map(|r| r.id))
        .chain(cleaner.rules().rules.iter().map(|r| r.id.as_str()))
        .collect();
    for id in &run.disabled {
        if !known.contains(id.as_str()) {
            bail!("--disable {id}: no such rule (see `ocrclean rules list`)");
        }
    }
    Ok(cleaner)
}
