"""The recording format's names, in one place: the writer, the reader, the replay and the log use these.

A recording (``SCHEMA_VERSION`` 1; README "Recordings" documents it for users) is JSON Lines: a
header object on the first line (``FORMAT``, the version, tool, port, settings, host, whether
secrets are kept), then one event object per line:

* ``{"t": 1.25, "dir": "rx"|"tx", "text": "..."}`` — the bytes of one transport read or write,
  as ``text`` when they are valid UTF-8, else ``"b64"`` (``encode_bytes``);
  ``"redacted": [[offset, length], ...]`` lists the byte runs replaced by ``*`` (``core.redact``);
  a ``tx`` event with ``"raw": LABEL`` came from ``Session.send_raw`` (bytes sent as they are, no
  command), one with ``"source": "@ca.pem"`` names the file its payload came from; a payload
  over ``session.session.TX_FIRST_PIECE`` is recorded in pieces, one ``tx`` event each (the
  line with the first, ``source`` on the last), with what came meanwhile between them;
* ``{"t": .., "dir": "note", "text": ".."}`` — a note from the tool or a marker from the user;
* ``{"t": .., "dir": "facts", "facts": {"firmware": .., "model": ..}}`` — module facts as they
  become known;
* ``{"t": .., "dir": "session", "event": "timeout", "line": ".."}``,
  ``{"t": .., "dir": "session", "event": "link", "state": .., "reason": ..}`` and
  ``{"t": .., "dir": "session", "event": "port"|"break"|"line", ..}`` (``session.port_control``:
  new port settings, a BREAK, a modem line set) — what the session decided that changes how later bytes are read (a
  command given up, the port gone or back, the port's settings and lines).

``t`` is seconds since the header's ``started`` (monotonic clock).
"""

from __future__ import annotations

import base64

# RX ("rx", bytes the module sent: one transport read), TX ("tx", bytes the tool wrote) and NOTE
# ("note", a note from the tool or a marker from the user) are also a LogEntry's directions: they
# are defined once, with the entry, in core (pure, so the presentation layer can take entries).
from spwf_tui.core.logentry import NOTE as NOTE, RX as RX, TX as TX

FORMAT = "spwf-tui-recording"
"""The header's ``format``: what tells a recording from any other JSON Lines file."""
SCHEMA_VERSION = 1
SUFFIX = ".jsonl"

FACTS = "facts"
"""Module facts (firmware, model) as they become known."""
CONTROL = "session"
"""A session decision a replay repeats (its ``event`` field says which)."""
KNOWN_DIRECTIONS = (RX, TX, NOTE, FACTS, CONTROL)
"""Every ``dir`` a reader accepts, in the order of the reader's one-byte codes."""

TIMEOUT_EVENT = "timeout"
"""``CONTROL`` event: the session gave up waiting for the reply to ``line``."""
LINK_EVENT = "link"
"""``CONTROL`` event: the link changed to ``state`` (lost, reconnecting, back), with a ``reason``."""


def encode_bytes(data: bytes) -> dict[str, str]:
    """``{"text": ...}`` when ``data`` is valid UTF-8, else ``{"b64": ...}``: how an event's bytes
    are written (the writer, and the reader when it writes redacted events back)."""
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(data).decode("ascii")}
