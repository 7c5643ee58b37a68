"""Files the TUI's screen actions write: the copied text and screenshots, in the data directory.

Copying goes to the terminal's clipboard with OSC 52 (``App.copy_to_clipboard``), which many
terminals (and tmux without ``set-clipboard``) ignore without a word; so the same text is also
written to ``copied.txt`` in the data directory, whose path the notice names. Screenshots go
there too (Textual's default, ``~/Downloads``, does not exist on a headless board). Both through
``safefiles``: 0600 in a 0700 folder, never through a symlink.
"""

from __future__ import annotations

import time
from pathlib import Path

from spwf_tui.locations import data_dir
from spwf_tui.safefiles import private_dir, replace_private, write_new

COPY_FILE = "copied.txt"
SCREENSHOTS = "screenshots"


def copy_file(text: str) -> Path:
    """Write ``text`` to ``<data dir>/copied.txt`` (replaced by each copy); return the path."""
    folder = data_dir()
    private_dir(folder, "data directory")
    path = folder / COPY_FILE
    replace_private(path, text.encode("utf-8"), "copy file")
    return path


def save_screenshot(svg: str) -> Path:
    """Write ``svg`` to a new file under ``<data dir>/screenshots/``; return its path."""
    folder = data_dir() / SCREENSHOTS
    private_dir(folder.parent, "data directory")
    private_dir(folder, "screenshot folder")
    stamp = time.strftime("%Y%m%dT%H%M%S")
    for number in range(100):
        path = folder / (f"spwf-tui_{stamp}.svg" if not number else f"spwf-tui_{stamp}_{number}.svg")
        if not path.exists() and not path.is_symlink():
            write_new(path, svg.encode("utf-8"), what="screenshot")
            return path
    write_new(folder / f"spwf-tui_{stamp}.svg", svg.encode("utf-8"), what="screenshot")  # says it exists
    return folder / f"spwf-tui_{stamp}.svg"
