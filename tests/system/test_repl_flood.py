"""The interactive REPL under a flood: every line printed, none hidden.

The REPL is a real process on a pexpect pty (a terminal that reads as fast as it is written to);
its port is a pty whose far end answers one command with 100,000 lines in one go, faster than
prompt-toolkit prints them. The console's reader waits for the printer once 20,000 entries wait
(``repl/printer.py`` ``BEHIND``), so the entry buffer (50,000) never has to drop lines from view.
"""

from __future__ import annotations

import re

from tests.system.helpers import FLOOD, flood_answer
from tests.system.repl_driver import CTRL_RIGHT_BRACKET, quit_with, spawn_repl


def test_a_flood_is_printed_line_by_line_with_nothing_hidden(board, tmp_path):
    pty = board(stream=False, answer=flood_answer)
    transcript = tmp_path / "terminal.txt"
    child = spawn_repl(str(pty.link), "--no-record", width=120)
    with open(transcript, "w", encoding="utf-8") as seen:
        child.logfile_read = seen
        child.sendline("AT+S.STS=flood")
        # Only the last few KiB are searched: the flood's end, then the final reply.
        child.expect(f"::9:{FLOOD - 1}:", timeout=300, searchwindowsize=4096)
        child.expect("AT-S.OK", timeout=60, searchwindowsize=4096)
        assert quit_with(child, CTRL_RIGHT_BRACKET) == 0
    text = transcript.read_text(encoding="utf-8", errors="replace")
    assert "not shown" not in text, text[text.index("not shown") - 200:][:400]
    numbers = {int(number) for number in re.findall(r"Pending Data::9:(\d+):", text)}
    assert numbers == set(range(FLOOD)), f"{FLOOD - len(numbers)} flood lines never printed"
