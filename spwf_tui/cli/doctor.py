"""``spwf-tui doctor``: check the local set-up and say how to fix what is wrong.

Each check gives a status (``ok``, ``warn``, ``fail``), what was found and, when it is not ok,
the fix. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

try:
    import grp
except ImportError:  # Windows: no device groups (docs/architecture.md §10)
    grp = None  # type: ignore[assignment]  # (mypy types the name as the module; None is checked where used)

from spwf_tui import __version__, locations
from spwf_tui.core.display import visible

PACKAGES = ("textual", "pyserial", "cryptography", "prompt-toolkit", "platformdirs")
SERIAL_GROUPS = ("dialout", "uucp", "tty")


@dataclass(frozen=True)
class Check:
    """One finding."""

    status: str
    topic: str
    found: str
    fix: str = ""


DESCRIPTION = ("Check the local set-up (Python and packages, ports and permissions, groups, terminal, "
               "recording directory) and say how to fix it.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object per check")


def run(args: argparse.Namespace) -> int:
    """Print every check; exit 1 when one failed."""
    from spwf_tui.cli.doctor_lab import lab_checks

    checks = [*_python(), *_packages(), _config(), *_ports(), _groups(), *_terminal(), _recordings(), *lab_checks()]
    if args.json:
        for check in checks:
            print(json.dumps(asdict(check)))
    else:
        for check in checks:
            # Findings quote port descriptions (from USB devices) and paths: shown escaped.
            print(visible(f"{check.status:<4}  {check.topic:<12} {check.found}"))
            if check.fix:
                print(visible(f"{'':18} fix: {check.fix}"))
    return 1 if any(c.status == "fail" for c in checks) else 0


def _python() -> list[Check]:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 10):
        return [Check("fail", "python", version, "install Python 3.10 or newer")]
    return [Check("ok", "python", f"{version} ({sys.executable}); spwf-tui {__version__}")]


def _packages() -> list[Check]:
    checks = []
    for name in PACKAGES:
        try:
            checks.append(Check("ok", "package", f"{name} {metadata.version(name)}"))
        except metadata.PackageNotFoundError:
            checks.append(Check("fail", "package", f"{name} missing", "pip install -e . (or pipx reinstall spwf-tui)"))
    return checks


def _config() -> Check:
    from spwf_tui.config import ConfigError, load

    path = locations.config_file()
    try:
        cfg = load(path)
    except ConfigError as exc:
        return Check("fail", "config", str(exc), f"edit {path} (see README, Configuration)")
    where = f"{path}" if cfg.source else f"{path} (absent: defaults)"
    return Check("ok", "config", f"{where}; default port {cfg.port or 'none'}, {cfg.baud} baud")


def _ports() -> list[Check]:
    from spwf_tui.transport.ports import detected_ports

    ports = detected_ports()
    if not ports:
        return [Check("warn", "ports", "no serial ports detected",
                      "plug the Nucleo board in (USB); it shows as /dev/ttyACM* (ST-LINK) or /dev/ttyUSB*; "
                      "sim:// works without hardware")]
    checks = []
    for port in ports:
        label = f"{port.device} ({port.description})"
        if os.access(port.device, os.R_OK | os.W_OK):
            checks.append(Check("ok", "port", f"{label} readable and writable"))
        else:
            group = _group_of(port.device)
            checks.append(Check("fail", "port", f"{label} not accessible to you",
                                f"sudo usermod -aG {group or 'dialout'} $USER, then log in again"))
    return checks


def _groups() -> Check:
    if grp is None or not hasattr(os, "getgroups"):
        return Check("ok", "groups", "no device groups on this system (Windows: any user may open a COM port "
                     "that no other program holds)")
    names = sorted({grp.getgrgid(g).gr_name for g in os.getgroups() if _has_group(g)})
    serial = [n for n in names if n in SERIAL_GROUPS]
    if os.geteuid() == 0 or serial:
        return Check("ok", "groups", ", ".join(names) or "(none)")
    return Check("warn", "groups", f"{', '.join(names) or '(none)'}: not in {'/'.join(SERIAL_GROUPS[:2])}",
                 "sudo usermod -aG dialout $USER, then log in again (serial devices belong to that group)")


def _terminal() -> list[Check]:
    term = os.environ.get("TERM", "")
    checks = []
    if not sys.stdout.isatty():
        checks.append(Check("warn", "terminal", "stdout is not a terminal", "the TUI needs one; spwf-tui repl and "
                            "spwf-tui run work in pipes"))
    if term in ("", "dumb"):
        checks.append(Check("warn", "terminal", f"TERM={term or '(unset)'}", "use spwf-tui repl, or set TERM=xterm-256color"))
    else:
        colours = "256 colours" if "256color" in term else "truecolor" if "direct" in term else "8/16 colours"
        size = os.get_terminal_size(sys.stdout.fileno()) if sys.stdout.isatty() else None
        small = size is not None and (size.columns < 80 or size.lines < 24)
        shown = f", {size.columns}x{size.lines}" if size else ""
        where = [w for w, var in (("tmux", "TMUX"), ("screen", "STY"), ("ssh", "SSH_CONNECTION")) if os.environ.get(var)]
        checks.append(Check("warn" if small else "ok", "terminal", f"TERM={term} ({colours}){shown}"
                            + (f", inside {' + '.join(where)}" if where else ""),
                            "enlarge the terminal to at least 80x24" if small else ""))
    encoding = (os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "").upper()
    if "UTF-8" not in encoding and "UTF8" not in encoding:
        checks.append(Check("warn", "locale", f"{encoding or 'no LANG/LC_ALL'}: not UTF-8",
                            "export LANG=C.UTF-8 (box drawing and arrows need UTF-8)"))
    return checks


def _recordings() -> Check:
    directory = locations.data_dir() / "recordings"
    probe = directory
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        return Check("fail", "recordings", f"{directory}: cannot be created or written",
                     f"fix the permissions of {probe}, or set [recording] directory in the config")
    free = shutil.disk_usage(probe).free
    status = "ok" if free > 100 * 2**20 else "warn"
    return Check(status, "recordings", f"{directory} ({free // 2**20} MB free)",
                 "" if status == "ok" else "free some disk space: recordings stop when the disk is full")


def _group_of(path: str) -> str | None:
    if grp is None:
        return None
    try:
        return grp.getgrgid(Path(path).stat().st_gid).gr_name
    except (OSError, KeyError):
        return None


def _has_group(gid: int) -> bool:
    try:
        grp.getgrgid(gid)
        return True
    except KeyError:
        return False
