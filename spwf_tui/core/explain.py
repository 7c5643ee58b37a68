"""Explanations a user can act on, for errors, WINDs and the lines around a TLS failure.

The tables say what a code means in general; the ``Explainer`` adds what the lines before it
tell: a ``Certificate Error:3`` right after a 40-byte ``auth`` upload is the seed thread's
mistake (hex text instead of the 20 raw SKI bytes); an ``ERROR:74`` with no ``Loading`` line
before it is a TCP failure, not a TLS one. Feed it every event in order (``observe``) and,
for live sessions, what was sent (``observe_tx``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spwf_tui.core import catalog
from spwf_tui.core.catalog import tls
from spwf_tui.core.commandline import parse
from spwf_tui.core.events import DATA, ECHO, ERROR, INFO, WIND, Event

SKI_FIX = "AT+S.TLSCERT=auth,ski:ca_cert.pem"
"""The command that uploads the CA's SKI the right way (ski: computes the 20 raw bytes)."""

_HEX_TEXT = re.compile(rb"[0-9A-Fa-f:\s]+")


@dataclass
class _TlsContext:
    auth_length: int | None = None
    auth_is_hex_text: bool | None = None
    ca_without_ski: bool = False
    clock_set: bool = False
    saw_boot: bool = False
    sockon_kind: str | None = None
    sockon_bad_third_field: str | None = None
    saw_loading: bool = False
    saw_certificate_error: bool = False
    expecting_auth_payload: bool = False


class Explainer:
    """Stateful annotator: ``explain(event)`` after ``observe``-ing the events before it."""

    def __init__(self) -> None:
        self._ctx = _TlsContext()

    def observe_tx(self, line: str, payload: bytes | None = None) -> None:
        """Note a command the host sent (with its payload), for sessions without echo."""
        self._note_command(line)
        if payload is not None and self._ctx.expecting_auth_payload:
            self._note_auth_payload(payload)

    def explain(self, event: Event) -> str | None:
        """Observe ``event`` and return its explanation, or None when there is nothing to add."""
        text = self._explanation(event)
        self._observe(event)
        return text

    # -- context ----------------------------------------------------------------------------

    def _observe(self, event: Event) -> None:
        ctx = self._ctx
        if event.kind == ECHO:
            self._note_command(event.text)
        elif event.kind == DATA and ctx.expecting_auth_payload:
            self._note_auth_payload(event.raw.strip())
        elif event.kind == INFO and event.label == "No SubjectKeyId":
            ctx.ca_without_ski = True
        elif event.kind == INFO and event.label == "SubjectKeyId":
            ctx.ca_without_ski = False
        elif event.kind == INFO and event.label == "Loading":
            ctx.saw_loading = True
        elif event.kind == ERROR and event.label == "Certificate Error":
            ctx.saw_certificate_error = True
        elif event.kind == WIND and event.code == 1:
            self._ctx = _TlsContext(saw_boot=True)

    def _note_command(self, line: str) -> None:
        ctx = self._ctx
        cmd = parse(line.strip())
        ctx.expecting_auth_payload = False
        params = [p.strip() for p in cmd.params]
        if cmd.name == "TIME" and params and params[0]:
            ctx.clock_set = True
        elif cmd.name == "TLSCERT" and len(params) >= 2:
            kind = params[0].lower()
            if kind == "auth" and params[1].isdigit():
                ctx.auth_length = int(params[1])
                ctx.auth_is_hex_text = None
                ctx.expecting_auth_payload = True
            elif kind == "content" and params[1] == "2":
                ctx.auth_length = None
                ctx.ca_without_ski = False
        elif cmd.name == "SOCKON":
            ctx.saw_loading = False
            ctx.saw_certificate_error = False
            ctx.sockon_kind = params[3] if len(params) > 3 else None
            third = params[2] if len(params) > 2 else ""
            ctx.sockon_bad_third_field = third if third and third.upper() != "NULL" else None

    def _note_auth_payload(self, payload: bytes) -> None:
        self._ctx.auth_is_hex_text = bool(payload) and _HEX_TEXT.fullmatch(payload) is not None
        self._ctx.expecting_auth_payload = False

    # -- explanations -----------------------------------------------------------------------

    def _explanation(self, event: Event) -> str | None:
        if event.kind == WIND and event.code is not None:
            entry = catalog.wind(event.code)
            return entry.explain if entry else f"WIND {event.code} is not in the firmware 1.x tables."
        if event.kind == ERROR and event.label == "Certificate Error":
            return self._certificate_error(event.code)
        if event.kind == ERROR and event.label == "ERROR":
            return self._module_error(event.code)
        if event.kind == ERROR and event.label in ("Http Client Error", "Http Server Error"):
            return _http_error(event)
        if event.kind == INFO and event.label == "No SubjectKeyId":
            return (
                "The module stored the CA but could not find its Subject Key Identifier (a PEM "
                f"upload does this): also upload the 20 raw SKI bytes with {SKI_FIX}."
            )
        if event.kind == INFO and event.label == "Loading":
            return "TLS handshake in progress: the TCP connection is up."
        return None

    def _certificate_error(self, number: int | None) -> str:
        ctx = self._ctx
        if number == 3 and ctx.auth_length is not None and ctx.auth_length != 20:
            shown = f"{ctx.auth_length} bytes"
            if ctx.auth_length == 40 and ctx.auth_is_hex_text is not False:
                shown = "40 hex characters"
            return (
                f"The CA could not be matched: the auth value must be the 20 raw SKI bytes, not {shown}. "
                f"Fix: {SKI_FIX} (sends AT+S.TLSCERT=auth,20 and the 20 bytes)."
            )
        known = tls.CERTIFICATE_ERRORS.get(number) if number is not None else None
        parts = [known or tls.UNKNOWN_CERTIFICATE_ERROR]
        if ctx.ca_without_ski and ctx.auth_length is None:
            parts.append(f"The CA was stored without its SKI and no auth was uploaded: {SKI_FIX}.")
        if ctx.saw_boot and not ctx.clock_set:
            parts.append(
                "The module clock was never set since boot (it starts in 1970, before every "
                "certificate's validity): send AT+S.TIME=<seconds since 1970> first."
            )
        return " ".join(parts)

    def _module_error(self, code: int | None) -> str:
        ctx = self._ctx
        entry = catalog.error(code) if code is not None else None
        if code == 74 and ctx.sockon_kind is not None:
            if ctx.saw_certificate_error:
                text = ("The TLS handshake failed on the certificate check (see the Certificate "
                        "Error line above); the TCP connection itself worked.")
            elif ctx.saw_loading:
                text = "The TCP connection worked but the TLS handshake failed."
            else:
                text = ("No Loading line came first, so the TCP connection itself failed (wrong "
                        "address or port, nothing listening, no IP yet), before any TLS: try a "
                        "plain 't' socket or netcat on the server first.")
            if ctx.sockon_bad_third_field:
                text += (f" Note: SOCKON's third field is unused; {ctx.sockon_bad_third_field!r} "
                         "there is ignored. A server name to check goes in the fourth field, "
                         "in place of 's'.")
            return text
        if entry is None:
            return f"Error {code} is not in the firmware 1.x error table."
        return entry.explain


def _http_error(event: Event) -> str:
    if event.label == "Http Client Error":
        if event.code == 1:
            return "The HTTP client could not connect (connection refused): check host, port and the TLS flag."
        return "The HTTP client failed before a response arrived; the number is not documented."
    return f"The server answered HTTP status {event.code}."
