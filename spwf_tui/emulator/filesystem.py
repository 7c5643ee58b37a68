"""The RAM disk: the only writable volume the emulator models.

Files live in RAM, so a reset empties the disk. Names are taken as typed (case-sensitive); a
leading ``/`` is optional (``/a.txt`` and ``a.txt`` are the same file, listed with the ``/``).
The capacity is ``ramdisk_memsize`` KiB.
"""

from __future__ import annotations

import hashlib

from spwf_tui.emulator.replies import CommandError
from spwf_tui.emulator.error_codes import ERR_DELETE, ERR_LOW_MEMORY, ERR_OPEN, ERR_RENAME, ERR_SEEK


HASH_ALGORITHMS = {0: "sha1", 1: "sha224", 2: "sha256", 3: "md5"}
"""``AT+S.HASH`` algorithm numbers (docs/protocol.md §3.1: 0 SHA1, 1 SHA224, 2 SHA256, 3 MD5)."""


def canonical_name(name: str) -> str:
    """``a.txt`` -> ``/a.txt``; ``/a.txt`` unchanged."""
    return name if name.startswith("/") else f"/{name}"


class RamDisk:
    """Named byte strings with a total size limit."""

    def __init__(self) -> None:
        self._files: dict[str, bytearray] = {}

    def clear(self) -> None:
        """Power cycle: RAM is lost."""
        self._files.clear()

    def used(self) -> int:
        """Bytes used by all files."""
        return sum(len(data) for data in self._files.values())

    def names(self) -> list[str]:
        """File names in creation order."""
        return list(self._files)

    def size(self, name: str) -> int:
        """Size of ``name``; error 51 when missing."""
        return len(self._get(name))

    def check_append(self, name: str, length: int, capacity: int) -> None:
        """Error 91 when appending ``length`` bytes would overflow the disk."""
        if self.used() + length > capacity:
            raise CommandError(ERR_LOW_MEMORY)

    def append(self, name: str, data: bytes) -> None:
        """``FSC``: create ``name`` if needed and append ``data``."""
        self._files.setdefault(canonical_name(name), bytearray()).extend(data)

    def read(self, name: str, offset: int | None, length: int | None) -> bytes:
        """``FSP``: bytes from ``offset`` (default 0), at most ``length`` (default: to the end).

        Raises:
            CommandError: 51 missing file, 52 offset beyond the end.
        """
        data = self._get(name)
        start = offset or 0
        if start > len(data):
            raise CommandError(ERR_SEEK)
        stop = len(data) if length is None else min(len(data), start + length)
        return bytes(data[start:stop])

    def delete(self, name: str) -> None:
        """``FSD``; error 56 when missing."""
        if self._files.pop(canonical_name(name), None) is None:
            raise CommandError(ERR_DELETE)

    def rename(self, old: str, new: str) -> None:
        """``FSR``; error 55 when ``old`` is missing or ``new`` exists."""
        old_key, new_key = canonical_name(old), canonical_name(new)
        if old_key not in self._files or (new_key in self._files and new_key != old_key):
            raise CommandError(ERR_RENAME)
        self._files = {(new_key if key == old_key else key): data
                       for key, data in self._files.items()}

    def digest(self, algorithm: int, name: str) -> str:
        """``HASH``: lower-case hex digest of the file."""
        return hashlib.new(HASH_ALGORITHMS[algorithm], bytes(self._get(name))).hexdigest()

    def _get(self, name: str) -> bytearray:
        data = self._files.get(canonical_name(name))
        if data is None:
            raise CommandError(ERR_OPEN)
        return data
