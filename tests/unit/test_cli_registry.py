"""The command line's one registry (``cli.COMMANDS``): every command is a module with its
description, its arguments and its run function, and only the command run is imported."""

from __future__ import annotations

import json
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
