"""What the subcommands' parsers share: the parser class and the option groups of the commands
that open a port (the TUI, ``run``, ``repl``). argparse only: building a parser loads nothing else."""

from __future__ import annotations

import argparse
from types import FrameType

from spwf_tui.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see: {self.prog} --help)")


def add_console_options(parser: argparse.ArgumentParser, port_help: str) -> None:
    """The port and every option of an interactive console (the TUI and the REPL take the same)."""
    parser.add_argument("port", nargs="?", help=port_help)
    add_serial_options(parser)
    add_terminal_options(parser)
    add_record_options(parser)
    add_log_options(parser)


def add_serial_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-b", "--baud", help="baud rate (default 115200, the module's factory rate)")
    parser.add_argument("--bytesize", metavar="5-8", help="data bits (default 8)")
    parser.add_argument("--parity", metavar="N|E|O|M|S", help="parity (default N: none)")
    parser.add_argument("--stopbits", metavar="1|1.5|2", help="stop bits (default 1)")
    parser.add_argument("--rtscts", action="store_true", default=None, help="RTS/CTS flow control")
    parser.add_argument("--xonxoff", action="store_true", default=None, help="XON/XOFF flow control")
    parser.add_argument("--follow-speed", action="store_true",
                        help="switch the port to the module's new console_speed once it is saved and the "
                        "module reset (default: say so and offer it)")
    parser.add_argument("--coordinator", metavar="HOST:PORT", help="labgrid coordinator for labgrid://PLACE "
                        "(default: $LG_COORDINATOR, else 127.0.0.1:20408)")


def add_log_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log", metavar="FILE", help="append what the screen shows to FILE as plain text "
                        "(owner-only; secrets redacted); beside the recording")
    parser.add_argument("--log-timestamps", action="store_true", default=None,
                        help="with --log: each line after its UTC time")


def add_terminal_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eol", metavar="cr|lf|crlf", help="raw mode: what Enter sends (default cr)")
    parser.add_argument("--map", action="append", metavar="NAME[,NAME]",
                        help="CR/LF maps, tio's names: icrnl (received CR as LF), igncr (received CR "
                        "dropped), inlcrnl (received LF as CR LF), odelbs (Backspace sends BS)")


def add_record_options(parser: argparse.ArgumentParser) -> None:
    record = parser.add_mutually_exclusive_group()
    record.add_argument("--record", metavar="PATH", help="record the session to PATH (a new file; "
                        "default: a file per session in the data directory)")
    record.add_argument("--no-record", action="store_true", help="do not record this session")
    parser.add_argument("--record-secrets", action="store_true",
                        help="keep keys and passphrases in the recording (redacted by default)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="show keys and passphrases on the screen and in the transcript (redacted by default)")


def end_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI job's timeout, systemd, kill) unwinds like Ctrl+C: sessions close, so a
    labgrid place this process acquired is released instead of staying held by nobody."""
    import signal

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
