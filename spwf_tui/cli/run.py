"""``spwf-tui run``: run a script's steps in order, print the transcript, exit 0 only if all held.

The script language is in ``cli.script``; this module opens the port and executes the
steps: a command waits for its final reply, ``expect`` and ``wait`` look at what the module said
since the previous command was sent (``Session.wait_for_event`` with that command's mark).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import overload

from spwf_tui import config as config_file
from spwf_tui.cli.common import port_settings, session_options
from spwf_tui.cli.options import add_log_options, add_record_options, add_serial_options, end_cleanly_on_sigterm
from spwf_tui.cli.port_steps import run_port_step
from spwf_tui.cli.script import (
    COMMAND,
    EXPECT,
    MAX_SECONDS,
    NOTE,
    PORT,
    WAIT,
    Step,
    StepResult,
    load_steps,
    parse_assignments,
    script_variables,
)
from spwf_tui.core.display import visible
from spwf_tui.core.payload import Outgoing
from spwf_tui.core.redact import redact_text
from spwf_tui.errors import UserError
from spwf_tui.core.events import ECHO, WIND
from spwf_tui.session.pending import INTERRUPTED, PendingCommand
from spwf_tui.session.quiet import wait_until_ready
from spwf_tui.session.session import Session, read_user_file, timeout_for
from spwf_tui.transport.errors import PortWriteError
from spwf_tui.transport.urls import is_place_pattern
from spwf_tui.session.transcript import PartialLines, format_entry


DESCRIPTION = ("Run commands non-interactively and print the transcript; exit 0 only when every step "
               "succeeded.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("port", nargs="?", help="device path, pyserial URL, sim://, labgrid://PLACE, or a place "
                        "pattern (labgrid://bench-*: every matching board)")
    parser.add_argument("script", nargs="?", help="script file: one step per line (the language is in the README)")
    parser.add_argument("-p", "--port", dest="ports", action="append", default=[], metavar="PORT",
                        help="a board to run on (repeatable: the boards run concurrently, then a summary)")
    parser.add_argument("--jobs", type=int, metavar="N", help="boards run at once (default: all, at most 16)")
    parser.add_argument("-c", dest="commands", action="append", default=[], metavar="LINE",
                        help="a command line to run (repeatable; after the script's lines)")
    parser.add_argument("--timeout", type=float, help="seconds to wait for each final reply")
    parser.add_argument("--keep-going", action="store_true", help="go on after a failed step")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="value of ${NAME} in the script (repeatable; wins over the environment)")
    parser.add_argument("--json", action="store_true", help="one JSON result object per step")
    parser.add_argument("--force", action="store_true",
                        help="send an AT+S.TLSCERT=auth upload written as hex text as it is (refused otherwise: "
                             "auth takes the 20 raw SKI bytes)")
    add_serial_options(parser)
    add_record_options(parser)
    add_log_options(parser)


def run(args: argparse.Namespace) -> int:
    """One board: the script here. Several (``-p``, a place pattern): one child ``run`` each."""
    end_cleanly_on_sigterm()
    if getattr(args, "ports", None) or (args.port is not None and is_place_pattern(args.port)):
        # several boards: threads, subprocesses, perhaps a lab's coordinator (not imported for
        # one port: `run PORT -c AT` starts in a fraction of a second)
        from spwf_tui.cli.run_boards import boards_of, run_boards

        boards = boards_of(args)
        if boards is not None:
            return run_boards(args, boards)
    return run_script(args)


def run_script(args: argparse.Namespace) -> int:
    """Run every step; exit status 0 only when each one held."""
    if args.timeout is not None and not 0 < args.timeout <= MAX_SECONDS:
        raise UserError(f"--timeout wants seconds above 0 and at most {MAX_SECONDS:g} (e.g. --timeout 10), "
                        f"not {args.timeout:g}")
    if args.json:
        import json  # for --json only: a plain one-command run starts without it

    cfg = config_file.load()
    settings = port_settings(args, args.port, cfg)
    variables = script_variables(parse_assignments(getattr(args, "set", None) or []), os.environ)
    # all checked before opening
    steps = load_steps(args.script, args.commands, read_user_file, variables, force=args.force)
    # With --keep-going a lost port may come back (the transport's reconnect rules decide) and
    # the steps after the loss run on it; without, the first failure ends the run anyway.
    failed = 0
    with Session(settings, reconnect=args.keep_going, pace_streams=True, **session_options(args, cfg)) as session:
        wait_until_ready(session)
        _print_entries(session, args.json)
        mark = session.event_seq
        for step in steps:
            if step.kind == COMMAND:
                mark = session.event_seq
            ok, result = _run_step(session, step, mark, args.timeout)
            if not session.show_secrets:
                result = _redacted(result)  # replies hold what the module said: GCFG readouts too
            _print_entries(session, args.json)
            if step.kind in (EXPECT, WAIT):
                _print_check(step, ok, result, args.json, session.show_secrets)
            if args.json:
                print(json.dumps(result), flush=True)
            if not ok:
                failed += 1
                shown = step.text if session.show_secrets else redact_text(step.text)[0]
                # The reason can be the module's own error line: shown through visible like the rest.
                print(visible(f"spwf-tui run: {step.origin}: {shown}: {result['reason']}"), file=sys.stderr,
                      flush=True)
                if not args.keep_going:
                    break
    return 1 if failed else 0


_PARTIAL = PartialLines()
"""The line still arriving at the end of a step, printed once (one session per run)."""


def _print_entries(session: Session, as_json: bool) -> None:
    stream = sys.stderr if as_json else sys.stdout
    for entry in session.entries.drain():
        stream.write(format_entry(entry))
    stream.write(_PARTIAL.line(session.partial_line()))
    stream.flush()


def _print_check(step: Step, ok: bool, result: StepResult, as_json: bool, show_secrets: bool) -> None:
    """``# expect /On:.*/: held by AT-S.On:127.0.0.1:0`` in the transcript, so checks show."""
    stream = sys.stderr if as_json else sys.stdout
    seen = result.get("matched") or result.get("event")
    outcome = f"held by {visible(seen or '')}" if ok else f"FAILED: {result['reason']}"
    text = step.text if show_secrets else redact_text(step.text)[0]
    stream.write(f"# {visible(f'{text}: {outcome}')}\n")
    stream.flush()


def _run_step(session: Session, step: Step, mark: int, timeout: float | None) -> tuple[bool, StepResult]:
    if step.kind in (COMMAND, EXPECT, WAIT) and not _port_ready(session, step, timeout):
        return False, {"step": step.origin, "ok": False,
                       "reason": f"not run: port {session.settings.port} is lost ({session.link_state})"}
    if step.kind == COMMAND:
        return _run_command(session, step, timeout)
    if step.kind == WAIT:
        return _run_wait(session, step, mark)
    if step.kind == EXPECT:
        return _run_expect(session, step, mark)
    if step.kind == PORT:
        return run_port_step(session, step)
    if step.kind == NOTE:
        session.note(step.note or "")
        return True, {"step": step.origin, "note": step.note, "ok": True}
    time.sleep(step.seconds)
    return True, {"step": step.origin, "sleep": step.seconds, "ok": True}


def _port_ready(session: Session, step: Step, timeout: float | None) -> bool:
    """The port is connected, or came back within the step's own time (after a loss)."""
    if step.kind == COMMAND:
        assert step.outgoing is not None  # a command step carries what it sends (``script``)
        limit = timeout if timeout is not None else timeout_for(step.outgoing.line)
    else:
        limit = step.seconds
    return session.wait_connected(limit)


def _run_command(session: Session, step: Step, timeout: float | None) -> tuple[bool, StepResult]:
    outgoing = step.outgoing
    assert outgoing is not None  # a command step carries what it sends (``script``)
    try:
        command = session.send_outgoing(outgoing)
    except PortWriteError as exc:
        return False, _lost_in_write(step.origin, outgoing, exc)
    command = session.wait(command, timeout)
    result = _result(step.origin, outgoing, command)
    if not command.succeeded:
        result["reason"] = _failure(command)
    return command.succeeded, result


def _lost_in_write(origin: str, outgoing: Outgoing, exc: PortWriteError) -> StepResult:
    """The port failed while the step's bytes went out: how far they got, in the user's terms."""
    payload = outgoing.payload or b""
    line_bytes = len(outgoing.wire) - len(payload)
    if payload and exc.sent >= line_bytes:
        where = f"after {exc.sent - line_bytes:,} of {len(payload):,} payload bytes"
    elif exc.sent:
        where = f"after {exc.sent:,} of the command line's {line_bytes:,} bytes"
    else:
        where = "before the command went out"
    return {"step": origin, "command": outgoing.line, "ok": False, "outcome": INTERRUPTED,
            "reason": f"interrupted: port lost {where} ({exc})", "replies": [],
            "payload_bytes": len(payload), "sent_bytes": exc.sent}


def _run_wait(session: Session, step: Step, mark: int) -> tuple[bool, StepResult]:
    event = session.wait_for_event(lambda e: e.kind == WIND and e.code == step.wind, step.seconds, mark)
    result: StepResult = {"step": step.origin, "wait": f"WIND:{step.wind}", "ok": event is not None,
              "event": event.text if event else None}
    if event is None:
        result["reason"] = f"no +WIND:{step.wind} within {step.seconds:g} s"
    return event is not None, result


def _run_expect(session: Session, step: Step, mark: int) -> tuple[bool, StepResult]:
    """Echo lines are the host's own words coming back, so they never satisfy an expectation."""
    expectation = step.expect
    assert expectation is not None  # an expect step carries what it looks for (``script``)
    event = session.wait_for_event(lambda e: e.kind != ECHO and expectation.matches(e.text), step.seconds, mark)
    result: StepResult = {"step": step.origin, "expect": expectation.shown, "ok": event is not None,
              "matched": event.text if event else None}
    if event is None:
        reason = (f"not seen within {step.seconds:g} s in what the module answered "
                  "since the previous command was sent")
        words = expectation.shown.split()
        if len(words) > 1 and words[-1].replace(".", "", 1).isdigit() and not expectation.shown.startswith(('"', "/")):
            reason += (f" (after plain text, {words[-1]} is part of the text; for a timeout "
                       f"write expect \"{' '.join(words[:-1])}\" {words[-1]})")
        result["reason"] = reason
    return event is not None, result


@overload
def _redacted(value: StepResult) -> StepResult: ...
@overload
def _redacted(value: object) -> object: ...


def _redacted(value: object) -> object:
    """``value`` (a step result) with every secret in its texts replaced by ``*`` (texts stay
    texts, lists lists and dicts dicts: a step result keeps its keys and their types)."""
    if isinstance(value, str):
        return redact_text(value)[0]
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    return value


def _failure(command: PendingCommand) -> str:
    final = command.final
    if final is not None:
        return final.text
    if command.outcome == INTERRUPTED:
        return f"interrupted: {command.reason}"
    return command.reason or command.outcome or "no reply"


def _result(origin: str, outgoing: Outgoing, command: PendingCommand) -> StepResult:
    result: StepResult = {
        "step": origin,
        "command": command.line,
        "ok": command.succeeded,
        "outcome": command.outcome,
        "reason": command.reason or None,
        "replies": [event.text for event in command.replies],
        "payload_bytes": len(outgoing.payload) if outgoing.payload else 0,
    }
    if command.replies_dropped:
        # Past pending.MAX_REPLY_BYTES a command keeps only its final line: say how many are not
        # in "replies" (they are in the transcript and the recording).
        result["replies_dropped"] = command.replies_dropped
    return result
