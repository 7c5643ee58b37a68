"""Issue 15 (builder items) in a real tmux at 120x40 and 80x24: keys typed, the screen read back.

The socket write from the sockets pane, the seed mistake caught before it is sent (warning row,
confirmation, the fix naming the CA file this session uploaded), the preview before the syntax
help, module facts shown as unknown until a refresh asks, and Ctrl+R showing its hit at once.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from tests.system.tmux_driver import Tmux

DATA = Path(__file__).parent.parent / "data"
SKI_HEX = "3EF1747FD79122144BCADF4F95DF960A32823B4C"
SIZES = [(120, 40), (80, 24)]


@pytest.fixture
def tui(spwf_tmux, tmp_path):
    """Start ``spwf-tui sim://`` in ``tmp_path`` (holding ca.pem and ski.txt) at a given size."""
    (tmp_path / "ca.pem").write_bytes((DATA / "seed_ca_cert.pem").read_bytes())
    (tmp_path / "ski.txt").write_text(SKI_HEX + "\n")

    def start(width: int, height: int) -> Tmux:
        term = spwf_tmux("sim://", width=width, height=height, cwd=tmp_path)
        term.ready_for_keys("WiFi Up")
        return term

    return start


def _flat(screen: str) -> str:
    """The screen as one line: wrapped rows joined, borders and runs of spaces dropped."""
    return re.sub(r"\s+", " ", re.sub(r"[│┃║▌▐]", " ", screen))


def _wait_flat(term: Tmux, text: str) -> str:
    """Wait until ``text`` is on screen, wrapped rows joined (see ``_flat``)."""
    return term.wait_until(lambda: (lambda flat: flat if text in flat else None)(_flat(term.screen())),
                           f"{text!r} on screen")


def _receive(peer: socket.socket, size: int) -> bytes:
    """``size`` bytes from ``peer`` (TCP may hand them over in pieces), or what came in 30 s."""
    peer.settimeout(30)
    data = b""
    while len(data) < size:
        chunk = peer.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _send(term: Tmux, line: str) -> None:
    term.type(line)
    term.wait_for(line[-12:])
    term.keys("Enter")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_w_in_the_sockets_pane_leaves_the_line_to_finish(tui, size):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        term = tui(*size)
        _send(term, f"AT+S.SOCKON=127.0.0.1,{port},,t")
        term.wait_for("AT-S.On:127.0.0.1:0")
        peer, _ = server.accept()
        with peer:
            term.keys("F3")
            term.wait_for("0 TCP open")  # the socket's row
            term.wait_footer("r Read")  # the sockets pane has the focus: w is its key, not a letter
            term.keys("w")
            term.wait_for("AT+S.SOCKW=0,")
            term.type('"hi there"')  # nothing selected: the keys go after the line
            term.wait_for('"hi there"')
            term.keys("Enter")
            assert _receive(peer, len(b"hi there")) == b"hi there"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_auth_as_hex_text_is_caught_before_it_is_sent(tui, size):
    term = tui(*size)
    _send(term, "AT+S.TLSCERT=ca,@ca.pem")
    term.wait_for("No SubjectKeyId")
    term.type("AT+S.TLSCERT=auth,@ski.txt")
    # The warning row names the fix with this session's own CA file.
    screen = _wait_flat(term, "auth takes the CA's key id as 20 raw bytes")
    assert "Fix: AT+S.TLSCERT=auth,ski:ca.pem" in screen
    term.keys("Enter")
    assert "y: send anyway" in _flat(term.wait_for("Send AT+S.TLSCERT=auth,41?"))
    term.keys("n")
    term.wait_for("not sent: AT+S.TLSCERT=auth,41")
    screen = term.wait_for("AT+S.TLSCERT=auth,@ski.txt")  # back in the builder, to be corrected
    assert "> AT+S.TLSCERT=auth,41" not in screen
    term.keys("Enter")
    term.wait_for("Send AT+S.TLSCERT=auth,41?")
    term.keys("y")  # the user insists: it goes out as written, and the module takes it
    term.wait_for("> [41 payload bytes]")  # sent once the question is gone (F3 is not for the dialog)
    term.keys("F3")
    term.wait_for("Id:1")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_announced_forty_warns_while_typing(tui, size):
    term = tui(*size)
    term.type("AT+S.TLSCERT=auth,40")
    screen = _wait_flat(term, "auth,40 is the key id's length")
    assert "the module wants the 20 raw bytes. Fix: AT+S.TLSCERT=auth,ski:<your CA file>" in screen
    term.keys("Enter")  # the payload dialog asks for the 40 bytes: the seed's hex text
    term.wait_for("needs 40 payload bytes")
    term.wait_still()  # the dialog's field has the focus: the bytes go there
    term.type(SKI_HEX)
    term.wait_for("40 of 40 bytes")
    term.keys("Enter")
    term.wait_for("Send AT+S.TLSCERT=auth,40?")  # asked again, now with the bytes known
    term.keys("Escape")
    term.wait_for("not sent: AT+S.TLSCERT=auth,40")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_preview_comes_before_the_syntax_help(tui, size):
    term = tui(*size)
    term.type('AT+S.SOCKW=0,"a\\\\b\\r\\n"')
    screen = term.wait_for("→ sends")
    hint = next(row for row in screen.splitlines() if "→ sends" in row)
    assert '→ sends AT+S.SOCKW=0,5 + 5 bytes: "a\\\\b\\r\\n"' in hint  # the backslash shown doubled
    assert hint.index("→ sends") < 4


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_module_facts_are_unknown_until_refreshed(tui, size):
    term = tui(*size)
    term.keys("F3")
    screen = term.wait_for("TLS: CA:?")
    assert "Cert:?" in screen and "Id:?" in screen
    term.wait_footer("r Read")  # the sockets pane has the focus (its keys lead the footer)
    term.keys("R")  # asks the module: AT+S.STS and TLSCERT=content,1
    # The facts fill in as the two replies come (STS is a long readout): wait for all of them.
    facts = ("TLS: CA:0", "Id:0", "Wi-Fi up, IP ")
    term.wait_until(lambda: all(fact in term.screen() for fact in facts), f"{facts} on screen", timeout=45)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_ctrl_r_shows_the_newest_line_at_once(tui, size):
    term = tui(*size)
    _send(term, "AT+S.STS=fw_version")
    term.wait_for("AT-S.Var:fw_version=1.1.0")
    term.keys("C-r")
    screen = term.wait_for("history search newest first")
    builder_rows = [row for row in screen.splitlines() if "AT+S.STS=fw_version" in row and "> AT+S.STS" not in row]
    assert builder_rows, screen  # the hit is in the builder without a key typed


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_tab_after_content_offers_the_options(tui, size):
    term = tui(*size)
    term.type("AT+S.TLSCERT=co")
    term.wait_for("AT+S.TLSCERT=co")
    term.keys("Tab")
    term.wait_for("AT+S.TLSCERT=content,")
    term.keys("Tab")
    screen = term.wait_for("2 candidates")
    assert "2 candidates: 1  2" in screen and "ski:" not in screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_control_keys_in_a_burst_keep_their_order(tui, size):
    term = tui(*size)
    term.keys("A", "T", "C-u", "X", "Y", "Left", "Z", "Enter")  # one send-keys: one burst
    screen = term.wait_for("> XZY")  # cleared first, then XY, Z before the Y, then sent
    assert "> ATXY" not in screen and "> XY" not in screen


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_first_tab_inserts_the_common_prefix(tui, size):
    term = tui(*size)
    term.type("AT+S.SO")
    term.wait_for("AT+S.SO")
    term.keys("Tab")
    term.wait_for("candidates: AT+S.SOCKL")  # listed, not inserted: the line is AT+S.SOCK
    term.type("Q=0")
    term.keys("Enter")
    term.wait_for("> AT+S.SOCKQ=0")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_file_completion_says_where_the_files_are(tui, size, tmp_path):
    (tmp_path / "ca.key").write_text("not a key")
    term = tui(*size)
    term.type("AT+S.TLSCERT=ca,@ca.")
    term.wait_for("@ca.")
    term.keys("Tab")
    term.wait_for("files in ./: ca.key  ca.pem")
