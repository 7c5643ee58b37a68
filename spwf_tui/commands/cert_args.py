"""The arguments of ``spwf-tui cert inspect|plan|check`` (kept apart from the command so that
building the CLI's parsers imports nothing heavy)."""

from __future__ import annotations

import argparse

ROLES = ("ca", "cert", "key")


def add_cert_arguments(cert: argparse.ArgumentParser) -> None:
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
