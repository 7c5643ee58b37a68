"""Raw mode's tables (core/rawmode.py): keys to bytes, line ends, CR/LF maps, raw paste lines."""

from __future__ import annotations

import pytest

from spwf_tui.core.rawmode import (
    RESERVED_KEY,
    LineEnds,
    RawModeError,
    key_bytes,
    normalize_key,
    parse_eol,
    parse_maps,
    paste_lines,
)

CR = LineEnds("cr")


@pytest.mark.parametrize(("name", "character", "wanted"), [
    ("a", "a", b"a"), ("A", "A", b"A"), ("é", "é", "é".encode()), ("space", " ", b" "),
    ("enter", None, b"\r"), ("ctrl+c", None, b"\x03"), ("ctrl+d", None, b"\x04"), ("ctrl+a", None, b"\x01"),
    ("escape", None, b"\x1b"), ("backspace", None, b"\x7f"), ("tab", None, b"\t"),
    ("up", None, b"\x1b[A"), ("down", None, b"\x1b[B"), ("right", None, b"\x1b[C"), ("left", None, b"\x1b[D"),
    ("alt+x", None, b"\x1bx"), ("alt+ctrl+q", None, b"\x1b\x11"), ("home", None, b"\x1b[H"), ("delete", None, b"\x1b[3~"), ("ctrl+space", None, b"\x00"),
])
def test_every_key_sends_what_a_terminal_sends(name, character, wanted):
    assert key_bytes(name, character, CR) == wanted


def test_the_reserved_key_and_function_keys_send_nothing():
    assert key_bytes(RESERVED_KEY, None, CR) is None
    assert key_bytes("f6", None, CR) is None
    assert key_bytes("f1", None, CR) is None


def test_enter_and_backspace_follow_eol_and_odelbs():
    assert key_bytes("enter", None, LineEnds("lf")) == b"\n"
    assert key_bytes("enter", None, LineEnds("crlf")) == b"\r\n"
    assert key_bytes("backspace", None, LineEnds("cr", frozenset({"odelbs"}))) == b"\x08"


@pytest.mark.parametrize(("pt", "textual"), [
    ("c-c", "ctrl+c"), ("c-m", "enter"), ("c-i", "tab"), ("c-h", "backspace"), ("c-]", RESERVED_KEY),
    ("up", "up"), ("escape", "escape"), ("f6", "f6"), ("x", "x"), ("c-@", "ctrl+@"),
])
def test_prompt_toolkit_names_become_textual_names(pt, textual):
    assert normalize_key(pt) == textual


def test_received_maps_change_only_cr_and_lf():
    data = b">>> 1+1\r\n2\r\n>>> "
    assert LineEnds(maps=frozenset({"icrnl"})).map_rx(data) == b">>> 1+1\n\n2\n\n>>> "
    assert LineEnds(maps=frozenset({"igncr"})).map_rx(data) == b">>> 1+1\n2\n>>> "
    assert LineEnds(maps=frozenset({"inlcrnl"})).map_rx(b"a\nb") == b"a\r\nb"
    assert LineEnds(maps=frozenset({"odelbs"})).maps_rx is False
    assert LineEnds().map_rx(data) == data


def test_bad_values_are_one_clear_error():
    assert parse_eol("CRLF") == "crlf"
    with pytest.raises(RawModeError, match="give cr, lf or crlf"):
        parse_eol("lfcr")
    assert parse_maps(["icrnl,odelbs", "odelbs"]) == {"icrnl", "odelbs"}
    with pytest.raises(RawModeError, match="known maps are icrnl"):
        parse_maps(["ocrnl"])
    with pytest.raises(RawModeError, match="exclude each other"):
        parse_maps(["icrnl", "igncr"])


def test_a_raw_paste_ends_each_line_with_the_eol():
    assert paste_lines("a\r\nb\nc", CR) == [b"a\r", b"b\r", b"c"]
    assert paste_lines("import os\n", LineEnds("crlf")) == [b"import os\r\n"]
    assert paste_lines("word", CR) == [b"word"]
    assert paste_lines("x\n\ny\n", CR) == [b"x\r", b"\r", b"y\r"]


def test_what_the_terminal_typed_goes_out_as_it_is_except_the_translated_keys():
    assert key_bytes("shift+tab", "\x1b\t", CR, typed="\x1b\t") == b"\x1b\t"
    assert key_bytes("up", "\x1bOA", CR, typed="\x1bOA") == b"\x1b[A"  # application cursor mode
    assert key_bytes("enter", "\r", LineEnds("lf"), typed="\r") == b"\n"
    assert key_bytes("f5", "\x1b[15~", CR, typed="\x1b[15~") is None
    assert key_bytes("shift+tab", None, CR) == b"\x1b[Z"
