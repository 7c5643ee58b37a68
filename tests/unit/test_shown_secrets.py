"""What the session hands its front ends hides secrets wherever the module puts them: an echo the
decoder took for payload after an unsolicited ``AT-S.Reading`` (cut between two reads), and the
echo of a private key the module refused (issue 13 §3)."""

from __future__ import annotations

from spwf_tui.core.events import DATA
from spwf_tui.session.log import RX, TX
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings

PSK = b"Tr0ub4dor&3-secret"
KEY = (b"-----BEGIN PRIVATE KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\r\n"
       b"MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\r\n-----END PRIVATE KEY-----\r\n")


def _session() -> Session:
    session = Session(PortSettings("/dev/ttyX"), transport=NullTransport(), reconnect=False)
    session.open()
    return session


def _shown_rx(session: Session) -> bytes:
    return b"".join(entry.event.raw for entry in session.entries.drain() if entry.direction == RX)


def test_an_echo_swallowed_as_payload_is_redacted_even_cut_between_reads():
    session = _session()
    # An unsolicited Reading header: the decoder takes the next 60 bytes for socket data.
    session.data_received(b"AT-S.Reading:60:60\r\nAT+S.SCFG=wifi_wpa_psk")
    session.data_received(b"_text," + PSK + b"\r\nAT-S.OK\r\n" + b"x" * 20)
    entries = session.entries.drain()
    assert any(entry.event is not None and entry.event.kind == DATA for entry in entries)
    shown = b"".join(entry.event.raw for entry in entries if entry.direction == RX)
    assert PSK not in shown and b"Tr0ub" not in shown and b"*" * len(PSK) in shown
    session.close()


def test_a_refused_key_echoed_back_is_hidden_on_screen():
    session = _session()
    session.send_outgoing(session.prepare('AT+S.TLSCERT=key,"' + KEY.decode().replace("\r\n", "\\r\\n") + '"'))
    sent = [entry for entry in session.entries.drain() if entry.direction == TX]
    assert sent and set(sent[-1].payload) == {ord("*")}
    echo = b"AT-S.ERROR:32:Argument exceeds allowed size\r\n"
    for line in KEY.split(b"\r\n")[:-1]:
        echo += line + b"\r\nAT-S.ERROR:1:Command not found\r\n"
    session.data_received(echo[:100])
    session.data_received(echo[100:])
    shown = _shown_rx(session)
    assert b"MIIEvQIBADANBgkq" not in shown and b"MzEfYyjiWA4R4" not in shown
    assert shown.count(b"AT-S.ERROR:1:Command not found") == 4
    session.close()


def test_a_key_in_bytes_sent_raw_is_hidden_and_its_echo_too():
    session = _session()
    session.send_raw(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY, ":send-file upload.bin")
    sent = [entry for entry in session.entries.drain() if entry.direction == TX]
    assert b"MIIEvQIBADANBgkq" not in sent[-1].payload and sent[-1].payload.startswith(b"AT+S.TLSCERT=key,")
    session.data_received(b"AT-S.ERROR:32:x\r\n" + KEY.split(b"\r\n")[1] + b"\r\n")
    assert b"MIIEvQIBADANBgkq" not in _shown_rx(session)
    session.close()


def test_the_recording_keeps_the_order_when_an_echoed_line_is_held(tmp_path):
    from spwf_tui.session.recording.writer import Recorder
    from spwf_tui.session.recording.reader import read_recording

    recorder = Recorder(path=tmp_path / "r.jsonl")
    session = Session(PortSettings("/dev/ttyX"), transport=NullTransport(), reconnect=False, recorder=recorder)
    session.open()
    session.send_raw(b"AT+S.TLSCERT=key,%d\r" % len(KEY) + KEY, ":send-file upload.bin")
    session.data_received(b"AT-S.ERROR:32:x\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC")  # cut mid-line
    session.send_raw(b"AT\r", ":send-file at.txt")
    session.close()
    events = [(e.dir, e.data) for e in read_recording(tmp_path / "r.jsonl").events if e.dir in ("rx", "tx")]
    assert [direction for direction, _ in events] == ["tx", "rx", "rx", "tx"]
    assert b"MIIEvQIBADANBgkq" not in b"".join(data for _, data in events)
