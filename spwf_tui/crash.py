"""What an internal error shows: one line on the terminal, the details in a private file.

Textual's crash screen prints a traceback with every frame's local variables: the session's
module state, log entries, the passphrase being sent. A terminal is shared, scrolled back and
pasted into bug reports, so the TUI shows only the error and where the details are; the file
(``crash-<time>.txt`` in the data folder, 0600 through ``safefiles``) holds the traceback
without local variables, its message redacted like a recording.
"""

from __future__ import annotations

import datetime as dt
import traceback
from pathlib import Path

from spwf_tui import locations, safefiles
from spwf_tui.core.display import visible
from spwf_tui.core.redact import redact_text

_MESSAGE_LIMIT = 300


def describe(error: BaseException) -> str:
    """``ValueError: the message``: redacted, made printable, cut to one short line."""
    message = redact_text(str(error))[0]
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    text = visible(text.replace("\r", " ").replace("\n", " "))
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "…"


def write_report(error: BaseException, directory: Path | None = None) -> Path | None:
    """Write the traceback (no local variables) to a new private file; its path, or None when
    it could not be written."""
    folder = directory or locations.data_dir()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"crash-{stamp}.txt"
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = "".join(redact_text(line)[0] for line in lines)
    try:
        safefiles.private_dir(folder, "data folder")
        safefiles.write_new(path, text.encode("utf-8", "backslashreplace"), what="crash report")
    except (OSError, safefiles.UnsafeFileError):
        return None
    return path


def crash_line(error: BaseException, directory: Path | None = None) -> str:
    """The one line to show for an internal error, the report written first."""
    where = write_report(error, directory)
    details = f"details in {visible(str(where))}" if where else "the details could not be written"
    return (f"spwf-tui: internal error: {describe(error)}; {details} "
            "(attach it to a bug report; it holds no local variables)")
