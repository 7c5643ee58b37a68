"""Faults on command: a Unix socket that takes one fault a line (``spwf-tui sim --control``).

A line is ``<kind> [<number>]`` (``network_lost 2``: lost, back after 2 s; ``wind_storm 500``:
500 pairs) or ``gpio <pin> <level>`` (an input pin driven from outside); the answer is ``ok`` or
``error: <what is wrong>``. The socket file is created
owner-only and never replaces an existing file; it is removed when the emulator stops.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

from spwf_tui.core.display import visible
from spwf_tui.emulator import faults
from spwf_tui.emulator.module import EmulatedModule
from spwf_tui.errors import UserError

MAX_LINE = 200


def parse_command(line: str) -> tuple[str, float, int]:
    """``(kind, seconds, count)`` from ``<kind> [<number>]``.

    Raises:
        ValueError: unknown kind or a number that is not one (the message says which).
    """
    parts = line.split()
    if not parts or parts[0] not in faults.KINDS or parts[0] == "gpio":
        raise ValueError(f"unknown fault; known: {', '.join(faults.KINDS)}")
    if len(parts) > 2:
        raise ValueError("one fault and at most one number a line")
    number = 0.0
    if len(parts) == 2:
        try:
            number = float(parts[1])
        except ValueError:
            raise ValueError("the number after the fault is not a number") from None
        if not 0 <= number <= 100000:
            raise ValueError("the number must be from 0 to 100000")
    return parts[0], number, int(number)


def parse_gpio(line: str) -> tuple[int, int]:
    """``(pin, level)`` from ``gpio <pin 0-15> <level 0|1>``."""
    parts = line.split()
    if (len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit()
            or int(parts[1]) > 15 or int(parts[2]) > 1):
        raise ValueError("gpio wants a pin 0-15 and a level 0 or 1: gpio 5 1")
    return int(parts[1]), int(parts[2])


class ControlError(UserError):
    """The control socket cannot be made: one line naming the path."""


class ControlSocket:
    """The listening control socket and its thread."""

    def __init__(self, path: str, module: EmulatedModule, stop: threading.Event) -> None:
        if os.path.lexists(path):
            raise ControlError(f"--control {visible(path)}: exists; remove it or name another "
                               "path")
        self.path = path
        self._module = module
        self._stop = stop
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_mask = os.umask(0o177)  # the socket file: owner only
        try:
            self._server.bind(path)
        except OSError as exc:
            self._server.close()
            raise ControlError(f"--control {visible(path)}: cannot listen there "
                               f"({exc.strerror or exc})") from None
        finally:
            os.umask(old_mask)
        self._server.listen(2)
        self._server.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name="spwf-emu-control")

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        self._server.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5.0)
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        buffer = b""
        while not self._stop.is_set():
            try:
                data = conn.recv(1024)
            except OSError:
                return
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                conn.sendall(self._answer(raw))
            if len(buffer) > MAX_LINE:
                conn.sendall(b"error: line too long\n")
                return

    def _answer(self, raw: bytes) -> bytes:
        try:
            text = raw.decode("ascii", "replace")
            if text.split()[:1] == ["gpio"]:
                pin, level = parse_gpio(text)
                faults.inject(self._module, "gpio", pin=pin, level=level)
                return b"ok\n"
            kind, seconds, count = parse_command(text)
            faults.inject(self._module, kind, seconds, count)
        except ValueError as exc:
            return f"error: {exc}\n".encode()
        return b"ok\n"
