"""``spwf-tui run``: send commands in order, wait for each final reply, print the transcript."""

from __future__ import annotations

import argparse
import json
import sys
import time

from spwf_tui.commands.common import port_settings
from spwf_tui.commands.script import Step, load_steps
from spwf_tui.session.transcript import format_entry
from spwf_tui.core.events import WIND
from spwf_tui.session.pending import PendingCommand
from spwf_tui.session.session import Session, read_user_file

QUIET_BEFORE_START = 0.2
"""Seconds without module output that mean "booted and idle" before the first command."""
MAX_BOOT_WAIT = 5.0


def run_script(args: argparse.Namespace) -> int:
    """Run every step; exit status 0 only when each one ended in ``AT-S.OK``."""
    settings = port_settings(args, args.port)
    steps = load_steps(args.script, args.commands, read_user_file)  # all checked before opening
    session = Session(settings, reconnect=False)
    session.open()
    failed = 0
    try:
        _wait_until_idle(session)
        _print_entries(session, args.json)
        mark = session.event_seq
        for step in steps:
            if step.outgoing is not None:
                mark = session.event_seq
                ok, result = _run_command(session, step, args.timeout)
            elif step.wind is not None:
                ok, result = _run_wait(session, step, mark)
            else:
                time.sleep(step.seconds)
                ok, result = True, {"step": step.origin, "sleep": step.seconds, "ok": True}
            _print_entries(session, args.json)
            if args.json:
                print(json.dumps(result), flush=True)
            if not ok:
                failed += 1
                print(f"spwf-tui run: {step.origin}: {step.text}: {result['reason']}", file=sys.stderr, flush=True)
                if not args.keep_going:
                    break
    finally:
        session.close()
    return 1 if failed else 0


def _wait_until_idle(session: Session) -> None:
    """Let the boot lines of a freshly powered module (sim://) pass before the first command."""
    deadline = time.monotonic() + MAX_BOOT_WAIT
    seen = -1
    while time.monotonic() < deadline:
        count = session.rx_bytes
        if count == seen:
            return
        seen = count
        time.sleep(QUIET_BEFORE_START)


def _print_entries(session: Session, as_json: bool) -> None:
    stream = sys.stderr if as_json else sys.stdout
    for entry in session.entries.drain():
        stream.write(format_entry(entry))
    stream.flush()


def _run_command(session: Session, step: Step, timeout: float | None) -> tuple[bool, dict]:
    command = session.wait(session.send_outgoing(step.outgoing), timeout)
    result = _result(step, command)
    if not command.succeeded:
        result["reason"] = _failure(command)
    return command.succeeded, result


def _run_wait(session: Session, step: Step, mark: int) -> tuple[bool, dict]:
    event = session.wait_for_event(lambda e: e.kind == WIND and e.code == step.wind, step.seconds, mark)
    result = {"step": step.origin, "wait": f"WIND:{step.wind}", "ok": event is not None,
              "event": event.text if event else None}
    if event is None:
        result["reason"] = f"no +WIND:{step.wind} within {step.seconds:g} s"
    return event is not None, result


def _failure(command: PendingCommand) -> str:
    final = command.final
    if final is not None:
        return final.text
    return command.reason or command.outcome or "no reply"


def _result(step: Step, command: PendingCommand) -> dict:
    return {
        "step": step.origin,
        "command": command.line,
        "ok": command.succeeded,
        "outcome": command.outcome,
        "reason": command.reason or None,
        "replies": [event.text for event in command.replies],
        "payload_bytes": len(step.outgoing.payload) if step.outgoing.payload else 0,
    }
