"""What the decoder produces: one ``Event`` per module line or per piece of raw payload."""

from __future__ import annotations

import re

ECHO = "echo"
OK = "ok"
ERROR = "error"
WIND = "wind"
INFO = "info"
DATA = "data"
OTHER = "other"

KINDS = (ECHO, OK, ERROR, WIND, INFO, DATA, OTHER)
"""Every event kind, in the vocabulary of ``decode --json``."""

CONTINUED_MARK = " […]"
"""What the front ends show after an event whose last line was cut at the decoder's bound (its
line goes on in the next event): a line is split only at its end, except beyond that bound."""


class Later:
    """The type of ``LATER``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "LATER"


LATER = Later()
"""An explanation left for when it is read: one that depends on its line alone
(``core.explain.line_explanation``); most lines of a flood are never shown."""


UTF8_SEQUENCE = re.compile(
    rb"([\xc2-\xf4](?:(?<=[\xc2-\xdf])[\x80-\xbf]|(?<=\xe0)[\xa0-\xbf][\x80-\xbf]"
    rb"|(?<=[\xe1-\xec\xee\xef])[\x80-\xbf]{2}|(?<=\xed)[\x80-\x9f][\x80-\xbf]"
    rb"|(?<=\xf0)[\x90-\xbf][\x80-\xbf]{2}|(?<=[\xf1-\xf3])[\x80-\xbf]{3}|(?<=\xf4)[\x80-\x8f][\x80-\xbf]{2}))")
"""A valid multi-byte UTF-8 sequence (the decoder's own table: no surrogates, nothing above
U+10FFFF, no overlong forms), found only where a lead byte is (the leading class)."""


def bytes_to_text(data: bytes) -> str:
    """Show bytes as text: UTF-8 where valid, ``\\xNN`` escapes elsewhere; never raises.

    Exactly ``data.decode("utf-8", "backslashreplace")``, which calls its error handler once
    per invalid byte (slow on binary payloads, half of whose bytes are). Here the valid
    multi-byte sequences are found first; the bytes between them are ASCII or invalid, and
    Latin-1 to ASCII with backslash escapes writes those invalid bytes as the same ``\\xNN``
    in one C call for all of them."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    parts = UTF8_SEQUENCE.split(data)
    if _JOIN not in data:
        # All the bytes between sequences in one call: escaping maps each byte on its own and
        # leaves ASCII as it is, so the joint comes out whole and appears nowhere else.
        parts[0::2] = _JOIN.join(parts[0::2]).decode("latin-1").encode("ascii", "backslashreplace").split(_JOIN)
    else:
        parts[0::2] = [part.decode("latin-1").encode("ascii", "backslashreplace") for part in parts[0::2]]
    return b"".join(parts).decode("utf-8")


_JOIN = b"\x00\x01\x02"
"""Joins the pieces ``bytes_to_text`` escapes at once (three controls in a row: not in a payload
that is text, and in 4 KiB of random bytes once in 4,000)."""


class Event:
    """One decoded unit of module output (or of a host log, for ``decode``).

    ``raw`` holds the exact bytes the event was made from, terminator included, so that the
    bytes of consecutive events concatenate back to the input (blank lines excepted).

    Events are values: compare equal field by field, and are never changed once made. The class
    is hand-written rather than a frozen dataclass because the RX path makes one per line (a
    frozen dataclass's ``__init__`` costs several times more), and because ``text`` of raw
    payloads is computed on first use: escaping binary bytes is slow, and most payload pieces
    are recorded and counted but never shown.
    """

    __slots__ = ("kind", "raw", "_text", "_text_is_raw", "code", "label", "fields", "continued")

    def __init__(self, kind: str, raw: bytes, text: str | None = None, code: int | None = None,
                 label: str | None = None, fields: tuple[str, ...] = (), continued: bool = False) -> None:
        self.kind = kind
        """One of ``KINDS``."""
        self.raw = raw
        self._text = text
        self._text_is_raw = text is None
        self.code = code
        """The error number (``AT-S.ERROR``, ``Certificate Error``...) or the WIND number."""
        self.label = label
        """``AT-S.<label>`` lines: the label (``Reading``, ``On``, ``Certificate Error``)."""
        self.fields = fields
        """The ``:``-separated fields after the label, the ERROR code or the WIND text."""
        self.continued = continued
        """The event ends inside a line that goes on in the next event (cut at the decoder's
        bound, ``decoder.MAX_LINE``): shown with ``CONTINUED_MARK``."""

    @property
    def text(self) -> str:
        """The line without its terminator, as text (undecodable bytes as ``\\xNN``); for
        ``data`` the payload shown the same way."""
        text = self._text
        if text is None:
            text = self._text = bytes_to_text(self.raw)
        return text

    @property
    def text_is_raw(self) -> bool:
        """``text`` is ``bytes_to_text(raw)`` (no other text was given when the event was made)."""
        return self._text_is_raw

    def raw_text(self) -> str:
        """``raw`` as text, terminator included (what ``decode`` shows as the original line);
        for a raw payload piece that is ``text``, computed once."""
        return self.text if self._text_is_raw else bytes_to_text(self.raw)

    @property
    def is_final(self) -> bool:
        """True for the line that ends a command: ``AT-S.OK`` or ``AT-S.ERROR``."""
        return self.kind == OK or (self.kind == ERROR and self.label == "ERROR")

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.raw, self.text, self.code, self.label, self.fields, self.continued)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Event):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Event(kind={self.kind!r}, raw={self.raw!r}, text={self.text!r}, code={self.code!r}, "
                f"label={self.label!r}, fields={self.fields!r}, continued={self.continued!r})")
