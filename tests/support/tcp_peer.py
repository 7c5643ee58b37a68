"""Real TCP peers on 127.0.0.1 for the emulated module and the transports: a server that hands
each connection to a function in a thread of its own, and the echo the socket tests talk to."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable


class TcpServer:
    """Listens on a free loopback port (``port``); each connection goes to ``handle(conn)`` in a
    thread of its own and is closed when ``handle`` returns. ``stopping`` is set by ``stop``, for
    handlers that wait."""

    def __init__(self, handle: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)  # accept wakes up now and then to see whether to stop
        self.port: int = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self._handle = handle
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        with conn:
            self._handle(conn)

    def stop(self) -> None:
        self.stopping.set()
        self._thread.join(timeout=5)
        self.listener.close()

    def __enter__(self) -> TcpServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def echo_back(conn: socket.socket) -> bool:
    """Send back what ``conn`` sends; on ``close`` say ``bye`` and stop. True when the client
    hung up (or the connection broke) instead."""
    while True:
        try:
            data = conn.recv(65536)
        except OSError:
            return True
        if not data:
            return True
        if data == b"close":
            conn.sendall(b"bye")
            return False
        conn.sendall(data)
