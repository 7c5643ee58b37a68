"""The command line's one registry (``cli.COMMANDS``): every command is a module with its
description, its arguments and its run function, and only the command run is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spwf_tui import cli


@pytest.mark.parametrize("name", [cli.TUI, *cli.COMMANDS])
def test_each_command_module_brings_its_arguments_and_its_run_function(name):
    module = cli.command_module(name)
    assert module.__name__ == f"spwf_tui.cli.{name}"
    assert isinstance(module.DESCRIPTION, str) and module.DESCRIPTION
    assert callable(module.add_arguments) and callable(module.run)
    parser = cli.parser_for(name)
    assert parser.prog == ("spwf-tui" if name == cli.TUI else f"spwf-tui {name}")
    assert " ".join(module.DESCRIPTION.split()) in " ".join(parser.format_help().split())


def test_the_bare_command_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.parser_for(cli.TUI).parse_args(["--help"])
    assert exit_info.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert f"Subcommands: {', '.join(cli.COMMANDS)}" in shown


def test_an_unknown_name_is_not_a_module_to_import():
    with pytest.raises(ValueError, match="not a subcommand"):
        cli.command_module("os")


def test_only_the_command_being_run_is_imported():
    probe = ("import json, sys; from spwf_tui import cli; cli.parser_for('decode'); "
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('spwf_tui.cli.'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["spwf_tui.cli.decode", "spwf_tui.cli.options"]


def _imported_by(argv: list[str], env_extra: dict[str, str] | None = None) -> set[str]:
    """The modules ``spwf-tui ARGV`` (the console script's way: ``main()`` reads sys.argv) has
    imported when it ends."""
    # no json in the probe: whether the command imports it is one of the questions
    probe = ("import atexit, sys; "
             "atexit.register(lambda: sys.__stderr__.write('MODULES ' + ' '.join(sorted(sys.modules)) + '\\n')); "
             "from spwf_tui.cli import main; sys.exit(main())")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SPWF_TUI_", "XDG_"))}
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, env=env)
    line = [text for text in proc.stderr.splitlines() if text.startswith("MODULES ")]
    assert line, proc.stderr
    return set(line[-1].split()[1:])


def test_help_loads_no_session_and_no_config():
    modules = _imported_by(["--help"])
    assert "spwf_tui.cli.tui" in modules
    assert not {"spwf_tui.session.session", "spwf_tui.config", "spwf_tui.core.catalog"} & modules


def test_a_one_command_run_without_recording_loads_only_what_it_uses(tmp_path):
    # loop:// answers nothing: the command times out (exit 1), after the whole one-port path ran
    modules = _imported_by(["run", "loop://", "--no-record", "--timeout", "0.1", "-c", "AT"],
                           {"HOME": str(tmp_path)})  # a user without a config file
    assert "spwf_tui.session.session" in modules
    unused = {"spwf_tui.session.recording.writer", "platform", "platformdirs", "cryptography",
              "spwf_tui.cli.run_boards", "asyncio", "ssl", "spwf_tui.emulator", "json"}
    assert not unused & modules
