"""The user's TOML config file: defaults for the port, serial settings, keys and recordings.

Resolution: built-in defaults, then the file (``locations.config_file()``; the ``SPWF_TUI_CONFIG``
environment variable points elsewhere), then command-line flags. Every problem in the file is one
``ConfigError`` naming the file and the line. Example::

    port = "/dev/ttyACM0"
    baud = 115200
    rtscts = false
    timestamps = "delta"        # "off", "absolute" or "delta"
    parity = "N"                # bytesize = 8, stopbits = 1: the module's factory framing
    log = "~/spwf.log"          # like --log: what the screen shows, appended as text
    log_timestamps = true
    eol = "cr"                  # raw mode: what Enter sends ("cr", "lf", "crlf"); --eol
    map = []                    # CR/LF maps (tio's names: icrnl, igncr, inlcrnl, odelbs); --map
    paste_delay_ms = 0          # raw mode: pause between the lines of a paste

    [recording]
    enabled = true
    directory = "~/spwf-recordings"
    keep = 200                  # recordings kept; the oldest are removed past this
    max_megabytes = 50

    [keys]
    quit = "ctrl+q"
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from spwf_tui import locations
from spwf_tui.core.rawmode import DEFAULT_EOL, RawModeError, parse_eol, parse_maps
from spwf_tui.transport.settings import SettingsError, parse_baud, parse_bytesize, parse_parity, parse_stopbits

TIMESTAMP_MODES = ("off", "absolute", "delta")


class ConfigError(Exception):
    """The config file has a problem; the message names the file and the line."""


@dataclass(frozen=True)
class RecordingConfig:
    """Where and how sessions are recorded."""

    enabled: bool = True
    directory: Path | None = None
    """None: the user data directory's ``recordings``."""
    keep: int = 200
    max_megabytes: int = 50


@dataclass(frozen=True)
class Config:
    """Settings from the config file, with built-in defaults for what it leaves out."""

    port: str | None = None
    baud: int = 115200
    rtscts: bool = False
    xonxoff: bool = False
    timestamps: str = "off"
    recording: RecordingConfig = field(default_factory=RecordingConfig)
    keys: dict[str, str] = field(default_factory=dict)
    eol: str = DEFAULT_EOL
    """Raw mode: what Enter sends (``core.rawmode.EOLS``)."""
    maps: frozenset[str] = frozenset()
    """CR/LF maps (``core.rawmode.MAPS``)."""
    paste_delay_ms: int = 0
    """Raw mode: milliseconds between the lines of a paste (slow bootloaders, like Tera Term's delay)."""
    source: Path | None = None
    """The file these came from, or None when there was none."""
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    log: Path | None = None
    """``--log``'s file when the flag is not given."""
    log_timestamps: bool = False


_TOP_KEYS = {"port", "baud", "rtscts", "xonxoff", "timestamps", "recording", "keys", "eol", "map",
             "paste_delay_ms", "bytesize", "parity", "stopbits", "log", "log_timestamps"}
MAX_PASTE_DELAY_MS = 10_000
_RECORDING_KEYS = {"enabled", "directory", "keep", "max_megabytes"}


def load(path: Path | None = None) -> Config:
    """Read the config file; a missing file gives the defaults.

    Raises:
        ConfigError: unreadable file, TOML syntax error, unknown key or wrong value.
    """
    path = path or locations.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from None
    # Imported only when there is a file to read: a one-command ``run`` starts faster without.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return _validate(data, text, path)


def _validate(data: dict[str, Any], text: str, path: Path) -> Config:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}, line {_line_of(text, key)}: {key}: {problem}")

    for key in data:
        if key not in _TOP_KEYS:
            raise fail(key, f"unknown setting (known: {', '.join(sorted(_TOP_KEYS))})")
    port = data.get("port")
    if port is not None and (not isinstance(port, str) or not port):
        raise fail("port", 'must be a text such as "/dev/ttyUSB0" or "sim://"')
    try:
        baud = parse_baud(data["baud"]) if "baud" in data else 115200
        if "baud" in data and not isinstance(data["baud"], int):
            raise SettingsError("must be a whole number such as 115200")
    except SettingsError as exc:
        raise fail("baud", str(exc)) from None
    flags = {}
    bytesize = _framing(data, "bytesize", parse_bytesize, fail)
    parity = _framing(data, "parity", parse_parity, fail)
    stopbits = _framing(data, "stopbits", parse_stopbits, fail)
    log = data.get("log")
    if log is not None and (not isinstance(log, str) or not log):
        raise fail("log", 'must be a file path text such as "~/spwf.log"')
    for key in ("rtscts", "xonxoff", "log_timestamps"):
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise fail(key, "must be true or false")
        flags[key] = value
    timestamps = data.get("timestamps", "off")
    if timestamps not in TIMESTAMP_MODES:
        raise fail("timestamps", f"must be one of {', '.join(TIMESTAMP_MODES)}")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        raise fail("keys", 'must be a table of action = "key" pairs')
    eol, maps, paste_delay_ms = _terminal(data, fail)
    defaults = Config()
    return Config(port, baud, flags["rtscts"], flags["xonxoff"], timestamps,
                  _recording(data.get("recording", {}), fail), dict(keys), eol, maps, paste_delay_ms, source=path,
                  bytesize=defaults.bytesize if bytesize is None else bytesize,
                  parity=defaults.parity if parity is None else parity,
                  stopbits=defaults.stopbits if stopbits is None else stopbits,
                  log=Path(log).expanduser() if log else None, log_timestamps=flags["log_timestamps"])


_Fail = Callable[[str, str], ConfigError]
"""Makes the error for a key: the file, the key's line, the problem."""
_T = TypeVar("_T")


def _framing(data: dict[str, Any], key: str, parse: Callable[[str], _T], fail: _Fail) -> _T | None:
    """``bytesize``, ``parity`` or ``stopbits``, parsed as the command line's option; None: not set."""
    if key not in data:
        return None
    if not isinstance(data[key], (int, float, str)) or isinstance(data[key], bool):
        raise fail(key, "must be a number or a letter such as 8, \"N\", 1")
    try:
        return parse(data[key])
    except SettingsError as exc:
        raise fail(key, str(exc)) from None


def _terminal(data: dict[str, Any], fail: _Fail) -> tuple[str, frozenset[str], int]:
    """``eol``, ``map`` and ``paste_delay_ms``: raw mode and line ends (``core.rawmode``)."""
    try:
        eol = data.get("eol", DEFAULT_EOL)
        if not isinstance(eol, str):
            raise RawModeError('must be "cr", "lf" or "crlf"')
        eol = parse_eol(eol)
    except RawModeError as exc:
        raise fail("eol", str(exc).removeprefix("--eol ")) from None
    maps = data.get("map", [])
    if isinstance(maps, str):
        maps = [maps]
    if not isinstance(maps, list) or not all(isinstance(m, str) for m in maps):
        raise fail("map", 'must be a list of names such as ["icrnl"]')
    try:
        parsed = parse_maps(maps)
    except RawModeError as exc:
        raise fail("map", str(exc).removeprefix("--map ")) from None
    delay = data.get("paste_delay_ms", 0)
    if not isinstance(delay, int) or isinstance(delay, bool) or not 0 <= delay <= MAX_PASTE_DELAY_MS:
        raise fail("paste_delay_ms", f"must be a whole number from 0 to {MAX_PASTE_DELAY_MS}")
    return eol, parsed, delay


def _recording(table: object, fail: _Fail) -> RecordingConfig:
    if not isinstance(table, dict):
        raise fail("recording", "must be a table ([recording])")
    for key in table:
        if key not in _RECORDING_KEYS:
            raise fail(key, f"unknown recording setting (known: {', '.join(sorted(_RECORDING_KEYS))})")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise fail("enabled", "must be true or false")
    directory = table.get("directory")
    if directory is not None and not isinstance(directory, str):
        raise fail("directory", "must be a path text")
    numbers = {}
    for key, default in (("keep", 200), ("max_megabytes", 50)):
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise fail(key, "must be a whole number of at least 1")
        numbers[key] = value
    return RecordingConfig(enabled, Path(directory).expanduser() if directory else None, **numbers)


def _line_of(text: str, key: str) -> int:
    """The line where ``key`` is set (1 when it cannot be found)."""
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1

