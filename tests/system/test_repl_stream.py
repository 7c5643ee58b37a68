"""The interactive REPL while the module streams: its lines gathered in batches (0.1 s while it
streams, ``repl/app.py`` ``STREAM_BATCH_SECONDS``) and the port read paced, yet every streamed line
printed in order and a command's answer printed among them.

The board writes a numbered WIND line every 2 ms (``PtyStreamer``) and answers a command line with
its echo and ``AT-S.OK``; the REPL is a real process on a pexpect pty.
"""

from __future__ import annotations

import re

from tests.system.helpers import flood_answer
from tests.system.repl_driver import CTRL_RIGHT_BRACKET, quit_with, spawn_repl

STREAMED = re.compile(r"Pending Data::0:(\d+):")


def test_a_stream_is_printed_whole_and_a_command_is_answered_in_it(board, tmp_path):
    pty = board(answer=flood_answer)
    child = spawn_repl(str(pty.link), "--no-record", width=120)
    transcript = tmp_path / "terminal.txt"
    with open(transcript, "w", encoding="utf-8") as seen:
        child.logfile_read = seen
        child.expect(STREAMED)
        first = int(child.match.group(1))
        child.expect(rf"Pending Data::0:{first + 300}:")  # streaming: batches of a tenth of a second
        child.sendline("AT+S.PING=host.example")
        child.expect(r"AT\+S\.PING=host\.example")
        child.expect("AT-S.OK")
        child.expect(STREAMED)
        answered = int(child.match.group(1))
        last = answered + 300
        child.expect(rf"Pending Data::0:{last}:")  # the stream goes on being printed after the answer
        assert quit_with(child, CTRL_RIGHT_BRACKET) == 0
    text = transcript.read_text(encoding="utf-8", errors="replace")
    numbers = [int(number) for number in STREAMED.findall(text)]
    shown = numbers[:numbers.index(last) + 1]
    # (A line still arriving may be drawn above the prompt before it is printed whole: the same
    # number twice in a row.)
    assert shown == sorted(shown), "a streamed line was printed out of order"
    assert set(shown) == set(range(first, last + 1)), "a streamed line was never printed"
    assert "not shown" not in text
    assert pty.lines.count(b"AT+S.PING=host.example") == 1
