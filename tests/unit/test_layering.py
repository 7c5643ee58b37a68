"""The layering of docs/architecture.md §1, enforced: the import contracts in pyproject.toml
([tool.importlinter]) hold, and the headless modules load no UI toolkit when imported alone.

The contracts read the source (every import, direct and indirect); the second check runs the
modules, so an import made at run time by a module-level call is caught too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HEADLESS = [
    "spwf_tui.core.decoder", "spwf_tui.core.completion", "spwf_tui.core.explain", "spwf_tui.core.payload",
    "spwf_tui.session.session", "spwf_tui.session.recording.replay", "spwf_tui.session.recording.writer",
    "spwf_tui.session.recording.reader", "spwf_tui.session.quiet", "spwf_tui.transport.serial_transport",
    "spwf_tui.transport.ports", "spwf_tui.emulator", "spwf_tui.export.text", "spwf_tui.export.markdown",
    "spwf_tui.export.cast", "spwf_tui.cli", "spwf_tui.cli.run", "spwf_tui.cli.decode",
    "spwf_tui.cli.cert", "spwf_tui.cli.export", "spwf_tui.cli.replay",
    "spwf_tui.cli.doctor", "spwf_tui.cli.ports", "spwf_tui.cli.repl", "spwf_tui.cli.sim", "spwf_tui.cli.tui",
]
"""Modules that must load neither Textual nor prompt-toolkit (``cli.repl`` imports the
REPL's toolkit only once it knows the terminal can draw a prompt)."""
REPL = ["spwf_tui.repl", "spwf_tui.repl.app", "spwf_tui.repl.plain", "spwf_tui.repl.commands",
        "spwf_tui.repl.completer", "spwf_tui.repl.printer", "spwf_tui.repl.history", "spwf_tui.repl.payload"]
"""The REPL's modules: prompt-toolkit is theirs, Textual never."""

_PROBE = """
import importlib, json, sys
found = {}
for module in sys.argv[2:]:
    importlib.import_module(module)
    for toolkit in sys.argv[1].split(","):
        if toolkit in sys.modules and toolkit not in found.values():
            found[module] = toolkit
print(json.dumps(found))
"""


def _toolkits_loaded(modules: list[str], toolkits: str) -> dict[str, str]:
    """Which module (imported in order, in a fresh interpreter) first brought in which toolkit."""
    result = subprocess.run([sys.executable, "-c", _PROBE, toolkits, *modules], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    return json.loads(result.stdout)


def test_the_import_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " BROKEN" not in result.stdout and " KEPT" in result.stdout


@pytest.mark.parametrize(("modules", "toolkits"), [(HEADLESS, "textual,prompt_toolkit"), (REPL, "textual")],
                         ids=["headless", "repl"])
def test_modules_load_no_ui_toolkit_they_must_not(modules, toolkits):
    assert _toolkits_loaded(modules, toolkits) == {}


def test_the_probe_sees_a_toolkit_a_module_loads():
    """The check above could pass by looking at the wrong thing: it must name the TUI's app."""
    assert _toolkits_loaded(["spwf_tui.core.decoder", "spwf_tui.ui.app"], "textual,prompt_toolkit") == \
        {"spwf_tui.ui.app": "textual"}
