//! One snapshot of the body, the notes and the report of every document in `raw/`, produced by the
//! real command line. A snapshot is a claim that the output is right: read every diff.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

/// Cleans all of `raw/` once, into a temporary folder shared by the test cases.
fn cleaned_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Command::cargo_bin("ocrclean")
            .unwrap()
            .current_dir(root)
            .args(["clean", "--quiet", "--out"])
            .arg(dir.path())
            .assert()
            .success();
        dir
    })
    .path()
}

fn document_name(path: &Path) -> Option<String> {
    let is_txt = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("txt"));
    if path.is_dir() {
        Some(path.file_name()?.to_string_lossy().into_owned())
    } else if is_txt {
        Some(path.file_stem()?.to_string_lossy().into_owned())
    } else {
        None
    }
}

#[test]
fn every_raw_document() {
    insta::glob!("..", "raw/*", |path| {
        let Some(name) = document_name(path) else {
            return; // licence notes beside the documents
        };
        let read = |suffix: &str| {
            let file: PathBuf = cleaned_dir().join(format!("{name}{suffix}"));
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        };
        insta::assert_snapshot!("body", read(".txt"));
        insta::assert_snapshot!("notes", read(".notes.txt"));
        insta::assert_snapshot!("report", read(".report.md"));
    });
}
