"""Python's real HTTP server on 127.0.0.1, for the emulated module's HTTPGET/POST and FWUPDATE."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A request handler that answers with ``answer`` and logs nothing (the test's output stays its own)."""

    def answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def pages_handler(pages: dict[str, bytes]) -> type[QuietHandler]:
    """A handler class that answers a GET of a path in ``pages`` with its body, anything else with
    404, and lists every path asked for in its ``requested``."""

    class Pages(QuietHandler):
        requested: list[str] = []

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.requested.append(self.path)
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.answer(body)

    return Pages


@contextlib.contextmanager
def http_server(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[int]:
    """Serve ``handler`` on a free loopback port (a thread per request); yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
