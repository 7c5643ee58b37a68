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
from spwf_tui.cli.cert_fetch import FetchFailed, fetch_chain, parse_server
from spwf_tui.core.certs import loading
from spwf_tui.core.certs.blob import CERTIFICATE, examine
from spwf_tui.core.certs.check import AS_PLANNED, AuthUpload, CheckResult, check_chain, fails_before_certificates
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

DESCRIPTION = ("Certificate doctor: inspect a certificate or key, plan its upload, check a server's chain "
               "against a CA before the module does.")
ROLES = ("ca", "cert", "key")


def add_arguments(cert: argparse.ArgumentParser) -> None:
    """Give the ``cert`` parser its three actions; their parsers share ``cert``'s class, so a
    usage mistake in any of them is still one line."""
    actions = cert.add_subparsers(dest="action", metavar="inspect|plan|check", parser_class=type(cert))
    actions.required = True

    inspect = actions.add_parser("inspect", prog="spwf-tui cert inspect",
                                 help="what a certificate or key file holds, and what the module will make of it",
                                 description="Report on a certificate (PEM, DER, PEM bundle) or private key "
                                 "(PEM/DER, PKCS#1/#8/SEC1): facts, upload lengths and warnings.")
    inspect.add_argument("file")
    inspect.add_argument("--as", dest="role", choices=ROLES, help="the upload form to advise for (default: guessed)")
    inspect.add_argument("--cert", metavar="FILE", help="for a key: the certificate it should belong to")
    _add_module_time(inspect)
    _add_passphrase(inspect)
    inspect.add_argument("--json", action="store_true", help="print the report as JSON")

    plan = actions.add_parser("plan", prog="spwf-tui cert plan", help="the exact byte sequence that uploads FILE",
                              description="The commands and bytes that upload FILE: clean, clock, upload, auth "
                              "when needed, and the content listing, with the expected answers.")
    plan.add_argument("file")
    plan.add_argument("--as", dest="role", choices=ROLES, help="upload form (default: guessed from the file)")
    clock = plan.add_mutually_exclusive_group()
    clock.add_argument("--module-time", metavar="ISO8601", help="time to set on the module (default: now)")
    clock.add_argument("--no-time", action="store_true", help="leave out AT+S.TIME")
    plan.add_argument("--no-clean", action="store_true", help="leave out AT+S.TLSCERT=content,2 (erase all)")
    plan.add_argument("--write-script", metavar="OUT.at", help="also write the plan as a `spwf-tui run` script "
                      "(0600; never through a symbolic link)")
    plan.add_argument("--force", action="store_true", help="with --write-script: replace OUT.at if it exists")
    plan.add_argument("--json", action="store_true", help="print the plan as JSON (payloads in base64 and hex)")
    plan.add_argument("--include-secrets", action="store_true",
                      help="show a private key's bytes in the plan (left out by default)")

    check = actions.add_parser("check", prog="spwf-tui cert check",
                               help="will the module accept this server's chain with this CA?",
                               description="Predict, from the host, what the module will answer to a TLS SOCKON: "
                               "exit 0 when it will connect, 1 when it will fail, 2 for a usage mistake.")
    check.add_argument("--ca", required=True, metavar="FILE", help="the CA certificate uploaded with TLSCERT=ca")
    server = check.add_mutually_exclusive_group(required=True)
    server.add_argument("--server", metavar="HOST:PORT", help="fetch the chain from this TLS server")
    server.add_argument("--chain", metavar="FILE", help="the server's chain (PEM bundle or DER), leaf first")
    check.add_argument("--name", help="the server name given in SOCKON's 4th field (default: none, as with 's')")
    check.add_argument("--auth", metavar="SOURCE",
                       help="what TLSCERT=auth holds, as a payload source (ski:FILE, hex:.., \"text\", @FILE) or "
                       "'none' (default: the CA's SKI, as cert plan uploads it)")
    _add_module_time(check)
    check.add_argument("--timeout", type=float, default=10.0, help="seconds for --server (default 10)")
    check.add_argument("--json", action="store_true", help="print the prediction as JSON")


def _add_module_time(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--module-time", metavar="ISO8601",
                        help="the module's clock (ISO 8601, or seconds since 1970); default: the host's clock")


def _add_passphrase(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--passphrase-env", metavar="VAR",
                        help="for an encrypted key: the environment variable holding its passphrase")


def run(args: argparse.Namespace) -> int:
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


def _auth(source: str | None) -> AuthUpload:
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
