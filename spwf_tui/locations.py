"""Where spwf-tui keeps its files (platformdirs), with environment overrides for tests and users."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

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
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    """The directory for history and recordings (not created here)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME))
