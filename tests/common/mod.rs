//! What several test files share.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use ocrclean::input::{self, Discovery};
use ocrclean::{Cleaner, Config, Document, RuleSet};

/// The repository's root, where `raw/`, `cleaned/` and `rules/` are.
#[allow(dead_code)]
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository's root.
#[allow(dead_code)]
pub fn ocrclean() -> Command {
    let mut cmd = Command::cargo_bin("ocrclean").unwrap();
    cmd.current_dir(root());
    cmd
}

/// `ocrclean clean INPUT --out OUT`, run from the repository's root.
#[allow(dead_code)]
pub fn clean_into(input: impl AsRef<std::ffi::OsStr>, out: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = ocrclean();
    cmd.arg("clean").arg(input).arg("--out").arg(out);
    cmd
}

/// A temporary folder holding `files` (path → contents).
#[allow(dead_code)]
pub fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// A recursive copy of a folder of plain files.
#[allow(dead_code)]
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// One lossy cleaner with the bundled rules per test binary: loading the lexicons is the slow part.
#[allow(dead_code)]
pub fn lossy_cleaner() -> &'static Cleaner {
    static CLEANER: OnceLock<Cleaner> = OnceLock::new();
    CLEANER.get_or_init(|| {
        Cleaner::new(
            bundled_rules(),
            Config {
                lossy: true,
                ..Config::default()
            },
        )
    })
}

/// The bundled rules folder, loaded; a broken rule file fails the test that asked for it.
#[allow(dead_code)]
pub fn bundled_rules() -> RuleSet {
    let (rules, errors) = RuleSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"));
    assert!(errors.is_empty(), "{errors:?}");
    rules
}

/// The documents of a file or folder, read as the command line reads them.
#[allow(dead_code)] // not every test file reads folders
pub fn documents(path: &Path) -> Vec<Document> {
    let found = input::discover(&[path.to_path_buf()], Discovery::default());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    found.inputs.iter().map(|i| i.read().unwrap()).collect()
}

/// A page folder as one document.
#[allow(dead_code)]
pub fn page_folder(dir: &Path) -> Document {
    input::page_folder(dir).unwrap().read().unwrap()
}

/// The entries of a folder in natural order.
#[allow(dead_code)]
pub fn sorted(dir: &Path) -> Vec<PathBuf> {
    input::sorted_entries(dir).unwrap()
}
