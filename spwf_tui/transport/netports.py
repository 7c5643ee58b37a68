"""``socket://`` and ``rfc2217://`` ports that hand over what arrived in one call.

The transport's reader asks a port for "whatever is waiting, or at least one byte". pyserial's
network handlers answer that one byte at a time (issue 13 §7):

- ``socket://``: ``in_waiting`` is a ``select`` that says 0 or 1, so each read asked for one byte:
  two ``select`` and one ``recv`` system calls a byte, about 65 KB/s.
- ``rfc2217://``: a thread parses the Telnet stream byte by byte into a ``queue.Queue``, one entry
  a byte, and ``read`` takes them out one by one: about 120 KB/s through ser2net.

These subclasses keep pyserial's connection set-up, negotiation and control (baud rate changes
reach the device behind ser2net as before) and change the receive side: ``read_available``
waits like ``read`` for the first byte, then returns everything that has arrived, up to a limit.
Two more differences: opening does not throw away what the device sent in the first moments
(pyserial's handlers empty the input at the end of ``open``, a native port does not: a
reconnect would lose the first bytes the device sent), and ``socket://`` closes without
pyserial's 0.3 s pause (the transport waits between reconnect attempts anyway).
"""

from __future__ import annotations

import errno
import select
import socket
import threading
import time
import urllib.parse
from typing import Any

from serial import rfc2217
from serial.serialutil import PortNotOpenError, SerialBase, SerialException
from serial.urlhandler import protocol_socket

from spwf_tui.transport.telnet import TelnetCommand, TelnetStream

RECV_SIZE = 64 * 1024
"""Bytes asked of the socket per receive (pyserial's RFC 2217 reader asks for 1024)."""
RX_BUFFER_LIMIT = 1024 * 1024
"""Bytes the RFC 2217 port holds for its reader at most; beyond that its network thread stops
receiving, and TCP flow control slows the server down (pyserial's queue had no bound)."""
_RETRY = (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR)


class SocketPort(protocol_socket.Serial):
    """pyserial's ``socket://`` port, plus ``read_available``."""

    _socket: socket.socket | None  # pyserial's (not in its type stubs)
    _timeout: float | None  # pyserial's
    _opening = False

    def open(self) -> None:
        self._opening = True
        try:
            super().open()
        finally:
            self._opening = False

    def reset_input_buffer(self) -> None:
        if not self._opening:  # see the module docstring: opening keeps what arrived
            super().reset_input_buffer()

    def close(self) -> None:
        sock, self._socket = self._socket, None
        self.is_open = False
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # not connected any more
            sock.close()

    def read_available(self, limit: int) -> bytes:
        """Wait up to the port's timeout for data; return what has arrived, up to ``limit``.

        Raises:
            SerialException: the peer closed the connection, or the socket failed.
        """
        sock = self._socket
        if not self.is_open or sock is None:
            raise PortNotOpenError()
        try:
            ready, _, _ = select.select([sock], [], [], self._timeout)
            if not ready:
                return b""
            data = sock.recv(limit)
        except (ValueError, OSError) as exc:  # ValueError: closed by another thread meanwhile
            if getattr(exc, "errno", None) in _RETRY:
                return b""
            raise SerialException(f"read failed: {exc}") from None
        if not data:
            raise SerialException("socket disconnected")
        return data


class Rfc2217Port(rfc2217.Serial):
    """pyserial's RFC 2217 client with a block-wise Telnet parser and a byte buffer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._rx = bytearray()
        self._rx_changed = threading.Condition()
        self._rx_ended = False
        """The network thread has stopped: the connection is gone."""
        self._cancelled = False
        super().__init__(*args, **kwargs)

    _opening = False

    def open(self) -> None:
        with self._rx_changed:
            self._rx.clear()
            self._rx_ended = False
        self._opening = True
        try:
            super().open()  # starts the network thread (our _telnet_read_loop) and negotiates
        finally:
            self._opening = False

    def close(self) -> None:
        with self._rx_changed:
            self.is_open = False  # the network thread and a waiting reader both see it
            self._rx_changed.notify_all()
        super().close()

    @property
    def in_waiting(self) -> int:
        if not self.is_open:
            raise PortNotOpenError()
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        """pyserial's contract: up to ``size`` bytes, waiting up to the timeout for all of them."""
        return self._take(size, whole=True)

    def read_available(self, limit: int) -> bytes:
        """Wait up to the port's timeout for data; return what has arrived, up to ``limit``.

        Raises:
            SerialException: the connection is gone and nothing is left to read.
        """
        return self._take(limit, whole=False)

    def cancel_read(self) -> None:
        with self._rx_changed:
            self._cancelled = True
            self._rx_changed.notify_all()

    def reset_input_buffer(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()
        if self._opening:
            return  # see the module docstring: opening keeps what arrived
        self.rfc2217_send_purge(rfc2217.PURGE_RECEIVE_BUFFER)
        with self._rx_changed:
            self._rx.clear()
            self._rx_changed.notify_all()

    def _take(self, size: int, *, whole: bool) -> bytes:
        if not self.is_open:
            raise PortNotOpenError()
        timeout: float | None = self._timeout  # type: ignore[attr-defined]  # (pyserial's, not in its stubs)
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._rx_changed:
            while (len(self._rx) < size if whole else not self._rx) and not self._rx_ended \
                    and self.is_open and not self._cancelled:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._rx_changed.wait(remaining)
            self._cancelled = False
            if not self._rx and self._rx_ended and self.is_open:
                raise SerialException("connection failed (the server closed the connection)")
            data = bytes(self._rx[:size])
            del self._rx[:size]
            self._rx_changed.notify_all()  # room for the network thread
            return data

    def _telnet_read_loop(self) -> None:
        """The network thread: receive blocks, keep their data, act on their Telnet commands."""
        stream = TelnetStream()
        try:
            while self.is_open:
                try:
                    block = self._socket.recv(RECV_SIZE)  # type: ignore[attr-defined]  # (pyserial's)
                except socket.timeout:
                    continue  # pyserial's socket times out now and then: check is_open
                except (OSError, AttributeError):  # AttributeError: the socket was closed meanwhile
                    break
                if not block:
                    break  # the server closed the connection
                data, commands = stream.feed(block)
                for command in commands:
                    self._act_on(command)
                if data and not self._keep(data):
                    break
        finally:
            with self._rx_changed:
                self._rx_ended = True
                self._rx_changed.notify_all()

    def _keep(self, data: bytes) -> bool:
        """Add received data to the buffer, waiting for room; False when the port closed."""
        with self._rx_changed:
            # Not while opening: this thread must stay free to answer the negotiation.
            while len(self._rx) >= RX_BUFFER_LIMIT and self.is_open and not self._opening:
                self._rx_changed.wait(0.1)
            if not self.is_open:
                return False
            self._rx += data
            self._rx_changed.notify_all()
            return True

    def _act_on(self, command: TelnetCommand) -> None:
        # pyserial's own handlers (private: not in its type stubs)
        if command.kind == "negotiate":
            self._telnet_negotiate_option(command.verb, command.value)  # type: ignore[attr-defined]
        elif command.kind == "subnegotiation":
            self._telnet_process_subnegotiation(command.value)  # type: ignore[attr-defined]
        else:
            self._telnet_process_command(command.verb)  # type: ignore[attr-defined]


def port_class(url: str) -> type[SerialBase] | None:
    """The block-reading class for a ``socket://`` or ``rfc2217://`` URL; None for others."""
    scheme = urllib.parse.urlsplit(url).scheme.lower() if "://" in url else ""
    classes: dict[str, type[SerialBase]] = {"socket": SocketPort, "rfc2217": Rfc2217Port}
    return classes.get(scheme)
