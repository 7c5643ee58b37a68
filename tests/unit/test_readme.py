"""The README's first two commands are what users and CI run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def _readme_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", (ROOT / "README.md").read_text())


def test_first_command_launches_the_emulated_module_and_second_runs_the_tests():
    launch, tests = _readme_commands()[:2]
    assert launch.endswith("spwf-tui sim://")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command_verbatim():
    tests = _readme_commands()[1]
    assert tests in (ROOT / ".ci" / "run").read_text().splitlines()
