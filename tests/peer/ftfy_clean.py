#!/usr/bin/env python3
"""A Python peer for the speed table: ftfy plus the regex cleaning that Python OCR pipelines
commonly do (what unstructured's cleaners do: fix encoding debris, join words hyphenated at a line
end, join wrapped lines into paragraphs, collapse whitespace). It does far less than ocrclean (no
pages, furniture, footnotes, confusions, change log) and is here only as a yardstick of speed.

Usage: python3 tests/peer/ftfy_clean.py IN_DIR OUT_DIR   (needs `pip install ftfy`)
"""
import pathlib
import re
import sys

import ftfy

HYPHEN = re.compile(r"(\w)-\n(\w)")
WRAP = re.compile(r"(?<!\n)\n(?!\n)")
SPACES = re.compile(r"[ \t]+")


def clean(text: str) -> str:
    text = ftfy.fix_text(text)
    text = HYPHEN.sub(r"\1\2", text)
    text = WRAP.sub(" ", text)
    return SPACES.sub(" ", text).strip() + "\n"


def main() -> None:
    src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.txt")):
        (out / path.name).write_text(clean(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
