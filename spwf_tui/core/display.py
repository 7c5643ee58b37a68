"""The one function that makes outside text printable: ``visible``.

Everything that comes from outside the program (module output, recordings, certificates, TLS
peers, file names, script variables) is shown only through ``visible`` (or ``visible_bytes``
for raw bytes), in every front end. The rule, for one character:

* it is shown as itself when Python's ``str.isprintable()`` says so (letters, marks, digits,
  punctuation, symbols and the ASCII space), unless it is a default-ignorable character
  (variation selectors, Hangul fillers, the combining grapheme joiner: drawn as nothing, or as a
  different cell width by different terminals) or a combining mark without a base (at the start,
  or after a character that is escaped: it would combine with the escape or the text before);
* everything else becomes a visible escape: C0 controls and DEL (``\\x1b``, with ``\\r``
  ``\\n`` ``\\t`` named), C1 controls (``\\u009b``), line and paragraph separators
  (``\\u2028``), bidi embeddings, overrides, isolates and marks (``\\u202e``, ``\\u2066``,
  ``\\u200f``, ``\\u061c``), every other format character (zero-width space and joiners,
  ``\\ufeff``, tag characters ``\\U000e0001``), spaces other than the ASCII one (``\\u00a0``),
  private-use, unassigned and surrogate code points.

``\\xNN`` always stands for one byte: an ASCII control, or (from 0x80) a byte that was not
UTF-8 (the project decodes with ``backslashreplace``; a lone surrogate from ``surrogateescape``
gives the same ``\\xNN``). ``\\uNNNN`` and ``\\UNNNNNNNN`` stand for a character that arrived
as valid UTF-8. So a raw 0x9B byte reads ``\\x9b`` and the UTF-8 C1 control U+009B
``\\u009b``, and neither can start a terminal control sequence.

TAB and LF: ``visible(text)`` shows one line in a fixed place (a TUI row, a status field, an
error message), so TAB and LF are escaped too: a TAB's width depends on the column and a LF
would start a line that looks like the program's own. Text that flows to a terminal line by
line (a report, the REPL's payload lines) may keep them: ``visible(text, keep="\\t")``,
``visible_lines(text)`` (TAB and LF kept). CR is never kept: it returns to the start of the line
and lets later text overwrite earlier text.

The backslash: ``visible`` leaves ``\\`` as it is, so what people read (paths, regular
expressions, ``decode``'s output) stays readable and text decoded with ``backslashreplace``
keeps its ``\\xNN``. The price: the four characters ``\\x1b`` sent literally look like an ESC.
Where the bytes themselves are the subject (payload previews), ``visible_bytes`` doubles every
backslash, so there ``\\x1b`` is always the byte and ``\\\\x1b`` the four characters.

Speed: this runs for every line the TUI shows. ASCII text (nearly all module output) costs one
``isascii`` and one regex search; other text one regex substitution. The tables for non-ASCII
text are built on first use (about 0.1 s), not at import, so commands that never see non-ASCII
text do not pay for them.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}
_KEEPABLE = "\t\n"
_DEFAULT_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
"""Default_Ignorable_Code_Point characters that ``isprintable`` accepts (the others are format
characters, escaped anyway): drawn as nothing, or they change the cell width of the character
before them (VS16 makes a symbol an emoji, two cells wide, in some terminals only)."""
_SCANNED_PLANES = ((0x0000, 0x3FFFF), (0xE0000, 0xEFFFF))
"""Planes scanned for printable characters and marks; planes 4-13 hold no assigned character
(so nothing printable) and planes 15-16 are private use: all of them are escaped as a whole."""
_WHOLE_PLANES_ESCAPED = ((0x40000, 0xDFFFF), (0xF0000, 0x10FFFF))


def _ascii_table(keep: str) -> tuple[re.Pattern[str], dict[int, str]]:
    controls = [c for c in (*range(0x20), 0x7F) if chr(c) not in keep]
    table = {code: _NAMED.get(chr(code), f"\\x{code:02x}") for code in controls}
    return re.compile("[" + "".join(re.escape(chr(c)) for c in controls) + "]"), table


_ASCII = {keep: _ascii_table(keep) for keep in ("", "\t", "\n", "\t\n")}


def visible(text: str, keep: str = "") -> str:
    """``text`` with every character a terminal would not draw as itself as an escape.

    Args:
        text: outside text (module output, a certificate's subject, a file name...).
        keep: which of TAB and LF to leave as they are (``""``, ``"\\t"``, ``"\\n"``,
            ``"\\t\\n"``); by default the result is one line.
    """
    if text.isascii():
        # str.translate does per character what a Python loop would, in C (the UART pane calls
        # this for every payload line it shows).
        control, table = _ASCII[_keep_key(keep)]
        return text.translate(table) if control.search(text) else text
    return _non_ascii(_keep_key(keep)).sub(_escape, text)


def visible_lines(text: str) -> str:
    """``visible`` for text printed line by line to a terminal: TAB and LF kept."""
    return visible(text, keep="\t\n")


def visible_bytes(data: bytes, keep: str = "") -> str:
    """Raw bytes as unambiguous text: UTF-8 where valid, ``\\xNN`` for other bytes, ``\\\\`` for ``\\``."""
    return visible(data.decode("utf-8", "surrogateescape").replace("\\", "\\\\"), keep)


def escape_char(char: str) -> str:
    """The escape ``visible`` writes for ``char`` (which it does not show as itself)."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(match: re.Match[str]) -> str:
    return escape_char(match.group())


def _keep_key(keep: str) -> str:
    if keep in _ASCII:
        return keep
    if keep.strip(_KEEPABLE):
        raise ValueError(f"visible() keeps only TAB and LF, not {keep!r}")
    return "".join(c for c in _KEEPABLE if c in keep)


@functools.lru_cache(maxsize=None)
def _non_ascii(keep: str) -> re.Pattern[str]:
    """One regex: a character never shown as itself, or a combining mark without a base."""
    unsafe = _unsafe_ranges()
    shown_unsafe = _char_class(unsafe, exclude=keep)
    # (?<![^X]) is "at the start, or after an X": a mark there has no base of its own.
    return re.compile(f"{shown_unsafe}|(?<!{_char_class(unsafe, negate=True)}){_char_class(_mark_ranges())}")


@functools.lru_cache(maxsize=None)
def _unsafe_ranges() -> tuple[tuple[int, int], ...]:
    ranges = list(_DEFAULT_IGNORABLE) + list(_WHOLE_PLANES_ESCAPED)
    for first, last in _SCANNED_PLANES:
        # One pass in C (map, bytes, a regex over the flags), about 0.05 s for 327k code points.
        printable = bytes(map(str.isprintable, map(chr, range(first, last + 1))))
        ranges += [(first + m.start(), first + m.end() - 1) for m in re.finditer(rb"\x00+", printable)]
    return tuple(sorted(ranges))


@functools.lru_cache(maxsize=None)
def _mark_ranges() -> tuple[tuple[int, int], ...]:
    is_mark = frozenset(("Mn", "Mc", "Me")).__contains__
    ranges = []
    for first, last in _SCANNED_PLANES:
        marks = bytes(map(is_mark, map(unicodedata.category, map(chr, range(first, last + 1)))))
        ranges += [(first + m.start(), first + m.end() - 1) for m in re.finditer(rb"\x01+", marks)]
    return tuple(ranges)


def _char_class(ranges: tuple[tuple[int, int], ...], *, exclude: str = "", negate: bool = False) -> str:
    parts = []
    for first, last in ranges:
        for start, end in _without(first, last, {ord(c) for c in exclude}):
            parts.append(_range_text(start, end))
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _without(first: int, last: int, holes: set[int]) -> list[tuple[int, int]]:
    pieces, start = [], first
    for hole in sorted(h for h in holes if first <= h <= last):
        if start < hole:
            pieces.append((start, hole - 1))
        start = hole + 1
    if start <= last:
        pieces.append((start, last))
    return pieces


def _range_text(first: int, last: int) -> str:
    # \uXXXX/\UXXXXXXXX escapes in the pattern: a surrogate cannot stand in it as itself.
    def one(code: int) -> str:
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return one(first) if first == last else f"{one(first)}-{one(last)}"
