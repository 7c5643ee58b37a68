"""``locations``: the config and data directories are platformdirs' answer, whether it is asked
or (Linux, the plain case) written out without importing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = ("import json, sys; from spwf_tui import locations; import platformdirs; "
         "print(json.dumps([str(locations.config_file()), str(locations.data_dir()), "
         "str(platformdirs.user_config_dir('spwf-tui')) + '/config.toml', platformdirs.user_data_dir('spwf-tui')]))")
"""Ours, then platformdirs' answer in the same environment."""


def _probe(tmp_path, **variables: str | None) -> list:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SPWF_TUI_CONFIG", "SPWF_TUI_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    env["HOME"] = str(tmp_path / "home")
    for key, value in variables.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("variables", [
    {},
    {"XDG_CONFIG_HOME": "/xdg/config", "XDG_DATA_HOME": "/xdg/data"},
    {"XDG_CONFIG_HOME": "/xdg/config/", "XDG_DATA_HOME": ""},
    {"XDG_CONFIG_HOME": "relative/config", "XDG_DATA_HOME": "relative/data"},
    {"HOME": "relative-home"},
    {"HOME": "/home/trailing/"},
    {"HOME": None},
], ids=["plain", "xdg", "xdg-slash-and-empty", "xdg-relative", "home-relative", "home-slash", "no-home"])
def test_the_directories_are_platformdirs_answer(tmp_path, variables):
    config, data, their_config, their_data = _probe(tmp_path, **variables)
    assert (config, data) == (their_config, their_data)


def test_the_plain_linux_case_does_not_import_platformdirs(tmp_path):
    if sys.platform != "linux":
        pytest.skip("written out for Linux only")
    config, data, *_ = _probe(tmp_path)
    assert config == str(tmp_path / "home" / ".config" / "spwf-tui" / "config.toml")
    assert data == str(tmp_path / "home" / ".local" / "share" / "spwf-tui")
    probe = ("import sys; from spwf_tui import locations; locations.config_file(); locations.data_dir(); "
             "print('platformdirs' in sys.modules)")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SPWF_TUI_", "XDG_"))}
    env["HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "False"
