"""The fake board of ``pty_streamer`` behind a TCP port, for ``socket://`` sessions: "unplugged"
closes the connection and stops listening, "plugged in" listens again on the same port."""

from __future__ import annotations

import socket
import threading

from tests.support.pty_streamer import PtyStreamer


class TcpStreamer(PtyStreamer):
    """A ``PtyStreamer`` that serves one connection at a time on ``127.0.0.1:<port>``."""

    def __init__(self, port: int, **options) -> None:
        super().__init__(link=None, **options)
        self.port = port
        self.url = f"socket://127.0.0.1:{port}"
        self._listener: socket.socket | None = None
        self._conn: socket.socket | None = None

    def plug(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._listener.settimeout(0.05)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def unplug(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._thread = None
        for end in (self._conn, self._listener):
            if end is not None:
                end.close()
        self._conn = self._listener = None
        self._fds = None

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                self._conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conn.setblocking(True)
            self._fds = (self._conn.fileno(), self._conn.fileno())
            self._run(self._conn.fileno())
            return
