"""What the REPL shows for each log entry, as (style class, text) fragments.

The lines are the presentation layer's (``core/present/entries.py``: the same kinds, markers,
explanation, preview and hex dump as the TUI's log and ``run``); this module turns each line's
style name into a prompt-toolkit class and adds the line ends. The REPL's own lines (help,
problems) are printed from these; the log's entries are printed by ``repl/rendered.py`` as one
string a slice (the same text, a property test compares them), and by ``batch_fragments`` where
the terminal is not a VT100 one (the legacy Windows console). Every outside text is made safe through ``core.display.visible`` (TAB kept:
the terminal lays it out): what the module, a recording or a file name holds cannot move the
cursor, change the terminal's title or clipboard, or reorder the line. No prompt-toolkit import:
the plain mode does not need it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from spwf_tui.core.display import escape_char, visible, visible_lines
from spwf_tui.core.logentry import LogEntry
from spwf_tui.core.present import styles
from spwf_tui.core.present.entries import Presentation, entry_lines

Fragments = list[tuple[str, str]]
"""prompt-toolkit's formatted text: (``class:<name>``, text) pairs."""


def _style_rule(look: styles.Look) -> str:
    words = [f"ansi{look.colour}"] if look.colour else []
    words += [word for word, on in (("bold", look.bold), ("dim", look.dim), ("italic", look.italic)) if on]
    return " ".join(words)


STYLE_RULES = {name: _style_rule(look) for name, look in styles.LOOKS.items()}
"""prompt-toolkit style by style name (``core/present/styles.LOOKS``): the keys are the style
classes used in the fragments."""

PREVIEW_COLUMNS = 48
"""A sent payload's preview on its line: 48 bytes of text or 16 as hex (a terminal line wraps)."""
PRINT_SLICE = 2000
"""Entries made into text and printed at a time by the front ends (``repl/rendered.py``)."""
BEHIND = 20_000
"""Entries waiting to be printed beyond which the port's reader waits for the printer (below the
entry buffer's 50,000, past which lines would be dropped from view): both front ends."""
CATCH_UP_SECONDS = 0.05
"""How long the reader waits for the printer at a time: a terminal or a stdout nobody reads
cannot hold the port for longer (the entry buffer then drops lines from view, counted, as it
always did)."""


@dataclass
class View:
    """Display options the user changes with ``:`` commands."""

    hex: bool = False
    """Show data payloads (received and sent) as a hex dump."""
    show_typed_tx: bool = True
    """Show sent lines without payload; off when the terminal already shows what was typed."""

    def presentation(self, escape: Callable[[str], str] | None = None) -> Presentation:
        """The presentation options for these choices; ``escape`` defaults to ``safe``."""
        return Presentation(hex=self.hex, typed_tx=self.show_typed_tx, preview_columns=PREVIEW_COLUMNS,
                            escape=escape or safe)


def entry_fragments(entry: LogEntry, view: View) -> Fragments:
    """The lines for one log entry (possibly none)."""
    return _entry_lines(entry, view.presentation())


def batch_fragments(entries: list[LogEntry], view: View) -> Fragments:
    """``entry_fragments`` of every entry, runs of one style joined: what a front end prints
    per batch.

    The same text as entry by entry, made faster for a flood: the lines are made with the
    outside text as it is and made safe all at once, one ``visible`` call over the batch (``\\n``
    kept: it ends every line). ``visible``'s rule looks beyond one character only for a
    combining mark (is there a base before it?), and the kept ``\\n`` reads as no base, as the
    start of a line does. What would differ is a mark at the start of an outside text: made
    safe alone it has no base, in the line it would sit on the space before it (``< ``, ``↳ ``);
    those marks are escaped before the batch is joined (``_for_batch``). A text with a line end
    of its own makes the batch go entry by entry. Consecutive lines of one style become one
    fragment, so prompt-toolkit draws a few runs instead of a fragment per line.
    """
    lines = _batch_lines(entries, view)
    if lines is None:
        return _merged([fragment for entry in entries for fragment in entry_fragments(entry, view)])
    styles_of, shown = lines
    if not styles_of:
        return []
    out: Fragments = []
    first = 0
    style = styles_of[0]
    for index, line_style in enumerate(styles_of):
        if line_style != style:
            out.append((style, "\n".join(shown[first:index]) + "\n"))
            first, style = index, line_style
    out.append((style, "\n".join(shown[first:]) + "\n"))
    return out


def _batch_lines(entries: list[LogEntry], view: View) -> tuple[list[str], list[str]] | None:
    """The style class and the safe text of every line of ``entries``, made safe in one call;
    None when a text holds a line end of its own."""
    presentation = view.presentation(_for_batch)
    lines = [line for entry in entries for line in entry_lines(entry, presentation)]
    joined = "\n".join([text for _, text in lines])
    if joined.count("\n") != len(lines) - 1 and lines:
        return None
    classes = _CLASSES
    return [classes[style] for style, _ in lines], visible(joined, keep="\t\n").split("\n") if lines else []


def _for_batch(text: str) -> str:
    """An outside text as ``batch_fragments`` joins it: as it is, but for the combining marks
    it starts with, escaped as ``visible`` escapes a mark without a base."""
    if not text or text[0] < "\u0300" or unicodedata.category(text[0]) not in _MARKS:
        return text  # (no mark below U+0300)
    lead = 1
    while lead < len(text) and unicodedata.category(text[lead]) in _MARKS:
        lead += 1
    return "".join(map(escape_char, text[:lead])) + text[lead:]


_MARKS = frozenset(("Mn", "Mc", "Me"))
"""Combining marks: drawn on the character before them."""


def _merged(fragments: Fragments) -> Fragments:
    """Runs of fragments with one style joined into one."""
    out: Fragments = []
    run: list[str] = []
    style = ""  # (no run yet: the first fragment starts one, whatever its style)
    for fragment_style, text in fragments:
        if fragment_style != style and run:
            out.append((style, "".join(run)))
            run = []
        style = fragment_style
        run.append(text)
    if run:
        out.append((style, "".join(run)))
    return out


def _entry_lines(entry: LogEntry, presentation: Presentation) -> Fragments:
    """One fragment per line for ``entry``; ``presentation.escape`` makes each outside text
    printable (or, for ``batch_fragments``, leaves it to be done for the batch)."""
    return [(_CLASSES[style], text + "\n") for style, text in entry_lines(entry, presentation)]


_CLASSES = {name: f"class:{name}" for name in styles.LOOKS}


def message(text: str) -> Fragments:
    """A line from the REPL itself (help, :time); may quote outside text, so it is made safe too."""
    return [(f"class:{styles.MESSAGE}", f"{visible_lines(text)}\n")]


def problem(text: str) -> Fragments:
    """A mistake or failure on the host side; nothing was sent (quotes file names: made safe)."""
    return [(f"class:{styles.PROBLEM}", f"! {safe(text)}\n")]


def to_plain(fragments: Fragments) -> str:
    """The text of ``fragments``, without styles."""
    return "".join(text for _, text in fragments)


def safe(text: str) -> str:
    """``text`` on one line, made printable (``visible``), TAB kept."""
    return visible(text, keep="\t")
