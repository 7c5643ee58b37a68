"""What the inspector pane shows for a file, and the command lines of its one-step upload.

The facts and warnings are ``core.certinspect``'s (the same as ``spwf-tui cert inspect``); the
pane puts the warnings first because it is narrow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from spwf_tui.core.certinspect import CertReport, inspect
from spwf_tui.core.certs import CertificateError
from spwf_tui.core.certtext import inspect_text
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.inputfiles import read_limited

Step = tuple[str, Callable[[list[str]], bool] | None]
"""A command line and, optionally, a test on the previous step's replies that decides whether it runs."""

_LEVEL_MARK = {"error": "✗", "warning": "⚠", "info": "·"}


def describe_file(path: Path, module_time: float | None, host_time: float) -> tuple[str, CertReport | None]:
    """The report text for ``path`` and the report (None when the file cannot be read)."""
    try:
        data = read_limited(path)  # regular files only, bounded
    except OSError as exc:
        return f"✗ {path}: {exc.strerror or exc}", None
    given = module_time is not None
    when = datetime.fromtimestamp(module_time if given else host_time, tz=timezone.utc)
    try:
        report = inspect(data, ModuleClock(when, given), name=str(path))
    except CertificateError as exc:
        return f"✗ {path}: {exc}", None
    warnings = [f"{_LEVEL_MARK.get(w.level, '!')} {w.text}" for w in report.warnings]
    body = inspect_text(report, role_given=False).split("\nwarnings:")[0].rstrip()
    return "\n".join([*warnings, *([""] if warnings else []), body]), report


def upload_steps(path: Path | None, role: str) -> list[Step]:
    """The command lines that upload ``path`` as ``ca``, ``cert`` or ``key``, then list the store."""
    listing: Step = ("AT+S.TLSCERT=content,1", None)
    if role == "list":
        return [listing]
    if path is None:
        raise ValueError("no file chosen")
    steps: list[Step] = [(f"AT+S.TLSCERT={role},@{path}", None)]
    if role == "ca":
        steps.append((f"AT+S.TLSCERT=auth,ski:{path}", lambda replies: "AT-S.No SubjectKeyId" in replies))
    return [*steps, listing]
