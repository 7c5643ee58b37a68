"""The state-only replay (``replay --print-state``) ends with the full replay's module state.

``StateReplay`` leaves out the log entries, explanations and display copies; the state it
rebuilds must be exactly the one of the full replay (``StreamingReplay``, what the exports
run) and of the TUI's indexed replay (``ReplaySession.to_end``), field by field, on recordings
that mix every way the module's bytes change the state: payload modes (socket reads, an FSP
body, HTTP bodies), a module reset while commands wait, recorded timeouts and link changes,
secrets kept in the file, a cut last line, line noise and lines cut anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spwf_tui.session.recording.format import encode_bytes
from spwf_tui.session.recording.reader import RecordingStream, read_recording, redact_events, redacted
from spwf_tui.session.recording.replay import ReplaySession, StreamingReplay, state_snapshot
from spwf_tui.session.recording.state_replay import StateReplay
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.state import ModuleState
from spwf_tui.transport.settings import PortSettings

ROOT = Path(__file__).resolve().parents[2]

MODULE_LINES = [
    b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n",
    b"+WIND:13:Copyright (c) 2012-2017 STMicroelectronics, Inc.  All rights Reserved:SPWF04SA\r\n",
    b"+WIND:24:WiFi Up:0:192.168.1.50\r\n",
    b"+WIND:33:WiFi Down\r\n",
    b"+WIND:55:Pending Data::0:300:300\r\n",
    b"+WIND:55:Pending Data::1:12:12\r\n",
    b"+WIND:58:Socket Closed:0:0\r\n",
    b"AT-S.OK\r\n",
    b"AT-S.ERROR:17:Invalid command\r\n",
    b"AT-S.On:127.0.0.1:0\r\n",
    b"AT-S.On:10.0.0.9:1\r\n",
    b"AT-S.Query:40\r\n",
    b"AT-S.Reading:5:5\r\nhello",
    b"AT-S.Reading:4:4\r\n\x00\xff\r\n",
    b"AT-S.Reading:3:3\r\nAT-",
    b"AT-S.Http Server Status Code:200\r\n<html>\r\nAT-S.OK</html>\r\n",
    b"AT-S.Var:ip_ipaddr=10.0.0.7\r\n",
    b"AT-S.Var:ip_ipaddr=0.0.0.0\r\n",
    b"AT-S.Var:console_echo=0\r\n",
    b"AT-S.Var:fw_version=180409-c2d5a4a-SPWF04S\r\n",
    b"AT-S.Var:ip_cert_len_ca=1200\r\n",
    b"AT-S.Var:wifi_wpa_psk_text=hunter22\r\n",
    b"AT-S.CA:1\r\n",
    b"AT-S.Id:0\r\n",
    b"AT-S.Clean\r\n",
    b"AT-S.Date:24.01.02\r\n",
    b"AT-S.Time:10.11.12\r\n",
    b"AT-S.SubjectKeyId:01:02\r\n",
    b"\x1b[2J\xc3\x28 noise \xf0\x9f\x98\r\n",
    b"\r\n",
]
COMMANDS = [
    b"AT+S.SOCKON=127.0.0.1,4443,NULL,t\r",
    b"AT+S.SOCKR=0,5\r",
    b"AT+S.SOCKR=0\r",
    b"AT+S.SOCKQ=0\r",
    b"AT+S.SOCKC=0\r",
    b"AT+S.SOCKW=0,3\rabc",
    b"AT+S.TIME=1700000000\r",
    b"AT+S.TLSCERT=ca,4\rPEM!",
    b"AT+S.SCFG=console_echo,0\r",
    b"AT+S.SCFG=wifi_wpa_psk_text,hunter22\r",
    b"AT+S.FCFG\r",
    b"AT+S.RESET\r",
    b"AT+S.FSP=/index.html\r",
    b"AT+S.STS\r",
    b"AT+S.GCFG=ip_ipaddr\r",
    b"AT+S.HTTPGET=example.com,/\r",
    b"AT+S.FSC=/f,6\rabc",  # an upload recorded in pieces: what comes between them is held
    b"def",
]
CONTROLS = [
    {"event": "link", "state": "reconnecting", "reason": "port gone"},
    {"event": "link", "state": "connected", "reason": "port back"},
    {"event": "link", "state": "lost", "reason": "unplugged"},
    {"event": "link", "state": "closed", "reason": "gone"},
]

# One step of a recording: module bytes (echoes included), cut anywhere; a command sent; a
# recorded timeout of a command line; a link change; a note.
step = st.one_of(
    st.tuples(st.just("rx"), st.lists(st.sampled_from(MODULE_LINES + COMMANDS), min_size=1, max_size=6),
              st.integers(0, 40)),
    st.tuples(st.just("rx-bytes"), st.binary(max_size=40)),
    st.tuples(st.just("tx"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("timeout"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("control"), st.sampled_from(CONTROLS)),
    st.tuples(st.just("note"), st.text(max_size=10)),
)


def header(tmp_path: Path, secrets: str) -> dict:
    """A real recorder's header (so the replay reads its settings as it would)."""
    path = tmp_path / "header.jsonl"
    recorder = Recorder(path=path)
    recorder.start(PortSettings("/dev/ttyUSB0"))
    recorder.close()
    first = json.loads(path.read_bytes().splitlines()[0])
    path.unlink()
    return first | {"secrets": secrets}


def write_recording(path: Path, head: dict, steps: list, cut_last: bool) -> None:
    lines = [json.dumps(head)]
    t = 0.0
    for kind, *what in steps:
        t += 0.25
        if kind == "rx":
            data, cut = b"".join(what[0]), what[1]
            pieces = [data[:cut], data[cut:]] if 0 < cut < len(data) else [data]
            lines += [json.dumps({"t": t, "dir": "rx", **encode_bytes(piece)}) for piece in pieces]
        elif kind == "rx-bytes":
            lines.append(json.dumps({"t": t, "dir": "rx", **encode_bytes(what[0])}))
        elif kind == "tx":
            lines.append(json.dumps({"t": t, "dir": "tx", **encode_bytes(what[0])}))
        elif kind == "timeout":
            line = what[0].split(b"\r")[0].decode()
            lines.append(json.dumps({"t": t, "dir": "session", "event": "timeout", "line": line}))
        elif kind == "control":
            lines.append(json.dumps({"t": t, "dir": "session", **what[0]}))
        else:
            lines.append(json.dumps({"t": t, "dir": "note", "text": what[0]}))
    text = "\n".join(lines) + "\n"
    if cut_last:
        text += '{"t": 99, "dir": "rx", "te'  # what a killed process leaves
    path.write_text(text)


def fields(state: ModuleState) -> dict:
    """Every field of the state but its clock (a function; each replay has its own)."""
    return {name: value for name, value in vars(state).items() if name != "clock"}


def states(path: Path, show_secrets: bool) -> tuple[ModuleState, ModuleState, ModuleState]:
    """(state-only, streamed full replay, indexed replay) of the recording at ``path``."""

    def events(stream: RecordingStream):
        return stream.events if show_secrets or not stream.secrets_kept else redact_events(stream.events)

    stream = RecordingStream(path)
    state_only = StateReplay(stream, events(stream)).run()
    stream = RecordingStream(path)
    full = StreamingReplay(stream, events(stream))
    for _ in full.entries():
        pass
    recording = read_recording(path)
    indexed = ReplaySession(recording if show_secrets else redacted(recording))
    indexed.to_end()
    return state_only, full.state, indexed.state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, max_size=40), secrets=st.sampled_from(["redacted", "kept"]),
       show_secrets=st.booleans(), cut_last=st.booleans())
def test_state_only_replay_ends_with_the_full_replays_state(tmp_path, steps, secrets, show_secrets, cut_last):
    path = tmp_path / "generated.jsonl"
    write_recording(path, header(tmp_path, secrets), steps, cut_last)
    state_only, full, indexed = states(path, show_secrets)
    assert fields(state_only) == fields(full) == fields(indexed)


def test_a_reset_while_commands_wait_and_payloads_in_every_mode(tmp_path):
    """One fixed recording through every path the generated ones may miss: a socket opened and
    read (a payload that holds ``AT-S.OK``), an FSP body, the module reset under a pending
    command, the clock set and read back, TLS objects listed; the states are not trivial."""
    boot, model, up = MODULE_LINES[0], MODULE_LINES[1], MODULE_LINES[2]
    sockon, sockr, fsp, time, ok = COMMANDS[0], COMMANDS[1], COMMANDS[12], COMMANDS[6], MODULE_LINES[7]

    def echo(command: bytes) -> bytes:
        return command.split(b"\r")[0] + b"\r\n"

    steps = [
        ("rx", [boot, model, up], 7),
        # the module resets while SOCKON waits: its "On" line after the boot answers nothing
        ("tx", sockon), ("rx", [boot, b"AT-S.On:10.0.0.9:1\r\n", ok], 50),
        ("rx", [up], 0),
        ("tx", sockon), ("rx", [echo(sockon), MODULE_LINES[9], ok], 30),
        ("rx", [MODULE_LINES[4]], 0),
        ("tx", sockr), ("rx", [echo(sockr), b"AT-S.Reading:5:5\r\nAT-S.", ok], 25),  # the payload is no reply
        ("tx", fsp), ("rx", [echo(fsp), b"<p>AT-S.ERROR</p>\r\n", ok], 3),
        ("tx", time), ("rx", [echo(time), ok], 0),
        ("rx", [MODULE_LINES[22], MODULE_LINES[23], MODULE_LINES[25], MODULE_LINES[26]], 0),
        ("tx", COMMANDS[2]), ("timeout", COMMANDS[2]),
    ]
    path = tmp_path / "fixed.jsonl"
    write_recording(path, header(tmp_path, "kept"), steps, cut_last=True)
    state_only, full, indexed = states(path, show_secrets=False)
    assert fields(state_only) == fields(full) == fields(indexed)
    assert state_only.resets == 2 and state_only.ip_address == "192.168.1.50"
    assert list(state_only.sockets) == [0]
    assert (state_only.sockets[0].pending, state_only.sockets[0].bytes_read) == (295, 5)
    assert state_only.tls["ca"] is True and state_only.tls["auth"] is False
    assert state_only.clock_offset is not None


def test_a_recording_that_ends_inside_an_upload(tmp_path):
    """What the module said between an upload's recorded pieces is held until the payload is
    complete; a recording cut inside the upload still applies it at the end."""
    steps = [("rx", [MODULE_LINES[0]], 0), ("tx", b"AT+S.FSC=/f,6\rabc"),
             ("rx", [MODULE_LINES[2], MODULE_LINES[20]], 9)]
    path = tmp_path / "upload.jsonl"
    write_recording(path, header(tmp_path, "redacted"), steps, cut_last=False)
    state_only, full, indexed = states(path, show_secrets=False)
    assert fields(state_only) == fields(full) == fields(indexed)
    assert state_only.ip_address == "192.168.1.50" and state_only.tls["ca"] is True


@pytest.mark.parametrize("path", sorted((ROOT / "recordings").glob("*.jsonl")), ids=lambda p: p.name)
def test_the_shipped_recordings(path):
    state_only, full, indexed = states(path, show_secrets=False)
    assert fields(state_only) == fields(full) == fields(indexed)
    kept = path.with_suffix(".state.json")  # what the shipped recording's state is known to be
    if kept.exists():
        assert json.loads(json.dumps(state_snapshot(state_only))) == json.loads(kept.read_text())


def test_a_flood_recording_of_the_benchmark(tmp_path):
    """The benchmark's recording (socket reads with binary payloads, WINDs, boots, noise, a
    command every 64 reads), small."""
    from benchmarks.exportbench import make_recording

    path = tmp_path / "flood.jsonl"
    make_recording(path, 0.3)
    state_only, full, indexed = states(path, show_secrets=False)
    assert fields(state_only) == fields(full) == fields(indexed)
    assert state_only.resets > 0
