"""``spwf-tui doctor`` as a user runs it: findings, fixes, exit status."""

from __future__ import annotations

import json

from tests.system.helpers import run_cli


def test_healthy_setup_passes_and_lists_what_it_checked():
    result = run_cli("doctor")
    assert result.returncode == 0, result.stdout
    for topic in ("python", "package", "config", "terminal", "recordings"):
        assert f" {topic} " in f" {result.stdout}"
    assert "textual" in result.stdout and "pyserial" in result.stdout


def test_broken_config_fails_and_names_the_line(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('port = "sim://"\nbaud = "fast"\n')
    monkeypatch.setenv("SPWF_TUI_CONFIG", str(config))
    result = run_cli("doctor")
    assert result.returncode == 1
    assert f"fail  config       {config}, line 2: baud" in result.stdout


def test_unwritable_recording_directory_fails_with_a_fix(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SPWF_TUI_DATA_DIR", str(blocker / "data"))
    result = run_cli("doctor", "--json")
    assert result.returncode == 1
    checks = [json.loads(line) for line in result.stdout.splitlines()]
    recordings = next(c for c in checks if c["topic"] == "recordings")
    assert recordings["status"] == "fail" and "cannot be created" in recordings["found"] and recordings["fix"]
