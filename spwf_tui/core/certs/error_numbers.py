"""The ``AT-S.Certificate Error:<n>`` numbers the tool predicts, and which of them are real.

Real modules were seen answering 3 (the CA's key id given to ``TLSCERT=auth`` is wrong) and 23
(the server's chain does not lead to the stored CA) — docs/protocol.md §4.3. For an expired or
not-yet-valid certificate and for a server name that does not match, nobody published the
number; the emulated module (``emulator/tlsverify.py``) uses OpenSSL's numbers for the same
conditions (9, 10, 62). ``cert check`` predicts with these numbers and says which are guesses; the
emulator takes them from here.
"""

from __future__ import annotations

KEY_ID_MISMATCH = 3
"""The key id the module knows the CA by (``auth``, or the SKI of a DER upload) is not the CA's."""
CA_NOT_FOUND = 23
"""No CA stored, or the server's chain does not lead to the stored CA."""
NOT_YET_VALID = 9
"""A certificate of the chain is not yet valid at the module's clock (the emulator's number)."""
EXPIRED = 10
"""A certificate of the chain has expired at the module's clock (the emulator's number)."""
DOMAIN_MISMATCH = 62
"""The server name given in SOCKON's 4th field is not the leaf's (the emulator's number)."""

SEEN_ON_REAL_MODULES = frozenset({KEY_ID_MISMATCH, CA_NOT_FOUND})
"""Numbers reported from real hardware; the others are the emulator's choice."""

EMULATOR_MEANINGS: dict[int, str] = {
    NOT_YET_VALID: "a certificate of the server's chain (or the CA) is not yet valid at the module's clock",
    EXPIRED: "a certificate of the server's chain (or the CA) has expired at the module's clock",
    DOMAIN_MISMATCH: "the server name given in SOCKON's 4th field does not match the server certificate",
}
"""What the emulated module means by the numbers that were never seen on real hardware."""


def honesty_note(number: int) -> str | None:
    """A sentence saying a number is the emulator's guess, or None for numbers seen on modules."""
    if number in SEEN_ON_REAL_MODULES:
        return None
    return (f"{number} is the emulated module's number for this; the number a real module prints "
            "for it is not known (only 3 and 23 have been seen).")
