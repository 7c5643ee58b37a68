"""Where spwf-tui keeps its files (platformdirs), with environment overrides for tests and users."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "spwf-tui"
CONFIG_ENV = "SPWF_TUI_CONFIG"
"""Points at the config file to use instead of the default one."""
DATA_ENV = "SPWF_TUI_DATA_DIR"
"""Points at the directory for history and recordings instead of the default one."""


def config_file() -> Path:
    """The TOML config file (it need not exist)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    return _user_dir("XDG_CONFIG_HOME", ".config", "user_config_dir") / "config.toml"


def data_dir() -> Path:
    """The directory for history and recordings (not created here)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override).expanduser()
    return _user_dir("XDG_DATA_HOME", ".local/share", "user_data_dir")


def _user_dir(variable: str, under_home: str, platformdirs_name: str) -> Path:
    """platformdirs' ``user_config_dir`` / ``user_data_dir`` of spwf-tui.

    On Linux with an absolute ``HOME`` and the XDG variable absolute or not set, platformdirs
    answers ``$XDG_...`` or ``$HOME/<under_home>``, plus the application's name: that case is
    written out here, because importing platformdirs takes ~10 ms (its Unix module loads
    tempfile, shutil, random, bz2, lzma), a twentieth of a one-command ``run``. Every other case
    (macOS, Windows, a relative or empty variable) asks platformdirs itself;
    tests/unit/test_locations.py checks both give the same directory.
    """
    home = os.environ.get("HOME", "")
    chosen = os.environ.get(variable)
    if sys.platform == "linux" and os.path.isabs(home) and (chosen is None or os.path.isabs(chosen)):
        return Path(chosen if chosen is not None else os.path.join(home, under_home)) / APP_NAME
    import platformdirs  # the general case: see above

    return Path(getattr(platformdirs, platformdirs_name)(APP_NAME))
