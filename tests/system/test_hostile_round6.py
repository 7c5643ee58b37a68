"""Round six of the attacker's sweep, through the CLI as a user runs it: hostile recordings,
captures and file names must reach the terminal only escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.system.helpers import run_cli

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must never reach a terminal from outside: C0 (but TAB, LF) and C1 controls, ESC
sequences with them, zero-width and direction marks, line separators, lone surrogates."""
HOSTILE = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x9b31m\u202e\u200b\u2028"


def _raw(text: str) -> list[str]:
    return [text[max(0, m.start() - 30):m.end() + 5] for m in RAW.finditer(text.replace("\r\n", "\n"))]


def _hostile_header_recording(path):
    header = {"format": "spwf-tui-recording", "version": 1, "port": f"sim://{HOSTILE}", "settings": {},
              "tool_version": HOSTILE, "started": HOSTILE, "host": {"os": HOSTILE, "python": HOSTILE}}
    events = [{"t": 0.5, "dir": "tx", "text": "AT\r"}, {"t": 0.6, "dir": "rx", "text": "AT-S.OK\r\n"}]
    path.write_text("".join(json.dumps(o) + "\n" for o in [header, *events]), encoding="utf-8")


@pytest.mark.parametrize("to", ["text", "markdown"])
def test_export_shows_a_hostile_header_only_escaped(tmp_path, to):
    # The text export's first line (port, tool version, start, host) was written unescaped
    # since its second escaping pass went (round four): OSC 52 reached whoever cats the file.
    recording = tmp_path / "hostile.jsonl"
    _hostile_header_recording(recording)
    done = run_cli("export", "--to", to, str(recording))
    assert done.returncode == 0, done.stderr
    assert "AT-S.OK" in done.stdout
    assert _raw(done.stdout) == [] and _raw(done.stderr) == []


@pytest.mark.parametrize("args", [
    ("export", "--to", "text", "{rec}", "-o", "{long}"),
    ("run", "loop://", "-c", "AT", "--no-record", "--log", "{long}"),
    ("run", "loop://", "-c", "AT", "--record", "{long}", "--timeout", "0.2"),
    ("cert", "plan", "--write-script", "{long}", "{ca}"),
], ids=["export-o", "run-log", "run-record", "cert-write-script"])
def test_a_file_name_the_system_refuses_is_one_line_not_a_traceback(tmp_path, args):
    # A name longer than the system's 255 bytes: pathlib's is_dir/is_symlink/exists raise
    # ENAMETOOLONG (they swallow only "no such file"), and the checks before each open used them.
    recording = tmp_path / "hostile.jsonl"
    _hostile_header_recording(recording)
    long = str(tmp_path / ("x" * 300))
    ca = Path(__file__).parents[1] / "data" / "seed_ca_cert.pem"
    done = run_cli(*[a.format(rec=recording, long=long, ca=ca) for a in args], cwd=tmp_path)
    assert "Traceback" not in done.stderr
    # (a recording that cannot be made is a warning in the output, and the session goes on)
    assert "File name too long" in done.stderr + done.stdout
    assert _raw(done.stderr) == []


def test_run_json_says_how_many_reply_lines_it_left_out_of_a_reply_over_the_bound(board):
    """A module that answers one command with 9 MiB of lines: ``run --json`` keeps the first
    8 MiB of them and the final line in ``replies`` and counts the rest in ``replies_dropped``;
    the transcript on stderr still has every line."""
    import subprocess

    from tests.system.helpers import CLI

    line = b"N" * 1_000
    count = 9_500  # 9.5 MB of reply lines

    def answer(command: bytes) -> bytes:
        if command == b"AT+S.STS=big":
            return command + b"\r\n" + (line + b"\r\n") * count + b"AT-S.OK\r\n"
        return command + b"\r\nAT-S.OK\r\n"

    pty = board(stream=False, answer=answer)
    result = subprocess.run([*CLI, "run", str(pty.link), "--no-record", "--json", "--timeout", "120",
                             "-c", "AT+S.STS=big"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    step = json.loads(result.stdout.splitlines()[0])
    assert step["ok"] and step["replies"][0] == "AT+S.STS=big" and step["replies"][-1] == "AT-S.OK"
    kept = step["replies"][1:-1]  # between the echo and the final line
    assert all(reply == line.decode() for reply in kept)
    assert 8_000 < len(kept) < count
    assert step["replies_dropped"] == count - len(kept)
    # Nothing the module sent is lost: every line is in the transcript (shown or counted).
    shown = sum(1 for text in result.stderr.splitlines() if text == "< " + line.decode())
    not_shown = sum(int(n.replace(",", "")) for n in re.findall(r"^# ([\d,]+) lines? not shown", result.stderr, re.M))
    assert count <= shown + not_shown <= count + 3, (shown, not_shown)


def test_run_json_has_no_replies_dropped_for_an_ordinary_reply(board):
    import subprocess

    from tests.system.helpers import CLI

    pty = board(stream=False, answer=lambda command: command + b"\r\nAT-S.OK\r\n")
    result = subprocess.run([*CLI, "run", str(pty.link), "--no-record", "--json", "-c", "AT"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    step = json.loads(result.stdout.splitlines()[0])
    assert step["ok"] and "replies_dropped" not in step
