"""What the REPL shows for each log entry, as (style class, text) fragments.

The lines are the presentation layer's (``core/present/entries.py``: the same kinds, markers,
explanation, preview and hex dump as the TUI's log and ``run``); this module turns each line's
style name into a prompt-toolkit class and adds the line ends. Both front ends of the REPL use
these: the prompt-toolkit one prints them in colour above the prompt, the plain one joins their
text (``to_plain``). Every outside text is made safe through ``core.display.visible`` (TAB kept:
the terminal lays it out): what the module, a recording or a file name holds cannot move the
cursor, change the terminal's title or clipboard, or reorder the line. No prompt-toolkit import:
the plain mode does not need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spwf_tui.core.display import visible, visible_lines
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
"""Entries made into text and printed at a time by the front ends (``batch_fragments``)."""


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
    """``entry_fragments`` of every entry, in one list: what a front end prints per batch.

    The same text as entry by entry, made faster for a flood: the lines are made with the
    outside text as it is and made safe all at once, one ``visible`` call over the batch
    (``\\n`` kept: it ends every line and no line holds another). That is exact for ASCII lines,
    which module output nearly always is (invalid UTF-8 bytes come escaped as ``\\xNN``); an
    entry with other characters (where a combining mark at a line's start depends on the line)
    or a line end inside a text is made safe on its own. Consecutive lines of one style become
    one fragment, so prompt-toolkit draws a few runs instead of a fragment per line.
    """
    out: list[tuple[str, str | None]] = []
    bulk: list[str] = []
    as_is, made_safe = view.presentation(_as_is), view.presentation()
    classes = _CLASSES
    for entry in entries:
        lines = entry_lines(entry, as_is)
        if all(text.isascii() and "\n" not in text for _, text in lines):
            out += [(classes[style], None) for style, _ in lines]
            bulk += [text for _, text in lines]
        else:
            out += _entry_lines(entry, made_safe)
    if not bulk:
        return _merged(out)
    shown = iter(visible("\n".join(bulk), keep="\t\n").split("\n"))
    return _merged([(style, next(shown) + "\n" if text is None else text) for style, text in out])


def _merged(fragments: Fragments) -> Fragments:
    """Runs of fragments with one style joined into one."""
    out: Fragments = []
    run: list[str] = []
    style = None
    for fragment_style, text in fragments:
        if fragment_style != style and run:
            out.append((style, "".join(run)))
            run = []
        style = fragment_style
        run.append(text)
    if run:
        out.append((style, "".join(run)))
    return out


def _as_is(text: str) -> str:
    return text


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
