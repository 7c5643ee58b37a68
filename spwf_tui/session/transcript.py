"""Plain-text transcript lines for ``run`` and the text export.

Every text here (sent lines from a script, notes, the module's lines, explanations) goes through
``core.display.visible``, one line each: nothing in them reaches the terminal as a control.
"""

from __future__ import annotations

from spwf_tui.core.display import visible
from spwf_tui.core.events import CONTINUED_MARK
from spwf_tui.session.log import NOTE, TX, LogEntry

PREVIEW_BYTES = 16


def format_entry(entry: LogEntry) -> str:
    """One entry as text lines: ``> `` sent, ``< `` received, ``# `` note, ``= `` explanation."""
    if entry.direction == TX:
        line = f"> {visible(entry.text)}"
        if entry.payload is not None:
            line += f"  [+{len(entry.payload)} payload bytes: {payload_preview(entry.payload)}]"
        return line + "\n"
    if entry.direction == NOTE:
        return f"# {visible(entry.text)}\n"
    text = f"< {visible(entry.text)}"
    if entry.event is not None and entry.event.continued:
        text += CONTINUED_MARK  # the line goes on in the next entry (cut at the decoder's bound)
    text += "\n"
    if entry.explain:
        text += f"  = {visible(entry.explain)}\n"
    return text


def payload_preview(payload: bytes) -> str:
    """The first ``PREVIEW_BYTES`` bytes as hex, then ``…`` when there are more: ``3e f1 74 …``."""
    head = " ".join(f"{b:02x}" for b in payload[:PREVIEW_BYTES])
    return head + (" …" if len(payload) > PREVIEW_BYTES else "")


PARTIAL_MARK = "  [no line end yet]"
"""Follows a line still arriving in a transcript: it comes again, whole, once its end arrives."""


class PartialLines:
    """Transcript lines for the line still arriving (docs/protocol.md §2.9): ``run`` prints it at
    the end of a step, once while it stays the same."""

    def __init__(self) -> None:
        self._last: str | None = None

    def line(self, entry: LogEntry | None) -> str:
        """``< >>>   [no line end yet]`` for a new partial line; "" when none or already shown."""
        text = None if entry is None else entry.text
        if text == self._last:
            return ""
        self._last = text
        if entry is None:
            return ""
        return f"< {visible(entry.text)}{PARTIAL_MARK}\n"
