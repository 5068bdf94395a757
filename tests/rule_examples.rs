//! Every example of every rule in `rules/` as its own named test
//! (`rules/FILE.toml::RULE::example-N`), and every rule-file problem as a failing one.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use ocrclean::RuleSet;
use ocrclean::rules::ExampleOutcome;

/// A named test that passes when the example gave its output.
fn trial(name: String, outcome: ExampleOutcome) -> Trial {
    Trial::test(name, move || {
        if outcome.passed() {
            Ok(())
        } else {
            Err(Failed::from(format!(
                "input {:?} gave {:?}, expected {:?}",
                outcome.example.input, outcome.actual, outcome.example.output
            )))
        }
    })
}

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let (rules, errors) = RuleSet::load_dir(&dir);
    let mut trials = Vec::new();
    for rule in &rules.rules {
        let file = rule
            .file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        for outcome in rule.run_examples() {
            let name = format!("rules/{file}::{}::example-{}", rule.id, outcome.index + 1);
            trials.push(trial(name, outcome));
        }
    }
    // Per-language data (hyphenation, spelling): each example through its pass, with its
    // language's lexicon (`rules/hyphenation/en.toml::example-1`).
    for outcome in rules.examples() {
        if !["hyphenation/", "spelling/"]
            .iter()
            .any(|kind| outcome.rule.starts_with(kind))
        {
            continue;
        }
        let name = format!("rules/{}.toml::example-{}", outcome.rule, outcome.index + 1);
        trials.push(trial(name, outcome));
    }
    for (i, error) in errors.into_iter().enumerate() {
        let message = error.to_string();
        trials.push(Trial::test(
            format!("rule-file-error-{}", i + 1),
            move || Err(Failed::from(message)),
        ));
    }
    assert!(
        !trials.is_empty(),
        "no rule examples found in {}",
        dir.display()
    );
    libtest_mimic::run(&args, trials).exit();
}
