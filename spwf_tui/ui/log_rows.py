"""How session entries become display rows in the UART log (pure: no Textual here).

The rows are the presentation layer's lines (``core/present/entries.py``: the same kinds,
markers, explanation, preview and hex dump as the REPL and ``run``), with a time stamp when the
user asks; what this module adds is the TUI's own: wrapping to the pane in terminal cells, the
hex row width that fits the pane, the measuring, and the Rich style for each style name
(``RICH_STYLES``, from the one table of looks, ``core/present/styles.LOOKS``).

Wrapping (``ViewOptions.width``, the pane's columns): an explanation always wraps to the pane, so
its advice is never cut at the edge; the module's lines and payloads wrap too when the user asks
(``ViewOptions.wrap``). A continuation row is indented under the text it continues. Widths are
terminal cells (``rich.cells``: a CJK character takes two), so a wrapped row never passes the edge.

The widget makes rows only for what it shows (docs/architecture.md §6.1): ``measure`` says how many rows an
entry gives and how wide they are without making them where that is costly (a raw payload's
text, binary bytes escaped), so a flood costs a count per entry, not its text.

Every text in a row (sent lines, notes, the module's lines, explanations, payloads) goes through
``core.display.visible``: the log is plain text, one row per line, nothing in it a control.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from typing import NamedTuple

from rich.cells import cell_len, get_character_cell_size
from rich.style import Style

from spwf_tui.core.display import visible
from spwf_tui.core.events import CONTINUED_MARK, DATA
from spwf_tui.core.logentry import NOTE, TX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.core.present.entries import EXPLANATION_MARK, Presentation, entry_lines
from spwf_tui.core.present.payloads import HEX_PER_ROW, hex_row_width

TIMESTAMP_MODES = ("off", "absolute", "delta")
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
_ESCAPED_BYTE = 4
"""Columns one byte takes at most once shown: ``\\xNN``."""


def _rich_style(look: styles.Look) -> Style:
    return Style(color=look.colour, bold=look.bold or None, dim=look.dim or None, italic=look.italic or None)


RICH_STYLES = {name: _rich_style(look) for name, look in styles.LOOKS.items()}
"""Each style name's look as a Rich style. Calm by design (toolong, posting): the pane's own
background on every row, the text in the pane's colour, and a colour only where it tells
something (``core/present/styles.py``)."""


@dataclass(frozen=True)
class ViewOptions:
    """What the user chose to see."""

    timestamps: str = "off"
    show_controls: bool = False
    """Show CR/LF and other control characters of payloads as escapes, and mark line ends."""
    hex_payloads: bool = False
    """Show binary payloads (socket reads, file contents) as hex dump rows."""
    width: int = 0
    """Columns the rows may take before they wrap (0: never wrap, the pane scrolls sideways)."""
    wrap: bool = False
    """Wrap every row at ``width``, not only explanations."""


class Row(NamedTuple):
    """One display row: a style name (``core/present/styles.py``: ``tx``, ``ok``, ``error``, ...,
    ``note``, ``explanation``) and its text."""

    style: str
    text: str


def rows_for(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> list[Row]:
    """The rows for one entry; ``previous_time`` feeds the delta timestamps."""
    stamp = _stamp(entry.time, previous_time, options.timestamps)
    rows = list(map(Row._make, entry_lines(entry, _presentation(options, len(stamp)), stamp)))
    width = options.width
    if width <= 0:
        return rows
    wrapped: list[Row] = []
    for row in rows:
        if (options.wrap or row.style == styles.EXPLANATION) and cell_len(row.text) > width:
            wrapped += [Row(row.style, text) for text in wrap_cells(row.text, width, _indent(row.text))]
        else:
            wrapped.append(row)
    return wrapped


@functools.lru_cache(maxsize=64)
def _presentation(options: ViewOptions, stamp_width: int) -> Presentation:
    """The presentation for the user's options (made once per options and stamp width: rows
    are made for every entry that scrolls into view)."""
    return Presentation(hex=options.hex_payloads, hex_per_row=hex_bytes_per_row(options, stamp_width),
                        controls=options.show_controls)


def _indent(text: str) -> int:
    """Where a continuation row starts: under the text after the marker (``< ``, ``> ``, ``↳ ``)."""
    for marker in (f"{EXPLANATION_MARK} ", "< ", "> ", "# "):
        at = text.find(marker)
        if at >= 0:
            return at + len(marker)
    return 0


def one_cell_each(text: str) -> bool:
    """True when every character of ``text`` takes one terminal cell (nearly every row: ASCII,
    an explanation's ``↳``, the continuation mark's ``…``): its cells are its characters."""
    # Each distinct character once (C speed); a zero-width one next to a wide one would pass a
    # comparison of cell_len with len, so every character is asked on its own.
    return text.isascii() or all(get_character_cell_size(c) == 1 for c in set(text) if c > "~")


def wrap_cells(text: str, width: int, indent: int = 0) -> list[str]:
    """``text`` cut into rows of at most ``width`` cells, at a space where one is near the end;
    rows after the first start with ``indent`` spaces (less when the pane is very narrow)."""
    indent = min(indent, width // 2)
    rows: list[str] = []
    lead = ""
    by_characters = one_cell_each(text)
    while True:
        room = width - len(lead)
        if by_characters:
            cut = max(0, min(len(text), room))
        else:
            cut, cells = 0, 0
            while cut < len(text):
                size = get_character_cell_size(text[cut])
                if cells + size > room:
                    break
                cells += size
                cut += 1
        if cut >= len(text):
            rows.append(lead + text)
            return rows
        if cut == 0 and lead:  # the next character is wider than the room the indent leaves
            lead = ""
            continue
        cut = max(cut, 1)  # a character wider than the whole pane still goes somewhere
        space = text.rfind(" ", 0, cut + 1)
        if space > cut // 2:  # break at a word, unless that wastes over half the row
            rows.append(lead + text[:space])
            text = text[space + 1:]
        else:
            rows.append(lead + text[:cut])
            text = text[cut:]
        lead = " " * indent
        if not text:
            return rows


def measure(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> tuple[int, int]:
    """``(rows, width)``: how many rows ``rows_for`` gives and how wide the widest is.

    A received payload piece is measured from its bytes, without its text: the count is exact
    (escaping never makes or removes a line end), the width is exact for printable ASCII lines
    and an upper bound (``\\xNN`` for every byte) for others. Other entries are cheap to make:
    their rows are made and measured.
    """
    event = entry.event
    is_line = event is not None and entry.direction not in (TX, NOTE) and event.kind != DATA
    if is_line and options.width > 0 and not options.wrap and not options.show_controls and entry.explain:
        # An explained line (a third of a flood's): its row is not wrapped, and the explanation's
        # rows depend on the explanation alone, which repeats (``_explanation_size``).
        assert event is not None  # (is_line says so)
        stamp = len(_stamp(entry.time, previous_time, options.timestamps))
        shown = stamp + 2 + cell_len(visible(entry.text)) + (len(CONTINUED_MARK) if event.continued else 0)
        explanation_rows, width = _explanation_size(entry.explain, stamp, options.width)
        return 1 + explanation_rows, max(shown, width)
    if (options.width > 0 and (options.wrap or entry.explain)) or (entry.explain and not is_line):
        # Wrapping needs the text: only explained entries (errors, WINDs) unless the user asked.
        rows = rows_for(entry, options, previous_time)
        return len(rows), max(cell_len(row.text) for row in rows)
    lead = len(_stamp(entry.time, previous_time, options.timestamps)) + 2  # the stamp and "< "
    if event is not None and entry.direction not in (TX, NOTE) and not options.show_controls:
        if event.kind != DATA:  # a received line: its row (and the explanation's), measured as rows_for makes them
            shown = cell_len(visible(entry.text)) + (len(CONTINUED_MARK) if event.continued else 0)
            if entry.explain:
                return 2, max(lead + shown, lead + 2 + cell_len(visible(entry.explain)))
            return 1, lead + shown
    elif entry.direction in (TX, NOTE) or event is None or event.kind != DATA:
        rows = rows_for(entry, options, previous_time)
        return len(rows), max(cell_len(row.text) for row in rows)
    raw = event.raw
    if options.hex_payloads:
        size = len(raw)
        per_row = hex_bytes_per_row(options, lead - 2)
        widths = [lead + len(f"[{size} bytes]")]
        for offset in {0, (max(size, 1) - 1) // per_row * per_row} if size else ():
            widths.append(lead + hex_row_width(per_row, min(per_row, size - offset)))
        return 1 + -(-size // per_row), max(widths)
    if options.show_controls:
        return 1, lead + _shown_width(raw)
    lines = _payload_lines(raw)
    mark = len(CONTINUED_MARK) if event.continued else 0  # an upper bound: it goes on the last line only
    return max(1, len(lines)), lead + max(map(_shown_width, lines), default=0) + mark


@functools.lru_cache(maxsize=1024)
def _explanation_size(explain: str, stamp_width: int, width: int) -> tuple[int, int]:
    """``(rows, widest)`` of the explanation row ``rows_for`` makes under a line stamped
    ``stamp_width`` columns wide, wrapped to ``width``."""
    row = f"{' ' * stamp_width}  {EXPLANATION_MARK} {visible(explain)}"
    if one_cell_each(row):
        if len(row) <= width:
            return 1, len(row)
        rows = wrap_cells(row, width, _indent(row))
        return len(rows), max(map(len, rows))
    if cell_len(row) <= width:
        return 1, cell_len(row)
    rows = wrap_cells(row, width, _indent(row))
    return len(rows), max(map(cell_len, rows))


def hex_bytes_per_row(options: ViewOptions, stamp_width: int) -> int:
    """16 bytes a hex row, or 8 when 16 would push the ASCII column past the pane's edge."""
    if options.width and stamp_width + 2 + hex_row_width(HEX_PER_ROW, HEX_PER_ROW) > options.width:
        return HEX_PER_ROW // 2
    return HEX_PER_ROW


def _payload_lines(payload: bytes) -> list[bytes]:
    """A payload cut at its own line ends (CR LF, CR, LF), as ``entries.split_lines`` cuts its text."""
    lines = payload.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _shown_width(data: bytes) -> int:
    """Columns ``visible(bytes_to_text(data))`` takes: exact for printable ASCII, else at most."""
    if data.isascii() and not _CONTROL_BYTES.search(data):
        return len(data)
    return len(data) * _ESCAPED_BYTE


def _stamp(when: float, previous: float | None, mode: str) -> str:
    if mode == "absolute":
        return time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when * 1000) % 1000:03d} "
    if mode == "delta":
        delta = 0.0 if previous is None else max(0.0, when - previous)
        return f"+{delta:8.3f} "
    return ""
