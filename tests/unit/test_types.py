"""mypy passes on what pyproject.toml's [tool.mypy] names: strict for ``core/``, ``session/``,
``transport/`` (the ``Transport`` protocol too), ``emulator/``, ``export/``, ``ui/``, ``repl/``,
``cli/`` and the small top-level modules, and the check that ``Session`` and ``ReplaySession`` both fit
what the front ends expect (``session/frontend.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", *args], capture_output=True, text=True, cwd=ROOT)


def test_mypy_passes_on_core_and_session():
    result = _mypy()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_mypy_catches_a_session_that_does_not_fit_the_front_ends(tmp_path):
    """The check above could pass by checking nothing: a session with only ``settings`` must fail."""
    half = tmp_path / "half_session.py"
    half.write_text("from spwf_tui.session.frontend import FrontSession\n\n\n"
                    "class Half:\n    settings = None\n\n\n"
                    "def front(session: Half) -> FrontSession:\n    return session\n")
    result = _mypy(str(half))
    assert result.returncode == 1, result.stdout
    assert 'Incompatible return value type (got "Half", expected "FrontSession")' in result.stdout
