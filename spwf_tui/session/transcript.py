"""Plain-text transcript lines for ``run`` and the text export.

Every text here (sent lines from a script, notes, the module's lines, explanations) goes through
``core.display.visible``, one line each: nothing in them reaches the terminal as a control.
"""

from __future__ import annotations

from spwf_tui.core.display import visible
from spwf_tui.core.events import CONTINUED_MARK
from spwf_tui.session.log import NOTE, RX, TX, LogEntry

PREVIEW_BYTES = 16


def format_entry(entry: LogEntry) -> str:
    """One entry as text lines: ``> `` sent, ``< `` received, ``# `` note, ``= `` explanation."""
    return "".join(line + "\n" for line in entry_lines(entry, [visible(text) for text in outside_texts(entry)]))


def outside_texts(entry: LogEntry) -> list[str]:
    """The texts of ``entry`` that come from outside (the line, the explanation quoting it), in
    the order ``entry_lines`` takes them made safe."""
    if entry.direction == RX and entry.explain:
        return [entry.text, entry.explain]
    return [entry.text]


def entry_lines(entry: LogEntry, shown: list[str]) -> list[str]:
    """``format_entry``'s lines without their ends; ``shown`` is ``outside_texts(entry)`` made
    safe (``visible``), which the text export does for many entries at once."""
    if entry.direction == TX:
        line = f"> {shown[0]}"
        if entry.payload is not None:
            line += f"  [+{len(entry.payload)} payload bytes: {payload_preview(entry.payload)}]"
        return [line]
    if entry.direction == NOTE:
        return [f"# {shown[0]}"]
    text = f"< {shown[0]}"
    if entry.event is not None and entry.event.continued:
        text += CONTINUED_MARK  # the line goes on in the next entry (cut at the decoder's bound)
    if entry.explain:
        return [text, f"  = {shown[1]}"]
    return [text]


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
