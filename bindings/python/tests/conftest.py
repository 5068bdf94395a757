"""Shared set-up of the Python tests: where the repository, its rules, the binary and the corpora are.

Run from anywhere; paths are found from this file. The binary is ``target/release/ocrclean`` unless
``OCRCLEAN_BIN`` names another one.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

REPO = Path(__file__).resolve().parents[3]
RULES = REPO / "rules"
CORPUS = REPO.parent / "shared" / "corpus"


def natural_key(name: str):
    """Natural order, as the command line sorts page files (``2.txt`` before ``10.txt``)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def page_files(folder: Path) -> List[Path]:
    """A page folder's page files, as the command line reads them: visible ``*.txt`` files."""
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() == ".txt"
        ),
        key=lambda p: natural_key(str(p)),
    )


@pytest.fixture(scope="session")
def binary() -> Path:
    path = Path(os.environ.get("OCRCLEAN_BIN", REPO / "target" / "release" / "ocrclean"))
    if not path.is_file():
        pytest.fail(f"{path}: no ocrclean binary (cargo build --release, or set OCRCLEAN_BIN)")
    return path


def staged_documents(root: Path) -> List[Tuple[str, Path]]:
    """Builds, under ``root``, a collection of symbolic links: one per document of ``raw/`` and of
    the dev corpora. A linked file is one document; a linked folder is one page-folder document.
    The command line cleans this collection in one run, and the tests clean the same documents
    through the Python module and the stream mode. Returns (name, source) pairs in name order."""
    sources: List[Tuple[str, Path]] = []
    raw = REPO / "raw"
    for entry in sorted(raw.iterdir()):
        if entry.is_dir() or entry.suffix == ".txt":
            sources.append((entry.stem if entry.is_file() else entry.name, entry))
    if CORPUS.is_dir():
        for folder in ["seed", "jstor-1907", "hathitrust-pages"]:
            for f in sorted((CORPUS / folder).glob("*.txt")):
                if not f.name.startswith("LICENSE"):
                    sources.append((f"{folder}--{f.stem}", f))
        # Each engine's pages both as one page-folder document and as single-page documents.
        for folder in ["grenzboten-1841/abbyy-txt", "grenzboten-1841/tess-txt", "mibio-1907/ocr"]:
            pages = CORPUS / folder
            sources.append((folder.replace("/", "--"), pages))
        for f in page_files(CORPUS / "grenzboten-1841" / "abbyy-txt"):
            sources.append((f"abbyy-page--{f.stem}", f))
    root.mkdir(parents=True, exist_ok=True)
    for name, source in sources:
        link = root / (name if source.is_dir() else f"{name}.txt")
        link.symlink_to(source)
    return sorted(sources)


class Staged:
    """The staged collection: its folder, and its documents as (name, source) pairs."""

    def __init__(self, root: Path, documents: List[Tuple[str, Path]]):
        self.root = root
        self.documents = documents

    def read(self, source: Path):
        """A document as the Python module takes it: bytes, or a list of page bytes."""
        if source.is_dir():
            return [p.read_bytes() for p in page_files(source)]
        return source.read_bytes()


@pytest.fixture(scope="session")
def staged(tmp_path_factory) -> Staged:
    root = tmp_path_factory.mktemp("staged") / "documents"
    return Staged(root, staged_documents(root))


@pytest.fixture(scope="session")
def cli_out(staged, binary, tmp_path_factory) -> Path:
    """The command line's outputs for the staged collection (one run)."""
    out = tmp_path_factory.mktemp("cli-out")
    subprocess.run(
        [str(binary), "clean", str(staged.root), "--out", str(out), "--rules", str(RULES), "--quiet"],
        check=True,
    )
    return out


@pytest.fixture(scope="session")
def cleaner():
    import ocrclean

    return ocrclean.Cleaner(rules=RULES)
