"""The REPL writes through one sending thread: a send still going out (here a raw-mode paste
with a delay between its lines) finishes before the next command's bytes, never between them.

The installed REPL in a private tmux on a bare pty whose far end this test reads.
"""

from __future__ import annotations

from pathlib import Path

from tests.system.test_everyday_terminal import Board, board, settle, terminal  # noqa: F401 - fixtures

PASTED = [b"one", b"two", b"three", b"four"]


def test_a_command_typed_after_a_slow_raw_paste_goes_out_after_all_of_it(terminal, board: Board,
                                                                          isolated_user_dirs):
    # 0.4 s between pasted lines: leaving raw mode and typing a command takes less than the
    # 1.2 s the paste needs, so a second sending path would put the command inside the paste.
    Path(isolated_user_dirs, "config.toml").write_text("paste_delay_ms = 400\n")
    term = terminal("repl", board.path)
    settle(term, "repl")
    term.keys("F6")
    term.wait_for("RAW")
    term.paste("\n".join(line.decode() for line in PASTED) + "\n")
    assert board.read_line() == PASTED[0]  # the paste has started
    term.keys("F6")
    term.wait_for("raw mode off")
    term.type("AT+S.STS=fw_version")
    term.keys("Enter")
    received = [board.read_line() for _ in range(len(PASTED))]
    assert received == PASTED[1:] + [b"AT+S.STS=fw_version"]
