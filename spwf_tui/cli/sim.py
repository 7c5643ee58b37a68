"""``spwf-tui sim``: the emulated module on a pty or a TCP port, until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from spwf_tui import safefiles
from spwf_tui.core.display import visible
from spwf_tui.errors import UserError


DESCRIPTION = "Run the emulated SPWF04SA module standalone."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a new pseudo-terminal (default)")
    where.add_argument("--tcp", metavar="HOST:PORT", help="serve on TCP, for socket://HOST:PORT")
    parser.add_argument("--link", metavar="PATH", help="with --pty: also make PATH a symlink to the pty")
    parser.add_argument("--trace", metavar="FILE", help="append every byte the host sends to FILE (a new or own "
                        "file, 0600; keys and passphrases redacted)")
    parser.add_argument("--record-secrets", action="store_true",
                        help="keep keys and passphrases in the --trace file (redacted by default)")
    parser.add_argument("--world", metavar="FILE", help="world file (TOML): access points, variant, saved "
                        "configuration, faults (README: The emulated module)")
    parser.add_argument("--control", metavar="PATH", help="Unix socket taking fault commands, one a line "
                        "(e.g. network_lost 2)")


def run(args: argparse.Namespace) -> int:
    """Serve the emulated module; prints where it listens as the first line."""
    from spwf_tui.emulator import serve

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    world = None
    if args.world:
        from spwf_tui.emulator.world import load_world

        world = load_world(args.world)  # a WorldError is a UserError: one line, exit 2
    tap = _trace_writer(args.trace, args.record_secrets) if args.trace else None
    control = getattr(args, "control", None)
    if control:
        import os

        if os.path.lexists(control):
            raise UserError(f"--control {visible(control)}: exists; remove it or name another path")

    announced = []

    def announce(where: str) -> None:
        announced.append(where)
        model = world.model if world else "SPWF04SA"
        print(f"spwf-tui sim: emulated {model} listening on {where} (Ctrl+C stops)", flush=True)

    if args.tcp:
        host, port = _parse_host_port(args.tcp)
        if not _is_loopback(host):
            print(f"spwf-tui sim: warning: {host} is not loopback; anyone who can reach it can drive "
                  "the emulated module", file=sys.stderr, flush=True)
        try:
            serve.run_tcp(host, port, on_ready=announce, stop=stop, tap=tap, world=world,
                          control=control)
        except OSError as exc:
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        return 0
    try:
        serve.run_pty(link=args.link, on_ready=announce, stop=stop, tap=tap, world=world,
                      control=control)
    except serve.LinkRefusedError as exc:
        raise UserError(f"--link {visible(args.link)}: {exc.strerror}") from None
    except OSError as exc:
        if announced:
            raise  # a failure while serving is a bug to see, not a user mistake
        what = f"--link {args.link}: cannot make the link" if args.link else "cannot open a pseudo-terminal"
        raise UserError(visible(f"{what} ({exc.strerror or exc})")) from None
    return 0


def _trace_writer(path: str, keep_secrets: bool) -> Callable[[bytes], None]:
    """Append every byte the host sends to ``path`` (for tests and protocol debugging).

    The file is written like every file of the tool (``safefiles``: 0600, never through a link)
    and, unless ``keep_secrets``, with the recordings' redaction: the value of a secret
    ``SCFG`` and the payload of ``TLSCERT=key`` become ``*``, lengths kept.
    """
    from spwf_tui.core.redact import StreamRedactor

    fd = safefiles.open_append(Path(path), "--trace")
    redactor = None if keep_secrets else StreamRedactor(tx=True)

    def write(data: bytes) -> None:
        if redactor is not None:
            data, _ = redactor.feed(data)
        safefiles.write_all(fd, data)

    return write


def _parse_host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UserError(f"--tcp wants HOST:PORT (e.g. 127.0.0.1:7777), not {text!r}")
    return (host or "127.0.0.1"), int(port)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
