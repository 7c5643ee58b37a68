"""Issue 13 §1 in a real terminal: a hostile device cannot reach the user's clipboard, title or screen.

A pty board (``tests.support.pty_streamer``) answers every command with a line holding OSC 52
(write the clipboard), OSC 0 (set the title), CSI 2J + CSI H (clear the screen, cursor home),
the C1 CSI (as a raw 0x9B byte and as UTF-8), a bidi override and markup brackets. Each front end
runs in its own tmux server (``-L``, ``set-clipboard on``, so tmux turns OSC 52 into a paste
buffer). Afterwards the paste buffers are empty, ``#{pane_title}`` is the one the test set, the
line printed before the front end started is still on the screen, and the hostile text is on it
as escapes. ``test_the_checks_see_a_raw_attack`` first shows these checks catch the same bytes
written raw (``cat``), so each case below could fail.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shlex
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import require_tool
from tests.system.helpers import free_port, start_openssl_server
from tests.system.tmux_driver import SPWF_TUI, Tmux, shell_command

TITLE = "spwf-test-title"
BEFORE = "MARK-BEFORE-THE-FRONT-END"
ATTACK = (b"\x1b]52;c;UFdORUQtQ0xJUA==\x07"  # OSC 52: clipboard := "PWNED-CLIP"
          b"\x1b]0;PWNED-TITLE\x07"  # OSC 0: window and pane title
          b"\x1b[2J\x1b[H"  # clear the screen, cursor home
          b"\x9b2J\xc2\x9b2J"  # C1 CSI: a raw byte, then U+009B in UTF-8
          b"\xe2\x80\xaeRLO"  # RIGHT-TO-LEFT OVERRIDE
          b"[/][link=http://evil.example]L[/link]")
HOSTILE_LINE = b"PWN:" + ATTACK + b"\r\n"
SHOWN = "\\x1b]52;c;UFdORUQtQ0xJUA==\\x07"
"""How the OSC 52 must look on screen: escaped, the base64 readable."""
BIDI_SHOWN = "\\u202eRLO"


@pytest.fixture
def terminal(tmux_session, tmp_path, isolated_user_dirs):
    """``terminal(command)``: a 160x45 tmux (``set-clipboard on``) whose pane has the title
    ``TITLE`` and shows ``BEFORE`` before ``command`` runs with this test's config and data."""
    if not shutil.which(SPWF_TUI):
        pytest.fail(f"{SPWF_TUI} is not installed (pip install -e .)")
    started = itertools.count()

    def start(command: str) -> Tmux:
        go = tmp_path / f"go-{next(started)}"
        env = {"SPWF_TUI_CONFIG": str(isolated_user_dirs / "config.toml"),
               "SPWF_TUI_DATA_DIR": str(isolated_user_dirs / "data")}
        # The command waits for the go file, so the title is set before anything can change it.
        script = (f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; echo {BEFORE}; "
                  + shell_command(command, env=env))
        term = tmux_session(f"sh -c {shlex.quote(script)}", 160, 45, set_clipboard=True)
        term.run("select-pane", "-t", "0", "-T", TITLE)
        go.touch()
        return term

    return start


def hostile_board(line: bytes) -> bytes:
    """A module that answers ``AT`` with the hostile line and OK, anything else with it and an
    error whose text is hostile too (what ``run`` quotes in its failure line)."""
    if line.strip() == b"AT":
        return HOSTILE_LINE + b"AT-S.OK\r\n"
    return HOSTILE_LINE + b"AT-S.ERROR:17:" + ATTACK + b"\r\n"


def assert_unharmed(term: Tmux, screen: str) -> None:
    assert term.buffers() == "", "the clipboard (a tmux paste buffer) was written"
    assert term.title() == TITLE, "the pane title was changed"
    assert SHOWN in screen, screen


def test_the_checks_see_a_raw_attack(terminal, tmp_path):
    attack = tmp_path / "attack.bin"
    attack.write_bytes(HOSTILE_LINE)
    term = terminal(f"cat {shlex.quote(str(attack))}")
    term.wait_for("EXITED:0")
    assert "PWNED-CLIP" in term.buffers()
    assert term.title() == "PWNED-TITLE"
    assert BEFORE not in term.screen()  # cleared by CSI 2J


def test_run_shows_a_hostile_module_as_escapes(terminal, board):
    device = board(stream=False, answer=hostile_board)
    term = terminal(f"{SPWF_TUI} run {shlex.quote(str(device.link))} --keep-going -c AT -c AT+S.PWN")
    screen = term.wait_for("EXITED:1")
    assert_unharmed(term, screen)
    assert BEFORE in screen and BIDI_SHOWN in screen
    assert "spwf-tui run: -c #2: AT+S.PWN: AT-S.ERROR:17:\\x1b]52;c;" in screen  # the failure line on stderr


def test_repl_shows_a_hostile_module_as_escapes(terminal, board):
    device = board(stream=False, answer=hostile_board)
    term = terminal(f"{SPWF_TUI} repl {shlex.quote(str(device.link))}")
    term.ready_for_keys("spwf>")
    term.type("AT")
    term.keys("Enter")
    screen = term.wait_for("AT-S.OK")
    assert_unharmed(term, screen)
    # Before the fix the REPL passed the bidi override (and C1) as they came.
    assert BEFORE in screen and BIDI_SHOWN in screen and "\\u009b2J" in screen
    term.keys("C-]")
    screen = term.wait_for("EXITED:0")
    assert_unharmed(term, screen)


def test_tui_shows_a_hostile_module_as_escapes(terminal, board):
    device = board(stream=False, answer=hostile_board)
    term = terminal(f"{SPWF_TUI} {shlex.quote(str(device.link))}")
    term.ready_for_keys("UART log")
    term.type("AT")
    term.keys("Enter")
    screen = term.wait_for("AT-S.OK")
    assert_unharmed(term, screen)
    assert "UART log" in screen and BIDI_SHOWN in screen
    term.keys("C-q")
    screen = term.wait_for("EXITED:0")
    assert term.buffers() == "" and term.title() == TITLE
    assert BEFORE in screen  # the terminal came back as it was


def test_decode_shows_a_hostile_capture_as_escapes(terminal, tmp_path):
    capture = tmp_path / "capture.log"
    capture.write_bytes(HOSTILE_LINE + b"AT-S.ERROR:17:" + ATTACK + b"\r\n")
    for extra in ("", " --json"):
        term = terminal(f"{SPWF_TUI} decode {shlex.quote(str(capture))}{extra}")
        screen = term.wait_for("EXITED:0")
        assert term.buffers() == "" and term.title() == TITLE and BEFORE in screen
        assert (SHOWN if not extra else "\\u001b]52;c;") in screen, screen


def _hostile_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    evil = ATTACK[:ATTACK.index(b"\x9b")].decode("ascii")  # the ESC sequences: what a CN can carry
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, evil[:64]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "\u202eRLO")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("x" + evil)]), critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier("http://" + evil)], None, None, None)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_cert_inspect_and_check_show_hostile_certificates_as_escapes(terminal, tmp_path):
    openssl = require_tool("openssl")
    cert, key = _hostile_certificate(tmp_path, "hostile")
    term = terminal(f"{SPWF_TUI} cert inspect {shlex.quote(str(cert))}")
    screen = term.wait_for("EXITED:0")
    assert term.buffers() == "" and term.title() == TITLE and BEFORE in screen
    assert "subject:" in screen and SHOWN[:12] in screen and BIDI_SHOWN in screen
    # A TLS server's chain: a stranger's names, read over the network.
    port = free_port()
    server = start_openssl_server(openssl, cert, key, port)
    try:
        term = terminal(f"{SPWF_TUI} cert check --ca {shlex.quote(str(cert))} --server 127.0.0.1:{port} "
                        "--name example.com")
        screen = term.wait_for("EXITED:1")  # the name does not match: the module would refuse
    finally:
        server.kill()
        server.wait()
    assert term.buffers() == "" and term.title() == TITLE and BEFORE in screen
    assert "CN=\\x1b]52;c;" in screen, screen


FIRMWARE_ATTACK = b"\x1b]52;c;UFdORUQtQ0xJUA==\x07\x1b]0;PWNED-TITLE\x07[/]"
"""A short attack for the status line's firmware field (a long one would not fit the line)."""


def hostile_facts_board(line: bytes) -> bytes:
    """A module whose facts are hostile: its firmware version (status line) and a socket's peer
    address (sockets pane; ':' left out, it separates the reply's fields)."""
    if line.startswith(b"AT+S.STS"):
        return b"AT-S.Var:fw_version=" + FIRMWARE_ATTACK + b"\r\nAT-S.OK\r\n"
    if line.startswith(b"AT+S.SOCKON"):
        return b"AT-S.On:" + ATTACK.replace(b":", b"") + b":0\r\nAT-S.OK\r\n"
    return HOSTILE_LINE + b"AT-S.OK\r\n"


def test_tui_status_sockets_inspector_and_replay_show_hostile_text_as_escapes(terminal, board, tmp_path,
                                                                                isolated_user_dirs):
    device = board(stream=False, answer=hostile_facts_board)
    cert, _ = _hostile_certificate(tmp_path, "hostile")
    term = terminal(f"{SPWF_TUI} {shlex.quote(str(device.link))}")
    term.ready_for_keys("UART log")
    term.type_line("AT+S.STS=fw_version")
    firmware = "fw \\x1b]52;c;UFdORUQtQ0xJUA==\\x07\\x1b]0;PWNED-TITLE\\x07[/]"
    # The status line itself (the reply reaches the log first).
    term.wait_until(lambda: firmware in term.screen().splitlines()[0], "the firmware in the status line")
    term.type_line("AT+S.SOCKON=example.com,80,,t")
    screen = term.wait_for("0 TCP open")
    assert_unharmed(term, screen)
    assert "\\x1b]52;c;UFdORUQtQ0xJUA==" in screen.split("0 TCP open", 1)[1]  # the peer, under its socket
    term.keys("F4")
    term.wait_footer("^q Quit")  # the inspector has the focus: the builder's keys left the footer
    term.type(str(cert))
    term.keys("Enter")
    screen = term.wait_for("subject:")
    assert_unharmed(term, screen)
    assert BIDI_SHOWN in screen
    term.keys("C-q")
    term.wait_for("EXITED:0")
    # The recording of that session, replayed: the same text through the replay's panes.
    (recording,) = (isolated_user_dirs / "data" / "recordings").glob("*.jsonl")
    term = terminal(f"{SPWF_TUI} replay {shlex.quote(str(recording))}")
    term.wait_for("REPLAY")
    term.keys("C-End")
    # "0 TCP open" also shows while the replay is still playing, so wait for the end itself; on a
    # loaded machine the key can arrive before the app reads keys, and playback ends on its own then.
    screen = term.wait_for("REPLAY end", "0 TCP open")  # the panes follow the status line's jump
    assert_unharmed(term, screen)
    assert "REPLAY end" in screen.splitlines()[0] and "REC" not in screen.splitlines()[0].replace("REPLAY", "")
    term.keys("C-q")
    screen = term.wait_for("EXITED:0")
    assert term.buffers() == "" and term.title() == TITLE and BEFORE in screen
