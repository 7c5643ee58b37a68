"""The layering of docs/architecture.md §1: core is pure, headless layers never import a UI toolkit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import spwf_tui.core

HEADLESS = ["spwf_tui.core.decoder", "spwf_tui.core.completion", "spwf_tui.core.explain", "spwf_tui.core.payload",
            "spwf_tui.session.session", "spwf_tui.session.replay", "spwf_tui.cli", "spwf_tui.commands.run",
            "spwf_tui.commands.decode", "spwf_tui.commands.cert", "spwf_tui.commands.export",
            "spwf_tui.commands.doctor", "spwf_tui.emulator", "spwf_tui.transport.serial_transport"]


@pytest.mark.parametrize("module", HEADLESS)
def test_headless_modules_do_not_import_textual_or_prompt_toolkit(module):
    code = (f"import sys, {module}; bad = [m for m in ('textual', 'prompt_toolkit') if m in sys.modules]; "
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


FORBIDDEN_IN_CORE = ("socket", "serial", "threading", "subprocess", "textual", "prompt_toolkit",
                     "spwf_tui.session", "spwf_tui.transport", "spwf_tui.ui", "spwf_tui.repl", "spwf_tui.emulator")


def test_core_imports_no_io_threads_or_ui():
    core = Path(spwf_tui.core.__file__).parent
    offenders = []
    for path in core.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names
                          if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IN_CORE)]
    assert offenders == []


def test_the_two_front_ends_do_not_import_each_other():
    code = ("import sys, spwf_tui.repl.app; "
            "print(','.join(m for m in ('textual', 'spwf_tui.ui') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
    ui = Path(spwf_tui.core.__file__).parent.parent / "ui"
    offenders = [p.name for p in ui.rglob("*.py") if "prompt_toolkit" in p.read_text() or "spwf_tui.repl" in p.read_text()]
    assert offenders == []
