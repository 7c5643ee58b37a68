"""The seed thread's mistake, caught before it is sent: ``auth`` given as hex text.

``AT+S.TLSCERT=auth,<len>`` takes the CA's key id as raw bytes (20 for a SHA-1 SKI). Written as
the 40 hex characters ``openssl x509 -text`` prints, the module stores the text, says OK, and
every TLS ``SOCKON`` later fails with ``Certificate Error:3`` (docs/protocol.md §6.2). The three
ways people send it: ``auth,40`` with the characters as the payload, ``auth,"3EF1..."`` and
``auth,@file`` of a text file holding them. ``check`` recognises all of them from the line and
its payload; ``announced`` warns while only ``auth,40`` is typed (the payload comes later).

The fix names the CA the session uploaded (``ski:ca.pem``), or a placeholder when none is known.
"""

from __future__ import annotations

import re

from spwf_tui.core.commandline import parse
from spwf_tui.core.digits import ascii_int

SKI_LENGTH = 20
"""The raw length of a SHA-1 Subject Key Identifier, what ``auth`` wants."""
MIN_HEX_DIGITS = 8
"""Fewer hex characters could be raw bytes that happen to be letters and digits."""
_HEX_TEXT = re.compile(rb"\s*(?:0x)?[0-9A-Fa-f]{2}(?:[\s:]*(?:0x)?[0-9A-Fa-f]{2})*\s*")
_HEX_DIGIT = re.compile(rb"[0-9A-Fa-f]")
UNKNOWN_CA = "<your CA file>"


def ski_fix(ca_file: str | None) -> str:
    """The command that uploads the CA's key id the right way (``ski:`` computes the 20 bytes)."""
    return f"AT+S.TLSCERT=auth,ski:{ca_file or UNKNOWN_CA}"


def ca_file_of(line: str, source: str | None) -> str | None:
    """The CA file a sent command names: ``TLSCERT=ca,@FILE`` or ``TLSCERT=auth,ski:FILE``."""
    if not source:
        return None
    parsed = parse(line)
    kind = parsed.params[0].strip().lower() if parsed.name == "TLSCERT" and parsed.params else ""
    if kind == "ca" and source.startswith("@") and len(source) > 1:
        return source[1:]
    if kind == "auth" and source.startswith("ski:") and len(source) > 4:
        return source[4:]
    return None


def is_auth_upload(line: str) -> bool:
    """``AT+S.TLSCERT=auth,...`` (any case)."""
    parsed = parse(line)
    return parsed.name == "TLSCERT" and bool(parsed.params) and \
        parsed.params[0].strip().lower() == "auth"


def hex_digits(payload: bytes) -> int | None:
    """How many hex digits ``payload`` is made of, when it is hex written as text; else None."""
    if _HEX_TEXT.fullmatch(payload) is None:
        return None
    return len(_HEX_DIGIT.findall(payload.replace(b"0x", b"").replace(b"0X", b"")))


def check(line: str, payload: bytes | None, ca_file: str | None) -> str | None:
    """A warning when ``line`` uploads ``auth`` and ``payload`` is hex text; else None."""
    if payload is None or not is_auth_upload(line):
        return None
    digits = hex_digits(payload)
    if digits is None or digits < MIN_HEX_DIGITS:
        return None
    return (f"auth takes the CA's key id as {SKI_LENGTH} raw bytes, but these {len(payload)} bytes are "
            f"{digits} hex characters written as text: the module would store the text and TLS "
            f"SOCKON would fail with Certificate Error:3. Fix: {ski_fix(ca_file)}")


def announced(line: str, ca_file: str | None) -> str | None:
    """A warning for ``auth,40`` (the SKI's length in hex characters), before any payload."""
    if not is_auth_upload(line):
        return None
    params = parse(line).params
    length = ascii_int(params[1].strip()) if len(params) > 1 else None
    if length != 2 * SKI_LENGTH:
        return None
    return (f"auth,40 is the key id's length as hex text; the module wants the {SKI_LENGTH} raw "
            f"bytes. Fix: {ski_fix(ca_file)}")
