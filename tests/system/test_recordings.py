"""Issue 5 acceptance: recordings are byte-exact, survive kill -9, hold no secrets, replay and
export (the real asciinema plays the casts)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spwf_tui.core.decoder import RxDecoder
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.reader import read_recording
from spwf_tui.session.recording.replay import ReplaySession, state_snapshot
from spwf_tui.session.session import Session
from spwf_tui.transport.settings import PortSettings
from tests.conftest import require_tool
from tests.support.certfactory import make_ca
from tests.support.tcp_peer import TcpServer
from tests.system.helpers import CLI, run_cli, wait_until

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "recordings"
PASSPHRASE = b"Tr0ub4dor&3 very-secret"
ALL_KINDS = "00 01 0d 0a 0d 0a 1b 5b 32 4a 7f 80 c3 28 e2 82 ac ff fe 2a 22 5c 41 54 2b 53 2e"
"""An auth payload with CR, LF, ESC, invalid UTF-8, a valid euro sign, '*', quote, backslash, 'AT+S.'."""


@pytest.fixture
def byte_server():
    """A TCP server on 127.0.0.1 that sends every byte value 0..255 once a client connects."""
    def send_all_values(conn: socket.socket) -> None:
        conn.sendall(bytes(range(256)))
        server.stopping.wait(30)  # the connection stays open until the test is done

    with TcpServer(send_all_values) as server:
        yield server.port


@pytest.fixture
def asciinema(monkeypatch):
    """The real asciinema (the test extra installs it next to this Python)."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return require_tool("asciinema")


def joined(recording, direction: str) -> bytes:
    return b"".join(e.data for e in recording.events if e.dir == direction)


def wait_until_quiet(session: Session, quiet: float = 0.3) -> None:
    seen = -1
    while session.rx_bytes != seen:
        seen = session.rx_bytes
        time.sleep(quiet)


def test_recording_bytes_equal_what_crossed_the_port(sim, byte_server, tmp_path):
    path = tmp_path / "exact.jsonl"
    session = Session(PortSettings(str(sim.link)), recorder=Recorder(path=path), reconnect=False)
    got: list[bytes] = []
    received = session.data_received
    session.data_received = lambda data: (got.append(data), received(data))  # what the transport handed over
    session.open()
    try:
        wait_until_quiet(session)  # the boot lines first
        assert session.execute(f"AT+S.TLSCERT=auth,hex:{ALL_KINDS}").succeeded
        assert session.execute(f"AT+S.SOCKON=127.0.0.1,{byte_server},NULL,t").succeeded
        wait_until(lambda: session.state.sockets.get(0) is not None and session.state.sockets[0].pending == 256)
        assert session.execute("AT+S.SOCKR=0,").succeeded
        assert session.execute("AT+S.SOCKC=0").succeeded
    finally:
        session.close()
    recording = read_recording(path)
    rx, tx = joined(recording, "rx"), joined(recording, "tx")
    assert tx == sim.received()
    assert rx == b"".join(got)
    assert bytes(range(256)) in rx and bytes.fromhex(ALL_KINDS) in tx
    assert any("b64" in e.fields for e in recording.events)  # the binary batches went as base64


def test_kill_minus_9_leaves_every_written_batch(sim, tmp_path):
    path = tmp_path / "killed.jsonl"
    steps = [a for _ in range(400) for a in ("-c", "AT+S.GCFG=wifi_ssid")]
    proc = subprocess.Popen([*CLI, "run", str(sim.link), "--record", str(path), *steps],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: path.exists() and path.read_bytes().count(b'"dir":"tx"') >= 30,
                   "30 sent commands in the recording")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    recording = read_recording(path)
    tx, rx = joined(recording, "tx"), joined(recording, "rx")
    # A write is recorded just before it is made (so no reply can precede it): the kill may fall
    # between the two, leaving one command recorded that never left. The emulator may also
    # still be reading the last bytes out of the pty.
    last_sent = tx[:-len(b"AT+S.GCFG=wifi_ssid\r")]
    try:
        wait_until(lambda: sim.received().startswith(tx), "the bytes at the module")
    except AssertionError:
        assert sim.received() == last_sent, "the emulator got other bytes than the recording says were sent"
    assert tx.count(b"AT+S.GCFG=wifi_ssid\r") >= 30
    # Every batch up to the last one is there: the rx stream is whole answers, in order, no gap.
    answer = ["AT+S.GCFG=wifi_ssid", "AT-S.Var:wifi_ssid=53:54:54:65:73:74", "AT-S.OK"]
    texts = [e.text for e in RxDecoder().feed(rx) if not e.text.startswith("+WIND")]
    assert texts == (answer * (len(texts) // 3 + 1))[:len(texts)]
    assert len(texts) // 3 >= tx.count(b"\r") - 1


def _secret_run(tmp_path, *extra: str):
    key = make_ca().key_pem
    (tmp_path / "key.pem").write_bytes(key)
    path = tmp_path / "secret.jsonl"
    result = run_cli("run", "sim://", "--record", str(path), *extra,
                     "-c", f"AT+S.TLSCERT=key,@{tmp_path / 'key.pem'}",
                     "-c", f"AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE.decode()}",
                     "-c", "AT+S.GCFG=wifi_wpa_psk_text", "-c", "AT+S.GCFG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"# recording to {path}" in result.stdout
    return path, key


def _key_pieces(key: bytes) -> list[bytes]:
    body = [line for line in key.splitlines() if line and not line.startswith(b"-----")]
    return [key, *body]


def _exports(path: Path, tmp_path: Path, *extra: str) -> dict[str, bytes]:
    out = {}
    for fmt in ("text", "markdown", "cast"):
        target = tmp_path / f"{path.stem}{'-'.join(extra)}.{fmt}"
        result = run_cli("export", str(path), "--to", fmt, "-o", str(target), *extra)
        assert result.returncode == 0, result.stderr
        assert (os.stat(target).st_mode & 0o777) == 0o600
        out[fmt] = target.read_bytes()
    return out


def test_secrets_are_absent_from_the_recording_and_every_export(tmp_path, asciinema):
    path, key = _secret_run(tmp_path)
    recording = read_recording(path)
    stored = path.read_bytes() + joined(recording, "tx") + joined(recording, "rx")
    for secret in [PASSPHRASE, *_key_pieces(key)]:
        assert secret not in stored
    assert recording.header["secrets"] == "redacted"
    assert any(e.redacted for e in recording.events if e.dir == "tx")
    assert b"AT-S.Var:wifi_wpa_psk_text=" + b"*" * len(PASSPHRASE) in joined(recording, "rx")
    exports = _exports(path, tmp_path)
    for fmt, data in exports.items():
        for secret in [PASSPHRASE, *_key_pieces(key)]:
            assert secret not in data, fmt
    assert subprocess.run([asciinema, "cat", str(tmp_path / "secret.cast")], capture_output=True).returncode == 0


def test_record_secrets_keeps_them_and_exports_ask_before_including_them(tmp_path):
    path, key = _secret_run(tmp_path, "--record-secrets")
    recording = read_recording(path)
    assert recording.header["secrets"] == "kept"
    assert key in joined(recording, "tx") and PASSPHRASE in joined(recording, "rx")
    for fmt, data in _exports(path, tmp_path).items():
        assert PASSPHRASE not in data and key not in data, fmt
    kept = _exports(path, tmp_path, "--include-secrets")
    assert all(PASSPHRASE in data for data in kept.values())
    assert b"BEGIN PRIVATE KEY" in kept["cast"]


def test_every_cast_plays_in_the_real_asciinema(tmp_path, sim, byte_server, asciinema):
    path = tmp_path / "binary.jsonl"
    result = run_cli("run", str(sim.link), "--record", str(path), "-c", f"AT+S.TLSCERT=auth,hex:{ALL_KINDS}",
                     "-c", f"AT+S.SOCKON=127.0.0.1,{byte_server},NULL,t", "-c", "sleep 0.5", "-c", "AT+S.SOCKR=0,")
    assert result.returncode == 0, result.stdout + result.stderr
    casts = [path, *sorted(EXAMPLES.glob("*.jsonl"))]
    for recording in casts:
        cast = tmp_path / f"{recording.stem}.cast"
        assert run_cli("export", str(recording), "--to", "cast", "-o", str(cast)).returncode == 0
        header, *events = [json.loads(line) for line in cast.read_text().splitlines()]
        assert header["version"] == 2 and header["width"] > 0 and header["height"] > 0
        assert all(isinstance(e[0], float | int) and e[1] == "o" for e in events)
        played = subprocess.run([asciinema, "cat", str(cast)], capture_output=True, timeout=60)
        assert played.returncode == 0, played.stderr
    binary = (tmp_path / "binary.cast").read_text()
    assert "\\x1b" in binary and "\x1b[2J" not in json.loads(binary.splitlines()[-1])[2]


@pytest.mark.parametrize("name", ["seed-tls-40-char-auth", "seed-tls-20-byte-auth"])
def test_examples_replay_to_the_live_state_and_their_reports_are_current(name):
    path = EXAMPLES / f"{name}.jsonl"
    result = run_cli("replay", str(path), "--print-state")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == json.loads((EXAMPLES / f"{name}.state.json").read_text())
    from spwf_tui.export import render, replay_all

    assert render(replay_all(read_recording(path)), "markdown") == (EXAMPLES / f"{name}.md").read_text(), \
        "the committed report is stale (export or explanations changed): .venv/bin/python recordings/make_recordings.py"


def test_examples_tell_the_seed_story():
    failing = (EXAMPLES / "seed-tls-40-char-auth.md").read_text()
    assert "> AT+S.TLSCERT=auth,40" in failing and "AT-S.Certificate Error:3" in failing
    assert "the auth value must be the 20 raw SKI bytes" in failing
    fixed = (EXAMPLES / "seed-tls-20-byte-auth.md").read_text()
    assert "> AT+S.TLSCERT=auth,20" in fixed and "The module reported no error." in fixed
    assert "< AT-S.On:127.0.0.1:0" in fixed


def test_regenerated_examples_replay_to_the_live_module_state(tmp_path):
    openssl = require_tool("openssl")
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_recordings", EXAMPLES / "make_recordings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    live = module.make(tmp_path, openssl)
    assert set(live) == {"seed-tls-40-char-auth", "seed-tls-20-byte-auth"}
    for name, session in live.items():
        replay = ReplaySession(read_recording(tmp_path / f"{name}.jsonl"))
        replay.to_end()
        for field in ("sockets", "tls", "firmware", "model", "ip_address", "echo", "resets"):
            assert getattr(replay.state, field) == getattr(session.state, field), (name, field)
        assert (replay.state.clock_offset is None) == (session.state.clock_offset is None)
    assert live["seed-tls-20-byte-auth"].state.sockets and not live["seed-tls-40-char-auth"].state.sockets


def test_default_place_permissions_and_no_record(tmp_path, isolated_user_dirs):
    result = run_cli("run", "sim://", "-c", "AT")
    assert result.returncode == 0, result.stderr
    directory = isolated_user_dirs / "data" / "recordings"
    files = list(directory.glob("*_sim.jsonl"))
    assert len(files) == 1 and f"# recording to {files[0]}" in result.stdout
    assert (os.stat(directory).st_mode & 0o777) == 0o700 and (os.stat(files[0]).st_mode & 0o777) == 0o600
    result = run_cli("run", "sim://", "--no-record", "-c", "AT")
    assert result.returncode == 0 and "# recording to" not in result.stdout
    assert len(list(directory.glob("*.jsonl"))) == 1


def test_replay_and_export_errors_are_one_line(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello\n")
    for args in (("replay", str(bogus), "--print-state"), ("export", str(bogus), "--to", "text")):
        result = run_cli(*args)
        assert result.returncode == 2
        assert result.stderr == f"spwf-tui: {bogus} is not a spwf-tui recording (its first line is not a recording header)\n"
    result = run_cli("run", "sim://", "--record", str(bogus), "-c", "AT")
    assert result.returncode == 2 and "the file exists" in result.stderr
