//! Errors of the library. Every error names the file, and where it can the line and the rule.

use std::path::PathBuf;

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
