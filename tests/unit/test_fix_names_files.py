"""Fix hints name the session's own CA file: in the live log, the recording and its exports."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.export import render, replay_all
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from tests.unit.test_recorder import open_session

DATA = Path(__file__).parent.parent / "data"
SKI_HEX = "3EF1747FD79122144BCADF4F95DF960A32823B4C"


def _seed_session(tmp_path):
    ca = tmp_path / "bench-root.pem"
    ca.write_bytes((DATA / "seed_ca_cert.pem").read_bytes())
    path = tmp_path / "s.jsonl"
    session, _ = open_session(Recorder(path=path))
    session.send(f"AT+S.TLSCERT=ca,@{ca}")
    session.data_received(b"AT+S.TLSCERT=ca,1403\r\nAT-S.No SubjectKeyId\r\nAT-S.OK\r\n")
    session.send(f'AT+S.TLSCERT=auth,"{SKI_HEX}"')
    session.data_received(b"AT+S.TLSCERT=auth,40\r\nAT-S.OK\r\n")
    session.send("AT+S.SOCKON=10.0.0.1,4443,NULL,s")
    session.data_received(b"AT+S.SOCKON=10.0.0.1,4443,NULL,s\r\nAT-S.Certificate Error:3\r\n"
                          b"AT-S.ERROR:74:Failed to open socket\r\n")
    session.close()
    return session, ca, path


def test_live_log_names_the_uploaded_ca(tmp_path):
    session, ca, _ = _seed_session(tmp_path)
    explained = [entry.explain for entry in session.entries.drain() if entry.explain]
    fix = f"AT+S.TLSCERT=auth,ski:{ca}"
    assert any(f"upload the 20 raw SKI bytes with {fix}." in text for text in explained)
    assert any(f"not 40 hex characters. Fix: {fix} (sends" in text for text in explained)
    assert not any("ca_cert.pem" in text for text in explained)
    assert session.state.ca_file == str(ca)


def test_recording_and_exports_name_it_too(tmp_path):
    _, ca, path = _seed_session(tmp_path)
    recording = read_recording(path)
    assert [e.fields.get("source") for e in recording.events if e.dir == "tx"][:1] == [f"@{ca}"]
    replayed = replay_all(recording)
    for fmt in ("text", "markdown"):
        assert f"AT+S.TLSCERT=auth,ski:{ca} (sends" in render(replayed, fmt), fmt


def test_without_a_known_file_the_fix_says_so(tmp_path):
    session, _ = open_session(None)
    session.data_received(b"AT+S.TLSCERT=ca,1403\r\nAT-S.No SubjectKeyId\r\nAT-S.OK\r\n")
    explained = [entry.explain for entry in session.entries.drain() if entry.explain]
    assert any("AT+S.TLSCERT=auth,ski:<your CA file>" in text for text in explained)
    session.close()
