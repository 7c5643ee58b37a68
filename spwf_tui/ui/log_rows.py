"""How session entries become display rows in the UART log (pure: no Textual here).

One entry gives one row, plus an explanation row for errors and WINDs, plus hex rows for binary
payloads in hex view. Rows carry a style name; the widget maps names to colours.

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

import re
import time
from dataclasses import dataclass

from rich.cells import cell_len, get_character_cell_size

from spwf_tui.core.display import visible, visible_bytes
from spwf_tui.core.events import CONTINUED_MARK, DATA
from spwf_tui.session.log import NOTE, TX, LogEntry

TIMESTAMP_MODES = ("off", "absolute", "delta")
HEX_WIDTH = 16
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
_HEX_ROW_LEAD = 11
"""Columns of a hex row besides its stamp and bytes: two spaces, the offset, two spaces, one space."""
_ESCAPED_BYTE = 4
"""Columns one byte takes at most once shown: ``\\xNN``."""


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


@dataclass(frozen=True, slots=True)
class Row:
    """One display row."""

    style: str
    """``tx``, ``rx-<kind>`` (``rx-ok``, ``rx-error``, ...), ``note`` or ``explain``."""
    text: str


def rows_for(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> list[Row]:
    """The rows for one entry; ``previous_time`` feeds the delta timestamps."""
    rows = _unwrapped_rows(entry, options, previous_time)
    width = options.width
    if width <= 0:
        return rows
    wrapped: list[Row] = []
    for row in rows:
        if (options.wrap or row.style == "explain") and cell_len(row.text) > width:
            wrapped += [Row(row.style, text) for text in wrap_cells(row.text, width, _indent(row.text))]
        else:
            wrapped.append(row)
    return wrapped


def _indent(text: str) -> int:
    """Where a continuation row starts: under the text after the marker (``< ``, ``> ``, ``↳ ``)."""
    for marker in ("↳ ", "< ", "> ", "# "):
        at = text.find(marker)
        if at >= 0:
            return at + len(marker)
    return 0


def wrap_cells(text: str, width: int, indent: int = 0) -> list[str]:
    """``text`` cut into rows of at most ``width`` cells, at a space where one is near the end;
    rows after the first start with ``indent`` spaces (less when the pane is very narrow)."""
    indent = min(indent, width // 2)
    rows: list[str] = []
    lead = ""
    while True:
        room = width - len(lead)
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


def _unwrapped_rows(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> list[Row]:
    stamp = _stamp(entry.time, previous_time, options.timestamps)
    if entry.direction == TX:
        text = f"{stamp}> {visible(entry.text)}"
        if options.show_controls:
            text += "\\r"
        rows = [Row("tx", text)]
        if entry.payload is not None:
            rows += _payload_rows(entry.payload, None, options, stamp, "tx", f"{len(entry.payload)} payload bytes")
        return rows
    if entry.direction == NOTE:
        return [Row("note", f"{stamp}# {visible(entry.text)}")]
    event = entry.event
    kind = event.kind if event is not None else "other"
    if kind == DATA and event is not None:
        rows = _payload_rows(event.raw, event.text, options, stamp, "rx-data", f"{len(event.raw)} bytes")
        return _mark_continued(rows) if event.continued else rows
    text = f"{stamp}< {visible(entry.text)}"
    if event is not None and event.continued:
        text += CONTINUED_MARK
    if options.show_controls and event is not None:
        text = f"{stamp}< {visible(event.raw.decode('utf-8', 'backslashreplace'))}"
    rows = [Row(f"rx-{kind}", text)]
    if entry.explain:
        rows.append(Row("explain", f"{' ' * len(stamp)}  ↳ {visible(entry.explain)}"))
    return rows


def measure(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> tuple[int, int]:
    """``(rows, width)``: how many rows ``rows_for`` gives and how wide the widest is.

    A received payload piece is measured from its bytes, without its text: the count is exact
    (escaping never makes or removes a line end), the width is exact for printable ASCII lines
    and an upper bound (``\\xNN`` for every byte) for others. Other entries are cheap to make:
    their rows are made and measured.
    """
    if options.width > 0 and (options.wrap or entry.explain):
        # Wrapping needs the text: only explained entries (errors, WINDs) unless the user asked.
        rows = rows_for(entry, options, previous_time)
        return len(rows), max(cell_len(row.text) for row in rows)
    event = entry.event
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
            widths.append(lead + len(f"{offset:06x}") + 3 + per_row * 3 + min(per_row, size - offset))
        return 1 + -(-size // per_row), max(widths)
    if options.show_controls:
        return 1, lead + _shown_width(raw)
    lines = _payload_lines(raw)
    mark = len(CONTINUED_MARK) if event.continued else 0  # an upper bound: it goes on the last line only
    return max(1, len(lines)), lead + max(map(_shown_width, lines), default=0) + mark


PREVIEW_BYTES = 200
_TEXT_CONTROLS = frozenset("\r\n\t")


def payload_preview(payload: bytes) -> str:
    """A sent payload in one row: as text when it is printable UTF-8 and mostly ASCII (line ends
    escaped, backslashes doubled, so ``\\x1b`` in it is always the byte ESC), else as hex bytes:
    a certificate's DER or a binary blob must not turn into letters (d5 a4 is not one character)."""
    head = payload[:PREVIEW_BYTES]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut by the preview's end is still text; anything else is binary.
        text = head[:exc.start].decode("utf-8") if exc.start >= len(head) - 3 and len(payload) > len(head) else None
    # Mostly ASCII too: random binary decodes as UTF-8 now and then (d5 a4 is a letter).
    if (text is not None and all(char.isprintable() or char in _TEXT_CONTROLS for char in text)
            and 2 * sum(char.isascii() for char in text) >= len(text)):
        return visible_bytes(head)[:PREVIEW_BYTES]
    more = " …" if len(payload) > 64 else ""
    return "hex " + payload[:64].hex(" ") + more


def hex_bytes_per_row(options: ViewOptions, stamp_width: int) -> int:
    """16 bytes a hex row, or 8 when 16 would push the ASCII column past the pane's edge."""
    if options.width and stamp_width + _HEX_ROW_LEAD + HEX_WIDTH * 4 > options.width:
        return HEX_WIDTH // 2
    return HEX_WIDTH


def _payload_lines(payload: bytes) -> list[bytes]:
    """A payload cut at its own line ends (CR LF, CR, LF), as ``_payload_rows`` cuts its text."""
    lines = payload.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _shown_width(data: bytes) -> int:
    """Columns ``visible(bytes_to_text(data))`` takes: exact for printable ASCII, else at most."""
    if data.isascii() and not _CONTROL_BYTES.search(data):
        return len(data)
    return len(data) * _ESCAPED_BYTE


def _payload_rows(payload: bytes, text: str | None, options: ViewOptions, stamp: str, style: str,
                  label: str) -> list[Row]:
    marker = ">" if style == "tx" else "<"
    if options.hex_payloads:
        rows = [Row(style, f"{stamp}{marker} [{label}]")]
        pad = " " * len(stamp)
        per_row = hex_bytes_per_row(options, len(stamp))
        for offset in range(0, len(payload), per_row):
            chunk = payload[offset:offset + per_row]
            hexes = " ".join(f"{b:02x}" for b in chunk)
            ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
            rows.append(Row(style, f"{pad}  {offset:06x}  {hexes:<{per_row * 3}} {ascii_}"))
        return rows
    if text is None:
        text = payload.decode("utf-8", "backslashreplace")
    if style == "tx":
        return [Row(style, f"{stamp}{marker} [{label}] {payload_preview(payload)}")]
    if options.show_controls:
        return [Row(style, f"{stamp}{marker} {visible(text)}")]
    # Without control characters shown, split the payload at its own line ends.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Row(style, f"{stamp}{marker} {visible(line)}") for line in lines] or [Row(style, f"{stamp}{marker} ")]


def _mark_continued(rows: list[Row]) -> list[Row]:
    """The rows of a piece whose last line goes on in the next entry (cut at the decoder's bound)."""
    last = rows[-1]
    return [*rows[:-1], Row(last.style, last.text + CONTINUED_MARK)]


def _stamp(when: float, previous: float | None, mode: str) -> str:
    if mode == "absolute":
        return time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when * 1000) % 1000:03d} "
    if mode == "delta":
        delta = 0.0 if previous is None else max(0.0, when - previous)
        return f"+{delta:8.3f} "
    return ""
