//! Compiles the repository's `rules/` folder into the library (see `src/bundled.rs`), so that an
//! installed `ocrclean` has its rules, lexicons and confusion tables wherever it runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files of a rules folder that hold rule data (the loader's `RULE_FILES`).
const RULE_FILES: [(&str, &str); 8] = [
    ("", "toml"),
    ("lexicon", "tsv"),
    ("hyphenation", "toml"),
    ("spelling", "toml"),
    ("confusions", "tsv"),
    ("furniture", "toml"),
    ("misreadings", "tsv"),
    ("collection", "toml"),
];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed={}", rules.display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (folder, ext) in RULE_FILES {
        let dir = if folder.is_empty() {
            rules.clone()
        } else {
            rules.join(folder)
        };
        println!("cargo:rerun-if-changed={}", dir.display());
        for path in files_in(&dir, ext) {
            println!("cargo:rerun-if-changed={}", path.display());
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let name = if folder.is_empty() {
                file
            } else {
                format!("{folder}/{file}")
            };
            files.push((name, path));
        }
    }
    files.sort();
    let mut out = String::from("&[\n");
    for (name, path) in files {
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("]\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("bundled_rules.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}
