"""Clean a collection with Spark: the ocrclean engine on every executor, one Cleaner per worker.

    spark-submit examples/spark/clean.py INPUT OUTPUT [--rules DIR]... [--lang L]
        [--min-confidence X] [--disable RULE]... [--partitions N]

INPUT is either
  - a folder of text files: each ``*.txt`` file directly in it is one document, its id the file
    name without ``.txt`` (as ``ocrclean clean`` names its outputs); form feeds are page breaks; or
  - a Parquet table (a file or a folder of parts) with columns ``id`` (string) and ``text``
    (string), or ``id`` and ``pages`` (list of strings: a page folder's pages, in order).

OUTPUT is a folder that gets two Parquet tables:
  - ``OUTPUT/documents``: ``id``, ``body``, ``notes``, ``changes``, ``error``; ``body``, ``notes``
    and ``changes`` are, byte for byte, the files ``ID.txt``, ``ID.notes.txt`` and
    ``ID.changes.jsonl`` that ``ocrclean clean`` writes; a document that cannot be cleaned (not
    UTF-8) has only ``error``, with the message the command line gives, and the job goes on;
  - ``OUTPUT/rule_counts``: ``rule``, ``applied``, ``not_applied`` (listed for review or refused),
    ``documents`` (how many documents the rule touched), one row per rule, sorted by rule.

Every Python worker builds one ``ocrclean.Cleaner`` the first time it meets a partition and keeps
it (Spark reuses its Python workers), so the rules are loaded once per worker, not per document.
The rules are bundled in the module; a ``--rules`` folder (files added to the bundled ones, as for
``ocrclean clean --rules``) must be readable at the same path on every node. The ``ocrclean``
wheel must be installed in the executors' Python.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Iterable, Iterator, List, Optional, Tuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    LongType,
    StringType,
    StructField,
    StructType,
)

DOCUMENTS = StructType(
    [
        StructField("id", StringType(), False),
        StructField("body", StringType(), True),
        StructField("notes", StringType(), True),
        StructField("changes", StringType(), True),
        StructField("error", StringType(), True),
        StructField(
            "counts",
            ArrayType(
                StructType(
                    [
                        StructField("rule", StringType(), False),
                        StructField("applied", LongType(), False),
                        StructField("not_applied", LongType(), False),
                    ]
                )
            ),
            False,
        ),
    ]
)

# (rules folders or None for the bundled rules, lang, min_confidence, disable): the options a
# worker's Cleaner was built with.
Options = Tuple[Optional[Tuple[str, ...]], Optional[str], float, Tuple[str, ...]]

_worker_cleaner = None
_worker_options: Optional[Options] = None


def worker_cleaner(options: Options):
    """This Python worker's Cleaner, built on first use and kept while the options stay the same."""
    global _worker_cleaner, _worker_options
    if _worker_cleaner is None or _worker_options != options:
        import ocrclean

        rules, lang, min_confidence, disable = options
        _worker_cleaner = ocrclean.Cleaner(
            rules=None if rules is None else list(rules), lang=lang, min_confidence=min_confidence, disable=list(disable)
        )
        _worker_options = options
    return _worker_cleaner


def clean_partition(options: Options):
    """The function ``mapPartitions`` runs: (id, text or bytes, pages) in, DOCUMENTS rows out."""

    def run(rows: Iterable[Tuple[str, object, Optional[List[str]]]]) -> Iterator[tuple]:
        import ocrclean

        cleaner = worker_cleaner(options)
        for doc_id, text, pages in rows:
            try:
                result = cleaner.clean_pages(pages) if pages is not None else cleaner.clean(text)
            except ocrclean.OcrcleanError as e:
                yield (doc_id, None, None, None, f"{doc_id}: {e}", [])
                continue
            counts = [(rule, a, n) for rule, (a, n) in result.rule_counts().items()]
            yield (doc_id, result.body, result.notes_text, result.changes_jsonl, None, counts)

    return run


def text_folder_documents(spark: SparkSession, folder: str, partitions: Optional[int]):
    """(id, bytes, None) for each ``*.txt`` file of ``folder``; bytes, so that a file that is not
    UTF-8 is reported as the command line reports it instead of being decoded with replacements.

    Read through the DataFrame ``binaryFile`` source: it splits many small files over many
    partitions, where ``SparkContext.binaryFiles`` put the 2504 pages of the measurement into one
    partition and took minutes to list them."""
    files = (
        spark.read.format("binaryFile")
        .option("pathGlobFilter", "*.txt")
        .load(folder)
        .select("path", "content")
    )
    if partitions:
        files = files.repartition(partitions)

    def document(row):
        name = row.path.rsplit("/", 1)[-1]
        return (name[: -len(".txt")], bytes(row.content), None)

    return files.rdd.map(document)


def parquet_documents(spark: SparkSession, path: str):
    table = spark.read.parquet(path)
    columns = set(table.columns)
    if "id" not in columns or not ({"text", "pages"} & columns):
        sys.exit(f"{path}: a Parquet input needs the columns id and text (or id and pages)")
    text = F.col("text") if "text" in columns else F.lit(None).cast("string")
    pages = F.col("pages") if "pages" in columns else F.lit(None).cast("array<string>")
    return table.select(F.col("id").cast("string"), text, pages).rdd.map(tuple)


def clean(
    spark: SparkSession,
    input_path: str,
    output: str,
    options: Options,
    partitions: Optional[int] = None,
) -> DataFrame:
    """Cleans the documents of ``input_path`` and writes the two tables under ``output``; returns
    the documents table (cached)."""
    if input_path.endswith(".parquet") or _looks_like_parquet(spark, input_path):
        documents = parquet_documents(spark, input_path)
        if partitions:
            documents = documents.repartition(partitions)
    else:
        documents = text_folder_documents(spark, input_path, partitions)
    cleaned = spark.createDataFrame(documents.mapPartitions(clean_partition(options)), DOCUMENTS)
    cleaned = cleaned.cache()
    cleaned.drop("counts").write.mode("overwrite").parquet(f"{output}/documents")
    counts = (
        cleaned.select(F.explode("counts").alias("c"))
        .groupBy(F.col("c.rule").alias("rule"))
        .agg(
            F.sum("c.applied").alias("applied"),
            F.sum("c.not_applied").alias("not_applied"),
            F.count(F.lit(1)).alias("documents"),
        )
        .orderBy("rule")
    )
    counts.coalesce(1).write.mode("overwrite").parquet(f"{output}/rule_counts")
    return cleaned


def _looks_like_parquet(spark: SparkSession, path: str) -> bool:
    """A folder written by Spark or another Parquet writer: it holds ``*.parquet`` parts."""
    from pathlib import Path

    local = Path(path.removeprefix("file://"))
    return local.is_file() or (local.is_dir() and any(local.glob("*.parquet")))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="folder of *.txt files, or Parquet of (id, text) or (id, pages)")
    parser.add_argument("output", help="folder for the documents and rule_counts tables")
    parser.add_argument(
        "--rules",
        action="append",
        default=None,
        help="a rules folder whose files are added to the bundled rules (repeatable; readable on every node)",
    )
    parser.add_argument("--lang", default=None)
    parser.add_argument("--min-confidence", type=float, default=0.6)
    parser.add_argument("--disable", action="append", default=[], metavar="RULE")
    parser.add_argument("--partitions", type=int, default=None, help="input partitions")
    args = parser.parse_args(argv)
    spark = SparkSession.builder.appName("ocrclean").getOrCreate()
    rules = None if args.rules is None else tuple(args.rules)
    options: Options = (rules, args.lang, args.min_confidence, tuple(args.disable))
    started = time.monotonic()
    cleaned = clean(spark, args.input, args.output, options, args.partitions)
    summary = cleaned.agg(
        F.count(F.lit(1)).alias("documents"),
        F.count("error").alias("errors"),
        F.sum(F.length("body")).alias("characters"),
    ).first()
    for row in cleaned.where(F.col("error").isNotNull()).select("error").collect():
        print(f"error: {row.error}", file=sys.stderr)
    print(
        f"cleaned {summary.documents} document(s), {summary.characters or 0} characters of body, "
        f"{summary.errors} error(s) in {time.monotonic() - started:.2f} s",
        file=sys.stderr,
    )
    spark.stop()
    return 2 if summary.errors else 0


if __name__ == "__main__":
    sys.exit(main())
