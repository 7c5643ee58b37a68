"""``spwf-tui repl``: the line-mode console (prompt-toolkit; never Textual).

``run_repl`` opens the port and picks the front end: the interactive prompt (``app``) on a
real terminal, the plain line loop (``plain``) when stdin or stdout is not a terminal or the
terminal is dumb. Both share the ``:`` commands (``commands``), the entry formatting
(``printer``) and the payload prompt (``payload``).
"""

from __future__ import annotations

import argparse
import os
import sys

from spwf_tui import config as config_file
from spwf_tui.commands.common import line_ends, port_settings, session_options
from spwf_tui.session.session import Session

DUMB_TERMINALS = ("dumb", "unknown")
"""TERM values that cannot position the cursor (prompt-toolkit's list too)."""


def run_repl(args: argparse.Namespace) -> int:
    """Open the port and run the console until the user quits or input ends."""
    cfg = config_file.load()
    settings = port_settings(args, args.port)
    session = Session(settings, line_ends=line_ends(args, cfg), **session_options(args, cfg))
    session.open()
    try:
        if not wants_full_prompt():
            from spwf_tui.repl.plain import PlainConsole

            return PlainConsole(session, sys.stdin, sys.stdout, prompt=sys.stdin.isatty()).run()
        from spwf_tui.repl.app import run_interactive  # prompt-toolkit only for a real terminal

        return run_interactive(session, paste_delay_ms=cfg.paste_delay_ms)
    finally:
        session.close()


def wants_full_prompt() -> bool:
    """True on a terminal that can draw the prompt: both ends a tty, TERM not dumb."""
    if os.environ.get("TERM", "").lower() in DUMB_TERMINALS:
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()
