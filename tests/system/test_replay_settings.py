"""``spwf-tui replay`` is built by the same app factory as a live session: the config file's
``timestamps`` and ``[keys]`` apply to it (they were ignored by replays before).

The installed program in a private tmux at 120x40, reading the screen back.
"""

from __future__ import annotations

import re

from tests.system.test_tui_display_tmux import EXAMPLE, _quit, tui  # noqa: F401 - fixture

STAMPED_ROW = re.compile(r"\d\d:\d\d:\d\d\.\d{3} [<>] AT")
"""A log row under ``timestamps = "absolute"``: the host time, then the direction and the line."""


def test_replay_takes_the_timestamps_and_the_keymap_of_the_config_file(tui, isolated_user_dirs):
    (isolated_user_dirs / "config.toml").write_text(
        'timestamps = "absolute"\n\n[keys]\n"replay.end" = "f12"\n')
    term = tui((120, 40), "replay", "--speed", "0.001", str(EXAMPLE), ready="REPLAY")
    assert "REPLAY end at" not in term.screen()  # at a thousandth of real time: far from the end
    term.keys("F12")  # the config's key for "to the end" (Ctrl+End by default)
    screen = term.wait_for("REPLAY end at")
    assert STAMPED_ROW.search(screen), screen
    _quit(term)
