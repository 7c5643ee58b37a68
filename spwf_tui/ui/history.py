"""The command builder's history browsing (Up/Down by prefix, Ctrl+R search) over the shared
history file (``spwf_tui.history``: the REPL's too; secrets never written, 0600, no links)."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.history import MAX_HISTORY, HistoryFile


class History:
    """Commands typed before, kept in the user data directory across sessions."""

    def __init__(self, path: Path | None = None) -> None:
        self._file = HistoryFile(path)
        self.path = self._file.path
        self.lines: list[str] = self._file.load()
        self._cursor = len(self.lines)
        self._prefix = ""

    def add(self, line: str) -> None:
        """Remember ``line`` (not twice in a row) and save it, unless it carries a secret."""
        if line and (not self.lines or self.lines[-1] != line):
            self.lines.append(line)
            del self.lines[:-MAX_HISTORY]
            self._file.append(line)
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
