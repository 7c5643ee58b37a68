"""How session entries become display rows in the UART log (pure: no Textual here).

One entry gives one row, plus an explanation row for errors and WINDs, plus hex rows for binary
payloads in hex view. Rows carry a style name; the widget maps names to colours.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from spwf_tui.core.display import visible
from spwf_tui.core.events import DATA
from spwf_tui.session.log import NOTE, TX, LogEntry

TIMESTAMP_MODES = ("off", "absolute", "delta")
HEX_WIDTH = 16


@dataclass(frozen=True)
class ViewOptions:
    """What the user chose to see."""

    timestamps: str = "off"
    show_controls: bool = False
    """Show CR/LF and other control characters of payloads as escapes, and mark line ends."""
    hex_payloads: bool = False
    """Show binary payloads (socket reads, file contents) as hex dump rows."""


@dataclass(frozen=True, slots=True)
class Row:
    """One display row."""

    style: str
    """``tx``, ``rx-<kind>`` (``rx-ok``, ``rx-error``, ...), ``note`` or ``explain``."""
    text: str


def rows_for(entry: LogEntry, options: ViewOptions, previous_time: float | None) -> list[Row]:
    """The rows for one entry; ``previous_time`` feeds the delta timestamps."""
    stamp = _stamp(entry.time, previous_time, options.timestamps)
    if entry.direction == TX:
        text = f"{stamp}> {entry.text}"
        if options.show_controls:
            text += "\\r"
        rows = [Row("tx", text)]
        if entry.payload is not None:
            rows += _payload_rows(entry.payload, options, stamp, "tx", f"{len(entry.payload)} payload bytes")
        return rows
    if entry.direction == NOTE:
        return [Row("note", f"{stamp}# {entry.text}")]
    event = entry.event
    kind = event.kind if event is not None else "other"
    if kind == DATA and event is not None:
        return _payload_rows(event.raw, options, stamp, "rx-data", f"{len(event.raw)} bytes")
    text = f"{stamp}< {entry.text}"
    if options.show_controls and event is not None:
        text = f"{stamp}< {visible(event.raw.decode('utf-8', 'backslashreplace'))}"
    rows = [Row(f"rx-{kind}", text)]
    if entry.explain:
        rows.append(Row("explain", f"{' ' * len(stamp)}  ↳ {entry.explain}"))
    return rows


def _payload_rows(payload: bytes, options: ViewOptions, stamp: str, style: str, label: str) -> list[Row]:
    marker = ">" if style == "tx" else "<"
    if options.hex_payloads:
        rows = [Row(style, f"{stamp}{marker} [{label}]")]
        pad = " " * len(stamp)
        for offset in range(0, len(payload), HEX_WIDTH):
            chunk = payload[offset:offset + HEX_WIDTH]
            hexes = " ".join(f"{b:02x}" for b in chunk)
            ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
            rows.append(Row(style, f"{pad}  {offset:06x}  {hexes:<{HEX_WIDTH * 3}} {ascii_}"))
        return rows
    text = payload.decode("utf-8", "backslashreplace")
    if style == "tx":
        return [Row(style, f"{stamp}{marker} [{label}] {visible(text)[:200]}")]
    if options.show_controls:
        return [Row(style, f"{stamp}{marker} {visible(text)}")]
    # Without control characters shown, split the payload at its own line ends.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [Row(style, f"{stamp}{marker} {visible(line)}") for line in lines] or [Row(style, f"{stamp}{marker} ")]


def _stamp(when: float, previous: float | None, mode: str) -> str:
    if mode == "absolute":
        return time.strftime("%H:%M:%S", time.localtime(when)) + f".{int(when * 1000) % 1000:03d} "
    if mode == "delta":
        delta = 0.0 if previous is None else max(0.0, when - previous)
        return f"+{delta:8.3f} "
    return ""
