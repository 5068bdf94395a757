//! Safety of what `clean` writes and what `restore` gives back (issue "nothing lost, whatever
//! happens"): outputs never replace inputs, with links in every position; a refused run creates
//! nothing; people's edits are kept; one run per output folder; files follow the umask; encodings
//! other than UTF-8 restore to their bytes; an edited log or body is caught.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};

use common::{clean_into, ocrclean, root};
use predicates::prelude::*;

const PAGE: &[u8] = b"The page of a book,\nwith a line or two.\n";

/// Every file under `dir` (links not followed) with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut all = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
                all.push((path, None));
            } else if meta.file_type().is_symlink() {
                all.push((
                    path.clone(),
                    Some(
                        fs::read_link(&path)
                            .unwrap()
                            .into_os_string()
                            .into_encoded_bytes(),
                    ),
                ));
            } else {
                all.push((path.clone(), Some(fs::read(&path).unwrap())));
            }
        }
    }
    all.sort();
    all
}

/// Runs `clean` and expects a refusal (exit 2) whose message contains `says`, with nothing in
/// `tree` changed or created.
fn assert_refused(tree: &Path, args: &[&Path], says: &str) {
    let before = snapshot(tree);
    let mut cmd = ocrclean();
    cmd.arg("clean");
    for a in args {
        cmd.arg(a);
    }
    cmd.assert().code(2).stderr(predicate::str::contains(says));
    assert_eq!(
        snapshot(tree),
        before,
        "the refused run changed {}",
        tree.display()
    );
}

/// The data-loss case of the issue: a page folder that is, through a link, the output folder, with
/// a page named like the document's body. It used to be overwritten (exit 0), and after a second
/// run the original could not be restored.
#[test]
fn a_page_folder_linked_to_the_output_folder_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("001.txt"), PAGE).unwrap();
    fs::write(
        out.join("book.txt"),
        b"The raw page named like the document.\n",
    )
    .unwrap();
    fs::create_dir(tmp.path().join("raw")).unwrap();
    symlink(&out, tmp.path().join("raw/book")).unwrap();
    let raw = tmp.path().join("raw");
    assert_refused(
        tmp.path(),
        &[&raw, Path::new("--out"), &out],
        "raw inputs are never written",
    );
    // Named directly, and through the link as --out: refused as well.
    let link = raw.join("book");
    assert_refused(
        tmp.path(),
        &[&out, Path::new("--out"), &link],
        "raw inputs are never written",
    );
}

#[test]
fn links_in_every_position_never_let_an_output_replace_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let raw = t.join("raw");
    fs::create_dir_all(raw.join("book")).unwrap();
    fs::write(raw.join("a.txt"), PAGE).unwrap();
    fs::write(raw.join("book/1.txt"), PAGE).unwrap();
    let out_word = Path::new("--out");

    // The output folder is a link to the input folder, or to a page folder.
    symlink(&raw, t.join("out-is-raw")).unwrap();
    assert_refused(t, &[&raw, out_word, &t.join("out-is-raw")], "never written");
    symlink(raw.join("book"), t.join("out-is-book")).unwrap();
    assert_refused(
        t,
        &[&raw, out_word, &t.join("out-is-book")],
        "never written",
    );
    // A folder not yet there, below a link into the inputs: refused, and not created.
    symlink(&raw, t.join("parent-link")).unwrap();
    assert_refused(
        t,
        &[&raw, out_word, &t.join("parent-link/new/out")],
        "never written",
    );
    // The input folder named through a link, the output inside the real one.
    symlink(&raw, t.join("raw-link")).unwrap();
    assert_refused(
        t,
        &[&t.join("raw-link"), out_word, &raw.join("out")],
        "never written",
    );

    // An input file that is a link to a file where its output would go.
    let out = t.join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("real.txt"), b"the real raw text\n").unwrap();
    let inputs = t.join("inputs");
    fs::create_dir(&inputs).unwrap();
    symlink(out.join("real.txt"), inputs.join("real.txt")).unwrap();
    assert_refused(t, &[&inputs, out_word, &out], "would overwrite the input");
    // A page that is a link to where an output would go.
    let pages = t.join("pages");
    fs::create_dir_all(pages.join("real")).unwrap();
    symlink(out.join("real.txt"), pages.join("real/1.txt")).unwrap();
    assert_refused(t, &[&pages, out_word, &out], "would overwrite the input");
    // An output name in the output folder that is a link to an input.
    let out2 = t.join("out2");
    fs::create_dir(&out2).unwrap();
    symlink(raw.join("a.txt"), out2.join("a.txt")).unwrap();
    assert_refused(
        t,
        &[&raw.join("a.txt"), out_word, &out2],
        "would overwrite the input",
    );

    // Links that do not tangle inputs and outputs are fine: an output folder reached by a link.
    fs::create_dir(t.join("real-out")).unwrap();
    symlink(t.join("real-out"), t.join("out-link")).unwrap();
    clean_into(&raw, t.join("out-link")).assert().success();
    assert_eq!(fs::read(raw.join("a.txt")).unwrap(), PAGE);
    assert!(t.join("real-out/a.manifest.json").exists());
}

#[test]
fn a_refused_run_creates_nothing() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), PAGE).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new-out");
    let broken_rules = tempfile::tempdir().unwrap();
    fs::write(broken_rules.path().join("bad.toml"), "[[rule]]\nid = 3\n").unwrap();
    for extra in [
        vec!["--lang".to_string(), "xx".into()],
        vec!["--min-confidence".into(), "7".into()],
        vec!["--disable".into(), "no-such-rule".into()],
        vec!["--rules".into(), broken_rules.path().display().to_string()],
    ] {
        clean_into(input.path(), &out).args(&extra).assert().code(2);
        assert!(!out.exists(), "{extra:?} created {}", out.display());
    }
}

#[test]
fn outputs_follow_the_umask() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), PAGE).unwrap();
    let out = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("ocrclean");
    for (umask, mode) in [("022", 0o644), ("027", 0o640)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask} && exec \"$0\" clean -q --force \"$1\" --out \"$2\""
            ))
            .arg(&bin)
            .arg(input.path())
            .arg(out.path())
            .current_dir(root())
            .status()
            .unwrap();
        assert!(status.success());
        for name in [
            "a.txt",
            "a.notes.txt",
            "a.changes.jsonl",
            "a.report.md",
            "a.manifest.json",
        ] {
            let got = fs::metadata(out.path().join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(got, mode, "{name} with umask {umask}");
        }
    }
}

#[test]
fn an_edited_output_is_kept_until_forced_and_the_rest_is_written() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), PAGE).unwrap();
    fs::write(input.path().join("b.txt"), PAGE).unwrap();
    let out = tempfile::tempdir().unwrap();
    let clean = |force: bool| {
        let mut cmd = ocrclean();
        cmd.arg("clean")
            .arg(input.path())
            .arg("--out")
            .arg(out.path());
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    clean(false).success();
    let body = out.path().join("a.txt");
    fs::write(&body, "A correction made by hand.\n").unwrap();
    fs::write(input.path().join("b.txt"), b"Another text now.\n").unwrap();
    clean(false)
        .code(2)
        .stderr(predicate::str::contains(
            "a.txt: changed since ocrclean wrote it",
        ))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        fs::read_to_string(&body).unwrap(),
        "A correction made by hand.\n"
    );
    // The other document was written all the same.
    assert_eq!(
        fs::read_to_string(out.path().join("b.txt")).unwrap(),
        "Another text now.\n"
    );
    // check sees the edit as drift too.
    ocrclean()
        .arg("check")
        .arg(input.path())
        .arg("--against")
        .arg(out.path())
        .assert()
        .code(1);
    clean(true).success();
    assert_eq!(
        fs::read(&body).unwrap(),
        b"The page of a book, with a line or two.\n"
    );
}

#[test]
fn a_second_run_into_a_locked_folder_refuses_and_writes_nothing() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), PAGE).unwrap();
    let out = tempfile::tempdir().unwrap();
    // Another run holds the folder.
    let lock = fs::File::create(out.path().join(".ocrclean.lock")).unwrap();
    lock.try_lock().unwrap();
    clean_into(input.path(), out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "another ocrclean run is writing into this folder",
        ));
    assert!(!out.path().join("a.txt").exists());
    drop(lock);
    clean_into(input.path(), out.path()).assert().success();
    // The lock file goes with the run that held it.
    assert!(!out.path().join(".ocrclean.lock").exists());
}

#[test]
fn check_reports_a_torn_document() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), PAGE).unwrap();
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path()).assert().success();
    fs::remove_file(out.path().join("a.manifest.json")).unwrap();
    ocrclean()
        .arg("check")
        .arg(input.path())
        .arg("--against")
        .arg(out.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.manifest.json: missing"));
}

/// Cleans `files` in a temporary folder, restores document `name` with `restore -o`, and returns
/// the restored bytes and clean's stderr.
fn clean_and_restore(files: &[(&str, &[u8])], name: &str, args: &[&str]) -> (Vec<u8>, String) {
    let input = tempfile::tempdir().unwrap();
    for (path, bytes) in files {
        let path = input.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let output = clean_into(input.path(), out.path())
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    let restored = out.path().join("restored.raw");
    ocrclean()
        .arg("restore")
        .arg(out.path().join(format!("{name}.changes.jsonl")))
        .arg("-o")
        .arg(&restored)
        .assert()
        .success();
    (
        fs::read(restored).unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn windows_1252_is_read_by_auto_and_restored_to_its_bytes() {
    let cp1252: &[u8] =
        b"Les Mis\xe9rables, \x93tome premier\x94 \x96 Fantine.\r\nL'\xe9v\xeaque.\r\n";
    // Strict UTF-8 skips it and names the encoding and the flag.
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("old.txt"), cp1252).unwrap();
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "it reads as Windows-1252: --encoding windows-1252",
        ));
    // --lossy says it too.
    ocrclean()
        .arg("clean")
        .arg(input.path())
        .args(["--lossy", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("the bytes read as Windows-1252"));
    let (restored, stderr) =
        clean_and_restore(&[("old.txt", cp1252)], "old", &["--encoding", "auto"]);
    assert_eq!(restored, cp1252);
    assert!(
        stderr.contains("read as windows-1252 (--encoding auto)"),
        "{stderr}"
    );
    let (restored, _) =
        clean_and_restore(&[("old.txt", cp1252)], "old", &["--encoding", "latin-1"]);
    assert_eq!(restored, cp1252);
}

#[test]
fn the_corpus_windows_1252_book_restores_to_its_bytes() {
    let path = root()
        .join("../shared/corpus/ia-books/lesmisrables01unkngoog_djvu.cp1252-variant.head400k.txt");
    let Ok(bytes) = fs::read(&path) else {
        eprintln!("skipped: {} is not there", path.display());
        return;
    };
    let (restored, stderr) =
        clean_and_restore(&[("book.txt", &bytes)], "book", &["--encoding", "auto"]);
    assert!(
        restored == bytes,
        "the restored book differs from its bytes"
    );
    assert!(stderr.contains("windows-1252"), "{stderr}");
}

#[test]
fn utf_16_and_utf_32_with_a_mark_are_read_and_restored() {
    let text = "\u{FEFF}Caf\u{e9} au lait,\r\nwith a line.\n";
    let utf16le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let utf32le: Vec<u8> = text
        .chars()
        .flat_map(|c| (c as u32).to_le_bytes())
        .collect();
    for (bytes, label) in [
        (&utf16le, "utf-16le"),
        (&utf16be, "utf-16be"),
        (&utf32le, "utf-32le"),
    ] {
        let (restored, stderr) = clean_and_restore(&[("u.txt", bytes)], "u", &[]);
        assert_eq!(&restored, bytes, "{label}");
        assert!(stderr.contains(label), "{stderr}");
    }
    // A page folder of UTF-16 pages.
    let (restored, _) = clean_and_restore(
        &[("book/1.txt", &utf16le), ("book/2.txt", &utf16le)],
        "book",
        &[],
    );
    assert_eq!(restored, [&utf16le[..], &[0x0C, 0], &utf16le[..]].concat());
}

#[test]
fn a_log_edited_to_the_same_length_is_caught_by_restore() {
    let input = tempfile::tempdir().unwrap();
    fs::write(input.path().join("a.txt"), b"Line one\r\nline two\r\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path()).assert().success();
    let log_path = out.path().join("a.changes.jsonl");
    let log = fs::read_to_string(&log_path).unwrap();
    // A `before` of the same length: the replay fits, the hash does not.
    let edited = log.replacen(r#""before":"\r\n""#, r#""before":"\n\r""#, 1);
    assert_ne!(edited, log);
    fs::write(&log_path, edited).unwrap();
    ocrclean()
        .arg("restore")
        .arg(&log_path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the body or the log was edited"))
        .stderr(predicate::str::contains("a.changes.jsonl (changed)"));
}

#[test]
fn pages_in_subfolders_and_links_leaving_the_input_are_named() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("elsewhere.txt"), PAGE).unwrap();
    let input = tempfile::tempdir().unwrap();
    fs::create_dir_all(input.path().join("book/scans")).unwrap();
    fs::write(input.path().join("book/1.txt"), PAGE).unwrap();
    fs::write(input.path().join("book/scans/2.txt"), PAGE).unwrap();
    symlink(
        outside.path().join("elsewhere.txt"),
        input.path().join("linked.txt"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    clean_into(input.path(), out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "scans: a folder inside the page folder",
        ))
        .stderr(predicate::str::contains("linked.txt: a link to"));
}
