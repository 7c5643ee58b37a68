"""The ``spwf-tui`` command line (contract in docs/architecture.md §10).

``spwf-tui [PORT] [options]`` opens the TUI; the first word may instead name a subcommand. Heavy
imports (Textual, the emulator) happen inside the command that needs them, so ``--help`` and the
small commands start fast. Every user mistake ends as one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from spwf_tui import __version__
from spwf_tui.errors import UserError, user_message

EXIT_USAGE = 2
"""The user asked for something that cannot be done as asked."""

SUBCOMMANDS = ("ports", "sim", "run", "decode", "repl", "cert", "replay", "export", "doctor")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see: {self.prog} --help)")


def _add_serial_options(parser: argparse.ArgumentParser) -> None:
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


def _add_log_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--log", metavar="FILE", help="append what the screen shows to FILE as plain text "
                        "(owner-only; secrets redacted); beside the recording")
    parser.add_argument("--log-timestamps", action="store_true", default=None,
                        help="with --log: each line after its UTC time")


def _add_terminal_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eol", metavar="cr|lf|crlf", help="raw mode: what Enter sends (default cr)")
    parser.add_argument("--map", action="append", metavar="NAME[,NAME]",
                        help="CR/LF maps, tio's names: icrnl (received CR as LF), igncr (received CR "
                        "dropped), inlcrnl (received LF as CR LF), odelbs (Backspace sends BS)")


def _add_record_options(parser: argparse.ArgumentParser) -> None:
    record = parser.add_mutually_exclusive_group()
    record.add_argument("--record", metavar="PATH", help="record the session to PATH (a new file; "
                        "default: a file per session in the data directory)")
    record.add_argument("--no-record", action="store_true", help="do not record this session")
    parser.add_argument("--record-secrets", action="store_true",
                        help="keep keys and passphrases in the recording (redacted by default)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="show keys and passphrases on the screen and in the transcript (redacted by default)")


def build_parsers() -> dict[str, argparse.ArgumentParser]:
    """One parser for the TUI entry and one per subcommand."""
    tui = _Parser(
        prog="spwf-tui",
        description="Terminal workbench for the SPWF04SA/SC Wi-Fi module. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (spwf-tui SUBCOMMAND --help).",
    )
    tui.add_argument("port", nargs="?", help="device path, pyserial URL (rfc2217://, socket://, loop://) or sim://")
    _add_serial_options(tui)
    _add_terminal_options(tui)
    _add_record_options(tui)
    _add_log_options(tui)
    tui.add_argument("--version", action="version", version=f"spwf-tui {__version__}")

    ports = _Parser(prog="spwf-tui ports", description="List serial ports (device, description, hwid).")

    sim = _Parser(prog="spwf-tui sim", description="Run the emulated SPWF04SA module standalone.")
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a new pseudo-terminal (default)")
    where.add_argument("--tcp", metavar="HOST:PORT", help="serve on TCP, for socket://HOST:PORT")
    sim.add_argument("--link", metavar="PATH", help="with --pty: also make PATH a symlink to the pty")
    sim.add_argument("--trace", metavar="FILE", help="append every byte the host sends to FILE (a new or own "
                     "file, 0600; keys and passphrases redacted)")
    sim.add_argument("--record-secrets", action="store_true",
                     help="keep keys and passphrases in the --trace file (redacted by default)")
    sim.add_argument("--world", metavar="FILE", help="world file (TOML): access points, variant, saved "
                     "configuration, faults (README: The emulated module)")
    sim.add_argument("--control", metavar="PATH", help="Unix socket taking fault commands, one a line "
                     "(e.g. network_lost 2)")

    run = _Parser(prog="spwf-tui run", description="Run commands non-interactively and print the transcript; "
                  "exit 0 only when every step succeeded.")
    run.add_argument("port", nargs="?", help="device path, pyserial URL, sim://, labgrid://PLACE, or a place "
                     "pattern (labgrid://bench-*: every matching board)")
    run.add_argument("script", nargs="?", help="script file: one step per line (the language is in the README)")
    run.add_argument("-p", "--port", dest="ports", action="append", default=[], metavar="PORT",
                     help="a board to run on (repeatable: the boards run concurrently, then a summary)")
    run.add_argument("--jobs", type=int, metavar="N", help="boards run at once (default: all, at most 16)")
    run.add_argument("-c", dest="commands", action="append", default=[], metavar="LINE",
                     help="a command line to run (repeatable; after the script's lines)")
    run.add_argument("--timeout", type=float, help="seconds to wait for each final reply")
    run.add_argument("--keep-going", action="store_true", help="go on after a failed step")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                     help="value of ${NAME} in the script (repeatable; wins over the environment)")
    run.add_argument("--json", action="store_true", help="one JSON result object per step")
    run.add_argument("--force", action="store_true",
                     help="send an AT+S.TLSCERT=auth upload written as hex text as it is (refused otherwise: "
                          "auth takes the 20 raw SKI bytes)")
    _add_serial_options(run)
    _add_record_options(run)
    _add_log_options(run)

    decode = _Parser(prog="spwf-tui decode", description="Classify and explain every line of a captured log.")
    decode.add_argument("file", nargs="?", default="-", help="log file, or - for stdin (default)")
    decode.add_argument("--json", action="store_true", help="one JSON object per line")

    repl = _Parser(prog="spwf-tui repl", description="Line-mode console (prompt-toolkit): completion, "
                   "payload sources, history; plain lines when not on a terminal.")
    repl.add_argument("port", nargs="?", help="device path, pyserial URL or sim://")
    _add_serial_options(repl)
    _add_terminal_options(repl)
    _add_record_options(repl)
    _add_log_options(repl)

    cert = _Parser(prog="spwf-tui cert", description="Certificate doctor: inspect a certificate or key, plan "
                   "its upload, check a server's chain against a CA before the module does.")
    from spwf_tui.commands.cert_args import add_cert_arguments  # argparse only: nothing heavy

    add_cert_arguments(cert)

    replay = _Parser(prog="spwf-tui replay", description="Open a recording read-only: the log, sockets and "
                     "module state rebuilt by the session code.")
    replay.add_argument("file", help="a recording (.jsonl)")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed factor (default 1: real time)")
    replay.add_argument("--to-end", action="store_true", help="start at the end of the recording")
    replay.add_argument("--print-state", action="store_true",
                        help="no TUI: replay to the end and print the rebuilt module state as JSON")
    replay.add_argument("--show-secrets", action="store_true",
                        help="show the secrets of a recording made with --record-secrets (redacted by default)")

    export = _Parser(prog="spwf-tui export", description="Turn a recording into a transcript, a Markdown bug "
                     "report or an asciinema cast (secrets stay redacted).")
    export.add_argument("file", help="a recording (.jsonl)")
    export.add_argument("--to", required=True, choices=("text", "markdown", "cast"), help="export format")
    export.add_argument("-o", "--output", metavar="OUT", help="write to OUT (owner-only permissions) "
                        "instead of standard output")
    export.add_argument("--force", action="store_true", help="with -o: replace OUT if it exists (never "
                        "through a symbolic link)")
    export.add_argument("--include-secrets", action="store_true",
                        help="keep the secrets of a recording made with --record-secrets")

    doctor = _Parser(prog="spwf-tui doctor", description="Check the local set-up (Python and packages, "
                     "ports and permissions, groups, terminal, recording directory) and say how to fix it.")
    doctor.add_argument("--json", action="store_true", help="one JSON object per check")

    return {"doctor": doctor, "": tui, "ports": ports, "sim": sim, "run": run, "decode": decode, "repl": repl, "cert": cert,
            "replay": replay, "export": export}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(argv)
    except UserError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (| head): not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - user-facing errors of the lower layers
        message = user_message(exc)
        if message is None:
            raise
        return _fail(message)


def _dispatch(argv: list[str]) -> int:
    parsers = build_parsers()
    name = argv[0] if argv and argv[0] in SUBCOMMANDS else ""
    if name:
        argv = argv[1:]
    elif argv and _looks_like_a_word(argv[0]) and len([a for a in argv if not a.startswith("-")]) > 1:
        raise UserError(f"unknown command {argv[0]!r} (commands: {', '.join(SUBCOMMANDS)}; see spwf-tui --help)")
    args = parsers[name].parse_args(argv)
    if name == "ports":
        from spwf_tui.commands.ports import run_ports

        return run_ports()
    if name == "sim":
        from spwf_tui.commands.sim import run_sim

        return run_sim(args)
    if name in ("run", "repl"):
        _end_cleanly_on_sigterm()
    if name == "run":
        from spwf_tui.transport.urls import is_place_pattern

        if getattr(args, "ports", None) or (args.port is not None and is_place_pattern(args.port)):
            # several boards: threads, subprocesses, perhaps a lab's coordinator (not imported
            # for one port: `run PORT -c AT` starts in a fraction of a second)
            from spwf_tui.commands.run_boards import boards_of, run_boards

            boards = boards_of(args)
            if boards is not None:
                return run_boards(args, boards)
        from spwf_tui.commands.run import run_script

        return run_script(args)
    if name == "repl":
        from spwf_tui.commands.repl import run_repl  # prompt-toolkit is imported only for the REPL

        return run_repl(args)
    if name == "doctor":
        from spwf_tui.commands.doctor import run_doctor

        return run_doctor(args)
    if name == "decode":
        from spwf_tui.commands.decode import run_decode

        return run_decode(args)
    if name == "cert":
        from spwf_tui.commands.cert import run_cert

        return run_cert(args)
    if name == "replay":
        from spwf_tui.commands.replay import run_replay

        return run_replay(args)
    if name == "export":
        from spwf_tui.commands.export import run_export

        return run_export(args)
    from spwf_tui.commands.tui import run_tui

    return run_tui(args)


def _end_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI job's timeout, systemd, kill) unwinds like Ctrl+C: sessions close, so a
    labgrid place this process acquired is released instead of staying held by nobody."""
    import signal

    def stop(signum, frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def _looks_like_a_word(text: str) -> bool:
    return text.isalpha() and not text.upper().startswith("COM")


def _fail(message: str) -> int:
    # Messages quote file names, URLs and module text: one printable line whatever they hold.
    from spwf_tui.core.display import visible

    print(f"spwf-tui: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE
