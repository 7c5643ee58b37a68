"""``build_plan``: the exact byte sequence that uploads one certificate or key to the module.

The order is ST's own (docs/protocol.md §6.3, X-CUBE-WIFI1's set-up routine): erase (``content,2``),
set the clock (``TIME``), upload, then for a CA the module cannot take the key id from (PEM, or
DER without SKI) the ``auth`` upload of the raw key id, and finally ``content,1`` to see what is
stored. Each step carries the module's expected answer and the reason for the step. The plan is
also a ``spwf-tui run`` script that names the file (``@FILE``, ``ski:FILE``), so running it sends
what the plan shows.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from dataclasses import dataclass

from spwf_tui.core.certs import loading
from spwf_tui.core.certs.facts import public_key_id
from spwf_tui.core.certs.inspect import NEEDS_AUTH, WARNING, CertReport, CertWarning, inspect
from spwf_tui.core.certs.loading import CertificateError
from spwf_tui.core.moduletime import ModuleClock, format_utc, iso_utc
from spwf_tui.core.redact import is_secret_payload

PREVIEW_BYTES = 32
"""Payloads up to this size are shown whole; longer ones as head … tail."""


class PlanError(CertificateError):
    """The plan cannot be written as asked (a path a script line cannot hold)."""


@dataclass(frozen=True)
class PlanStep:
    """One command of the plan."""

    line: str
    """The command as sent, length filled in (``AT+S.TLSCERT=ca,1403``), without CR."""
    payload: bytes | None
    """The data-phase bytes, or None."""
    script_line: str
    """The same step for ``spwf-tui run``, with a payload source (``AT+S.TLSCERT=ca,@/x/ca.pem``)."""
    expect: tuple[str, ...]
    """The module's answer lines, final line last."""
    why: str

    @property
    def wire(self) -> bytes:
        """The exact bytes for the UART: line, CR, payload."""
        return self.line.encode("ascii") + b"\r" + (self.payload or b"")


@dataclass(frozen=True)
class UploadPlan:
    """The steps that upload one file, and the advice that goes with them."""

    report: CertReport
    steps: tuple[PlanStep, ...]
    clock: ModuleClock
    """The time set on the module (and that validity was judged at)."""
    sets_time: bool
    warnings: tuple[CertWarning, ...]

    @property
    def wire(self) -> bytes:
        """Every byte the plan sends, in order."""
        return b"".join(step.wire for step in self.steps)

    def script(self) -> str:
        """The plan as a ``spwf-tui run`` script (plain AT lines and full-line comments)."""
        report = self.report
        lines = [f"# spwf-tui cert plan: upload {report.name} as {report.role} "
                 f"({report.blob.format}, {report.blob.line_ends} line ends, {report.blob.length} bytes)",
                 f"# run it with: spwf-tui run PORT <this file>"]
        lines += [f"# {w.level}: {w.text}" for w in self.warnings if w.level != "info"]
        for step in self.steps:
            lines.append(f"# {step.why}")
            lines.append(f"# expect: {' | '.join(step.expect)}")
            lines.append(step.script_line)
        return "\n".join(lines) + "\n"


def build_plan(data: bytes, clock: ModuleClock, *, name: str, script_path: str, role: str | None = None,
               set_time: bool = True, clean: bool = True) -> UploadPlan:
    """Plan the upload of ``data`` (a certificate or key file's bytes).

    Args:
        clock: the time to set on the module (``AT+S.TIME``); validity is judged at it.
        name: the file name as the user gave it, for messages.
        script_path: how the run script names the file (an absolute path, so it runs anywhere).
        role: ``ca``, ``cert`` or ``key``; None guesses from the content.
        set_time: include ``AT+S.TIME``.
        clean: include ``content,2`` (erases everything stored, so ``content,1`` proves the upload).

    Raises:
        CertificateError: unreadable file, or a role the content does not fit.
        PlanError: ``script_path`` cannot be written on a script line.
    """
    problem = _script_path_problem(script_path)
    if problem:
        raise PlanError(f"{script_path!r}: a run script cannot name this file ({problem}); copy it to a "
                        "plain path")
    report = inspect(data, clock, name=name, role=role)
    warnings = list(report.warnings)
    steps: list[PlanStep] = []
    if clean:
        steps.append(PlanStep("AT+S.TLSCERT=content,2", None, "AT+S.TLSCERT=content,2", ("AT-S.Clean", "AT-S.OK"),
                              "erase the stored CA, certificate, key and auth, so the listing at the end "
                              "shows only this upload"))
    if set_time:
        steps.append(PlanStep(f"AT+S.TIME={clock.epoch}", None, f"AT+S.TIME={clock.epoch}", ("AT-S.OK",),
                              f"set the module clock to {format_utc(clock.at)} ({clock.source}): certificates "
                              "are checked against it, and it starts in 1970 after power-up"))
    else:
        warnings.append(CertWarning(WARNING, "no AT+S.TIME step: the module clock must already be set (after "
                                             "power-up it is in 1970, before every certificate's validity)"))
    steps.append(_upload_step(data, report, script_path))
    if report.needs_auth:
        auth = _auth_step(data, report, script_path)
        if auth is not None:
            steps.append(auth)
            # The plan does what that advice says: repeating it would read as a problem left.
            warnings = [w for w in warnings if w.topic != NEEDS_AUTH]
            if report.certificates[0].ski is None:
                warnings.append(CertWarning(WARNING, "the CA has no SKI: the auth step sends the SHA-1 of its "
                                                     "public key, which the emulated module accepts; a real "
                                                     "module may not"))
    steps.append(_listing_step(report, clean))
    return UploadPlan(report, tuple(steps), clock, set_time, tuple(warnings))


def plan_as_dict(plan: UploadPlan, *, include_secrets: bool = False) -> dict[str, Any]:
    """The plan as JSON-ready data; payloads both base64 and hex, except a private key's unless
    ``include_secrets`` (then ``payload_redacted`` is true and the payload fields are null: a
    plan is pasted into bug reports)."""
    report = plan.report

    def shown(step: PlanStep) -> bytes | None:
        return None if step.payload is None or (step_is_secret(step) and not include_secrets) else step.payload

    return {
        "file": report.name, "role": report.role, "format": report.blob.format,
        "line_ends": report.blob.line_ends, "length": report.blob.length,
        "module_time": iso_utc(plan.clock.at) if plan.sets_time else None,
        "module_epoch": plan.clock.epoch if plan.sets_time else None, "time_source": plan.clock.source,
        "needs_auth": report.needs_auth,
        "steps": [
            {"line": s.line, "script_line": s.script_line,
             "payload_length": len(s.payload) if s.payload is not None else None,
             "payload_base64": base64.b64encode(payload).decode("ascii") if payload is not None else None,
             "payload_hex": payload.hex() if payload is not None else None,
             "payload_redacted": s.payload is not None and payload is None,
             "expect": list(s.expect), "why": s.why}
            for s, payload in ((s, shown(s)) for s in plan.steps)
        ],
        "warnings": [{"level": w.level, "text": w.text} for w in plan.warnings],
        "script": plan.script(),
    }


def step_is_secret(step: PlanStep) -> bool:
    """True when the step uploads a private key (its payload is not shown by default)."""
    return step.payload is not None and is_secret_payload(step.line)


def preview(payload: bytes) -> str:
    """``20 bytes: 3e f1 74 ...`` — the whole payload when short, else head … tail."""
    if len(payload) <= PREVIEW_BYTES:
        return f"{len(payload)} bytes: {payload.hex(' ')}"
    return f"{len(payload)} bytes: {payload[:16].hex(' ')} … {payload[-8:].hex(' ')}"


def _script_path_problem(path: str) -> str | None:
    """Why ``path`` cannot stand in a ``spwf-tui run`` line, or None.

    The script language strips the line, starts a comment at a ``#`` after whitespace and
    substitutes ``${NAME}``; a path with any of those would be read as something else.
    """
    if any(c in path for c in "\r\n"):
        return "a line break in the path"
    if path != path.strip():
        return "spaces at the start or end of the path"
    if re.search(r"\s#", path):
        return "' #' in the path starts a comment"
    if "${" in path:
        return "'${' in the path is a script variable"
    return None


def _upload_step(data: bytes, report: CertReport, script_path: str) -> PlanStep:
    role = report.role
    expect: tuple[str, ...] = ("AT-S.OK",)
    if role == "ca":
        ski = report.certificates[0].ski
        if report.module_finds_ski and ski is not None:
            expect = (f"AT-S.SubjectKeyId:{loading.colon_hex(ski)}", "AT-S.OK")
        else:
            expect = ("AT-S.No SubjectKeyId", "AT-S.OK")
    why = {
        "ca": "store the trusted CA: the root that signed the server's chain",
        "cert": "store the module's own certificate (presented to servers that ask for one)",
        "key": "store the private key of the module's own certificate",
    }[role]
    return PlanStep(f"AT+S.TLSCERT={role},{len(data)}", data, f"AT+S.TLSCERT={role},@{script_path}", expect,
                    f"{why}; {len(data)} bytes, the file exactly as it is")


def _auth_step(data: bytes, report: CertReport, script_path: str) -> PlanStep | None:
    cert = loading.load_certificate(data)
    ski = loading.subject_key_identifier(cert)
    if ski is not None:
        source = f"ski:{script_path}"
        why = (f"give the module the CA's key id, which it cannot read from a {report.blob.format} upload: "
               f"the {len(ski)} raw SKI bytes ({loading.colon_hex(ski)}), not {2 * len(ski)} hex characters")
    else:
        ski = public_key_id(cert.public_key())
        if ski is None:
            return None
        source = f"hex:{ski.hex()}"
        why = "give the module a key id for this CA, which has no SKI: the SHA-1 of its public key"
    return PlanStep(f"AT+S.TLSCERT=auth,{len(ski)}", ski, f"AT+S.TLSCERT=auth,{source}", ("AT-S.OK",), why)


def _listing_step(report: CertReport, clean: bool) -> PlanStep:
    stored = {"CA": report.role == "ca", "Cert": report.role == "cert", "Key": report.role == "key",
              "Id": report.needs_auth}
    lines = ["AT-S.List"]
    for label, uploaded in stored.items():
        if uploaded:
            lines.append(f"AT-S.{label}:1")
        else:
            lines.append(f"AT-S.{label}:0" if clean else f"AT-S.{label}:<unchanged>")
    lines.append("AT-S.OK")
    return PlanStep("AT+S.TLSCERT=content,1", None, "AT+S.TLSCERT=content,1", tuple(lines),
                    "list what is stored, to see the upload arrived")
