"""Realistic module output for the ingest benchmarks, generated from a fixed seed.

The stream is a 1 MiB block of "scenes" repeated as often as needed, then ``END_LINE``. A block is
self-contained (every ``AT-S.Reading`` payload and HTTP body ends inside it), so repeating it keeps
the decoder's framing in step. What a block holds, by scene (weights below): socket reads of binary
and of text payloads (``WIND:55``, the ``SOCKR`` echo, ``AT-S.Reading:<n>:<n>``, ``<n>`` bytes,
``AT-S.OK``), configuration dumps (``AT-S.Var`` lines), scan lists, socket queries, TLS failures
(``Certificate Error``, ``ERROR:74``), WINDs, an HTTP GET with its body, a boot sequence, and
line noise (random bytes, as a wrong baud rate gives). Secret variables are left out so that the
recording (which redacts them) stays byte-equal to what was written.
"""

from __future__ import annotations

import hashlib
import random

from spwf_tui.core.catalog import CONFIG_VARIABLES
from spwf_tui.core.redact import SECRET_VARIABLES
from spwf_tui.emulator.replies import wind_line

SEED = 7
BLOCK_BYTES = 1 << 20
END_LINE = b"AT-S.Bench:end of flood\r\n"
"""The last line of every flood: the TUI benchmark waits for it in the log."""
LINE_RATE = 921_600 / 10
"""Bytes per second of the module's fastest UART setting (8N1: 10 bits a byte)."""

_WEIGHTS = {
    "sock_binary": 20, "sock_text": 14, "gcfg": 1, "scan": 6, "query": 16, "tls_fail": 5,
    "winds": 22, "http": 4, "boot": 1, "noise": 5,
}
_PAYLOAD_SIZES = (16, 64, 100, 200, 512, 730, 1460, 1460, 2920, 4096)
_TEXT_WORDS = ("temperature", "humidity", "sensor", "value", "ok", "status", "id", "ts", "42",
               "3.14", "true", "false", "null", "device", "payload", "mqtt", "topic")


def build_block(seed: int = SEED, size: int = BLOCK_BYTES) -> bytes:
    """About ``size`` bytes of module output, made of whole scenes."""
    rng = random.Random(seed)
    names = list(_WEIGHTS)
    weights = [_WEIGHTS[n] for n in names]
    out = bytearray()
    while len(out) < size:
        out += _SCENES[rng.choices(names, weights)[0]](rng)
    return bytes(out)


class Flood:
    """A flood of ``total`` bytes (at least): whole blocks, then ``END_LINE``."""

    def __init__(self, total: int, seed: int = SEED) -> None:
        self.block = build_block(seed)
        self.repeats = max(1, -(-(total - len(END_LINE)) // len(self.block)))
        self.size = self.repeats * len(self.block) + len(END_LINE)

    def chunks(self):
        """The stream, block by block."""
        for _ in range(self.repeats):
            yield self.block
        yield END_LINE

    def sha256(self) -> str:
        """Digest of the whole stream (what the recording must hold)."""
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    def line_count(self) -> int:
        """Roughly how many lines the stream holds (payload line ends included)."""
        return self.repeats * self.block.count(b"\n") + 1


# -- scenes ------------------------------------------------------------------------------------

def _sock_binary(rng: random.Random) -> bytes:
    n = rng.choice(_PAYLOAD_SIZES)
    return _sock_read(rng, rng.randbytes(n))


def _sock_text(rng: random.Random) -> bytes:
    lines = []
    while sum(map(len, lines)) < rng.choice((60, 300, 1000)):
        fields = ", ".join(f'"{rng.choice(_TEXT_WORDS)}": {rng.randint(0, 99999)}' for _ in range(rng.randint(1, 5)))
        lines.append(f"{{{fields}}}\r\n".encode())
    return _sock_read(rng, b"".join(lines))


def _sock_read(rng: random.Random, payload: bytes) -> bytes:
    sid = rng.randint(0, 7)
    n = len(payload)
    return (wind_line(55, "", sid, n, n) + f"AT+S.SOCKR={sid},{n}\r\n".encode()
            + f"AT-S.Reading:{n}:{n}\r\n".encode() + payload + b"AT-S.OK\r\n")


_PLAIN_VARIABLES = [v for v in CONFIG_VARIABLES if v.name.upper() not in SECRET_VARIABLES]


def _gcfg(rng: random.Random) -> bytes:
    lines = [b"AT+S.GCFG\r\n"]
    lines += [f"AT-S.Var:{v.name}={v.factory}\r\n".encode() for v in _PLAIN_VARIABLES]
    return b"".join(lines) + b"AT-S.OK\r\n"


def _scan(rng: random.Random) -> bytes:
    count = rng.randint(3, 12)
    lines = [b"AT+S.SCAN\r\n", f"AT-S.Parsing Networks:{count}\r\n".encode()]
    for index in range(1, count + 1):
        bssid = ":".join(f"{rng.randrange(256):02X}" for _ in range(6))
        lines.append(f"{index}:\t BSS {bssid} CHAN: {rng.randint(1, 13):02d} RSSI: -{rng.randint(30, 90):02d} "
                     f"SSID: 'net-{rng.randrange(10000)}' CAPS: 0431 WPA2 \r\n".encode())
    return b"".join(lines) + b"AT-S.OK\r\n"


def _query(rng: random.Random) -> bytes:
    sid = rng.randint(0, 7)
    return f"AT+S.SOCKQ={sid}\r\nAT-S.Query:{rng.randint(0, 65535)}\r\nAT-S.OK\r\n".encode()


def _tls_fail(rng: random.Random) -> bytes:
    return (b"AT+S.SOCKON=192.168.1.10,4443,NULL,s\r\nAT-S.Loading:1:2\r\n"
            + f"AT-S.Certificate Error:{rng.choice((3, 23, 9))}\r\n".encode()
            + b"AT-S.ERROR:74:Failed to open socket\r\n")


def _winds(rng: random.Random) -> bytes:
    choices = [
        lambda: wind_line(55, "", rng.randint(0, 7), rng.randint(1, 1460), rng.randint(1, 9000)),
        lambda: wind_line(58, rng.randint(0, 7), 1),
        lambda: wind_line(33),
        lambda: wind_line(24, "0", f"192.168.1.{rng.randint(2, 254)}"),
        lambda: wind_line(46, rng.randint(0, 7)),
        lambda: wind_line(84),
    ]
    return b"".join(rng.choice(choices)() for _ in range(rng.randint(1, 6)))


def _http(rng: random.Random) -> bytes:
    body = b"".join(f"<p>line {i}: {rng.random():.6f}</p>\r\n".encode() for i in range(rng.randint(5, 60)))
    return (b"AT+S.HTTPGET=192.168.1.10,/index.html,80\r\nAT-S.Http Server Status Code:200\r\n"
            + body + b"AT-S.OK\r\n")


def _boot(rng: random.Random) -> bytes:
    return b"".join((wind_line(1, "171117-0328fe3-SPWF04S"), wind_line(13, "SPWF04SA"), wind_line(0),
                     wind_line(3, "20"), wind_line(32), wind_line(21), wind_line(35, "00"),
                     wind_line(19, "02:53:54:A0:0E:01"), wind_line(25, "bench"),
                     wind_line(24, "0", "192.168.1.50")))


def _noise(rng: random.Random) -> bytes:
    junk = bytes(b for b in rng.randbytes(rng.randint(8, 160)) if b not in b"\r\n")
    return junk + b"\r\n"


_SCENES = {
    "sock_binary": _sock_binary, "sock_text": _sock_text, "gcfg": _gcfg, "scan": _scan, "query": _query,
    "tls_fail": _tls_fail, "winds": _winds, "http": _http, "boot": _boot, "noise": _noise,
}
