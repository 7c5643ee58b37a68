"""A small real TFTP server (RFC 1350, octet mode) for tests: files in a dict, one thread and
one transfer port per request, lock-step DATA/ACK with resends."""

from __future__ import annotations

import socket
import struct
import threading

BLOCK = 512


class TftpServer:
    """Serves ``files`` (name -> bytes) on 127.0.0.1; files written by clients land there too."""

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.files = dict(files or {})
        self.requests: list[tuple[str, str]] = []
        """(``get``/``put``, file name) per request, in order."""
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                packet, client = self._sock.recvfrom(1024)
            except OSError:
                return
            opcode = struct.unpack("!H", packet[:2])[0]
            name = packet[2:].split(b"\0", 1)[0].decode("latin-1")
            kind = {1: "get", 2: "put"}.get(opcode)
            if kind is None:
                continue
            self.requests.append((kind, name))
            target = self._send_file if kind == "get" else self._receive_file
            threading.Thread(target=target, args=(client, name), daemon=True).start()

    @staticmethod
    def _lockstep(sock: socket.socket, packet: bytes, wanted: bytes) -> bytes | None:
        """Send ``packet`` until an answer starting with ``wanted`` arrives (5 tries)."""
        for _ in range(5):
            try:
                sock.send(packet)
                while True:
                    answer = sock.recv(BLOCK + 4)
                    if answer.startswith(wanted):
                        return answer
                    if answer.startswith(b"\0\5"):
                        return None  # the client gave up (an ERROR packet)
            except TimeoutError:
                continue
            except OSError:
                return None  # the client's port is gone
        return None

    def _transfer_socket(self, client: tuple[str, int]) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.connect(client)
        sock.settimeout(2)
        return sock

    def _send_file(self, client: tuple[str, int], name: str) -> None:
        with self._transfer_socket(client) as sock:
            data = self.files.get(name)
            if data is None:
                sock.send(struct.pack("!HH", 5, 1) + b"File not found\0")
                return
            block = 1
            for start in range(0, len(data) + 1, BLOCK):
                chunk = data[start:start + BLOCK]
                ack = struct.pack("!HH", 4, block)
                if self._lockstep(sock, struct.pack("!HH", 3, block) + chunk, ack) is None:
                    return
                block += 1

    def _receive_file(self, client: tuple[str, int], name: str) -> None:
        with self._transfer_socket(client) as sock:
            received = bytearray()
            block = 1
            ack = struct.pack("!HH", 4, 0)
            while True:
                data = self._lockstep(sock, ack, struct.pack("!HH", 3, block))
                if data is None:
                    return
                received += data[4:]
                ack = struct.pack("!HH", 4, block)
                if len(data) - 4 < BLOCK:
                    self.files[name] = bytes(received)  # stored before the client hears the end
                    sock.send(ack)
                    return
                block += 1
