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
``isascii`` and one regex split, printable non-ASCII text one ``isprintable`` and one small
regex search. Other text: one regex substitution over characters above U+00FF (its classes hold
only BMP ranges, which ``re`` tests in constant time; a class with astral ranges is tested range
by range, about 100 times slower) and one regex split for the Latin-1 range and the bytes
``surrogateescape`` stands in for (``_escaped``). The tables for non-ASCII text are built on
first use (about 0.05 s), not at import. ``python -m benchmarks.display`` measures it.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from spwf_tui.core.events import UTF8_SEQUENCE

_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}
_KEEPABLE = "\t\n"
_DEFAULT_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
"""Default_Ignorable_Code_Point characters that ``isprintable`` accepts (the others are format
characters, escaped anyway): drawn as nothing, or they change the cell width of the character
before them (VS16 makes a symbol an emoji, two cells wide, in some terminals only)."""
_IGNORABLE = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _DEFAULT_IGNORABLE) + "]")
_MARK = frozenset(("Mn", "Mc", "Me"))


Escaper = tuple[re.Pattern[str], dict[str, str]]
"""A pattern with one capturing group matching single characters, and each one's escape."""
_ASCII: dict[str, Escaper] = {}
"""C0 and DEL escapers by ``keep``, made on first use (a few regex compilations off the import)."""


def _escaper(codes: list[int]) -> Escaper:
    pattern = re.compile("([" + "".join(f"\\u{code:04x}" for code in codes) + "])")
    return pattern, {chr(code): escape_char(chr(code)) for code in codes}


def _escaped(escaper: Escaper, text: str) -> str:
    """``text`` with each character ``escaper`` matches replaced by its escape.

    ``split`` with a group gives [text, char, text, char, ...] and ``map`` looks the characters
    up, both in C: four times faster than ``str.translate`` on non-ASCII text (whose generic
    path looks up every character, not only the ones replaced).
    """
    pattern, table = escaper
    parts = pattern.split(text)
    if len(parts) == 1:
        return text
    parts[1::2] = map(table.__getitem__, parts[1::2])
    return "".join(parts)


def _ascii_escaper(keep: str) -> Escaper:
    escaper = _ASCII[keep] = _escaper([code for code in (*range(0x20), 0x7F) if chr(code) not in keep])
    return escaper


def visible(text: str, keep: str = "") -> str:
    """``text`` with every character a terminal would not draw as itself as an escape.

    Args:
        text: outside text (module output, a certificate's subject, a file name...).
        keep: which of TAB and LF to leave as they are (``""``, ``"\\t"``, ``"\\n"``,
            ``"\\t\\n"``); by default the result is one line.
    """
    keep = _keep_key(keep)
    if text.isascii():
        return _escaped(_ASCII.get(keep) or _ascii_escaper(keep), text)
    if text.isprintable() and not _IGNORABLE.search(text) and not _is_mark(text[0]):
        return text  # printable text (no mark without a base can follow a printable character)
    # Above U+00FF first, while the text is still the original: a mark's base is looked up in it.
    return _escaped(_latin1_escaper(keep), _above_latin1().sub(_escape_above_latin1, text))


def visible_lines(text: str) -> str:
    """``visible`` for text printed line by line to a terminal: TAB and LF kept."""
    return visible(text, keep="\t\n")


def visible_bytes(data: bytes, keep: str = "") -> str:
    """Raw bytes as unambiguous text: UTF-8 where valid, ``\\xNN`` for other bytes, ``\\\\`` for ``\\``."""
    return visible(data.decode("utf-8", "surrogateescape").replace("\\", "\\\\"), keep)


def visible_decoded(data: bytes, keep: str = "") -> str:
    """``visible(bytes_to_text(data), keep)``, exactly, without making the text first: the one
    line of a payload piece in a transcript (UTF-8 where valid, ``\\xNN`` for every other byte
    and every control, ``\\r \\n \\t`` named), or a line of one in the REPL (``keep="\\t"``:
    the terminal lays TABs out).

    A TAB kept: the pieces between TABs are escaped alone and joined by TABs. The same text as
    one call, as a TAB is a byte of its own in UTF-8 and no base for a combining mark (it is
    not shown as itself): a mark after it is escaped either way.

    Why not the two calls: on binary payloads both take a Python step per control or invalid
    byte (about 0.2 s per MB). Here the bytes between valid multi-byte sequences (ASCII and
    invalid bytes) are escaped by ``codecs.escape_encode``, which writes exactly ``visible``'s
    escapes for them in one C call, except that it doubles a backslash and escapes a quote
    (both undone after). The multi-byte characters are decoded at once and looked at only where
    ``visible`` would not show one as itself (one regex scan); a combining mark, whose look
    depends on what stands before it, is decided there (``_mark_shown``).
    """
    if keep:
        if keep != "\t":
            raise ValueError(f"visible_decoded() keeps only TAB, not {keep!r}")
        if b"\t" in data:
            return "\t".join(map(visible_decoded, data.split(b"\t")))
    if data.isascii():
        return _unescape_repr(codecs.escape_encode(data)[0]).decode("ascii")
    parts = UTF8_SEQUENCE.split(data)
    if len(parts) == 1:
        return _unescape_repr(codecs.escape_encode(data)[0]).decode("ascii")
    sequences = parts[1::2]
    chars = b"".join(sequences).decode("utf-8")  # one character per sequence
    looks = _LOOKS
    for match in _candidates().finditer(chars):
        index, char = match.start(), match.group()
        look = looks.get(char)
        if look is None:
            look = _look_of(char)
        if look is _MARK_LOOK:
            sequences[index] = _mark_shown(parts, index)
        elif look:
            sequences[index] = look
    parts[0::2] = [escaped for escaped, _ in map(codecs.escape_encode, parts[0::2])]
    parts[1::2] = sequences
    return _unescape_repr(b"".join(parts)).decode("utf-8")


_MARK_LOOK = b"mark"
"""``_look_of`` for a combining mark: how it looks depends on what stands before it."""
_LOOKS: dict[str, bytes] = {}
"""``_look_of`` of the characters met so far: a binary payload's few hundred distinct
candidates come back again and again (a dictionary look-up, not a category and a
printability test each time)."""
_MAX_LOOKS = 65536


def _look_of(char: str) -> bytes:
    """How ``visible_decoded`` writes the candidate ``char`` wherever it stands: ``b""`` as
    itself, else its escape; ``_MARK_LOOK`` for a mark (decided by ``_mark_shown``)."""
    if _is_mark(char):
        look = _MARK_LOOK
    elif _shown_as_itself(char):
        look = b""
    else:
        look = escape_char(char).encode("ascii")
    if len(_LOOKS) >= _MAX_LOOKS:
        _LOOKS.clear()
    _LOOKS[char] = look
    return look


def _unescape_repr(escaped: bytes) -> bytes:
    """``escape_encode``'s output as ``visible`` writes it: a quote and a backslash as themselves.

    Each replace meets the escapes in order: every backslash starts an escape, and only ``\\\\``
    holds two, so neither pattern can start inside another escape."""
    if b"\\'" in escaped:
        escaped = escaped.replace(b"\\'", b"'")
    if b"\\\\" in escaped:
        escaped = escaped.replace(b"\\\\", b"\\")
    return escaped


@functools.lru_cache(maxsize=None)
def _candidates() -> re.Pattern[str]:
    """Characters from U+0080 that ``visible`` may not show as themselves: the Latin-1 ones it
    escapes, and ``_above_latin1``'s."""
    return re.compile("[\\u0080-\\u00a0\\u00ad]|" + _above_latin1().pattern)


def _mark_shown(parts: list[bytes], index: int) -> bytes:
    """The rendering of the mark ``parts[2 * index + 1]`` (``visible``'s ``_has_base`` on the
    text ``bytes_to_text`` makes): it keeps its look when the first character before it that is
    not a mark is shown as itself."""
    char = parts[2 * index + 1].decode("utf-8")
    if _shown_as_itself(char):
        position = index
        while True:
            before = parts[2 * position]
            if before:
                # ASCII shown as itself, or an invalid byte (written \\xNN: a hex digit) keep it;
                # a control (escaped) does not
                if 0x20 <= before[-1] < 0x7F or before[-1] >= 0x80:
                    return parts[2 * index + 1]
                break
            if position == 0:
                break
            previous = parts[2 * position - 1].decode("utf-8")
            if not _is_mark(previous):
                if _shown_as_itself(previous):
                    return parts[2 * index + 1]
                break
            position -= 1
    return escape_char(char).encode("ascii")


_TEXT_BYTES = frozenset(range(0x20, 0x7F)) | {0x09, 0x0A, 0x0D}
_BYTE_ESCAPES = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x5C: "\\\\", 0x22: '\\"'}


def is_text(data: bytes) -> bool:
    """Printable ASCII, CR, LF and TAB only: bytes that read as typed text."""
    return all(byte in _TEXT_BYTES for byte in data)


def preview_bytes(data: bytes, limit: int = 48) -> str:
    """The first ``limit`` bytes of a payload for a one-line preview.

    Printable ASCII (with CR, LF, TAB) reads as a ``"text"`` source would be written: quoted,
    ``\\r \\n \\t \\\\ \\"`` escaped. Anything else is shown as hex (``d5 a4 ...``): a
    preview of binary bytes decoded as UTF-8 shows letters that were never typed.
    """
    head = data[:limit]
    more = " …" if len(data) > limit else ""
    if is_text(head):
        return '"' + "".join(_BYTE_ESCAPES.get(byte, chr(byte)) for byte in head) + '"' + more
    return " ".join(f"{byte:02x}" for byte in head[:limit // 3 or 1]) + (" …" if len(data) > (limit // 3 or 1) else "")


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


def _shown_as_itself(char: str) -> bool:
    return char.isprintable() and not _IGNORABLE.match(char)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in _MARK


def _has_base(text: str, index: int) -> bool:
    """The mark at ``index`` sits on a character shown as itself (other marks may come between)."""
    index -= 1
    while index >= 0 and _is_mark(text[index]):
        index -= 1
    return index >= 0 and _shown_as_itself(text[index])


def _escape_above_latin1(match: re.Match[str]) -> str:
    char = match.group()
    if _shown_as_itself(char) and (not _is_mark(char) or _has_base(match.string, match.start())):
        return char
    return escape_char(char)


_KEEP_CHOICES = ("", "\t", "\n", "\t\n")


def _keep_key(keep: str) -> str:
    if keep in _KEEP_CHOICES:
        return keep
    if keep.strip(_KEEPABLE):
        raise ValueError(f"visible() keeps only TAB and LF, not {keep!r}")
    return "".join(c for c in _KEEPABLE if c in keep)


@functools.lru_cache(maxsize=None)
def _latin1_escaper(keep: str) -> Escaper:
    """C0, DEL, C1, NBSP, the soft hyphen, and surrogateescape's byte stand-ins (U+DC80-U+DCFF,
    many in a binary payload)."""
    codes = (*range(0x100), *_BYTE_SURROGATES)
    return _escaper([code for code in codes if not _shown_as_itself(chr(code)) and chr(code) not in keep])


@functools.lru_cache(maxsize=None)
def _above_latin1() -> re.Pattern[str]:
    """Candidates above U+00FF: BMP characters never shown as themselves, BMP marks, and every
    astral character (the callback decides for those: see the module's note on speed)."""
    bmp = range(0x100, 0x10000)
    # One pass in C each (map, bytes, a regex over the flags): about 0.03 s for the BMP.
    never = bytes(map(_shown_as_itself, map(chr, bmp)))
    marks = bytes(map(_MARK.__contains__, map(unicodedata.category, map(chr, bmp))))
    ranges = [(0x100 + m.start(), 0x100 + m.end() - 1) for m in re.finditer(rb"\x00+", never)]
    ranges += [(0x100 + m.start(), 0x100 + m.end() - 1) for m in re.finditer(rb"\x01+", marks)]
    bmp_class = "".join(_range_text(a, b) for a, b in _without(sorted(ranges), _BYTE_SURROGATES))
    # Two classes, not one: a class with an astral range loses re's constant-time BMP table.
    return re.compile(f"[{bmp_class}]|[\\U00010000-\\U0010ffff]")


_BYTE_SURROGATES = range(0xDC80, 0xDD00)


def _without(ranges: list[tuple[int, int]], hole: range) -> list[tuple[int, int]]:
    """``ranges`` minus the code points of ``hole`` (the Latin-1 escaper handles those)."""
    out = []
    for first, last in ranges:
        if last < hole.start or first >= hole.stop:
            out.append((first, last))
            continue
        if first < hole.start:
            out.append((first, hole.start - 1))
        if last >= hole.stop:
            out.append((hole.stop, last))
    return out


def _range_text(first: int, last: int) -> str:
    # \uXXXX escapes in the pattern: a surrogate cannot stand in it as itself.
    return f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}"
