"""The command builder's persistent history: one line per command, newest last.

The file is 0600 in a 0700 directory, replaced whole on each save and never read or written
through a symbolic link (``safefiles``); lines that carry a secret never reach it.
"""

from __future__ import annotations

import os
from pathlib import Path

from spwf_tui import locations, safefiles
from spwf_tui.core.redact import typed_line_holds_secret

MAX_HISTORY = 1000


class History:
    """Commands typed before, kept in the user data directory across sessions."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or locations.data_dir() / "tui_history"
        self.lines: list[str] = self._load()
        self._cursor = len(self.lines)
        self._prefix = ""

    def add(self, line: str) -> None:
        """Remember ``line`` (not twice in a row) and save, unless it carries a secret."""
        if line and (not self.lines or self.lines[-1] != line):
            self.lines.append(line)
            del self.lines[:-MAX_HISTORY]
            if not sets_a_secret(line):
                self._save()
        self.reset()

    def reset(self) -> None:
        """Start browsing from the newest entry again."""
        self._cursor = len(self.lines)
        self._prefix = ""

    def older(self, typed: str) -> str | None:
        """The previous line starting with what was typed when browsing began (fish-style)."""
        if self._cursor == len(self.lines):
            self._prefix = typed
        for index in range(self._cursor - 1, -1, -1):
            if self.lines[index].startswith(self._prefix):
                self._cursor = index
                return self.lines[index]
        return None

    def newer(self) -> str | None:
        """The next line with the same prefix, or the prefix itself past the newest."""
        for index in range(self._cursor + 1, len(self.lines)):
            if self.lines[index].startswith(self._prefix):
                self._cursor = index
                return self.lines[index]
        self._cursor = len(self.lines)
        return self._prefix

    def search(self, text: str, before: int | None = None) -> tuple[int, str] | None:
        """The newest line containing ``text`` before index ``before`` (Ctrl+R)."""
        start = len(self.lines) if before is None else before
        for index in range(start - 1, -1, -1):
            if text.lower() in self.lines[index].lower():
                return index, self.lines[index]
        return None

    def _load(self) -> list[str]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
            with os.fdopen(fd, "rb") as file:
                lines = file.read().decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        # A file written before secrets were kept out of it may hold some: they are not loaded.
        return [line for line in lines if not sets_a_secret(line)][-MAX_HISTORY:]

    def _save(self) -> None:
        kept = [line for line in self.lines if not sets_a_secret(line)]
        try:
            safefiles.private_dir(self.path.parent, "data folder")
            safefiles.replace_private(self.path, ("\n".join(kept) + "\n").encode("utf-8"), "history file")
        except (OSError, safefiles.UnsafeFileError):
            pass  # history is a convenience; a read-only home or a planted link must not break the session


def sets_a_secret(line: str) -> bool:
    """True for ``AT+S.SCFG=<secret variable>,...`` and a key typed inline (``core.redact``):
    such lines stay out of the history file."""
    return typed_line_holds_secret(line)
