//! Errors of the library. Every error names the file, and where it can the line and the rule.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// The raw input is not valid UTF-8.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("not valid UTF-8 at byte {offset} (use --lossy to decode it with U+FFFD)")]
pub struct DecodeError {
    /// Byte offset of the first invalid byte in the raw input.
    pub offset: usize,
    /// The encoding the bytes most likely have, for the message.
    pub likely: Option<crate::decode::Encoding>,
}

/// A rule file that cannot be loaded, or a rule whose examples fail.
#[derive(Debug, Error)]
pub enum RuleError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: rule `{rule}`: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        rule: String,
        message: String,
    },
}

impl RuleError {
    /// Reads a data file's TOML text into `T`; a syntax or schema error names the file and the
    /// line it stands on. Every kind of data file loads through this one function.
    pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
        path: &Path,
        source: &str,
    ) -> Result<T, Self> {
        toml::from_str(source).map_err(|e| RuleError::Parse {
            path: path.to_path_buf(),
            line: e.span().map_or(1, |s| line_of(source, s.start)),
            message: e.message().to_string(),
        })
    }
}

/// The 1-based line of a byte offset in a data file's text.
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}
