"""What the REPL shows for each log entry, as (style class, text) fragments.

Both front ends of the REPL use these: the prompt-toolkit one prints them in colour above the
prompt, the plain one joins their text (``to_plain``). Every text in a fragment is made safe
here, through ``core.display.visible`` (TAB kept: the terminal lays it out): what the module,
a recording or a file name holds cannot move the cursor, change the terminal's title or
clipboard, or reorder the line. No prompt-toolkit import: the plain mode does not need it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from spwf_tui.core.display import visible, visible_lines
from spwf_tui.core.events import CONTINUED_MARK, DATA
from spwf_tui.session.log import NOTE, TX, LogEntry
from spwf_tui.session.transcript import payload_preview

Fragments = list[tuple[str, str]]
"""prompt-toolkit's formatted text: (``class:<name>``, text) pairs."""

STYLE_RULES = {
    "tx": "ansicyan bold",
    "echo": "ansibrightblack",
    "ok": "ansigreen",
    "error": "ansired bold",
    "wind": "ansiyellow",
    "info": "",
    "data": "ansiblue",
    "other": "",
    "note": "ansimagenta",
    "explain": "ansired italic",
    "message": "ansibrightblack",
    "problem": "ansired bold",
}
"""Colours by kind; the keys are the style classes used in the fragments."""

_MARKS = frozenset(("Mn", "Mc", "Me"))
"""Combining marks: drawn on the character before them."""
HEX_ROW = 16
PRINT_SLICE = 2000
"""Entries made into text and printed at a time by the front ends (``batch_fragments``)."""


@dataclass
class View:
    """Display options the user changes with ``:`` commands."""

    hex: bool = False
    """Show data payloads (received and sent) as a hex dump."""
    show_typed_tx: bool = True
    """Show sent lines without payload; off when the terminal already shows what was typed."""


def entry_fragments(entry: LogEntry, view: View) -> Fragments:
    """The lines for one log entry (possibly none)."""
    return _entry_lines(entry, view, safe)


def batch_fragments(entries: list[LogEntry], view: View) -> Fragments:
    """``entry_fragments`` of every entry, runs of one style joined: what a front end prints
    per batch.

    The same text as entry by entry, made faster for a flood: the lines are made with the
    outside text as it is and made safe all at once, one ``visible`` call over the batch (``\\n``
    kept: it ends every line). That is exact unless a line holds a line end of its own (a
    multi-line explanation) or an outside text starts with a combining mark: made safe alone
    it has no base and is escaped, after the line's ``< `` it would sit on the space. Every
    outside text follows a space of the line's own, so a batch with no mark after a space is
    exact at once; otherwise each entry is looked at (``_entrywise``). Consecutive lines of one
    style become one fragment, so prompt-toolkit draws a few runs instead of a fragment per line.
    """
    fragments: Fragments = []
    for entry in entries:
        fragments += _entry_lines(entry, view, _as_is)
    if not fragments:
        return []
    joined = "".join([text for _, text in fragments])
    if not _bulk_safe(joined, len(fragments)):
        return _merged(_entrywise(entries, view))
    shown = visible(joined, keep="\t\n").split("\n")
    out: Fragments = []
    first = 0
    style = fragments[0][0]
    for index, (fragment_style, _) in enumerate(fragments):
        if fragment_style != style:
            out.append((style, "\n".join(shown[first:index]) + "\n"))
            first, style = index, fragment_style
    out.append((style, "\n".join(shown[first:len(fragments)]) + "\n"))
    return out


def batch_text(entries: list[LogEntry], view: View) -> str:
    """``to_plain(batch_fragments(entries, view))`` without the styles: the plain REPL's way
    (a pipe or a dumb terminal)."""
    texts: list[str] = []
    for entry in entries:
        texts += [text for _, text in _entry_lines(entry, view, _as_is)]
    joined = "".join(texts)
    if not _bulk_safe(joined, len(texts)):
        return to_plain(_entrywise(entries, view))
    return visible(joined, keep="\t\n")


_SPACE_THEN_NON_ASCII = re.compile(" [^\x00-\x7f]")


def _bulk_safe(joined: str, lines: int) -> bool:
    """Whether ``visible`` over ``joined`` (``lines`` lines, each ended by ``\\n``) makes each line
    what making its outside text safe alone makes it (see ``batch_fragments``)."""
    if joined.count("\n") != lines:
        return False
    return joined.isascii() or not any(unicodedata.category(found.group()[1]) in _MARKS
                                       for found in _SPACE_THEN_NON_ASCII.finditer(joined))


def _entrywise(entries: list[LogEntry], view: View) -> Fragments:
    """``batch_fragments`` entry by entry: the entries whose lines ``_bulk_safe`` allows are
    made safe together, the others alone."""
    out: list[tuple[str, str | None]] = []
    bulk: list[str] = []
    for entry in entries:
        lines = _entry_lines(entry, view, _as_is)
        texts = [text for _, text in lines]
        if _bulk_safe("".join(texts), len(texts)):
            out += [(style, None) for style, _ in lines]
            bulk += texts
        else:
            out += entry_fragments(entry, view)
    shown = iter(visible("".join(bulk), keep="\t\n").split("\n"))
    return [(style, next(shown) + "\n" if text is None else text) for style, text in out]


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


def _entry_lines(entry: LogEntry, view: View, safe) -> Fragments:
    """One fragment per line for ``entry``; ``safe`` makes each outside text printable (or,
    for ``batch_fragments``, leaves it to be done for the batch)."""
    if entry.direction == TX:
        return _tx(entry, view, safe)
    if entry.direction == NOTE:
        return [("class:note", f"# {safe(entry.text)}\n")]
    kind = entry.event.kind if entry.event is not None else "other"
    if kind == DATA:
        out = _data(entry, view, safe)
    else:
        out = [(f"class:{kind}", f"< {safe(entry.text)}\n")]
    if entry.event is not None and entry.event.continued and out:
        # The line goes on in the next entry (cut at the decoder's bound): say so on its last row.
        style, text = out[-1]
        out[-1] = (style, text[:-1] + CONTINUED_MARK + "\n")
    if entry.explain:
        out.append(("class:explain", f"  = {safe(entry.explain)}\n"))
    return out


def message(text: str) -> Fragments:
    """A line from the REPL itself (help, :time); may quote outside text, so it is made safe too."""
    return [("class:message", f"{visible_lines(text)}\n")]


def problem(text: str) -> Fragments:
    """A mistake or failure on the host side; nothing was sent (quotes file names: made safe)."""
    return [("class:problem", f"! {safe(text)}\n")]


def to_plain(fragments: Fragments) -> str:
    """The text of ``fragments``, without styles."""
    return "".join(text for _, text in fragments)


def safe(text: str) -> str:
    """``text`` on one line, made printable (``visible``), TAB kept."""
    return visible(text, keep="\t")


def hexdump(data: bytes, indent: str = "    ") -> list[str]:
    """``0000  48 54 54 50 ...  HTTP...`` rows of 16 bytes."""
    rows = []
    for offset in range(0, len(data), HEX_ROW):
        chunk = data[offset:offset + HEX_ROW]
        digits = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        rows.append(f"{indent}{offset:04x}  {digits:<{HEX_ROW * 3 - 1}}  {text}\n")
    return rows


def _tx(entry: LogEntry, view: View, safe=safe) -> Fragments:
    if entry.payload is None:
        return [("class:tx", f"> {safe(entry.text)}\n")] if view.show_typed_tx else []
    size = len(entry.payload)
    if view.hex:
        return [("class:tx", f"> {safe(entry.text)}  [+{size} payload bytes]\n"),
                *[("class:data", row) for row in hexdump(entry.payload)]]
    return [("class:tx", f"> {safe(entry.text)}  [+{size} payload bytes: {payload_preview(entry.payload)}]\n")]


def _data(entry: LogEntry, view: View, safe=safe) -> Fragments:
    raw = entry.event.raw if entry.event is not None else entry.text.encode()
    if view.hex:
        return [("class:data", f"< [{len(raw)} bytes]\n"), *[("class:data", row) for row in hexdump(raw)]]
    lines = entry.text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return [("class:data", f"< {safe(line.removesuffix(chr(13)))}\n") for line in lines]
