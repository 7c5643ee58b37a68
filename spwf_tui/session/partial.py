"""The line still arriving: what the module sent after its last line end (docs/protocol.md §2.9).

A prompt (MicroPython's ``>>> `` after ``AT+S.PYTHON``, a bootloader's ``> ``) or a line cut
between two reads has no terminator yet, so the decoder holds it and no entry is made. Front
ends show it anyway, provisionally, and put the complete line in its place once the end comes:
the TUI as the last row of the log, the REPL on the line above the prompt, ``run`` at the end of
a step. This module makes that provisional entry; it is kept apart from the RX path, which only
remembers the held bytes (one attribute write per read).
"""

from __future__ import annotations

from spwf_tui.core.classify import classify_parts
from spwf_tui.core.events import Event, bytes_to_text
from spwf_tui.session.log import RX, LogEntry
from spwf_tui.session.redacted_entries import redact_entry

MAX_SHOWN = 4096
"""Bytes of a held line shown: the decoder cuts lines at 64 KiB, a provisional row needs less."""


def partial_entry(held: bytes, when: float, *, redact: bool) -> LogEntry | None:
    """The provisional entry for ``held`` (the decoder's unfinished line), or None when there is
    nothing to show (no bytes, whitespace only). ``redact``: a display copy with secrets
    replaced, as for complete lines (``session.redacted_entries``)."""
    content = held[:MAX_SHOWN].rstrip(b"\r\n")
    if not content.strip():
        return None
    text = bytes_to_text(content)
    kind, code, label, fields = classify_parts(text.strip() or text)
    entry = LogEntry(when, RX, text, Event(kind, content, text, code, label, fields))
    return redact_entry(entry) if redact else entry
