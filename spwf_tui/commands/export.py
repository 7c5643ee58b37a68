"""``spwf-tui export FILE --to text|markdown|cast [-o OUT]``: a recording for other eyes.

Secrets: a recording made without ``--record-secrets`` has none left to leak; one made with it
is redacted again here (the same rules), unless ``--include-secrets`` is given. ``-o`` files are
created owner-only (0600), like recordings.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from spwf_tui.errors import UserError
from spwf_tui.export import render, replay_all
from spwf_tui.session.recording import read_recording, redacted

OUTPUT_MODE = 0o600


def run_export(args: argparse.Namespace) -> int:
    """Write the export to ``-o OUT`` or standard output."""
    recording = read_recording(args.file)
    if not args.include_secrets:
        recording = redacted(recording)
    text = render(replay_all(recording), args.to)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    write_private(Path(args.output).expanduser(), text.encode("utf-8"))
    return 0


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by its owner only (replacing the file if it exists).

    Raises:
        UserError: the file cannot be written.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), OUTPUT_MODE)
    except OSError as exc:
        raise UserError(f"-o {path}: cannot write ({exc.strerror or exc})") from None
    try:
        if hasattr(os, "fchmod") and stat.S_ISREG(os.fstat(fd).st_mode):
            os.fchmod(fd, OUTPUT_MODE)  # an existing file keeps its old mode otherwise; never a device
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise UserError(f"-o {path}: cannot write ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
