"""``spwf-tui repl``: open the port and run the line-mode console (``spwf_tui.repl``).

The console itself never reads arguments, the config or the recording options: those are the
CLI's (``cli.common``), so ``repl/`` depends on no subcommand module.
"""

from __future__ import annotations

import argparse
import sys

from spwf_tui import config as config_file
from spwf_tui.cli.common import line_ends, port_settings, session_options
from spwf_tui.cli.options import add_console_options, end_cleanly_on_sigterm
from spwf_tui.repl import wants_full_prompt
from spwf_tui.session.session import Session


DESCRIPTION = ("Line-mode console (prompt-toolkit): completion, payload sources, history; plain lines "
               "when not on a terminal.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_console_options(parser, "device path, pyserial URL or sim://")


def run(args: argparse.Namespace) -> int:
    """Open the port and run the console until the user quits or input ends."""
    cfg = config_file.load()
    settings = port_settings(args, args.port, cfg)
    interactive = wants_full_prompt()
    # The interactive REPL reads paced, as the TUI does: a stream comes in fewer, larger batches
    # (a reply awaited and a raw-mode key are never held back: session.Session ``pace_streams``).
    with Session(settings, line_ends=line_ends(args, cfg), pace_streams=interactive,
                 **session_options(args, cfg)) as session:
        if not interactive:
            from spwf_tui.repl.plain import PlainConsole

            return PlainConsole(session, sys.stdin, sys.stdout, prompt=sys.stdin.isatty()).run()
        from spwf_tui.repl.app import run_interactive  # prompt-toolkit only for a real terminal

        return run_interactive(session, paste_delay_ms=cfg.paste_delay_ms)
