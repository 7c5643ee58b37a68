"""A TFTP client (RFC 1350, octet mode) for TFTPGET/TFTPPUT, over the host's UDP.

Lock-step: one DATA or ACK outstanding, resent after ``RETRY_SECONDS`` at most ``RETRIES``
times. The server's answers come from its transfer port (its TID), fixed by its first packet;
datagrams from anywhere else are ignored. A peer cannot hold the console for ever
(``TRANSFER_SECONDS``) nor send more than the caller's ``limit``.
"""

from __future__ import annotations

import socket
import struct
import time

BLOCK = 512
RETRY_SECONDS = 2.0
RETRIES = 4
TRANSFER_SECONDS = 60.0

_RRQ, _WRQ, _DATA, _ACK, _ERROR = 1, 2, 3, 4, 5
_DISK_FULL = 3


class TftpError(Exception):
    """The transfer failed (server error, silence, or a file over the limit)."""

    def __init__(self, message: str, too_big: bool = False) -> None:
        super().__init__(message)
        self.too_big = too_big


def _request(opcode: int, name: str) -> bytes:
    return struct.pack("!H", opcode) + name.encode("latin-1", "replace") + b"\0octet\0"


class _Transfer:
    """One UDP socket talking to one server transfer port."""

    def __init__(self, address: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._server = (address, port)
        self._tid: tuple[str, int] | None = None
        self._deadline = time.monotonic() + TRANSFER_SECONDS

    def close(self) -> None:
        self._sock.close()

    def send(self, packet: bytes) -> None:
        self._sock.sendto(packet, self._tid or self._server)

    def exchange(self, packet: bytes, wanted: int, block: int) -> bytes:
        """Send ``packet`` until the server answers with opcode ``wanted`` for ``block``;
        return that packet's body (after opcode and block)."""
        for _ in range(RETRIES + 1):
            self.send(packet)
            answer = self._wait(RETRY_SECONDS, wanted, block)
            if answer is not None:
                return answer
        raise TftpError("no answer from the server")

    def _wait(self, seconds: float, wanted: int, block: int) -> bytes | None:
        until = min(time.monotonic() + seconds, self._deadline)
        while True:
            left = until - time.monotonic()
            if left <= 0:
                if time.monotonic() >= self._deadline:
                    raise TftpError("transfer took too long")
                return None
            self._sock.settimeout(left)
            try:
                data, source = self._sock.recvfrom(BLOCK + 4)
            except TimeoutError:
                continue
            except OSError as exc:
                raise TftpError("network error") from exc
            if source[0] != self._server[0] or (self._tid and source[:2] != self._tid):
                continue  # not our server's transfer port
            if len(data) < 4:
                continue
            opcode, number = struct.unpack("!HH", data[:4])
            if opcode == _ERROR:
                raise TftpError("server error %d" % number)
            if self._tid is None:
                self._tid = (source[0], source[1])
            if opcode == wanted and number == block % 65536:
                return data[4:]
            # A duplicate of an earlier packet: ignored (the resend covers a lost ACK).


def get(address: str, port: int, name: str, limit: int) -> bytes:
    """The remote file ``name``; TftpError (``too_big`` past ``limit`` bytes)."""
    transfer = _Transfer(address, port)
    try:
        received = bytearray()
        packet = _request(_RRQ, name)
        block = 1
        while True:
            data = transfer.exchange(packet, _DATA, block)
            received += data
            packet = struct.pack("!HH", _ACK, block % 65536)
            if len(received) > limit:
                transfer.send(struct.pack("!HH", _ERROR, _DISK_FULL) + b"Disk full\0")
                raise TftpError("file too big", too_big=True)
            if len(data) < BLOCK:
                transfer.send(packet)  # the last ACK; no dallying (RFC 1350 allows it)
                return bytes(received)
            block += 1
    finally:
        transfer.close()


def put(address: str, port: int, name: str, content: bytes) -> None:
    """Send ``content`` as the remote file ``name``; TftpError on failure."""
    transfer = _Transfer(address, port)
    try:
        transfer.exchange(_request(_WRQ, name), _ACK, 0)
        block = 1
        offset = 0
        while True:
            chunk = content[offset:offset + BLOCK]
            transfer.exchange(struct.pack("!HH", _DATA, block % 65536) + chunk, _ACK, block)
            if len(chunk) < BLOCK:
                return
            offset += BLOCK
            block += 1
    finally:
        transfer.close()
