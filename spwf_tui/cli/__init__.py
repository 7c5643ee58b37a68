"""The ``spwf-tui`` command line (contract in docs/architecture.md §10).

``spwf-tui [PORT] [options]`` opens the TUI; the first word may instead name a subcommand. Each
command is one module of this package, registered once, in ``COMMANDS``; it exposes
``DESCRIPTION``, ``add_arguments(parser)`` and ``run(args) -> exit status``. Only the module of
the command being run is imported, and heavy imports (Textual, the emulator) happen inside its
``run``, so ``--help`` and the small commands start fast. Every user mistake ends as one line on
stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from types import ModuleType

from spwf_tui.errors import UserError, user_message

EXIT_USAGE = 2
"""The user asked for something that cannot be done as asked."""

TUI = "tui"
"""The module of the bare ``spwf-tui [PORT]``: the TUI."""
COMMANDS = ("ports", "sim", "run", "decode", "repl", "cert", "replay", "export", "doctor")
"""The subcommands, each the module ``spwf_tui.cli.<name>``: the one place they are registered."""


def command_module(name: str) -> ModuleType:
    """The module of subcommand ``name`` (``TUI`` for the bare command)."""
    if name != TUI and name not in COMMANDS:
        raise ValueError(f"not a subcommand: {name!r}")
    return importlib.import_module(f"{__name__}.{name}")


def parser_for(name: str) -> argparse.ArgumentParser:
    """The parser of subcommand ``name`` (``TUI``: ``spwf-tui [PORT]``), built by its module."""
    from spwf_tui.cli.options import Parser

    module = command_module(name)
    if name == TUI:
        description = f"{module.DESCRIPTION} Subcommands: {', '.join(COMMANDS)} (spwf-tui SUBCOMMAND --help)."
        parser = Parser(prog="spwf-tui", description=description)
    else:
        parser = Parser(prog=f"spwf-tui {name}", description=module.DESCRIPTION)
    module.add_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    whole_process = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if whole_process:
        gc.disable()  # until the command runs: see _collect_after_start_up
    try:
        return _dispatch(argv, whole_process)
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


def _dispatch(argv: list[str], whole_process: bool = False) -> int:
    name = argv[0] if argv and argv[0] in COMMANDS else TUI
    if name != TUI:
        argv = argv[1:]
    elif argv and _looks_like_a_word(argv[0]) and len([a for a in argv if not a.startswith("-")]) > 1:
        raise UserError(f"unknown command {argv[0]!r} (commands: {', '.join(COMMANDS)}; see spwf-tui --help)")
    args = parser_for(name).parse_args(argv)
    module = command_module(name)
    if whole_process:
        _collect_after_start_up()
    status: int = module.run(args)
    return status


def _collect_after_start_up() -> None:
    """The command's modules are imported: from here on the cycle collector runs as usual.

    Imports make thousands of objects that live until the process ends (functions, classes,
    tables, compiled patterns); collecting while they are made finds nothing, and at exit
    CPython's collections and module teardown walk every one of them again: about 25 ms of a
    one-command ``run`` on the 2-core test machine (``python -m benchmarks --only runone``).
    So the collector is off while the command's modules load and what they made is frozen
    (``gc.freeze``: left out of every later pass, the one at exit included; reference counting
    still frees what is dropped). Only for the process's own command line (``main()`` without
    ``argv``): a test calling ``main([...])`` many times in one process keeps its collector.
    """
    gc.freeze()
    gc.enable()


def _looks_like_a_word(text: str) -> bool:
    return text.isalpha() and not text.upper().startswith("COM")


def _fail(message: str) -> int:
    # Messages quote file names, URLs and module text: one printable line whatever they hold.
    from spwf_tui.core.display import visible

    print(f"spwf-tui: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE
