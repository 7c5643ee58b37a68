"""``core.display.visible``: the one function that makes outside text printable (issue 13 §1, §9).

The checks here do not reuse the function's own tables: ``dangerous`` below is written from the
Unicode categories, so a gap in ``visible`` shows as a failure, not as agreement with itself.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.core.display import escape_char, visible, visible_bytes, visible_decoded, visible_lines
from spwf_tui.core.events import bytes_to_text
from tests.support.fuzz import budget

NEVER_SHOWN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
"""Controls, format characters (bidi, zero-width), surrogates, private use, unassigned, separators."""
DEFAULT_IGNORABLE_SHOWN_BY_ISPRINTABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F,
                                          0x3164, 0xFE0F, 0xFFA0}

HOSTILE = [
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write the clipboard
    "\x1b]0;owned\x07",  # OSC 0: window title
    "\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b2J",  # C1 CSI as a character (from UTF-8 C2 9B)
    "\x85", "\x90", "\x9d", "\x9c",  # NEL, DCS, OSC, ST
    "\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069",  # bidi
    "\u200e", "\u200f", "\u061c",  # bidi marks
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, soft hyphen
    "\U000e0001", "\U000e0041",  # tag characters
    "\u2028", "\u2029",  # line and paragraph separators
    "\ue000", "\U000f0000", "\U0010fffd",  # private use
    "\u0378", "\U000e0080", "\U0003fffe",  # unassigned
    "\ud800", "\udc9b",  # surrogates (a lone high one; surrogateescape's 0x9B)
    "\u0301", "\u20dd",  # combining marks: without a base when first
    "\ufe0f", "\u3164", "\u034f",  # default ignorable
    "\u00a0", "\u3000", "\u2007",  # spaces other than the ASCII one
    "\x7f", "\x00", "\r", "\n", "\t", "\x08",
    "[/]", "[link=http://evil]x[/link]", "[bold red]", "\\x1b", "\\",
]


def dangerous(text: str, keep: str = "") -> list[str]:
    """Characters in ``text`` a terminal would not draw as themselves (``keep`` allowed)."""
    found = []
    previous = "\n"
    for char in text:
        code = ord(char)
        if char in keep:
            pass
        elif unicodedata.category(char) in NEVER_SHOWN or code in DEFAULT_IGNORABLE_SHOWN_BY_ISPRINTABLE:
            found.append(char)
        elif unicodedata.category(char) in ("Zs",) and char != " ":
            found.append(char)
        elif unicodedata.category(char)[0] == "M" and previous in "\n\t":
            found.append(char)  # a mark at the start of a line or after a TAB: nothing to sit on
        previous = char
    return found


hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), max_size=12).map("".join)


@settings(max_examples=budget(500), deadline=None)
@given(text=hostile_text)
def test_nothing_dangerous_survives_visible(text):
    shown = visible(text)
    assert dangerous(shown) == []
    assert "\n" not in shown and "\t" not in shown


@settings(max_examples=budget(300), deadline=None)
@given(text=hostile_text)
def test_visible_lines_keeps_only_tab_and_line_feed(text):
    shown = visible_lines(text)
    assert dangerous(shown, keep="\t\n") == []
    assert shown.count("\n") == text.count("\n") and shown.count("\t") == text.count("\t")


@settings(max_examples=budget(300), deadline=None)
@given(text=hostile_text)
def test_visible_is_idempotent(text):
    # Front ends may escape twice (a field, then the whole report): nothing may double.
    assert visible(visible(text)) == visible(text)


@settings(max_examples=budget(300), deadline=None)
@given(data=st.binary(max_size=64))
def test_visible_bytes_is_printable_and_reversible(data):
    shown = visible_bytes(data)
    assert dangerous(shown) == []
    assert _unescape_bytes(shown) == data


_PAYLOAD_PIECES = [piece.encode("utf-8", "surrogatepass") for piece in HOSTILE if not "\ud800" <= piece <= "\udfff"] + [
    b"\xff", b"\xc3", b"\x80", b"\xe2\x80", b"\xf0\x9f\x98", b"\xed\xa0\x80",  # never UTF-8, or cut
    b"\xcc\x81", b"\xcd\x8f", b"\xe2\x83\x9d", b"\xf0\x9d\x85\xa5",  # marks (one astral), a mark-like ignorable
    b"\xf0\x9f\x98\x80", b"\xc3\xa9", b"\xe4\xb8\xad", b"'", b'"', b"\\x41", b"\\\\", b"a", b" ", b"\x1b",
]
payload_bytes = st.one_of(st.binary(max_size=64),
                          st.lists(st.sampled_from(_PAYLOAD_PIECES), max_size=16).map(b"".join))


@settings(max_examples=budget(1000), deadline=None)
@given(data=payload_bytes)
def test_visible_decoded_is_visible_of_the_decoded_text(data):
    # The transcript's and decode's payload line: the fast form must be the definition's, byte
    # for byte (marks after escapes, quotes, backslashes, bytes that are never UTF-8).
    assert visible_decoded(data) == visible(bytes_to_text(data))


def test_visible_decoded_on_random_binary():
    import random

    generator = random.Random(19)
    for _ in range(50):
        data = bytes(generator.getrandbits(8) for _ in range(4096))
        assert visible_decoded(data) == visible(bytes_to_text(data))


def _unescape_bytes(shown: str) -> bytes:
    """Inverse of ``visible_bytes`` (for the test): escapes back to their bytes."""
    out = bytearray()
    i = 0
    while i < len(shown):
        char = shown[i]
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        kind = shown[i + 1]
        if kind == "\\":
            out += b"\\"
            i += 2
        elif kind in "rnt":
            out += {"r": b"\r", "n": b"\n", "t": b"\t"}[kind]
            i += 2
        elif kind == "x":
            out.append(int(shown[i + 2:i + 4], 16))
            i += 4
        else:
            width = 4 if kind == "u" else 8
            out += chr(int(shown[i + 2:i + 2 + width], 16)).encode("utf-8")
            i += 2 + width
    return bytes(out)


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2J", "\\x1b[2J"),
    ("a\tb\r\n", "a\\tb\\r\\n"),
    ("\x7f", "\\x7f"),
    ("\x9b2J", "\\u009b2J"),  # the C1 character: \u, it came as UTF-8
    ("\udc9b", "\\x9b"),  # a byte that was not UTF-8 (surrogateescape): \x, like backslashreplace
    ("abc\u202edef", "abc\\u202edef"),
    ("\u2066x\u2069", "\\u2066x\\u2069"),
    ("\u200f\u061c", "\\u200f\\u061c"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("tag\U000e0001", "tag\\U000e0001"),
    ("line\u2028sep", "line\\u2028sep"),
    ("\ue000", "\\ue000"),
    ("\u0378", "\\u0378"),
    ("\ud800", "\\ud800"),
    ("\u0301a", "\\u0301a"),  # a mark with nothing before it
    ("\x1b\u0301", "\\x1b\\u0301"),  # after an escape it would sit on the escape's last letter
    ("e\u0301", "e\u0301"),  # a mark on its base stays
    ("nb\u00a0sp", "nb\\u00a0sp"),
    ("\u2764\ufe0f", "\u2764\\ufe0f"),  # VS16: the cell width terminals disagree on
    ("café 中文 😀 Ωμέγα", "café 中文 😀 Ωμέγα"),  # printable text from anywhere stays as it is
    ("C:\\Users\\x1b", "C:\\Users\\x1b"),  # the backslash stays: readable paths
    ("[/]", "[/]"),  # markup is the TUI's business (never parsed as markup there)
])
def test_each_rule(text, shown):
    assert visible(text) == shown


def test_tab_and_line_feed_can_be_kept_but_carriage_return_never():
    assert visible("a\tb\nc\rd", keep="\t") == "a\tb\\nc\\rd"
    assert visible("a\tb\nc\rd", keep="\n") == "a\\tb\nc\\rd"
    assert visible_lines("a\tb\nc\rd\u202e") == "a\tb\nc\\rd\\u202e"
    with pytest.raises(ValueError):
        visible("x", keep="\r")


def test_visible_bytes_doubles_backslashes_so_escapes_are_unambiguous():
    assert visible_bytes(b"\\x1b") == "\\\\x1b"  # four characters sent as text
    assert visible_bytes(b"\x1b") == "\\x1b"  # the byte ESC
    assert visible_bytes(b"\x9b\xc2\x9b") == "\\x9b\\u009b"  # a raw 0x9B byte, then U+009B in UTF-8
    assert visible_bytes("é".encode()) == "é"


def test_escape_char_forms():
    assert escape_char("\x1b") == "\\x1b"
    assert escape_char("\u0085") == "\\u0085"
    assert escape_char("\U000e0001") == "\\U000e0001"
    assert escape_char("\udcff") == "\\xff"
