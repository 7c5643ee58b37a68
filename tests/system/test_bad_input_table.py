"""The README's "Bad input and what you see" table, run row by row: each command is typed as the
table shows it (in a folder holding the files it names) and must print exactly the table's line
on stderr, exit 2, print nothing on stdout, send nothing and record nothing.

``sim://`` in a command runs against the emulated module on a pty here (``spwf-tui sim --pty``,
which traces every byte it receives), so "nothing sent" is checked where the bytes would arrive;
``ttyBUSY`` is a pty another session holds open. ``…`` in an expected line stands for text that
depends on the machine (the ports found).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from tests.support.certfactory import make_ca, make_server
from tests.support.pty_streamer import PtyStreamer
from tests.system.helpers import CLI, SimProcess

README = Path(__file__).parent.parent.parent / "README.md"
HEADER = {"format": "spwf-tui-recording", "version": 1, "port": "sim://", "started_epoch": 0}
_ROW = re.compile(r"^\| (?P<what>[^|]+?) \| `(?P<typed>.+?)` \| `(?P<shown>.+)` \|$")


def table_rows() -> list[tuple[str, str, str]]:
    """(what is wrong, the command, the line shown) for each row of the README's table."""
    text = README.read_text()
    section = text.split("### Bad input and what you see", 1)[1].split("\n#", 1)[0]
    rows = [_ROW.match(line) for line in section.splitlines() if line.startswith("| ") and "`" in line]
    assert all(rows), "every row: | what | `command` | `line` |"
    return [(m["what"], m["typed"], m["shown"].replace("\\|", "|")) for m in rows]


def _files(folder: Path) -> None:
    server = make_server(make_ca())
    (folder / "certs").mkdir()
    (folder / "empty.bin").write_bytes(b"")
    (folder / "notes.txt").write_text("hello\n")
    (folder / "noski.pem").write_bytes(make_ca(with_ski=False).pem)
    (folder / "key.pem").write_bytes(server.key_pem)
    (folder / "bad.at").write_text("AT\nexpect /unclosed\n")
    (folder / "vars.at").write_text("AT+S.SOCKON=${HOST},443,,s\n")
    (folder / "nul.at").write_bytes(b"AT+S.FSC=/x,@a\x00b\n")  # a NUL byte in a file name
    (folder / "old.jsonl").write_text(json.dumps(HEADER) + "\n")
    (folder / "v2.jsonl").write_text(json.dumps({**HEADER, "version": 2}) + "\n")
    (folder / "damaged.jsonl").write_text(json.dumps(HEADER) + '\nnot json\n{"t":0,"dir":"note","text":"x"}\n')
    (folder / "b64.jsonl").write_text(json.dumps(HEADER) + '\n{"t":0,"dir":"rx","b64":"@@@"}\n')
    (folder / "typo.toml").write_text('port = "sim://"\ncolour = "red"\n')
    (folder / "baud.toml").write_text('baud = "fast"\n')
    (folder / "syntax.toml").write_text('port = "sim://\n')
    (folder / "keep.toml").write_text("[recording]\nkeep = 0\n")
    (folder / "latin1.toml").write_bytes('port = "/dev/ttyUSB0" # Jürgen\n'.encode("latin-1"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """The folder the commands run in, the traced emulator, and a port held by another session."""
    folder = tmp_path_factory.mktemp("bench")
    _files(folder)
    sim = SimProcess(folder / "ttySIM", folder / "host-to-module.bin").start()
    busy = PtyStreamer(folder / "ttyBUSY", stream=False)
    busy.plug()
    holder = Session(PortSettings(str(folder / "ttyBUSY")), reconnect=False)
    holder.open()
    yield folder, sim
    holder.close()
    busy.unplug()
    sim.stop()


ROWS = table_rows()


def test_the_table_covers_every_kind_of_input():
    kinds = " ".join(typed for _, typed, _ in ROWS)
    for needed in ("/dev/tty", "://", "-b ", "@", "hex:", "ski:", '"', ".at", "--set", "--record", "replay",
                   "export", "SPWF_TUI_CONFIG=", "cert ", "sim --tcp", "sim --pty", "--speed", "--timeout"):
        assert needed in kinds, needed
    assert len(ROWS) >= 50


@pytest.mark.parametrize(("what", "typed", "shown"), ROWS, ids=[row[0] for row in ROWS])
def test_each_row_prints_its_line_and_sends_nothing(what, typed, shown, bench, isolated_user_dirs):
    folder, sim = bench
    words = shlex.split(typed)
    env = {**os.environ}
    while re.fullmatch(r"[A-Z_]+=\S+", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words.pop(0) == "spwf-tui"
    args = [str(sim.link) if word == "sim://" else word for word in words]
    before = sim.received()
    result = subprocess.run([*CLI, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    pattern = re.escape(shown).replace("…", ".*")
    assert re.fullmatch(pattern + r"\n", result.stderr), f"{result.stderr!r} is not {shown!r}"
    assert sim.received() == before, "bytes were sent"
    assert not list((isolated_user_dirs / "data").rglob("*.jsonl")), "a recording was made"
