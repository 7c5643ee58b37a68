"""The line-mode console (prompt-toolkit; never Textual), run by ``spwf-tui repl``
(``cli/repl.py`` opens the port).

Two front ends on one session: the interactive prompt (``app``) on a real terminal, the plain
line loop (``plain``) when stdin or stdout is not a terminal or the terminal is dumb
(``wants_full_prompt``). Both share the ``:`` commands (``commands``), the entry formatting
(``printer``) and the payload prompt (``payload``).
"""

from __future__ import annotations

import os
import sys

DUMB_TERMINALS = ("dumb", "unknown")
"""TERM values that cannot position the cursor (prompt-toolkit's list too)."""


def wants_full_prompt() -> bool:
    """True on a terminal that can draw the prompt: both ends a tty, TERM not dumb."""
    if os.environ.get("TERM", "").lower() in DUMB_TERMINALS:
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()
