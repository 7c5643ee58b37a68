"""Issue 18: boards in a real labgrid lab (coordinator, exporters, ser2net) on 127.0.0.1.

Three emulated boards: bench-1 and bench-2 exported by host "pi1", bench-3 by host "pi2" (so
one host can be stopped while the other goes on). Every test leaves the places free.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.system.helpers import CLI, free_port, run_cli, tls_peer
from tests.system.labgrid_lab import Lab

# Setting up the lab starts a coordinator, two exporters and three emulators, and labgrid-client
# takes seconds to import on a busy machine: more than the suite's default 120 s per test.
pytestmark = [pytest.mark.system, pytest.mark.timeout(300)]
PLACES = ("bench-1", "bench-2", "bench-3")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("lab"))
    try:
        lab.start_coordinator()
        for place in PLACES:
            lab.add_board(place)
        lab.start_exporter("pi1", ["bench-1", "bench-2"])
        lab.start_exporter("pi2", ["bench-3"])
        for place, host in zip(PLACES, ("pi1", "pi1", "pi2")):
            lab.create_place(place, f"{host}/{place}/NetworkSerialPort")
        lab.create_place("bare-1")  # a place without any resource
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def free_places(lab):
    for place in PLACES:
        assert lab.holder(place) is None, f"{place} still held before the test"
    yield lab
    for place in PLACES:
        if lab.holder(place) is not None:
            lab.client("-p", place, "release", "--kick")


def tls_steps(ca_file: Path, tls_port: int) -> list[str]:
    steps = ["AT+S.TLSCERT=content,2", f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}",
             f"AT+S.TLSCERT=auth,ski:{ca_file}", f"AT+S.SOCKON=127.0.0.1,{tls_port},NULL,s",
             'AT+S.SOCKW=0,"through the lab\\n"', "wait WIND:55", "AT+S.SOCKR=0,", "AT+S.SOCKC=0"]
    return [a for s in steps for a in ("-c", s)]


def test_run_on_a_place_does_the_tls_setup_and_releases_the_place(free_places, tmp_path):
    lab = free_places
    with tls_peer(tmp_path, "-rev") as (_, tls_port):
        result = run_cli("run", "labgrid://bench-1", "--json", *tls_steps(tmp_path / "ca_cert.pem", tls_port),
                         env=lab.env)
    assert result.returncode == 0, result.stdout + result.stderr
    results = [json.loads(line) for line in result.stdout.splitlines()]
    assert "AT-S.On:127.0.0.1:0" in results[4]["replies"]
    assert "bal eht hguorht\n" in results[7]["replies"]
    assert "# opened labgrid://bench-1 (rfc2217://127.0.0.1:" in result.stderr  # the endpoint, for bug reports
    assert "place acquired for this session) at 115200 8N1" in result.stderr
    assert lab.holder("bench-1") is None  # acquired for the run, released after it


def test_coordinator_flag_wins_over_the_environment(free_places):
    lab = free_places
    env = dict(lab.env, LG_COORDINATOR=f"127.0.0.1:{free_port()}")  # nothing listens there
    result = run_cli("run", "-c", "AT", "labgrid://bench-2", "--coordinator", lab.address, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "< AT-S.OK" in result.stdout


def test_a_place_held_by_someone_else_is_refused_with_the_holder(free_places):
    lab = free_places
    lab.client("-p", "bench-2", "acquire", user="alice", check=True)
    result = run_cli("run", "labgrid://bench-2", "-c", "AT", env=lab.env)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "bench-2" in lines[0] and "held by" in lines[0] and "/alice" in lines[0], lines
    assert lab.holder("bench-2").endswith("/alice")  # not ours: left as it was
    lab.client("-p", "bench-2", "release", user="alice", check=True)


def test_a_place_the_user_holds_is_used_and_stays_held(free_places):
    lab = free_places
    lab.client("-p", "bench-3", "acquire", check=True)
    mine = lab.holder("bench-3")
    result = run_cli("run", "labgrid://bench-3", "-c", "AT+S.STS=fw_version", env=lab.env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AT-S.Var:fw_version=1.1.0" in result.stdout
    assert "place held by you already, kept at the end) at" in result.stdout
    assert lab.holder("bench-3") == mine  # the user acquired it: the user releases it
    lab.client("-p", "bench-3", "release", check=True)


@pytest.mark.parametrize("port, coordinator, words", [
    ("labgrid://nowhere", None, ["no such place", "bench-1, bench-2, bench-3"]),
    ("labgrid://bare-1", None, ["no serial port", "add-match"]),
    ("labgrid://bench-1", "dead", ["cannot reach the labgrid coordinator", "LG_COORDINATOR"]),
])
def test_lab_mistakes_are_one_line_each(free_places, port, coordinator, words):
    lab = free_places
    env = dict(lab.env)
    if coordinator == "dead":
        env["LG_COORDINATOR"] = f"127.0.0.1:{free_port()}"
    result = run_cli("run", port, "-c", "AT", env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert lab.holder("bare-1") is None  # the place without a port was given back


def test_tui_opens_a_place_in_tmux_and_releases_it(free_places, spwf_tmux):
    lab = free_places
    term = spwf_tmux("labgrid://bench-1", env={"LG_COORDINATOR": lab.address})
    term.ready_for_keys("UART log")
    assert lab.holder("bench-1") is not None  # held while the TUI has it open
    term.type("AT+S.STS=fw_version")
    term.keys("Enter")
    term.wait_for("AT-S.Var:fw_version=1.1.0")
    term.keys("C-]")
    term.wait_for("EXITED:0")
    term.kill()
    assert lab.holder("bench-1") is None


def test_repl_in_a_pipe_talks_to_a_place_and_releases_it(free_places):
    lab = free_places
    result = run_cli("repl", "labgrid://bench-2", input="AT+S.STS=fw_version\n", env=lab.env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AT-S.Var:fw_version=1.1.0" in result.stdout
    assert lab.holder("bench-2") is None


def test_one_script_on_every_place_gives_a_summary_and_a_recording_each(free_places, tmp_path):
    lab = free_places
    script = tmp_path / "smoke.at"
    script.write_text("AT\nAT+S.STS=fw_version\nexpect fw_version=1.1.0\n")
    records = tmp_path / "records"
    result = run_cli("run", "labgrid://bench-*", str(script), "--record", str(records), "--jobs", "3", env=lab.env)
    assert result.returncode == 0, result.stdout + result.stderr
    for place in PLACES:
        assert f"[labgrid://{place}] > AT+S.STS=fw_version" in result.stdout
        row = next(line for line in result.stdout.splitlines() if line.startswith(f"labgrid://{place} "))
        assert row.split()[1] == "3/3" and row.split()[2] == "-"
        header = json.loads((records / f"labgrid-{place}.jsonl").read_text().splitlines()[0])
        assert header["port"] == f"labgrid://{place}"
        assert lab.holder(place) is None
    assert "all 3 boards held" in result.stdout


def test_a_board_whose_exporter_stops_mid_run_fails_alone(free_places, tmp_path):
    lab = free_places
    script = tmp_path / "long.at"
    script.write_text("AT\nnote first round done\nsleep 4\nAT+S.STS=fw_version\n")
    proc = subprocess.Popen([*CLI, "run", "labgrid://bench-*", str(script), "--json", "--no-record"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=lab.env)
    try:
        started = set()
        for line in proc.stderr:
            if "first round done" in line:
                started.add(line.split("]")[0])
            if len(started) == 3:
                break
        assert len(started) == 3, started
        lab.stop_exporter("pi2")  # bench-3's host goes away while every board sleeps
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
        lab.start_exporter("pi2", ["bench-3"])
    assert proc.returncode == 1, out + err
    boards = {b["board"]: b for b in map(json.loads, out.splitlines())}
    assert set(boards) == {f"labgrid://{p}" for p in PLACES}
    assert boards["labgrid://bench-1"]["ok"] and boards["labgrid://bench-2"]["ok"]
    assert boards["labgrid://bench-1"]["held"] == 4 == boards["labgrid://bench-1"]["steps"]
    lost = boards["labgrid://bench-3"]
    assert not lost["ok"] and lost["held"] == 3, lost
    assert "long.at:4: " in lost["first_failure"], lost  # the command after the exporter went


def test_doctor_checks_the_coordinator_and_lists_the_places(free_places):
    lab = free_places
    lab.client("-p", "bench-2", "acquire", user="carol", check=True)
    try:
        result = run_cli("doctor", "--json", env=lab.env)
    finally:
        lab.client("-p", "bench-2", "release", user="carol", check=True)
    checks = [json.loads(line) for line in result.stdout.splitlines()]
    lab_check = next(c for c in checks if c["topic"] == "lab")
    assert lab_check["status"] == "ok" and lab.address in lab_check["found"]
    places = {c["found"].split(":", 2)[1].lstrip("/"): c for c in checks if c["topic"] == "place"}
    assert set(places) == {"bare-1", *PLACES}, places
    assert places["bare-1"]["status"] == "warn" and "no serial port" in places["bare-1"]["found"]
    assert "held by" in places["bench-2"]["found"] and "/carol" in places["bench-2"]["found"]
    assert ": free;" in places["bench-1"]["found"]


@pytest.mark.parametrize("ports", [["labgrid://bench-1"], ["labgrid://bench-*"]], ids=["one", "many"])
def test_sigterm_ends_the_run_and_releases_the_places(free_places, tmp_path, ports):
    """A CI job's timeout sends SIGTERM: the places must not stay held by a process that is gone."""
    lab = free_places
    wanted = ["bench-1"] if len(ports) == 1 and "*" not in ports[0] else list(PLACES)
    proc = subprocess.Popen([*CLI, "run", *ports, "-c", "sleep 60", "--no-record"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=lab.env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(lab.holder(p) for p in wanted):
            time.sleep(0.3)
        assert all(lab.holder(p) for p in wanted), "the run did not acquire its places"
        proc.terminate()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, proc.stderr.read()
    assert "Traceback" not in proc.stderr.read()
    for place in wanted:
        assert lab.holder(place) is None, place
