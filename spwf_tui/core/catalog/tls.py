"""What is known about ``AT-S.Certificate Error:<n>`` numbers.

Source: ``docs/protocol.md`` §4.3 and §6. The firmware stores no text for these numbers [F];
the only evidence is a handful of public forum threads [C], and the reading that they are not
OpenSSL ``X509_V_ERR_*`` codes is an inference [I]. The line is always followed by
the command's own final error (74 for SOCKON, 111 for HTTP requests).
"""

from __future__ import annotations

CERTIFICATE_ERRORS: dict[int, str] = {
    3: "Seen when the `auth` object was not the CA's 20 raw Subject Key Identifier bytes (a user "
       "had sent the 40 hex characters as text); re-sending it as 20 binary bytes fixed the "
       "connection. Check TLSCERT=auth first, and that the stored CA is the right one.",
    5: "Reported in a forum thread (SOCKON to www.ssllabs.com with a server domain name); the "
       "cause was never confirmed. Check the stored CA, the auth key id, the module clock "
       "(AT+S.TIME) and the server name.",
    19: "Reported in a forum thread (restipsum.com); the cause was never confirmed. Check that the "
        "stored CA is the root of the server's chain, the auth key id and the module clock.",
    23: "Seen when the CA that signed the server's chain was not the stored one (the user read it "
        "as 'CA could not be found'). Store the root CA of that server's chain with TLSCERT=ca, "
        "plus its 20-byte key id with TLSCERT=auth when the CA was PEM.",
}
"""Certificate-error numbers seen in public reports, with what is actually known about each."""

UNKNOWN_CERTIFICATE_ERROR: str = (
    "The TLS handshake failed. The number is opaque: the firmware gives it no text and it does "
    "not follow OpenSSL's X509_V_ERR codes. Check that the stored CA (TLSCERT=ca) is the root of "
    "the server's chain, that auth holds its 20 raw Subject Key Identifier bytes when the CA was "
    "PEM, that the module clock was set with AT+S.TIME to a time inside the certificates' "
    "validity, and that the server name in SOCKON's 4th field matches the certificate."
)
"""Explanation for any certificate-error number not in ``CERTIFICATE_ERRORS``."""
