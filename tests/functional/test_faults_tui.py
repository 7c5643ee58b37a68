"""The TUI through faults: the port unplugged and back, line noise, a silent module, a recording
that cannot be written, and secrets typed in: the app stays usable and shows what happened."""

from __future__ import annotations

import asyncio
import errno

import pytest

from spwf_tui.session.recording import writer as recorder_module
from spwf_tui.session import session as session_module
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from spwf_tui.ui.widgets.uart_log import UartLog
from tests.functional.conftest import log_text, wait_until
from tests.support.certfactory import make_ca
from tests.system.test_line_noise import noise_blocks

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")


def answers_at(line: bytes) -> bytes:
    """A module that answers ``AT`` and ``AT+S.STS`` (echo, OK) and nothing else."""
    return line + b"\r\nAT-S.OK\r\n" if line in (b"AT", b"AT+S.STS") else b""


def status(app: SpwfApp) -> str:
    return str(app.query_one("#status").render())


async def send(pilot, app: SpwfApp, line: str) -> None:
    app.query_one(CommandBuilder).set_line(line)
    app.query_one(CommandBuilder).input.focus()
    await pilot.press("enter")


async def test_unplug_and_replug_show_in_the_status_line_and_typing_reaches_the_new_port(board, open_session):
    pty = board(answer=answers_at)
    app = SpwfApp(open_session(str(pty.link)))
    async with app.run_test(size=(120, 40)) as pilot:
        for cycle in range(3):
            await wait_until(pilot, lambda: "Pending Data" in log_text(app))
            pty.unplug()
            await wait_until(pilot, lambda: "  ·  lost" in status(app))
            assert "vanished" in log_text(app) and "F5" in log_text(app)
            pty.plug()
            # A pty is not reopened by itself (its number may be another program's now): F5 does.
            assert "  ·  lost" in status(app)
            await pilot.press("f5")
            await wait_until(pilot, lambda: "  ·  connected" in status(app))
            # Pilot's key presses wait for the app to go idle, which a board streaming 500
            # lines a second never allows: type in a pause of the stream.
            pty.stream = False
            before = len(pty.lines)
            await send(pilot, app, "AT+S.STS")
            await wait_until(pilot, lambda: len(pty.lines) > before)
            assert pty.lines[before:] == [b"AT+S.STS"], cycle
            await wait_until(pilot, lambda: log_text(app).count("< AT-S.OK") == cycle + 1)
            pty.stream = True
        assert log_text(app).count("reopened as asked") == 3


async def test_line_noise_leaves_the_app_alive(board, open_session, tmp_path):
    pty = board(stream=False, answer=answers_at, keep_written=False)
    recording = tmp_path / "noise.jsonl"
    session = open_session(str(pty.link), recorder=Recorder(path=recording, keep_secrets=True))
    app = SpwfApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        total = 0
        for block in noise_blocks():
            await asyncio.to_thread(pty.inject, block)  # the app runs while the noise arrives
            total += len(block)
        await wait_until(pilot, lambda: session.rx_bytes == total, timeout=30)
        await pilot.press("f3")  # the keys still work
        await pilot.press("f2")
        await send(pilot, app, "AT")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app).split("> AT")[-1])
        assert app.query_one(UartLog).rows()
    session.close()
    from spwf_tui.session.recording.reader import read_recording

    recorded = sum(len(e.data) for e in read_recording(recording).events if e.dir == "rx")
    assert recorded == pty.written_count == total + len(b"AT\r\nAT-S.OK\r\n")


async def test_a_silent_module_times_out_in_the_log_and_the_next_command_works(board, open_session, monkeypatch):
    monkeypatch.setattr(session_module, "DEFAULT_TIMEOUT", 0.3)
    pty = board(stream=False, answer=answers_at)
    app = SpwfApp(open_session(str(pty.link)))
    async with app.run_test(size=(120, 40)) as pilot:
        await send(pilot, app, "AT+S.GCFG=wifi_ssid")  # the board never answers this one
        await wait_until(pilot, lambda: "# AT+S.GCFG=wifi_ssid: no final reply within 0.3 s" in log_text(app))
        await send(pilot, app, "AT")
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))


async def test_a_recording_that_stops_is_a_visible_warning_and_the_session_goes_on(board, open_session, tmp_path,
                                                                                    monkeypatch):
    pty = board(stream=False, answer=answers_at)
    session = open_session(str(pty.link), recorder=Recorder(path=tmp_path / "full.jsonl"))
    app = SpwfApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "● REC" in status(app)

        def disk_full(fd, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(recorder_module, "_write_all", disk_full)
        await send(pilot, app, "AT")
        await wait_until(pilot, lambda: "# warning: recording stopped: cannot write" in log_text(app))
        assert "No space left on device" in log_text(app)
        await wait_until(pilot, lambda: "● REC" not in status(app))
        await wait_until(pilot, lambda: "< AT-S.OK" in log_text(app))
        await send(pilot, app, "AT")
        await wait_until(pilot, lambda: log_text(app).count("< AT-S.OK") == 2)


PASSPHRASE = "Tr0ub4dor&3 horse"


async def test_secrets_typed_in_the_tui_never_show_in_its_log(booted_session, tmp_path):
    key = make_ca().key_pem
    (tmp_path / "key.pem").write_bytes(key)
    app = SpwfApp(booted_session)
    async with app.run_test(size=(160, 50)) as pilot:
        await send(pilot, app, f"AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}")
        await send(pilot, app, "AT+S.GCFG=wifi_wpa_psk_text")
        await send(pilot, app, f"AT+S.TLSCERT=key,@{tmp_path / 'key.pem'}")
        await wait_until(pilot, lambda: log_text(app).count("< AT-S.OK") >= 3)
        views = [log_text(app)]
        log = app.query_one(UartLog)
        log.focus()
        for key_name in ("c", "x"):  # control characters, then hex: both read the raw bytes
            await pilot.press(key_name)
            views.append(log_text(app))
    stars = "*" * len(PASSPHRASE)
    for view in views:
        assert PASSPHRASE not in view and "Tr0ub4dor" not in view
        assert "PRIVATE KEY" not in view and key[30:60].decode() not in view
    assert f"> AT+S.SCFG=wifi_wpa_psk_text,{stars}" in views[0]
    assert f"AT-S.Var:wifi_wpa_psk_text={stars}" in views[0]
    assert f"[{len(key)} payload bytes] {'*' * 40}" in views[0]


async def test_a_passphrase_with_another_delimiter_never_shows_in_the_log(booted_session):
    """After ``console_delimiter`` is changed the module stores ``SCFG=wifi_wpa_psk_text;PSK``:
    the TUI's log hides it like the factory form (issue 13 §3)."""
    app = SpwfApp(booted_session)
    async with app.run_test(size=(160, 50)) as pilot:
        await send(pilot, app, "AT+S.SCFG=console_delimiter,;")
        await send(pilot, app, f"AT+S.SCFG=wifi_wpa_psk_text;{PASSPHRASE}")
        await send(pilot, app, f"AT+S.SCFG =wifi_wpa_psk_text;{PASSPHRASE}")
        await send(pilot, app, "AT+S.GCFG=wifi_wpa_psk_text")
        await send(pilot, app, "AT+S.SCFG=console_delimiter;,")
        await wait_until(pilot, lambda: log_text(app).count("< AT-S.OK") >= 5)
        view = log_text(app)
    assert PASSPHRASE not in view and "Tr0ub4dor" not in view
    assert f"AT-S.Var:wifi_wpa_psk_text={'*' * len(PASSPHRASE)}" in view
