"""The REPL's history: prompt-toolkit's ``History`` over the shared history file
(``spwf_tui.history``: the TUI's too; secrets never written, 0600, never through a link).

A line that carries a secret is kept for Up/Down in this session (prompt-toolkit keeps every
line it is given in memory) but never reaches the file.
"""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.history import History, InMemoryHistory

from spwf_tui import safefiles
from spwf_tui.history import HistoryFile


class SharedHistory(History):
    """Loads the shared file (newest first, as prompt-toolkit wants) and appends to it."""

    def __init__(self, file: HistoryFile) -> None:
        super().__init__()
        self._file = file

    def load_history_strings(self) -> Iterable[str]:
        return list(reversed(self._file.load()))

    def store_string(self, string: str) -> None:
        self._file.append(string)


def open_history(file: HistoryFile | None = None) -> tuple[History, str | None]:
    """The history to use, and a warning to show (then memory only, or the folder tightened)."""
    file = file or HistoryFile()
    try:
        warning = file.check()
    except safefiles.UnsafeFileError as exc:
        return InMemoryHistory(), f"history is not saved: {exc}"
    return SharedHistory(file), warning
