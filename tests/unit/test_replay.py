"""Replay (session.recording.replay): the same session code rebuilds the state; the controls."""

from __future__ import annotations

import time

import pytest

from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import ReadOnlySessionError, ReplaySession, state_snapshot
from spwf_tui.transport.errors import PortError
from tests.unit.test_recorder import open_session

BOOT = (b"+WIND:1:Poweron:171117-0328fe3-SPWF04S\r\n+WIND:13:Copyright (c) 2012-2017 STMicroelectronics, "
        b"Inc.  All rights Reserved:SPWF04SA\r\n+WIND:24:WiFi Up:0:192.168.1.50\r\n")


def split(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def live_session(tmp_path):
    """A scripted exchange: boot, TIME, a socket, data, a timed-out read, markers."""
    path = tmp_path / "live.jsonl"
    session, _ = open_session(Recorder(path=path))
    for chunk in split(BOOT, 7):
        session.data_received(chunk)
    session.note("marker one")
    session.send("AT+S.TIME=1700000000")
    session.data_received(b"AT+S.TIME=1700000000\r\nAT-S.OK\r\n")
    session.send("AT+S.SOCKON=127.0.0.1,4443,NULL,t")
    for chunk in split(b"AT+S.SOCKON=127.0.0.1,4443,NULL,t\r\nAT-S.On:127.0.0.1:0\r\nAT-S.OK\r\n"
                       b"+WIND:55:Pending Data::0:300:300\r\n", 5):
        session.data_received(chunk)
    session.note("marker two")
    command = session.send("AT+S.SOCKR=0,")
    session.data_received(b"AT+S.SOCKR=0,\r\nAT-S.Reading:300:300\r\n" + bytes(range(256)))
    session.wait(command, timeout=0.05)  # the module went quiet: the session gives up
    session.send("AT+S.SOCKQ=0")
    session.data_received(b"AT+S.SOCKQ=0\r\nAT-S.Query:0\r\nAT-S.OK\r\n")
    session.note("marker three")
    session.close()
    return session, path


def test_replay_rebuilds_the_live_state_log_and_timeout(tmp_path):
    live, path = live_session(tmp_path)
    replay = ReplaySession(read_recording(path))
    replay.to_end()
    assert state_snapshot(replay.state) == state_snapshot(live.state)
    assert replay.state.sockets == live.state.sockets and replay.state.tls == live.state.tls
    assert replay.state.clock_offset == pytest.approx(live.state.clock_offset, abs=1.0)
    texts = [(e.direction, e.text) for e in replay.entries.drain()]
    assert ("rx", "AT-S.Query:0") in texts
    assert ("rx", "AT-S.OK") == texts[texts.index(("rx", "AT-S.Query:0")) + 1]  # not eaten as payload
    assert [t for d, t in texts if d == "note"].count("marker two") == 1
    assert sum(1 for d, t in texts if "no final reply" in t) == 1  # from the recording, not twice


@pytest.mark.parametrize("show_secrets", [False, True])
def test_print_state_reads_once_and_says_what_an_indexed_replay_says(tmp_path, capsys, show_secrets):
    """``replay --print-state`` streams the recording (no index); its figures and state are the
    indexed replay's, for a recording that kept its secrets (redacted or shown) and was cut short."""
    import json

    from spwf_tui.cli import main
    from spwf_tui.session.recording.reader import redacted

    _, path = live_session(tmp_path)
    lines = path.read_text().splitlines()
    header = json.loads(lines[0]) | {"secrets": "kept"}
    kept = tmp_path / "kept.jsonl"
    kept.write_text("\n".join([json.dumps(header), *lines[1:],
                               json.dumps({"t": 9.0, "dir": "rx", "text": "AT-S.Var:wifi_wpa_psk_text=hunter22\r\n"}),
                               json.dumps({"t": 9.5, "dir": "rx", "text": "AT-S.Var:wifi_wpa_psk_text=hun"})])
                    + '\n{"t": 10, "dir": "rx", "te')
    recording = read_recording(kept)
    if not show_secrets:
        recording = redacted(recording)
    indexed = ReplaySession(recording)
    indexed.to_end()
    assert main(["replay", str(kept), "--print-state", *(["--show-secrets"] if show_secrets else [])]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {"recording": str(kept), "events": len(recording.events), "duration": recording.duration,
                       "truncated": True, "secrets": "kept" if show_secrets else "redacted",
                       "state": json.loads(json.dumps(state_snapshot(indexed.state)))}


def test_markers_step_seek_and_generation(tmp_path):
    _, path = live_session(tmp_path)
    replay = ReplaySession(read_recording(path))
    first = replay.next_marker()
    assert first.text.startswith("opened ")
    assert replay.next_marker().text.startswith("recording to ")
    assert replay.next_marker().text == "marker one"
    assert replay.state.sockets == {}
    assert replay.next_marker().text == "marker two"
    assert list(replay.state.sockets) == [0]
    generation = replay.generation
    assert replay.previous_marker().text == "marker one"
    assert replay.generation == generation + 1 and replay.state.sockets == {}
    assert replay.step() is not None
    replay.to_end()
    assert replay.at_end and replay.step() is None and replay.next_marker() is None


def test_play_fast_until_the_end(tmp_path):
    _, path = live_session(tmp_path)
    replay = ReplaySession(read_recording(path))
    woken = []
    replay.add_listener(lambda: woken.append(1))
    replay.play(speed=1000)
    assert replay.wait_until_paused(timeout=10)
    assert replay.at_end and woken
    replay.close()


def test_pause_stops_playback(tmp_path):
    _, path = live_session(tmp_path)
    replay = ReplaySession(read_recording(path), max_gap=5)
    replay.play(speed=0.000001)  # the first event is far away at this speed
    replay.pause()
    assert replay.wait_until_paused(timeout=5) and replay.position <= 1
    replay.close()


def test_a_replay_is_read_only(tmp_path):
    _, path = live_session(tmp_path)
    replay = ReplaySession(read_recording(path))
    with pytest.raises(ReadOnlySessionError, match="read-only") as info:
        replay.send("AT")
    assert isinstance(info.value, PortError)  # what the front ends already show as one line
    assert replay.link_state == "replay" and replay.settings.port == "/dev/ttyUSB0"


@pytest.mark.parametrize("command", [[], ["run", "sim://"], ["repl"]])
def test_record_flags_on_every_session_command(command):
    from spwf_tui.cli import TUI, parser_for

    parser = parser_for(command[0] if command else TUI)
    args = parser.parse_args([*command[1:], "--record", "x.jsonl", "--record-secrets"])
    assert args.record == "x.jsonl" and args.record_secrets and not args.no_record
    assert parser.parse_args([*command[1:], "--no-record"]).no_record


def test_host_framer_reads_commands_back_from_any_chunking():
    from spwf_tui.core.hostframe import HostFramer
    from spwf_tui.core.payload import Outgoing

    sent = [Outgoing("AT+S.TLSCERT=auth,5", b"\r\n\x00*A"), Outgoing("AT+S.TIME"),
            Outgoing("AT+S.SOCKW=0,3", b"\r\r\r"), Outgoing("AT+S.TLSCERT=content,1")]
    wire = b"\n".join(o.wire for o in sent)  # LF between commands: the module drops it
    for size in (1, 2, 3, 7, len(wire)):
        framer = HostFramer()
        got = [o for i in range(0, len(wire), size) for o in framer.feed(wire[i:i + size])]
        assert [(o.line, o.payload) for o in got] == [(o.line, o.payload) for o in sent]


def test_the_playback_clock_runs_through_a_silence_and_stops_at_the_next_event():
    from spwf_tui.session.recording.replay import playback_clock

    assert playback_clock(2.0, 10.0, 0.0, 1.0) == 2.0
    assert playback_clock(2.0, 10.0, 3.0, 1.0) == 5.0
    assert playback_clock(2.0, 10.0, 3.0, 2.0) == 8.0  # at twice the speed
    assert playback_clock(2.0, 10.0, 60.0, 1.0) == 10.0  # never past the event not yet applied
    assert playback_clock(2.0, 10.0, -1.0, 1.0) == 2.0  # a clock stepped back
    assert playback_clock(5.0, 3.0, 1.0, 1.0) == 5.0  # a recording whose times go backwards


def test_the_status_clock_of_a_replay_moves_while_playing_and_holds_while_paused(tmp_path):
    """Events at 0 s and 100 s: playing at x1, the clock leaves the first event's time (what the
    status line showed for the whole silence before) and stays short of the second's; paused,
    it is the last event's time again."""
    path = tmp_path / "gap.jsonl"
    now = [1000.0]
    session, _ = open_session(Recorder(path=path, monotonic=lambda: now[0]))
    session.data_received(BOOT)
    now[0] += 100.0
    session.data_received(b"+WIND:24:WiFi Up:0:192.168.1.51\r\n")
    session.close()
    recording = read_recording(path)
    replay = ReplaySession(recording)
    assert replay.reached == replay.time == 0.0
    replay.step()
    first = replay.time
    replay.play(speed=1.0)
    seen = replay.reached
    deadline = time.monotonic() + 10
    while seen <= first and time.monotonic() < deadline:  # the monotonic clock has moved on
        time.sleep(0.01)
        seen = replay.reached
    assert first < seen <= recording.duration
    replay.pause()
    assert replay.wait_until_paused(timeout=5)
    assert replay.reached == replay.time
    replay.close()
