"""The Python API: results, options, errors and sharing a Cleaner between threads."""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

import ocrclean
from conftest import REPO, RULES

SEED = REPO / "raw" / "lukin-russias-korea-policy.txt"


def test_clean_returns_body_notes_and_changes(cleaner):
    raw = SEED.read_bytes()
    result = cleaner.clean(raw)
    assert result.language == "en"
    assert result.body and result.body.endswith("\n") and "\r" not in result.body
    joins = [c for c in result.changes if c.rule == "dehyphenate.join" and c.applied]
    assert joins, "the seed article has words split at line ends"
    exact = 0
    for change in joins:
        # Every change points at its place in the raw input: the hyphen. The span is wider than
        # `before` when furniture or a footnote that stood between the halves was removed first.
        assert raw[change.start : change.end].decode("utf-8").startswith(change.before[0])
        exact += raw[change.start : change.end].decode("utf-8") == change.before
        assert change.kind == "edit" and change.pass_ == "dehyphenate"
        assert 0 < change.confidence <= 1 and change.evidence
    assert exact > len(joins) / 2
    assert all(c.page >= 1 and c.line >= 1 and c.column >= 1 for c in result.changes)


def test_change_objects_are_the_change_log(cleaner):
    result = cleaner.clean(SEED.read_bytes())
    header, *lines = result.changes_jsonl.splitlines()
    # The header names the raw input, which restore checks its result against.
    header = json.loads(header)
    assert header["log"] == "ocrclean changes"
    assert header["raw_bytes"] == len(SEED.read_bytes())
    assert header["raw_sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert len(lines) == len(result.changes) > 100
    for change, line in zip(result.changes, lines):
        assert change.to_json() == line
        record = json.loads(line)
        assert (change.rule, change.pass_, change.kind) == (record["rule"], record["pass"], record["kind"])
        assert (change.start, change.end, change.at) == (record["raw"]["start"], record["raw"]["end"], record["at"])
        assert (change.before, change.after) == (record["before"], record["after"])
        assert change.in_note == record.get("in_note") and change.to_note == record.get("to_note")


def test_notes_as_list_and_as_file(cleaner):
    result = cleaner.clean(SEED.read_bytes())
    assert result.notes, "the seed article has footnotes"
    assert result.notes_text == "\n".join(f"[^{i}]: {n}\n" for i, n in enumerate(result.notes, 1))


def test_rule_counts_add_up(cleaner):
    result = cleaner.clean(SEED.read_bytes())
    counts = result.rule_counts()
    assert sum(a + b for a, b in counts.values()) == len(result.changes)
    assert sum(a for a, _ in counts.values()) == sum(c.applied for c in result.changes)
    assert list(counts) == sorted(counts)


def test_to_json_is_a_stream_line(cleaner):
    result = cleaner.clean(SEED.read_bytes())
    line = result.to_json("seed")
    assert "\n" not in line
    record = json.loads(line)
    assert list(record) == ["id", "body", "notes", "changes"]
    assert record["id"] == "seed" and record["body"] == result.body
    assert record["notes"] == result.notes_text
    # The stream's changes are the change records, without the log's header line.
    assert line.endswith('"changes":[' + ",".join(result.changes_jsonl.splitlines()[1:]) + "]}")
    assert json.loads(result.to_json(7))["id"] == 7
    assert json.loads(result.to_json())["id"] is None
    with pytest.raises(TypeError):
        result.to_json(["not", "an", "id"])


def test_str_and_bytes_and_pages_agree(cleaner):
    text = SEED.read_text(encoding="utf-8")
    a = cleaner.clean(text)
    b = cleaner.clean(text.encode("utf-8"))
    assert (a.body, a.changes_jsonl) == (b.body, b.changes_jsonl)
    # A text with form feeds and the same pages as a list are the same document.
    pages = ["First page.\n", "Second page.\n"]
    c = cleaner.clean("\f".join(pages))
    d = cleaner.clean_pages(pages)
    assert (c.body, c.changes_jsonl) == (d.body, d.changes_jsonl)


def test_module_functions_use_the_same_engine(cleaner):
    text = SEED.read_bytes()
    expected = cleaner.clean(text)
    got = ocrclean.clean(text, rules=RULES)
    assert (got.body, got.notes_text, got.changes_jsonl) == (
        expected.body,
        expected.notes_text,
        expected.changes_jsonl,
    )
    pages = ocrclean.clean_pages([b"One.\n", b"Two.\n"], rules=str(RULES), lang="en")
    assert pages.body == "One.\n\nTwo.\n" or pages.body.startswith("One.")


def test_options_change_the_result(cleaner):
    raw = SEED.read_bytes()
    default = cleaner.clean(raw)
    kept = ocrclean.clean(raw, rules=RULES, disable=["dehyphenate.join"])
    assert not any(c.rule == "dehyphenate.join" for c in kept.changes)
    assert kept.body != default.body
    strict = ocrclean.clean(raw, rules=RULES, min_confidence=1.0)
    assert sum(c.applied for c in strict.changes) < sum(c.applied for c in default.changes)
    german = ocrclean.clean(raw, rules=RULES, lang="de")
    assert german.language == "de"


def test_bad_options_raise_with_the_cli_message():
    with pytest.raises(ValueError, match=r"lang='xx': unknown language \(known: "):
        ocrclean.Cleaner(rules=RULES, lang="xx")
    with pytest.raises(ValueError, match=r"min_confidence=1.5: must be between 0 and 1"):
        ocrclean.Cleaner(rules=RULES, min_confidence=1.5)
    with pytest.raises(ValueError, match=r"disable=\['no-such-rule'\]: no such rule"):
        ocrclean.Cleaner(rules=RULES, disable=["no-such-rule"])
    with pytest.raises(ocrclean.RuleError, match="no-such-folder: cannot read"):
        ocrclean.Cleaner(rules=REPO / "no-such-folder")


def test_bundled_rules_are_the_repository_rules(cleaner):
    raw = SEED.read_bytes()
    bundled = ocrclean.Cleaner().clean(raw)
    assert bundled.changes_jsonl == cleaner.clean(raw).changes_jsonl
    assert ocrclean.clean(raw).body == bundled.body
    assert sorted(ocrclean.Cleaner().rule_ids()) == sorted(cleaner.rule_ids())


def test_broken_rule_file_names_file_line_and_rule(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[[rule]]\nid = "broken"\ndescription = "x"\nkind = "regex"\npattern = "("\n'
        'replacement = ""\nexamples = [{ input = "a", output = "a" }]\n'
    )
    with pytest.raises(ocrclean.RuleError) as caught:
        ocrclean.Cleaner(rules=tmp_path)
    message = str(caught.value)
    assert f"{tmp_path / 'bad.toml'}:" in message and "broken" in message
    # The folder's files come on top of the bundled ones: a layer of two folders names both.
    with pytest.raises(ocrclean.RuleError, match=f"rule files of {RULES}, {tmp_path}$"):
        ocrclean.Cleaner(rules=[RULES, tmp_path])
    assert message.endswith(f"1 problem(s) in the rule files of {tmp_path}")
    assert isinstance(caught.value, ocrclean.OcrcleanError)


def test_invalid_utf8_raises_or_is_decoded_lossily(cleaner):
    data = b"good line\nbad \xff byte\n"
    with pytest.raises(ocrclean.DecodeError, match=r"^line 2: not valid UTF-8 at byte 14 "):
        cleaner.clean(data)
    with pytest.raises(ocrclean.DecodeError, match=r"^page 2, line 1: not valid UTF-8 at byte 4 "):
        cleaner.clean_pages([b"page one\n", b"bad \xff\n"])
    lossy = ocrclean.Cleaner(rules=RULES, lossy=True).clean(data)
    replaced = [c for c in lossy.changes if c.invalid_bytes]
    assert len(replaced) == 1 and replaced[0].invalid_bytes == b"\xff"
    assert "\ufffd" in lossy.body


def test_one_cleaner_shared_by_threads_gives_serial_results(cleaner):
    texts = [SEED.read_bytes()] + [p.read_bytes() for p in sorted((REPO / "raw").rglob("*.txt"))]
    texts = texts * 4
    serial = [cleaner.clean(t).changes_jsonl for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda t: cleaner.clean(t).changes_jsonl, texts))
    assert threaded == serial


def test_repr_and_version(cleaner):
    assert repr(cleaner).startswith("Cleaner(")
    result = cleaner.clean("A line.\n")
    assert "changes" in repr(result)
    assert ocrclean.__version__
