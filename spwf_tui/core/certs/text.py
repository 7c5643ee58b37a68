"""Text rendering of the certificate reports (``cert`` subcommands and the TUI inspector)."""

from __future__ import annotations

from collections.abc import Iterable

from spwf_tui.core.certs.check import CheckResult
from spwf_tui.core.certs.facts import CertFacts, KeyFacts
from spwf_tui.core.certs.inspect import CertReport, CertWarning
from spwf_tui.core.certs.plan import UploadPlan, preview, step_is_secret
from spwf_tui.core.certs.loading import colon_hex
from spwf_tui.core.moduletime import format_utc

_WIDTH = 15


def inspect_text(report: CertReport, *, role_given: bool, compared_with: str | None = None,
                 role_change: str = "--as to change", warnings: bool = True) -> str:
    """The ``cert inspect`` report for a terminal; ``role_change`` says how to pick another role
    (the CLI's flag; the TUI's buttons); ``warnings=False`` leaves the warnings out (the TUI's
    inspector shows them first, in its own form)."""
    blob = report.blob
    lines = [f"{report.name}: {report.kind}, {blob.format}"
             + (f", {blob.line_ends} line ends" if blob.format == "PEM" else "")]
    lines.append(_field("upload", _lengths(report)))
    if report.kind == "certificate":
        lines.append(_field("as", f"{report.role} ({'as asked' if role_given else f'guessed; {role_change}'})"))
        lines.append(_field("module SKI", _ski_line(report)))
        lines.append(_field("checked at", report.clock.describe()))
        for index, facts in enumerate(report.certificates, start=1):
            lines.append("")
            if len(report.certificates) > 1:
                lines.append(f"certificate {index} of {len(report.certificates)}")
            lines += _certificate_lines(facts)
    elif report.key is not None:
        lines += _key_lines(report.key, compared_with)
    if warnings:
        lines += _warning_lines(report.warnings)
    return "\n".join(lines) + "\n"


def plan_text(plan: UploadPlan, *, include_secrets: bool = False) -> str:
    """The ``cert plan`` steps for a terminal: each command, its payload preview (not for a
    private key unless ``include_secrets``), the answer."""
    report = plan.report
    lines = [f"Plan: upload {report.name} as {report.role} ({report.blob.format}, "
             f"{report.blob.line_ends} line ends, {report.blob.length} bytes)"]
    if plan.sets_time:
        lines.append(f"module clock set to {plan.clock.describe()}")
    for number, step in enumerate(plan.steps, start=1):
        lines.append("")
        lines.append(f"{number:2}. {step.line}")
        if step.payload is not None:
            shown = preview(step.payload) if include_secrets or not step_is_secret(step) else (
                f"{len(step.payload)} bytes (a private key: not shown; --include-secrets shows it)")
            lines.append(f"    payload: {shown}")
        lines.append(f"    expect:  {' | '.join(step.expect)}")
        lines.append(f"    why:     {step.why}")
    lines += _warning_lines(plan.warnings)
    return "\n".join(lines) + "\n"


def check_text(result: CheckResult) -> str:
    """The ``cert check`` verdict line, then the reasons and notes."""
    lines = [result.verdict]
    lines += [f"  - {reason}" for reason in result.reasons]
    lines += [f"  note: {note}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _field(label: str, value: str) -> str:
    return f"  {label + ':':<{_WIDTH}}{value}"


def _lengths(report: CertReport) -> str:
    blob = report.blob
    text = f"{blob.length} bytes as the file is"
    if blob.line_ends == "LF":
        text += f" ({blob.length_crlf} with CRLF line ends)"
    elif blob.line_ends == "CRLF":
        text += f" ({blob.length_lf} with LF line ends)"
    elif blob.line_ends == "mixed":
        text += f" ({blob.length_lf} all LF, {blob.length_crlf} all CRLF)"
    return text


def _ski_line(report: CertReport) -> str:
    if report.module_finds_ski:
        return "found by the module itself (DER with SKI): no auth needed"
    why = "PEM" if report.blob.format == "PEM" else "DER without SKI"
    if report.role != "ca":
        return f"not found by the module ({why}); matters only for a CA"
    return f"not found by the module ({why}): needs auth (AT+S.TLSCERT=auth,ski:{report.name})"


def _certificate_lines(c: CertFacts) -> list[str]:
    issuer = "itself (self-signed)" if c.self_signed else c.issuer
    ca = {True: "TRUE", False: "FALSE", None: "no Basic Constraints"}[c.is_ca]
    if c.is_ca and c.path_length is not None:
        ca += f", path length {c.path_length}"
    return [
        _field("subject", c.subject),
        _field("issuer", issuer),
        _field("valid", f"{format_utc(c.not_before)} to {format_utc(c.not_after)} ({c.validity})"),
        _field("key", c.key.describe()),
        _field("signature", c.signature_algorithm),
        _field("SKI", colon_hex(c.ski) if c.ski else "none"),
        _field("AKI", colon_hex(c.aki) if c.aki else "none"),
        _field("CA", ca),
        _field("CRL points", ", ".join(c.crl_distribution_points) or "none"),
        _field("SANs", ", ".join(c.sans) or "none"),
        _field("serial", c.serial),
        _field("SHA-256", colon_hex(c.fingerprint_sha256)),
    ]


def _key_lines(key: KeyFacts, compared_with: str | None) -> list[str]:
    lines = [_field("structure", f"{key.structure or 'unknown'}, {'encrypted' if key.encrypted else 'not encrypted'}")]
    if key.key is not None:
        lines.append(_field("key", key.key.describe()))
    if key.public_key_id is not None:
        lines.append(_field("public key id", f"{colon_hex(key.public_key_id)} (SHA-1 of the public key: the "
                                              "SKI of its certificate, as most tools compute it)"))
    if compared_with is not None and key.matches_cert is not None:
        lines.append(_field("matches", f"{'yes' if key.matches_cert else 'NO'} ({compared_with})"))
    lines.append(_field("key material", "not shown"))
    return lines


def _warning_lines(warnings: Iterable[CertWarning]) -> list[str]:
    warnings = list(warnings)
    if not warnings:
        return []
    return ["", "warnings:"] + [f"  {w.level + ':':<9}{w.text}" for w in warnings]
