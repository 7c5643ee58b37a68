"""``spwf-tui export FILE --to text|markdown|cast [-o OUT] [--force]``: a recording for other eyes.

The recording is read front to back once and the export written as it is produced, so memory
stays flat for any size (``export.stream_export``). Secrets: a recording made without
``--record-secrets`` has none left to leak; one made with it is redacted again here (the same
rules), unless ``--include-secrets`` is given. ``-o`` files are written like every file of the
tool (``safefiles``): created owner-only (0600), never through a symbolic link, and an existing
file is only replaced with ``--force``. A recording found damaged part-way leaves no ``-o`` file
behind and prints nothing on standard output (it is spooled to an unnamed temporary file first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from spwf_tui import safefiles
from spwf_tui.core.display import visible
from spwf_tui.errors import UserError
from spwf_tui.export import stream_export
from spwf_tui.session.recording.reader import RecordingError, RecordingStream


DESCRIPTION = ("Turn a recording into a transcript, a Markdown bug report or an asciinema cast (secrets "
               "stay redacted).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a recording (.jsonl)")
    parser.add_argument("--to", required=True, choices=("text", "markdown", "cast"), help="export format")
    parser.add_argument("-o", "--output", metavar="OUT", help="write to OUT (owner-only permissions) "
                        "instead of standard output")
    parser.add_argument("--force", action="store_true", help="with -o: replace OUT if it exists (never "
                        "through a symbolic link)")
    parser.add_argument("--include-secrets", action="store_true",
                        help="keep the secrets of a recording made with --record-secrets")


def run(args: argparse.Namespace) -> int:
    """Write the export to ``-o OUT`` or standard output."""
    stream = RecordingStream(args.file)
    pieces = stream_export(stream, args.to, include_secrets=args.include_secrets)
    if args.output is None:
        # Spooled, then copied: a recording found damaged part-way prints nothing but the
        # error line, as an -o file is not left behind (the copy costs far less than the export).
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogateescape") as spool:
            for piece in pieces:
                spool.write(piece)
            spool.seek(0)
            shutil.copyfileobj(spool, sys.stdout, 1 << 16)
        sys.stdout.flush()
        return 0
    write_pieces(Path(args.output).expanduser(), pieces, force=args.force)
    return 0


def write_pieces(path: Path, pieces: Iterable[str], *, force: bool = False) -> None:
    """Write the export to ``path`` (0600, no link, no clobber without ``force``).

    Raises:
        UserError: the file cannot be written, or the recording is damaged (the file we made
            is removed then: half an export is not one).
    """
    if path.is_dir() and not path.is_symlink():
        raise UserError(f"-o {visible(str(path))}: cannot write (Is a directory)")
    fd = safefiles.open_new(path, force=force, what="-o")
    regular = stat.S_ISREG(os.fstat(fd).st_mode)
    try:
        for piece in pieces:
            safefiles.write_all(fd, piece.encode("utf-8", "surrogateescape"))
    except OSError as exc:
        _remove(path, regular)
        raise UserError(f"-o {visible(str(path))}: cannot write ({exc.strerror or exc})") from None
    except RecordingError:
        _remove(path, regular)
        raise
    finally:
        os.close(fd)


def _remove(path: Path, regular: bool) -> None:
    if regular:
        try:
            path.unlink()
        except OSError:
            pass
