"""Plain-text transcript lines for ``run``, ``--log`` and the text export.

The lines are the presentation layer's (``core/present/entries.py``: ``> `` sent, ``< ``
received, ``# `` note, ``  ↳ `` explanation, the same payload preview as the TUI and the REPL),
without styles. Every outside text goes through ``core.display.visible``, one line each:
nothing in them reaches the terminal as a control.
"""

from __future__ import annotations

from spwf_tui.core.display import visible
from spwf_tui.core.logentry import LogEntry
from spwf_tui.core.present.entries import RECEIVED, Presentation, entry_lines

TRANSCRIPT = Presentation(preview_columns=48, whole_payloads=True)
"""A transcript line is a terminal's or a file's: a sent payload's preview takes 48 columns, and a
received payload piece is one line with its line ends shown (``< Hello\\r\\n``): a record of the
bytes the module sent, as ``run`` always printed it."""


def format_entry(entry: LogEntry) -> str:
    """One entry as text lines, each with its line end."""
    lines = entry_lines(entry, TRANSCRIPT)
    if len(lines) == 1:  # nearly every entry: no list, no join
        return lines[0][1] + "\n"
    return "".join([text + "\n" for _, text in lines])


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
        return f"{RECEIVED}{visible(entry.text)}{PARTIAL_MARK}\n"
