"""Issue 14 items 2, 3 and 7 as a user meets them: the installed TUI and REPL in a private tmux,
keys typed with ``send-keys``, blocks pasted with ``paste-buffer -p`` (bracketed paste), and the
far end of the port checking the exact bytes: the emulated module's trace (``spwf-tui sim --pty
--trace``) or a bare pty this test answers itself (to prove a line waits for the previous reply).
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from pathlib import Path

import pytest

from tests.system.tmux_driver import Tmux

PASTE = "AT+S.SSIDTXT=Lab\nAT+S.SSIDTXT\n"
"""The seed of item 3: joined with LF into one command it set the SSID to LabAT+S.SSIDTXT."""


class Board:
    """A bare pty the test answers as the module would: it reads what the host sends."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        self.path = os.ttyname(self.slave)
        self._pending = b""

    def read_line(self, timeout: float = 15) -> bytes:
        """The next CR-ended line the host sent (without the CR)."""
        deadline = time.monotonic() + timeout
        while b"\r" not in self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line from the host; got {self._pending!r}")
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                self._pending += os.read(self.master, 65536)
        line, _, self._pending = self._pending.partition(b"\r")
        return line

    def waiting(self, quiet: float = 0.5) -> bytes:
        """Whatever the host sends within ``quiet`` seconds (b"" when it waits, as it should)."""
        ready, _, _ = select.select([self.master], [], [], quiet)
        if ready:
            self._pending += os.read(self.master, 65536)
        return self._pending

    def drain(self) -> int:
        """Read everything waiting now; the number of bytes."""
        total = 0
        while select.select([self.master], [], [], 0.05)[0]:
            chunk = os.read(self.master, 65536)
            if not chunk:
                break
            total += len(chunk)
        return total

    def say(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def board():
    board = Board()
    yield board
    board.close()


@pytest.fixture
def terminal(spwf_tmux, tmp_path):
    """``terminal(*args, width=120, height=40, cwd=tmp_path)``: ``spwf-tui ARGS --no-record``
    in a private tmux (prompt-toolkit told not to ask the terminal where its cursor is)."""
    def start(*args: str, width: int = 120, height: int = 40, cwd: Path | None = None) -> Tmux:
        return spwf_tmux(*args, "--no-record", width=width, height=height, cwd=cwd or tmp_path,
                         env={"PROMPT_TOOLKIT_NO_CPR": "1"})

    return start


def settle(term: Tmux, front_end: str) -> None:
    """Wait until the front end is up and reads keys (its prompt, or the TUI's port opened)."""
    term.ready_for_keys("spwf>" if front_end == "repl" else "opened")


def screen_lines(term: Tmux) -> list[str]:
    return [line.strip(" │") for line in term.screen().splitlines()]


# -- AT-aware paste --------------------------------------------------------------------------------

@pytest.mark.parametrize("front_end", ["repl", "tui"])
def test_a_pasted_block_waits_for_each_reply_and_stops_on_error(front_end, terminal, board):
    args = ("repl", board.path) if front_end == "repl" else (board.path,)
    term = terminal(*args, width=160)  # the TUI's log pane shows the whole note
    settle(term, front_end)
    term.paste(PASTE + "AT+S.NOSUCH\nAT+S.STS\n")
    assert board.read_line() == b"AT+S.SSIDTXT=Lab"
    assert board.waiting() == b""  # the second line waits for the first one's final reply
    term.wait_for("paste 1/4")
    board.say(b"AT-S.OK\r\n")
    assert board.read_line() == b"AT+S.SSIDTXT"  # its own command, not "LabAT+S.SSIDTXT"
    board.say(b"AT-S.SSIDTXT:Lab\r\nAT-S.OK\r\n")
    assert board.read_line() == b"AT+S.NOSUCH"
    board.say(b"AT-S.ERROR:1:Command not found\r\n")
    term.wait_for("answered AT-S.ERROR:1:Command not found")  # the question: go on?
    if front_end == "repl":
        term.type("n")
        term.keys("Enter")
    else:
        term.wait_still()  # the question is drawn and its first button has the focus
        term.keys("Enter")  # "Stop here" has the focus
    term.wait_for("paste stopped at line 3/4")
    assert board.waiting() == b""  # AT+S.STS was not sent
    assert "1 line(s) not sent" in term.screen()


def test_the_repl_goes_on_after_an_error_when_told_and_cancels_on_escape(terminal, board):
    term = terminal("repl", board.path)
    settle(term, "repl")
    term.paste("AT+S.NOSUCH\nAT\nAT+S.STS\nAT\n")
    assert board.read_line() == b"AT+S.NOSUCH"
    board.say(b"AT-S.ERROR:1:Command not found\r\n")
    term.wait_for("send the remaining 3? [y/N]")
    term.type("y")
    term.keys("Enter")
    assert board.read_line() == b"AT"
    board.say(b"AT-S.OK\r\n")
    assert board.read_line() == b"AT+S.STS"
    term.wait_for("paste 3/4: AT+S.STS")
    term.keys("Escape")  # no reply comes: Esc cancels the rest
    term.wait_for("paste cancelled after 3/4 lines; 1 line(s) not sent")
    assert board.waiting() == b""


def test_a_bad_payload_source_in_a_pasted_line_sends_nothing(terminal, sim, tmp_path):
    term = terminal("repl", str(sim.link))
    settle(term, "repl")
    term.paste(f"AT\nAT+S.FSC=/x.txt,@{tmp_path}/missing.txt\n")
    term.wait_for("pasted line 2:")
    assert "no such file; nothing was sent" in term.screen(joined=True)
    (tmp_path / "hello.txt").write_bytes(b"hello\r\n")
    term.paste(f"AT+S.FSC=/h.txt,@{tmp_path}/hello.txt\nAT+S.FSP=/h.txt\n")
    term.wait_for("paste: all 2 lines sent")
    assert sim.received().endswith(b"AT+S.FSC=/h.txt,7\rhello\r\nAT+S.FSP=/h.txt\r")


# -- raw mode ----------------------------------------------------------------------------------------

KEYS = [("type", "AT", b"AT"), ("keys", "Enter", b"\r"), ("keys", "Up", b"\x1b[A"), ("keys", "Left", b"\x1b[D"),
        ("keys", "C-c", b"\x03"), ("keys", "C-d", b"\x04"), ("keys", "BSpace", b"\x7f"), ("keys", "Escape", b"\x1b"),
        ("keys", "Tab", b"\t"), ("keys", "Enter", b"\r")]
"""Each key and the bytes it sends. The final Enter ends the emulated module's line: the junk
before it is one command it refuses."""


@pytest.mark.parametrize("front_end", ["repl", "tui"])
def test_raw_mode_sends_every_key_as_typed_and_ctrl_bracket_leaves(front_end, terminal, sim):
    args = ("repl", str(sim.link)) if front_end == "repl" else (str(sim.link),)
    term = terminal(*args)
    settle(term, front_end)
    before = len(sim.received())
    term.keys("F6")
    term.wait_for("RAW")
    wanted = b""
    for kind, key, sends in KEYS:
        term.type(key) if kind == "type" else term.keys(key)
        wanted += sends
        # The module has this key's bytes before the next key is pressed: an Esc alone is not read
        # as the start of the next key's sequence, however slowly the front end reads.
        term.wait_until(lambda: sim.received()[before:] == wanted,
                        lambda: f"{wanted!r} at the module, got {sim.received()[before:]!r}")
    term.keys("C-]")
    term.wait_for("raw mode off")
    term.type("AT+S.STS=fw_version")  # line mode again: the builder / prompt takes the line
    term.keys("Enter")
    term.wait_for("fw_version=1.1.0")
    assert sim.received().endswith(b"AT+S.STS=fw_version\r")


def test_eol_crlf_and_a_raw_paste_with_a_delay(terminal, sim, isolated_user_dirs):
    Path(isolated_user_dirs, "config.toml").write_text("paste_delay_ms = 50\n")
    term = terminal("repl", str(sim.link), "--eol", "crlf")
    settle(term, "repl")
    before = len(sim.received())
    term.keys("F6")
    term.wait_for("Enter sends CRLF")
    term.paste("import os\nprint(1)\n")
    term.wait_until(lambda: sim.received()[before:] == b"import os\r\nprint(1)\r\n", "the raw paste")
    term.keys("F6")
    term.wait_for("raw mode off")


def test_a_bad_eol_or_map_is_one_line(tmp_path):
    from tests.system.helpers import run_cli

    result = run_cli("repl", "sim://", "--eol", "lfcr")
    assert result.returncode == 2
    assert result.stderr.strip() == "spwf-tui: --eol 'lfcr': give cr, lf or crlf"
    result = run_cli("--map", "ocrnl", "sim://")
    assert result.returncode == 2
    assert result.stderr.strip() == "spwf-tui: --map 'ocrnl': known maps are icrnl, igncr, inlcrnl, odelbs"


# -- raw sends ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("front_end", ["repl", "tui"])
def test_send_hex_text_and_a_file_as_they_are(front_end, terminal, sim, tmp_path):
    args = ("repl", str(sim.link)) if front_end == "repl" else (str(sim.link),)
    term = terminal(*args)
    settle(term, front_end)
    (tmp_path / "fw.bin").write_bytes(b"\x00\x01AT\r\xff")
    before = len(sim.received())
    wanted = b""
    for line, sends in (("AT", b"AT\r"), (":send hex:03 41", b"\x03A"), (':send "hi\\r"', b"hi\r"),
                        (f":send @{tmp_path}/fw.bin", b"\x00\x01AT\r\xff")):
        term.type(line)
        term.keys("Enter")
        wanted += sends
        term.wait_until(lambda: sim.received()[before:] == wanted,
                        lambda: f"{wanted!r} at the module, got {sim.received()[before:]!r}")
    term.type(":send hex:0")
    term.keys("Enter")
    term.wait_for("odd number of digits")


@pytest.mark.parametrize("front_end", ["repl", "tui"])
def test_a_big_raw_send_shows_progress_and_escape_cancels_it(front_end, terminal, board, tmp_path):
    big = tmp_path / "fw.bin"
    big.write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    args = ("repl", board.path) if front_end == "repl" else (board.path,)
    term = terminal(*args, width=200)  # the TUI's log pane shows the whole note
    settle(term, front_end)
    received = []
    stop = threading.Event()

    def slow_reader() -> None:  # a slow device: about 100 KB a second, so the send takes 10 s
        while not stop.is_set():
            if select.select([board.master], [], [], 0.05)[0]:
                received.append(len(os.read(board.master, 4096)))
                time.sleep(0.04)

    reader = threading.Thread(target=slow_reader)
    reader.start()
    try:
        term.type(f":send @{big}")
        term.keys("Enter")
        term.wait_for("/1,048,576 bytes")
        term.keys("Escape")
        term.wait_for("cancelled after")
        screen = term.screen(joined=True)
        sent = int(screen.split("cancelled after ")[1].split(" of ")[0].replace(",", ""))
        # What was in the pty when the send stopped reaches the slow reader too; then nothing more
        # may come (the quiet half second is what "nothing" means here).
        term.wait_until(lambda: sum(received) >= sent, lambda: f"{sent} bytes at the device, got {sum(received)}")
        time.sleep(0.5)
    finally:
        stop.set()
        reader.join()
    assert sent == sum(received) < 1_048_576


def _choose_blob_with_ctrl_o(term: Tmux) -> None:
    """Ctrl+O, blob.bin picked (below the folder's first entry), until the question how to send it
    is drawn and has the focus."""
    term.keys("C-o")
    term.wait_for("blob.bin")
    term.wait_still()  # the picker is still filling: keys now would land on a row that moves
    term.keys("Down")
    term.keys("Enter")
    term.wait_for("Send the file as it is")
    term.wait_still()


def test_tui_ctrl_o_offers_payload_or_the_file_as_it_is(terminal, sim, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "blob.bin").write_bytes(b"\x10\x20RAW\r")
    term = terminal(str(sim.link), cwd=folder)
    settle(term, "tui")
    before = len(sim.received())
    _choose_blob_with_ctrl_o(term)
    term.keys("Tab")  # from "As the payload of a command" to "Send the file as it is"
    term.keys("Enter")
    term.wait_until(lambda: sim.received()[before:] == b"\x10\x20RAW\r", "the file's bytes")
    _choose_blob_with_ctrl_o(term)
    term.keys("Enter")  # as the payload: @PATH goes into the builder
    term.wait_for("@" + str(folder / "blob.bin"))
