//! `ocrclean rules list` and `ocrclean rules test`.

use std::fmt::Write as _;

use anyhow::bail;
use clap::{Args as ClapArgs, Subcommand};
use ocrclean::RuleSet;

use super::Status;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: built into a pass, or loaded from the rules folder.
    List(RulesArgs),
    /// Run every data rule's examples; exit 2 when one fails or a rule file is broken.
    Test(RulesArgs),
}

#[derive(Debug, ClapArgs)]
pub struct RulesArgs {
    #[command(flatten)]
    rules: super::RuleLayers,
}

pub fn run(command: RulesCommand) -> anyhow::Result<Status> {
    match command {
        RulesCommand::List(a) => rules_list(&a),
        RulesCommand::Test(a) => rules_test(&a),
    }
}

fn load(args: &RulesArgs) -> anyhow::Result<(RuleSet, Vec<ocrclean::RuleError>)> {
    Ok(RuleSet::load(&super::settings::rule_sources(&args.rules)?))
}

/// Where a data rule comes from: `bundled` or the folder it was read from.
fn source(file: &std::path::Path) -> String {
    if ocrclean::bundled::is_bundled(file) {
        format!(
            "bundled {}",
            file.strip_prefix(ocrclean::bundled::ORIGIN)
                .unwrap_or(file)
                .display()
        )
    } else {
        file.display().to_string()
    }
}

fn rules_list(args: &RulesArgs) -> anyhow::Result<Status> {
    let (rules, errors) = load(args)?;
    let mut out = String::new();
    // The registry: the decoder's, every pass's and the notes stage's rules.
    for (stage, rule) in ocrclean::pipeline::registry(&ocrclean::pipeline::passes()) {
        let _ = writeln!(
            out,
            "{}\t[{stage}, built-in]\t{}",
            rule.id, rule.description
        );
    }
    for rule in &rules.rules {
        let languages = if rule.languages.is_empty() {
            "any language".to_string()
        } else {
            rule.languages.join("/")
        };
        let _ = writeln!(
            out,
            "{}\t[substitute, {}:{}, {}, {}{}]\t{}",
            rule.id,
            source(&rule.file),
            rule.line,
            languages,
            rule.examples.len(),
            if rule.enabled {
                " examples"
            } else {
                " examples, off by default"
            },
            rule.description
        );
    }
    // The evidence the passes read: lexicons, hyphenation data, confusion tables.
    for file in super::settings::rule_sources(&args.rules)? {
        if file.name.contains('/') {
            let _ = writeln!(out, "{}\t[data, {}]", file.name, source(&file.origin));
        }
    }
    print!("{out}");
    for e in &errors {
        eprintln!("error: {e}");
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}

fn rules_test(args: &RulesArgs) -> anyhow::Result<Status> {
    let (rules, errors) = load(args)?;
    let mut passed = 0;
    // Loaded rule data has passed its examples (data rules and hyphenation files alike); this
    // prints what was run.
    for outcome in rules.examples() {
        println!(
            "ok {} example {}: {:?} → {:?}",
            outcome.rule,
            outcome.index + 1,
            outcome.example.input,
            outcome.actual
        );
        passed += 1;
    }
    for e in &errors {
        println!("FAILED {e}");
    }
    println!("{passed} passed, {} failed", errors.len());
    if passed == 0 && errors.is_empty() {
        bail!("no rule examples were run: no data rules loaded");
    }
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}
