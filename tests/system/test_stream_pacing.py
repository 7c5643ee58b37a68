"""The reader's pauses in a stream (transport.serial_transport ``_StreamPacer``) never hold back
a reply someone waits for: a command sent during a pause ends it (``SerialTransport.hurry``).
The pause is made 60 s long here, so a reply held back by it could not arrive in the test's
30 s wait."""

from __future__ import annotations

import contextlib
import os
import select
import time
import tty
from collections.abc import Iterator

from spwf_tui.core.events import WIND
from spwf_tui.session.session import Session
from spwf_tui.transport import serial_transport
from spwf_tui.transport.settings import PortSettings


def _read_line(fd: int, timeout: float = 30) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\r"):
        assert time.monotonic() < deadline, f"no command line came: {data!r}"
        if select.select([fd], [], [], 0.5)[0]:
            data += os.read(fd, 1)
    return data


@contextlib.contextmanager
def _paused_in_a_stream(monkeypatch) -> Iterator[tuple[Session, int]]:
    """A paced ``Session`` on a raw pty (as ``run`` and the TUI open theirs) whose reader has just
    paused in a stream (60 s, see the module docstring); yields it and the pty's master end."""
    monkeypatch.setattr(serial_transport, "STREAM_INTERVAL", 60.0)
    monkeypatch.setattr(serial_transport, "STREAM_BUFFERED", 1 << 40)
    master, slave = os.openpty()
    tty.setraw(slave)
    session = Session(PortSettings(os.ttyname(slave)), reconnect=False, pace_streams=True)
    session.open()
    try:
        # A stream: reads in a row that find bytes soon; after the third the reader pauses.
        for n in range(serial_transport.STREAM_READS):
            mark = session.event_seq
            os.write(master, f"+WIND:55:Pending Data:0:{n + 1}:{n + 1}\r\n".encode())
            assert session.wait_for_event(lambda e: e.kind == WIND, timeout=30, since=mark) is not None
        yield session, master
    finally:
        session.close()
        os.close(master)
        os.close(slave)


def test_a_command_sent_while_the_reader_pauses_in_a_stream_gets_its_reply(monkeypatch):
    with _paused_in_a_stream(monkeypatch) as (session, master):
        command = session.send("AT")
        assert _read_line(master) == b"AT\r"
        os.write(master, b"AT\r\nAT-S.OK\r\n")
        assert session.wait(command, timeout=30).succeeded, command.reason


def test_a_raw_key_typed_while_the_reader_pauses_in_a_stream_gets_its_echo(monkeypatch):
    """The TUI reads paced too: in raw mode the device's echo of a key is what the user waits for,
    and ``Session.send_keys`` ends the pause as a command does."""
    with _paused_in_a_stream(monkeypatch) as (session, master):
        mark = session.event_seq
        session.send_keys(b"x\r")
        assert _read_line(master) == b"x\r"
        os.write(master, b"x-echoed\r\n")  # what a console echoing the key sends back
        assert session.wait_for_event(lambda e: e.text == "x-echoed", timeout=30, since=mark) is not None
