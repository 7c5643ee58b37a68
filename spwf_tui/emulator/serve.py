"""Front doors to a standalone emulated module: a pseudo-terminal, or a TCP port.

Both power the module on once and keep it running until ``stop`` is set (the caller turns
SIGTERM / SIGINT into that), whatever clients come and go, like a board that stays powered
behind a serial adapter or ser2net. Output produced while no client listens is lost, as on a
UART with nobody at the other end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import threading
import time
from typing import TYPE_CHECKING, Callable

from spwf_tui.emulator.module import EmulatedModule
from spwf_tui.emulator.world import World

if TYPE_CHECKING:
    from spwf_tui.emulator.control import ControlSocket

_POLL_SECONDS = 0.1
"""How often the loops look at ``stop``."""
_WRITE_STALL_SECONDS = 2.0
"""How long output waits for a reader that does not drain before the rest is dropped."""
_READ_SIZE = 4096


def run_pty(link: str | None = None, on_ready: Callable[[str], None] = print,
            stop: threading.Event | None = None, tap: Callable[[bytes], None] | None = None,
            world: World | None = None, control: str | None = None) -> None:
    """Serve the module on a new pseudo-terminal until ``stop`` is set.

    The slave side is raw (no echo, no CR/LF translation) and this process keeps it open, so a
    client may open and close it any number of times. With ``link``, a symlink to the slave is
    created (or atomically replaced) there and removed on exit if it still points to it.
    ``on_ready`` gets the link, or the slave path. ``tap`` sees every byte from the host.
    ``world`` sets the module's surroundings; ``control`` is the path of a fault socket.
    """
    stop = stop or threading.Event()
    master, slave = os.openpty()
    slave_path = os.ttyname(slave)
    try:
        import tty  # POSIX only, like the pty itself; sim --tcp needs neither (Windows)

        tty.setraw(slave)
        os.set_blocking(master, False)
        if link:
            _replace_symlink(slave_path, link)
        module = _make_module(lambda data: _write_fd(master, data), world)
        controller = _control(control, module)  # before on_ready: ready means all of it
        on_ready(link or slave_path)
        try:
            module.start()
            while not stop.is_set():
                readable, _, _ = select.select([master], [], [], _POLL_SECONDS)
                if not readable:
                    continue
                try:
                    data = os.read(master, _READ_SIZE)
                except BlockingIOError:
                    continue
                except OSError as exc:
                    if exc.errno == errno.EIO:  # no client; cannot happen while we hold slave
                        continue
                    raise
                if tap:
                    tap(data)
                module.receive(data)
        finally:
            if controller is not None:
                controller.close()
            module.close()
    finally:
        if link:
            with contextlib.suppress(OSError):
                if os.readlink(link) == slave_path:
                    os.unlink(link)
        os.close(master)
        os.close(slave)


class LinkRefusedError(OSError):
    """``--link`` names something that is not ours to replace; ``strerror`` says what."""


def _replace_symlink(target: str, link: str) -> None:
    """Point ``link`` at ``target``: created, or replacing only a link an earlier ``sim`` left.

    A regular file, a folder or a link to anything but a pseudo-terminal is someone else's: it
    is refused, never replaced (and so never deleted on exit either).
    """
    if os.path.lexists(link) and not _is_our_old_link(link):
        what = "a symbolic link to something other than a pseudo-terminal" if os.path.islink(link) else \
            "a folder" if os.path.isdir(link) else "a file"
        raise LinkRefusedError(errno.EEXIST, f"{what} is there, and spwf-tui sim only replaces a link "
                                             "it made; remove it or name another path")
    temporary = f"{link}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.symlink(target, temporary)
    os.replace(temporary, link)


def _is_our_old_link(path: str) -> bool:
    """A link into ``/dev/pts`` (what ``sim --pty --link`` makes), its pty gone or not."""
    try:
        target = os.readlink(path)
    except OSError:
        return False
    return os.path.normpath(target).startswith(("/dev/pts/", "/dev/ttys", "/dev/pty"))


def _write_fd(fd: int, data: bytes) -> None:
    """Write all of ``data`` to a non-blocking fd; drop the rest if the reader stalls."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            _, writable, _ = select.select([], [fd], [], _WRITE_STALL_SECONDS)
            if not writable:
                return
            continue
        except OSError:
            return
        view = view[written:]


def run_tcp(host: str, port: int, on_ready: Callable[[str], None] = print,
            stop: threading.Event | None = None, tap: Callable[[bytes], None] | None = None,
            world: World | None = None, control: str | None = None) -> None:
    """Serve the module on a TCP port, one client at a time, until ``stop`` is set.

    Port 0 picks a free port; ``on_ready`` gets ``host:port`` with the real port. A client that
    connects while another is served is closed at once.
    """
    stop = stop or threading.Event()
    server = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                           socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    client_lock = threading.Lock()
    client: list[socket.socket] = []

    def send(data: bytes) -> None:
        with client_lock:
            if not client:
                return
            try:
                client[0].sendall(data)
            except OSError:
                pass  # the reader loop notices the broken connection

    try:
        server.bind((host, port))
        server.listen(2)
        module = _make_module(send, world)
        controller = _control(control, module)  # before on_ready: ready means all of it
        on_ready(f"{host}:{server.getsockname()[1]}")
        try:
            module.start()
            _serve_clients(server, module, client, client_lock, stop, tap)
        finally:
            if controller is not None:
                controller.close()
            module.close()
    finally:
        with client_lock:
            for conn in client:
                conn.close()
            client.clear()
        server.close()


def _serve_clients(server: socket.socket, module: EmulatedModule, client: list[socket.socket],
                   client_lock: threading.Lock, stop: threading.Event,
                   tap: Callable[[bytes], None] | None = None) -> None:
    while not stop.is_set():
        watched = [server, *client]
        readable, _, _ = select.select(watched, [], [], _POLL_SECONDS)
        # The current client first: a hang-up seen in the same round frees the slot for a
        # client waiting to be accepted.
        if client and client[0] in readable:
            try:
                data = client[0].recv(_READ_SIZE)
            except OSError:
                data = b""
            if data:
                if tap:
                    tap(data)
                module.receive(data)
            else:
                with client_lock:
                    client.pop().close()
        if server in readable:
            conn, _ = server.accept()
            with client_lock:
                if client:
                    conn.close()  # busy: one client at a time
                else:
                    conn.settimeout(_WRITE_STALL_SECONDS)
                    client.append(conn)


def _make_module(write: Callable[[bytes], None], world: World | None) -> EmulatedModule:
    """The module behind a front door; its output paced at ``console_speed`` when the world
    asks for a real UART's speed."""
    holder: list[EmulatedModule] = []
    if world is not None and world.paced_uart:
        write = UartPacer(write, lambda: holder[0].config.get_int("console_speed"))
    module = EmulatedModule(write, world=world)
    holder.append(module)
    return module


def _control(path: str | None, module: EmulatedModule) -> ControlSocket | None:
    if path is None:
        return None
    from spwf_tui.emulator.control import ControlSocket

    controller = ControlSocket(path, module, threading.Event())
    controller.start()
    return controller


class UartPacer:
    """Passes bytes on no faster than a UART at ``baud`` (8N1: 10 bits a byte) would."""

    CHUNK = 64
    """Bytes written at once: small enough that a reader sees a steady stream."""

    def __init__(self, write: Callable[[bytes], None], baud: Callable[[], int], *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._write = write
        self._baud = baud
        self._clock = clock
        self._sleep = sleep
        self._free_at = 0.0

    def __call__(self, data: bytes) -> None:
        seconds_per_byte = 10.0 / max(1200, self._baud())
        for start in range(0, len(data), self.CHUNK):
            chunk = data[start:start + self.CHUNK]
            wait = self._free_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            self._write(chunk)
            self._free_at = max(self._free_at, self._clock()) + len(chunk) * seconds_per_byte
