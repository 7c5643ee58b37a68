"""The REPL's persistent history: a private file in the data directory, without secrets.

Lines that carry a secret in their own text (an assignment of a secret variable, a TLS key typed
as ``hex:`` or ``"..."``, a ``:note`` quoting either) are kept for Up/Down in this session but
never written to the file, the same rules the recordings apply (``core.redact``). The file is
0600 in a 0700 directory and never followed through a symbolic link (``safefiles``): a planted
link must not get the user's commands appended to the file it points at.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from pathlib import Path

from prompt_toolkit.history import FileHistory, History, InMemoryHistory

from spwf_tui import locations, safefiles
from spwf_tui.core.redact import typed_line_holds_secret

HISTORY_FILE = "repl_history"


def history_path() -> Path:
    """``<data dir>/repl_history``."""
    return locations.data_dir() / HISTORY_FILE


def is_secret_line(line: str) -> bool:
    """True when ``line`` carries a secret in its own text (``core.redact``)."""
    return typed_line_holds_secret(line)


class RedactingFileHistory(FileHistory):
    """prompt_toolkit's ``FileHistory`` format, written owner-only, never through a link, and
    without secret lines."""

    def load_history_strings(self) -> Iterable[str]:
        try:
            fd = os.open(self.filename, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return []
        with os.fdopen(fd, "rb") as file:
            entries: list[str] = []
            lines: list[str] = []
            for raw in file:
                line = raw.decode("utf-8", errors="replace")
                if line.startswith("+"):
                    lines.append(line[1:])
                    continue
                if lines:
                    entries.append("".join(lines)[:-1])
                lines = []
            if lines:
                entries.append("".join(lines)[:-1])
        # A file written before secrets were kept out of it may hold some: they are not loaded.
        return reversed([entry for entry in entries if not is_secret_line(entry)])

    def store_string(self, string: str) -> None:
        if is_secret_line(string):
            return
        text = f"\n# {datetime.datetime.now()}\n" + "".join(f"+{line}\n" for line in string.split("\n"))
        try:
            fd = safefiles.open_append(Path(self.filename), "history file")
        except safefiles.UnsafeFileError:
            return  # checked when the REPL started; a link planted since is not written through
        try:
            safefiles.write_all(fd, text.encode("utf-8", errors="replace"))
        except OSError:
            pass  # history is a convenience: a full disk must not break the session
        finally:
            os.close(fd)


def open_history() -> tuple[History, str | None]:
    """The history to use, and a warning to show (then memory only, or the folder tightened)."""
    path = history_path()
    try:
        warning = safefiles.private_dir(path.parent, "data folder")
        os.close(safefiles.open_append(path, "history file"))
    except safefiles.UnsafeFileError as exc:
        return InMemoryHistory(), f"history is not saved: {exc}"
    return RedactingFileHistory(str(path)), warning
