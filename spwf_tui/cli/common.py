"""What the port-opening commands share: settings from config plus flags, and opening a session.

Each command loads the configuration once (``config.load()``) and hands it to these functions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from spwf_tui import config as config_file
from spwf_tui.core.rawmode import LineEnds, RawModeError, parse_eol, parse_maps
from spwf_tui.errors import UserError
from spwf_tui.transport.settings import PortSettings, parse_baud, parse_bytesize, parse_parity, parse_stopbits

if TYPE_CHECKING:
    from spwf_tui.session.recording.writer import Recorder
    from spwf_tui.session.text_log import TextLog


def make_recorder(args: argparse.Namespace, cfg: config_file.Config) -> Recorder | None:
    """The recorder the flags and the config file ask for (``--record``, ``--no-record``,
    ``--record-secrets``, ``[recording]``); None when recording is off.

    Raises:
        UserError: ``--record PATH`` names a file that exists or a folder that does not.
    """
    settings = cfg.recording
    path = getattr(args, "record", None)
    if getattr(args, "no_record", False) or (path is None and not settings.enabled):
        return None
    # Imported once a recording is made: --no-record starts without them (json, platform).
    from spwf_tui.locations import data_dir
    from spwf_tui.session.recording.writer import Recorder

    max_bytes = settings.max_megabytes * 1024 * 1024
    keep_secrets = bool(getattr(args, "record_secrets", False))
    if path is not None:
        target = Path(path).expanduser()
        if target.is_dir():
            raise UserError(f"--record {path}: is a folder; give the name of a new file in it")
        if target.exists():
            raise UserError(f"--record {path}: the file exists; a recording is one session, give a new name")
        if not target.parent.is_dir():
            raise UserError(f"--record {path}: no such folder {target.parent}")
        return Recorder(path=target, max_bytes=max_bytes, keep_secrets=keep_secrets)
    return Recorder(directory=settings.directory or data_dir() / "recordings", keep=settings.keep,
                    max_bytes=max_bytes, keep_secrets=keep_secrets)


def port_settings(args: argparse.Namespace, port: str | None, cfg: config_file.Config) -> PortSettings:
    """Serial settings: the config file's, overridden by the command-line flags."""
    port = port or cfg.port
    if not port:
        raise UserError("no port given: name one (e.g. spwf-tui /dev/ttyUSB0, or sim:// for the emulated module); "
                        "spwf-tui ports lists them")
    baud = parse_baud(args.baud) if getattr(args, "baud", None) is not None else cfg.baud
    bytesize = parse_bytesize(args.bytesize) if getattr(args, "bytesize", None) is not None else cfg.bytesize
    parity = parse_parity(args.parity) if getattr(args, "parity", None) is not None else cfg.parity
    stopbits = parse_stopbits(args.stopbits) if getattr(args, "stopbits", None) is not None else cfg.stopbits
    rtscts = cfg.rtscts if getattr(args, "rtscts", None) is None else args.rtscts
    xonxoff = cfg.xonxoff if getattr(args, "xonxoff", None) is None else args.xonxoff
    return PortSettings(port, baud, bytesize, parity, stopbits, rtscts=rtscts, xonxoff=xonxoff,
                        coordinator=getattr(args, "coordinator", None))


class SessionOptions(TypedDict):
    """``Session`` keywords (``session_options``)."""

    recorder: Recorder | None
    show_secrets: bool
    follow_speed: bool
    text_log: TextLog | None


def session_options(args: argparse.Namespace, cfg: config_file.Config) -> SessionOptions:
    """The ``Session`` keywords the flags and the config ask for beyond the port: ``recorder``,
    ``show_secrets``, ``follow_speed``, ``text_log`` (``--log``, ``log =``).

    Raises:
        UserError: a recording or log file that cannot be made (the message says why).
    """
    show_secrets = bool(getattr(args, "show_secrets", False))
    return {"recorder": make_recorder(args, cfg), "show_secrets": show_secrets,
            "follow_speed": bool(getattr(args, "follow_speed", False)),
            "text_log": make_text_log(args, cfg, show_secrets)}


def make_text_log(args: argparse.Namespace, cfg: config_file.Config, show_secrets: bool) -> TextLog | None:
    """The ``--log`` file (or the config's ``log``), open for appending; None when not asked."""
    path = getattr(args, "log", None) or cfg.log
    if not path:
        return None
    from spwf_tui.session.text_log import TextLog

    flag = getattr(args, "log_timestamps", None)
    timestamps = cfg.log_timestamps if flag is None else flag
    return TextLog(Path(path).expanduser(), timestamps=timestamps, redact=show_secrets)


def line_ends(args: argparse.Namespace, cfg: config_file.Config) -> LineEnds:
    """Raw mode's line ends: ``--eol`` / ``--map`` over the config file's ``eol`` / ``map``."""
    try:
        eol = parse_eol(args.eol) if getattr(args, "eol", None) else cfg.eol
        maps = parse_maps(args.map) if getattr(args, "map", None) else cfg.maps
    except RawModeError as exc:
        raise UserError(str(exc)) from None
    return LineEnds(eol, maps)
