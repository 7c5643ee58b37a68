"""The serial link: open through pyserial URLs, read on a thread, survive unplug and replug.

The transport knows nothing about the module or the UI. It hands bytes and state changes to a
``TransportListener`` (the session) and takes bytes to write. When the device goes away (USB
unplugged, pty closed, TCP peer gone) it reports ``reconnecting``, keeps trying to reopen the same
port, and reports ``connected`` again once it is back, like tio does.
"""

from __future__ import annotations

import os
import select
import threading
from typing import Protocol

import serial

from spwf_tui.transport import urlhandler
from spwf_tui.transport.errors import PortError, PortWriteError, describe_open_failure
from spwf_tui.transport.settings import PortSettings
from spwf_tui.transport.urls import open_options, pyserial_url

CONNECTED = "connected"
RECONNECTING = "reconnecting"
CLOSED = "closed"

READ_TIMEOUT = 0.05
"""Seconds a read waits; bounds how long stopping the reader takes on ports without cancel_read."""
REOPEN_INTERVAL = 0.2
READ_BATCH = 64 * 1024
"""Most bytes handed on at once: what is already waiting joins the read that woke the reader
(a tty returns at most 4 KiB a read), so a flood costs one decode, record and wake-up per
batch instead of per read. Nothing waits for more bytes: latency stays that of one read."""


def _read_waiting(port: serial.SerialBase, data: bytes) -> bytes:
    """``data`` plus whatever else is waiting already, up to ``READ_BATCH`` bytes."""
    pieces = [data]
    size = len(data)
    # A native POSIX port's descriptor is non-blocking: a plain os.read takes what is waiting
    # (one system call, where pyserial's read makes three); other ports ask in_waiting first.
    fd = getattr(port, "fd", None) if isinstance(port, serial.Serial) else None
    if not isinstance(fd, int) or os.get_blocking(fd):
        fd = None
    while size < READ_BATCH:
        if fd is not None:
            try:
                more = os.read(fd, READ_BATCH - size)
            except BlockingIOError:
                break
        else:
            waiting = port.in_waiting
            more = port.read(min(waiting, READ_BATCH - size)) if waiting else b""
        if not more:
            break  # nothing more now (an empty read of a vanished device: the next read tells)
        pieces.append(more)
        size += len(more)
    return data if len(pieces) == 1 else b"".join(pieces)


def _native_fd(port: serial.SerialBase) -> int | None:
    """The non-blocking descriptor of a native POSIX port; None for any other port (URL
    handlers, Windows, test doubles), which is written through pyserial."""
    fd = getattr(port, "fd", None) if isinstance(port, serial.Serial) else None
    if not isinstance(fd, int) or os.get_blocking(fd):
        return None
    return fd


def _write_some(port: serial.Serial, fd: int, view: memoryview) -> int:
    """One ``os.write`` of what the kernel takes now; 0 when it took nothing and room came.

    pyserial's write selects on the descriptor after every ``os.write``, even when all went
    out, and was called per 4 KiB piece: 17 writes and 17 selects per 64 KiB upload. Here the
    kernel takes as much as it has room for per call and the thread waits only when the output
    buffer is full. Failures use pyserial's words, so the user's note reads as before.

    Raises:
        serial.SerialException: the port failed, was closed meanwhile, or took nothing for
            ``port.write_timeout`` seconds (pyserial's per-write limit, here per stall).
    """
    try:
        return os.write(fd, view)
    except BlockingIOError:
        pass
    except OSError as exc:
        raise serial.SerialException(f"write failed: {exc}") from None
    timeout = port.write_timeout
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    if not poller.poll(None if timeout is None else max(0, round(timeout * 1000))):
        raise serial.SerialTimeoutException("Write timeout")
    if port.fd != fd:
        # Closed while this thread waited: the number may belong to another file by now.
        raise serial.PortNotOpenError()
    return 0


class TransportListener(Protocol):
    """What the transport calls, from its reader thread."""

    def data_received(self, data: bytes) -> None:
        """Bytes arrived from the module."""

    def state_changed(self, state: str, reason: str) -> None:
        """The link is ``connected``, ``reconnecting`` (device gone, retrying) or ``closed``."""


class SerialTransport:
    """One open port with a reader thread.

    Args:
        settings: port and line settings.
        listener: receives data and state changes (called from the reader thread).
        reconnect: reopen the port when it vanishes; off, a vanished port closes the transport.
    """

    def __init__(self, settings: PortSettings, listener: TransportListener, *, reconnect: bool = True) -> None:
        self.settings = settings
        self._listener = listener
        self._reconnect = reconnect
        self._serial: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = CLOSED

    def open(self) -> None:
        """Open the port and start reading.

        Raises:
            PortError: the port cannot be opened (message for the user).
        """
        self._serial = self._open_port()
        self.state = CONNECTED
        self._thread = threading.Thread(target=self._read_loop, name=f"rx {self.settings.port}", daemon=False)
        self._thread.start()

    def write(self, data: bytes) -> int:
        """Write all of ``data``; returns how many bytes went out.

        Raises:
            PortWriteError: the port is not connected or failed during the write; its ``sent``
                says how many bytes of ``data`` left before the failure.
        """
        with self._write_lock:
            port = self._serial
            if port is None or self.state != CONNECTED:
                raise PortWriteError("the port is not connected", 0)
            sent = 0
            try:
                fd = _native_fd(port)
                if fd is not None:
                    # os.write says exactly how many bytes it took: no pieces needed to tell
                    # how far the payload got.
                    view = memoryview(data)
                    while sent < len(data):
                        sent += _write_some(port, fd, view[sent:])
                else:
                    # Write in pieces so a failure can say how far the payload got.
                    for start in range(0, len(data), 4096):
                        piece = data[start:start + 4096]
                        port.write(piece)
                        sent += len(piece)
                # tcdrain, kept: a write returns once its bytes have left the driver. It costs a
                # UART the wire time of its last buffer, a pty microseconds (measured).
                port.flush()
            except (serial.SerialException, OSError) as exc:
                raise PortWriteError(f"write failed after {sent} of {len(data)} bytes: {exc}", sent) from None
            return sent

    def close(self) -> None:
        """Stop the reader and close the port; idempotent."""
        self._stop.set()
        port = self._serial
        if port is not None and hasattr(port, "cancel_read"):
            try:
                port.cancel_read()
            except Exception:  # noqa: BLE001 - best effort wake-up; the timeout covers it
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._close_port()
        if self.state != CLOSED:
            self.state = CLOSED
            self._listener.state_changed(CLOSED, "closed by the user")

    # -- internals --------------------------------------------------------------------------

    def _open_port(self) -> serial.SerialBase:
        urlhandler.register()
        s = self.settings
        try:
            return serial.serial_for_url(
                pyserial_url(s.port), baudrate=s.baudrate, bytesize=s.bytesize, parity=s.parity,
                stopbits=s.stopbits, rtscts=s.rtscts, xonxoff=s.xonxoff,
                timeout=READ_TIMEOUT, exclusive=True, **open_options(s.port),
            )
        except (serial.SerialException, OSError, ValueError, NotImplementedError) as exc:
            raise describe_open_failure(s.port, exc) from None

    def _close_port(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - the device may already be gone
                pass

    def _read_loop(self) -> None:
        while not self._stop.is_set():
            port = self._serial
            try:
                data = port.read(max(1, port.in_waiting)) if port else b""
                if data:
                    data = _read_waiting(port, data)
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial's posix read after a concurrent close.
                if self._stop.is_set():
                    break
                if not self._handle_loss(str(exc) or type(exc).__name__):
                    break
                continue
            if data:
                self._listener.data_received(data)

    def _handle_loss(self, reason: str) -> bool:
        """The device went away: reopen it when it returns. False when the loop should end."""
        with self._write_lock:
            self._close_port()
            self.state = RECONNECTING if self._reconnect else CLOSED
        self._listener.state_changed(self.state, reason)
        if not self._reconnect:
            return False
        while not self._stop.wait(REOPEN_INTERVAL):
            try:
                port = self._open_port()
            except PortError:
                continue
            with self._write_lock:
                self._serial = port
                self.state = CONNECTED
            self._listener.state_changed(CONNECTED, "port is back")
            return True
        return False
