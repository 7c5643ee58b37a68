"""The command history shared by the TUI's builder and the REPL: one file, one line per command,
oldest first, in the data directory (``<data dir>/history``).

Kept out of it: lines that carry a secret in their own text (an assignment of a secret variable,
a key typed inline, a ``:note`` quoting either; ``core.redact``) and lines with a line break.
They stay in the front end's memory for Up/Down in this session only.

The file is 0600 in a 0700 folder, read and written only through ``safefiles`` and
``O_NOFOLLOW``: a link planted in its place is neither read nor written through. Each command is
appended (two front ends open at once both keep theirs); the file is rewritten whole, private and
cleaned, when it grows past twice ``MAX_HISTORY`` lines, when it is not 0600, or when it holds a
line an older version saved with a secret in it.

The first time, the two files of older versions (``tui_history``, one command a line, and
``repl_history``, prompt-toolkit's ``+line`` format) are read into the new one, the TUI's first.
They are left where they are.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from spwf_tui import locations, safefiles
from spwf_tui.core.redact import typed_line_holds_secret

HISTORY_FILE = "history"
MAX_HISTORY = 1000
"""Lines loaded (the newest); the file is cut back to these when it holds twice as many."""
LEGACY_FILES = ("tui_history", "repl_history")
"""Older versions' files beside it, read once into a new ``history`` (in this order)."""
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
"""Never through a link; a FIFO planted in its place opens without waiting, and is then refused."""


def history_path() -> Path:
    """``<data dir>/history``."""
    return locations.data_dir() / HISTORY_FILE


def kept_out(line: str) -> bool:
    """True for a line never written to the file: empty, a line break in it, or a secret."""
    return not line or "\n" in line or "\r" in line or typed_line_holds_secret(line)


class HistoryFile:
    """The history file: ``load`` once, ``append`` each command."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or history_path()

    def check(self) -> str | None:
        """Make sure the history can be written; a warning to show (the folder was tightened), or None.

        Raises:
            safefiles.UnsafeFileError: the folder or the file is a link, or cannot be made.
        """
        warning = safefiles.private_dir(self.path.parent, "data folder")
        self._carry_over_legacy()  # before the file exists: an empty one would end the carrying over
        os.close(safefiles.open_append(self.path, "history file"))
        return warning

    def load(self) -> list[str]:
        """The newest ``MAX_HISTORY`` commands, oldest first (never raises: a history is a convenience)."""
        self._carry_over_legacy()
        read = _read_lines(self.path)
        if read is None:
            return []
        lines, mode = read
        kept = [line for line in lines if not kept_out(line)]
        if len(kept) != len(lines) or len(lines) > 2 * MAX_HISTORY or mode != safefiles.FILE_MODE:
            self._rewrite(kept[-MAX_HISTORY:])
        return kept[-MAX_HISTORY:]

    def append(self, line: str) -> None:
        """Add ``line`` to the file, unless it is kept out (``kept_out``); failures are silent."""
        if kept_out(line):
            return
        try:
            safefiles.private_dir(self.path.parent, "data folder")
            fd = safefiles.open_append(self.path, "history file")
        except (OSError, safefiles.UnsafeFileError):
            return  # a read-only home or a link planted since the start: not written through
        try:
            safefiles.write_all(fd, (line + "\n").encode("utf-8", errors="replace"))
        except OSError:
            pass  # a full disk must not break the session
        finally:
            os.close(fd)

    def _rewrite(self, lines: list[str]) -> None:
        try:
            safefiles.private_dir(self.path.parent, "data folder")
            safefiles.replace_private(self.path, "".join(line + "\n" for line in lines).encode("utf-8"),
                                      "history file")
        except (OSError, safefiles.UnsafeFileError):
            pass

    def _carry_over_legacy(self) -> None:
        """No history file yet: start it with the older versions' lines, if there are any."""
        if not self.path.exists() and not self.path.is_symlink():
            legacy = self._legacy_lines()
            if legacy:
                self._rewrite(legacy[-MAX_HISTORY:])

    def _legacy_lines(self) -> list[str]:
        lines: list[str] = []
        for name in LEGACY_FILES:
            read = _read_lines(self.path.parent / name)
            if read is not None:
                entries = _prompt_toolkit_entries(read[0]) if name == "repl_history" else read[0]
                lines += [line for line in entries if not kept_out(line)]
        return lines


def _read_lines(path: Path) -> tuple[list[str], int] | None:
    """The file's lines and permission bits, never through a link; None when it cannot be read."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        mode = stat.S_IMODE(os.fstat(file.fileno()).st_mode)
        text = file.read().decode("utf-8", errors="replace")
    return text.splitlines(), mode


def _prompt_toolkit_entries(lines: list[str]) -> list[str]:
    """The commands of a prompt-toolkit ``FileHistory`` file (``# date`` then ``+line`` per line
    of an entry), oldest first."""
    entries: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("+"):
            current.append(line[1:])
        elif current:
            entries.append("\n".join(current))
            current = []
    return entries
