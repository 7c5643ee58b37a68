"""Files spwf-tui writes: owner-only, never through a symlink, never over someone else's file.

Every file the tool creates (recordings, history, logs, exports, scripts, traces, crash reports)
goes through here, so the rules live in one place:

- a path that is a symbolic link is refused (``O_NOFOLLOW``): a planted link must not let the
  tool truncate, chmod or append to the file it points at;
- an existing file is only replaced when the caller says so (``--force``); what the tool owns
  and appends to (history, a log) is appended to;
- files are created 0600 and directories 0700; a directory of ours found with looser
  permissions is tightened (and the caller told), one we do not own is only reported.

Errors are :class:`UnsafeFileError`, a :class:`~spwf_tui.errors.UserError` whose message is the
one line to show.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from spwf_tui.core.display import visible
from spwf_tui.errors import UserError

FILE_MODE = 0o600
DIR_MODE = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafeFileError(UserError):
    """A file the tool was asked to write is a link, exists, or cannot be written."""


def _describe(path: Path) -> str:
    return visible(str(path))


def _refuse_link(path: Path, what: str) -> None:
    # os.path.islink, not Path.is_symlink: that raises for a name the system refuses (longer
    # than 255 bytes), which the open after this reports as one line.
    if os.path.islink(path):
        raise UnsafeFileError(f"{what} {_describe(path)} is a symbolic link; refusing to write through it "
                              "(remove the link or choose another path)")


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def private_dir(path: Path, what: str = "directory") -> str | None:
    """Make sure ``path`` is a directory of ours, 0700; return a warning to show, or None.

    Created 0700 when missing. An existing directory owned by this user with group/other
    permissions is tightened (the warning says so); one owned by someone else is left alone and
    reported.

    Raises:
        UnsafeFileError: the path is a symlink, not a directory, or cannot be created.
    """
    _refuse_link(path, what)
    try:
        if not path.exists():
            path.mkdir(parents=True, mode=DIR_MODE)
            os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
            return None
        info = path.stat()
    except OSError as exc:
        raise UnsafeFileError(f"{what} {_describe(path)}: cannot create ({_reason(exc)})") from exc
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFileError(f"{what} {_describe(path)} exists and is not a directory")
    loose = stat.S_IMODE(info.st_mode) & 0o077
    if not loose or not hasattr(os, "getuid"):
        return None
    if info.st_uid == os.getuid():
        try:
            os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
        except OSError as exc:
            return f"{what} {_describe(path)} is readable by others and could not be tightened ({_reason(exc)})"
        return f"{what} {_describe(path)} was readable by others; its permissions are now owner-only"
    return (f"{what} {_describe(path)} belongs to another user and is open to others "
            f"(mode {stat.S_IMODE(info.st_mode):03o}); files written there may be read")


def _open(path: Path, flags: int, what: str) -> int:
    _refuse_link(path, what)
    try:
        fd = os.open(path, flags | _NOFOLLOW | _CLOEXEC, FILE_MODE)
    except FileExistsError:
        raise UnsafeFileError(f"{what} {_describe(path)} already exists; use --force to replace it") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFileError(f"{what} {_describe(path)} is a symbolic link; refusing to write through it") from None
        raise UnsafeFileError(f"{what} {_describe(path)}: cannot write ({_reason(exc)})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # the umask can only narrow; an old file keeps its mode otherwise
    except OSError:
        os.close(fd)
        raise
    return fd


def open_new(path: Path, *, force: bool = False, what: str = "file") -> int:
    """A descriptor for writing a new file at ``path`` (0600), refusing links and, unless
    ``force``, an existing file. With ``force`` an existing regular file is truncated; a device
    or FIFO is never truncated but written to (``-o /dev/stdout``)."""
    if not force:
        return _open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, what)
    fd = _open(path, os.O_WRONLY | os.O_CREAT, what)
    if stat.S_ISREG(os.fstat(fd).st_mode):
        os.ftruncate(fd, 0)
    return fd


def open_append(path: Path, what: str = "file") -> int:
    """A descriptor appending to ``path`` (created 0600), refusing a link or a non-regular file."""
    fd = _open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, what)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeFileError(f"{what} {_describe(path)} is not a regular file")
    return fd


def close_quietly(fd: int | None) -> None:
    """Close ``fd`` if there is one; a failing close has nothing left to tell the user (the
    writes before it already reported their own errors)."""
    if fd is None:
        return
    try:
        os.close(fd)
    except OSError:
        pass


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (``os.write`` may take less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_new(path: Path, data: bytes, *, force: bool = False, what: str = "file") -> None:
    """Write ``data`` to a new file at ``path`` (see :func:`open_new`)."""
    fd = open_new(path, force=force, what=what)
    try:
        write_all(fd, data)
    except OSError as exc:
        raise UnsafeFileError(f"{what} {_describe(path)}: cannot write ({_reason(exc)})") from None
    finally:
        os.close(fd)


def replace_private(path: Path, data: bytes, what: str = "file") -> None:
    """Replace ``path`` (a file the tool owns, e.g. a history) atomically with ``data``, 0600.

    A temporary file beside it is renamed over it, so a link at ``path`` is replaced, never
    followed; a crash leaves the old file or the new one, not half of either.
    """
    _refuse_link(path, what)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.unlink(missing_ok=True)
    except OSError:
        pass
    fd = _open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, what)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    try:
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UnsafeFileError(f"{what} {_describe(path)}: cannot write ({_reason(exc)})") from None
