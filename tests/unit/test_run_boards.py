"""The multi-board run's pieces: which runs are multi-board, names, the summary (issue 18 §2)."""

from __future__ import annotations

import argparse

import pytest

from spwf_tui.cli.run_boards import Board, _boards, boards_of, recording_name, summary_table
from spwf_tui.errors import UserError


def args(port=None, script=None, ports=()):
    return argparse.Namespace(port=port, script=script, ports=list(ports), coordinator=None)


def test_one_port_is_a_plain_run():
    a = args("sim://", "s.at")
    assert boards_of(a) is None and a.port == "sim://" and a.script == "s.at"
    a = args("s.at", ports=["/dev/ttyACM0"])
    assert boards_of(a) is None and a.port == "/dev/ttyACM0" and a.script == "s.at"


def test_several_ports_with_the_script_as_the_only_word():
    a = args("s.at", ports=["sim://", "/dev/ttyACM0"])
    assert boards_of(a) == ["sim://", "/dev/ttyACM0"] and a.script == "s.at"


def test_ports_both_ways_are_refused():
    with pytest.raises(UserError, match="not a port too"):
        boards_of(args("sim://", "s.at", ports=["sim://"]))


def test_the_same_port_twice_gets_numbered_labels_and_file_names():
    boards = _boards(["sim://", "/dev/ttyACM0", "sim://"])
    assert [b.label for b in boards] == ["sim://#1", "/dev/ttyACM0", "sim://#2"]
    assert [recording_name(b.label) for b in boards] == ["sim-1", "dev-ttyACM0", "sim-2"]
    assert recording_name("labgrid://bench-1") == "labgrid-bench-1"
    assert recording_name("://") == "board"


def test_summary_table_counts_held_steps_and_names_the_first_failure():
    good = Board("sim://", "sim://#1", results=[{"step": "s.at:1", "ok": True}] * 3, exit_status=0, duration=1.25)
    bad = Board("rfc2217://pi:2217", "rfc2217://pi:2217", exit_status=1, duration=4,
                results=[{"step": "s.at:1", "ok": True}, {"step": "s.at:2", "ok": False, "reason": "AT-S.ERROR:17"}])
    refused = Board("labgrid://b-3", "labgrid://b-3", exit_status=2, error="labgrid://b-3: the place is held by h/al")
    lines = summary_table([good, bad, refused], 3).splitlines()
    assert lines[1].split() == ["board", "held", "first", "failure", "duration"]
    assert lines[2].split() == ["sim://#1", "3/3", "-", "1.2", "s"]
    assert lines[3].split()[:3] == ["rfc2217://pi:2217", "1/3", "s.at:2:"] and "AT-S.ERROR:17" in lines[3]
    assert "held by h/al" in lines[4] and lines[4].split()[1] == "0/3"
    assert lines[-1] == "2 of 3 boards failed"


def test_summary_escapes_what_the_module_said():
    board = Board("sim://", "sim://", exit_status=1, results=[{"step": "x:1", "ok": False, "reason": "\x1b]0;pwn\x07"}])
    assert "\x1b" not in summary_table([board], 1)
