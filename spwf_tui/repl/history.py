"""The REPL's persistent history: a file in the data directory, without secrets.

Lines that put a secret on the command line (``SCFG=wifi_wpa_psk_text,...``, a TLS key typed
as ``hex:`` or ``"..."``) are kept for Up/Down in this session but never written to the file,
the same redaction the recordings apply.
"""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from spwf_tui import locations
from spwf_tui.core.redact import typed_line_holds_secret

HISTORY_FILE = "repl_history"


def history_path() -> Path:
    """``<data dir>/repl_history``."""
    return locations.data_dir() / HISTORY_FILE


def is_secret_line(line: str) -> bool:
    """True when ``line`` carries a secret in its own text (``core.redact``)."""
    return typed_line_holds_secret(line)


class RedactingFileHistory(FileHistory):
    """``FileHistory`` that keeps secret lines out of the file."""

    def store_string(self, string: str) -> None:
        if not is_secret_line(string):
            super().store_string(string)


def open_history() -> tuple[History, str | None]:
    """The history to use, and a warning when the file cannot be used (then memory only)."""
    path = history_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError as exc:
        return InMemoryHistory(), f"history is not saved: cannot write {path} ({exc.strerror or exc})"
    return RedactingFileHistory(str(path)), None
