"""The emulated module's console: boot, framing, echo, errors, configuration, time, reset."""

from __future__ import annotations

import pytest

from spwf_tui.core import catalog
from spwf_tui.emulator import EmulatedModule

from .conftest import BOOT_DONE, Wire, exchange

BOOT_LINES = [
    b"+WIND:1:Poweron:171117-0328fe3-SPWF04S",
    b"+WIND:13:Copyright (c) 2012-2017 STMicroelectronics, Inc.  All rights Reserved:SPWF04SA",
    b"+WIND:0:Console active",
    b"+WIND:3:Watchdog Running:20",
    b"+WIND:32:WiFi Hardware Started",
    b"+WIND:21:WiFi Scanning",
    b"+WIND:35:WiFi Scan Complete:00",
    b"+WIND:19:WiFi Join:02:53:54:A0:0E:01",
    b"+WIND:25:WiFi Association successful:STTest",
    b"+WIND:24:WiFi Up:0:192.168.1.50",
    b"+WIND:24:WiFi Up::fe80:0:0:0:280:e1ff:feb7:1",
]


def test_boot_sequence_is_the_firmware_one(wire):
    module = EmulatedModule(wire, boot_delay=0)
    module.start()
    try:
        assert wire.wait_for(BOOT_DONE) == b"\r\n".join(BOOT_LINES) + b"\r\n"
    finally:
        module.close()


def test_input_before_console_active_is_answered_right_after_it(wire):
    module = EmulatedModule(wire, boot_delay=0)
    module.receive(b"AT\r")
    module.start()
    try:
        lines = wire.wait_for(BOOT_DONE).split(b"\r\n")
        assert lines[2:5] == [b"+WIND:0:Console active", b"AT", b"AT-S.OK"]
        assert lines[5] == b"+WIND:3:Watchdog Running:20"
    finally:
        module.close()


def test_close_is_idempotent_and_silences_the_module(wire):
    module = EmulatedModule(wire, boot_delay=0)
    module.start()
    wire.wait_for(BOOT_DONE)
    module.close()
    module.close()
    module.receive(b"AT\r")
    assert wire.take() == b""


@pytest.mark.parametrize("line_end", [b"\r", b"\r\n"])
def test_echo_then_answer_in_any_chunking(module, wire, chunk, line_end):
    out = exchange(module, wire, b"AT" + line_end + b"at+s.gcfg=console_echo" + line_end, chunk)
    assert out == (b"AT\r\nAT-S.OK\r\n"
                   b"at+s.gcfg=console_echo\r\nAT-S.Var:console_echo=1\r\nAT-S.OK\r\n")


def test_echo_off(module, wire):
    assert exchange(module, wire, b"AT+S.SCFG=console_echo,0\r") == (
        b"AT+S.SCFG=console_echo,0\r\nAT-S.OK\r\n")
    assert exchange(module, wire, b"AT\r") == b"AT-S.OK\r\n"


def test_empty_lines_are_ignored(module, wire):
    assert exchange(module, wire, b"\r\r\n\n") == b""


def test_over_long_line_is_refused(module, wire):
    line = b"AT+S.GCFG=" + b"x" * 600
    out = exchange(module, wire, line + b"\rAT\r")
    assert out == (line[:512] + b"\r\nAT-S.ERROR:32:Argument exceeds allowed size\r\n"
                   b"AT\r\nAT-S.OK\r\n")


@pytest.mark.parametrize(("line", "code"), [
    (b"AT+S.NOPE", 1),
    (b"ATZ", 1),
    (b"hello", 1),
    (b"AT+S.AT", 1),
    (b"AT+S.GCFG=no_such_var", 4),
    (b"AT+S.STS=no_such_var", 4),
    (b"AT+S.SCFG=console_echo", 2),
    (b"AT+S.SCFG=no_such_var,1", 4),
    (b"AT+S.SCFG=console_echo,2x", 7),
    (b"AT+S.SCFG=console_echo,256", 7),
    (b"AT+S.SCFG=len,5", 7),
    (b"AT+S.SCFG=user_desc,12345678901234567", 32),
    (b"AT+S.FSD", 2),
    (b"AT+S.SOCKON=127.0.0.1,80", 2),
    (b"AT+S.WCFG=1", 6),
    (b"AT+S.TIME=soon", 7),
    (b"AT+S.WIFI=2", 7),
])
def test_error_codes(module, wire, line, code):
    out = exchange(module, wire, line + b"\r")
    text = catalog.error(code).text
    assert out == line + b"\r\n" + f"AT-S.ERROR:{code}:{text}\r\n".encode()


def test_error_and_ok_verbosity(module, wire):
    exchange(module, wire, b"AT+S.SCFG=console_echo,0\r")
    exchange(module, wire, b"AT+S.SCFG=console_errs,1\r")
    assert exchange(module, wire, b"AT+S.NOPE\r") == b"AT-S.ERROR:1\r\n"
    exchange(module, wire, b"AT+S.SCFG=console_errs,0\r")
    assert exchange(module, wire, b"AT+S.NOPE\r") == b"AT-S.ERROR\r\n"
    exchange(module, wire, b"AT+S.SCFG=console_verbose,2\r")
    assert exchange(module, wire, b"AT\r").startswith(b"AT-S.OK:")
    assert exchange(module, wire, b"AT\r").endswith(b":10\r\n")  # wifi_state 10: ready


def test_lower_case_and_mixed_case_commands(module, wire):
    assert exchange(module, wire, b"At+s.Sts=fw_version\r") == (
        b"At+s.Sts=fw_version\r\nAT-S.Var:fw_version=1.1.0\r\nAT-S.OK\r\n")


def test_gcfg_lists_every_variable_with_factory_values(module, wire):
    out = exchange(module, wire, b"AT+S.GCFG\r").split(b"\r\n")
    expected = [f"AT-S.Var:{v.name}={v.factory}".encode() for v in catalog.CONFIG_VARIABLES]
    assert out[1:-2] == expected and out[-2:] == [b"AT-S.OK", b""]


def test_scfg_normalises_values_by_type(module, wire):
    for line in (b"AT+S.SCFG=console_wind_off_high,1F", b"AT+S.SCFG=ip_macfilter,AABBCC112233",
                 b"AT+S.SCFG=wifi_wpa_psk_text,pass,with,commas", b"AT+S.SCFG=IP_GW,10.0.0.1"):
        assert exchange(module, wire, line + b"\r").endswith(b"AT-S.OK\r\n")
    out = exchange(module, wire, b"AT+S.GCFG=console_wind_off_high\rAT+S.GCFG=ip_macfilter\r"
                                 b"AT+S.GCFG=wifi_wpa_psk_text\rAT+S.GCFG=ip_gw\r")
    assert b"AT-S.Var:console_wind_off_high=0x0000001f\r\n" in out
    assert b"AT-S.Var:ip_macfilter=aa:bb:cc:11:22:33\r\n" in out
    assert b"AT-S.Var:wifi_wpa_psk_text=pass,with,commas\r\n" in out
    assert b"AT-S.Var:ip_gw=10.0.0.1\r\n" in out


def test_delimiter_change_applies_to_the_next_line(module, wire):
    exchange(module, wire, b"AT+S.SCFG=console_delimiter,;\r")
    assert exchange(module, wire, b"AT+S.SCFG=blink_led;0\r").endswith(b"AT-S.OK\r\n")
    assert b"blink_led=0" in exchange(module, wire, b"AT+S.GCFG=blink_led\r")


def test_reset_reverts_ram_to_saved_and_replays_boot(module, wire):
    exchange(module, wire, b"AT+S.SCFG=blink_led,0\rAT+S.WCFG\rAT+S.SCFG=blink_led,1\r")
    exchange(module, wire, b"AT+S.SCFG=console_echo,0\r")
    wire.take()
    module.receive(b"AT+S.RESET\rAT+S.GCFG=blink_led\r")
    out = wire.wait_for(BOOT_DONE)
    lines = out.split(b"\r\n")
    assert lines[:2] == [b"AT-S.OK", BOOT_LINES[0]]  # echo was off before the reset
    # Input after RESET waits for the new Console active; echo is back on (the saved value).
    assert lines[3:6] == [BOOT_LINES[2], b"AT+S.GCFG=blink_led", b"AT-S.Var:blink_led=0"]


def test_fcfg_restores_factory_values_in_ram_only(module, wire):
    exchange(module, wire, b"AT+S.SCFG=blink_led,0\rAT+S.WCFG\rAT+S.FCFG\r")
    assert b"blink_led=1" in exchange(module, wire, b"AT+S.GCFG=blink_led\r")
    module.receive(b"AT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    assert b"blink_led=0" in exchange(module, wire, b"AT+S.GCFG=blink_led\r")


def test_legacy_aliases(module, wire):
    exchange(module, wire, b"AT+S.SCFG=blink_led,0\rAT&W\rAT&F\r")
    assert b"AT-S.Var:blink_led=1\r\n" in exchange(module, wire, b"AT&V\r")


def test_time_reads_1970_until_set_then_the_seed_values():
    now = [1_000_000.0]
    wire = Wire()
    module = EmulatedModule(wire, clock=lambda: now[0], boot_delay=0)
    module.start()
    try:
        wire.wait_for(BOOT_DONE)
        now[0] += 75
        assert exchange(module, wire, b"AT+S.TIME\r") == (
            b"AT+S.TIME\r\nAT-S.Date:70.01.01:00\r\nAT-S.Time:00.01.15\r\nAT-S.OK\r\n")
        assert exchange(module, wire, b"AT+S.TIME=1504170338\r") == (
            b"AT+S.TIME=1504170338\r\nAT-S.OK\r\n")
        assert exchange(module, wire, b"AT+S.TIME\r") == (
            b"AT+S.TIME\r\nAT-S.Date:17.08.31:00\r\nAT-S.Time:09.05.38\r\nAT-S.OK\r\n")
        now[0] += 2
        assert b"system_time=1504170340" in exchange(module, wire, b"AT+S.STS=system_time\r")
        module.receive(b"AT+S.RESET\r")
        wire.wait_for(BOOT_DONE)
        assert b"AT-S.Date:70.01.01:00" in exchange(module, wire, b"AT+S.TIME\r")
    finally:
        module.close()


def test_sts_reports_live_values(module, wire):
    out = exchange(module, wire, b"AT+S.STS\r").decode()
    names = [line.split("=")[0][len("AT-S.Var:"):] for line in out.splitlines()[1:-1]]
    assert names == [var.name for var in catalog.STATUS_VARIABLES]
    for expected in ("build=171117-0328fe3-SPWF04S", "fw_version=1.1.0", "wifi_state=10",
                     "ip_ipaddr=192.168.1.50", "ip_cert_len_ca=0"):
        assert f"AT-S.Var:{expected}\r\n" in out


def test_help_lists_visible_commands_and_filters(module, wire):
    out = exchange(module, wire, b"AT+S.HELP\r").decode().splitlines()
    visible = [c for c in catalog.COMMANDS if not c.hidden]
    assert len(out) == len(visible) + 2
    sockon = "AT-S.Command:AT+S.SOCKON=<host>,<port>,,<t|u|s|TLS Server Domain Name> -- "
    assert any(line.startswith(sockon) for line in out)
    assert not any("NVW" in line for line in out)
    filtered = exchange(module, wire, b"AT+S.HELP=sock\r").decode().splitlines()
    assert all("SOCK" in line for line in filtered[1:-1]) and len(filtered) > 3


def send_and_wait(module, wire, data: bytes, marker: bytes) -> bytes:
    """Send ``data`` and wait for ``marker``: WINDs a command triggers may follow its OK at
    once, so nothing is taken off the wire in between."""
    wire.take()
    module.receive(data)
    return wire.wait_for(marker)


def test_wifi_off_and_on(module, wire):
    assert send_and_wait(module, wire, b"AT+S.WIFI=0\r", b"+WIND:38:WiFi Powered Down") == (
        b"AT+S.WIFI=0\r\nAT-S.OK\r\n+WIND:49:WPA Terminated:0\r\n+WIND:38:WiFi Powered Down\r\n")
    assert b"wifi_state=2" in exchange(module, wire, b"AT+S.STS=wifi_state\r")
    assert b"ERROR:60:" in exchange(module, wire, b"AT+S.SOCKON=127.0.0.1,9,,t\r")
    assert exchange(module, wire, b"AT+S.WIFI=0\r") == b"AT+S.WIFI=0\r\nAT-S.OK\r\n"  # no WINDs
    out = send_and_wait(module, wire, b"AT+S.WIFI=1\r", BOOT_DONE)
    assert out.split(b"\r\n")[:-1] == [b"AT+S.WIFI=1", b"AT-S.OK", *BOOT_LINES[4:]]


def test_ssidtxt_sets_the_ssid_used_to_join(module, wire):
    exchange(module, wire, b"AT+S.SSIDTXT=Lab, 2nd floor\r")
    assert exchange(module, wire, b"AT+S.SSIDTXT\r") == (
        b"AT+S.SSIDTXT\r\nAT-S.SSIDTXT:Lab, 2nd floor\r\nAT-S.OK\r\n")
    assert b"wifi_ssid_len=14" in exchange(module, wire, b"AT+S.GCFG=wifi_ssid_len\r")
    out = send_and_wait(module, wire, b"AT+S.WIFI=0\rAT+S.WIFI=1\r", BOOT_DONE)
    assert b"+WIND:25:WiFi Association successful:Lab, 2nd floor\r\n" in out


def test_wind_masks_mute_winds(module, wire):
    # Low bank, bits 21 and 25: WIND 21 (Scanning) and 25 (Association successful).
    out = send_and_wait(module, wire, b"AT+S.SCFG=console_wind_off_low,0x02200000\r"
                        b"AT+S.WIFI=0\rAT+S.WIFI=1\r", BOOT_DONE)
    lines = out.split(b"\r\n")
    assert lines[lines.index(b"AT+S.WIFI=1"):-1] == [
        b"AT+S.WIFI=1", b"AT-S.OK", *[line for line in BOOT_LINES[4:]
                                      if not line.startswith((b"+WIND:21:", b"+WIND:25:"))]]


def test_scan_lists_the_configured_network_first(module, wire):
    out = exchange(module, wire, b"AT+S.SCAN=d,\r").decode().splitlines()
    assert out[1] == "AT-S.Parsing Networks:3"
    assert out[2] == "1:\t BSS 02:53:54:A0:0E:01 CHAN: 06 RSSI: -45 SSID: 'STTest' CAPS: 0401 "
    assert out[-1] == "AT-S.OK"


def test_unemulated_commands_are_refused_after_argument_checks(module, wire):
    assert exchange(module, wire, b"AT+S.ADC=1\r").endswith(
        b"\r\nAT-S.ERROR:120:Not emulated\r\n")
    assert b"ERROR:2:" in exchange(module, wire, b"AT+S.TFTPPUT=host,69\r")
    # A data-phase command it does not emulate still swallows its payload (never run as
    # commands), then says it did nothing.
    assert exchange(module, wire, b"AT+S.INPUTSSI=4\rAT\r\nAT\r") == (
        b"AT+S.INPUTSSI=4\r\nAT-S.ERROR:120:Not emulated\r\nAT\r\nAT-S.OK\r\n")
    exchange(module, wire, b"AT+S.SCFG=console_errs,1\r")
    assert exchange(module, wire, b"AT+S.WPS=0\r").endswith(b"\r\nAT-S.ERROR:120\r\n")


def test_no_catalog_command_is_answered_ok_without_a_handler(module, wire):
    """Every command outside the registry answers 120, whatever its arguments."""
    from spwf_tui.core import catalog
    from spwf_tui.emulator.dispatch import build_registry

    registry = build_registry()
    for command in catalog.COMMANDS:
        if command.name.upper() in registry:
            continue
        fields = ",".join("1" for param in command.params)
        line = f"AT+S.{command.name}" + (f"={fields}" if fields else "")
        out = exchange(module, wire, line.encode() + b"\r" + (b"1" if command.data_phase else b""))
        assert out.endswith(b"AT-S.ERROR:120:Not emulated\r\n"), (line, out)


def test_random_answers_a_number(module, wire):
    out = exchange(module, wire, b"AT+S.RANDOM\r").decode().splitlines()
    assert out[1].startswith("AT-S.Number:") and out[1][len("AT-S.Number:"):].isdigit()


def test_docstring_lists_exactly_the_commands_not_emulated():
    import spwf_tui.emulator as package
    from spwf_tui.emulator.dispatch import build_registry

    registry = build_registry()
    expected = [c.name for c in catalog.COMMANDS if c.name.upper() not in registry]
    doc = " ".join(package.__doc__.split())
    listed = doc.split("it is ``AT-S.ERROR:120``): ")[1].split(".")[0]
    assert [name.strip() for name in listed.split(",")] == expected


def test_hidden_ntp_takes_the_host_clock():
    now = [1_700_000_000.0]
    wire = Wire()
    module = EmulatedModule(wire, clock=lambda: now[0], boot_delay=0)
    module.start()
    try:
        wire.wait_for(BOOT_DONE)
        out = send_and_wait(module, wire, b"AT+S.NTP\r", b"+WIND:84:NTP Server delivery")
        assert out == b"AT+S.NTP\r\nAT-S.OK\r\n+WIND:84:NTP Server delivery\r\n"
        assert b"system_time=1700000000" in exchange(module, wire, b"AT+S.STS=system_time\r")
    finally:
        module.close()


def test_the_readme_table_row_of_refused_commands_is_the_registrys_complement():
    """The README's coverage table names exactly the commands that answer 120."""
    import re
    from pathlib import Path

    from spwf_tui.core import catalog
    from spwf_tui.emulator.dispatch import build_registry

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    row = next(line for line in readme.splitlines()
               if line.startswith("| ") and line.endswith("| no: `AT-S.ERROR:120:Not emulated` |"))
    listed = set(re.findall(r"`([A-Z&]+)`", row.split("|")[1]))
    registry = build_registry()
    refused = {c.name.upper() for c in catalog.COMMANDS if c.name.upper() not in registry}
    assert listed == refused
