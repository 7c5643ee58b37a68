"""The REPL's persistent history: a file in the data directory, without secrets.

Lines that put a secret on the command line (``SCFG=wifi_wpa_psk_text,...``, a TLS key typed
as ``hex:`` or ``"..."``) are kept for Up/Down in this session but never written to the file,
the same redaction the recordings apply.
"""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from spwf_tui import locations
from spwf_tui.core import catalog
from spwf_tui.core.commandline import parse

HISTORY_FILE = "repl_history"
_KEY_COMMANDS = ("TLSCERT", "WPAECERT")


def history_path() -> Path:
    """``<data dir>/repl_history``."""
    return locations.data_dir() / HISTORY_FILE


def is_secret_line(line: str) -> bool:
    """True when ``line`` carries a secret in its own text."""
    parsed = parse(line.strip())
    params = [p.strip() for p in parsed.params]
    if parsed.name == "SCFG" and params:
        variable = catalog.config_variable(params[0])
        return variable is not None and variable.secret
    if parsed.name in _KEY_COMMANDS and len(params) >= 2 and params[0].lower() == "key":
        return not params[1].startswith(("@", "ski:")) and not params[1].isdigit()
    return False


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
