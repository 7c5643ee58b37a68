"""The transport's reconnect decision on real ptys: a USB identity is followed to the path
``identity.locate`` reports (here the pyserial port scan is replaced: no USB device on a test
machine), an unproven port waits for the user whatever appears at its path."""

from __future__ import annotations

import time

from spwf_tui.session.session import Session
from spwf_tui.transport import serial_transport
from spwf_tui.transport.identity import USB, PortIdentity
from spwf_tui.transport.serial_transport import CONNECTED, LOST, RECONNECTING
from spwf_tui.transport.settings import PortSettings
from tests.support.pty_streamer import PtyStreamer


def wait(predicate, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def notes(session) -> list[str]:
    return [e.text for e in session.entries.drain() if e.direction == "note"]


def test_a_usb_device_is_followed_to_its_new_path(tmp_path, monkeypatch):
    first, second = PtyStreamer(tmp_path / "ttyACM0"), PtyStreamer(tmp_path / "by-id-stlink")
    first.plug()
    session = Session(PortSettings(str(first.link)))
    session.open()
    transport = session._transport
    transport.identity = PortIdentity(str(first.link), USB, 0x0483, 0x374B, "066DFF4855")
    where = {"now": None}
    monkeypatch.setattr(serial_transport, "locate", lambda identity: where["now"])
    try:
        first.unplug()
        assert wait(lambda: session.link_state == RECONNECTING)
        second.plug()
        where["now"] = str(second.link)
        assert wait(lambda: session.link_state == CONNECTED)
        seen = session.rx_bytes
        assert wait(lambda: session.rx_bytes > seen)  # reading the new path
        texts = notes(session)
        assert any("waiting for the same device (USB 0483:374B serial 066DFF4855)" in n for n in texts)
        assert any(n.endswith(f"is back as {second.link}") for n in texts)
        assert transport.path == str(second.link)
    finally:
        session.close()
        second.unplug()


def test_the_old_path_coming_back_is_not_enough_for_a_usb_device(tmp_path, monkeypatch):
    board = PtyStreamer(tmp_path / "ttyUSB0")
    board.plug()
    session = Session(PortSettings(str(board.link)))
    session.open()
    session._transport.identity = PortIdentity(str(board.link), USB, 0x1A86, 0x7523, "A1")
    asked = []
    monkeypatch.setattr(serial_transport, "locate", lambda identity: asked.append(identity) or None)
    try:
        board.unplug()
        assert wait(lambda: session.link_state == RECONNECTING)
        board.plug()  # something is at /dev/ttyUSB0 again, but the scan does not find the device
        assert wait(lambda: len(asked) >= 5)  # five looks, none found it
        assert session.link_state == RECONNECTING
    finally:
        session.close()
        board.unplug()


def test_an_unproven_port_is_lost_and_nobody_looks_for_it(tmp_path, monkeypatch):
    board = PtyStreamer(tmp_path / "ttyBOARD")
    board.plug()
    session = Session(PortSettings(str(board.link)))
    session.open()
    asked = []
    monkeypatch.setattr(serial_transport, "locate", lambda identity: asked.append(identity))
    try:
        board.unplug()
        assert wait(lambda: session.link_state == LOST)
        board.plug()
        assert session.reopen()
        assert session.link_state == CONNECTED
        assert asked == []
    finally:
        session.close()
        board.unplug()
