"""Payload sources and the encoder that turns a command line into the exact bytes to send.

A data-phase command (``<len><CR><data>`` in the module's syntax) takes, in place of its final
``<len>``, one of these sources; the length is computed and the line is sent as
``<command up to len><len>\\r`` followed by exactly the payload:

=================  =====================================================================
``@PATH``          the file's bytes unchanged (CRLF stays CRLF, nothing added or removed)
``hex:3E F1 ...``  raw bytes; spaces, colons and ``0x`` prefixes allowed
``ski:PATH``       the Subject Key Identifier of the certificate at PATH, raw (20 bytes)
``"text"``         C-style escapes ``\\r \\n \\t \\\\ \\" \\xNN``
=================  =====================================================================

Files are read through a function the caller passes in, so this module does no I/O. Every
problem raises ``PayloadError`` with a one-line message before anything could be sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spwf_tui.core.catalog import Command
from spwf_tui.core.commandline import DELIMITER, has_data_phase, parse, payload_limit
from spwf_tui.core.digits import ascii_int
from spwf_tui.core.display import visible

ReadFile = Callable[[str], bytes]
"""Reads a file's bytes; raises OSError when it cannot."""

SOURCE_PREFIXES = ("@", "hex:", "ski:", '"')
FREE_TEXT_COMMANDS = frozenset({"SCFG", "SSIDTXT"})
"""Commands whose last value is free text: a passphrase or an SSID may well start with ``@`` or
``"``, so there it is sent as typed, never read as a payload source."""


class PayloadError(ValueError):
    """A payload source or data-phase line that cannot be sent; the message says why and how."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What to send for one command line."""

    line: str
    """The command line as it goes out, without the CR (the length already filled in)."""
    payload: bytes | None = None
    """The data-phase bytes, or None when there is no data phase or they are still to come."""
    source: str | None = None
    """The payload source as the user wrote it (``@ca.pem``), for previews."""
    awaiting_payload: int | None = None
    """A plain length was typed for a data-phase command: the caller must supply that many bytes."""

    @property
    def wire(self) -> bytes:
        """The exact bytes for the transport: line, CR, payload."""
        return self.line.encode("utf-8") + b"\r" + (self.payload or b"")


def encode(line: str, read_file: ReadFile) -> Outgoing:
    """Turn a typed command line into what to send.

    Raises:
        PayloadError: a bad source (missing file, odd hex, certificate without SKI...), a source
            on a command without data phase, or an empty payload.
    """
    line = line.rstrip("\r\n")
    split = _split_source(line)
    parsed = parse(line)
    cmd = parsed.command
    if split is None:
        if cmd is not None and has_data_phase(cmd, parsed.params):
            last = parsed.params[-1].strip() if parsed.params else ""
            length = ascii_int(last)  # "²" or 5000 digits: no number (core.digits)
            if length is not None:
                _check_limit(cmd, parsed.params, length, f"{cmd.full_name} announces {length:,}")
                return Outgoing(line, awaiting_payload=length)
            raise PayloadError(
                f"{cmd.full_name} ends with a payload length: give a number or a source "
                f"(@FILE, hex:.., ski:FILE, \"text\") in place of {last or '<len>'!r}"
            )
        return Outgoing(line)
    head, source_text = split
    if cmd is not None and cmd.name in FREE_TEXT_COMMANDS:
        return Outgoing(line)
    if cmd is None or not cmd.data_phase:
        name = cmd.full_name if cmd else (line.partition("=")[0] or line)
        raise PayloadError(f"{name} has no data phase: {source_text!r} cannot be sent as payload")
    payload = resolve_source(source_text, read_file)
    if not payload:
        raise PayloadError(f"the payload from {source_text!r} is empty: the module needs at least one byte")
    _check_limit(cmd, parse(head).params, len(payload), f"{visible(source_text)} holds {len(payload):,}")
    return Outgoing(f"{head}{len(payload)}", payload, source_text)


def _check_limit(cmd: Command, params: tuple[str, ...], size: int, what: str) -> None:
    """Refuse a data phase larger than the catalog says the module takes (docs/protocol.md §2.8)."""
    limit, sent_as = payload_limit(cmd, params)
    if size > limit:
        raise PayloadError(f"{what} bytes, more than {sent_as} takes ({limit:,} bytes); "
                           "nothing was sent")


def typed_payload_bytes(typed: str, read_file: ReadFile) -> bytes:
    """The bytes a payload typed on its own stands for (after a plain data-phase length): a
    source's bytes, else the text as UTF-8. The line end a terminal leaves is not part of it.

    Both front ends ask for such a payload (the TUI's dialog, the REPL's next line) and read it
    here, so the same typing gives the same bytes in both.

    Raises:
        PayloadError: nothing typed, or a bad source.
    """
    text = typed.rstrip("\r\n")
    if not text:
        raise PayloadError("no payload given; nothing sent")
    return resolve_source(text, read_file) if is_source(text) else text.encode("utf-8")


def with_typed_payload(outgoing: Outgoing, typed: str, read_file: ReadFile) -> Outgoing:
    """``outgoing`` (awaiting its payload) with the payload typed on its own.

    Raises:
        PayloadError: nothing typed, a bad source, or not the announced number of bytes (the
            module would wait for bytes that never come, or take the rest as a command).
    """
    data = typed_payload_bytes(typed, read_file)
    wanted = outgoing.awaiting_payload
    if len(data) != wanted:
        raise PayloadError(
            f"{outgoing.line} announces {wanted} bytes but {len(data)} were given; nothing sent "
            "(put the source in place of the length and it is computed for you)"
        )
    return Outgoing(outgoing.line, data, typed.rstrip("\r\n"))


def is_source(text: str) -> bool:
    """True when ``text`` is written as a payload source."""
    return text.startswith(SOURCE_PREFIXES)


def resolve_source(text: str, read_file: ReadFile) -> bytes:
    """The bytes a payload source stands for.

    Raises:
        PayloadError: the source cannot give bytes.
    """
    if text.startswith("@"):
        return _read(text[1:], read_file)
    if text.startswith("hex:"):
        return parse_hex(text[4:])
    if text.startswith("ski:"):
        return _ski(text[4:], read_file)
    if text.startswith('"'):
        return parse_quoted(text)
    raise PayloadError(f"{text!r} is not a payload source (use @FILE, hex:.., ski:FILE or \"text\")")


def parse_hex(text: str) -> bytes:
    """``3E F1:74 0x7F`` → bytes. Spaces, colons and ``0x`` prefixes are allowed."""
    digits = re.sub(r"0[xX]|[\s:]", "", text)
    bad = re.search(r"[^0-9a-fA-F]", digits)
    if bad:
        raise PayloadError(f"hex: {bad.group()!r} is not a hex digit (allowed: 0-9 a-f, spaces, ':', 0x)")
    if len(digits) % 2:
        raise PayloadError(f"hex: odd number of digits ({len(digits)}); every byte needs two")
    return bytes.fromhex(digits)


_ESCAPES = {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\", '"': b'"', "0": b"\0"}


def parse_quoted(text: str) -> bytes:
    """``"GET / HTTP/1.0\\r\\n\\r\\n"`` → bytes, with C-style escapes."""
    out = bytearray()
    i = 1
    while i < len(text):
        ch = text[i]
        if ch == '"':
            if i != len(text) - 1:
                raise PayloadError('text payload: text after the closing quote; write \\" for a quote inside')
            return bytes(out)
        if ch != "\\":
            out += ch.encode("utf-8")
            i += 1
            continue
        esc = text[i + 1:i + 2]
        if esc in _ESCAPES:
            out += _ESCAPES[esc]
            i += 2
        elif esc == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise PayloadError(
                f"text payload: unknown escape '{text[i:i + 2]}' (use \\r \\n \\t \\\\ \\\" \\xNN)"
            )
    raise PayloadError('text payload: missing closing quote (write "..." around the text)')


def _split_source(line: str) -> tuple[str, str] | None:
    """Split ``line`` into (everything up to the source, the source), or None.

    The source is the last parameter but may itself contain the delimiter (``"a,b"``,
    a path with a comma), so it starts at the first parameter that looks like a source.
    """
    head, equals, tail = line.partition("=")
    if not equals:
        return None
    offset = len(head) + 1
    for field in tail.split(DELIMITER):
        stripped = field.lstrip()
        if is_source(stripped):
            start = offset + (len(field) - len(stripped))
            return line[:start], line[start:].rstrip()
        offset += len(field) + 1
    return None


def _read(path: str, read_file: ReadFile) -> bytes:
    if not path:
        raise PayloadError("@: give a file path after the @ (e.g. @ca_cert.pem)")
    try:
        return read_file(path)
    except OSError as exc:
        # The path is shown with control characters escaped: one line, nothing for the terminal.
        raise PayloadError(f"{visible(path)}: {read_problem(exc)}") from None


def read_problem(exc: OSError) -> str:
    """Why a user's file could not be read, in words (shared by every command that reads one)."""
    if getattr(exc, "says_why", False):
        return str(exc.strerror)  # the reader's own sentence (``spwf_tui.inputfiles``)
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied (check the file's permissions)"
    return f"cannot read ({exc.strerror or exc})"


def _ski(path: str, read_file: ReadFile) -> bytes:
    if not path:
        raise PayloadError("ski: give the CA certificate's path (e.g. ski:ca_cert.pem)")
    data = _read(path, read_file)
    # Imported here: cryptography's X.509 costs a one-command ``run`` a third of its start-up,
    # and only ski: needs it.
    from spwf_tui.core.certs import loading

    try:
        cert = loading.load_certificate(data)
    except loading.CertificateError as exc:
        raise PayloadError(f"{path}: {exc}") from None
    ski = loading.subject_key_identifier(cert)
    if ski is None:
        raise PayloadError(
            f"{path}: the certificate has no Subject Key Identifier extension; "
            "re-issue the CA with one (openssl: subjectKeyIdentifier=hash)"
        )
    return ski
