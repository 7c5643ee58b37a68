"""Issue 17 item 1: the line front ends show the same session the same way (core/present).

The same two commands (an upload with a text payload, a read of a socket that does not exist)
through ``run``, the piped REPL, ``--log`` and the text export of ``run``'s recording: each shows
the sent payload as ``> [5 payload bytes] hello`` and the error's explanation under it with the
one marker, ``  ↳ ``.
"""

from __future__ import annotations

import subprocess

from tests.system.helpers import run_cli
from tests.system.helpers import CLI

COMMANDS = ['AT+S.FSC=/a.txt,"hello"', "AT+S.SOCKR=7,"]
PAYLOAD = "> [5 payload bytes] hello"
EXPLAINED = ["< AT-S.ERROR:76:Illegal Socket ID",
             "  ↳ No socket has that id; use the id from the AT-S.On answer, or list open sockets with "
             "AT+S.SOCKL (AT+S.SOCKDL for servers)."]


def _shown(text: str) -> list[str]:
    """The lines of the two commands: from the upload's line to the error's explanation."""
    lines = text.splitlines()
    start = lines.index("> AT+S.FSC=/a.txt,5")
    return lines[start:lines.index(EXPLAINED[0]) + 2]


def _without_times(export: str) -> str:
    """The text export's lines without their time column (``[    0.283] ``, or 12 spaces)."""
    return "\n".join(line[12:] for line in export.splitlines())


def test_run_the_repl_the_log_and_the_export_show_one_look(tmp_path):
    recording, log = tmp_path / "s.jsonl", tmp_path / "s.log"
    ran = run_cli("run", "sim://", "--record", str(recording), "--log", str(log), "--keep-going",
                  *[part for command in COMMANDS for part in ("-c", command)], cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout + ran.stderr  # the second command fails, as it should
    repl = subprocess.run([*CLI, "repl", "sim://", "--no-record"], input="\n".join(COMMANDS) + "\n",
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert repl.returncode == 0, repl.stdout + repl.stderr
    exported = run_cli("export", str(recording), "--to", "text")
    assert exported.returncode == 0, exported.stderr

    shown = {"run": _shown(ran.stdout), "repl": _shown(repl.stdout), "--log": _shown(log.read_text()),
             "export": _shown(_without_times(exported.stdout))}
    assert shown["run"][:2] == ["> AT+S.FSC=/a.txt,5", PAYLOAD]
    assert shown["run"][-2:] == EXPLAINED
    assert shown["repl"] == shown["--log"] == shown["export"] == shown["run"], shown
