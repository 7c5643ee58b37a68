"""What the inspector pane shows for a file, and the command lines of its one-step upload."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from spwf_tui.core import certs

Step = tuple[str, Callable[[list[str]], bool] | None]
"""A command line and, optionally, a test on the previous step's replies that decides whether it runs."""


def describe_file(path: Path, module_time: float | None) -> str:
    """The report text for ``path`` (never raises: problems become the text)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"✗ {path}: {exc.strerror or exc}"
    try:
        cert = certs.load_certificate(data)
    except certs.CertificateError as exc:
        return f"✗ {path}: {exc}"
    ski = certs.subject_key_identifier(cert)
    pem = certs.is_pem(data)
    when = module_time if module_time is not None else time.time()
    clock = "module clock" if module_time is not None else "host clock (module clock unknown)"
    lines = [
        f"subject   {cert.subject.rfc4514_string()}",
        f"issuer    {cert.issuer.rfc4514_string()}",
        f"valid     {cert.not_valid_before_utc:%Y-%m-%d %H:%M:%S} → {cert.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC",
        f"format    {'PEM' if pem else 'DER'}, {len(data)} bytes to upload",
        f"SKI       {certs.colon_hex(ski) if ski else 'none'}",
    ]
    if cert.not_valid_after_utc.timestamp() < when:
        lines.append(f"⚠ expired {cert.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC at the {clock}")
    elif cert.not_valid_before_utc.timestamp() > when:
        lines.append(f"⚠ not yet valid at the {clock}")
    if pem and ski:
        lines.append("⚠ PEM: the module answers No SubjectKeyId; the upload adds the 20-byte auth")
    return "\n".join(lines)


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
