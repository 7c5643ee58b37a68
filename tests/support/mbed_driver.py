"""The host side of ARM mbed's SPWFSA04 driver (wifi-x-nucleo-idw01m1, X-NUCLEO-IDW04A1 build),
re-expressed in Python from what it sends and what it accepts, for the acceptance suite.

Each method sends the driver's exact command strings and accepts the module's answer only
where the driver's ``scanf`` patterns (written here as regular expressions) would. The driver
runs on an mbed board without the WIFI_RST patch, so its "hardware reset" is ``AT+S.RESET``.
Out-of-band lines are handled by prefix wherever they arrive, as its AT parser does:
``+WIND:55:Pending Data`` (data waiting on a socket), ``+WIND:58:Socket Closed`` (peer gone;
the socket stays until SOCKC), ``+WIND:33:WiFi Network Lost``, ``+WIND:8:Hard Fault``,
``+WIND:24:WiFi Up::`` (the IPv6 line, skipped).

Timeouts: the driver's own (milliseconds, ``TIMEOUTS``), multiplied by ``LOAD_FACTOR`` with a
floor of ``MIN_TIMEOUT`` seconds: on a shared CI machine a 300 ms answer may take longer, and a
timeout here only bounds a failure, it never measures speed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tests.support.at_host import AtHost

TIMEOUTS = {"connect": 60000, "disconnect": 30002, "hard_fault": 30001, "netlost": 30000,
            "read_bin": 13000, "send": 10000, "init": 6000, "close": 5003, "open": 5002,
            "scan": 5000, "misc": 301, "recv": 300}
"""The driver's timeouts in milliseconds (SPWF_*_TIMEOUT)."""
LOAD_FACTOR = 10
MIN_TIMEOUT = 5.0
PACKET_SIZE = 730
"""The driver splits writes and reads into 730-byte pieces (a firmware TCP segment limit)."""
SOCKET_COUNT = 8
MAX_TRIALS = 3
WINDS_OFF = "0xFFFFFFFF"
WINDS_ON = {"high": "0x00100000", "medium": "0x80000000", "low": "0x00000000"}
"""What the driver writes to console_wind_off_* normally: WIND 84 (NTP) and 63 (dropping data)
muted, everything else on."""

# The driver's scanf patterns, as regular expressions over one line without CR LF.
OK = rb"AT-S\.OK"
WIFI_UP = rb"\+WIND:24:WiFi Up:\d+:(\d+)\.(\d+)\.(\d+)\.(\d+)"
IP_ADDR = rb"AT-S\.Var:ip_ipaddr=(\d+)\.(\d+)\.(\d+)\.(\d+)"
GATEWAY = rb"AT-S\.Var:ip_gw=(\d+)\.(\d+)\.(\d+)\.(\d+)"
NETMASK = rb"AT-S\.Var:ip_netmask=(\d+)\.(\d+)\.(\d+)\.(\d+)"
RX_RSSI = rb"AT-S\.Var:0\.rx_rssi=(-?\d+)"
MAC_ADDR = rb"AT-S\.Var:nv_wifi_macaddr=" + rb":".join([rb"([0-9a-fA-F]+)"] * 6)
DATALEN = rb"AT-S\.Query:(\d+)"
PENDING_DATA = rb"\+WIND:55:Pending Data::(\d+):\d+:(\d+)"
SOCKET_CLOSED = rb"\+WIND:58:Socket Closed:(\d+):\d+"
SOCKET_ON = rb"AT-S\.On:\d+\.\d+\.\d+\.\d+:(\d+)"
READING = rb"AT-S\.Reading:(\d+):(\d+)"
PARSING = rb"AT-S\.Parsing Networks:(\d+)"
SCAN_LINE = (rb"\d+:\t \S+ ((?:[0-9a-fA-F]{1,2}:){5}[0-9a-fA-F]{1,2}) CHAN: (\d+) "
             rb"RSSI: (-?\d+) SSID: '([^']*)' CAPS:(.{6})(.*)")
ERROR = rb"AT-S\.ERROR:(\d+)(?::(.*))?"


class DriverError(AssertionError):
    """The driver would report a failure here (``false`` / an nsapi error)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class AccessPointSeen:
    bssid: str
    channel: int
    rssi: int
    ssid: str
    security: str


@dataclass
class DriverState:
    pending: dict[int, int] = field(default_factory=dict)
    """Socket id -> the last total its WIND 55 announced (the driver re-checks with SOCKQ)."""
    server_gone: set[int] = field(default_factory=set)
    network_lost: int = 0
    hard_faults: list[bytes] = field(default_factory=list)


def timeout(name: str) -> float:
    return max(TIMEOUTS[name] / 1000 * LOAD_FACTOR, MIN_TIMEOUT)


class MbedSpwf04:
    """The driver's exchanges over an ``AtHost``."""

    def __init__(self, host: AtHost) -> None:
        self.host = host
        self.state = DriverState()
        host.oob = {
            b"+WIND:55:Pending Data": self._pending,
            b"+WIND:58:Socket Closed": self._server_gone,
            b"+WIND:33:WiFi Network Lost": self._network_lost,
            b"+WIND:8:Hard Fault": self.state.hard_faults.append,
            b"+WIND:24:WiFi Up::": lambda line: None,
        }

    # ---------------------------------------------------------------- parser helpers

    def _recv(self, pattern: bytes, name: str = "misc") -> re.Match[bytes]:
        """The pattern, or a DriverError when the module answers ERROR first."""
        match = self.host.recv(rb"(?:" + pattern + rb")|" + ERROR, timeout(name))
        line = match.group(0)
        if line.startswith(b"AT-S.ERROR"):
            code = re.fullmatch(ERROR, line)
            raise DriverError(f"module: {line!r}", int(code.group(1)))
        return re.fullmatch(pattern, line)

    def _command_ok(self, command: str, name: str = "misc") -> None:
        self.host.send(command)
        self._recv(OK, name)

    def _pending(self, line: bytes) -> None:
        match = re.fullmatch(PENDING_DATA, line)
        assert match, f"the driver's WIND 55 pattern does not match {line!r}"
        self.state.pending[int(match.group(1))] = int(match.group(2))

    def _server_gone(self, line: bytes) -> None:
        match = re.fullmatch(SOCKET_CLOSED, line)
        assert match, f"the driver's WIND 58 pattern does not match {line!r}"
        self.state.server_gone.add(int(match.group(1)))

    def _network_lost(self, line: bytes) -> None:
        self.state.network_lost += 1

    # ---------------------------------------------------------------- start-up and Wi-Fi

    def hw_reset(self) -> None:
        """No WIFI_RST patch: a software reset, then wait for ``Console active``."""
        self.host.send("AT+S.RESET")
        self.host.recv(rb"\+WIND:0:Console active", timeout("init"))

    def reset(self) -> None:
        """Save the settings, reset, wait for ``WiFi Hardware Started``."""
        self._command_ok("AT+S.WCFG")
        self.host.send("AT+S.RESET")
        self.host.recv(rb"\+WIND:32:WiFi Hardware Started", timeout("init"))

    def winds_on(self) -> None:
        for bank in ("high", "medium", "low"):
            self._command_ok(f"AT+S.SCFG=console_wind_off_{bank},{WINDS_ON[bank]}")

    def winds_off(self) -> None:
        for bank in ("low", "medium", "high"):
            self._command_ok(f"AT+S.SCFG=console_wind_off_{bank},{WINDS_OFF}")

    def startup(self, mode: int) -> None:
        self.hw_reset()
        for command in ("AT+S.FCFG", "AT+S.SCFG=blink_led,0", "AT+S.SCFG=console_echo,0",
                        "AT+S.SCFG=wifi_ht_mode,1", "AT+S.SCFG=wifi_opr_rate_mask,0x003FFFCF",
                        f"AT+S.SCFG=wifi_mode,{mode}", "AT+S.SCFG=console_hwfc,0"):
            self._command_ok(command)
        self.winds_on()
        self.reset()
        # The debug build then reads the console settings back.
        for name in ("console_enabled", "console_speed", "console_hwfc", "console_delimiter",
                     "console_errs", "sleep_enabled", "wifi_powersave", "standby_enabled"):
            self._command_ok(f"AT+S.GCFG={name}")

    def connect(self, ssid: str, passphrase: str, security: int) -> bool:
        """True once ``WiFi Up`` with an IPv4 address; three Deauthentications -> disconnect
        and False, as the driver does."""
        self._command_ok(f"AT+S.SCFG=wifi_wpa_psk_text,{passphrase}")
        self._command_ok(f"AT+S.SSIDTXT={ssid}")
        self._command_ok(f"AT+S.SCFG=wifi_priv_mode,{security}")
        self._command_ok("AT+S.SCFG=wifi_mode,1")
        self.reset()
        trials = 0
        while True:
            line = self.host.line(timeout("connect"))
            if b":24:" in line:
                if b"." in line:
                    assert re.fullmatch(WIFI_UP, line), line
                    return True
                continue
            if b":40:" in line:
                trials += 1
                if trials < MAX_TRIALS:
                    continue
                self.disconnect()
                return False

    def disconnect(self) -> None:
        self._command_ok("AT+S.WIFI=0")
        self._command_ok("AT+S.SCFG=wifi_mode,0")
        self._command_ok("AT+S.WIFI=1")
        self.reset()

    def _dotted(self, command: str, pattern: bytes) -> str:
        self.host.send(command)
        match = self._recv(pattern)
        self._recv(OK)
        return ".".join(group.decode() for group in match.groups())

    def get_ip_address(self) -> str:
        return self._dotted("AT+S.STS=ip_ipaddr", IP_ADDR)

    def get_gateway(self) -> str:
        return self._dotted("AT+S.STS=ip_gw", GATEWAY)

    def get_netmask(self) -> str:
        return self._dotted("AT+S.STS=ip_netmask", NETMASK)

    def get_rssi(self) -> int:
        self.host.send("AT+S.PEERS=0,rx_rssi")
        value = int(self._recv(RX_RSSI).group(1))
        self._recv(OK)
        return value

    def get_mac_address(self) -> str:
        self.host.send("AT+S.GCFG=nv_wifi_macaddr")
        match = self._recv(MAC_ADDR)
        self._recv(OK)
        return ":".join(f"{int(part, 16):02X}" for part in match.groups())

    def scan(self) -> list[AccessPointSeen]:
        """``SCAN=s,``: the count line, then network lines until the line starting with A."""
        self.host.send("AT+S.SCAN=s,")
        found = int(self._recv(PARSING, "scan").group(1))
        seen: list[AccessPointSeen] = []
        if found == 0:
            self._recv(OK, "scan")
            return seen
        while True:
            line = self.host.line(timeout("scan"))
            if line.startswith(b"A"):  # the driver's end-of-list test
                assert re.fullmatch(OK, line), line
                return seen
            match = re.fullmatch(SCAN_LINE, line)
            assert match, f"the driver's scan pattern does not match {line!r}"
            seen.append(AccessPointSeen(match.group(1).decode(), int(match.group(2)),
                                        int(match.group(3)), match.group(4).decode(),
                                        _security(match.group(6))))

    # ---------------------------------------------------------------- sockets

    def open(self, kind: str, address: str, port: int) -> int:
        self.host.send(f"AT+S.SOCKON={address},{port},NULL,{kind}")
        sock_id = int(self._recv(SOCKET_ON, "open").group(1))
        self._recv(OK, "open")
        return sock_id

    def send(self, sock_id: int, data: bytes) -> None:
        """730-byte pieces, one SOCKW each."""
        for start in range(0, len(data), PACKET_SIZE):
            piece = data[start:start + PACKET_SIZE]
            self.host.write(f"AT+S.SOCKW={sock_id},{len(piece)}\r".encode() + piece)
            self._recv(OK, "send")

    def read_len(self, sock_id: int) -> int:
        self.host.send(f"AT+S.SOCKQ={sock_id}")
        amount = int(self._recv(DATALEN).group(1))
        self._recv(OK)
        return amount

    def read_in(self, sock_id: int, amount: int) -> bytes:
        """WINDs off, ``SOCKR=<id>,<amount>``, ``Reading``, the bytes, OK, WINDs on."""
        self.winds_off()
        try:
            self.host.send(f"AT+S.SOCKR={sock_id},{amount}")
            reading = self._recv(READING, "recv")
            assert int(reading.group(1)) == amount, reading.group(0)
            data = self.host.read_exact(amount, timeout("read_bin"))
            self._recv(OK, "recv")
            return data
        finally:
            self.winds_on()

    def recv_all(self, sock_id: int) -> bytes:
        """What the driver's receive path does with no WIND to go by: SOCKQ, then read it in
        730-byte pieces."""
        data = b""
        while (pending := self.read_len(sock_id)) > 0:
            data += self.read_in(sock_id, min(pending, PACKET_SIZE))
        self.state.pending.pop(sock_id, None)
        return data

    def close(self, sock_id: int) -> None:
        """Drain, then SOCKC; up to three tries."""
        last: DriverError | None = None
        for _ in range(MAX_TRIALS):
            self.recv_all(sock_id)
            try:
                self._command_ok(f"AT+S.SOCKC={sock_id}", "close")
                self.state.server_gone.discard(sock_id)
                return
            except DriverError as exc:
                last = exc
        raise DriverError(f"close of {sock_id} failed", last.code if last else None)

    def wait_pending(self, sock_id: int, total: int, name: str = "recv") -> None:
        """Let out-of-band lines come until WIND 55 says ``total`` bytes wait on ``sock_id``."""
        self.wait_until(lambda: self.state.pending.get(sock_id, 0) >= total, name)

    def wait_until(self, condition, name: str = "recv") -> None:
        """Read out-of-band lines (handled as the driver does) until ``condition()``."""
        while not condition():
            line = self.host.line(timeout(name) * 4)
            for prefix, handler in self.host.oob.items():
                if line.startswith(prefix):
                    handler(line)
                    break


def _security(tail: bytes) -> str:
    """The driver's reading of the words after CAPS."""
    words = tail.split()
    if not words or not words[0].startswith(b"W"):
        return "none"
    if words[0] == b"WEP":
        return "wep"
    if words[0] == b"WPA2":
        return "wpa2"
    if words[0] == b"WPA":
        return "wpa/wpa2" if len(words) > 1 else "wpa"
    return "unknown"
