"""Secret redaction for recordings and exports: pure, streaming, length-preserving.

What counts as a secret (``--record-secrets`` keeps them):

* host to module (``tx``): the payload of ``TLSCERT=key,<len>`` and ``WPAECERT=key,<len>``; the
  value of ``SCFG=<name>,<value>`` for every configuration variable the catalog marks ``secret``
  (``wifi_wpa_psk_text``, ``wifi_wpa_psk_raw``, ``wifi_eap_passwd``, ``aes128_key``,
  ``wifi_wep_keys[0..3]``);
* module to host (``rx``): the echo of such an ``SCFG`` line, and ``AT-S.Var:<name>=<value>``
  (what ``GCFG`` prints) for the same variables.

Each secret byte becomes ``*`` (``MARK``): lengths and offsets stay, so a redacted recording is
still byte-aligned with what crossed the port. The redactor says where it replaced, as
``(offset, length)`` spans relative to the bytes it returned.

The module's output arrives in arbitrary pieces, so ``StreamRedactor.feed`` works on a stream: a
line is secret or not by its first bytes, and only while those first bytes could still begin a
secret line (``AT+S.SC``, ``AT-S.Var:wifi_w``...) are they held back; every other byte comes out
of the same ``feed`` call that took it in. The output therefore never depends on the chunking.
Known limit: the rx side does not follow the module's raw payloads (``SOCKR`` data, ``FSP``
bodies), so a payload that itself contains ``AT-S.Var:wifi_wpa_psk_text=...`` at a line start is
redacted too (marked, like every redaction).
"""

from __future__ import annotations

import re

from spwf_tui.core import catalog
from spwf_tui.core.commandline import data_phase_length, parse

MARK = 0x2A
"""``*``: what every secret byte becomes."""

SECRET_VARIABLES = frozenset(var.name.upper() for var in catalog.CONFIG_VARIABLES if var.secret)
"""Upper-case names of the configuration variables whose values are secrets."""

SECRET_PAYLOAD_COMMANDS = frozenset({"TLSCERT", "WPAECERT"})
"""Commands whose ``key`` data phase is a private key."""

Span = tuple[int, int]
"""(offset, length) of a redacted run of bytes."""

_LINE_FORMS = ((b"AT+S.SCFG=", b","), (b"AT-S.VAR:", b"="))
"""Secret line starts (compared upper-case) and the byte that ends the variable's name."""
_NAME_SLACK = 8
"""Spaces tolerated around a name before a line is declared not secret (bounds the hold-back)."""
_MAX_NAME = max(len(name) for name in SECRET_VARIABLES)
_MAX_TX_LINE = 1024
"""Host lines are at most 512 bytes for the module; longer ones only need their start kept."""

_UNDECIDED, _PLAIN, _SECRET, _PAYLOAD = range(4)

_NAMES = b"|".join(re.escape(name.encode()) for name in sorted(SECRET_VARIABLES))
_IN_TEXT = re.compile(rb"(?i)(?:S\.SCFG=[ \t]*(?:" + _NAMES + rb")[ \t]*,|S\.Var:(?:" + _NAMES + rb")=)")

_IN_LOWERED_TEXT = re.compile(_IN_TEXT.pattern.decode("ascii").removeprefix("(?i)").lower())
"""``_IN_TEXT`` for lower-cased text: a case-sensitive search is many times faster."""

_KEYWORDS = re.compile(rb"(?i)SCFG|VAR:")
"""Every secret line holds one of these; output without them needs no line-by-line look."""
_TEXT_KEYWORDS = re.compile(r"(?i)SCFG|VAR:")

MAYBE = -1
"""``secret_value_start``: the bytes so far could still begin a secret line."""


def secret_value_start(head: bytes) -> int | None:
    """Where the secret value starts in a line that begins with ``head`` (no CR/LF in it).

    Returns:
        The offset of the value when ``head`` already shows a secret line, ``MAYBE`` when more
        bytes are needed to decide, None when the line is not secret.
    """
    upper = head.upper()
    for prefix, delimiter in _LINE_FORMS:
        common = min(len(upper), len(prefix))
        if upper[:common] != prefix[:common]:
            continue
        if len(upper) <= len(prefix):
            return MAYBE
        rest = upper[len(prefix):]
        end = rest.find(delimiter)
        if end < 0:
            started = rest.strip(b" \t").decode("latin-1")
            if len(rest) <= _MAX_NAME + _NAME_SLACK and any(n.startswith(started) for n in SECRET_VARIABLES):
                return MAYBE
            return None
        name = rest[:end].strip(b" \t").decode("latin-1")
        return len(prefix) + end + 1 if name in SECRET_VARIABLES else None
    return None


class StreamRedactor:
    """Redacts one direction of a session, fed in whatever pieces it arrived.

    Args:
        tx: the host-to-module direction: lines end at CR only (the module ignores LF outside a
            data phase), and data phases announced by a line (``TLSCERT=key,<len>``...) are
            followed by exactly that many payload bytes. Otherwise the module's output: lines end
            at CR or LF and there are no data phases to follow.
    """

    def __init__(self, *, tx: bool) -> None:
        self._tx = tx
        self._mode = _UNDECIDED
        self._held = bytearray()
        """The start of the current line while it could still be a secret line."""
        self._line = bytearray()
        """tx only: the current line's content, to find its data phase at the CR."""
        self._payload_left = 0
        self._payload_secret = False

    @property
    def holding(self) -> int:
        """How many bytes are held back, waiting to see whether their line is secret."""
        return len(self._held)

    def feed(self, data: bytes) -> tuple[bytes, list[Span]]:
        """Redact the next piece; returns the bytes to keep (same count as taken in, less the
        hold-back change) and the redacted spans within them."""
        fast = self._fast(data)
        if fast is not None:
            return fast, []
        out = bytearray()
        spans: list[Span] = []
        pos, size = 0, len(data)
        keywords = None if self._tx else _KeywordIndex(data)  # lower-cases the data: rx only needs it
        while pos < size:
            if self._mode == _PAYLOAD:
                pos = self._take_payload(data, pos, out, spans)
                continue
            if not self._tx and self._mode == _UNDECIDED and not self._held:
                # At a line start: the whole lines up to the next keyword cannot be secret.
                plain_end = _plain_lines_end(data, keywords, pos)
                if plain_end > pos:
                    out += data[pos:plain_end]
                    pos = plain_end
                    continue
            end = self._terminator(data, pos)
            stop = size if end < 0 else end
            segment = data[pos:stop]
            if self._tx:
                self._track(segment)
            if self._mode == _PLAIN:
                out += segment
            elif self._mode == _SECRET:
                self._mark_value(segment, out, spans)
            else:
                self._held += segment
                if not self._decide(out, spans, line_ended=end >= 0):
                    return bytes(out), spans
            if end < 0:
                break
            out.append(data[end])
            pos = end + 1
            self._end_line()
        return bytes(out), spans

    def flush(self) -> tuple[bytes, list[Span]]:
        """End of the stream: release what is held (a line start that never became secret)."""
        held = bytes(self._held)
        self._held.clear()
        return held, []

    # -- internals --------------------------------------------------------------------------

    def _fast(self, data: bytes) -> bytes | None:
        """The module's usual output in one step (the RX hot path); None: take the slow path.

        Without ``SCFG`` or ``Var:`` in it, no line of ``data`` can turn secret, so only its
        unterminated end needs a look: it is held when it could still begin a secret line.
        """
        if self._tx or self._held or self._mode not in (_UNDECIDED, _PLAIN) or _KeywordIndex(data).next(0) >= 0:
            return None
        last = max(data.rfind(b"\r"), data.rfind(b"\n"))
        if last < 0:
            return data if self._mode == _PLAIN else None
        tail = data[last + 1:]
        if tail and secret_value_start(tail) == MAYBE:
            self._held += tail
            self._mode = _UNDECIDED
            return data[:last + 1]
        self._mode = _PLAIN if tail else _UNDECIDED
        return data

    def _terminator(self, data: bytes, pos: int) -> int:
        cr = data.find(b"\r", pos)
        if self._tx:
            return cr
        lf = data.find(b"\n", pos)
        if cr < 0 or (0 <= lf < cr):
            return lf
        return cr

    def _track(self, segment: bytes) -> None:
        room = _MAX_TX_LINE - len(self._line)
        if room > 0:
            self._line += segment.replace(b"\n", b"")[:room]

    def _decide(self, out: bytearray, spans: list[Span], *, line_ended: bool) -> bool:
        """Classify the held line start; False while it must stay held."""
        held = bytes(self._held)
        visible = held.replace(b"\n", b"") if self._tx else held
        start = secret_value_start(visible)
        if start == MAYBE and not line_ended:
            return False
        self._held.clear()
        if start is None or start == MAYBE:
            out += held
            self._mode = _PLAIN
            return True
        raw_start = _raw_offset(held, start) if self._tx else start
        out += held[:raw_start]
        self._mode = _SECRET
        self._mark_value(held[raw_start:], out, spans)
        return True

    def _mark_value(self, value: bytes, out: bytearray, spans: list[Span]) -> None:
        """Mark ``value``; on tx, LF bytes are not part of it (the module drops them)."""
        for piece_index, piece in enumerate(value.split(b"\n") if self._tx else [value]):
            if piece_index:
                out.append(0x0A)
            if piece:
                _add_span(spans, len(out), len(piece))
                out += bytes([MARK]) * len(piece)

    def _end_line(self) -> None:
        self._mode = _UNDECIDED
        if not self._tx:
            return
        line = self._line.decode("utf-8", "replace")
        self._line.clear()
        length = data_phase_length(line)
        if length:
            self._payload_secret = is_secret_payload(line)
            self._payload_left = length
            self._mode = _PAYLOAD

    def _take_payload(self, data: bytes, pos: int, out: bytearray, spans: list[Span]) -> int:
        take = min(self._payload_left, len(data) - pos)
        if self._payload_secret:
            _add_span(spans, len(out), take)
            out += bytes([MARK]) * take
        else:
            out += data[pos:pos + take]
        self._payload_left -= take
        if self._payload_left == 0:
            self._mode = _UNDECIDED
        return pos + take


class _KeywordIndex:
    """Where ``_KEYWORDS`` match in one piece of data, each keyword's next match looked up once.

    ``bytes.find`` on the lower-cased data (``(?i)`` in a bytes pattern is ASCII-only, like
    ``bytes.lower``) is many times faster than the regex on the RX hot path.
    """

    _WORDS = (b"scfg", b"var:")

    def __init__(self, data: bytes) -> None:
        self._lowered = data.lower()
        self._at = [-2] * len(self._WORDS)
        """Each keyword's last match; -1: no more; -2: not looked up yet."""

    def next(self, pos: int) -> int:
        """Where the first keyword at or after ``pos`` starts; -1 when there is none."""
        at = self._at
        for index, word in enumerate(self._WORDS):
            if at[index] != -1 and at[index] < pos:
                at[index] = self._find(word, pos)
        found = [where for where in at if where >= 0]
        return min(found) if found else -1

    def _find(self, word: bytes, pos: int) -> int:
        lowered = self._lowered
        where = lowered.find(word, pos)
        # A configuration dump is a hundred ``Var:`` lines, nearly all of them plain: only a
        # ``Var:`` that a secret name may follow counts, or every dump takes the slow path.
        while word == b"var:" and where >= 0 and not _may_name_secret(lowered, where + len(word)):
            where = lowered.find(word, where + len(word))
        return where


_LOWER_NAMES = tuple(name.lower().encode() for name in sorted(SECRET_VARIABLES))


def _may_name_secret(lowered: bytes, start: int) -> bool:
    """Whether the bytes at ``start`` (lower-cased) may begin a secret variable's name, blanks
    before it allowed. Too little to tell (the data ends, or blanks fill the window) counts as
    may: the line-by-line path then decides."""
    window = lowered[start:start + _MAX_NAME + _NAME_SLACK + 1].lstrip(b" \t")
    if window.startswith(_LOWER_NAMES):
        return True
    return len(window) < _MAX_NAME and any(name.startswith(window) for name in _LOWER_NAMES)


def _plain_lines_end(data: bytes, keywords: _KeywordIndex, pos: int) -> int:
    """Module output: where the whole lines from ``pos`` that hold no keyword end (``pos``: none)."""
    keyword = keywords.next(pos)
    limit = keyword if keyword >= 0 else len(data)
    last = max(data.rfind(b"\r", pos, limit), data.rfind(b"\n", pos, limit))
    return last + 1 if last >= 0 else pos


def is_secret_payload(line: str) -> bool:
    """True when ``line`` (a command line) announces a private key as its data phase."""
    parsed = parse(line)
    first = parsed.params[0].strip().lower() if parsed.params else ""
    return parsed.name in SECRET_PAYLOAD_COMMANDS and first == "key"


def typed_line_holds_secret(line: str) -> bool:
    """True when a command line as typed carries a secret in its own text: ``SCFG`` of a secret
    variable, or a private key given inline (``TLSCERT=key,"..."`` or ``hex:``; ``@FILE`` and
    ``ski:`` only name a file). Such lines stay out of history files."""
    parsed = parse(line.strip())
    params = [p.strip() for p in parsed.params]
    if parsed.name == "SCFG" and params:
        return params[0].upper() in SECRET_VARIABLES
    if parsed.name in SECRET_PAYLOAD_COMMANDS and len(params) >= 2 and params[0].lower() == "key":
        return not params[1].startswith(("@", "ski:")) and not params[1].isdigit()
    return False


def may_hold_secret(text: str) -> bool:
    """False when ``text`` cannot hold a secret assignment (the cheap test before ``redact_text``)."""
    if text.isascii():  # the usual line, on the RX path: a plain search is several times faster
        lowered = text.lower()
        return "scfg" in lowered or "var:" in lowered
    return _TEXT_KEYWORDS.search(text) is not None


def holds_secret_assignment(text: str) -> bool:
    """True when ``redact_text`` would change something in ``text`` (or may: lower-casing is
    Unicode's, a little wider than the byte rule's ASCII)."""
    return _IN_LOWERED_TEXT.search(text.lower()) is not None


def redact_all(data: bytes, *, tx: bool) -> tuple[bytes, list[Span]]:
    """Redact a whole stream at once (``feed`` then ``flush``)."""
    redactor = StreamRedactor(tx=tx)
    out, spans = redactor.feed(data)
    rest, _ = redactor.flush()
    return out + rest, spans


def redact_text(text: str) -> tuple[str, list[Span]]:
    """Redact a tool's or user's note: a secret ``SCFG`` or ``Var`` assignment anywhere in it.

    Everything from the value to the end of its line is replaced (a note may append words after
    a command line, and over-redacting a note costs nothing). Spans are in UTF-8 bytes.
    """
    data = text.encode("utf-8", "backslashreplace")
    spans: list[Span] = []
    out = bytearray(data)
    for match in _IN_TEXT.finditer(data):
        start = match.end()
        end = len(data)
        for terminator in (b"\r", b"\n"):
            found = data.find(terminator, start)
            if 0 <= found < end:
                end = found
        if end > start:
            out[start:end] = bytes([MARK]) * (end - start)
            _add_span(spans, start, end - start)
    return out.decode("utf-8"), spans


def _add_span(spans: list[Span], offset: int, length: int) -> None:
    """Append a span, merging it with the previous one when they touch."""
    if spans and spans[-1][0] + spans[-1][1] == offset:
        spans[-1] = (spans[-1][0], spans[-1][1] + length)
    else:
        spans.append((offset, length))


def _raw_offset(held: bytes, visible_offset: int) -> int:
    """The offset in ``held`` of the byte at ``visible_offset`` once LF bytes are dropped."""
    seen = 0
    for index, byte in enumerate(held):
        if byte == 0x0A:
            continue
        if seen == visible_offset:
            return index
        seen += 1
    return len(held)
