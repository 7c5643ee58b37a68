"""The AT-aware paste queue (session/paste_queue.py) against the emulated module (sim://)."""

from __future__ import annotations

import threading

import pytest

from spwf_tui.session.quiet import wait_until_idle
from spwf_tui.core.payload import PayloadError
from spwf_tui.session.paste_queue import (
    CANCELLED,
    DONE,
    STOPPED_ON_ERROR,
    PasteQueue,
    is_multi_line,
    split_pasted,
)
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings


@pytest.fixture
def session():
    session = Session(PortSettings("sim://"))
    session.open()
    wait_until_idle(session)  # a boot WIND 1 would end a pending line as interrupted (LOST)
    session.entries.drain()
    yield session
    session.close()


def sent_lines(session) -> list[str]:
    return [e.text for e in session.entries.drain() if e.direction == "tx"]


def test_split_keeps_every_command_line_and_drops_blank_ones():
    text = "AT+S.SSIDTXT=Lab\r\nAT+S.SSIDTXT\r\n\r\n"
    assert split_pasted(text) == ["AT+S.SSIDTXT=Lab", "AT+S.SSIDTXT"]
    assert is_multi_line(text)
    assert not is_multi_line("AT+S.STS\n")


def test_the_seed_paste_sets_the_ssid_and_then_reads_it(session):
    queue = PasteQueue(session, ["AT+S.SSIDTXT=Lab", "AT+S.SSIDTXT"])
    seen = []
    assert queue.run(threading.Event(), lambda q: seen.append((q.sent, q.answered))) == DONE
    assert seen == [(1, 0), (1, 1), (2, 1), (2, 2)]  # the second line goes after the first's reply
    texts = [e.text for e in session.entries.drain()]
    assert "AT-S.SSIDTXT:Lab" in texts  # not "LabAT+S.SSIDTXT"
    assert queue.summary() == "paste: all 2 lines sent"


def test_an_error_stops_the_queue_and_run_again_goes_on(session):
    queue = PasteQueue(session, ["AT", "AT+S.NOSUCH", "AT+S.STS=fw_version", "AT"])
    assert queue.run(threading.Event()) == STOPPED_ON_ERROR
    assert (queue.sent, queue.remaining) == (2, 2)
    assert "ERROR" in queue.last_reason
    assert sent_lines(session)[-2:] == ["AT", "AT+S.NOSUCH"]
    assert queue.summary().startswith("paste stopped at line 2/4")
    assert queue.run(threading.Event()) == DONE
    assert sent_lines(session) == ["AT+S.STS=fw_version", "AT"]


def test_cancel_sends_nothing_more(session):
    cancel = threading.Event()
    queue = PasteQueue(session, ["AT", "AT", "AT"])
    assert queue.run(cancel, lambda q: cancel.set() if q.answered == 1 else None) == CANCELLED
    assert queue.sent == 1
    assert "2 line(s) not sent" in queue.summary()


def test_payload_sources_work_and_a_bad_line_sends_nothing(session, tmp_path):
    (tmp_path / "hello.txt").write_bytes(b"hello\r\n")
    queue = PasteQueue(session, [f"AT+S.FSC=/h.txt,@{tmp_path}/hello.txt", "AT+S.FSP=/h.txt"])
    assert queue.outgoing[0].line == "AT+S.FSC=/h.txt,7" and queue.outgoing[0].payload == b"hello\r\n"
    assert queue.run(threading.Event()) == DONE
    with pytest.raises(PayloadError, match="pasted line 2: .*no such file; nothing was sent"):
        PasteQueue(session, ["AT", f"AT+S.FSC=/x,@{tmp_path}/none"])
    with pytest.raises(PayloadError, match="pasted line 1: .* announces 5 payload bytes"):
        PasteQueue(session, ["AT+S.FSC=/x,5"])
    with pytest.raises(PayloadError, match="is a : command"):
        PasteQueue(session, ["AT", ":quit"])


def test_progress_text_hides_secrets(session):
    queue = PasteQueue(session, ["AT+S.SCFG=wifi_wpa_psk_text,hunter22", "AT"])
    shown = []
    queue.run(threading.Event(), lambda q: shown.append(q.progress_text()))
    assert shown[0].startswith("paste 1/2: AT+S.SCFG=wifi_wpa_psk_text,")
    assert not [text for text in shown if "hunter22" in text]

