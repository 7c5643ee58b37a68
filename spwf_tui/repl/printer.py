"""What the REPL shows for each log entry, as (style class, text) fragments.

Both front ends of the REPL use these: the prompt-toolkit one prints them in colour above the
prompt, the plain one joins their text (``to_plain``). Every text in a fragment is made safe
here, through ``core.display.visible`` (TAB kept: the terminal lays it out): what the module,
a recording or a file name holds cannot move the cursor, change the terminal's title or
clipboard, or reorder the line. No prompt-toolkit import: the plain mode does not need it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from spwf_tui.core.display import escape_char, visible, visible_lines
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
    kept: it ends every line). ``visible``'s rule looks beyond one character only for a
    combining mark (is there a base before it?), and the kept ``\\n`` reads as no base, as the
    start of a line does. What would differ is a mark at the start of an outside text: made
    safe alone it has no base, in the line it would sit on the space of ``< ``; those marks are
    escaped before the batch is joined (``_for_batch``). A text with a line end of its own (a
    multi-line explanation) makes the batch go entry by entry. Consecutive lines of one style
    become one fragment, so prompt-toolkit draws a few runs instead of a fragment per line.
    """
    fragments: Fragments = []
    for entry in entries:
        fragments += _entry_lines(entry, view, _for_batch)
    if not fragments:
        return []
    joined = "".join([text for _, text in fragments])
    if joined.count("\n") != len(fragments):
        return _merged([fragment for entry in entries for fragment in entry_fragments(entry, view)])
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
        texts += [text for _, text in _entry_lines(entry, view, _for_batch)]
    joined = "".join(texts)
    if joined.count("\n") != len(texts):
        return to_plain([fragment for entry in entries for fragment in entry_fragments(entry, view)])
    return visible(joined, keep="\t\n")


def _for_batch(text: str) -> str:
    """An outside text as ``batch_fragments`` joins it: as it is, but for the combining marks
    it starts with, escaped as ``visible`` escapes a mark without a base."""
    if not text or text[0] < "\u0300" or unicodedata.category(text[0]) not in _MARKS:
        return text  # (no mark below U+0300)
    lead = 1
    while lead < len(text) and unicodedata.category(text[lead]) in _MARKS:
        lead += 1
    return "".join(map(escape_char, text[:lead])) + text[lead:]


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
