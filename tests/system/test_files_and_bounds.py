"""Issue 13 parts 4 and 5 from the command line: files the tool writes never clobber anything,
and hostile inputs (payload sources, recordings) cost bounded work and end in one line.

Every case runs the real CLI as a subprocess; each failed on the code before the fix (a link
followed, a file replaced, a FIFO waited on forever, a traceback)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.system.helpers import CLI, run_cli

RECORDING = Path(__file__).parent.parent.parent / "recordings" / "seed-tls-20-byte-auth.jsonl"


def _one_line(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout[-500:], result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- part 4: files the tool writes ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "markdown", "cast"])
def test_export_refuses_a_symlink_and_leaves_its_target_alone(tmp_path, fmt):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    (tmp_path / "out").symlink_to(victim)
    line = _one_line(run_cli("export", str(RECORDING), "--to", fmt, "-o", str(tmp_path / "out"), "--force"))
    assert "is a symbolic link; refusing to write through it" in line
    assert victim.read_text() == "precious" and stat.S_IMODE(victim.stat().st_mode) == 0o644


def test_export_onto_a_dangling_link_creates_nothing(tmp_path):
    (tmp_path / "out").symlink_to(tmp_path / "planted")
    line = _one_line(run_cli("export", str(RECORDING), "--to", "text", "-o", str(tmp_path / "out")))
    assert "symbolic link" in line
    assert not (tmp_path / "planted").exists()


def test_export_replaces_an_existing_file_only_with_force(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("mine")
    line = _one_line(run_cli("export", str(RECORDING), "--to", "markdown", "-o", str(out)))
    assert line == f"spwf-tui: -o {out} already exists; use --force to replace it"
    assert out.read_text() == "mine"
    result = run_cli("export", str(RECORDING), "--force", "--to", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("# SPWF04 session report") and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_cert_plan_script_never_goes_through_a_link_nor_over_a_file(tmp_path):
    ca = Path(__file__).parent.parent / "data" / "seed_ca_cert.pem"
    victim = tmp_path / "victim.sh"
    victim.write_text("#!/bin/sh\n")
    (tmp_path / "plan.at").symlink_to(victim)
    line = _one_line(run_cli("cert", "plan", str(ca), "--as", "ca", "--write-script", str(tmp_path / "plan.at")))
    assert "--write-script" in line and "symbolic link" in line
    assert victim.read_text() == "#!/bin/sh\n"
    mine = tmp_path / "mine.at"
    mine.write_text("# my script\n")
    line = _one_line(run_cli("cert", "plan", str(ca), "--as", "ca", "--write-script", str(mine)))
    assert line.endswith("already exists; use --force to replace it")
    assert mine.read_text() == "# my script\n"
    result = run_cli("cert", "plan", str(ca), "--as", "ca", "--write-script", str(mine), "--force")
    assert result.returncode == 0, result.stderr
    assert "AT+S.TLSCERT=ca" in mine.read_text() and stat.S_IMODE(mine.stat().st_mode) == 0o600


def test_sim_link_never_replaces_a_regular_file(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    result = subprocess.run([*CLI, "sim", "--pty", "--link", str(notes)], capture_output=True, text=True, timeout=30)
    line = _one_line(result)
    assert line.startswith(f"spwf-tui: --link {notes}: a file is there")
    assert not notes.is_symlink() and notes.read_text() == "my notes"


def test_sim_link_replaces_its_own_stale_link_and_removes_it_on_exit(tmp_path):
    link = tmp_path / "ttySPWF"
    link.symlink_to("/dev/pts/99999")  # what a killed sim leaves
    proc = subprocess.Popen([*CLI, "sim", "--pty", "--link", str(link)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert "listening on" in proc.stdout.readline()
        assert os.readlink(link).startswith("/dev/pts/") and os.readlink(link) != "/dev/pts/99999"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert not os.path.lexists(link)


def test_a_loose_recordings_folder_of_ours_is_tightened_and_said_so(tmp_path):
    folder = tmp_path / "recs"
    folder.mkdir()
    folder.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text(f'[recording]\ndirectory = "{folder}"\n')
    env = dict(os.environ, SPWF_TUI_CONFIG=str(config), SPWF_TUI_DATA_DIR=str(tmp_path / "data"))
    result = run_cli("repl", "sim://", input="AT\n", env=env)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert "recordings folder" in result.stdout and "now owner-only" in result.stdout
    assert list(folder.glob("*.jsonl"))


# -- part 5: payload sources ---------------------------------------------------------------------

def test_payload_sources_must_be_regular_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = {f"AT+S.FSC=/x,@{fifo}": f"{fifo}: is a FIFO, not a regular file",
             "AT+S.FSC=/x,@/dev/zero": "/dev/zero: is a device, not a regular file"}
    for command, expected in cases.items():
        line = _one_line(run_cli("run", "sim://", "-c", command, timeout=30))
        assert expected in line, line


def test_a_key_larger_than_the_module_takes_is_refused_before_sending(tmp_path):
    (tmp_path / "big.pem").write_bytes(b"-----BEGIN PRIVATE KEY-----\n" + b"A" * 3000 + b"\n-----END PRIVATE KEY-----\n")
    line = _one_line(run_cli("run", "sim://", "-c", "AT+S.TLSCERT=key,@big.pem", cwd=tmp_path, timeout=30))
    assert line == ("spwf-tui: -c #1: @big.pem holds 3,055 bytes, more than AT+S.TLSCERT=key takes "
                    "(2,560 bytes); nothing was sent")


# -- part 5: hostile recordings ------------------------------------------------------------------

def _hostile(tmp_path: Path, name: str, line: str) -> Path:
    path = tmp_path / f"{name}.jsonl"
    header = RECORDING.read_text().splitlines()[0]
    path.write_text(header + "\n" + '{"t":0.5,"dir":"rx","text":"AT-S.OK\\r\\n"}\n' + line + "\n")
    return path


HOSTILE = {
    "nested": ('{"t":1,"dir":"note","text":' + "[" * 100_000 + "]" * 100_000 + "}", "line 3: not a JSON object"),
    "digits": ('{"t":1' + "0" * 5000 + ',"dir":"rx","text":"x"}', "line 3: not a JSON object"),
    "huge_time": ('{"t":1e308,"dir":"rx","text":"x"}', 'line 3: time "t" out of range'),
    "huge_span": ('{"t":1,"dir":"rx","text":"x","redacted":[[1' + "0" * 4000 + ',1]]}', "line 3: \"redacted\""),
    "bad_b64": ('{"t":1,"dir":"rx","b64":"' + "QUFB" * 100_000 + '!"}', "line 3: corrupt base64"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_recordings_are_one_line_in_export_and_replay(tmp_path, name):
    line, expected = HOSTILE[name]
    path = _hostile(tmp_path, name, line)
    for args in (("replay", str(path), "--print-state"), ("export", str(path), "--to", "cast"),
                 ("export", str(path), "--to", "text", "-o", str(tmp_path / "out.txt"))):
        result = run_cli(*args, timeout=60)
        message = _one_line(result)
        assert expected in message, (args, message)
        assert result.stdout == ""  # nothing half-exported, on standard output either
    assert not (tmp_path / "out.txt").exists()  # half an export is not left behind


def test_a_recording_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    line = _one_line(run_cli("replay", str(fifo), "--print-state", timeout=30))
    assert line.endswith("not a regular file (a FIFO, device or socket): not a recording")


def test_a_huge_base64_event_streams_through_export(tmp_path):
    """A 28 MB base64 line (21 MB of payload: more than any read or upload) is exported."""
    path = _hostile(tmp_path, "big", '{"t":1,"dir":"rx","b64":"' + "QUFB" * 7_000_000 + '"}')
    result = run_cli("export", str(path), "--to", "cast", "-o", str(tmp_path / "big.cast"), timeout=120)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in (tmp_path / "big.cast").read_text().splitlines()[1:]]
    assert sum(len(e[2]) for e in events) >= 21_000_000
