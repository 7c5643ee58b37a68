"""``spwf-tui replay FILE``: a recording, read-only, in the TUI (or its final state as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from spwf_tui.errors import UserError
from spwf_tui.session.recording.reader import (
    RecordedEvent, RecordingStream, read_recording, redact_events, redacted,
)
from spwf_tui.session.recording.replay import ReplaySession, state_snapshot
from spwf_tui.session.recording.state_replay import StateReplay


DESCRIPTION = "Open a recording read-only: the log, sockets and module state rebuilt by the session code."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a recording (.jsonl)")
    parser.add_argument("--speed", type=float, default=1.0, help="playback speed factor (default 1: real time)")
    parser.add_argument("--to-end", action="store_true", help="start at the end of the recording")
    parser.add_argument("--print-state", action="store_true",
                        help="no TUI: replay to the end and print the rebuilt module state as JSON")
    parser.add_argument("--show-secrets", action="store_true",
                        help="show the secrets of a recording made with --record-secrets (redacted by default)")


def run(args: argparse.Namespace) -> int:
    """Replay ``args.file``: headless with ``--print-state``, else in the TUI."""
    if not 0 < args.speed < float("inf"):  # also refuses nan
        raise UserError(f"--speed must be above 0 (2 plays twice as fast), not {args.speed:g}")
    if args.print_state:
        return _print_state(args)
    recording = read_recording(args.file)
    if not args.show_secrets:
        recording = redacted(recording)  # a --record-secrets recording is shown redacted too
    with ReplaySession(recording, speed=args.speed, path=Path(args.file)) as session:
        from spwf_tui import config as config_file  # the TUI's only: --print-state starts faster

        cfg = config_file.load()  # the keymap and timestamps apply to a replay as to a live port
        if args.to_end:
            session.to_end()
        else:
            session.play()
        from spwf_tui.ui.factory import run_app  # Textual is costly to import; only the TUI needs it

        return run_app(session, cfg)  # 1 after a crash of the app


def _print_state(args: argparse.Namespace) -> int:
    """Replay to the end headless and print the state: the recording read once, front to back
    (no index, nothing kept: the TUI's replay needs to go back, this does not), through the
    state-only replay (no log entries); the same figures as an indexed replay (a redacted one
    when secrets were kept)."""
    stream = RecordingStream(args.file)
    events: Iterable[RecordedEvent] = stream.events
    secrets = stream.header.get("secrets")
    if stream.secrets_kept and not args.show_secrets:
        events, secrets = redact_events(events), "redacted"
    seen = _Seen(events)
    state = StateReplay(stream, seen).run()  # no log entries: only the state is printed
    json.dump({"recording": args.file, "events": seen.count, "duration": seen.last_t,
               "truncated": stream.truncated, "secrets": secrets, "state": state_snapshot(state)},
              sys.stdout, indent=2)
    print()
    return 0


class _Seen:
    """The events passed on, counted, with the time of the last (a recording's duration)."""

    def __init__(self, events: Iterable[RecordedEvent]) -> None:
        self._events = events
        self.count = 0
        self.last_t = 0.0

    def __iter__(self) -> Iterator[RecordedEvent]:
        for event in self._events:
            self.count += 1
            self.last_t = event.t
            yield event
