"""Over SSH on the bench host: a real sshd on 127.0.0.1 (key made by the test), spwf-tui sim://
through ``ssh -tt`` inside tmux, at 80x24, with several TERM values."""

from __future__ import annotations

import getpass
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.system.helpers import free_port, wait_for_port
from tests.system.tmux_driver import SPWF_TUI, Tmux


@pytest.fixture(scope="module")
def sshd(tmp_path_factory):
    """sshd on a free loopback port that accepts one key made here; yields an ssh command prefix."""
    sshd_path = require_tool("sshd")
    ssh_keygen = require_tool("ssh-keygen")
    require_tool("ssh")
    tmp = tmp_path_factory.mktemp("sshd")
    os.chmod(tmp, 0o700)
    for name in ("host_key", "client_key"):
        subprocess.run([ssh_keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / name)], check=True)
    (tmp / "authorized_keys").write_text((tmp / "client_key.pub").read_text())
    os.chmod(tmp / "authorized_keys", 0o600)
    Path("/run/sshd").mkdir(exist_ok=True) if os.geteuid() == 0 else None
    port = free_port()
    config = tmp / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {tmp / 'host_key'}\n"
        f"AuthorizedKeysFile {tmp / 'authorized_keys'}\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin prohibit-password\n"
        f"PidFile {tmp / 'sshd.pid'}\nStrictModes no\nAcceptEnv SPWF_TUI_*\n"
    )
    proc = subprocess.Popen([sshd_path, "-D", "-e", "-f", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield ["ssh", "-tt", "-p", str(port), "-i", str(tmp / "client_key"), "-o", "StrictHostKeyChecking=no",
               "-o", f"UserKnownHostsFile={tmp / 'known_hosts'}", "-o", "LogLevel=ERROR",
               f"{getpass.getuser()}@127.0.0.1"]
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def _boot_and_ask_the_firmware(term_session: Tmux) -> str:
    """Wait for the remote TUI's boot lines, type a command, return the screen with its reply."""
    term_session.ready_for_keys("WiFi Up", timeout=60)  # ssh's log-in comes first
    term_session.type("AT+S.STS=fw_version")
    term_session.keys("Enter")
    return term_session.wait_for("AT-S.Var:fw_version=1.1.0")


@pytest.mark.parametrize("term", ["xterm-256color", "screen-256color", "linux"])
def test_tui_over_ssh_in_tmux_at_80x24(sshd, isolated_user_dirs, term, tmux_session):
    remote = (f"env -u COLUMNS -u LINES TERM={term} SPWF_TUI_CONFIG={isolated_user_dirs}/config.toml "
              f"SPWF_TUI_DATA_DIR={isolated_user_dirs}/data {SPWF_TUI} sim://")
    command = " ".join(shlex.quote(part) for part in [*sshd, remote]) + "; echo EXITED:$?; sleep 60"
    term_session = tmux_session(command, 80, 24)
    screen = _boot_and_ask_the_firmware(term_session)
    assert "UART log" in screen and "f3 Sockets" in screen
    term_session.keys("F3")
    term_session.wait_for("Sockets & module")
    term_session.keys("C-]")
    term_session.wait_for("EXITED:0")


def test_tui_over_ssh_inside_gnu_screen(sshd, isolated_user_dirs, tmp_path, tmux_session):
    """The Pi user's other multiplexer: GNU screen (TERM=screen) around the remote TUI."""
    screen = require_tool("screen")
    remote = (f"env -u COLUMNS -u LINES SPWF_TUI_CONFIG={isolated_user_dirs}/config.toml "
              f"SPWF_TUI_DATA_DIR={isolated_user_dirs}/data {SPWF_TUI} sim://")
    ssh = " ".join(shlex.quote(part) for part in [*sshd, remote])
    (tmp_path / "screenrc").write_text("startup_message off\n")
    command = (f"env SCREENDIR={tmp_path / 'screens'} {screen} -c {tmp_path / 'screenrc'} -S spwf "
               f"sh -c {shlex.quote(ssh + '; echo EXITED:$?; sleep 60')}")
    (tmp_path / "screens").mkdir(mode=0o700)
    term_session = tmux_session(command, 80, 24)
    _boot_and_ask_the_firmware(term_session)
    term_session.keys("C-q")
    term_session.wait_for("EXITED:0")
