"""The default command: the TUI on a port (a port picker first when none is given)."""

from __future__ import annotations

import argparse

from spwf_tui import __version__
from spwf_tui.cli.options import add_console_options


DESCRIPTION = "Terminal workbench for the SPWF04SA/SC Wi-Fi module."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_console_options(parser, "device path, pyserial URL (rfc2217://, socket://, loop://) or sim://")
    parser.add_argument("--version", action="version", version=f"spwf-tui {__version__}")


def run(args: argparse.Namespace) -> int:
    """Open the port, then run the Textual app until the user quits."""
    # Imported here, not with the parser: `spwf-tui --help` builds the parser and needs none of
    # them (the session and the config's imports doubled its start-up).
    from spwf_tui import config as config_file
    from spwf_tui.cli.common import line_ends, port_settings, session_options
    from spwf_tui.session.session import Session

    cfg = config_file.load()
    port = args.port or cfg.port
    if not port:
        from spwf_tui.ui.port_picker import PortPickerApp  # Textual only when a screen is needed

        picker = PortPickerApp()
        port = picker.run()
        if not port:
            return picker.return_code or 0  # 1 after a crash of the picker (see below)
    settings = port_settings(args, port, cfg)
    # A module streaming at line rate is read in fewer, larger batches (the reader's pause while
    # a stream flows, never while a reply or a raw key's echo is awaited: docs/architecture.md
    # §6.1): the screen shows a stream at most a few times a second anyway.
    with Session(settings, line_ends=line_ends(args, cfg), pace_streams=True,
                 **session_options(args, cfg)) as session:
        from spwf_tui.ui.factory import run_app  # Textual once the port is open (its errors come first)

        return run_app(session, cfg)  # 1 after a crash of the app
