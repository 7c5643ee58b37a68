"""``spwf-tui replay FILE``: a recording, read-only, in the TUI (or its final state as JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from spwf_tui import config as config_file
from spwf_tui.errors import UserError
from spwf_tui.session.recording.reader import read_recording, redacted
from spwf_tui.session.recording.replay import ReplaySession, state_snapshot


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
    recording = read_recording(args.file)
    if not args.show_secrets:
        recording = redacted(recording)  # a --record-secrets recording is shown redacted too
    with ReplaySession(recording, speed=args.speed, path=Path(args.file)) as session:
        if args.print_state:
            session.to_end()
            json.dump({"recording": args.file, "events": len(recording.events), "duration": recording.duration,
                       "truncated": recording.truncated, "secrets": recording.header.get("secrets"),
                       "state": state_snapshot(session.state)}, sys.stdout, indent=2)
            print()
            return 0
        cfg = config_file.load()  # the keymap and timestamps apply to a replay as to a live port
        if args.to_end:
            session.to_end()
        else:
            session.play()
        from spwf_tui.ui.factory import run_app  # Textual is costly to import; only the TUI needs it

        return run_app(session, cfg)  # 1 after a crash of the app
