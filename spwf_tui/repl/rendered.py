"""A batch of log entries as the one string the REPL writes: each repeated line made into text once.

The decoder hands the same ``Event`` object on for a line it has seen lately (its known-lines
table: ``AT-S.OK``, a WIND for the same socket and size, a configuration dump), and most lines of
a flood are such repeats. ``BatchRenderer`` keeps the printed text of those entries and joins the
kept text instead of presenting, escaping and styling the line again; everything else (payload
pieces, which never repeat; sent lines; notes) is made as ``printer.entry_fragments`` makes it.

What comes out is exactly ``printer.entry_fragments`` entry by entry: the presentation layer's
lines (``core/present/entries.py``), every outside text through ``printer.safe``
(``core.display.visible``, TAB kept), each line ended by ``line_end``. For the interactive REPL
each style's look is the escape sequence prompt-toolkit would write for it (``starts``), written
where the style changes and reset at the end, so one write per batch replaces a
``print_formatted_text`` walk over fragments; the plain console passes no looks and gets the text
alone.

Why a kept text cannot be shown for another line: the cache holds the ``Event`` itself, so its
``id`` cannot be reused while the text is kept, and a hit must be that very object with the
same entry text (a redacted copy differs) and explanation (an error's depends on the command
before it). The presentation chosen (``:hex``) is part of the key too: a change empties the cache.
"""

from __future__ import annotations

from collections.abc import Mapping

from spwf_tui.core.display import visible_decoded
from spwf_tui.core.events import CONTINUED_MARK, DATA
from spwf_tui.core.logentry import RX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.core.present.entries import EXPLANATION_MARK, RECEIVED, Line, Presentation, entry_lines
from spwf_tui.repl.printer import safe

KEPT_LINES = 1024
"""Entries whose printed text is kept, per generation (two generations, like the decoder's
known-lines table that makes the repeats: ``core/decoder.py`` ``KNOWN_LINES``)."""

Rendered = tuple[str, str, str]
"""One entry printed: the style of its first line, the style of its last, and its text (the
looks of the styles after the first line included; the first one's is written by the batch)."""


class BatchRenderer:
    """Entries to text for one front end (its looks and line end fixed); not thread-safe (the
    printer's thread only)."""

    def __init__(self, starts: Mapping[str, str] | None = None, reset: str = "", line_end: str = "\n") -> None:
        """``starts``: the escape sequence that starts each style's look (a complete look: it
        resets what the one before set), or None for plain text; ``reset`` ends the last look."""
        self._starts = starts
        self._reset = reset
        self._line_end = line_end
        self._kept: dict[int, tuple[object, str, str | None, Rendered | None]] = {}
        self._kept_before: dict[int, tuple[object, str, str | None, Rendered | None]] = {}
        self._presentation: Presentation | None = None

    def batch(self, entries: list[LogEntry], presentation: Presentation) -> str:
        """The text of every line of ``entries``, in order."""
        if presentation != self._presentation:
            self._presentation = presentation
            self._kept, self._kept_before = {}, {}
        rendered = self._rendered
        starts = self._starts
        out: list[str] = []
        if starts is None:
            for entry in entries:
                done = rendered(entry, presentation)
                if done is not None:
                    out.append(done[2])
            return "".join(out)
        style = None
        for entry in entries:
            done = rendered(entry, presentation)
            if done is None:
                continue
            first, last, text = done
            if first != style:
                out.append(starts[first])
            out.append(text)
            style = last
        if out:
            out.append(self._reset)
        return "".join(out)

    def _rendered(self, entry: LogEntry, presentation: Presentation) -> Rendered | None:
        event = entry.event
        if event is None or event.kind == DATA or entry.direction != RX:
            return self._render(entry, presentation)  # one of a kind: nothing to keep
        text, explain = entry.text, entry.explain
        key = id(event)
        kept = self._kept.get(key)
        if kept is not None and kept[0] is event and kept[1] == text and kept[2] == explain:
            return kept[3]
        kept = self._kept_before.get(key)
        if kept is not None and kept[0] is event and kept[1] == text and kept[2] == explain:
            done = kept[3]  # still in use: into the current generation
        else:
            done = self._render(entry, presentation)
        if key not in self._kept and len(self._kept) >= KEPT_LINES:
            self._kept_before, self._kept = self._kept, {}
        self._kept[key] = (event, text, explain, done)
        return done

    def _render(self, entry: LogEntry, presentation: Presentation) -> Rendered | None:
        event = entry.event
        if (event is not None and event.kind == DATA and event.text_is_raw and entry.direction == RX
                and presentation.escape is safe and not (presentation.hex or presentation.controls
                                                         or presentation.whole_payloads)):
            lines = _payload_piece_lines(entry)
        else:
            lines = entry_lines(entry, presentation)
        if not lines:
            return None
        end = self._line_end
        starts = self._starts
        if starts is None:
            return "", "", end.join([text for _, text in lines]) + end
        parts = []
        style = lines[0][0]
        for line_style, text in lines:
            if line_style != style:
                parts.append(starts[line_style])
                style = line_style
            parts.append(text)
            parts.append(end)
        return lines[0][0], style, "".join(parts)


def _payload_piece_lines(entry: LogEntry) -> list[Line]:
    """``entry_lines`` of a received payload piece as the REPL shows it (one line per line of
    the piece, TAB kept), made from the bytes: the piece is cut at its line ends as bytes (CR and
    LF are never part of a UTF-8 sequence, and ``bytes_to_text`` keeps them as they are) and each
    line escaped by ``visible_decoded``, without the text of the whole piece (a binary piece's
    text and its escaping were a quarter of the REPL's work under a flood)."""
    event = entry.event
    assert event is not None, "a payload piece's entry has its event"
    pieces = event.raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()
    texts = [RECEIVED + visible_decoded(piece, keep="\t") for piece in pieces] or [RECEIVED]
    if event.continued:
        texts[-1] += CONTINUED_MARK
    lines = [(DATA, text) for text in texts]
    explain = entry.explain
    if explain:
        lines.append((styles.EXPLANATION, f"  {EXPLANATION_MARK} {safe(explain)}"))
    return lines
