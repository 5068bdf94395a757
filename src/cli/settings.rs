//! Turning the flags of a run, its `ocrclean.toml` and the defaults into the cleaner it uses: its
//! [`Config`] and its rules (the bundled rules, with each `--rules` folder laid over them).

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::bail;
use ocrclean::{Cleaner, Config, RuleSet, RuleSource};

use super::config::{self, Origin};
use super::{RuleLayers, RunArgs};

/// The settings of a run after flags, config file and defaults are combined, each with its origin.
#[derive(Debug)]
pub struct Effective {
    /// Rule folders laid over the bundled rules, in order (config file first, then flags).
    pub rules: Vec<(PathBuf, Origin)>,
    pub bundled_rules: (bool, Origin),
    pub disabled: Vec<(String, Origin)>,
    pub min_confidence: (f64, Origin),
    pub lang: (Option<String>, Origin),
    pub lossy: (bool, Origin),
    pub jobs: (Option<usize>, Origin),
}

/// The rule folders of a run, in the order they are laid over the bundled rules (config file
/// first, then flags), each with its origin; and whether the bundled rules are used.
pub fn rule_folders(layers: &RuleLayers) -> (Vec<(PathBuf, Origin)>, (bool, Origin)) {
    let file = config::get();
    let s = &file.settings;
    let mut rules = Vec::new();
    if let Some(dirs) = &s.rules {
        for dir in dirs.get_ref() {
            rules.push((file.resolve(dir), file.origin(dirs)));
        }
    }
    rules.extend(layers.rules.iter().map(|d| (d.clone(), Origin::Flag)));
    let bundled = file.pick(
        layers.no_bundled_rules.then_some(false),
        &s.bundled_rules,
        true,
    );
    (rules, bundled)
}

pub fn effective(run: &RunArgs) -> Effective {
    let file = config::get();
    let s = &file.settings;
    let (rules, bundled_rules) = rule_folders(&run.rules);
    let mut disabled = Vec::new();
    if let Some(ids) = &s.disable {
        disabled.extend(
            ids.get_ref()
                .iter()
                .map(|id| (id.clone(), file.origin(ids))),
        );
    }
    disabled.extend(run.disabled.iter().map(|id| (id.clone(), Origin::Flag)));
    let lang = match (&run.lang, &s.lang) {
        (Some(l), _) => (Some(l.clone()), Origin::Flag),
        (None, Some(l)) => (Some(l.get_ref().clone()), file.origin(l)),
        (None, None) => (None, Origin::Default),
    };
    let jobs = match (run.jobs, &s.jobs) {
        (Some(j), _) => (Some(j), Origin::Flag),
        (None, Some(j)) => (Some(*j.get_ref()), file.origin(j)),
        (None, None) => (None, Origin::Default),
    };
    Effective {
        rules,
        bundled_rules,
        disabled,
        min_confidence: file.pick(
            run.min_confidence,
            &s.min_confidence,
            ocrclean::pipeline::DEFAULT_MIN_CONFIDENCE,
        ),
        lang,
        lossy: file.pick(run.lossy.then_some(true), &s.lossy, false),
        jobs,
    }
}

pub fn config(settings: &Effective) -> anyhow::Result<Config> {
    if let Some(lang) = &settings.lang.0
        && !ocrclean::lang::known_languages().any(|l| l == lang)
    {
        bail!(
            "lang {lang} ({}): unknown language (known: {})",
            settings.lang.1,
            ocrclean::lang::known_languages()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let (min_confidence, origin) = &settings.min_confidence;
    if !(0.0..=1.0).contains(min_confidence) {
        bail!("min-confidence {min_confidence} ({origin}): must be between 0 and 1");
    }
    Ok(Config {
        language: settings.lang.0.clone(),
        disabled: settings.disabled.iter().map(|(id, _)| id.clone()).collect(),
        min_confidence: *min_confidence,
        lossy: settings.lossy.0,
    })
}

/// The rule files of a run: the bundled ones (unless switched off), with each folder's files
/// added or replacing bundled files of the same name. A folder that does not exist or cannot be
/// read is an error.
pub fn rule_sources(layers: &RuleLayers) -> anyhow::Result<Vec<RuleSource>> {
    let (dirs, (bundled, _)) = rule_folders(layers);
    let mut sources = Vec::new();
    for (dir, origin) in &dirs {
        if !dir.is_dir() {
            match origin {
                Origin::Flag => bail!("--rules {}: no such folder", dir.display()),
                _ => bail!("rules {} ({origin}): no such folder", dir.display()),
            }
        }
        sources.push(ocrclean::rules::read_rules_dir(dir)?);
    }
    let base = if bundled {
        ocrclean::bundled::sources()
    } else {
        Vec::new()
    };
    Ok(ocrclean::bundled::overlay(base, sources))
}

/// Loads the rules; every problem is printed and makes the run fail.
pub fn load_rules(layers: &RuleLayers) -> anyhow::Result<RuleSet> {
    let (rules, errors) = RuleSet::load(&rule_sources(layers)?);
    if errors.is_empty() {
        return Ok(rules);
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    bail!("{} problem(s) in the rule files", errors.len())
}

/// The cleaner for a run, with its rules loaded and the disabled rule ids checked.
pub fn cleaner(run: &RunArgs) -> anyhow::Result<Cleaner> {
    let settings = effective(run);
    let cleaner = Cleaner::new(load_rules(&run.rules)?, config(&settings)?);
    let known: BTreeSet<&str> = cleaner
        .builtin_rules()
        .into_iter()
        .map(|(_, r)| r.id)
        .chain(cleaner.rules().rules.iter().map(|r| r.id.as_str()))
        .collect();
    for (id, origin) in &settings.disabled {
        if !known.contains(id.as_str()) {
            bail!("{id}: no such rule (disabled on the {origin}; see `ocrclean rules list`)");
        }
    }
    Ok(cleaner)
}
