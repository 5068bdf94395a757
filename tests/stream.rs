//! `ocrclean clean --jsonl -`: the stream mode gives the outputs `clean` writes, in input order,
//! with an error line for each line that is not a document, and exit 2 when there was one.

mod common;

use std::fs;

use common::{ocrclean, root};
use serde_json::{Value, json};

/// Runs the stream mode on `input`; returns its output lines, stderr and exit code.
fn stream(input: &str, jobs: &str) -> (Vec<String>, String, i32) {
    let out = ocrclean()
        .args(["clean", "--jsonl", "-", "--quiet", "--jobs", jobs])
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        stdout.lines().map(str::to_string).collect(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

/// The raw/ documents as stream input lines, with the names `clean` gives their outputs.
fn raw_documents() -> Vec<(String, Value)> {
    let mut docs = Vec::new();
    for entry in ocrclean::input::sorted_entries(&root().join("raw")).unwrap() {
        let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
        if entry.is_dir() {
            let pages: Vec<String> = ocrclean::input::page_files(&entry)
                .unwrap()
                .iter()
                .map(|p| fs::read_to_string(p).unwrap())
                .collect();
            docs.push((name.clone(), json!({"id": name, "pages": pages})));
        } else if entry.extension().is_some_and(|x| x == "txt") {
            let text = fs::read_to_string(&entry).unwrap();
            docs.push((name.clone(), json!({"id": name, "text": text})));
        }
    }
    assert!(docs.len() >= 2, "raw/ holds a file and a page folder");
    docs
}

#[test]
fn stream_gives_the_committed_outputs_of_raw_in_input_order() {
    let docs = raw_documents();
    // Each document several times, so that workers finish out of order.
    let repeated: Vec<&(String, Value)> = docs.iter().cycle().take(docs.len() * 6).collect();
    let input: String = repeated.iter().map(|(_, v)| format!("{v}\n")).collect();
    for jobs in ["1", "3"] {
        let (lines, stderr, code) = stream(&input, jobs);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(lines.len(), repeated.len());
        for ((name, _), line) in repeated.iter().zip(&lines) {
            let record: Value = serde_json::from_str(line).unwrap();
            assert_eq!(record["id"], name.as_str());
            let committed = |suffix: &str| {
                fs::read_to_string(root().join("cleaned").join(format!("{name}{suffix}"))).unwrap()
            };
            assert_eq!(record["body"], committed(".txt"), "{name}");
            assert_eq!(record["notes"], committed(".notes.txt"), "{name}");
            let log = committed(".changes.jsonl");
            // The file opens with a header line (raw hash and size) that is not a change.
            let records: Vec<&str> = log
                .lines()
                .filter(|l| !l.starts_with("{\"log\":"))
                .collect();
            let changes = format!("\"changes\":[{}]}}", records.join(","));
            assert!(line.ends_with(&changes), "{name}: change log differs");
        }
    }
}

#[test]
fn bad_lines_become_error_lines_and_the_stream_goes_on() {
    let input = [
        r#"{"id": "a", "text": "One line.\n"}"#,
        "not json",
        "",
        r#"{"id": 7, "txt": "misspelt field"}"#,
        r#"{"id": "b", "pages": ["First page.\n", "Second page.\n"]}"#,
        r#"{"id": "c"}"#,
    ]
    .join("\n");
    let (lines, stderr, code) = stream(&input, "2");
    assert_eq!(code, 2);
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&Value> = records.iter().map(|r| &r["id"]).collect();
    assert_eq!(
        ids,
        [
            &json!("a"),
            &Value::Null,
            &json!(7),
            &json!("b"),
            &json!("c")
        ]
    );
    assert_eq!(records[0]["body"], "One line.\n");
    assert!(
        records[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("stdin:2: not a JSON document")
    );
    assert!(
        records[2]["error"]
            .as_str()
            .unwrap()
            .starts_with("stdin:4: unknown field `txt`")
    );
    assert!(
        records[3]["body"]
            .as_str()
            .unwrap()
            .contains("Second page.")
    );
    assert!(
        records[4]["error"]
            .as_str()
            .unwrap()
            .starts_with("stdin:6: has neither")
    );
    assert!(
        records
            .iter()
            .all(|r| r.get("error").is_some() != r.get("body").is_some())
    );
    // Errors are on stderr too, with their line.
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("error: stdin:"))
            .count(),
        3
    );
}

#[test]
fn invalid_utf8_line_is_an_error_line() {
    let mut cmd = ocrclean();
    let out = cmd
        .args(["clean", "--jsonl", "-", "--quiet"])
        .write_stdin(
            b"{\"id\": \"a\", \"text\": \"ok\xff\"}\n{\"id\": \"b\", \"text\": \"ok\"}\n".to_vec(),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["error"], "stdin:1: not valid UTF-8 at byte 23");
    assert_eq!(lines[1]["body"], "ok\n");
}

#[test]
fn stream_mode_wants_dash_and_checks_options() {
    ocrclean()
        .args(["clean", "--jsonl", "raw"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("give `-` as the only path"));
    ocrclean()
        .args(["clean", "--jsonl", "-", "--lang", "xx"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown language"));
    ocrclean()
        .args(["clean", "--jsonl", "-"])
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("");
}
