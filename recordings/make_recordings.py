"""Regenerate the example recordings: the seed thread's TLS set-up, failing and fixed.

Run from the repository root (needs ``openssl`` on PATH)::

    .venv/bin/python recordings/make_recordings.py

Each session runs against the emulated module (``sim://``, in process; its sockets are real)
with a real ``openssl s_server`` on 127.0.0.1 as the TLS peer and a fresh test CA. For each it
writes ``NAME.jsonl`` (the recording), ``NAME.state.json`` (the module state the live session
ended with, which the replay tests compare against) and ``NAME.md`` (the Markdown export).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spwf_tui.session.quiet import wait_until_idle  # noqa: E402
from spwf_tui.core.events import WIND  # noqa: E402
from spwf_tui.export import render, replay_all  # noqa: E402
from spwf_tui.session.recording.writer import Recorder  # noqa: E402
from spwf_tui.session.recording.reader import read_recording  # noqa: E402
from spwf_tui.session.recording.replay import state_snapshot  # noqa: E402
from spwf_tui.session.session import Session  # noqa: E402
from spwf_tui.transport.settings import PortSettings  # noqa: E402
from tests.support.certfactory import make_ca, make_server  # noqa: E402
from tests.system.helpers import free_port, start_openssl_server  # noqa: E402

FAILING = "seed-tls-40-char-auth"
"""The forum thread's mistake: the CA's SKI typed as 40 hex characters."""
FIXED = "seed-tls-20-byte-auth"
"""The fix: the 20 raw SKI bytes (``ski:``), then a TLS exchange with the server."""


def sessions(ca_file: Path, ski_hex: str, port: int) -> dict[str, list[str]]:
    """The command lines of each example (``wait WIND:55`` waits for pending data)."""
    setup = ["AT+S.TLSCERT=content,2", f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}"]
    return {
        FAILING: [*setup, f'AT+S.TLSCERT=auth,"{ski_hex}"', "AT+S.TLSCERT=content,1",
                  f"AT+S.SOCKON=127.0.0.1,{port},NULL,s"],
        FIXED: [*setup, f"AT+S.TLSCERT=auth,ski:{ca_file}", "AT+S.TLSCERT=content,1",
                f"AT+S.SOCKON=127.0.0.1,{port},NULL,s", 'AT+S.SOCKW=0,"hello spwf\\n"', "wait WIND:55",
                "AT+S.SOCKQ=0", "AT+S.SOCKR=0,", "AT+S.SOCKL"],
    }


def record(path: Path, lines: list[str]) -> Session:
    """Run ``lines`` on a fresh emulated module, recorded to ``path``; returns the closed session."""
    session = Session(PortSettings("sim://?boot_delay=0.01"), reconnect=False, recorder=Recorder(path=path))
    session.open()
    try:
        wait_until_idle(session)
        session.note("example session: " + path.stem)
        mark = session.event_seq
        for line in lines:
            if line == "wait WIND:55":  # counts from the previous command, as run's wait does
                if session.wait_for_event(lambda e: e.kind == WIND and e.code == 55, 10, mark) is None:
                    raise RuntimeError("no +WIND:55 within 10 s")
            else:
                mark = session.event_seq
                session.execute(line)
        time.sleep(0.2)  # let late WINDs arrive so the recording ends quiet
    finally:
        session.close()
    return session


def make(directory: Path, openssl: str) -> dict[str, Session]:
    """Record every example into ``directory`` (with state and Markdown); returns the live sessions."""
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ca = make_ca()
        server = make_server(ca)
        (work / "ca_cert.pem").write_bytes(ca.pem)
        (work / "server_cert.pem").write_bytes(server.pem)
        (work / "server_key.pem").write_bytes(server.key_pem)
        port = free_port()
        proc = start_openssl_server(openssl, work / "server_cert.pem", work / "server_key.pem", port, "-rev")
        try:
            live = {}
            for name, lines in sessions(work / "ca_cert.pem", ca.ski.hex().upper(), port).items():
                path = directory / f"{name}.jsonl"
                path.unlink(missing_ok=True)
                live[name] = record(path, lines)
                (directory / f"{name}.state.json").write_text(
                    json.dumps(state_snapshot(live[name].state), indent=2) + "\n")
                (directory / f"{name}.md").write_text(render(replay_all(read_recording(path)), "markdown"))
            return live
        finally:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    openssl_path = shutil.which("openssl")
    if openssl_path is None:
        sys.exit("make_recordings: openssl is not installed")
    import os

    os.chdir(ROOT)  # the recordings' notes name their file relative to the repository
    made = make(Path("recordings"), openssl_path)
    for example in made:
        print(f"recordings/{example}.jsonl, .state.json, .md")
