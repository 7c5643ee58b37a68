"""Completing a file path the user is typing, for every front end: the command builder's Tab,
the inspector's ghost suggestion and the REPL's completion menu all list names here.

Rules, the shell's: ``~`` is the home folder; the names are those in the folder the typed path
ends in that begin with its last part; folders end with the separator; hidden names are listed
only when the last part starts with a dot. A folder that cannot be read lists nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MAX_NAMES = 1000
"""A folder with more entries than this is listed up to here (sorted): a completion, not ``ls``."""


@dataclass(frozen=True)
class PathCompletion:
    """The names that may complete a typed path."""

    stem: str
    """The last part typed (what each name begins with): replaced by the chosen name."""
    names: tuple[str, ...]
    """Matching names, sorted; folders end with ``os.sep``."""

    @property
    def common(self) -> str:
        """What every name begins with (at least ``stem`` when there is a name)."""
        return os.path.commonprefix(list(self.names))


def complete_path(partial: str) -> PathCompletion:
    """The names that complete ``partial`` (a path as typed so far, possibly empty)."""
    typed = Path(partial).expanduser()
    directory, stem = (typed, "") if not partial or partial.endswith(os.sep) else (typed.parent, typed.name)
    show_hidden = stem.startswith(".")
    names: list[str] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(stem) and (show_hidden or not entry.name.startswith(".")):
                    names.append(entry.name + (os.sep if _is_dir(entry) else ""))
                    if len(names) >= MAX_NAMES:
                        break
    except OSError:
        names = []
    return PathCompletion(stem, tuple(sorted(names)))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
