"""``spwf-tui cert inspect|plan|check``: the certificate doctor's file and network side.

The judgement lives in ``core`` (``core.certs``: ``inspect``, ``plan``, ``check``); this module reads
the files, fetches a server's chain, turns every problem into one ``UserError`` line naming the
file, and prints. Exit status: 0, or for ``check`` 1 when the module will fail; 2 for a mistake.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from cryptography import x509

from spwf_tui import safefiles
from spwf_tui.core.certs import text as cert_format
from spwf_tui.commands.cert_fetch import FetchFailed, fetch_chain, parse_server
from spwf_tui.core.certs import loading
from spwf_tui.core.certs.blob import CERTIFICATE, examine
from spwf_tui.core.certs.check import AS_PLANNED, CheckResult, check_chain, fails_before_certificates
from spwf_tui.core.certs.inspect import inspect, report_as_dict
from spwf_tui.core.certs.plan import build_plan, plan_as_dict
from spwf_tui.core.certs.loading import CertificateError
from spwf_tui.core.display import visible, visible_lines
from spwf_tui.core.moduletime import ModuleClock, ModuleTimeError, parse_module_time
from spwf_tui.core.payload import PayloadError, read_problem, resolve_source
from spwf_tui.errors import UserError
from spwf_tui.inputfiles import read_limited
from spwf_tui.session.session import read_user_file

EXIT_WILL_FAIL = 1


def run_cert(args: argparse.Namespace) -> int:
    """Dispatch ``cert <action>``."""
    return {"inspect": _inspect, "plan": _plan, "check": _check}[args.action](args)


# -- inspect --------------------------------------------------------------------------------


def _inspect(args: argparse.Namespace) -> int:
    data = _read(args.file)
    clock = _clock(args.module_time)
    compare = _certificate_of(args.cert, "--cert") if args.cert else None
    with _named(args.file):
        if compare is not None and examine(data).kind == CERTIFICATE:
            raise CertificateError("is a certificate: --cert compares a private key with its certificate")
        report = inspect(data, clock, name=args.file, role=args.role,
                         passphrase=_passphrase(args.passphrase_env), compare_with=compare)
    if report.key is not None and report.key.locked:
        raise UserError(f"{args.file}: encrypted private key ({report.key.structure}); give --passphrase-env VAR "
                        "(an environment variable holding the passphrase) to inspect it")
    if args.json:
        print(json.dumps(report_as_dict(report), indent=2))
    else:
        _print_text(cert_format.inspect_text(report, role_given=args.role is not None, compared_with=args.cert))
    return 0


# -- plan -----------------------------------------------------------------------------------


def _plan(args: argparse.Namespace) -> int:
    data = _read(args.file)
    clock = _clock(args.module_time)
    script_path = str(Path(args.file).expanduser().resolve())
    with _named(args.file):
        plan = build_plan(data, clock, name=args.file, script_path=script_path, role=args.role,
                          set_time=not args.no_time, clean=not args.no_clean)
    if args.write_script:
        _write(args.write_script, plan.script(), args.force)
    if args.json:
        print(json.dumps(plan_as_dict(plan, include_secrets=args.include_secrets), indent=2))
    else:
        _print_text(cert_format.plan_text(plan, include_secrets=args.include_secrets))
    if args.write_script:
        # Keep stdout pure JSON under --json.
        stream = sys.stderr if args.json else sys.stdout
        print("\n" + visible(f"script written to {args.write_script}; run it with: spwf-tui run PORT "
                             f"{args.write_script}"), file=stream)
    return 0


# -- check ----------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    ca_data = _read(args.ca)
    ca = _certificate_of(args.ca, "--ca", data=ca_data)
    clock = _clock(args.module_time)
    auth = _auth(args.auth)
    notes: list[str] = []
    if args.chain:
        chain = _certificates(args.chain, "--chain")
        seen_all, strict_name, source = True, args.name, args.chain
    else:
        host, port = parse_server(args.server)
        try:
            fetched = fetch_chain(host, port, args.name, args.timeout)
        except FetchFailed as exc:
            result = fails_before_certificates(exc.module_error, exc.why, [
                "Checked from this host: the module's network may differ (another route, no DNS, a firewall)."])
            return _print_check(args, result, source=args.server)
        try:
            chain = [x509.load_der_x509_certificate(der) for der in fetched.certificates]
        except ValueError as exc:
            raise UserError(f"{args.server}: the server's certificate cannot be read ({_one_line(str(exc))})") from None
        seen_all, strict_name, source = fetched.complete, args.name or host, args.server
    if len(loading.load_certificates(ca_data)) > 1:
        notes.append(f"{args.ca} holds several certificates: the module keeps the first as its CA.")
    result = check_chain(ca, chain, clock, name=args.name, ca_is_pem=loading.is_pem(ca_data), auth=auth,
                         intermediates_seen=seen_all, strict_name=strict_name)
    if notes:
        result = replace(result, notes=(*result.notes, *notes))
    return _print_check(args, result, source=source)


def _print_check(args: argparse.Namespace, result: CheckResult, *, source: str) -> int:
    if args.json:
        print(json.dumps({"verdict": result.verdict, "connects": result.connects,
                          "certificate_error": result.certificate_error, "reasons": list(result.reasons),
                          "notes": list(result.notes), "path": list(result.path), "server": source}, indent=2))
    else:
        _print_text(cert_format.check_text(result))
    return 0 if result.connects else EXIT_WILL_FAIL


def _print_text(report: str) -> None:
    """A report on stdout. The certificate facts are escaped where they are read (``core.certs.facts``);
    this last pass catches what a report quotes besides them (file names, library messages)."""
    sys.stdout.write(visible_lines(report))


def _auth(source: str | None) -> bytes | None | object:
    if source is None:
        return AS_PLANNED
    if source.strip().lower() == "none":
        return None
    try:
        return resolve_source(source, read_user_file)
    except PayloadError as exc:
        raise UserError(f"--auth: {exc}") from None


# -- files, clock, passphrase ---------------------------------------------------------------


@contextmanager
def _named(name: str) -> Iterator[None]:
    """A ``CertificateError`` inside becomes ``UserError('<file>: <reason>')``: one line, no traceback."""
    try:
        yield
    except CertificateError as exc:
        raise UserError(f"{name}: {_one_line(str(exc))}") from None


def _read(path: str) -> bytes:
    try:
        return read_limited(path)  # regular files only, bounded: not /dev/zero, not a FIFO
    except OSError as exc:
        raise UserError(f"{visible(path)}: {read_problem(exc)}") from None


_NEEDS = {
    "--ca": "--ca needs the CA certificate (the file uploaded with TLSCERT=ca)",
    "--chain": "--chain needs the server's certificates, leaf first",
    "--cert": "--cert needs the certificate the key belongs to",
}


def _certificates(path: str, option: str, data: bytes | None = None) -> list[x509.Certificate]:
    """Every certificate in the file named by ``option``; refuses keys and anything else."""
    data = _read(path) if data is None else data
    with _named(path):
        if examine(data).kind != CERTIFICATE:
            raise CertificateError(f"is a private key, not a certificate: {_NEEDS[option]}")
        return loading.load_certificates(data)


def _certificate_of(path: str, option: str, data: bytes | None = None) -> x509.Certificate:
    return _certificates(path, option, data)[0]


def _clock(text: str | None) -> ModuleClock:
    if text is None:
        return ModuleClock(datetime.now(timezone.utc).replace(microsecond=0), given=False)
    try:
        return ModuleClock(parse_module_time(text), given=True)
    except ModuleTimeError as exc:
        raise UserError(f"--module-time: {exc}") from None


def _passphrase(variable: str | None) -> bytes | None:
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None:
        raise UserError(f"--passphrase-env {variable}: no such environment variable")
    return value.encode("utf-8")


def _write(path: str, text: str, force: bool) -> None:
    """The script file: 0600, never through a link, an existing file only with ``--force``."""
    target = Path(path).expanduser()
    if target.is_dir() and not target.is_symlink():
        raise UserError(f"--write-script {visible(path)}: is a folder; give the name of a new file in it")
    safefiles.write_new(target, text.encode("utf-8"), force=force, what="--write-script")


def _one_line(text: str) -> str:
    return " ".join(text.split())
