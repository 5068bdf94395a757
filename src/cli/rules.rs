//! `ocrclean rules list` and `ocrclean rules test`.

use std::fmt::Write as _;
use std::path::PathBuf;

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
    /// Folder of rule files (`*.toml`).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

pub fn run(command: RulesCommand) -> anyhow::Result<Status> {
    match command {
        RulesCommand::List(a) => rules_list(&a),
        RulesCommand::Test(a) => rules_test(&a),
    }
}

fn rules_list(args: &RulesArgs) -> anyhow::Result<Status> {
    let (rules, errors) = RuleSet::load_dir(&args.rules);
    let mut out = String::new();
    for pass in ocrclean::pipeline::passes() {
        for rule in pass.builtin_rules() {
            let _ = writeln!(
                out,
                "{}\t[{}, built-in]\t{}",
                rule.id,
                pass.name(),
                rule.description
            );
        }
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
            rule.file.display(),
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
    let (rules, errors) = RuleSet::load_dir(&args.rules);
    let mut passed = 0;
    for rule in &rules.rules {
        for outcome in rule.run_examples() {
            // Loaded rules have passed their examples; this prints what was run.
            println!(
                "ok {} example {}: {:?} → {:?}",
                rule.id,
                outcome.index + 1,
                outcome.example.input,
                outcome.actual
            );
            passed += 1;
        }
    }
    for e in &errors {
        println!("FAILED {e}");
    }
    println!("{passed} passed, {} failed", errors.len());
    Ok(if errors.is_empty() {
        Status::Ok
    } else {
        Status::Error
    })
}
