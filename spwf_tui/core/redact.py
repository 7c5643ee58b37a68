"""Secret redaction for the screen, recordings, history and exports: pure, streaming, length-preserving.

One set of rules, used everywhere a secret could be shown or written (``--record-secrets`` and
``--show-secrets`` keep them):

* a configuration assignment ``S.SCFG=<name><d><value>`` for every variable the catalog marks
  ``secret`` (``wifi_wpa_psk_text``, ``wifi_wpa_psk_raw``, ``wifi_eap_passwd``, ``aes128_key``,
  ``wifi_wep_keys[0..3]``): the host's command and the module's echo of it;
* the module's readout ``S.Var:<name>=<value>`` (what ``GCFG`` prints) for the same variables;
* the payload of ``TLSCERT=key,<len>`` and ``WPAECERT=key,<len>`` (a private key);
* module output that reproduces a line of such a key just sent (``SecretEcho``): a module that
  refuses the data phase reads the key's lines as commands and echoes each of them.

The rules follow the module's parser, not the factory syntax: the delimiter after the name is
whatever byte comes there (``console_delimiter`` may be ``;``), blanks are allowed around ``=``
and the name, and the assignment is found anywhere in a line (a noise byte before the echo, a
leading space, an echo that the decoder took for payload after an unsolicited ``Reading``).
Everything from the value to the end of its line is secret.

Each secret byte becomes ``*`` (``MARK``): lengths and offsets stay, so a redacted recording is
still byte-aligned with what crossed the port. The redactor says where it replaced, as
``(offset, length)`` spans relative to the bytes it returned.

``StreamRedactor.feed`` works on a stream cut anywhere: the value of a secret starts only after
the whole ``...<name><d>`` has been seen, so no byte needs holding back to find it; only the end
of a line that could still begin an assignment is remembered (``carrying``) to match across the
cut. The output never depends on the chunking. Known limit: the rx side does not follow the
module's raw payloads (``SOCKR`` data, ``FSP`` bodies), so a payload that itself contains
``S.Var:wifi_wpa_psk_text=...`` is redacted too (marked, like every redaction).
"""

from __future__ import annotations

import functools
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

MAYBE = -1
"""``secret_value_start``: the end of the bytes so far could still begin a secret assignment."""

_BLANKS = 64
"""Blanks tolerated around ``=`` and a name; bounds how much of a line is carried across a cut."""
_MAX_TX_LINE = 1024
"""Host lines are at most 512 bytes for the module; longer ones only need their start kept."""

_NAMES = sorted((name.lower().encode() for name in SECRET_VARIABLES), key=len, reverse=True)
_NAME = b"(?:" + b"|".join(re.escape(name) for name in _NAMES) + b")"
_B = b"[ \\t]{0,%d}" % _BLANKS
# Matched on lower-cased bytes (ASCII-only, like the module): a case-sensitive search is many
# times faster than ``(?i)``. A match ends where the secret value starts.
_FULL = re.compile(b"s\\.scfg" + _B + b"=" + _B + _NAME + b"[^\\r\\n]"   # the delimiter: any byte
                   b"|s\\.var:" + _B + _NAME + _B + b"=")


def _literal_prefixes(literal: bytes) -> bytes:
    """Its non-empty beginnings: a carried line end starts with ``s``."""
    return b"(?:" + b"|".join(re.escape(literal[:n]) for n in range(len(literal), 0, -1)) + b")"


def _sequence_prefix(tokens: list[tuple[bytes, bytes]]) -> bytes:
    """A pattern for every proper beginning of the sequence (each token: (pattern, its prefixes))."""
    alternatives = [b"".join(full for full, _ in tokens[:i]) + prefix for i, (_, prefix) in enumerate(tokens)]
    return b"(?:" + b"|".join(alternatives) + b")"


@functools.cache
def _partial() -> re.Pattern[bytes]:
    """A line end (matched whole, from an ``s``) that following bytes could turn into a match of
    ``_FULL``. Compiled on first use: it is the largest pattern of the start-up (tens of ms), and
    most runs never carry a line end that could begin an assignment."""
    name_prefixes = b"(?:" + b"|".join(re.escape(p) for p in sorted({n[:i] for n in _NAMES for i in range(len(n))},
                                                                     key=len, reverse=True)) + b")"
    return re.compile(
        b"(?:" + _sequence_prefix([(b"s\\.scfg", _literal_prefixes(b"s.scfg")), (_B, _B), (b"=", b""), (_B, _B),
                                   (_NAME, name_prefixes), (b"[^\\r\\n]", b"")])
        + b"|" + _sequence_prefix([(b"s\\.var:", _literal_prefixes(b"s.var:")), (_B, _B), (_NAME, name_prefixes),
                                   (_B, _B), (b"=", b"")])
        + b")")

_IN_PARTIAL = frozenset(b"s.cfgvar:= \t" + b"".join(_NAMES))
"""Every byte a carried line end can end with."""
_CARRY = 6 + _BLANKS + 1 + _BLANKS + max(len(n) for n in _NAMES) + 1
"""Longest ``_FULL`` match: a carried line end is never longer."""

_KEYWORDS = (b"scfg", b"var:")
"""Every match holds one of these (lower case)."""

_SECRET_PAYLOAD_LINE = re.compile(
    r"(?ai)S\.(?:TLSCERT|WPAECERT)[ \t]*=[ \t]*key[ \t]*[^\w\r\n][ \t]*(\d{1,7})[ \t]*\Z")
"""``...TLSCERT=key<d><len>`` with any delimiter: the announcement of a private key."""


def secret_value_start(head: bytes) -> int | None:
    """Where the first secret value starts in a line that begins with ``head`` (no CR/LF in it).

    Returns:
        The offset of the value when ``head`` holds a secret assignment, ``MAYBE`` when it does not
        but its end could still begin one, None otherwise.
    """
    lowered = head.lower()
    match = _FULL.search(lowered)
    if match:
        return match.end()
    return MAYBE if _carry_start(lowered) < len(lowered) else None


def _carry_start(lowered: bytes) -> int:
    """Where the end of ``lowered`` that could still begin a match starts (``len``: none)."""
    size = len(lowered)
    if not size or lowered[-1] not in _IN_PARTIAL:
        return size
    start = lowered.find(b"s", max(0, size - _CARRY))
    while start >= 0:
        if _partial().fullmatch(lowered, start):
            return start
        start = lowered.find(b"s", start + 1)
    return size


class SecretEcho:
    """The lines of private keys just sent, to hide them when the module sends them back.

    A module that refuses ``TLSCERT=key,<n>`` (too long, busy, another firmware) does not take
    the key as payload: its console reads the key's lines as commands and echoes each one. Module
    output that reproduces a line of a key sent shortly before is therefore secret. "Shortly":
    for the next ``max(64 KiB, 32 x key size)`` bytes of module output after each key, which
    covers the echo and an error line for every key line; the look costs nothing otherwise.
    """

    MIN_LINE = 8
    """Key lines at least this long are hidden wherever they appear in a line; shorter ones
    (the last base64 line, ``Zg==``) only when they are the whole line."""
    MAX_KEPT = 64 * 1024

    def __init__(self) -> None:
        self._long: list[bytes] = []
        self._short: set[bytes] = set()
        self._joined = b""
        self._budget = 0

    @property
    def active(self) -> bool:
        """True while module output is being compared with the last key's lines."""
        return self._budget > 0

    def learn(self, payload: bytes) -> None:
        """A private key was sent: remember its lines (bounded)."""
        lines = {line.strip() for line in re.split(rb"[\r\n]+", payload[:self.MAX_KEPT])}
        lines.discard(b"")
        long_lines = set(self._long) | {line for line in lines if len(line) >= self.MIN_LINE}
        self._long = sorted(long_lines, key=len, reverse=True)[:4096]
        self._short |= {line for line in lines if len(line) < self.MIN_LINE}
        self._joined = b"\n".join(self._long)[-self.MAX_KEPT:]
        self._budget = max(64 * 1024, 32 * len(payload))

    def spend(self, count: int) -> None:
        """``count`` more bytes of module output went by."""
        if self._budget > 0:
            self._budget = max(0, self._budget - count)

    def ranges(self, line: bytes) -> list[tuple[int, int]]:
        """The (start, end) runs of ``line`` (one line, no CR/LF) that reproduce a key line."""
        stripped = line.strip()
        if not stripped:
            return []
        if stripped in self._short or (len(stripped) >= self.MIN_LINE and stripped in self._joined):
            start = line.index(stripped)
            return [(start, start + len(stripped))]  # the whole line is a key line or a piece of one
        found = []
        for secret in self._long:
            at = line.find(secret)
            while at >= 0:
                found.append((at, at + len(secret)))
                at = line.find(secret, at + 1)
        # What is left between them may be a key line cut short (a module echoes at most a
        # few hundred bytes of a line: an LF-only key arrives as one long line, cut).
        edges = [0, *(edge for run in sorted(found) for edge in run), len(line)]
        for start, end in zip(edges[::2], edges[1::2]):
            piece = line[start:end].strip()
            if len(piece) >= self.MIN_LINE and piece in self._joined:
                at = line.index(piece, start)
                found.append((at, at + len(piece)))
        return found


class StreamRedactor:
    """Redacts one direction of a session, fed in whatever pieces it arrived.

    Args:
        tx: the host-to-module direction: lines end at CR only (the module ignores LF outside a
            data phase), and data phases announced by a line (``TLSCERT=key,<len>``...) are
            followed by exactly that many payload bytes. Otherwise the module's output: lines end
            at CR or LF and there are no data phases to follow.
        echo: shared by the two directions of one session (``pair``): the tx side tells it each
            private key sent, the rx side hides the module's output that reproduces it.
    """

    def __init__(self, *, tx: bool, echo: SecretEcho | None = None) -> None:
        self._tx = tx
        self._echo = echo
        self._secret = False
        """In the value of a secret assignment, up to the end of the line."""
        self._carry = bytearray()
        """The end of the current line that could still begin an assignment (already output)."""
        self._line = bytearray()
        """tx only: the current line's content, to find its data phase at the CR."""
        self._payload_left = 0
        self._payload_secret = False
        self._payload = bytearray()
        """tx: the private key being sent, for ``echo``."""
        self._echo_stage = _EchoStage(echo) if echo is not None and not tx else None

    @classmethod
    def pair(cls) -> tuple[StreamRedactor, StreamRedactor]:
        """(rx, tx) redactors for one session, sharing what the module may echo back."""
        echo = SecretEcho()
        return cls(tx=False, echo=echo), cls(tx=True, echo=echo)

    @property
    def holding(self) -> int:
        """How many bytes are held back (only while the module may be echoing a key)."""
        return self._echo_stage.holding if self._echo_stage is not None else 0

    @property
    def carrying(self) -> int:
        """How many bytes at the end of the output could still begin a secret assignment."""
        return len(self._carry)

    def feed(self, data: bytes) -> tuple[bytes, list[Span]]:
        """Redact the next piece; returns the bytes to keep (as many as taken in, unless the module
        may be echoing a key: then whole lines) and the redacted spans within them."""
        out, spans = self._feed(data)
        if self._echo_stage is not None:
            return self._echo_stage.feed(out, spans)
        return out, spans

    def flush(self) -> tuple[bytes, list[Span]]:
        """End of the stream: release what is held."""
        if self._echo_stage is not None:
            return self._echo_stage.flush()
        return b"", []

    # -- internals --------------------------------------------------------------------------

    def _feed(self, data: bytes) -> tuple[bytes, list[Span]]:
        if self._payload_left >= len(data) and not self._payload_secret:
            # A later piece of a plain upload (docs/architecture.md §3): all payload, nothing to mark.
            self._payload_left -= len(data)
            return data, []
        fast = self._fast(data)
        if fast is not None:
            return fast, []
        out = bytearray()
        spans: list[Span] = []
        pos, size = 0, len(data)
        keywords = None if self._tx else _Keywords(data)
        while pos < size:
            if self._payload_left:
                pos = self._take_payload(data, pos, out, spans)
                continue
            if keywords is not None and not self._secret and not self._carry:
                # At a line start: the whole lines before the next keyword cannot be secret.
                plain_end = keywords.plain_lines_end(pos)
                if plain_end < 0:  # no keyword in the rest: the fast path's rule
                    out += self._plain(data[pos:])
                    break
                if plain_end > pos:
                    out += data[pos:plain_end]
                    pos = plain_end
                    continue
            end = self._terminator(data, pos)
            stop = size if end < 0 else end
            segment = data[pos:stop]
            if self._tx:
                self._track(segment)
            if self._secret:
                self._mark_value(segment, out, spans)
            else:
                self._scan(segment, out, spans, line_ended=end >= 0)
            if end < 0:
                break
            out.append(data[end])
            pos = end + 1
            self._end_line()
        if not spans and out == data:
            return data, spans  # nothing marked: no copy of an upload's megabyte for the caller
        return bytes(out), spans

    def _fast(self, data: bytes) -> bytes | None:
        """The module's usual output in one step (the RX hot path); None: take the line path.

        Without ``scfg`` or ``var:`` in it (or a carried line end), no assignment can be
        completed in ``data``, so it comes out as it is; only its last line's end is looked at.
        """
        if self._tx or self._secret or self._carry:
            return None
        lowered = data.lower()
        if _find_keyword(lowered, b"scfg", 0) >= 0 or _find_keyword(lowered, b"var:", 0) >= 0:
            return None
        return self._plain(data)

    def _plain(self, data: bytes) -> bytes:
        """``data`` (from a line start, no keyword in it) as it is; its last line's end carried
        when it could still begin an assignment."""
        last = max(data.rfind(b"\r"), data.rfind(b"\n"))
        tail = data[last + 1:].lower()
        start = _carry_start(tail)
        if start < len(tail):
            self._carry += data[last + 1 + start:]
        return data

    def _scan(self, segment: bytes, out: bytearray, spans: list[Span], *, line_ended: bool) -> None:
        """Output ``segment`` (part of a line not known secret), marking a value that starts in it."""
        carried = len(self._carry)
        line = bytes(self._carry) + segment
        self._carry.clear()
        visible = (line.replace(b"\n", b"") if self._tx else line).lower()
        match = _FULL.search(visible)
        if match:
            start = _raw_offset(line, match.end()) if self._tx else match.end()
            out += segment[:start - carried]  # a match ends in the segment: the carry held none of it
            self._secret = True
            self._mark_value(line[start:], out, spans)
            return
        out += segment
        if not line_ended:
            start = _carry_start(visible)
            if start < len(visible):
                raw_start = _raw_offset(line, start) if self._tx else start
                self._carry += line[raw_start:]

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

    def _mark_value(self, value: bytes, out: bytearray, spans: list[Span]) -> None:
        """Mark ``value``; on tx, LF bytes are not part of it (the module drops them)."""
        for piece_index, piece in enumerate(value.split(b"\n") if self._tx else [value]):
            if piece_index:
                out.append(0x0A)
            if piece:
                _add_span(spans, len(out), len(piece))
                out += bytes([MARK]) * len(piece)

    def _end_line(self) -> None:
        self._secret = False
        self._carry.clear()
        if not self._tx:
            return
        line = self._line.decode("utf-8", "replace")
        self._line.clear()
        secret = _SECRET_PAYLOAD_LINE.search(line)
        length = int(secret.group(1)) if secret else data_phase_length(line)
        if length:
            self._payload_secret = secret is not None
            self._payload_left = length
            self._payload.clear()

    def _take_payload(self, data: bytes, pos: int, out: bytearray, spans: list[Span]) -> int:
        take = min(self._payload_left, len(data) - pos)
        if self._payload_secret:
            _add_span(spans, len(out), take)
            out += bytes([MARK]) * take
            if self._echo is not None and len(self._payload) < SecretEcho.MAX_KEPT:
                self._payload += data[pos:pos + take]
        else:
            out += memoryview(data)[pos:pos + take]  # copied once, not sliced first
        self._payload_left -= take
        if self._payload_left == 0 and self._payload_secret and self._echo is not None:
            self._echo.learn(bytes(self._payload))
            self._payload.clear()
        return pos + take


class _Keywords:
    """Where ``_KEYWORDS`` occur in one piece of module output, each looked up once."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._lowered = data.lower()
        self._next = [-2] * len(_KEYWORDS)
        """Each keyword's next match; -1: no more; -2: not looked up yet."""

    def plain_lines_end(self, pos: int) -> int:
        """Where the whole lines from ``pos`` without a keyword end (``pos``: none); -1 when no
        keyword follows ``pos`` at all."""
        found = []
        for index, keyword in enumerate(_KEYWORDS):
            at = self._next[index]
            if at != -1 and at < pos:
                at = self._next[index] = _find_keyword(self._lowered, keyword, pos)
            if at >= 0:
                found.append(at)
        if not found:
            return -1
        first = min(found)
        data = self._data
        last = max(data.rfind(b"\r", pos, first), data.rfind(b"\n", pos, first))
        return last + 1 if last >= 0 else pos


_MAX_NAME = max(len(name) for name in _NAMES)


def _find_keyword(lowered: bytes, keyword: bytes, pos: int) -> int:
    """Where ``keyword`` next occurs in ``lowered`` from ``pos``, -1: none. A configuration dump
    is a hundred ``var:`` lines, nearly all plain: only a ``var:`` a secret name may follow
    counts, or every dump takes the line-by-line path."""
    where = lowered.find(keyword, pos)
    while keyword == b"var:" and where >= 0 and not _may_name_secret(lowered, where + 4):
        where = lowered.find(keyword, where + 4)
    return where


def _may_name_secret(lowered: bytes, start: int) -> bool:
    """Whether a secret variable's name may begin at ``start`` (blanks before it allowed). Too
    little to tell (the data ends, or blanks fill the window) counts as may."""
    window = lowered[start:start + _BLANKS + _MAX_NAME + 1].lstrip(b" \t")
    if len(window) < _MAX_NAME:
        return any(name.startswith(window) or window.startswith(name) for name in _NAMES)
    return window.startswith(tuple(_NAMES))


class _EchoStage:
    """The rx redactor's second step while a key may be echoed: whole lines, key lines marked.

    Lines are held until they end (at most ``_HOLD`` bytes: the module's echo of a line is
    shorter), so a key line cut between two reads is still recognised.
    """

    _HOLD = 4096

    def __init__(self, echo: SecretEcho) -> None:
        self._echo = echo
        self._held = bytearray()
        self._held_spans: list[Span] = []

    @property
    def holding(self) -> int:
        return len(self._held)

    def feed(self, data: bytes, spans: list[Span]) -> tuple[bytes, list[Span]]:
        if not self._held and not self._echo.active:
            return data, spans
        self._echo.spend(len(data))
        base = len(self._held)
        buffer = bytes(self._held) + data
        all_spans = self._held_spans + [(offset + base, length) for offset, length in spans]
        cut = max(buffer.rfind(b"\r"), buffer.rfind(b"\n")) + 1
        if not self._echo.active or len(buffer) - cut > self._HOLD:
            cut = len(buffer)
        self._held = bytearray(buffer[cut:])
        self._held_spans = [(max(0, o - cut), n - max(0, cut - o)) for o, n in all_spans if o + n > cut]
        kept = [(o, min(n, cut - o)) for o, n in all_spans if o < cut]
        return self._mark(buffer[:cut], kept)

    def flush(self) -> tuple[bytes, list[Span]]:
        held, spans = bytes(self._held), self._held_spans
        self._held, self._held_spans = bytearray(), []
        return self._mark(held, spans)

    def _mark(self, data: bytes, spans: list[Span]) -> tuple[bytes, list[Span]]:
        out = bytearray(data)
        marked = list(spans)
        start = 0
        for line in re.split(rb"[\r\n]", data):
            for begin, end in self._echo.ranges(line):
                out[start + begin:start + end] = bytes([MARK]) * (end - begin)
                marked.append((start + begin, end - begin))
            start += len(line) + 1
        return bytes(out), _merged(marked)


def _merged(spans: list[Span]) -> list[Span]:
    """Spans sorted, overlapping or touching ones joined."""
    result: list[Span] = []
    for offset, length in sorted(s for s in spans if s[1] > 0):
        if result and result[-1][0] + result[-1][1] >= offset:
            last_offset, last_length = result[-1]
            result[-1] = (last_offset, max(last_offset + last_length, offset + length) - last_offset)
        else:
            result.append((offset, length))
    return result


def is_secret_payload(line: str) -> bool:
    """True when ``line`` (a command line) announces a private key as its data phase."""
    if _SECRET_PAYLOAD_LINE.search(line.rstrip("\r\n")):
        return True
    parsed = parse(line)
    first = parsed.params[0].strip().lower() if parsed.params else ""
    return parsed.name in SECRET_PAYLOAD_COMMANDS and first == "key"


def typed_line_holds_secret(line: str) -> bool:
    """True when a command line as typed carries a secret in its own text: an assignment of a
    secret variable (whatever the delimiter), or a private key given inline
    (``TLSCERT=key,"..."`` or ``hex:``; ``@FILE`` and ``ski:`` only name a file). Such lines stay
    out of history files."""
    if holds_secret_assignment(line):
        return True
    parsed = parse(line.strip())
    params = [p.strip() for p in parsed.params]
    if parsed.name in SECRET_PAYLOAD_COMMANDS and len(params) >= 2 and params[0].lower() == "key":
        return not params[1].startswith(("@", "ski:")) and not params[1].isdigit()
    return False


def may_hold_secret(text: str) -> bool:
    """False when ``text`` cannot hold a secret assignment (the cheap test before ``redact_text``)."""
    lowered = text.lower()
    return "scfg" in lowered or "var:" in lowered


def holds_secret_assignment(text: str) -> bool:
    """True when ``redact_text`` would change something in ``text``."""
    # Unicode's lower-casing is a little wider than the byte rule's ASCII one: never a miss.
    lowered = text.lower()
    if "scfg" not in lowered and "var:" not in lowered:
        return False
    return _FULL.search(lowered.encode("utf-8", "backslashreplace")) is not None


def lines_hold_secret_assignment(data: bytes) -> bool:
    """For whole module lines (their bytes, terminators included): whether some line holds a
    secret assignment as the redactor reads it (``_FULL`` on ASCII-lowered bytes). Never a miss:
    True whenever ``redact_text`` of some line's text (``bytes_to_text``) would change something.

    The RX path's look at every batch of lines, cheaper than ``holds_secret_assignment`` on the
    joined texts (no join of texts, no Unicode lower-casing) and the same answer for ASCII text:
    a line's text differs from its bytes only where they are not ASCII, and no keyword, name,
    blank or ``=`` of an assignment is (the delimiter after a name, any byte, matches either way).
    """
    lowered = data.lower()
    if b"scfg" not in lowered and b"var:" not in lowered:
        return False
    return _FULL.search(lowered) is not None


def redact_all(data: bytes, *, tx: bool) -> tuple[bytes, list[Span]]:
    """Redact a whole stream at once (``feed`` then ``flush``)."""
    redactor = StreamRedactor(tx=tx)
    out, spans = redactor.feed(data)
    rest, _ = redactor.flush()
    return out + rest, spans


def redact_text(text: str) -> tuple[str, list[Span]]:
    """Redact a tool's or user's note, or a line: every secret assignment in it.

    Everything from the value to the end of its line is replaced (a note may append words after
    a command line, and over-redacting a note costs nothing). Spans are in UTF-8 bytes.
    """
    data = text.encode("utf-8", "backslashreplace")
    if not may_hold_secret(text):
        return data.decode("utf-8"), []
    out, spans = redact_all(data, tx=False)
    if spans:
        # The delimiter byte may be the first of a multi-byte character: mark from its start.
        marked = bytearray(out)
        for index, (offset, length) in enumerate(spans):
            while offset > 0 and 0x80 <= data[offset] < 0xC0:
                offset, length = offset - 1, length + 1
                marked[offset] = MARK
            spans[index] = (offset, length)
        out = bytes(marked)
    return out.decode("utf-8"), _merged(spans)


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
