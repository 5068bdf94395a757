//! `ocrclean learn`: reads raw OCR with its corrected truth (any layout `eval` reads), aligns them
//! ([`ocrclean::learn`]) and writes a rules folder: a copy of the base rules plus
//! `confusions/learned.tsv` (the scanner's confusions with weights, counts and examples) and
//! `lexicon/LANG.learned.tsv` (the truth's words the lexicon lacks) and
//! `misreadings/LANG.learned.tsv` (whole words the OCR misread, with the probability that the
//! print had the correction). `--rules DIR` then uses it.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;
use ocrclean::RuleSet;
use ocrclean::learn::{Learner, MIN_CONFUSION_COUNT, MIN_WORD_COUNT};

use super::Status;
use super::eval::{LayoutArg, Part, read_samples};

#[derive(Debug, ClapArgs)]
pub struct LearnArgs {
    /// Raw OCR, as for `eval`.
    #[arg(long)]
    raw: PathBuf,
    /// Ground truth, as for `eval`.
    #[arg(long)]
    truth: Option<PathBuf>,
    /// How the corpus is laid out.
    #[arg(long, value_enum, default_value = "pages")]
    layout: LayoutArg,
    #[command(flatten)]
    part: Part,
    /// Folder to write the learned rules folder into (created; learned files replaced).
    #[arg(long)]
    out: PathBuf,
    /// The rules the learned ones extend (copied into --out).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Language of the truth (en, de, fr); detected from it when not given.
    #[arg(long)]
    lang: Option<String>,
    /// Confusions and misread words seen fewer times are not written.
    #[arg(long, default_value_t = MIN_CONFUSION_COUNT)]
    min_count: usize,
    /// Words seen fewer times do not enter the learned lexicon.
    #[arg(long, default_value_t = MIN_WORD_COUNT)]
    min_word_count: usize,
}

pub fn run(args: LearnArgs) -> anyhow::Result<Status> {
    let (base, errors) = RuleSet::load_dir(&args.rules);
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {e}");
        }
        bail!(
            "{} problem(s) in the rule files of {}",
            errors.len(),
            args.rules.display()
        );
    }
    let same = |a: &Path, b: &Path| {
        a.canonicalize()
            .ok()
            .zip(b.canonicalize().ok())
            .is_some_and(|(a, b)| a == b)
    };
    if same(&args.out, &args.rules) {
        bail!(
            "--out {}: is the base rules folder; learn into a new folder",
            args.out.display()
        );
    }
    let (_, _, samples) = read_samples(args.layout, &args.raw, args.truth.as_deref(), args.part)?;
    let mut learner = Learner::new();
    let mut truth_sample = String::new();
    for sample in &samples {
        let raw = String::from_utf8_lossy(&sample.document.raw);
        // Pages are aligned one by one (a page's truth beside its raw page).
        let raw_pages: Vec<&str> = if sample.truth.len() > 1 {
            raw.split('\u{c}').collect()
        } else {
            vec![&raw]
        };
        for (r, t) in raw_pages.iter().zip(&sample.truth) {
            learner.add(r, t);
            if truth_sample.len() < 200_000 {
                truth_sample.push_str(t);
                truth_sample.push('\n');
            }
        }
    }
    let lang = match &args.lang {
        Some(l) => l.clone(),
        None => ocrclean::lang::detect(&truth_sample)
            .context("the truth's language could not be detected: give --lang")?
            .to_string(),
    };
    copy_dir(&args.rules, &args.out)?;
    let lexicon = learner.lexicon_file(base.lexicon(Some(&lang)), args.min_word_count);
    // A learned confusion that changes what an example of the rules says is left out (as a
    // comment): the truth of one collection may repair what the rules' authors chose to keep
    // (an `f` for a long s in a period spelling). Tested one at a time, with the learned words.
    let mut with_words = base.clone();
    if let Some(lexicon_of_lang) = with_words.lexicons.get_mut(&lang)
        && let Err(e) = lexicon_of_lang.add(Path::new("learned lexicon"), &lexicon)
    {
        bail!("the learned lexicon does not load: {e}");
    }
    if let Some(first) = with_words.failing_language_examples().first() {
        bail!(
            "the learned words change example {} of {}: {}",
            first.index + 1,
            first.rule,
            first_difference(&first.example.output, &first.actual)
        );
    }
    let left_out = |l: &ocrclean::learn::Learned| -> Option<String> {
        let mut set = with_words.clone();
        let confusion = ocrclean::confusion::ConfusionTable::from_pairs(&[(
            l.ocr.as_str(),
            l.print.as_str(),
            l.weight,
        )]);
        let _ = set.confusions.extend(confusion.entries().to_vec());
        let failing = set.failing_language_examples();
        let first = failing.first()?;
        Some(format!(
            "it changes example {} of {} ({})",
            first.index + 1,
            first.rule,
            first_difference(&first.example.output, &first.actual)
        ))
    };
    let confusions = learner.confusion_file(&base.confusions, args.min_count, &left_out);
    let misreadings = learner.misreading_file(args.min_count, base.lexicon(Some(&lang)));
    let confusion_path = args.out.join("confusions").join("learned.tsv");
    let lexicon_path = args.out.join("lexicon").join(format!("{lang}.learned.tsv"));
    let misreading_path = args
        .out
        .join("misreadings")
        .join(format!("{lang}.learned.tsv"));
    for (path, text) in [
        (&confusion_path, &confusions),
        (&lexicon_path, &lexicon),
        (&misreading_path, &misreadings),
    ] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create", dir.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    // The written folder must load as rules, or the user learns it only at the next run.
    let (_, errors) = RuleSet::load_dir(&args.out);
    if let Some(e) = errors.first() {
        bail!("the learned rules do not load: {e}");
    }
    let pairs = confusions.lines().filter(|l| !l.starts_with('#')).count();
    let words = lexicon.lines().filter(|l| !l.starts_with('#')).count();
    let misread = misreadings.lines().filter(|l| !l.starts_with('#')).count();
    eprintln!(
        "learned from {} document(s): {pairs} confusions in {}, {words} words in {}, {misread} misread words in {}",
        samples.len(),
        confusion_path.display(),
        lexicon_path.display(),
        misreading_path.display()
    );
    Ok(Status::Ok)
}

/// The first word where `actual` differs from `expected`: `goodf` → `goodſ`.
fn first_difference(expected: &str, actual: &str) -> String {
    expected
        .split_whitespace()
        .zip(actual.split_whitespace())
        .find(|(e, a)| e != a)
        .map_or_else(
            || "a different length".to_string(),
            |(e, a)| format!("`{e}` → `{a}`"),
        )
}

/// Copies the files of `from` into `to`, folders included (files already there are replaced).
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("{}: cannot create", to.display()))?;
    for path in ocrclean::input::sorted_entries(from)? {
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else if path.is_file() {
            std::fs::copy(&path, &target).with_context(|| {
                format!("{} → {}: cannot copy", path.display(), target.display())
            })?;
        }
    }
    Ok(())
}
