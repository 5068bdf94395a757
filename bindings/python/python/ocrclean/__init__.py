"""ocrclean: clean raw OCR text of scanned papers and books, recording every change.

The same Rust engine as the ``ocrclean`` command line. For a batch, build one :class:`Cleaner`
(it loads and checks the rules once) and share it between threads; it releases the GIL while it
cleans. :func:`clean` and :func:`clean_pages` are shortcuts that keep the last few cleaners.

    import ocrclean
    cleaner = ocrclean.Cleaner()                       # the bundled rules; rules="my-rules" adds a folder
    result = cleaner.clean(open("raw/lukin-russias-korea-policy.txt", "rb").read())
    result.body                                        # the text of NAME.txt
    [c.rule for c in result.changes if c.applied]      # what was changed, and by which rule

A result holds the body, the notes and the change records, as Python objects (``body``, ``notes``,
``changes``) and as the exact text of the files ``ocrclean clean`` writes (``body``,
``notes_text``, ``changes_jsonl``); ``to_json(id)`` gives the line of ``ocrclean clean --jsonl -``.
"""

from __future__ import annotations

import functools
import os
from typing import Iterable, Optional, Sequence, Tuple, Union

from ._ocrclean import (
    DEFAULT_MIN_CONFIDENCE,
    Change,
    Cleaned,
    Cleaner,
    DecodeError,
    OcrcleanError,
    RuleError,
    __version__,
)

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "Change",
    "Cleaned",
    "Cleaner",
    "DecodeError",
    "OcrcleanError",
    "RuleError",
    "__version__",
    "clean",
    "clean_pages",
]

Text = Union[str, bytes]
Folder = Union[str, "os.PathLike[str]"]
RulesPath = Union[Folder, Sequence[Folder], None]


@functools.lru_cache(maxsize=8)
def _cleaner(
    rules: Optional[Tuple[str, ...]],
    lang: Optional[str],
    min_confidence: float,
    disable: Tuple[str, ...],
) -> Cleaner:
    folders = None if rules is None else list(rules)
    return Cleaner(rules=folders, lang=lang, min_confidence=min_confidence, disable=list(disable))


def _cached(
    rules: RulesPath, lang: Optional[str], min_confidence: float, disable: Iterable[str]
) -> Cleaner:
    if rules is None:
        folders = None
    elif isinstance(rules, (str, bytes, os.PathLike)):
        folders = (os.path.abspath(os.fspath(rules)),)
    else:
        folders = tuple(os.path.abspath(os.fspath(r)) for r in rules)
    return _cleaner(folders, lang, float(min_confidence), tuple(disable))


def clean(
    text: Text,
    *,
    lang: Optional[str] = None,
    rules: RulesPath = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    disable: Sequence[str] = (),
) -> Cleaned:
    """Clean one document (``str``, or ``bytes`` as read from a file; form feeds are page breaks).

    The options are those of ``ocrclean clean`` (``--lang``, ``--rules``, ``--min-confidence``,
    ``--disable``); ``rules=None`` cleans with the bundled rules, a folder (or a list of folders)
    adds its files to them, replacing bundled files of the same name. The cleaner for a set of options is built once and kept (the last eight), so
    calling this in a loop loads the rules once. Raises :class:`RuleError` for a broken rules
    folder, :class:`DecodeError` for bytes that are not UTF-8, ``ValueError`` for a bad option.
    """
    return _cached(rules, lang, min_confidence, disable).clean(text)


def clean_pages(
    pages: Sequence[Text],
    *,
    lang: Optional[str] = None,
    rules: RulesPath = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    disable: Sequence[str] = (),
) -> Cleaned:
    """Clean one document given as its pages in order (the files of a page folder).

    The pages are joined by form feeds, exactly as ``ocrclean clean`` joins a page folder, so the
    result is the same as the command line's on that folder. Options as for :func:`clean`.
    """
    return _cached(rules, lang, min_confidence, disable).clean_pages(list(pages))
