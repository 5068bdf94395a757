//! `ocrclean.toml`: settings of a project, found from the working folder upward (as ruff and typos
//! find theirs), or named with `--config`. Keys are the long flags of the same meaning; a flag
//! given on the command line wins over the file, the file over the defaults. Unknown keys are an
//! error that names the file and line, so that a misspelt key never silently does nothing.
//!
//! ```toml
//! rules = ["my-rules"]          # rule folders added to the bundled rules (relative to this file)
//! bundled-rules = true          # false: only the folders above
//! disable = ["space-before-punctuation"]
//! min-confidence = 0.7
//! lang = "de"
//! lossy = true
//! jobs = 4
//! out = "cleaned"               # output folder of `clean`, `--against` of `check`
//! html = true                   # write NAME.report.html and index.html
//! max-diff-lines = 200          # `check` and `clean --diff`
//! output-format = "text"        # `check`: text, github or json
//! color = "auto"
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context as _, anyhow};
use serde::Deserialize;
use toml::Spanned;

/// The file's name, looked for in the working folder and each folder above it.
pub const FILE_NAME: &str = "ocrclean.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSettings {
    pub rules: Option<Spanned<Vec<PathBuf>>>,
    pub bundled_rules: Option<Spanned<bool>>,
    pub disable: Option<Spanned<Vec<String>>>,
    pub min_confidence: Option<Spanned<f64>>,
    pub lang: Option<Spanned<String>>,
    pub lossy: Option<Spanned<bool>>,
    pub jobs: Option<Spanned<usize>>,
    pub out: Option<Spanned<PathBuf>>,
    pub html: Option<Spanned<bool>>,
    pub max_diff_lines: Option<Spanned<usize>>,
    pub output_format: Option<Spanned<super::check::OutputFormat>>,
    pub color: Option<Spanned<super::color::ColorChoice>>,
}

/// The config file of a run, if one was found.
#[derive(Debug, Default)]
pub struct ConfigFile {
    pub path: Option<PathBuf>,
    pub text: String,
    pub settings: FileSettings,
}

/// Where an effective setting comes from, for `ocrclean config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    Flag,
    File(PathBuf, usize),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::Flag => f.write_str("command line"),
            Origin::File(path, line) => write!(f, "{}:{line}", path.display()),
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl ConfigFile {
    /// Parses a config file's text; errors name the file and line.
    pub fn parse(path: &Path, text: String) -> anyhow::Result<Self> {
        let settings: FileSettings = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(&text, s.start));
            anyhow!("{}:{line}: {}", path.display(), e.message())
        })?;
        Ok(Self {
            path: Some(path.to_path_buf()),
            text,
            settings,
        })
    }

    /// Reads the file named with `--config`, or the first `ocrclean.toml` from `start` upward.
    pub fn find(explicit: Option<&Path>, start: &Path) -> anyhow::Result<Self> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => start
                .ancestors()
                .map(|dir| dir.join(FILE_NAME))
                .find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read the config file", path.display()))?;
        Self::parse(&path, text)
    }

    /// Where a key of the file is set.
    pub fn origin<T>(&self, value: &Spanned<T>) -> Origin {
        let path = self.path.clone().unwrap_or_default();
        Origin::File(path, line_of(&self.text, value.span().start))
    }

    /// A path of the file, relative to the file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// A value from the flag if given, else from the file, else the default; and where it came from.
    pub fn pick<T: Clone>(
        &self,
        flag: Option<T>,
        file: &Option<Spanned<T>>,
        default: T,
    ) -> (T, Origin) {
        match (flag, file) {
            (Some(v), _) => (v, Origin::Flag),
            (None, Some(s)) => (s.get_ref().clone(), self.origin(s)),
            (None, None) => (default, Origin::Default),
        }
    }
}

static LOADED: OnceLock<ConfigFile> = OnceLock::new();

/// Loads the run's config file once (at the start of `main`).
pub fn load(explicit: Option<&Path>) -> anyhow::Result<()> {
    let cwd = std::env::current_dir().context("cannot read the working folder")?;
    let file = ConfigFile::find(explicit, &cwd)?;
    let _ = LOADED.set(file);
    Ok(())
}

/// The run's config file (empty when none was found).
pub fn get() -> &'static ConfigFile {
    LOADED.get_or_init(ConfigFile::default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_file_and_line() {
        let e = ConfigFile::parse(Path::new("o.toml"), "lang = \"de\"\nlnag = 1\n".into())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("o.toml:2: unknown field `lnag`"), "{e}");
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file =
            ConfigFile::parse(Path::new("dir/o.toml"), "\nmin-confidence = 0.7\n".into()).unwrap();
        let s = &file.settings.min_confidence;
        assert_eq!(file.pick(Some(0.8), s, 0.6), (0.8, Origin::Flag));
        assert_eq!(
            file.pick(None, s, 0.6),
            (0.7, Origin::File("dir/o.toml".into(), 2))
        );
        assert_eq!(file.pick(None, &None, 0.6), (0.6, Origin::Default));
        assert_eq!(file.resolve(Path::new("r")), PathBuf::from("dir/r"));
    }
}
