"""The TUI on a replay (issue 5): the example recording's log and sockets, read-only."""

from __future__ import annotations

from pathlib import Path

from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import ReplaySession
from spwf_tui.ui.app import SpwfApp
from spwf_tui.ui.widgets.command_builder import CommandBuilder
from tests.functional.conftest import log_text, wait_until

EXAMPLE = Path(__file__).parent.parent.parent / "recordings" / "seed-tls-20-byte-auth.jsonl"


async def test_replay_shows_the_recorded_session_and_sends_nothing():
    replay = ReplaySession(read_recording(EXAMPLE), path=EXAMPLE)
    app = SpwfApp(replay)
    async with app.run_test(size=(120, 40)) as pilot:
        replay.play(speed=1000)
        await wait_until(pilot, lambda: "< AT-S.On:127.0.0.1:0" in log_text(app))
        await wait_until(pilot, lambda: replay.at_end)
        await pilot.pause(0.1)
        assert "> AT+S.TLSCERT=auth,20" in log_text(app)
        assert "replay" in str(app.query_one("#status").render())
        app.query_one(CommandBuilder).set_line("AT+S.SOCKC=0")
        await pilot.press("enter")
        await pilot.press("f9")  # a marker: shown, not written into the recording
        await pilot.pause(0.1)
        assert "> AT+S.SOCKC=0" not in log_text(app)
    replay.close()
    assert list(replay.state.sockets) == [0]


async def test_replay_keys_pause_step_jump_to_markers_and_end():
    replay = ReplaySession(read_recording(EXAMPLE), path=EXAMPLE)
    app = SpwfApp(replay)
    async with app.run_test(size=(120, 40)) as pilot:
        assert not replay.playing
        await pilot.press("period")
        await pilot.press("period")
        assert replay.position == 2
        await pilot.press("right_square_bracket")  # to the next marker (a note)
        marker_position = replay.position
        assert replay.recording.events[marker_position - 1].dir == "note"
        await pilot.press("space")
        assert replay.playing
        await pilot.press("space")
        assert not replay.playing
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: replay.at_end)
        await wait_until(pilot, lambda: "< AT-S.On:127.0.0.1:0" in log_text(app))
        # the status line is redrawn at its own pace (at most twice a second while data flows)
        await wait_until(pilot, lambda: "end at" in str(app.query_one("#status").render()))
    replay.close()
