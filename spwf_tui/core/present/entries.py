"""Session entries as styled lines: what every front end shows for a sent command, a module
line, a payload, a note and an explanation.

One entry gives (docs/architecture.md §6.7):

* sent: ``> AT+S.SOCKW=0,5``, then for a data phase ``> [5 payload bytes] hello`` (a preview,
  ``payloads.payload_preview``) or, in hex view, ``> [5 payload bytes]`` and hex rows;
* a module line: ``< AT-S.OK``, styled by its kind; `` […]`` (``CONTINUED_MARK``) when the line
  goes on in the next entry (cut at the decoder's bound);
* a raw payload piece: one ``< `` line per line of it (cut at CR LF, CR or LF), or one line with
  the line ends escaped (``controls``, ``whole_payloads``), or ``< [N bytes]`` and hex rows (``hex``);
* a note: ``# text``;
* an explanation, under what it explains: ``  ↳ sentence`` (one marker in every front end).

A front end chooses only what the user can choose: a time stamp before the first line, hex view,
line ends shown (all of them, or a payload's only), whether a typed line is shown again, the hex row width and preview length, and
how outside text is escaped (``escape``: ``visible`` for a fixed row, TAB kept for a terminal
line). Every outside text (sent lines, notes, module lines, explanations, payloads) goes through
``escape`` or ``visible_bytes``; the rest is the tool's own ASCII.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spwf_tui.core.display import visible, visible_decoded
from spwf_tui.core.events import CONTINUED_MARK, DATA, OTHER
from spwf_tui.core.logentry import NOTE, TX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.core.present.payloads import HEX_PER_ROW, PREVIEW_COLUMNS, hex_rows, payload_preview

EXPLANATION_MARK = "↳"
"""Starts an explanation line, indented under the line it explains."""
SENT, RECEIVED, NOTED = "> ", "< ", "# "
"""What starts a sent line, a received line and a note."""


@dataclass(frozen=True)
class Presentation:
    """What a front end (or its user) chose to see."""

    hex: bool = False
    """Payloads (sent and received) as hex rows instead of text."""
    hex_per_row: int = HEX_PER_ROW
    controls: bool = False
    """Line ends shown: a payload piece on one line with ``\\r\\n`` escaped, a module line with
    its terminator, a sent line followed by ``\\r``."""
    whole_payloads: bool = False
    """A received payload piece on one line with its line ends escaped (``run``'s transcript, a
    record of the exact bytes; the decoder already cuts pieces at line ends), not cut at them."""
    typed_tx: bool = True
    """Show a sent line that has no payload (off where the terminal already shows what was typed)."""
    preview_columns: int = PREVIEW_COLUMNS
    escape: Callable[[str], str] = visible
    """Makes one outside text printable; ``visible`` (one line, TAB escaped) unless the front
    end lays out TABs itself."""


Line = tuple[str, str]
"""One presented line: ``(style name, text)``, the text without a line end. A plain tuple: a
flood makes one per line shown, and a tuple costs a tenth of a named tuple or a dataclass."""


def entry_lines(entry: LogEntry, view: Presentation, stamp: str = "") -> list[Line]:
    """The lines for ``entry`` (possibly none); ``stamp`` (a time, or "") starts the first, and
    the lines under it (hex rows, an explanation) are indented by its width."""
    # Written flat, without a helper per kind: every front end calls this for every line of a flood.
    direction = entry.direction
    if direction == TX:
        return _sent(entry, view, stamp)
    escape = view.escape
    if direction == NOTE:
        return [(styles.NOTE, f"{stamp}{NOTED}{escape(entry.text)}")]
    event = entry.event
    if event is None:
        lines = [(OTHER, f"{stamp}{RECEIVED}{escape(entry.text)}")]
    elif event.kind == DATA:
        if (view.whole_payloads or view.controls) and not view.hex and view.escape is visible and event.text_is_raw:
            # one line, the same as visible(event.text) without making the text (binary is slow)
            lines = [(DATA, f"{stamp}{RECEIVED}{visible_decoded(event.raw)}")]
        else:
            lines = _payload_lines(event.raw, event.text, view, stamp, DATA, RECEIVED, f"{len(event.raw)} bytes")
        if event.continued:
            lines[-1] = (DATA, lines[-1][1] + CONTINUED_MARK)
    elif view.controls:
        # The line as it came, terminator included (escaped): what the module really sent.
        lines = [(event.kind, f"{stamp}{RECEIVED}{escape(event.raw.decode('utf-8', 'backslashreplace'))}")]
    elif event.continued:
        lines = [(event.kind, f"{stamp}{RECEIVED}{escape(entry.text)}{CONTINUED_MARK}")]
    else:
        lines = [(event.kind, f"{stamp}{RECEIVED}{escape(entry.text)}")]
    explain = entry.explain
    if explain:
        lines.append((styles.EXPLANATION, f"{' ' * len(stamp)}  {EXPLANATION_MARK} {escape(explain)}"))
    return lines


def _sent(entry: LogEntry, view: Presentation, stamp: str) -> list[Line]:
    payload = entry.payload
    if payload is None and not view.typed_tx:
        return []
    line = f"{stamp}{SENT}{view.escape(entry.text)}" + ("\\r" if view.controls else "")
    lines = [(styles.TX, line)]
    if payload is not None:
        lines += _payload_lines(payload, None, view, stamp, styles.TX, SENT, f"{len(payload)} payload bytes")
    return lines


def _payload_lines(payload: bytes, text: str | None, view: Presentation, stamp: str, style: str, marker: str,
                   label: str) -> list[Line]:
    if view.hex:
        pad = " " * len(stamp)
        return [(style, f"{stamp}{marker}[{label}]"),
                *[(style, f"{pad}  {row}") for row in hex_rows(payload, view.hex_per_row)]]
    if style == styles.TX:
        return [(style, f"{stamp}{marker}[{label}] {payload_preview(payload, view.preview_columns)}")]
    if text is None:
        text = payload.decode("utf-8", "backslashreplace")
    if view.controls or view.whole_payloads:
        return [(style, f"{stamp}{marker}{view.escape(text)}")]
    return [(style, f"{stamp}{marker}{view.escape(line)}") for line in split_lines(text)] or [
        (style, f"{stamp}{marker}")]


def split_lines(text: str) -> list[str]:
    """A payload's text cut at its own line ends (CR LF, CR, LF); no empty line after the last."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
