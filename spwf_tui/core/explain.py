"""Explanations a user can act on, for errors, WINDs and the lines around a TLS failure.

The tables say what a code means in general; the ``Explainer`` adds what the lines before it
tell: a ``Certificate Error:3`` right after a 40-byte ``auth`` upload is the seed thread's
mistake (hex text instead of the 20 raw SKI bytes); an ``ERROR:74`` with no ``Loading`` line
before it is a TCP failure, not a TLS one. Feed it every event in order (``observe``) and,
for live sessions, what was sent (``observe_tx``).

What it remembers of a TLS set-up: whether ``content,2`` erased the store and a CA followed,
the CA certificate itself when its payload went by (sent with ``observe_tx``, or logged as
PEM lines in a capture), the ``auth`` bytes, the value given to ``AT+S.TIME``, and the last
``SOCKON``'s fields. A certificate error is then explained with the facts that apply: no CA
stored, auth bytes that are not the CA's SKI, a clock outside the CA's validity, a server name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from spwf_tui.core import catalog
from spwf_tui.core.certs import error_numbers
from spwf_tui.core.authcheck import ca_file_of, ski_fix
from spwf_tui.core.catalog import tls
from spwf_tui.core.commandline import parse
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.events import DATA, ECHO, ERROR, INFO, LATER, OK, OTHER, WIND, Event, Later
from spwf_tui.core.moduletime import MAX_EPOCH, format_utc

if TYPE_CHECKING:
    from cryptography import x509

EMULATOR_NOT_EMULATED = 120
"""``AT-S.ERROR:120:Not emulated``: the emulated module's refusal (outside the firmware's table)."""


MAX_CA_PAYLOAD = 8192
"""A logged CA payload longer than this is not collected (it is no certificate the module takes)."""

_SILENT_KINDS = frozenset({OK, OTHER})
"""Kinds that neither get an explanation nor change the context."""
_TOLD_INFO_LABELS = frozenset({"No SubjectKeyId", "SubjectKeyId", "Loading", "Reading", "Http Server Status Code"})
"""The ``AT-S.`` info lines the explainer explains or remembers."""
_HEX_TEXT = re.compile(rb"[0-9A-Fa-f:\s]+")
FIRMWARE_BUILDS = {"171117-0328fe3": "1.1.0", "170216-fd39c59": "1.0.0"}
"""Firmware builds (``+WIND:1:Poweron:<build>-SPWF04S``) and their versions (docs/protocol.md §8)."""
_STATELESS_CACHE = 1024
"""Explanations that depend on the line alone, kept by event (repeated lines are one object)."""
_PEM_END = b"-----END CERTIFICATE-----"


@dataclass
class _TlsContext:
    """What the explainer remembers of a TLS set-up (a docstring also spares dataclass the
    ``inspect.signature`` it would make one from, at every start-up)."""

    auth_length: int | None = None
    auth_is_hex_text: bool | None = None
    auth_payload: bytes | None = None
    ca_without_ski: bool = False
    ca_stored: bool | None = None
    """False after ``content,2`` until a ``ca`` upload; None when unknown."""
    ca_cert: x509.Certificate | None = None
    ca_buffer: bytearray = field(default_factory=bytearray)
    expecting_ca_payload: bool = False
    clock_set: bool = False
    clock_epoch: int | None = None
    saw_boot: bool = False
    sockon_kind: str | None = None
    sockon_bad_third_field: str | None = None
    saw_loading: bool = False
    saw_certificate_error: bool = False
    expecting_auth_payload: bool = False
    last_command: str | None = None
    payload_since_command: bool = False
    ca_file: str | None = None
    """The CA file this session uploaded (``@ca.pem``, or ``ski:ca.pem``), named in the fixes."""


class Explainer:
    """Stateful annotator: ``explain(event)`` after ``observe``-ing the events before it."""

    def __init__(self, *, ca_file: str | None = None) -> None:
        self._ctx = _TlsContext(ca_file=ca_file)

    def observe_tx(self, line: str, payload: bytes | None = None, source: str | None = None) -> None:
        """Note a command the host sent (with its payload), for sessions without echo.

        ``source``: the payload source as typed (``@ca.pem``); a CA file named there (or in
        ``auth,ski:``) is the one the fix hints name.
        """
        self._note_command(line)
        ca_file = ca_file_of(line, source)
        if ca_file:
            self._ctx.ca_file = ca_file
        if payload is not None:
            self._note_payload(payload)

    @property
    def ca_file(self) -> str | None:
        """The CA file the session uploaded, as typed, when one is known."""
        return self._ctx.ca_file

    def explain(self, event: Event) -> str | None:
        """Observe ``event`` and return its explanation, or None when there is nothing to add."""
        kind = event.kind
        if kind in _SILENT_KINDS or (kind == INFO and event.label not in _TOLD_INFO_LABELS) or (
                kind == DATA and not (self._ctx.expecting_auth_payload or self._ctx.expecting_ca_payload)):
            # The bulk of a stream (replies, payload pieces, other output): nothing to explain
            # or to remember; the RX path calls this for every line, so it answers at once.
            return None
        if kind == WIND and event.code != 1 or event.label in _LINE_LABELS:
            # Explained from the line alone and changing no context (WIND 1 resets it).
            return line_explanation(event)
        text = self._explanation(event)
        self._observe(event)
        return text

    @staticmethod
    def explains_line_alone(event: Event) -> bool:
        """``explain(event)`` neither reads nor changes the context: its answer depends on the
        event alone, and leaving the call out changes nothing after. True for the kinds that
        get no explanation (``OK``, ``OTHER``, the ``AT-S.`` info lines not looked at) and for
        what ``line_explanation`` answers (WINDs but 1, ``Reading``, ``Http Server Status
        Code``); ``decode`` prints a repeated line of these without asking again. The branches
        of ``explain``, in its order."""
        kind = event.kind
        if kind in _SILENT_KINDS or (kind == INFO and event.label not in _TOLD_INFO_LABELS):
            return True
        return kind != DATA and (kind == WIND and event.code != 1 or event.label in _LINE_LABELS)

    SILENT_KINDS = _SILENT_KINDS
    """Kinds ``explain_or_later`` answers None for whatever came before (they change no context):
    the RX path does not ask about them."""
    TOLD_INFO_LABELS = _TOLD_INFO_LABELS
    """The ``AT-S.`` info labels ``explain_or_later`` looks at; the others are None likewise."""
    CONTEXT_WINDS = frozenset({1})
    """The WINDs ``explain_or_later`` explains at once (WIND 1, a boot, starts the context
    afresh); for every other WIND it answers ``LATER``."""

    def explain_or_later(self, event: Event) -> str | None | Later:
        """``explain``, except that an explanation that depends on ``event`` alone is not made:
        ``LATER`` stands for it (``line_explanation(event)`` gives it when it is shown). The
        RX path's way: a flood's WINDs and ``Reading`` lines are counted, rarely read."""
        kind = event.kind
        if kind in _SILENT_KINDS or (kind == INFO and event.label not in _TOLD_INFO_LABELS) or (
                kind == DATA and not (self._ctx.expecting_auth_payload or self._ctx.expecting_ca_payload)):
            return None
        if kind == WIND and event.code not in self.CONTEXT_WINDS or event.label in _LINE_LABELS:
            return LATER
        text = self._explanation(event)
        self._observe(event)
        return text

    # -- context ----------------------------------------------------------------------------

    def _observe(self, event: Event) -> None:
        ctx = self._ctx
        if event.kind == ECHO:
            self._note_command(event.text)
        elif event.kind == DATA and ctx.expecting_auth_payload:
            self._note_payload(event.raw.strip())
        elif event.kind == DATA and ctx.expecting_ca_payload:
            self._collect_ca_line(event.raw)
        elif event.kind == INFO and event.label == "No SubjectKeyId":
            ctx.ca_without_ski = True
        elif event.kind == INFO and event.label == "SubjectKeyId":
            ctx.ca_without_ski = False
        elif event.kind == INFO and event.label == "Loading":
            ctx.saw_loading = True
        elif event.kind == ERROR and event.label == "Certificate Error":
            ctx.saw_certificate_error = True
        elif event.kind == WIND and event.code == 1:
            self._ctx = _TlsContext(saw_boot=True, ca_file=ctx.ca_file)

    def _note_command(self, line: str) -> None:
        ctx = self._ctx
        text = line.strip()
        if ctx.payload_since_command and text.lower() == (ctx.last_command or "").lower():
            # The module's echo of a data-phase command whose payload was already seen (a host
            # log prints the line and the payload first; a live session reports them on send).
            return
        self._finish_ca_payload()
        ctx.last_command, ctx.payload_since_command = text, False
        cmd = parse(text)
        ctx.expecting_auth_payload = False
        if cmd.name not in _CONTEXT_COMMANDS:
            return  # (the RX path meets an echo every few lines)
        params = [p.strip() for p in cmd.params]
        if cmd.name == "TIME" and params and params[0]:
            ctx.clock_set = True
            # What AT+S.TIME takes (unsigned 32 bits); any other value leaves the clock unknown.
            ctx.clock_epoch = ascii_int(params[0], MAX_EPOCH)
        elif cmd.name == "TLSCERT" and len(params) >= 2:
            self._note_tlscert(params[0].lower(), params[1])
        elif cmd.name == "SOCKON":
            ctx.saw_loading = False
            ctx.saw_certificate_error = False
            ctx.sockon_kind = params[3] if len(params) > 3 else None
            third = params[2] if len(params) > 2 else ""
            ctx.sockon_bad_third_field = third if third and third.upper() != "NULL" else None

    def _note_tlscert(self, kind: str, value: str) -> None:
        ctx = self._ctx
        if kind == "auth" and ascii_int(value) is not None:
            ctx.auth_length = ascii_int(value)
            ctx.auth_is_hex_text = None
            ctx.auth_payload = None
            ctx.expecting_auth_payload = True
        elif kind == "ca" and ascii_int(value) is not None:
            ctx.ca_stored = True
            ctx.ca_cert = None
            ctx.expecting_ca_payload = True
        elif kind == "content" and value == "2":
            ctx.auth_length = None
            ctx.auth_payload = None
            ctx.ca_without_ski = False
            ctx.ca_stored = False
            ctx.ca_cert = None

    def _note_payload(self, payload: bytes) -> None:
        ctx = self._ctx
        ctx.payload_since_command = True
        if ctx.expecting_auth_payload:
            ctx.auth_is_hex_text = bool(payload) and _HEX_TEXT.fullmatch(payload) is not None
            ctx.auth_payload = payload
            ctx.expecting_auth_payload = False
        elif ctx.expecting_ca_payload:
            ctx.ca_buffer[:] = payload
            self._finish_ca_payload()

    def _collect_ca_line(self, raw: bytes) -> None:
        """A capture logs a PEM payload as lines: gather them until the END line."""
        ctx = self._ctx
        ctx.payload_since_command = True
        if len(ctx.ca_buffer) + len(raw) > MAX_CA_PAYLOAD:
            ctx.expecting_ca_payload = False
            ctx.ca_buffer.clear()
            return
        ctx.ca_buffer += raw
        if _PEM_END in raw:
            self._finish_ca_payload()

    def _finish_ca_payload(self) -> None:
        ctx = self._ctx
        if ctx.expecting_ca_payload and ctx.ca_buffer:
            from spwf_tui.core.certs import loading  # cryptography only when a CA went by (start-up time)

            try:
                ctx.ca_cert = loading.load_certificate(bytes(ctx.ca_buffer))
            except loading.CertificateError:
                ctx.ca_cert = None
        ctx.ca_buffer.clear()
        ctx.expecting_ca_payload = False

    # -- explanations -----------------------------------------------------------------------

    def _explanation(self, event: Event) -> str | None:
        if event.kind == WIND or event.label in _LINE_LABELS:
            return line_explanation(event)
        if event.kind == ERROR and event.label == "Certificate Error":
            return self._certificate_error(event.code)
        if event.kind == ERROR and event.label == "ERROR":
            return self._module_error(event.code)
        if event.kind == ERROR and event.label in ("Http Client Error", "Http Server Error"):
            return _http_error(event)
        if event.kind == INFO and event.label == "No SubjectKeyId":
            return (
                "The module stored the CA but could not find its Subject Key Identifier (a PEM "
                f"upload does this): also upload the 20 raw SKI bytes with {self._fix()}."
            )
        if event.kind == INFO and event.label == "Loading":
            return "TLS handshake in progress: the TCP connection is up."
        if event.kind == INFO and event.label == "SubjectKeyId":
            return ("The module stored the CA and found its Subject Key Identifier in it (a DER "
                    "certificate carries it): no separate auth upload is needed.")
        return None

    def _fix(self) -> str:
        return ski_fix(self._ctx.ca_file)

    def _certificate_error(self, number: int | None) -> str:
        ctx = self._ctx
        if number == 3 and ctx.auth_length is not None and ctx.auth_length != 20:
            shown = f"{ctx.auth_length} bytes"
            if ctx.auth_length == 40 and ctx.auth_is_hex_text is not False:
                shown = "40 hex characters"
            return (
                f"The CA could not be matched: the auth value must be the 20 raw SKI bytes, not {shown}. "
                f"Fix: {self._fix()} (sends AT+S.TLSCERT=auth,20 and the 20 bytes)."
            )
        parts = [_meaning(number)]
        if ctx.ca_stored is False:
            parts.append("No CA is stored: content,2 erased the store and no TLSCERT=ca followed. Upload the "
                         "server's root CA (spwf-tui cert plan CA_FILE shows the steps).")
        elif ctx.ca_without_ski and ctx.auth_length is None:
            parts.append(f"The CA was stored without its SKI and no auth was uploaded: {self._fix()}.")
        parts += self._auth_mismatch()
        parts += self._clock_facts(number)
        domain = self._domain()
        if domain and (number == error_numbers.DOMAIN_MISMATCH or number not in tls.CERTIFICATE_ERRORS):
            parts.append(f"SOCKON asked for the server name {domain!r}: it must be one of the server "
                         "certificate's names (SAN, or CN when it has none).")
        return " ".join(parts)

    def _auth_mismatch(self) -> list[str]:
        ctx = self._ctx
        if ctx.ca_cert is None or ctx.auth_payload is None:
            return []
        from spwf_tui.core.certs import loading  # loaded already: ca_cert was made by it

        ski = loading.subject_key_identifier(ctx.ca_cert)
        if ski is None or ctx.auth_payload == ski:
            return []
        return [f"The auth bytes ({len(ctx.auth_payload)}) are not the stored CA's SKI ({loading.colon_hex(ski)}): "
                f"{self._fix()} uploads the right ones."]

    def _clock_facts(self, number: int | None) -> list[str]:
        ctx = self._ctx
        if ctx.saw_boot and not ctx.clock_set:
            return ["The module clock was never set since boot (it starts in 1970, before every "
                    "certificate's validity): send AT+S.TIME=<seconds since 1970> first."]
        if ctx.clock_epoch is None:
            return []
        clock = datetime.fromtimestamp(ctx.clock_epoch, timezone.utc)
        ca = ctx.ca_cert
        if ca is not None and clock < ca.not_valid_before_utc:
            return [f"The module clock was set to {format_utc(clock)}, before the stored CA's validity "
                    f"(from {format_utc(ca.not_valid_before_utc)}): set AT+S.TIME to the current time."]
        if ca is not None and clock > ca.not_valid_after_utc:
            return [f"The module clock was set to {format_utc(clock)}, after the stored CA expired "
                    f"({format_utc(ca.not_valid_after_utc)}): the CA must be renewed."]
        if number in (error_numbers.NOT_YET_VALID, error_numbers.EXPIRED):
            return [f"The module clock was set to {format_utc(clock)}; compare it with the server "
                    "certificate's validity (spwf-tui cert check --ca CA --server HOST:PORT --module-time ...)."]
        return []

    def _domain(self) -> str | None:
        kind = self._ctx.sockon_kind
        return kind if kind and kind.lower() not in ("t", "u", "s") else None

    def _module_error(self, code: int | None) -> str:
        ctx = self._ctx
        if code is None:
            return ("The module reported an error without a number: the command failed, and this "
                    "firmware says no more (check its syntax with the command builder's hint).")
        entry = catalog.error(code)
        if code == 74 and ctx.sockon_kind is not None:
            if ctx.saw_certificate_error:
                text = ("The TLS handshake failed on the certificate check (see the Certificate "
                        "Error line above); the TCP connection itself worked.")
            elif ctx.saw_loading:
                text = "The TCP connection worked but the TLS handshake failed."
            elif ctx.sockon_kind.lower() in ("t", "u"):
                text = ("The connection failed: wrong address or port, nothing listening there, or "
                        "the module has no IP yet (the sockets pane shows its address). To tell which, "
                        "try netcat on the server first.")
            else:
                text = ("No Loading line came first: the TLS handshake never started. Either the "
                        "TCP connection failed (refused: wrong address or port, nothing listening, "
                        "no IP yet), or the server accepted it but never answered the handshake "
                        "(busy: openssl s_server serves one client at a time). Try a plain 't' "
                        "socket or netcat on the server first.")
            if ctx.sockon_bad_third_field:
                text += (f" Note: SOCKON's third field is unused; {ctx.sockon_bad_third_field!r} "
                         "there is ignored. A server name to check goes in the fourth field, "
                         "in place of 's'.")
            return text
        if entry is None and code == EMULATOR_NOT_EMULATED:
            return ("Not from a real module: spwf-tui's emulated module (sim://) knows this "
                    "command but does not emulate it, so it did nothing. Try it on hardware "
                    "(README: The emulated module lists what is emulated).")
        if entry is None:
            return f"Error {code} is not in the firmware 1.x error table."
        return entry.explain


_PLACEHOLDER = re.compile(r"<([a-z]+)>")
MAX_FIELD_SHOWN = 16
"""A field longer than this (no id is) leaves its placeholder in the explanation."""


def _with_fields(text: str, names: tuple[str, ...], values: tuple[str, ...]) -> str:
    """``Data arrived on socket <id>`` with the WIND's own id: the placeholders its fields fill."""
    known = {name: value.strip() for name, value in zip(names, values)
             if value.strip() and len(value.strip()) <= MAX_FIELD_SHOWN}
    return _PLACEHOLDER.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def _meaning(number: int | None) -> str:
    """What is known of a certificate-error number, honest about the numbers only the emulator uses."""
    known = tls.CERTIFICATE_ERRORS.get(number) if number is not None else None
    if known:
        return known
    emulated = error_numbers.EMULATOR_MEANINGS.get(number) if number is not None else None
    if emulated:
        return (f"The TLS handshake failed. On the emulated module (spwf-tui sim) {number} means {emulated}; "
                "a real module's number for that is not known.")
    return tls.UNKNOWN_CERTIFICATE_ERROR


def _http_error(event: Event) -> str:
    if event.label == "Http Client Error":
        if event.code == 1:
            return "The HTTP client could not connect (connection refused): check host, port and the TLS flag."
        return "The HTTP client failed before a response arrived; the number is not documented."
    return f"The server answered HTTP status {event.code}."


_CONTEXT_COMMANDS = frozenset({"TIME", "TLSCERT", "SOCKON"})
"""The commands whose parameters ``_note_command`` remembers."""
_LINE_LABELS = frozenset({"Reading", "Http Server Status Code"})
"""``AT-S.`` lines explained from their own fields (``_line_explanation``)."""


_told_lines: dict[int, tuple[Event, str | None]] = {}
"""``line_explanation``'s answers by event (repeated lines are one object, see the decoder's
known lines); at most ``_STATELESS_CACHE``. Any thread: a dict's get and set are atomic."""


def line_explanation(event: Event) -> str | None:
    """The explanation of a WIND, a ``Reading`` or an ``Http Server Status Code`` line: what
    the line says by itself, whatever came before it (``Explainer.explain_or_later``)."""
    told = _told_lines.get(id(event))
    if told is not None and told[0] is event:
        return told[1]
    if len(_told_lines) >= _STATELESS_CACHE:
        _told_lines.clear()
    text = _explain_line(event)
    _told_lines[id(event)] = (event, text)
    return text


def _explain_line(event: Event) -> str | None:
    if event.kind == WIND and event.code not in (1, 55):
        if event.code is None:
            return None
        entry = catalog.wind(event.code)
        return _with_fields(entry.explain, entry.fields, event.fields[1:]) if entry else \
            f"WIND {event.code} is not in the firmware 1.x tables."
    return _line_explanation(event)


def _line_explanation(event: Event) -> str | None:
    """What one line says by itself: WIND 1 (build to version), WIND 55 (which socket, how to
    read), ``Reading`` and ``Http Server Status Code`` (what follows them)."""
    fields = event.fields
    if event.code == 1 and event.kind == WIND:
        build = fields[1] if len(fields) > 1 else ""
        version = next((v for b, v in FIRMWARE_BUILDS.items() if build.startswith(b)), None)
        if version:
            return f"The module booted: firmware {version} (build {build})."
        return "The module booted; the field is the firmware build (171117-0328fe3 is FW 1.1.0, 170216-fd39c59 FW 1.0.0)."
    if event.kind == WIND:  # 55: Pending Data:<server id or empty>:<id>:<bytes>:<total>
        # Shown, not computed with: short ASCII digit strings are enough (and cheap: WIND 55 is
        # the commonest line of a busy socket).
        if len(fields) < 5 or not all(_is_count(f) for f in fields[2:5]) or (fields[1] and not _is_count(fields[1])):
            pending = catalog.wind(55)
            return pending.explain if pending is not None else None
        server, sid, size, total = fields[1:5]
        if fields[1]:
            return (f"{size} bytes arrived from client {sid} of server socket {server} ({total} in all): read "
                    f"them with AT+S.SOCKDR={server},{sid},{size}.")
        return f"{size} bytes arrived on socket {sid} ({total} in all): read them with AT+S.SOCKR={sid},{size}."
    if event.label == "Reading":
        count = ascii_int(fields[0]) if fields else None
        if count is None:
            return None
        return f"{count} raw bytes of socket data follow this line, then AT-S.OK."
    if event.kind == INFO:  # Http Server Status Code
        status = fields[0] if fields else "?"
        return f"The HTTP server answered status {status}; the body follows as raw bytes until AT-S.OK."
    return None


def _is_count(field: str) -> bool:
    """ASCII digits, at most 10 of them (a 32-bit count)."""
    return 0 < len(field) <= 10 and field.isascii() and field.isdigit()
