"""Issue 15's display items in a real tmux at 120x40 and 80x24: keys typed, the screen read back.

Each terminal is its own tmux server (``-L``) with ``set-clipboard on``, so an OSC 52 copy lands
in a tmux paste buffer the test can read.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.system.tmux_driver import WAIT, Tmux

EXAMPLE = Path(__file__).parent.parent.parent / "recordings" / "seed-tls-20-byte-auth.jsonl"
SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


@pytest.fixture
def tui(spwf_tmux):
    def start(size: tuple[int, int], *arguments: str, ready: str = "WiFi Up") -> Tmux:
        term = spwf_tmux(*(arguments or ("sim://",)), width=size[0], height=size[1], set_clipboard=True)
        if ready == "WiFi Up":
            term.ready_for_keys(ready)
        else:
            _replay_reads_keys(term, ready)
        return term

    return start


def _replay_reads_keys(term: Tmux, shown: str) -> None:
    """Wait for ``shown``, then until the replay demonstrably reads keys (it has no command line
    for ``Tmux.ready_for_keys``'s probe): ``?`` opens the keys overlay, Esc closes it. A ``?``
    that was lost is pressed again; one that came late closes the overlay the next one opened,
    and the next look sees that."""
    term.wait_for(shown)
    deadline = time.monotonic() + WAIT
    while True:
        term.keys("?")
        try:
            term.wait_for("Keys (Esc closes)", timeout=3)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    term.keys("Escape")
    term.wait_gone("Keys (Esc closes)")


def _send(term: Tmux, line: str, reply: str) -> str:
    """Type ``line`` in the builder, Enter, and wait for ``reply`` on screen."""
    term.type_line(line)
    return term.wait_for(reply)


def _quit(term: Tmux) -> None:
    term.keys("C-q")
    term.wait_for("EXITED:0")


@SIZES
def test_right_arrow_on_short_rows_then_a_reply_in_view(tui, size):
    term = tui(size)
    _send(term, "AT", "< AT-S.OK")
    term.keys("F2")
    term.wait_for("w Wrap")  # the log has the focus (its keys lead the footer)
    term.keys("Home", *["Right"] * 10)
    term.keys("Escape")
    # The builder has the focus again, so every key before the Escape was handled (and letters
    # typed now are not read as Alt+letter with it).
    screen = term.wait_gone("w Wrap")
    assert "EXITED" not in screen and "Error" not in screen  # issue 15.1: IndexError, the TUI gone
    # Issue 15.2: the long reply overflows the log; its last lines are on screen, at both sizes.
    screen = _send(term, "AT+S.STS", "ip_cert_len_dhp=0")
    assert "< AT-S.OK" in term.wait_for("< AT-S.OK")
    _quit(term)


@SIZES
def test_an_explanation_is_read_to_its_end(tui, size):
    with socket.socket() as closed:  # a port nobody listens on: ERROR:74 and its long explanation
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    term = tui(size)
    screen = _send(term, f"AT+S.SOCKON=127.0.0.1,{port},,t", "netcat")
    lines = [line for line in screen.splitlines() if line.startswith("│")]
    joined = " ".join(line.strip("│ ").split("││")[0].strip() for line in lines)
    assert "netcat on the server first." in joined
    _quit(term)


@SIZES
def test_escape_from_a_maximized_log_returns_to_the_builder(tui, size):
    term = tui(size)
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.type("Maximize the UART log")
    term.wait_for("Esc restores")
    term.keys("Enter")
    term.wait_gone("Search for commands")
    screen = term.wait_gone("Sockets & module")  # (at 80x24 never there)
    top = next(line for line in screen.splitlines() if "UART log" in line)
    assert top.startswith("╭") and top.rstrip().endswith("╮") and len(top.rstrip()) == size[0]  # whole border
    term.wait_for("w Wrap")  # the maximized log has the focus
    term.keys("Escape")
    term.wait_gone("w Wrap")  # the builder has it back: the Escape is handled, letters are letters
    screen = _send(term, "cAT", "Command not found")  # letters in the builder: c did not toggle ctrl chars
    assert "> cAT" in screen and "ctrl" not in screen.split("UART log", 1)[1].splitlines()[0]
    _quit(term)


@SIZES
def test_f1_lists_the_keys_and_the_footer_shows_the_apps_keys(tui, size):
    term = tui(size)
    screen = term.wait_for("f9 Mark")
    for key in ("f9 Mark", "^o File", "^f Find", "f1 Keys", "f2 Log", "f4 Certs"):
        assert key in screen, screen
    term.keys("F2")
    screen = term.wait_for("w Wrap")
    for key in ("f9 Mark", "^o File", "^f Find", "f1 Keys"):  # the log's keys come first: still room
        assert key in screen, screen
    term.keys("?")
    screen = term.wait_for("Keys (Esc closes)")
    assert "Wrap" in screen and "UART log" in screen
    term.keys("Escape")
    term.wait_gone("Keys (Esc closes)")
    _quit(term)


@SIZES
def test_screenshot_is_saved_in_the_data_directory(tui, size, isolated_user_dirs):
    term = tui(size)
    term.keys("C-p")
    term.wait_for("Search for commands")
    term.type("Screenshot")
    term.wait_for("Save an SVG")
    term.keys("Enter")
    screen = term.wait_for("screenshot saved")
    shots = list((isolated_user_dirs / "data" / "screenshots").glob("*.svg"))
    assert len(shots) == 1 and "Failed" not in screen
    _quit(term)


def test_sockets_table_fits_at_120x40(tui):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        term = tui((120, 40))
        _send(term, f"AT+S.SOCKON=127.0.0.1,{port},,t", "AT-S.On:127.0.0.1:0")
        peer, _ = server.accept()
        with peer:
            peer.sendall(b"hello")
            screen = term.wait_for("0 TCP open")
            assert f"127.0.0.1:{port}" in screen
            header = next(line for line in screen.splitlines() if "socket · peer" in line)
            assert "pend" in header and "rd" in header and "wr" in header.split("rd", 1)[1]
            term.wait_for("WIND:55:Pending Data")

            def pending() -> str:
                row = next(line for line in term.screen().splitlines() if "0 TCP open" in line)
                return row.split("0 TCP open", 1)[1].split()[0]

            term.wait_until(lambda: pending() == "5", "5 pending bytes in the socket's row")  # in its column
    _quit(term)


def test_copy_the_last_reply_with_osc52_and_clear_the_view(tui, isolated_user_dirs):
    term = tui((120, 40))
    _send(term, "AT+S.STS=fw_version", "fw_version=1.1.0")
    term.keys("C-y")
    term.wait_for("copied the last reply")
    expected = "AT+S.STS=fw_version\nAT-S.Var:fw_version=1.1.0\nAT-S.OK\n"
    # tmux turned the OSC 52 into its paste buffer
    term.wait_until(lambda: term.buffer() == expected, "the copied reply in tmux's paste buffer")
    assert (isolated_user_dirs / "data" / "copied.txt").read_text() == expected
    term.keys("C-l")
    term.wait_gone("fw_version=1.1.0")
    term.wait_for("log view cleared")
    (recording,) = (isolated_user_dirs / "data" / "recordings").glob("*.jsonl")
    assert "fw_version=1.1.0" in recording.read_text()  # the recording keeps everything
    _quit(term)


@SIZES
def test_replay_says_replay_and_lists_its_keys(tui, size):
    term = tui(size, "replay", str(EXAMPLE), ready="REPLAY")
    term.keys("C-End")
    screen = term.wait_for("REPLAY end at")
    status = screen.splitlines()[0]
    assert "REC" not in status.replace("REPLAY", "")
    term.keys("?")
    screen = term.wait_for("Keys (Esc closes)")  # the overlay (the footer names Play/pause too)
    assert "Play/pause" in screen and "Next mark" in screen and "Faster" in screen
    term.keys("Escape")
    term.wait_gone("Keys (Esc closes)")
    _quit(term)
