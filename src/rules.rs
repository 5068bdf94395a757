//! Rules as data: `rules/*.toml` files of regex substitutions that users edit without recompiling.
//!
//! Every rule is validated when it loads (regexes compile, ids are unique, examples are present and
//! pass), so that a loaded rule cannot fail while it runs. A rule needs at least one example that it
//! changes and one that it must leave alone: negative examples are what keep a rule precise.
//!
//! ```toml
//! [[rule]]
//! id = "space-before-punctuation"
//! description = "OCR put a space before a comma, full stop, semicolon or colon."
//! kind = "regex"
//! pattern = ' +([,.;:])'
//! replacement = '$1'
//! left = '[\p{L}\d)]'     # optional: must match just before the match
//! right = '\s|$'          # optional: must match just after it
//! language = ["en", "de"] # optional: the rule runs only on documents in these languages
//! confidence = 0.95       # optional, default 0.9
//! enabled = true          # optional, default true
//! examples = [
//!   { input = "France , Italy", output = "France, Italy" },
//!   { input = "a .5 calibre", output = "a .5 calibre" },
//! ]
//! ```

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;

use crate::change::Edit;
use crate::collection::Collection;
use crate::confusion::ConfusionTable;
use crate::error::{RuleError, line_of};
use crate::hyphenation::Hyphenation;
use crate::lexicon::Lexicon;
use crate::misreading::Misreadings;
use crate::passes::furniture::watermarks::Watermarks;
use crate::spelling::Spelling;

pub use crate::example::{Example, ExampleOutcome};

/// How much text before a match the left context may see, in bytes.
const LEFT_CONTEXT_WINDOW: usize = 128;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<toml::Spanned<RuleSpec>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// A regex substitution with optional left and right context.
    Regex,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    description: String,
    kind: RuleKind,
    pattern: String,
    replacement: String,
    left: Option<String>,
    right: Option<String>,
    #[serde(default)]
    language: Vec<String>,
    confidence: Option<f64>,
    #[serde(default = "default_enabled")]
    enabled: bool,
    #[serde(default)]
    examples: Vec<Example>,
}

fn default_enabled() -> bool {
    true
}

/// A loaded, validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub kind: RuleKind,
    pub languages: Vec<String>,
    pub confidence: f64,
    pub enabled: bool,
    pub examples: Vec<Example>,
    /// Where the rule is defined, for messages.
    pub file: PathBuf,
    pub line: usize,
    pattern: Regex,
    replacement: String,
    left: Option<Regex>,
    right: Option<Regex>,
}

impl Rule {
    /// Whether the rule runs on a document in `language` (`None`: unknown language).
    pub fn applies_to(&self, language: Option<&str>) -> bool {
        self.languages.is_empty() || language.is_some_and(|l| self.languages.iter().any(|x| x == l))
    }

    /// The edits this rule proposes on `text`.
    pub fn edits(&self, text: &str) -> Vec<Edit> {
        let mut edits = Vec::new();
        for caps in self.pattern.captures_iter(text) {
            let m = caps.get(0).expect("group 0 always matches");
            if m.is_empty() || !self.context_holds(text, m.range()) {
                continue;
            }
            let mut after = String::new();
            caps.expand(&self.replacement, &mut after);
            if after != m.as_str() {
                edits.push(
                    Edit::of_data_rule(m.range(), after, self.id.clone())
                        .confidence(self.confidence)
                        .evidence(format!("rule `{}`: {}", self.id, self.description)),
                );
            }
        }
        edits
    }

    fn context_holds(&self, text: &str, range: Range<usize>) -> bool {
        if let Some(left) = &self.left {
            let mut from = range.start.saturating_sub(LEFT_CONTEXT_WINDOW);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            if !left.is_match(&text[from..range.start]) {
                return false;
            }
        }
        if let Some(right) = &self.right
            && !right.is_match(&text[range.end..])
        {
            return false;
        }
        true
    }

    /// Applies the rule alone to `input`, as its examples are checked.
    pub fn apply_to(&self, input: &str) -> String {
        crate::change::apply_edits(input, &self.edits(input))
    }

    /// Runs every example of the rule.
    pub fn run_examples(&self) -> Vec<ExampleOutcome> {
        self.examples
            .iter()
            .enumerate()
            .map(|(index, example)| ExampleOutcome {
                rule: self.id.clone(),
                index,
                example: example.clone(),
                actual: self.apply_to(&example.input),
            })
            .collect()
    }
}

/// All rules of a rules folder, in file order then definition order, and its lexicons.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Word lists by language, from `lexicon/LANG.tsv` in the rules folder.
    pub lexicons: BTreeMap<String, Lexicon>,
    /// Hyphenation evidence by language, from `hyphenation/LANG.toml` in the rules folder.
    pub hyphenation: BTreeMap<String, Hyphenation>,
    /// Period spelling conventions by language, from `spelling/LANG.toml` in the rules folder.
    pub spelling: BTreeMap<String, Spelling>,
    /// OCR confusions, from `confusions/*.tsv` in the rules folder.
    pub confusions: ConfusionTable,
    /// Digitisers' watermarks and boilerplate, from `furniture/*.toml` in the rules folder.
    pub watermarks: Watermarks,
    /// Whole words a collection's scanner misreads, by language, from `misreadings/LANG.tsv`
    /// (learned by `ocrclean learn`).
    pub misreadings: BTreeMap<String, Misreadings>,
    /// What a collection's corrected pages say about its words, by language, from
    /// `collection/LANG.toml` (learned by `ocrclean learn`).
    pub collection: BTreeMap<String, Collection>,
}

/// One file of rule data handed to [`RuleSet::load`]: the loader does no I/O, so the same data can
/// come from a folder, from the copy compiled into the binary, or from a test.
#[derive(Debug, Clone)]
pub struct RuleSource {
    /// Where the file sits in a rules folder, `/`-separated: `spacing.toml`, `lexicon/en.tsv`,
    /// `hyphenation/de.toml`, `confusions/ocr.tsv`. It decides what the file holds, and a folder
    /// given with `--rules` overrides a bundled file of the same name.
    pub name: String,
    /// Where the file came from, for messages and `rules list`: its path, or `<bundled>/NAME`.
    pub origin: PathBuf,
    pub text: Cow<'static, str>,
}

impl RuleSource {
    fn folder(&self) -> Option<&str> {
        self.name.rsplit_once('/').map(|(folder, _)| folder)
    }

    fn extension(&self) -> Option<&str> {
        self.name.rsplit_once('.').map(|(_, ext)| ext)
    }

    /// The file name without folder and extension: the language of a lexicon or hyphenation file.
    fn stem(&self) -> String {
        let file = self.name.rsplit('/').next().unwrap_or(&self.name);
        file.split_once('.')
            .map_or(file, |(stem, _)| stem)
            .to_string()
    }
}

/// The rule files of a folder as [`RuleSource`]s, sorted by name: `*.toml` at the top, and
/// `lexicon/*.tsv`, `hyphenation/*.toml`, `confusions/*.tsv`. A folder that cannot be read is an
/// error (a missing `--rules` folder must not silently mean "no rules").
pub fn read_rules_dir(dir: &Path) -> Result<Vec<RuleSource>, RuleError> {
    let mut sources = Vec::new();
    let read_error = |path: &Path, source| RuleError::Read {
        path: path.to_path_buf(),
        source,
    };
    std::fs::read_dir(dir).map_err(|e| read_error(dir, e))?;
    for (folder, ext) in RULE_FILES {
        let sub = if folder.is_empty() {
            dir.to_path_buf()
        } else {
            dir.join(folder)
        };
        for path in files_with_extension(&sub, ext) {
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| read_error(&path, e))?;
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let name = if folder.is_empty() {
                file
            } else {
                format!("{folder}/{file}")
            };
            sources.push(RuleSource {
                name,
                origin: path,
                text: Cow::Owned(text),
            });
        }
    }
    sources.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sources)
}

/// The folders of a rules folder and the extension of the files each holds.
pub const RULE_FILES: [(&str, &str); 8] = [
    ("", "toml"),
    ("lexicon", "tsv"),
    ("hyphenation", "toml"),
    ("spelling", "toml"),
    ("confusions", "tsv"),
    ("furniture", "toml"),
    ("misreadings", "tsv"),
    ("collection", "toml"),
];

impl RuleSet {
    /// Loads every rule file of `dir` (see [`read_rules_dir`]).
    pub fn load_dir(dir: &Path) -> (Self, Vec<RuleError>) {
        match read_rules_dir(dir) {
            Ok(sources) => Self::load(&sources),
            Err(e) => (RuleSet::default(), vec![e]),
        }
    }

    /// Loads rule data from files already read. Returns the rules that loaded and an error for
    /// every problem found, so that a caller can show them all at once. Files whose name fits no
    /// kind of rule data are ignored.
    pub fn load(sources: &[RuleSource]) -> (Self, Vec<RuleError>) {
        let mut set = RuleSet::default();
        let mut errors = Vec::new();
        let mut sorted: Vec<&RuleSource> = sources.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        for source in sorted {
            let path = &source.origin;
            let text = source.text.as_ref();
            match (source.folder(), source.extension()) {
                (None, Some("toml")) => match parse_rules(path, text) {
                    Ok(rules) => set.rules.extend(rules),
                    Err(mut e) => errors.append(&mut e),
                },
                (Some("lexicon"), Some("tsv")) => {
                    // `en.tsv`, and `en.NAME.tsv` (a learned or a collection's list) added to the
                    // same lexicon (sorted names put `en.learned.tsv` first; each adds its words).
                    let language = source.stem();
                    let result = match set.lexicons.get_mut(&language) {
                        Some(lexicon) => lexicon.add(path, text),
                        None => Lexicon::parse(&language, path, text).map(|lexicon| {
                            set.lexicons.insert(language, lexicon);
                        }),
                    };
                    if let Err(e) = result {
                        errors.push(e);
                    }
                }
                (Some("hyphenation"), Some("toml")) => {
                    let language = source.stem();
                    match Hyphenation::parse(&language, path, text) {
                        Ok(h) => {
                            set.hyphenation.insert(language, h);
                        }
                        Err(e) => errors.push(e),
                    }
                }
                (Some("spelling"), Some("toml")) => {
                    let language = source.stem();
                    match Spelling::parse(&language, path, text) {
                        Ok(data) => {
                            set.spelling.insert(language, data);
                        }
                        Err(e) => errors.push(e),
                    }
                }
                (Some("confusions"), Some("tsv")) => match ConfusionTable::parse(path, text) {
                    Ok(parsed) => errors.extend(set.confusions.extend(parsed)),
                    Err(mut e) => errors.append(&mut e),
                },
                (Some("misreadings"), Some("tsv")) => match Misreadings::parse(path, text) {
                    // `en.tsv` and `en.NAME.tsv` add to the same language's misreadings.
                    Ok(parsed) => errors.extend(
                        set.misreadings
                            .entry(source.stem())
                            .or_default()
                            .extend(parsed),
                    ),
                    Err(mut e) => errors.append(&mut e),
                },
                (Some("collection"), Some("toml")) => {
                    // `en.toml` and `en.NAME.toml` lay their settings over one another.
                    let merged = set
                        .collection
                        .entry(source.stem())
                        .or_default()
                        .merge(path, text);
                    if let Err(e) = merged {
                        errors.push(e);
                    }
                }
                (Some("furniture"), Some("toml")) => match Watermarks::parse(path, text) {
                    Ok(parsed) => errors.extend(set.watermarks.extend(parsed)),
                    Err(mut e) => errors.append(&mut e),
                },
                _ => {}
            }
        }
        // Hyphenation and spelling examples run through their pass with their language's lexicon,
        // so they are checked once everything has loaded.
        for outcome in set
            .hyphenation_examples()
            .into_iter()
            .chain(set.spelling_examples())
        {
            if !outcome.passed() {
                let (file, line) = set.example_location(&outcome);
                errors.push(RuleError::Invalid {
                    path: file,
                    line,
                    rule: format!("example-{}", outcome.index + 1),
                    message: format!(
                        "{:?} gives {:?}, expected {:?}",
                        outcome.example.input, outcome.actual, outcome.example.output
                    ),
                });
            }
        }
        let mut seen: BTreeMap<&str, &Rule> = BTreeMap::new();
        for rule in &set.rules {
            if let Some(first) = seen.insert(&rule.id, rule) {
                errors.push(RuleError::Invalid {
                    path: rule.file.clone(),
                    line: rule.line,
                    rule: rule.id.clone(),
                    message: format!(
                        "duplicate id: already defined at {}:{}",
                        first.file.display(),
                        first.line
                    ),
                });
            }
        }
        (set, errors)
    }

    /// The lexicon of `language`, if the rules folder has one.
    pub fn lexicon(&self, language: Option<&str>) -> Option<&Lexicon> {
        language.and_then(|l| self.lexicons.get(l))
    }

    /// The collection settings of `language`, if the rules folder has them.
    pub fn collection(&self, language: Option<&str>) -> Option<&Collection> {
        language.and_then(|l| self.collection.get(l))
    }

    /// The hyphenation evidence of `language`, if the rules folder has it.
    pub fn hyphenation(&self, language: Option<&str>) -> Option<&Hyphenation> {
        language.and_then(|l| self.hyphenation.get(l))
    }

    /// Every example of the loaded rule data, run: each data rule's (named by its id) and each
    /// hyphenation file's (named by its language), each watermark entry's (`watermark/ID`). What
    /// `rules test` prints; loading has
    /// already refused data whose examples fail.
    pub fn examples(&self) -> Vec<ExampleOutcome> {
        let mut outcomes: Vec<ExampleOutcome> =
            self.rules.iter().flat_map(Rule::run_examples).collect();
        outcomes.extend(self.hyphenation_examples());
        outcomes.extend(self.spelling_examples());
        outcomes.extend(self.watermarks.examples());
        outcomes
    }

    /// The file and line of a spelling or hyphenation example (as [`RuleSet::examples`] names
    /// it: `spelling/en`, `hyphenation/de`).
    pub fn example_location(&self, outcome: &ExampleOutcome) -> (PathBuf, usize) {
        let data = match outcome.rule.split_once('/') {
            Some(("spelling", language)) => self
                .spelling
                .get(language)
                .map(|d| (&d.file, &d.example_lines)),
            Some((_, language)) => self
                .hyphenation
                .get(language)
                .map(|d| (&d.file, &d.example_lines)),
            None => None,
        };
        data.map_or((PathBuf::from(&outcome.rule), 1), |(file, lines)| {
            (file.clone(), lines.get(outcome.index).copied().unwrap_or(1))
        })
    }

    /// The examples that read the confusion table and the lexicons (spelling and hyphenation) and
    /// fail with these rules: what a learned confusion must not change.
    pub fn failing_language_examples(&self) -> Vec<ExampleOutcome> {
        let mut outcomes = self.hyphenation_examples();
        outcomes.extend(self.spelling_examples());
        outcomes.retain(|o| !o.passed());
        outcomes
    }

    /// Spelling examples, each run through the word repairs with its language's lexicon.
    fn spelling_examples(&self) -> Vec<ExampleOutcome> {
        let data = self.spelling.iter().map(|(l, d)| (l, &d.examples[..]));
        self.language_examples("spelling", data, crate::passes::confusions::apply_alone)
    }

    /// Hyphenation examples, each run through the dehyphenation pass with its language's lexicon.
    fn hyphenation_examples(&self) -> Vec<ExampleOutcome> {
        let data = self.hyphenation.iter().map(|(l, d)| (l, &d.examples[..]));
        self.language_examples("hyphenation", data, crate::passes::dehyphenate::apply_alone)
    }

    /// The examples of a kind of per-language data (`KIND/LANG`), each input given to `run` with
    /// these rules and its language.
    fn language_examples<'a>(
        &self,
        kind: &str,
        data: impl Iterator<Item = (&'a String, &'a [Example])>,
        run: fn(&RuleSet, &str, &str) -> String,
    ) -> Vec<ExampleOutcome> {
        data.flat_map(|(language, examples)| {
            examples
                .iter()
                .enumerate()
                .map(move |(index, example)| ExampleOutcome {
                    rule: format!("{kind}/{language}"),
                    index,
                    example: example.clone(),
                    actual: run(self, language, &example.input),
                })
        })
        .collect()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Files of `dir` with extension `ext`, sorted; a missing folder has none.
fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}

/// Parses and validates one rule file; every problem is reported, not just the first.
pub fn parse_rules(path: &Path, source: &str) -> Result<Vec<Rule>, Vec<RuleError>> {
    let file: RuleFile = RuleError::parse_toml(path, source).map_err(|e| vec![e])?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for spanned in file.rule {
        let line = line_of(source, spanned.span().start);
        let spec = spanned.into_inner();
        let invalid = |message: String| RuleError::Invalid {
            path: path.to_path_buf(),
            line,
            rule: spec.id.clone(),
            message,
        };
        match compile(path, line, &spec) {
            Ok(rule) => {
                let failures: Vec<String> = rule
                    .run_examples()
                    .into_iter()
                    .filter(|o| !o.passed())
                    .map(|o| {
                        format!(
                            "example {} fails: input {:?} gave {:?}, expected {:?}",
                            o.index + 1,
                            o.example.input,
                            o.actual,
                            o.example.output
                        )
                    })
                    .collect();
                if failures.is_empty() {
                    rules.push(rule);
                } else {
                    errors.extend(failures.into_iter().map(invalid));
                }
            }
            Err(message) => errors.push(invalid(message)),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Largest compiled form of a rule's regex. Rules are short patterns that compile to a few KB; a
/// huge repetition (`a{100000}`) compiles to hundreds of MB and runs for minutes, so it is refused
/// at load with its file and line instead.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A rule's regex, in multi-line mode: rules run on the reflowed text, in which every paragraph
/// (and every line of a block that keeps its lines) is one line, so `^` and `$` match at paragraph
/// boundaries rather than only at the document's start and end.
pub(crate) fn compile_regex(what: &str, pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => format!(
                "{what} is too large once compiled (over {} KiB; a large repetition count such as `{{100000}}` is the usual cause)",
                REGEX_SIZE_LIMIT >> 10
            ),
            e => format!("{what} is not a valid regex: {e}"),
        })
}

fn compile(path: &Path, line: usize, spec: &RuleSpec) -> Result<Rule, String> {
    if spec.id.is_empty()
        || !spec
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err("id must be non-empty and use only a-z, 0-9, '-', '_', '.'".into());
    }
    let pattern = compile_regex("pattern", &spec.pattern)?;
    // `\z` and `\A`, not `$` and `^`: those match at every line end in multi-line mode.
    let left = match &spec.left {
        Some(l) => Some(compile_regex("left", &format!("(?:{l})\\z"))?),
        None => None,
    };
    let right = match &spec.right {
        Some(r) => Some(compile_regex("right", &format!("\\A(?:{r})"))?),
        None => None,
    };
    let confidence = spec.confidence.unwrap_or(0.9);
    if !(0.0..=1.0).contains(&confidence) {
        return Err(format!("confidence {confidence} is not between 0 and 1"));
    }
    if !spec.examples.iter().any(|e| e.input != e.output) {
        return Err(
            "needs at least one example that the rule changes (output differs from input)".into(),
        );
    }
    if !spec.examples.iter().any(|e| e.input == e.output) {
        return Err(
            "needs at least one example that the rule must leave alone (output equal to input)"
                .into(),
        );
    }
    Ok(Rule {
        id: spec.id.clone(),
        description: spec.description.clone(),
        kind: spec.kind,
        languages: spec.language.clone(),
        confidence,
        enabled: spec.enabled,
        examples: spec.examples.clone(),
        file: path.to_path_buf(),
        line,
        pattern,
        replacement: spec.replacement.clone(),
        left,
        right,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[rule]]
id = "comma-space"
description = "space before comma"
kind = "regex"
pattern = ' +,'
replacement = ','
left = '\w'
examples = [
  { input = "a , b", output = "a, b" },
  { input = " , b", output = " , b" },
]
"#;

    #[test]
    fn a_valid_rule_loads_and_applies_with_context() {
        let rules = parse_rules(Path::new("x.toml"), GOOD).unwrap();
        assert_eq!(rules[0].apply_to("x , y ,z"), "x, y,z");
        assert_eq!(rules[0].apply_to("( , )"), "( , )");
    }

    #[test]
    fn a_failing_example_names_file_line_and_rule() {
        let bad = GOOD.replace(r#"output = "a, b""#, r#"output = "a,b""#);
        let errors = parse_rules(Path::new("x.toml"), &bad).unwrap_err();
        let message = errors[0].to_string();
        assert!(
            message.starts_with("x.toml:2: rule `comma-space`: example 1 fails"),
            "{message}"
        );
    }

    #[test]
    fn a_rule_without_negative_examples_does_not_load() {
        let bad = GOOD.replace(r#"  { input = " , b", output = " , b" },"#, "");
        let message = parse_rules(Path::new("x.toml"), &bad).unwrap_err()[0].to_string();
        assert!(message.contains("must leave alone"), "{message}");
    }

    #[test]
    fn broken_toml_and_regex_are_reported_with_lines() {
        let message =
            parse_rules(Path::new("x.toml"), "[[rule]]\nid = 3\n").unwrap_err()[0].to_string();
        assert!(message.starts_with("x.toml:2:"), "{message}");
        let bad = GOOD.replace("' +,'", "' +(,'");
        let message = parse_rules(Path::new("x.toml"), &bad).unwrap_err()[0].to_string();
        assert!(
            message.contains("pattern is not a valid regex"),
            "{message}"
        );
        let unknown = GOOD.replace("kind = \"regex\"", "kind = \"regex\"\ncolour = 1");
        let message = parse_rules(Path::new("x.toml"), &unknown).unwrap_err()[0].to_string();
        assert!(message.contains("unknown field `colour`"), "{message}");
    }

    #[test]
    fn a_huge_repetition_is_refused_at_load_with_file_and_line() {
        let huge = GOOD.replace("' +,'", "'a{100000}'");
        let started = std::time::Instant::now();
        let message = parse_rules(Path::new("x.toml"), &huge).unwrap_err()[0].to_string();
        assert!(
            message.starts_with("x.toml:2: rule `comma-space`"),
            "{message}"
        );
        assert!(message.contains("too large once compiled"), "{message}");
        // Not a timing test: the refusal comes before any matching, so it cannot take minutes.
        assert!(started.elapsed().as_secs() < 60);
    }

    #[test]
    fn anchors_match_at_paragraph_boundaries_and_contexts_stay_local() {
        let rule = r#"
[[rule]]
id = "para-start"
description = "a stray mark at a paragraph's start"
kind = "regex"
pattern = '^[|] *'
replacement = ''
right = '\p{Lu}|$'
examples = [
  { input = "One.\n\n| Two.", output = "One.\n\nTwo." },
  { input = "a | b", output = "a | b" },
]
"#;
        let rules = parse_rules(Path::new("x.toml"), rule).unwrap();
        assert_eq!(rules[0].apply_to("| A\n\n| B\n| c"), "A\n\nB\n| c");
    }

    /// The anchored example in the README's Rules section is a rule file that loads, so its
    /// examples (which are what the README shows) hold.
    #[test]
    fn the_readme_anchor_example_holds() {
        let readme = include_str!("../README.md");
        let start = readme
            .find("<!-- anchored-rule-example -->")
            .expect("the README shows an anchored rule");
        let block = &readme[start..];
        let toml_start = block.find("```toml\n").expect("a toml block") + 8;
        let toml_end = toml_start + block[toml_start..].find("```").expect("its end");
        let rules = parse_rules(Path::new("README.md"), &block[toml_start..toml_end])
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(rules[0].examples.len() >= 2);
    }
}
