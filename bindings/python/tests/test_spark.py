"""The Spark job (``examples/spark/clean.py``) in local mode gives, byte for byte, the outputs of
``ocrclean clean`` on the same documents, and rule counts that add up to the change logs.

Needs ``pyspark`` and Java; skipped without them unless ``OCRCLEAN_REQUIRE_SPARK`` is set (as
``.ci/run`` does), in which case their absence fails the test.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time

import pytest

from conftest import REPO, RULES, page_files

sys.path.insert(0, str(REPO / "examples" / "spark"))

if os.environ.get("OCRCLEAN_REQUIRE_SPARK"):
    import pyspark  # noqa: F401
else:
    pytest.importorskip("pyspark")


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # The workers run this interpreter, where the ocrclean wheel is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("ocrclean-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    # The job's module, for the workers to unpickle its functions (spark-submit ships it itself).
    session.sparkContext.addPyFile(str(REPO / "examples" / "spark" / "clean.py"))
    yield session
    session.stop()


def run_job(spark, input_path, output):
    import clean as job

    started = time.monotonic()
    job.clean(spark, str(input_path), str(output), ((str(RULES),), None, 0.6, ()))
    documents = {r.id: r for r in spark.read.parquet(f"{output}/documents").collect()}
    counts = [r.asDict() for r in spark.read.parquet(f"{output}/rule_counts").collect()]
    print(f"spark job on {input_path.name}: {len(documents)} documents in {time.monotonic() - started:.1f} s")
    return documents, counts


def test_spark_job_matches_cli(spark, staged, cli_out, tmp_path):
    # Single files through the text-folder input; page folders through a Parquet (id, pages) table.
    singles = [name for name, source in staged.documents if source.is_file()]
    folders = [(name, source) for name, source in staged.documents if source.is_dir()]
    pages = tmp_path / "pages.parquet"
    spark.createDataFrame(
        [(name, [p.read_bytes().decode("utf-8") for p in page_files(source)]) for name, source in folders],
        "id string, pages array<string>",
    ).write.parquet(str(pages))
    from_files, counts_files = run_job(spark, staged.root, tmp_path / "out-files")
    from_pages, counts_pages = run_job(spark, pages, tmp_path / "out-pages")
    assert sorted(from_files) == sorted(singles)
    assert sorted(from_pages) == sorted(name for name, _ in folders)
    expected = collections.Counter()
    for name, row in {**from_files, **from_pages}.items():
        assert row.error is None, row.error
        assert row.body.encode("utf-8") == (cli_out / f"{name}.txt").read_bytes(), name
        assert row.notes.encode("utf-8") == (cli_out / f"{name}.notes.txt").read_bytes(), name
        log = (cli_out / f"{name}.changes.jsonl").read_bytes()
        assert row.changes.encode("utf-8") == log, name
        # After the log's header line (the raw input's hash), one change per line.
        for line in log.decode("utf-8").splitlines()[1:]:
            change = json.loads(line)
            expected[(change["rule"], change["applied"])] += 1
    got = collections.Counter()
    for counts in (counts_files, counts_pages):
        assert [c["rule"] for c in counts] == sorted(c["rule"] for c in counts)
        for c in counts:
            got[(c["rule"], True)] += c["applied"]
            got[(c["rule"], False)] += c["not_applied"]
    assert +got == +expected


def test_spark_job_reports_a_bad_document_and_goes_on(spark, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "good.txt").write_bytes(b"A good line of text.\n")
    (folder / "bad.txt").write_bytes(b"first line\nnot \xff UTF-8\n")
    documents, _ = run_job(spark, folder, tmp_path / "out")
    assert documents["good"].body == "A good line of text.\n" and documents["good"].error is None
    bad = documents["bad"]
    assert bad.body is None
    assert bad.error.startswith("bad: line 2: not valid UTF-8 at byte 15"), bad.error
