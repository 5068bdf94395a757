"""The Python module, the stream mode (``ocrclean clean --jsonl -``) and the command line give the
same bodies, notes and change logs, byte for byte, on every document of ``raw/`` and the dev
corpora (``../shared/corpus``: seed, jstor-1907, hathitrust-pages, and Grenzboten and MiBio pages,
as page folders and as single pages)."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import CORPUS, RULES


def cli_files(out, name):
    return tuple((out / f"{name}{suffix}").read_text(encoding="utf-8") for suffix in (".txt", ".notes.txt", ".changes.jsonl"))


def test_corpora_are_there(staged):
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS}: no dev corpora here; only raw/ is compared")
    assert len(staged.documents) > 100


def test_python_module_matches_cli(staged, cli_out, cleaner):
    assert staged.documents
    for name, source in staged.documents:
        document = staged.read(source)
        if isinstance(document, list):
            result = cleaner.clean_pages(document)
        else:
            result = cleaner.clean(document)
        body, notes, changes = cli_files(cli_out, name)
        assert result.body == body, name
        assert result.notes_text == notes, name
        assert result.changes_jsonl == changes, name


def stream_input(staged):
    lines = []
    for name, source in staged.documents:
        document = staged.read(source)
        if isinstance(document, list):
            record = {"id": name, "pages": [p.decode("utf-8") for p in document]}
        else:
            record = {"id": name, "text": document.decode("utf-8")}
        lines.append(json.dumps(record, ensure_ascii=False))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_stream_mode_matches_cli_and_python(staged, cli_out, cleaner, binary, jobs):
    run = subprocess.run(
        [str(binary), "clean", "--jsonl", "-", "--rules", str(RULES), "--jobs", jobs, "--quiet"],
        input=stream_input(staged).encode("utf-8"),
        capture_output=True,
        check=True,
    )
    lines = run.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(staged.documents)
    for (name, source), line in zip(staged.documents, lines):
        record = json.loads(line)
        assert record["id"] == name, "output in input order"
        body, notes, changes = cli_files(cli_out, name)
        assert record["body"] == body, name
        assert record["notes"] == notes, name
        # Each change stands in the line exactly as its line of NAME.changes.jsonl (after the log's
        # header line, which names the raw input for restore).
        assert line.endswith('"changes":[' + ",".join(changes.splitlines()[1:]) + "]}"), name
        document = staged.read(source)
        result = cleaner.clean_pages(document) if isinstance(document, list) else cleaner.clean(document)
        assert result.to_json(name) == line, name
