"""Style names of presented lines, and the one look (colour role) each name has everywhere.

A presented line carries a name, never a colour: ``tx`` for what was sent, the event kind for a
module line (``ok``, ``error``, ``wind``, ``info``, ``echo``, ``data``, ``other``), ``note`` for
the tool's own notes, ``explanation`` for the sentence under an error or WIND. ``message`` and
``problem`` are the line-mode front ends' own lines (help, a host-side mistake).

``LOOKS`` says how each name looks, in terms every terminal front end can express (one of the
eight ANSI colours, bold, dim, italic). The TUI turns a look into a Rich style, the REPL into a
prompt-toolkit style string: the two cannot drift apart, as they did when each had its own table.
The palette is calm: a colour only where it tells something (what was sent, how a command ended,
what the module announced, payload bytes); notes and explanations are asides, dim or italic.
"""

from __future__ import annotations

from dataclasses import dataclass

from spwf_tui.core.events import DATA, ECHO, ERROR, INFO, OK, OTHER, WIND

TX = "tx"
NOTE = "note"
EXPLANATION = "explanation"
MESSAGE = "message"
PROBLEM = "problem"

RX_STYLES = (ECHO, OK, ERROR, WIND, INFO, DATA, OTHER)
"""A received line's style is its event kind (``core/events.py`` ``KINDS``)."""

ANSI_COLOURS = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
"""The colours a look may name, in ANSI order (SGR 30 + index)."""


@dataclass(frozen=True)
class Look:
    """How a style name is drawn: an ANSI colour (or the terminal's own) and attributes."""

    colour: str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False


LOOKS: dict[str, Look] = {
    TX: Look("cyan", bold=True),
    OK: Look("green"),
    ERROR: Look("red", bold=True),
    WIND: Look("yellow"),
    INFO: Look(),
    ECHO: Look(dim=True),
    DATA: Look("magenta"),
    OTHER: Look(),
    NOTE: Look("blue", italic=True),
    EXPLANATION: Look(dim=True, italic=True),
    MESSAGE: Look(dim=True),
    PROBLEM: Look("red", bold=True),
}
"""Every style name's look; a front end maps each of these, and only these."""


def sgr(name: str) -> str:
    """The ANSI sequence (SGR) that starts ``name``'s look on a plain terminal or in a cast; ""
    for a look with nothing to set. ``SGR_RESET`` ends it."""
    look = LOOKS[name]
    codes = [str(30 + ANSI_COLOURS.index(look.colour))] if look.colour else []
    codes += [code for code, on in (("1", look.bold), ("2", look.dim), ("3", look.italic)) if on]
    return f"\x1b[{';'.join(codes)}m" if codes else ""


SGR_RESET = "\x1b[0m"
