//! ocrclean turns raw OCR text of scanned papers and books into clean, citable text, and records
//! every change it makes.
//!
//! The library has no I/O: it cleans a [`Document`] (raw bytes, with page files joined by form
//! feeds) into a body, footnotes and [`Change`] records, and renders those into output files. The
//! binary walks folders, runs batches and sets exit codes.
//!
//! How a document is cleaned: [`decode`] turns the raw bytes into a [`Text`], whose source map ties
//! every byte back to the raw input; each [`Pass`] of the [`pipeline`] reads the text and proposes
//! [`Edit`]s; [`Text::apply`] applies them and writes a [`Change`] for each; [`render`] turns the
//! result into the output files.

#![forbid(unsafe_code)]

pub mod analysis;
pub mod bundled;
pub mod candidates;
pub mod change;
pub mod collection;
pub mod confusion;
pub mod decode;
pub mod document;
pub mod error;
pub mod eval;
pub mod example;
pub mod hyphenation;
pub mod input;
pub mod lang;
pub mod layout;
pub mod learn;
pub mod lexicon;
pub mod misreading;
pub mod passes;
pub mod pipeline;
pub mod render;
pub mod restore;
pub mod review;
pub mod rules;
pub mod spelling;
pub mod stream;
pub mod text;

pub use change::{Change, ChangeKind, Edit, RawLocation};
pub use confusion::ConfusionTable;
pub use decode::{Encoding, EncodingChoice, decode};
pub use document::Document;
pub use error::{DecodeError, RuleError};
pub use lexicon::Lexicon;
pub use passes::Pass;
pub use pipeline::{Cleaned, Cleaner, Config, PassTimings};
pub use render::render;
pub use restore::{
    LogHeader, LogRestoreError, RestoreError, parse_log, restore, restore_from_log,
    restore_verified,
};
pub use rules::{Rule, RuleSet, RuleSource};
pub use text::Text;
