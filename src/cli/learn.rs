//! `ocrclean learn`: reads raw OCR with its corrected truth (any layout `eval` reads), aligns them
//! ([`ocrclean::learn`]) and writes a rules folder: a copy of the base rules plus
//! `confusions/learned.tsv` (the scanner's confusions with weights, counts and examples) and
//! `lexicon/LANG.learned.tsv` (the truth's words the lexicon lacks),
//! `misreadings/LANG.learned.tsv` (whole words the OCR misread, with the probability that the
//! print had the correction) and `collection/LANG.learned.toml` (the word repairs' settings for
//! the collection). Which optional parts to use is measured, not guessed: [`choose`] learns on
//! half of the training documents and cleans the other half. `--rules DIR` then uses the folder.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args as ClapArgs;
use ocrclean::RuleSet;
use ocrclean::collection::Collection;
use ocrclean::confusion::ConfusionTable;
use ocrclean::eval::{self, Sample};
use ocrclean::example::ExampleOutcome;
use ocrclean::learn::{Learner, MIN_CONFUSION_COUNT, MIN_WORD_COUNT};
use ocrclean::pipeline::{Cleaner, Config};
use ocrclean::rules::RuleSource;
use rayon::prelude::*;

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
    let (_, errors) = RuleSet::load_dir(&args.rules);
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
    let all: Vec<&Sample> = samples.iter().collect();
    let (learner, truth_sample) = learner_of(&all);
    let lang = match &args.lang {
        Some(l) => l.clone(),
        None => ocrclean::lang::detect(&truth_sample)
            .context("the truth's language could not be detected: give --lang")?
            .to_string(),
    };
    // Learned files already in the base folder (an earlier `learn` into it) are replaced, not
    // learned on top of: the base is the folder without them.
    let learned_names = LearnedFiles::names(&lang);
    let mut base_sources = ocrclean::rules::read_rules_dir(&args.rules)?;
    base_sources.retain(|s| !learned_names.contains(&s.name));
    // The base folder's own settings for the language load after the learned ones (by name) and
    // win: the learned settings are measured without them, and the user is told.
    let own_settings = format!("collection/{lang}.");
    let (settings, rest): (Vec<RuleSource>, Vec<RuleSource>) = base_sources
        .into_iter()
        .partition(|s| s.name.starts_with(&own_settings));
    base_sources = rest;
    for s in &settings {
        eprintln!(
            "note: {} sets the word repairs' settings too; it loads after the learned settings and overrides them",
            s.origin.display()
        );
    }
    let (base, errors) = RuleSet::load(&base_sources);
    if let Some(e) = errors.first() {
        bail!("the base rules without their learned files do not load: {e}");
    }
    let limits = (args.min_count, args.min_word_count);
    let choice = choose(&base, &base_sources, &all, &lang, limits)?;
    for line in choice.report.lines() {
        eprintln!("{line}");
    }
    let files = LearnedFiles::of(&learner, &base, &lang, limits)?;
    copy_dir(&args.rules, &args.out)?;
    let paths = LearnedFiles::names(&lang).map(|name| args.out.join(name));
    let texts = files.texts(&choice);
    for (path, text) in paths.iter().zip(&texts) {
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
    let count = |text: &str| text.lines().filter(|l| !l.starts_with('#')).count();
    eprintln!(
        "learned from {} document(s): {} confusions in {}, {} words in {}, {} misread words in {}, settings in {}",
        samples.len(),
        count(&texts[0]),
        paths[0].display(),
        count(&texts[1]),
        paths[1].display(),
        count(&texts[2]),
        paths[2].display(),
        paths[3].display(),
    );
    Ok(Status::Ok)
}

/// Aligns every page of `samples` with its truth; also returns a sample of the truth (for the
/// language).
fn learner_of(samples: &[&Sample]) -> (Learner, String) {
    let mut learner = Learner::new();
    let mut truth_sample = String::new();
    for sample in samples {
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
    (learner, truth_sample)
}

/// Which learned parts to use, measured on pages they were not learned from.
struct Choice {
    /// Use the learned confusions (else they are written as comments).
    confusions: bool,
    /// The collection settings (`collection/LANG.learned.toml`).
    settings: Collection,
    /// What was measured, for the user and the settings file's comments.
    report: String,
}

/// What one combination gave on the held-out halves, summed over both.
#[derive(Debug, Clone, Default)]
struct Measured {
    word_errors: usize,
    truth_words: usize,
    /// Word repairs the truth confirms and contradicts.
    confirmed: usize,
    contradicted: usize,
}

impl Measured {
    /// The word repairs' precision; no judged repair is no evidence against it.
    fn precision(&self) -> f64 {
        let judged = self.confirmed + self.contradicted;
        if judged == 0 {
            1.0
        } else {
            self.confirmed as f64 / judged as f64
        }
    }
}

/// The word passes whose precision the choice must keep.
fn is_word_rule(rule: &str) -> bool {
    ["confusions.", "numbers.", "misreadings."]
        .iter()
        .any(|p| rule.starts_with(p))
}

/// The word repairs' precision that a learned setting must keep on the held-out half (the
/// precision issue 13 asks of the word passes).
const MIN_PRECISION: f64 = 0.98;

/// Two-fold selection on the training documents: learn on one half (every other document),
/// measure each combination of the optional parts on the other half, and the other way round.
/// The combination with the fewest word errors whose word repairs keep [`MIN_PRECISION`] (or the
/// defaults' precision, when that is lower) wins;
/// the cautious default (learned confusions used, the collection settings' defaults) when none
/// does better or there is only one document.
fn choose(
    base: &RuleSet,
    base_sources: &[RuleSource],
    samples: &[&Sample],
    lang: &str,
    limits: (usize, usize),
) -> anyhow::Result<Choice> {
    // (learned confusions, single_use_is_evidence, one_edit_capitalised), each flag starting at its
    // default: the default first.
    let combinations: Vec<(bool, bool, bool)> = (0..8)
        .map(|i| (i & 4 == 0, i & 2 == 0, i & 1 == 1))
        .collect();
    let choice_of = |(confusions, single_use_is_evidence, one_edit_capitalised), report| Choice {
        confusions,
        settings: Collection {
            single_use_is_evidence,
            one_edit_capitalised,
        },
        report,
    };
    let default = choice_of(combinations[0], String::new());
    if samples.len() < 2 {
        return Ok(Choice {
            report:
                "one document: no half to measure the learned settings on; the defaults are written"
                    .into(),
            ..default
        });
    }
    let halves: [Vec<&Sample>; 2] = [
        samples.iter().step_by(2).copied().collect(),
        samples.iter().skip(1).step_by(2).copied().collect(),
    ];
    let mut measured = vec![Measured::default(); combinations.len()];
    for fold in 0..2 {
        let (train, test) = (&halves[fold], &halves[1 - fold]);
        let (learner, _) = learner_of(train);
        let files = LearnedFiles::of(&learner, base, lang, limits)?;
        for (i, &combination) in combinations.iter().enumerate() {
            let choice = choice_of(combination, String::new());
            let mut sources = base_sources.to_vec();
            for (name, text) in LearnedFiles::names(lang)
                .into_iter()
                .zip(files.texts(&choice))
            {
                sources.push(RuleSource {
                    origin: PathBuf::from(&name),
                    name,
                    text: std::borrow::Cow::Owned(text),
                });
            }
            let (rules, errors) = RuleSet::load(&sources);
            if let Some(e) = errors.first() {
                bail!("the rules learned from half of the documents do not load: {e}");
            }
            let config = Config {
                lossy: true,
                ..Config::default()
            };
            let cleaner = Cleaner::new(rules, config);
            let evals = test
                .par_iter()
                .map(|sample| eval::evaluate(&cleaner, sample))
                .collect::<Result<Vec<_>, _>>()
                .context("a document of the training part cannot be decoded")?;
            let summary = eval::Summary::new(&evals);
            let m = &mut measured[i];
            m.word_errors += summary.cleaned.word_errors;
            m.truth_words += summary.cleaned.truth_words;
            for (rule, tally) in &summary.rules {
                if is_word_rule(rule) {
                    m.confirmed += tally.confirmed;
                    m.contradicted += tally.contradicted;
                }
            }
        }
    }
    // Where even the defaults fall short of it (a truth that keeps the print's own misprints), a
    // combination must keep the defaults' precision.
    let floor = MIN_PRECISION.min(measured[0].precision());
    let best = (0..combinations.len())
        .filter(|&i| i == 0 || measured[i].precision() >= floor)
        .min_by_key(|&i| (measured[i].word_errors, i))
        .unwrap_or(0);
    let mut report = format!(
        "measured on held-out halves of the {} documents (learned on one half, cleaned the other, both ways):\n",
        samples.len()
    );
    for (i, (confusions, single, capitalised)) in combinations.iter().enumerate() {
        let m = &measured[i];
        report.push_str(&format!(
            "  learned confusions {:<3}, single_use_is_evidence = {:<5}, one_edit_capitalised = {:<5}: WER {:.4}, word repairs {} confirmed / {} contradicted{}\n",
            if *confusions { "yes" } else { "no" },
            single,
            capitalised,
            m.word_errors as f64 / m.truth_words.max(1) as f64,
            m.confirmed,
            m.contradicted,
            if i == best { "  <- chosen" } else { "" }
        ));
    }
    Ok(choice_of(combinations[best], report))
}

/// The learned files' texts.
struct LearnedFiles {
    confusions: String,
    lexicon: String,
    misreadings: String,
}

impl LearnedFiles {
    /// The learned files of `learner` over `base` (made once; a [`Choice`] only comments the
    /// confusions out and writes the settings, [`LearnedFiles::texts`]).
    fn of(
        learner: &Learner,
        base: &RuleSet,
        lang: &str,
        (min_count, min_word_count): (usize, usize),
    ) -> anyhow::Result<Self> {
        let lexicon = learner.lexicon_file(base.lexicon(Some(lang)), min_word_count);
        let lexicon_name = format!("lexicon/{lang}.learned.tsv");
        let mut with_words = base.clone();
        if let Some(lexicon_of_lang) = with_words.lexicons.get_mut(lang)
            && let Err(e) = lexicon_of_lang.add(Path::new(&lexicon_name), &lexicon)
        {
            bail!("the learned lexicon does not load: {e}");
        }
        if let Some(first) = with_words.failing_language_examples().first() {
            bail!(
                "the learned words ({lexicon_name}) change {}",
                example_change(&with_words, first)
            );
        }
        // A learned confusion that changes what an example of the rules says is left out (as a
        // comment): the truth of one collection may repair what the rules' authors chose to
        // keep (an `f` for a long s in a period spelling). Each is tried with the learned words
        // and the pairs kept before it, as the rules will load together.
        let kept: RefCell<Vec<(String, String, f64)>> = RefCell::new(Vec::new());
        let trial = RefCell::new(with_words.clone());
        let left_out = |l: &ocrclean::learn::Learned| -> Option<String> {
            let mut pairs = kept.borrow().clone();
            pairs.push((l.ocr.clone(), l.print.clone(), l.weight));
            let borrowed: Vec<(&str, &str, f64)> = pairs
                .iter()
                .map(|(o, p, w)| (o.as_str(), p.as_str(), *w))
                .collect();
            let mut set = trial.borrow_mut();
            set.confusions = with_words.confusions.clone();
            let _ = set
                .confusions
                .extend(ConfusionTable::from_pairs(&borrowed).entries().to_vec());
            match set.failing_language_examples().first() {
                Some(first) => Some(format!("it changes {}", example_change(&set, first))),
                None => {
                    *kept.borrow_mut() = pairs;
                    None
                }
            }
        };
        let confusions = learner.confusion_file(&base.confusions, min_count, &left_out);
        // A learned misreading is left out (as a comment) where the base folder already reads
        // the word (or would chain with it), and where an example of the rules keeps the word
        // as printed (`haue` in the spelling example: a modern collection's truth would turn it
        // into `have`).
        let kept_by_examples = example_words(base, lang);
        let base_misreadings = base.misreadings.get(lang);
        let read = |m: &ocrclean::misreading::Misreading| {
            format!("read as `{}` at {}:{}", m.print, m.file.display(), m.line)
        };
        let misreading_left_out = |ocr: &str, print: &str| -> Option<String> {
            if let Some(m) = base_misreadings.and_then(|b| b.get(ocr)) {
                return Some(format!("already {}", read(m)));
            }
            if let Some(m) = base_misreadings.and_then(|b| b.get(print)) {
                return Some(format!("`{print}` is {} (a chain)", read(m)));
            }
            if base_misreadings.is_some_and(|b| b.is_print(ocr)) {
                return Some(format!(
                    "`{ocr}` is the print side of a line of the base folder (a chain)"
                ));
            }
            kept_by_examples
                .get(ocr)
                .map(|example| format!("{example} keeps `{ocr}`"))
        };
        let misreadings =
            learner.misreading_file(min_count, base.lexicon(Some(lang)), &misreading_left_out);
        Ok(Self {
            confusions,
            lexicon,
            misreadings,
        })
    }

    /// The four files' texts with `choice` made: the confusions commented out when it leaves
    /// them out, and the collection settings.
    fn texts(&self, choice: &Choice) -> [String; 4] {
        let confusions = if choice.confusions {
            self.confusions.clone()
        } else {
            let mut off = String::from(
                "# Left out: on held-out halves of the corrected pages, the word repairs did better without\n\
                 # these (see collection/LANG.learned.toml). Uncomment the lines you want.\n",
            );
            for line in self.confusions.lines() {
                if !line.starts_with('#') {
                    off.push_str("# ");
                }
                off.push_str(line);
                off.push('\n');
            }
            off
        };
        let mut collection = String::from(
            "# What the corrected pages say about this collection's words, learned by `ocrclean learn`.\n",
        );
        for line in choice.report.lines() {
            collection.push_str(&format!("# {line}\n"));
        }
        collection.push_str(&format!(
            "# false: the uses in its document of a word the lexicon lacks count one fewer (a single use is no\n\
             # evidence that it is right).\n\
             single_use_is_evidence = {}\n\
             # true: a capitalised token gets candidates of any one edit, as a lowercase one does.\n\
             one_edit_capitalised = {}\n",
            choice.settings.single_use_is_evidence, choice.settings.one_edit_capitalised
        ));
        [
            confusions,
            self.lexicon.clone(),
            self.misreadings.clone(),
            collection,
        ]
    }

    /// The names in a rules folder of [`LearnedFiles::texts`], `/`-separated.
    fn names(lang: &str) -> [String; 4] {
        [
            "confusions/learned.tsv".to_string(),
            format!("lexicon/{lang}.learned.tsv"),
            format!("misreadings/{lang}.learned.tsv"),
            format!("collection/{lang}.learned.toml"),
        ]
    }
}

/// Where and how a failing example changed: `spelling/en.toml:20 (example 1): `goodf,` → `goodſ,``.
fn example_change(rules: &RuleSet, outcome: &ExampleOutcome) -> String {
    let (file, line) = rules.example_location(outcome);
    format!(
        "example {} of {} ({}:{line}): {}",
        outcome.index + 1,
        outcome.rule,
        file.display(),
        first_difference(&outcome.example.output, &outcome.actual)
    )
}

/// The words (lowercase) that `lang`'s spelling and hyphenation examples keep as printed, each
/// with the example that keeps it.
fn example_words(rules: &RuleSet, lang: &str) -> HashMap<String, String> {
    let mut words = HashMap::new();
    let examples = [
        ("spelling", rules.spelling.get(lang).map(|d| &d.examples)),
        (
            "hyphenation",
            rules.hyphenation.get(lang).map(|d| &d.examples),
        ),
    ];
    for (kind, list) in examples {
        for (i, example) in list.into_iter().flatten().enumerate() {
            for word in example
                .output
                .split(|c: char| !(c.is_alphabetic() || c == '\''))
            {
                if !word.is_empty() && example.input.contains(word) {
                    words
                        .entry(word.to_lowercase())
                        .or_insert_with(|| format!("example {} of {kind}/{lang}", i + 1));
                }
            }
        }
    }
    words
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
