//! Bad input: no panic anywhere, a clear error for what cannot be cleaned, and the rest of the
//! batch written. Library cases check that the raw input can still be restored from the outputs.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use common::{lossy_cleaner as cleaner, ocrclean, root};
use ocrclean::{Cleaned, Document, restore};
use predicates::prelude::*;

/// Cleans `raw` (lossy) and checks that the outputs give the raw input back.
fn clean(raw: Vec<u8>) -> Cleaned {
    let doc = Document::from_bytes("bad", raw);
    let cleaned = cleaner().clean(&doc).unwrap();
    assert!(
        restore(&cleaned.body, &cleaned.changes).unwrap() == doc.raw,
        "not restored"
    );
    cleaned
}

/// A page of real text, the good document of every batch below.
fn good_page() -> Vec<u8> {
    fs::read(root().join("raw/grenzboten-1841-pages-3-6/179395.abbyy.txt")).unwrap()
}

/// Runs `clean` on `input`; asserts exit 2, an error naming `error`, and the good documents
/// `written` cleaned all the same.
fn batch_goes_on(input: &Path, error: &str, written: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    ocrclean()
        .args(["clean", "--out"])
        .arg(out.path())
        .arg(input)
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(error));
    for name in written {
        let body = fs::read_to_string(out.path().join(format!("{name}.txt"))).unwrap();
        assert!(!body.is_empty(), "{name}");
    }
}

#[test]
fn invalid_utf8_is_an_error_in_strict_mode_and_restored_in_lossy_mode() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), good_page()).unwrap();
    fs::write(dir.path().join("bad.txt"), b"caf\xe9 au lait\n\xff\xfe\n").unwrap();
    batch_goes_on(
        dir.path(),
        "bad.txt:1: not valid UTF-8 at byte 3",
        &["good"],
    );
    let cleaned = clean(b"caf\xe9 au lait\n\xff\xfe\xc3\n".to_vec());
    assert_eq!(
        cleaned.body,
        "caf\u{FFFD} au lait \u{FFFD}\u{FFFD}\u{FFFD}\n"
    );
}

#[test]
fn nul_bytes_are_dropped_recorded_and_restored() {
    // Control characters are dropped by normalise, each drop recorded (and undone by restore).
    let cleaned = clean(b"a\0b\n\0\0\nword\0-\nend\0".to_vec());
    assert!(!cleaned.body.contains('\0'), "{:?}", cleaned.body);
    assert!(cleaned.changes.iter().any(|c| c.before.contains('\0')));
    let cleaned = clean(vec![0; 10_000]);
    assert!(cleaned.body.is_empty(), "{:?}", cleaned.body);
}

/// 50 MB of words with no line break: one line, one page, one paragraph. It must be cleaned and
/// restored byte for byte. (Whether time grows in proportion to the text is measured by
/// `ocrclean bench`, not by a timed test: (b) against (a) per MB.)
#[test]
fn a_50_mb_file_with_no_line_break() {
    let words = [
        "word ",
        "Staat, ",
        "inter- ",
        "national ",
        "*) ",
        "1841 ",
        "the ",
    ];
    let mut raw = Vec::with_capacity(50_000_016);
    for word in words.iter().cycle() {
        if raw.len() >= 50_000_000 {
            break;
        }
        raw.extend_from_slice(word.as_bytes());
    }
    let cleaned = clean(raw);
    assert_eq!(cleaned.body.trim_end().lines().count(), 1);
    assert!(cleaned.body.len() > 40_000_000, "{}", cleaned.body.len());
}

#[test]
fn a_hundred_thousand_blank_lines() {
    let mut raw = b"The end.\n".to_vec();
    raw.extend(std::iter::repeat_n(b'\n', 100_000));
    raw.extend_from_slice(b"The next part.\n");
    let cleaned = clean(raw);
    assert_eq!(cleaned.body, "The end.\n\nThe next part.\n");
    assert!(clean(vec![b'\n'; 100_000]).body.is_empty());
}

#[test]
fn mixed_line_ends_all_become_lf() {
    let cleaned = clean(b"one\r\ntwo\rthree\nfour\r\r\nfive\n\r".to_vec());
    assert!(!cleaned.body.contains('\r'), "{:?}", cleaned.body);
}

#[test]
fn a_page_with_only_footnotes() {
    let doc = Document::from_pages(
        "notes",
        vec![
            ("1.txt".into(), good_page()),
            (
                "2.txt".into(),
                "*) Eine Anmerkung ohne Text darüber.\n**) Noch eine.\n"
                    .as_bytes()
                    .to_vec(),
            ),
        ],
    );
    let cleaned = cleaner().clean(&doc).unwrap();
    assert_eq!(restore(&cleaned.body, &cleaned.changes).unwrap(), doc.raw);
    let one = clean(b"*) Eine Anmerkung.\n**) Noch eine.\n".to_vec());
    assert!(!one.body.is_empty() || !one.notes.is_empty());
}

#[test]
fn note_marks_with_no_notes() {
    let cleaned = clean(
        "Der Staat*) und die Stadt**) sind hier.\nDas Volk†) auch.\n"
            .as_bytes()
            .to_vec(),
    );
    assert!(cleaned.notes.is_empty());
    // The marks stay in the body (flagged or left), nothing is lost.
    assert!(cleaned.body.contains("Staat"));
}

#[test]
fn a_folder_with_no_pages() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), good_page()).unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    fs::write(dir.path().join("empty/readme.md"), "not a page").unwrap();
    batch_goes_on(dir.path(), "page folder holds no page files", &["good"]);
}

#[test]
fn unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), good_page()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let locked = dir.path().join("locked.txt");
        fs::write(&locked, "secret").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads it all the same; then the case is the one below.
        if fs::read(&locked).is_err() {
            batch_goes_on(dir.path(), "locked.txt: cannot read", &["good"]);
        }
        fs::remove_file(&locked).unwrap();
    }
    // A file whose reading fails for everybody, root included: /proc/self/mem at offset 0.
    #[cfg(target_os = "linux")]
    {
        std::os::unix::fs::symlink("/proc/self/mem", dir.path().join("failing.txt")).unwrap();
        batch_goes_on(dir.path(), "failing.txt: cannot read", &["good"]);
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("good.txt"), good_page()).unwrap();
    std::os::unix::fs::symlink("b.txt", dir.path().join("a.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", dir.path().join("b.txt")).unwrap();
    // A folder that contains itself is read one level deep, never followed further.
    fs::create_dir(dir.path().join("pages")).unwrap();
    fs::write(dir.path().join("pages/1.txt"), good_page()).unwrap();
    std::os::unix::fs::symlink(".", dir.path().join("pages/self")).unwrap();
    batch_goes_on(
        dir.path(),
        "a.txt: cannot read: Too many levels of symbolic links",
        &["good", "pages"],
    );
    // Named on the command line, the loop is an error too.
    ocrclean()
        .args(["clean", "--out"])
        .arg(tempfile::tempdir().unwrap().path())
        .arg(dir.path().join("a.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.txt"));
}

/// Found by the stress run: a text whose length is a multiple of the column index step (1024
/// bytes) made the position of its very end read past the index.
#[test]
fn texts_of_exactly_1024_and_2048_bytes() {
    for len in [1024, 2048] {
        let mut raw = b"a line that is wrapped\n".repeat(len / 23 + 1);
        raw.truncate(len);
        // `clean` asserts that the outputs restore the input.
        assert!(clean(raw).body.ends_with('\n'));
        assert!(clean(vec![b'x'; len]).body.ends_with('\n'));
    }
}
