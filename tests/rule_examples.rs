//! Every example of every rule in `rules/` as its own named test
//! (`rules/FILE.toml::RULE::example-N`), and every rule-file problem as a failing one.

use std::path::Path;

use libtest_mimic::{Arguments, Failed, Trial};
use ocrclean::RuleSet;

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
            trials.push(Trial::test(name, move || {
                if outcome.passed() {
                    Ok(())
                } else {
                    Err(Failed::from(format!(
                        "input {:?} gave {:?}, expected {:?}",
                        outcome.example.input, outcome.actual, outcome.example.output
                    )))
                }
            }));
        }
    }
    // Hyphenation data: each example through the dehyphenation pass, with its language's lexicon.
    for (language, data) in &rules.hyphenation {
        for (index, example) in data.examples.iter().enumerate() {
            let name = format!("rules/hyphenation/{language}.toml::example-{}", index + 1);
            let actual =
                ocrclean::passes::dehyphenate::apply_alone(&rules, language, &example.input);
            let example = example.clone();
            trials.push(Trial::test(name, move || {
                if actual == example.output {
                    Ok(())
                } else {
                    Err(Failed::from(format!(
                        "input {:?} gave {:?}, expected {:?}",
                        example.input, actual, example.output
                    )))
                }
            }));
        }
    }
    // Spelling data: each example through the word repairs, with its language's lexicon.
    for (language, data) in &rules.spelling {
        for (index, example) in data.examples.iter().enumerate() {
            let name = format!("rules/spelling/{language}.toml::example-{}", index + 1);
            let actual =
                ocrclean::passes::confusions::apply_alone(&rules, language, &example.input);
            let example = example.clone();
            trials.push(Trial::test(name, move || {
                if actual == example.output {
                    Ok(())
                } else {
                    Err(Failed::from(format!(
                        "input {:?} gave {:?}, expected {:?}",
                        example.input, actual, example.output
                    )))
                }
            }));
        }
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
