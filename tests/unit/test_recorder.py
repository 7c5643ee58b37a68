"""The recorder (session.recording.writer) and the reader (session.recording.reader): format, files, failures."""

from __future__ import annotations

import base64
import errno
import json
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.session.recording import writer as recorder_module
from spwf_tui.session.recording.writer import Recorder, file_name, prune, sanitise_port
from spwf_tui.session.recording.reader import RecordingError, parse_recording, read_recording, redacted
from spwf_tui.session.session import Session
from spwf_tui.transport.base import Transport
from spwf_tui.transport.settings import PortSettings
from tests.support.fuzz import budget

SETTINGS = PortSettings("/dev/ttyUSB0", 921600, rtscts=True)


class FakeTransport(Transport):
    """Takes writes; the test plays the module by calling ``session.data_received``."""

    route = None  # the port is where its name says (transport.base.Transport)

    def __init__(self) -> None:
        self.written = bytearray()

    def open(self) -> None:
        pass

    def write(self, data: bytes) -> int:
        self.written += data
        return len(data)

    def close(self) -> None:
        pass


def open_session(recorder: Recorder | None) -> tuple[Session, FakeTransport]:
    transport = FakeTransport()
    session = Session(SETTINGS, transport=transport, recorder=recorder, reconnect=False)
    session.open()
    return session, transport


def joined(recording, direction: str) -> bytes:
    return b"".join(e.data for e in recording.events if e.dir == direction)


def test_recording_is_byte_exact_with_a_versioned_header_and_owner_only(tmp_path):
    path = tmp_path / "s.jsonl"
    session, transport = open_session(Recorder(path=path))
    rx = [b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n", b"\xff\x00\x80 bin", b"\xc3", b"\xa9\r\n"]
    for chunk in rx:
        session.data_received(chunk)
    session.send("AT+S.TLSCERT=auth,hex:00 0d 0a ff 2a 41")
    session.note("marker: before the socket")
    session.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    recording = read_recording(path)
    header = recording.header
    assert (header["format"], header["version"], header["port"], header["secrets"]) == \
        ("spwf-tui-recording", 1, "/dev/ttyUSB0", "redacted")
    assert header["settings"]["baudrate"] == 921600 and header["settings"]["rtscts"] is True
    assert header["started"].endswith("Z") and header["host"]["python"]
    assert joined(recording, "rx") == b"".join(rx)
    assert joined(recording, "tx") == bytes(transport.written)
    lines = path.read_text().splitlines()
    assert any('"b64"' in line for line in lines) and any('"text":"\\u00ff' not in line for line in lines)
    notes = [e.text for e in recording.events if e.dir == "note"]
    assert notes[:2] == ["opened /dev/ttyUSB0 at 921600 8N1 RTS/CTS", f"recording to {path}"]
    assert "marker: before the socket" in notes
    facts = [e.fields["facts"] for e in recording.events if e.dir == "facts"]
    assert facts == [{"firmware": "171117-0328fe3-SPWF04S"}]
    times = [e.t for e in recording.events]
    assert times == sorted(times) and times[0] >= 0


def test_default_directory_naming_keep_limit_and_modes(tmp_path):
    directory = tmp_path / "data" / "recordings"
    start = 1_700_000_000.0
    paths = []
    for n in range(5):
        rec = Recorder(directory=directory, keep=3, wall_clock=lambda n=n: start + 60 * n)
        session, _ = open_session(rec)
        paths.append(session.recording_path)
        session.close()
    (directory / "notes.txt").write_text("not a recording: never removed")
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    assert paths[0].name == "20231114T221320Z_dev-ttyUSB0.jsonl"
    assert sorted(p.name for p in directory.iterdir()) == sorted([*(p.name for p in paths[2:]), "notes.txt"])
    assert prune(directory, 1, current=paths[-1]) == paths[2:4]


def test_same_second_gets_a_suffix(tmp_path):
    names = []
    for _ in range(2):
        rec = Recorder(directory=tmp_path, wall_clock=lambda: 1_700_000_000.0)
        session, _ = open_session(rec)
        names.append(session.recording_path.name)
        session.close()
    assert names == ["20231114T221320Z_dev-ttyUSB0.jsonl", "20231114T221320Z_dev-ttyUSB0-1.jsonl"]


@pytest.mark.parametrize(("port", "part"), [("/dev/ttyUSB0", "dev-ttyUSB0"), ("sim://", "sim"),
                                             ("socket://127.0.0.1:7777", "socket-127.0.0.1-7777"),
                                             ("COM3", "COM3"), ("///", "port")])
def test_port_names_are_made_file_safe(port, part):
    assert sanitise_port(port) == part
    assert file_name(0, port) == f"19700101T000000Z_{part}.jsonl"


def test_size_cap_stops_recording_with_a_visible_note(tmp_path):
    path = tmp_path / "s.jsonl"
    session, _ = open_session(Recorder(path=path, max_bytes=2000))
    for _ in range(100):
        session.data_received(b"AT-S.Var:console_echo=1\r\n")
    assert session.recording_path is None
    shown = [e.text for e in session.entries.drain()]
    assert any(t.startswith("warning: recording stopped:") and "size cap" in t for t in shown)
    session.data_received(b"after the cap\r\n")
    session.close()
    recording = read_recording(path)
    assert recording.events[-1].dir == "note" and "size cap" in recording.events[-1].text
    assert b"after the cap" not in path.read_bytes()


def test_unwritable_directory_warns_and_the_session_goes_on(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    session, transport = open_session(Recorder(directory=blocker / "recordings"))
    assert session.recording_path is None
    session.send("AT")
    shown = [e.text for e in session.entries.drain()]
    assert any(t.startswith("warning: cannot record this session in") for t in shown)
    assert transport.written == b"AT\r"
    session.close()


def test_disk_full_warns_once_and_the_session_goes_on(tmp_path, monkeypatch):
    path = tmp_path / "s.jsonl"
    session, transport = open_session(Recorder(path=path))

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recorder_module, "_write_all", full)
    session.data_received(b"AT-S.OK\r\n")
    session.send("AT")
    warnings = [e.text for e in session.entries.drain() if e.text.startswith("warning:")]
    assert len(warnings) == 1 and "No space left on device" in warnings[0]
    assert transport.written == b"AT\r" and session.recording_path is None
    session.close()


def test_port_that_fails_to_open_leaves_no_recording(tmp_path):
    class Broken(FakeTransport):
        def open(self) -> None:
            raise OSError("no port")

    path = tmp_path / "s.jsonl"
    session = Session(SETTINGS, transport=Broken(), recorder=Recorder(path=path))
    with pytest.raises(OSError):
        session.open()
    assert not path.exists()


def test_record_secrets_keeps_them_and_says_so_and_redacted_removes_them(tmp_path):
    path = tmp_path / "s.jsonl"
    session, _ = open_session(Recorder(path=path, keep_secrets=True))
    session.send("AT+S.SCFG=wifi_wpa_psk_text,hunter22")
    session.data_received(b"AT+S.SCFG=wifi_wpa_psk_text,hunter22\r\nAT-S.OK\r\n")
    session.close()
    recording = read_recording(path)
    assert recording.secrets_kept and b"hunter22" in joined(recording, "tx") + joined(recording, "rx")
    clean = redacted(recording)
    assert clean.header["secrets"] == "redacted"
    assert b"hunter22" not in joined(clean, "tx") + joined(clean, "rx")
    assert len(joined(clean, "rx")) == len(joined(recording, "rx"))


# -- the reader -----------------------------------------------------------------------------

HEADER = json.dumps({"format": "spwf-tui-recording", "version": 1, "port": "sim://", "started_epoch": 0})


def test_reader_skips_a_cut_last_line_and_says_so():
    data = f'{HEADER}\n{{"t":0.1,"dir":"rx","text":"AT-S.OK\\r\\n"}}\n{{"t":0.2,"dir":"rx","te'.encode()
    recording = parse_recording(data)
    assert recording.truncated and [e.data for e in recording.events] == [b"AT-S.OK\r\n"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is not a spwf-tui recording"),
    (b"hello\nworld\n", "is not a spwf-tui recording"),
    (b'{"format": "other"}\n', "is not a spwf-tui recording"),
    (HEADER.replace('"version": 1', '"version": 2').encode() + b"\n", "schema version 2 is not supported"),
    (HEADER.encode() + b'\n{"t":0,"dir":"rx","b64":"@@@"}\n', "line 2: corrupt base64 in a rx event"),
    (HEADER.encode() + b'\nnot json\n{"t":0,"dir":"note","text":"x"}\n', "line 2: not a JSON object"),
    (HEADER.encode() + b'\n{"dir":"rx","text":"x"}\n', "line 2: an event needs a time"),
])
def test_reader_errors_are_one_line(data, message):
    with pytest.raises(RecordingError, match=message) as info:
        parse_recording(data, "f.jsonl")
    assert "\n" not in str(info.value)


def test_reader_skips_unknown_directions_of_the_same_version():
    data = f'{HEADER}\n{{"t":0,"dir":"future","x":1}}\n{{"t":1,"dir":"tx","b64":"{base64.b64encode(b"AT").decode()}"}}\n'
    assert [e.data for e in parse_recording(data.encode()).events] == [b"AT"]


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(RecordingError, match="no such file"):
        read_recording(tmp_path / "nope.jsonl")


EVENT = st.fixed_dictionaries({"t": st.one_of(st.floats(allow_nan=True), st.integers(), st.text(max_size=3)),
                               "dir": st.sampled_from(["rx", "tx", "note", "facts", "session", "?"])},
                              optional={"text": st.text(max_size=5), "b64": st.text(max_size=8),
                                        "redacted": st.lists(st.lists(st.integers(), max_size=3), max_size=2),
                                        "raw": st.integers()})


@settings(max_examples=budget(300), deadline=None)
@given(lines=st.lists(st.one_of(EVENT.map(json.dumps), st.text(max_size=20)), max_size=6),
       tail=st.binary(max_size=10), header=st.sampled_from([HEADER, "{}", "garbage", HEADER[:-3]]))
def test_reader_never_raises_anything_but_its_error(lines, tail, header):
    data = ("\n".join([header, *lines]) + "\n").encode() + tail
    try:
        recording = parse_recording(data)
    except RecordingError:
        return
    recording.settings  # noqa: B018 - must not raise either
    recording.facts()


@settings(max_examples=budget(200), deadline=None)
@given(data=st.binary(max_size=200))
def test_reader_never_raises_on_arbitrary_bytes(data):
    try:
        parse_recording(data)
    except RecordingError:
        pass


# Bytes that need JSON escapes or are not UTF-8: quotes, backslashes, controls, U+2028, a
# surrogate's encoding, truncated and overlong sequences, emoji.
_TRICKY = st.sampled_from([b'"', b"\\", b"\x00", b"\x1f", b"\x7f", b"\r\n", b"\t", b"/", b"\xe2\x80\xa8",
                           b"\xc3\xa9", b"\xc3", b"\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf0\x9f\x98\x80", b"AT-S.OK"])


@settings(max_examples=budget(400), deadline=None)
@given(data=st.one_of(st.binary(max_size=64), st.lists(_TRICKY, max_size=12).map(b"".join)),
       offset=st.floats(min_value=0, max_value=1e9, allow_nan=False).map(lambda t: round(t, 6)),
       direction=st.sampled_from(["rx", "tx"]))
def test_a_plain_read_is_written_as_json_dumps_writes_its_event(data, offset, direction):
    """The recorder writes each plain read's line directly (no ``json.dumps``, the RX path's
    cost): the same bytes as the event ``_data_event`` makes, written by ``_event_line``."""
    made = {"t": offset, "dir": direction}
    try:
        made["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        made["b64"] = base64.b64encode(data).decode("ascii")
    expected = (json.dumps(made, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    assert recorder_module._data_line(offset, direction, data) == expected
    assert recorder_module._event_line(made) == expected
    assert json.loads(expected) == made
