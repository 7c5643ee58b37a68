"""Raw mode: which bytes a key sends, what Enter sends, how received CR and LF are mapped.

Pure tables shared by the TUI and the REPL (docs/protocol.md §12). A front end turns its own key
event into a key name in one spelling (Textual's: ``up``, ``ctrl+c``, ``enter``; prompt-toolkit's
``c-c`` is rewritten by ``normalize_key``) and asks ``key_bytes`` for what goes to the port.
Arrows and editing keys send the VT100/xterm sequences a terminal emulator such as miniterm or
tio would send (normal cursor mode), so the module's MicroPython line editor understands them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EOLS = {"cr": b"\r", "lf": b"\n", "crlf": b"\r\n"}
"""What Enter (and the end of a pasted line) sends in raw mode: ``--eol``."""
DEFAULT_EOL = "cr"
"""The module's console ends a command with CR; MicroPython accepts CR too."""

RESERVED_KEY = "ctrl+right_square_bracket"
"""Never sent in raw mode: it leaves raw mode (telnet's and miniterm's escape key). Send 0x1D
with ``:send hex:1d`` when a device really needs it."""
TOGGLE_KEY = "f6"
"""Enters raw mode (and leaves it: function keys are not sent)."""

VT_SEQUENCES = {
    "up": b"\x1b[A", "down": b"\x1b[B", "right": b"\x1b[C", "left": b"\x1b[D",
    "home": b"\x1b[H", "end": b"\x1b[F", "insert": b"\x1b[2~", "delete": b"\x1b[3~",
    "pageup": b"\x1b[5~", "pagedown": b"\x1b[6~",
}
"""Editing keys as xterm sends them in normal cursor mode."""
_SINGLE = {"escape": b"\x1b", "tab": b"\t", "space": b" ", "shift+tab": b"\x1b[Z"}
_CTRL_PUNCTUATION = {"ctrl+space": 0x00, "ctrl+@": 0x00, "ctrl+backslash": 0x1C,
                     "ctrl+left_square_bracket": 0x1B, "ctrl+circumflex_accent": 0x1E,
                     "ctrl+underscore": 0x1F}

_FUNCTION_KEYS = frozenset(f"f{n}" for n in range(1, 25))

RX_MAPS = {
    "icrnl": "received CR shown as LF",
    "igncr": "received CR dropped",
    "inlcrnl": "received LF shown as CR LF",
}
"""Received-byte maps (tio's names), applied after the recording and before the log splits lines."""
TX_MAPS = {"odelbs": "Backspace sends BS (0x08) instead of DEL (0x7f)"}
"""Sent-byte maps (tio's names)."""
MAPS = {**RX_MAPS, **TX_MAPS}


class RawModeError(ValueError):
    """A bad ``--eol`` or ``--map`` value; the message says what is allowed."""


@dataclass(frozen=True)
class LineEnds:
    """The line-end settings of a session: ``--eol`` and ``--map``."""

    eol: str = DEFAULT_EOL
    maps: frozenset[str] = frozenset()

    @property
    def enter(self) -> bytes:
        """The bytes Enter sends."""
        return EOLS[self.eol]

    def map_rx(self, data: bytes) -> bytes:
        """Received bytes as the log should split them (unchanged without an RX map)."""
        if "igncr" in self.maps:
            data = data.replace(b"\r", b"")
        elif "icrnl" in self.maps:
            data = data.replace(b"\r", b"\n")
        if "inlcrnl" in self.maps:
            data = data.replace(b"\n", b"\r\n")
        return data

    @property
    def maps_rx(self) -> bool:
        """True when received bytes are changed at all."""
        return bool(self.maps & RX_MAPS.keys())

    def describe(self) -> str:
        """``eol cr`` or ``eol crlf, map icrnl`` for the status line and notes."""
        text = f"eol {self.eol}"
        return f"{text}, map {','.join(sorted(self.maps))}" if self.maps else text


def parse_eol(text: str) -> str:
    """``--eol`` value: cr, lf or crlf (any case)."""
    value = text.strip().lower()
    if value not in EOLS:
        raise RawModeError(f"--eol {text!r}: give cr, lf or crlf")
    return value


def parse_maps(values: Iterable[str]) -> frozenset[str]:
    """``--map`` values, each one name or several separated by commas."""
    names: set[str] = set()
    for value in values:
        for name in value.split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in MAPS:
                raise RawModeError(f"--map {name!r}: known maps are {', '.join(MAPS)}")
            names.add(name)
    if {"icrnl", "igncr"} <= names:
        raise RawModeError("--map icrnl and igncr exclude each other: choose one")
    return frozenset(names)


def normalize_key(name: str) -> str:
    """A prompt-toolkit key name in Textual's spelling (``c-c`` → ``ctrl+c``, ``c-m`` → ``enter``)."""
    aliases = {"c-m": "enter", "c-j": "enter", "c-i": "tab", "c-h": "backspace", "c-@": "ctrl+@",
               "c-space": "ctrl+space", "c-\\": "ctrl+backslash", "c-]": RESERVED_KEY,
               "c-^": "ctrl+circumflex_accent", "c-_": "ctrl+underscore", "s-tab": "shift+tab"}
    if name in aliases:
        return aliases[name]
    if name.startswith("c-") and len(name) == 3:
        return f"ctrl+{name[2]}"
    return name


def key_bytes(name: str, character: str | None, ends: LineEnds, typed: str | None = None) -> bytes | None:
    """The bytes a key sends in raw mode; None for keys that send nothing (F-keys, the reserved key).

    Args:
        name: the key in Textual's spelling (``normalize_key`` for prompt-toolkit's).
        character: the printable character the key typed, if any.
        ends: the session's line-end settings (Enter, Backspace).
        typed: what the terminal itself sent for the key, when the front end knows it (the
            REPL): sent as it is for every key but Enter, Backspace and the editing keys, which
            are made the same whatever the terminal's mode (``\x1bOA`` → ``\x1b[A``).
    """
    if name == RESERVED_KEY:
        return None
    if name == "enter":
        return ends.enter
    if name == "backspace":
        return b"\x08" if "odelbs" in ends.maps else b"\x7f"
    if name in VT_SEQUENCES:
        return VT_SEQUENCES[name]
    if typed and name not in _FUNCTION_KEYS:
        return typed.encode("utf-8", "surrogateescape")
    if name in _SINGLE:
        return _SINGLE[name]
    if name in _CTRL_PUNCTUATION:
        return bytes([_CTRL_PUNCTUATION[name]])
    if name.startswith("ctrl+") and len(name) == 6 and name[5].isalpha():
        return bytes([ord(name[5].lower()) - ord("a") + 1])
    if name.startswith("alt+"):  # Esc then the key, as xterm's meta key sends it
        inner = key_bytes(name[4:], character, ends)
        return b"\x1b" + inner if inner else None
    if character and character.isprintable():
        return character.encode("utf-8")
    if len(name) == 1 and name.isprintable():
        return name.encode("utf-8")
    return None


def paste_lines(text: str, ends: LineEnds) -> list[bytes]:
    """A raw-mode paste as the byte runs to send, one per line, each line end made ``ends.enter``.

    The last line keeps no line end unless the pasted text had one (a word pasted mid-line).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    trailing = lines[-1] == ""
    if trailing:
        lines.pop()
    out = [line.encode("utf-8") + ends.enter for line in lines]
    if out and not trailing:
        out[-1] = out[-1][: -len(ends.enter)]
    return [chunk for chunk in out if chunk]
