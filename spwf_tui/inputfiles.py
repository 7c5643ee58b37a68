"""Files the user names for the tool to read: regular files only, and never more than a ceiling.

A payload source (``@FILE``), a certificate to inspect or a script is named by the user, or by a
script someone else wrote. ``/dev/zero`` would be read until memory runs out, a FIFO nobody
writes would block forever, ``/dev/ttyUSB0`` would swallow the module's bytes. So a file is
opened without blocking (a FIFO opens at once), checked to be a regular file, and read up to a
ceiling; anything else raises ``OSError`` subclasses whose ``strerror`` is the sentence to show
(``core.payload.read_problem`` turns any ``OSError`` into one).

The ceiling here is the most any caller may read; a command's own limit is checked by its
caller (``core.catalog``: the data phase of ``TLSCERT=key`` takes 2560 bytes).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from spwf_tui.core.catalog.schema import DATA_PHASE_CEILING

MAX_INPUT_BYTES = DATA_PHASE_CEILING
"""The largest file read (16 MiB): the largest data phase the catalog allows (``core.catalog``),
far above any certificate bundle; what is larger is refused before a byte is read."""


class NotARegularFileError(OSError):
    """The path is a FIFO, a device, a socket: not a file to read a payload from."""

    says_why = True
    """``strerror`` is the whole sentence for the user (``core.payload.read_problem``)."""


class FileTooLargeError(OSError):
    """The file is larger than the reader takes."""

    says_why = True


def read_limited(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (``~`` expanded), at most ``limit`` of them.

    Raises:
        FileNotFoundError, IsADirectoryError, PermissionError, OSError: it cannot be read.
        NotARegularFileError: a FIFO, device or socket (never blocked on, never read).
        FileTooLargeError: more than ``limit`` bytes (checked before reading, and again while
            reading, for a file that grows).
    """
    text = str(path)
    if "\0" in text:
        raise OSError(errno.EINVAL, "a file name cannot contain a NUL byte", text)
    expanded = os.path.expanduser(text)
    # O_NONBLOCK: opening a FIFO with no writer must not hang; it is refused just below.
    fd = os.open(expanded, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", text)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFileError(errno.EINVAL, f"is {_kind(info.st_mode)}, not a regular file: "
                                                     "only a file's bytes can be read from it", text)
        if info.st_size > limit:
            raise FileTooLargeError(errno.EFBIG, _too_large(info.st_size, limit), text)
        os.set_blocking(fd, True)
        chunks = []
        total = 0
        # The first read asks for the size the file has (one more byte tells that it grew): a
        # larger request would allocate that much and shrink it again.
        want = info.st_size + 1
        while True:
            chunk = os.read(fd, min(max(want, 1 << 16) if total else want, 1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLargeError(errno.EFBIG, _too_large(total, limit, grew=True), text)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(size: int, limit: int, grew: bool = False) -> str:
    what = "grew past" if grew else f"{size:,} bytes, more than"
    return f"{what} the {limit:,} bytes spwf-tui reads from a file"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
