"""What the inspector pane shows for a file, and the commands of its one-step upload.

The facts and warnings are ``core.certs.inspect``'s (the same as ``spwf-tui cert inspect``); the
pane puts the warnings first because it is narrow. The upload is ``core.certs.plan``'s plan, the
same bytes as ``spwf-tui cert plan FILE --as ROLE --no-time --no-clean``: the file as it is, the
CA's key id (``auth``) when the module cannot read it from the upload, then the listing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from spwf_tui.core.certs.inspect import CertReport, inspect
from spwf_tui.core.certs.plan import build_plan
from spwf_tui.core.certs.loading import CertificateError
from spwf_tui.core.certs.text import inspect_text
from spwf_tui.core.moduletime import ModuleClock
from spwf_tui.core.payload import Outgoing
from spwf_tui.inputfiles import read_limited

TUI_ROLE_CHANGE = "the CA / Cert / Key buttons upload it as another role"
LISTING = Outgoing("AT+S.TLSCERT=content,1")
"""What the module stores (the "List" button, and the plan's last step)."""
UNUSED_SCRIPT_PATH = "FILE"
"""The plan's ``run``-script lines name the file; the pane sends the plan's bytes, never its script."""

_LEVEL_MARK = {"error": "✗", "warning": "⚠", "info": "·"}


def _clock(module_time: float | None, host_time: float) -> ModuleClock:
    """Validity is judged at the module's clock when it is known, else at the host's."""
    if module_time is not None:
        return ModuleClock(datetime.fromtimestamp(module_time, tz=timezone.utc), True)
    return ModuleClock(datetime.fromtimestamp(host_time, tz=timezone.utc), False)


def describe_file(path: Path, module_time: float | None, host_time: float) -> tuple[str, CertReport | None]:
    """The report text for ``path`` and the report (None when the file cannot be read)."""
    try:
        data = read_limited(path)  # regular files only, bounded
    except OSError as exc:
        return f"✗ {path}: {exc.strerror or exc}", None
    try:
        report = inspect(data, _clock(module_time, host_time), name=str(path))
    except CertificateError as exc:
        return f"✗ {path}: {exc}", None
    # The CLI's advice names its --as flag; here the role is the button pressed.
    warnings = [f"{_LEVEL_MARK.get(w.level, '!')} {w.text.replace('use --as ca', 'use the CA button')}"
                for w in report.warnings]
    body = inspect_text(report, role_given=False, role_change=TUI_ROLE_CHANGE, warnings=False).rstrip()
    return "\n".join([*warnings, *([""] if warnings else []), body]), report


def upload_commands(path: Path | None, role: str, read_file: Callable[[str], bytes], module_time: float | None,
                    host_time: float) -> tuple[Outgoing, ...]:
    """The commands that upload ``path`` as ``ca``, ``cert`` or ``key`` and list the store
    (``list``: only the listing).

    Raises:
        ValueError: no file chosen, the file cannot be read, or it is not what ``role`` takes.
    """
    if role == "list":
        return (LISTING,)
    if path is None:
        raise ValueError("no file chosen")
    try:
        data = read_file(str(path))
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or exc}") from None
    try:
        plan = build_plan(data, _clock(module_time, host_time), name=str(path), script_path=UNUSED_SCRIPT_PATH,
                          role=role, set_time=False, clean=False)
    except CertificateError as exc:
        raise ValueError(str(exc)) from None
    return tuple(Outgoing(step.line, step.payload) for step in plan.steps)
