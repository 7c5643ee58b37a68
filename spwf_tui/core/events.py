"""What the decoder produces: one ``Event`` per module line or per piece of raw payload."""

from __future__ import annotations

from dataclasses import dataclass, field

ECHO = "echo"
OK = "ok"
ERROR = "error"
WIND = "wind"
INFO = "info"
DATA = "data"
OTHER = "other"

KINDS = (ECHO, OK, ERROR, WIND, INFO, DATA, OTHER)
"""Every event kind, in the vocabulary of ``decode --json``."""


@dataclass(frozen=True, slots=True)
class Event:
    """One decoded unit of module output (or of a host log, for ``decode``).

    ``raw`` holds the exact bytes the event was made from, terminator included, so that the
    bytes of consecutive events concatenate back to the input (blank lines excepted).
    """

    kind: str
    raw: bytes
    text: str
    """The line without its terminator, as text (undecodable bytes as ``\\xNN``); for ``data``
    the payload shown the same way."""
    code: int | None = None
    """The error number (``AT-S.ERROR``, ``Certificate Error``...) or the WIND number."""
    label: str | None = None
    """``AT-S.<label>`` lines: the label (``Reading``, ``On``, ``Certificate Error``)."""
    fields: tuple[str, ...] = field(default=())
    """The ``:``-separated fields after the label, the ERROR code or the WIND text."""

    @property
    def is_final(self) -> bool:
        """True for the line that ends a command: ``AT-S.OK`` or ``AT-S.ERROR``."""
        return self.kind == OK or (self.kind == ERROR and self.label == "ERROR")
