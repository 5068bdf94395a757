"""Type stubs of the Rust engine module; the ``ocrclean`` package re-exports these names."""

import os
from typing import Dict, List, Optional, Sequence, Tuple, Union

__version__: str
DEFAULT_MIN_CONFIDENCE: float

class OcrcleanError(Exception):
    """Base class of the errors of ocrclean."""

class RuleError(OcrcleanError):
    """A rules folder that cannot be loaded; the message names the file, the line and the rule."""

class DecodeError(OcrcleanError):
    """Bytes that are not valid UTF-8 (lossy decoding off); the message names line and byte."""

class Change:
    """One recorded change: a line of NAME.changes.jsonl."""

    @property
    def rule(self) -> str: ...
    @property
    def pass_(self) -> str:
        """The pass that made the change (``pass`` in the JSON)."""
    @property
    def kind(self) -> str:
        """``"edit"``, ``"furniture"``, ``"note"`` or ``"review"``."""
    @property
    def applied(self) -> bool: ...
    @property
    def page(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def start(self) -> int:
        """Start of the byte range in the raw input (UTF-8 bytes)."""
    @property
    def end(self) -> int: ...
    @property
    def before(self) -> str: ...
    @property
    def after(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def evidence(self) -> str: ...
    @property
    def at(self) -> int: ...
    @property
    def in_note(self) -> Optional[int]: ...
    @property
    def to_note(self) -> Optional[int]: ...
    @property
    def invalid_bytes(self) -> Optional[bytes]: ...
    def to_json(self) -> str:
        """This change as its line of NAME.changes.jsonl (without the line end)."""

class Cleaned:
    """What cleaning one document produced."""

    @property
    def body(self) -> str:
        """The text of NAME.txt."""
    @property
    def notes(self) -> List[str]:
        """The footnotes in order, without their ``[^N]: `` prefix."""
    @property
    def notes_text(self) -> str:
        """The text of NAME.notes.txt."""
    @property
    def changes(self) -> List[Change]: ...
    @property
    def changes_jsonl(self) -> str:
        """The text of NAME.changes.jsonl: a header line (raw input's SHA-256, length, encoding), then one line per change."""
    @property
    def language(self) -> Optional[str]: ...
    def rule_counts(self) -> Dict[str, Tuple[int, int]]:
        """Per rule id: (changes applied, changes not applied)."""
    def to_json(self, id: Union[None, bool, int, float, str] = None) -> str:
        """The line of ``ocrclean clean --jsonl -`` for this document, without the line end."""

class Cleaner:
    """Cleans documents with one set of rules and options, loaded once; safe to share across
    threads (the GIL is released while cleaning)."""

    def __init__(
        self,
        *,
        rules: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]], None] = None,
        lang: Optional[str] = None,
        min_confidence: float = 0.6,
        disable: Sequence[str] = (),
        lossy: bool = False,
    ) -> None: ...
    def clean(self, text: Union[str, bytes]) -> Cleaned: ...
    def clean_pages(self, pages: Sequence[Union[str, bytes]]) -> Cleaned: ...
    def rule_ids(self) -> List[str]: ...
