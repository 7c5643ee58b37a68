"""Issue 18 §2 without a lab: one script on several plain ports (a real pty, sim://, a missing
device) at once: prefixed transcripts, a summary, one recording per board, a board failing alone."""

from __future__ import annotations

import json

import pytest

from tests.system.helpers import SimProcess, run_cli

pytestmark = pytest.mark.system


@pytest.fixture
def pty_board(tmp_path):
    sim = SimProcess(tmp_path / "ttySIM", tmp_path / "trace.bin").start()
    yield sim
    sim.stop()


def test_script_on_a_pty_a_sim_and_a_missing_port(pty_board, tmp_path):
    script = tmp_path / "check.at"
    script.write_text("AT\nAT+S.STS=fw_version\nexpect fw_version=1.1.0\n")
    missing = tmp_path / "ttyGONE"
    records = tmp_path / "records"
    result = run_cli("run", str(script), "-p", str(pty_board.link), "-p", "sim://", "-p", str(missing),
                     "--record", str(records), "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"[{pty_board.link}] > AT+S.STS=fw_version" in out and "[sim://] < AT-S.Var:fw_version=1.1.0" in out
    rows = {line.split()[0]: line for line in out.splitlines()[-4:-1]}
    assert rows[str(pty_board.link)].split()[1:3] == ["3/3", "-"]
    assert rows["sim://"].split()[1:3] == ["3/3", "-"]
    assert rows[str(missing)].split()[1] == "0/3" and "no such port" in rows[str(missing)]
    assert out.splitlines()[-1] == "1 of 3 boards failed"
    assert f"[{missing}] spwf-tui: no such port" in result.stderr  # the board's own complaint, prefixed
    made = sorted(p.name for p in records.iterdir())
    assert made == sorted([f"{str(pty_board.link).strip('/').replace('/', '-')}.jsonl", "sim.jsonl"])
    for name in made:
        lines = (records / name).read_text().splitlines()
        assert json.loads(lines[0])["format"] == "spwf-tui-recording"
        assert any("fw_version=1.1.0" in line for line in lines)
    assert oct(records.stat().st_mode & 0o777) == "0o700"


def test_json_gives_one_object_per_board_and_a_bad_script_starts_nothing(tmp_path):
    result = run_cli("run", "-p", "sim://", "-p", "sim://", "--json", "--no-record", "-c", "AT",
                     "-c", "AT+S.NOSUCH")
    assert result.returncode == 1
    boards = [json.loads(line) for line in result.stdout.splitlines()]
    assert [b["board"] for b in boards] == ["sim://#1", "sim://#2"]
    for board in boards:
        assert not board["ok"] and board["held"] == 1 and board["steps"] == 2
        assert board["first_failure"].startswith("-c #2: ") and board["results"][0]["command"] == "AT"
    assert "[sim://#1] > AT" in result.stderr  # the transcript goes to stderr with --json
    bad = run_cli("run", "-p", "sim://", "-p", "sim://", "-c", "expect /(/")
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and bad.stdout == ""
