"""The default command: the TUI on a port."""

from __future__ import annotations

import argparse

from spwf_tui.commands.common import port_settings
from spwf_tui.session.session import Session


def run_tui(args: argparse.Namespace) -> int:
    """Open the port, then run the Textual app until the user quits."""
    settings = port_settings(args, args.port)
    session = Session(settings)
    session.open()
    from spwf_tui.ui.app import SpwfApp  # Textual is costly to import; only the TUI needs it

    try:
        SpwfApp(session).run()
    finally:
        session.close()
    return 0
