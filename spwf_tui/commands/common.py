"""What the port-opening commands share: settings from config plus flags, and opening a session."""

from __future__ import annotations

import argparse

from spwf_tui import config as config_file
from spwf_tui.errors import UserError
from spwf_tui.transport.settings import PortSettings, parse_baud


def port_settings(args: argparse.Namespace, port: str | None) -> PortSettings:
    """Serial settings: the config file's, overridden by the command-line flags."""
    cfg = config_file.load()
    port = port or cfg.port
    if not port:
        raise UserError("no port given: name one (e.g. spwf-tui /dev/ttyUSB0, or sim:// for the emulated module); "
                        "spwf-tui ports lists them")
    baud = parse_baud(args.baud) if getattr(args, "baud", None) is not None else cfg.baud
    rtscts = cfg.rtscts if getattr(args, "rtscts", None) is None else args.rtscts
    xonxoff = cfg.xonxoff if getattr(args, "xonxoff", None) is None else args.xonxoff
    return PortSettings(port, baud, rtscts=rtscts, xonxoff=xonxoff)
