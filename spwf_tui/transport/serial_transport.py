"""The serial link: open through pyserial URLs, read on a thread, survive unplug and replug.

The transport knows nothing about the module or the UI. It hands bytes and state changes to a
``TransportListener`` (the session) and takes bytes to write. When the device goes away (USB
unplugged, pty closed, TCP peer gone) it reopens it only when the same device is back (see
``identity``): a USB device with a serial number is followed to its new path, a network URL is
reopened at the same endpoint; both report ``reconnecting`` until then and ``connected`` once
back, like tio. A port whose identity cannot be shown (a pty, whose number the system hands to
the next terminal) is ``lost``: nothing reopens it but ``reopen``, called when the user asks.
"""

from __future__ import annotations

import errno
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, TypedDict

import serial

from spwf_tui.transport import urlhandler
from spwf_tui.transport.base import Transport
from spwf_tui.transport.errors import PortError, PortWriteError, describe_open_failure
from spwf_tui.transport.identity import PortIdentity, identify, locate
from spwf_tui.transport.settings import PortSettings
from spwf_tui.transport.urls import OpenOptions, open_options, pyserial_url

if TYPE_CHECKING:
    from spwf_tui.transport.labgrid_place import PlaceLease

CONNECTED = "connected"
RECONNECTING = "reconnecting"
LOST = "lost"
"""The port vanished and is not reopened automatically: its identity cannot be shown."""
CLOSED = "closed"

READ_TIMEOUT = 0.05
"""Seconds a read waits; bounds how long stopping the reader takes on ports without cancel_read."""
REOPEN_INTERVAL = 0.2
READ_BATCH = 64 * 1024
"""Most bytes handed on at once: what is already waiting joins the read that woke the reader
(a tty returns at most 4 KiB a read), so a flood costs one decode, record and wake-up per
batch instead of per read. Nothing waits for more bytes: latency stays that of one read."""


STREAM_INTERVAL = 0.04
"""While a module streams (read after read finds bytes at once), they are handed on at most this
often: at 921600 baud a read holds ~10 lines, and the fixed cost of handing a batch on (decoding
set-up, a recording line, waking the front end) dominated. 40 ms is below a frame of the TUI."""
STREAM_BUFFERED = 16 * 1024
"""Most bytes a pause lets gather in the kernel at the rate just seen: a Linux pty holds about
20 KiB before its writer is refused (measured: 20,480 bytes), so a pause never lets it fill."""
STREAM_READS = 3
"""Reads in a row that found bytes waiting before pauses begin: an echo and its reply, a short
answer, are handed on at once."""


class _StreamPacer:
    """When the reader should pause before its next read, so a stream comes in fewer, larger
    batches. A read that waited for its first byte (an idle line) resets it; a full batch
    (``READ_BATCH``) never pauses: the module is faster than a pause could be. The reader does
    not pause while the listener awaits a reply (a command, an upload): commands in a row would
    each wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._streak = 0
        self._last = clock()

    def pause_after(self, size: int, waited: float) -> float:
        """Seconds to wait after handing on ``size`` bytes read by a read that waited ``waited``
        seconds for its first byte."""
        now = self._clock()
        since, self._last = now - self._last, now
        # A read that found bytes waiting (or waited less than an interval for them): a stream.
        self._streak = self._streak + 1 if waited < STREAM_INTERVAL else 0
        if self._streak < STREAM_READS or size >= READ_BATCH:
            return 0.0
        rate = size / max(since, 1e-4)
        return min(STREAM_INTERVAL, STREAM_BUFFERED / rate)


def _read_waiting(port: serial.SerialBase, data: bytes) -> bytes:
    """``data`` plus whatever else is waiting already, up to ``READ_BATCH`` bytes."""
    pieces = [data]
    size = len(data)
    # A native POSIX port's descriptor is non-blocking: a plain os.read takes what is waiting
    # (one system call, where pyserial's read makes three); other ports ask in_waiting first.
    fd = _native_fd_for(port, "read")
    while size < READ_BATCH:
        try:
            if fd is not None:
                more = os.read(fd, READ_BATCH - size)
            else:
                waiting = _in_waiting(port)
                more = port.read(min(waiting, READ_BATCH - size)) if waiting else b""
        except BlockingIOError:
            break
        except (serial.SerialException, OSError, TypeError, AttributeError):
            # The device vanished mid-batch: what was read is handed on (it was received and
            # belongs in the recording); the next read meets the loss again and reports it.
            break
        if not more:
            break  # nothing more now (an empty read of a vanished device: the next read tells)
        pieces.append(more)
        size += len(more)
    return data if len(pieces) == 1 else b"".join(pieces)


def _in_waiting(port: serial.SerialBase) -> int:
    """Bytes ``port`` holds unread. Every pyserial port class has ``in_waiting``, but the stubs
    declare it on each class, not on ``SerialBase``, which leaves it to them."""
    waiting: int = port.in_waiting  # type: ignore[attr-defined]  # (see above)
    return waiting


def _read_block(port: serial.SerialBase) -> bytes:
    """What the port has now, waiting up to its timeout for the first byte (b"" if none came).

    Ports with ``read_available`` (``socket://`` and ``rfc2217://``, see ``netports``) hand over
    a block in one call; for the others the first read takes what ``in_waiting`` reports (or
    one byte, waiting) and ``_read_waiting`` adds what came meanwhile. A native POSIX port is
    read by ``_FdReader`` instead.
    """
    read_available = getattr(port, "read_available", None)
    if read_available is not None:
        block: bytes = read_available(READ_BATCH)
        return block
    data = port.read(max(1, _in_waiting(port)))
    return _read_waiting(port, data) if data else data


TTY_READ = 4095
"""Most bytes a Linux tty hands out per read (its line discipline's buffer; measured on a pty,
4095 a read however many wait): a read that got fewer found the buffer empty."""
NO_DATA = "device reports readiness to read but returned no data (device disconnected or multiple access on port?)"
"""pyserial's words for a descriptor that polls readable and reads empty (a device gone)."""


class _FdReader:
    """Reads a native POSIX port's descriptor directly: one ``poll`` without a timeout, then
    ``os.read``s while they come back full, up to ``READ_BATCH``.

    pyserial's ``read`` wakes every ``READ_TIMEOUT`` on an idle line (20 wake-ups a second a
    port, doing nothing) and spends a ``select``, an ``in_waiting`` ioctl and Python around
    each read, then a read to learn that nothing more waits. Here the thread sleeps until
    bytes, a hang-up or ``wake`` (``close``) come: an idle port costs nothing, and a batch at
    921600 baud (a few KB) costs a ``poll`` and one read.
    """

    def __init__(self) -> None:
        self._wake_read, self._wake_write = os.pipe()
        for fd in (self._wake_read, self._wake_write):
            os.set_blocking(fd, False)
        self._poller: select.poll | None = None
        self._fd: int | None = None

    def wake(self) -> None:
        """End a wait in ``read`` (it returns b"" once); callable from any thread."""
        try:
            os.write(self._wake_write, b"w")
        except OSError:  # full (a wake-up is pending anyway) or closed
            pass

    def read(self, port: serial.Serial, fd: int) -> bytes:
        """What ``fd`` (``port``'s descriptor) has, once it has something; b"" after a wake-up.

        Raises:
            OSError, serial.SerialException: the device is gone (EIO, or readable and empty).
        """
        if fd != self._fd:  # the first read, or the port was reopened after a loss
            self._poller = select.poll()
            self._poller.register(self._wake_read, select.POLLIN)
            self._poller.register(fd, select.POLLIN)
            self._fd = fd
        assert self._poller is not None
        woken = False
        for ready, _events in self._poller.poll():
            if ready == self._wake_read:
                woken = True
        if woken:
            try:
                while os.read(self._wake_read, 64):
                    pass
            except OSError:
                pass
            return b""
        try:
            data = os.read(fd, READ_BATCH)
        except BlockingIOError:
            return b""  # taken by someone else meanwhile: nothing to hand on
        if not data:
            raise serial.SerialException(NO_DATA)
        # More only while reads come back full: a shorter one emptied the tty's buffer, and a
        # read more would only say EAGAIN (what arrives meanwhile wakes the next poll at once).
        pieces, size, last = [data], len(data), len(data)
        while last >= TTY_READ and size < READ_BATCH:
            try:
                more = os.read(fd, READ_BATCH - size)
            except OSError:
                # Nothing more now (EAGAIN), or the device vanished mid-batch: what was read is
                # handed on (it was received and belongs in the recording); the next read tells.
                break
            if not more:
                break
            pieces.append(more)
            last = len(more)
            size += last
        return data if len(pieces) == 1 else b"".join(pieces)

    def close(self) -> None:
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass


def _native_fd(port: serial.SerialBase) -> int | None:
    """The non-blocking descriptor of a native POSIX port; None for any other port (URL
    handlers, Windows, test doubles), which is written through pyserial."""
    fd = getattr(port, "fd", None) if isinstance(port, serial.Serial) else None
    if not isinstance(fd, int) or os.get_blocking(fd):
        return None
    return fd


def _native_fd_for(port: serial.SerialBase, method: str) -> int | None:
    """``_native_fd`` for reading (``method`` "read") or writing ("write"): None also for a
    subclass with a ``method`` of its own (``spy://`` logs what it reads and writes: those bytes
    must go through it)."""
    if getattr(type(port), method, None) is not getattr(serial.Serial, method):
        return None
    return _native_fd(port)


class _WriteFailed(Exception):
    """``_write_native`` failed after ``sent`` bytes (the count the caller's error must carry)."""

    def __init__(self, sent: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.sent = sent
        self.error = error


def _write_native(port: serial.SerialBase, fd: int, pieces: Iterator[bytes]) -> int:
    """Write every piece of ``pieces`` to ``fd``; returns the bytes written.

    After a short write (the kernel's buffer is full: a pty takes ~20 KB, then what the module
    reads, ~4 KB at a time) the next piece is fetched first, then the loop waits for room:
    making that piece overlaps the module's reading. (pyserial's own write selects after every
    ``os.write``, even when all went out, and was called per 4 KiB.) The loop is the hot path
    of an upload (~200 rounds a MiB to a module reading 4 KiB at a time): no calls in it but
    the system's.

    Raises:
        _WriteFailed: with the count written before the failure; its error is pyserial's
            (``write failed: ...``, ``Write timeout``, port closed), so the note reads as before.
    """
    # Only a serial.Serial has a native descriptor (``_native_fd``): ``fd`` comes from there.
    assert isinstance(port, serial.Serial)
    timeout = port.write_timeout  # pyserial's per-write limit, here per stall
    wait_ms = None if timeout is None else max(0, round(timeout * 1000))
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    write, poll = os.write, poller.poll
    sent = 0
    current = next(pieces, None)
    upcoming: bytes | None = None
    fetched = False
    try:
        while current is not None:
            view = memoryview(current)
            while view:
                try:
                    written = write(fd, view)
                except BlockingIOError:
                    written = 0
                sent += written
                if written == len(view):
                    break
                view = view[written:]
                # Short: the buffer is full. Writing again at once would only be told EAGAIN.
                if not fetched:
                    upcoming, fetched = next(pieces, None), True
                if not poll(wait_ms):
                    raise serial.SerialTimeoutException("Write timeout")
                if port.fd != fd:
                    # Closed while this thread waited: the number may belong to another file by now.
                    raise serial.PortNotOpenError()
            current = upcoming if fetched else next(pieces, None)
            upcoming, fetched = None, False
    except serial.SerialException as exc:
        raise _WriteFailed(sent, exc) from None
    except OSError as exc:
        raise _WriteFailed(sent, serial.SerialException(f"write failed: {exc}")) from None
    return sent


def _os_errors() -> tuple[type[Exception], ...]:
    """What pyserial lets through when the system refuses a setting: on POSIX ``termios.error``
    (no OSError: a pseudo-terminal refuses parity and 7 bits with it). ``termios`` is only
    looked up, never imported: it does not exist on Windows (docs/architecture.md §10)."""
    termios = sys.modules.get("termios")
    return (serial.SerialException, OSError, ValueError, NotImplementedError) + (
        (termios.error,) if termios is not None else ())


def _pyserial_settings(settings: PortSettings) -> dict[str, object]:
    return {"baudrate": settings.baudrate, "bytesize": settings.bytesize, "parity": settings.parity,
            "stopbits": settings.stopbits, "rtscts": settings.rtscts, "xonxoff": settings.xonxoff}


def _why(exc: BaseException) -> str:
    """A failed line or BREAK call in words: a pty answers ioctls it lacks with ENOTTY/EINVAL."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOTTY, errno.EINVAL):
        return "not a serial line: a pseudo-terminal or a socket carries no modem lines"
    return str(exc) or type(exc).__name__


class _OpenOptions(OpenOptions, total=False):
    """The keyword arguments a port is opened with (pyserial's names)."""

    baudrate: int
    bytesize: int
    parity: str
    stopbits: float
    rtscts: bool
    xonxoff: bool
    timeout: float
    exclusive: bool


class TransportListener(Protocol):
    """What the transport calls, from its reader thread. A listener may also have
    ``awaiting_reply() -> bool`` (the session does): while it says True, a stream is handed on
    read by read, unpaced (``_StreamPacer``): someone waits for a reply in it."""

    def data_received(self, data: bytes) -> None:
        """Bytes arrived from the module."""

    def state_changed(self, state: str, reason: str) -> None:
        """The link is ``connected``, ``reconnecting`` (device gone, waiting for the same one),
        ``lost`` (device gone, waiting for the user to reopen it) or ``closed``. After a loss
        ``reason`` says what went wrong and what happens next."""


class SerialTransport(Transport):
    """One open port with a reader thread.

    Args:
        settings: port and line settings.
        listener: receives data and state changes (called from the reader thread; the change
            ``reopen`` makes is reported from its caller's thread).
        reconnect: after a loss, wait for the same device (or the user's ``reopen``); off, a
            vanished port closes the transport (``run``).
        pace_streams: while the module streams, hand its bytes on in fewer, larger batches
            (``_StreamPacer``; ``run``, the TUI, the interactive REPL and many boards in one
            process). Off for the plain REPL console (not measured there).
    """

    def __init__(self, settings: PortSettings, listener: TransportListener, *, reconnect: bool = True,
                 pace_streams: bool = False) -> None:
        self.settings = settings
        self._pace_streams = pace_streams
        self._listener = listener
        self._reconnect = reconnect
        self._serial: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._resume = threading.Event()
        self._hurry = threading.Event()
        """Set by ``hurry`` and ``close``: ends the reader's pause in a stream."""
        """Set by ``reopen`` and ``close``: wakes a reader that waits for the port to return."""
        self.state = CLOSED
        self.identity: PortIdentity | None = None
        """The device the port is: what a reconnect must find again (taken at each open)."""
        self.path = settings.port
        """What is open now: the port named, or the new path a USB device was followed to."""
        self._lease: PlaceLease | None = None
        """For ``labgrid://PLACE``: the place this transport uses (``labgrid_place.PlaceLease``)."""
        self._fd_reader: _FdReader | None = None
        """Reads a native POSIX port (made by ``open``, closed by ``close``)."""

    def open(self) -> None:
        """Open the port and start reading.

        Raises:
            PortError: the port cannot be opened (message for the user).
        """
        target = self._target()
        try:
            self._serial = self._open_port(target)
        except PortError as exc:
            if self._lease is not None:
                self._release_place()
                raise PortError(f"{self.settings.port}: {exc}") from None  # the place the user named
            raise
        except BaseException:
            self._release_place()  # Ctrl+C or SIGTERM during the open: no session will close it
            raise
        self.identity = identify(target)  # now: once the device is gone, so are its facts
        self.state = CONNECTED
        if self._fd_reader is None and hasattr(select, "poll"):  # (no poll on Windows: pyserial reads)
            self._fd_reader = _FdReader()
        self._thread = threading.Thread(target=self._read_loop, name=f"rx {self.settings.port}", daemon=False)
        self._thread.start()

    @property
    def route(self) -> str | None:
        """For a labgrid place: the endpoint it is reached at and whose hold it is; else None."""
        lease = self._lease
        if lease is None:
            return None
        hold = "acquired for this session" if lease.acquired_here else "held by you already, kept at the end"
        return f"{lease.url}, place {hold}"

    def hurry(self) -> None:
        """A reply is awaited now (a command was sent): the reader stops pausing (if it is) and
        reads at once."""
        self._hurry.set()

    def write(self, data: bytes) -> int:
        """Write all of ``data``; returns how many bytes went out.

        Raises:
            PortWriteError: the port is not connected or failed during the write; its ``sent``
                says how many bytes of ``data`` left before the failure.
        """
        return self.write_pieces(iter((data,)), len(data))

    def write_pieces(self, pieces: Iterator[bytes], total: int) -> int:
        """Write the pieces ``pieces`` yields, in order, as one write of ``total`` bytes (nothing
        else is written in between); returns how many bytes went out.

        On a native POSIX port the next piece is asked for as soon as the port has no room for
        more of the current one, before waiting for room: whatever makes a piece (the session
        records it, docs/architecture.md §3) runs while the module reads, not in a row with the
        write. A piece is never asked for before its predecessor's first byte was offered.

        Raises:
            PortWriteError: as ``write``; ``sent`` counts the bytes of every piece that left.
        """
        with self._write_lock:
            port = self._serial
            if port is None or self.state != CONNECTED:
                raise PortWriteError("the port is not connected", 0)
            sent = 0
            try:
                fd = _native_fd_for(port, "write")
                if fd is not None:
                    sent = _write_native(port, fd, pieces)
                else:
                    for data in pieces:
                        # Write in pieces so a failure can say how far the payload got.
                        for start in range(0, len(data), 4096):
                            piece = data[start:start + 4096]
                            port.write(piece)
                            sent += len(piece)
                # tcdrain, kept: a write returns once its bytes have left the driver. It costs a
                # UART the wire time of its last buffer, a pty microseconds (measured).
                port.flush()
            except _WriteFailed as failed:
                raise PortWriteError(f"write failed after {failed.sent} of {total} bytes: {failed.error}",
                                     failed.sent) from None
            except (serial.SerialException, OSError) as exc:
                raise PortWriteError(f"write failed after {sent} of {total} bytes: {exc}", sent) from None
            return sent

    # -- line settings and modem lines (docs/protocol.md §9.1, §9.2) ------------------------

    def apply_settings(self, settings: PortSettings) -> None:
        """Change baud rate, framing and flow control of the open port (through RFC 2217 the
        server's device changes too); later reopens use them. On failure the old ones stay.

        Raises:
            PortError: the port is not connected, or refused the settings (message for the user).
        """
        with self._write_lock:
            port = self._connected_port()
            try:
                # Everything waiting to leave goes at the old speed (a command's last bytes).
                port.flush()
                port.apply_settings(_pyserial_settings(settings))
            except _os_errors() as exc:
                try:
                    port.apply_settings(_pyserial_settings(self.settings))
                except _os_errors():
                    pass
                raise PortError(f"{self.settings.port} refused {settings.describe()}: {exc}") from None
            self.settings = settings

    def set_line(self, line: str, on: bool) -> None:
        """Assert (``on``) or release DTR or RTS.

        Raises:
            PortError: not connected, or the port has no such line (a pseudo-terminal).
        """
        with self._write_lock:
            port = self._connected_port()
            try:
                setattr(port, line, on)
            except (serial.SerialException, OSError, AttributeError, NotImplementedError) as exc:
                raise PortError(f"{self.settings.port} has no {line.upper()} line to drive ({_why(exc)})") from None

    def send_break(self, seconds: float) -> None:
        """Hold the TX line in BREAK for ``seconds`` (writes wait meanwhile).

        Raises:
            PortError: not connected, or the port cannot send a BREAK.
        """
        with self._write_lock:
            port = self._connected_port()
            try:
                port.send_break(seconds)
            except (serial.SerialException, OSError, AttributeError, NotImplementedError) as exc:
                raise PortError(f"{self.settings.port} cannot send a BREAK ({_why(exc)})") from None

    def modem_lines(self) -> dict[str, bool] | None:
        """CTS, DSR, RI and CD as the port reports them; None where it has none (a pty, a
        socket) or is not connected. Cheap: an ioctl, or the last RFC 2217 notification."""
        port = self._serial
        if port is None or self.state != CONNECTED:
            return None
        try:
            return {name: bool(getattr(port, name)) for name in ("cts", "dsr", "ri", "cd")}
        except (serial.SerialException, OSError, AttributeError, NotImplementedError, TypeError):
            return None

    def _connected_port(self) -> serial.SerialBase:
        port = self._serial
        if port is None or self.state != CONNECTED:
            raise PortError(f"{self.settings.port} is not connected ({self.state})")
        return port

    def reopen(self) -> str:
        """Open the port the user named again, now, after it vanished; the user vouches for the
        device, so its identity is not checked (it is taken again, for the next loss).

        Returns:
            the reason given with the ``connected`` state change.
        Raises:
            PortError: the port is connected, closed, or cannot be opened (message for the user).
        """
        with self._write_lock:
            if self.state == CONNECTED:
                raise PortError(f"{self.settings.port} is connected: nothing to reopen")
            if self.state == CLOSED:
                raise PortError(f"{self.settings.port} is closed: start a new session to open it")
            target = self._target()
            port = self._open_port(target)
            self._serial, self.path = port, self.settings.port
            self.identity = identify(target)
            self.state = CONNECTED
        reason = "reopened as asked (the device was not checked)"
        self._listener.state_changed(CONNECTED, reason)
        self._resume.set()
        return reason

    def close(self) -> None:
        """Stop the reader and close the port; idempotent."""
        self._stop.set()
        self._resume.set()
        self._hurry.set()
        fd_reader = self._fd_reader
        if fd_reader is not None:
            fd_reader.wake()
        port = self._serial
        if port is not None and hasattr(port, "cancel_read"):
            try:
                port.cancel_read()
            except Exception:  # noqa: BLE001 - best effort wake-up; the timeout covers it
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._close_port()
        if fd_reader is not None and (self._thread is None or not self._thread.is_alive()):
            self._fd_reader = None
            fd_reader.close()  # (a reader still stuck after 5 s keeps its pipe: it may still poll it)
        self._release_place()
        if self.state != CLOSED:
            self.state = CLOSED
            self._listener.state_changed(CLOSED, "closed by the user")

    # -- internals --------------------------------------------------------------------------

    def _target(self) -> str:
        """What to open for the port the user named: itself, or for ``labgrid://PLACE`` the
        RFC 2217 URL of the place's serial port (the place acquired once, kept until ``close``)."""
        name = self.settings.port
        if not name.lower().startswith("labgrid://"):
            return name
        if self._lease is None:
            from spwf_tui.transport import labgrid_place  # labgrid only when a lab port is used

            self._lease = labgrid_place.acquire(name, self.settings.coordinator)
        return self._lease.url

    def _release_place(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.release()

    def _open_port(self, name: str) -> serial.SerialBase:
        urlhandler.register()
        s = self.settings
        url = pyserial_url(name)
        options: _OpenOptions = {
            "baudrate": s.baudrate, "bytesize": s.bytesize, "parity": s.parity, "stopbits": s.stopbits,
            "rtscts": s.rtscts, "xonxoff": s.xonxoff, "timeout": READ_TIMEOUT, "exclusive": True,
            **open_options(name)}
        try:
            if url.lower().startswith(("socket://", "rfc2217://")):
                from spwf_tui.transport.netports import port_class  # pyserial's rfc2217: only when used

                port_type = port_class(url)
                if port_type is not None:
                    return port_type(url, **options)  # opens, like serial_for_url
            return serial.serial_for_url(url, **options)
        except _os_errors() as exc:
            raise describe_open_failure(name, exc) from None

    def _close_port(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except Exception:  # noqa: BLE001 - the device may already be gone
                pass

    def _read_loop(self) -> None:
        pacer = _StreamPacer() if self._pace_streams else None
        awaiting_reply = getattr(self._listener, "awaiting_reply", None)
        ready = time.monotonic()  # since when the reader has been waiting for bytes
        fd_reader = self._fd_reader
        known_port, fd = None, None
        while not self._stop.is_set():
            port = self._serial
            if port is not known_port:  # opened, or reopened after a loss: which way to read it
                known_port = port
                fd = _native_fd_for(port, "read") if port is not None and fd_reader is not None else None
            try:
                if fd is not None:
                    # fd is only set (above) for an open port when there is a descriptor reader.
                    assert fd_reader is not None and isinstance(port, serial.Serial)
                    data = fd_reader.read(port, fd)
                else:
                    data = _read_block(port) if port else b""
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                # TypeError/AttributeError: pyserial's posix read after a concurrent close.
                if self._stop.is_set():
                    break
                if not self._handle_loss(str(exc) or type(exc).__name__):
                    break
                continue
            if data:
                waited = time.monotonic() - ready
                self._listener.data_received(data)
                pause = pacer.pause_after(len(data), waited) if pacer is not None else 0.0
                if pause:
                    self._hurry.clear()  # before the look: a command sent after it ends the pause
                    if not (awaiting_reply is not None and awaiting_reply()):
                        self._hurry.wait(pause)  # the bytes wait in the kernel's buffer meanwhile
                ready = time.monotonic()

    def _handle_loss(self, reason: str) -> bool:
        """The device went away: wait for it (or for the user) to bring it back. False when the
        read loop should end (no reconnecting, or the transport was closed)."""
        identity = self.identity
        with self._write_lock:
            self._close_port()
            if not self._reconnect:
                self.state = CLOSED
            else:
                self.state = RECONNECTING if identity is not None and identity.automatic else LOST
            state = self.state
        if state == CLOSED:
            self._listener.state_changed(CLOSED, reason)
            return False
        plan = identity.plan() if identity is not None else "not reopened automatically"
        self._listener.state_changed(state, f"{reason}; {plan}")
        while not self._stop.is_set():
            self._resume.wait(REOPEN_INTERVAL)
            self._resume.clear()
            if self._stop.is_set():
                break
            if self.state == CONNECTED:
                return True  # the user reopened it (``reopen``)
            if self.state == RECONNECTING and identity is not None and self._reopen_same(identity):
                return True
        return False

    def _reopen_same(self, identity: PortIdentity) -> bool:
        """One attempt to open the same device again; True when it is open."""
        path = locate(identity)
        if path is None:
            return False
        try:
            port = self._open_port(path)
        except PortError:
            return False  # there but not ready (udev still setting permissions, server starting)
        with self._write_lock:
            if self.state != RECONNECTING:  # the user reopened it meanwhile, or it was closed
                taken = False
            else:
                self._serial, self.state, taken = port, CONNECTED, True
        if not taken:
            port.close()
            return self.state == CONNECTED
        moved, self.path = path != self.path, path
        self._listener.state_changed(CONNECTED, f"is back as {path}" if moved else "is back")
        return True
