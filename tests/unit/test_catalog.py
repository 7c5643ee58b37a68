"""The catalog tables agree with the firmware's tables (docs/protocol.md §3) and with themselves."""

from __future__ import annotations

import ipaddress
import re

import pytest

from spwf_tui.core import catalog
from spwf_tui.core.catalog import (
    COMMANDS,
    CONFIG_VARIABLES,
    ERRORS,
    STATUS_VARIABLES,
    WINDS,
)
from spwf_tui.core.catalog.tls import CERTIFICATE_ERRORS, UNKNOWN_CERTIFICATE_ERROR

# Every command of docs/protocol.md §3.1, by section.
REFERENCE_COMMANDS = {
    "system": ["AT", "HELP", "RESET", "PMS", "STS", "PYTHON", "GCFG", "SCFG", "WCFG", "FCFG",
               "NVW", "MFGTEST", "SELFTEST", "AT&V", "AT&W", "AT&F"],
    "peripherals": ["TIME", "RANDOM", "GPIOC", "GPIOR", "GPIOW", "DAC", "ADC", "PWM"],
    "filesystem": ["FSM", "FSU", "FSC", "FSD", "FSR", "FSL", "FSP", "HASH"],
    "certificates": ["WPAECERT", "TLSCERT"],
    "wifi": ["CMDREQ", "BYPASS", "WIFI", "SCAN", "SSIDTXT", "PEERS", "WPS", "RENEW", "NTP",
             "PING"],
    "socket": ["SOCKON", "SOCKQ", "SOCKC", "SOCKW", "SOCKR", "SOCKL"],
    "server": ["SOCKDON", "SOCKDQ", "SOCKDC", "SOCKDW", "SOCKDR", "SOCKDL"],
    "application": ["TFTPGET", "TFTPPUT", "SMTP", "HTTPGET", "HTTPPOST", "FWUPDATE", "FSUPDATE",
                    "INPUTSSI", "MQTTCONN", "MQTTSUB", "MQTTPUB", "MQTTUNSUB", "MQTTDISC",
                    "WSOCKON", "WSOCKQ", "WSOCKC", "WSOCKW", "WSOCKR", "WSOCKL"],
}
HIDDEN = {"NVW", "MFGTEST", "SELFTEST", "RENEW", "NTP", "CMDREQ", "BYPASS", "AT&V", "AT&W", "AT&F"}
DATA_PHASE = {"TLSCERT", "WPAECERT", "INPUTSSI", "FSC", "SOCKW", "SOCKDW", "CMDREQ", "BYPASS",
              "SMTP", "MQTTPUB", "WSOCKW"}
PARAM_KINDS = {"text", "int", "socket_id", "cfg_var", "sts_var", "filename", "host", "len",
               "unused"}
# Words inside <a|b|...> that name a value rather than spell one.
PLACEHOLDERS = {"value", "frequency", "length", "option", "TLS Server Domain Name"}


def _syntax_fields(syntax: str) -> list[str]:
    """The comma-separated fields of a syntax string, brackets dropped, data phase cut off."""
    if "=" not in syntax:
        return []
    args = syntax.split("=", 1)[1].split("<CR>")[0]
    return args.replace("[", "").replace("]", "").split(",")


# ---------------------------------------------------------------- commands


def test_every_reference_command_is_present_in_its_group():
    by_name = {cmd.name: cmd for cmd in COMMANDS}
    for group, names in REFERENCE_COMMANDS.items():
        for name in names:
            assert name in by_name, name
            assert by_name[name].group == group, name
    assert len(COMMANDS) == sum(len(names) for names in REFERENCE_COMMANDS.values())


def test_command_names_and_ids_are_unique():
    names = [cmd.name for cmd in COMMANDS]
    assert len(names) == len(set(names))
    ids = [cmd.command_id for cmd in COMMANDS if cmd.command_id is not None]
    assert len(ids) == len(set(ids))
    assert all(cmd.name == cmd.name.upper() for cmd in COMMANDS)


def test_selected_command_ids():
    assert catalog.command("AT").command_id == 0x01
    assert catalog.command("CMDREQ").command_id == 0x30
    assert catalog.command("BYPASS").command_id == 0x31
    assert catalog.command("FSM").command_id == 0x21
    assert catalog.command("SELFTEST").command_id == 0x4F
    assert catalog.command("WSOCKL").command_id == 0x66
    assert catalog.command("AT&V").command_id is None


def test_syntax_starts_with_full_name():
    for cmd in COMMANDS:
        assert cmd.syntax.startswith(cmd.full_name), cmd.name
        rest = cmd.syntax[len(cmd.full_name):]
        assert rest == "" or rest[0] in "=[", cmd.name


def test_hidden_flags():
    assert {cmd.name for cmd in COMMANDS if cmd.hidden} == HIDDEN


def test_data_phase_matches_syntax():
    for cmd in COMMANDS:
        has_cr = "<CR>" in cmd.syntax
        if has_cr:
            assert cmd.data_phase, cmd.name
        if cmd.data_phase and not has_cr:
            # The certificate commands' help string omits <CR><data>; their data phase depends
            # on the first field instead.
            assert cmd.no_data_when_first == ("content",), cmd.name
    assert {cmd.name for cmd in COMMANDS if cmd.data_phase} == DATA_PHASE


def test_data_phase_commands_end_with_a_len_parameter():
    for cmd in COMMANDS:
        kinds = [p.kind for p in cmd.params]
        if cmd.data_phase:
            assert kinds and kinds[-1] == "len", cmd.name
            assert kinds.count("len") == 1, cmd.name
        else:
            assert "len" not in kinds, cmd.name


def test_data_phase_exceptions():
    assert catalog.command("TLSCERT").no_data_when_first == ("content",)
    assert catalog.command("WPAECERT").no_data_when_first == ("content",)
    assert catalog.command("INPUTSSI").no_data_when_len_zero
    assert [c.name for c in COMMANDS if c.no_data_when_len_zero] == ["INPUTSSI"]


def test_parameters_follow_the_syntax_string():
    for cmd in COMMANDS:
        fields = _syntax_fields(cmd.syntax)
        if cmd.name == "PEERS":
            # `[=,<peer_number>[,<peer_var>]]`: drivers send `=0,rx_rssi`, so the leading comma
            # is not a field of its own.
            assert fields[0] == ""
            fields = fields[1:]
        assert len(cmd.params) == len(fields), cmd.name
        for field, param in zip(fields, cmd.params):
            assert param.kind in PARAM_KINDS, (cmd.name, param.name)
            assert param.name and param.hint, (cmd.name, field)
            if field == "":
                assert param.kind == "unused" and param.optional, cmd.name
            elif field.startswith("<") and "|" in field:
                words = field[1:-1].split("|")
                literal = {w for w in words if w not in PLACEHOLDERS}
                extra = {"auth"} if cmd.name == "TLSCERT" else set()
                if len(literal) == len(words):
                    assert set(param.choices) == literal | extra, (cmd.name, field)
                else:
                    # `<0|value>`: free-form with a special value; listing 0 alone would
                    # mislead completion, so choices may stay empty.
                    assert set(param.choices) <= literal, (cmd.name, field)
            elif field.startswith("<"):
                assert param.name == field[1:-1], (cmd.name, field)
            elif param.choices:
                assert param.choices == (field,), cmd.name
            else:
                assert param.name == field, cmd.name


def test_bracketed_parameters_are_optional():
    for name, optional in {"HELP": ["keyword"], "STS": ["sts_var"], "GCFG": ["cfg_var"],
                           "PYTHON": ["filename"], "TIME": ["time"], "FSL": ["filename"],
                           "SSIDTXT": ["ssidtxt"], "PWM": ["duty_cycle"], "SOCKDC": ["cid"],
                           "SOCKDL": ["sid"], "PEERS": ["peer_number", "peer_var"]}.items():
        cmd = catalog.command(name)
        assert [p.name for p in cmd.params if p.optional] == optional, name


def test_sockon_parameters():
    params = catalog.command("SOCKON").params
    assert [p.kind for p in params] == ["host", "int", "unused", "text"]
    assert params[3].choices == ("t", "u", "s")
    assert "domain" in params[3].hint.lower()


def test_tlscert_parameters():
    cmd = catalog.command("TLSCERT")
    assert cmd.params[0].choices == ("ca", "cert", "key", "auth", "content")
    assert "20" in cmd.summary and "raw" in cmd.summary
    assert "20 raw" in cmd.params[0].hint


def test_parameter_kinds_for_completion():
    for name in ("SOCKQ", "SOCKC", "SOCKW", "SOCKR"):
        assert catalog.command(name).params[0].kind == "socket_id", name
    assert catalog.command("GCFG").params[0].kind == "cfg_var"
    assert catalog.command("SCFG").params[0].kind == "cfg_var"
    assert catalog.command("STS").params[0].kind == "sts_var"
    assert catalog.command("FSD").params[0].kind == "filename"


def test_commands_have_summary_response_and_group():
    groups = set(REFERENCE_COMMANDS)
    for cmd in COMMANDS:
        assert cmd.summary and cmd.response, cmd.name
        assert cmd.group in groups, cmd.name


@pytest.mark.parametrize("typed, name", [
    ("at+s.sockon", "SOCKON"), ("AT+S.SOCKON", "SOCKON"), ("sockon", "SOCKON"),
    (" AT ", "AT"), ("at&v", "AT&V"), ("AT+S.TLSCERT", "TLSCERT"),
])
def test_command_lookup(typed, name):
    assert catalog.command(typed).name == name


def test_unknown_command_lookup():
    assert catalog.command("AT+S.FSA") is None
    assert catalog.command("TLSCERT2") is None


# ---------------------------------------------------------------- configuration variables

_HEX = re.compile(r"0x[0-9a-f]+")
_BYTES = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2})*")


def test_config_variable_count_and_names():
    names = [var.name for var in CONFIG_VARIABLES]
    assert len(names) >= 115
    assert len(names) == len(set(names))
    for index in range(4):
        assert f"wifi_wep_keys[{index}]" in names
    assert "wifi_wep_keys[0..3]" not in names
    assert {"ip_dns1v6", "ip_dns2v6"} <= set(names)


@pytest.mark.parametrize("var", CONFIG_VARIABLES, ids=lambda v: v.name)
def test_config_factory_value_parses_per_type(var):
    value = var.factory
    assert var.type in {"u", "s", "str", "hex", "bytes", "ch", "ip", "port"}
    if var.type == "u":
        assert value.isdigit()
        assert int(value) < 256 ** var.size
    elif var.type == "s":
        number = int(value)
        assert -(2 ** (8 * var.size - 1)) <= number < 2 ** (8 * var.size - 1)
    elif var.type == "hex":
        assert _HEX.fullmatch(value)
        assert len(value) == 2 + 2 * var.size
    elif var.type == "bytes":
        assert _BYTES.fullmatch(value)
        count = len(value.split(":"))
        if var.name == "wifi_ssid":
            assert count == int(catalog.config_variable("wifi_ssid_len").factory)
        else:
            assert count == var.size
    elif var.type == "str":
        assert len(value) <= var.size
        assert value.strip('"') == value
    elif var.type == "ch":
        assert len(value) == 1 == var.size
    elif var.type == "ip":
        assert isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
        assert value.count(".") == 3
    elif var.type == "port":
        assert all(part.isdigit() and int(part) < 65536 for part in value.split(" "))


def test_selected_factory_values():
    expected = {
        "crc_check": "0xa5a5a5a5", "wifi_operational_mode": "0x00000011",
        "wifi_opr_rate_mask": "0x003fffcf", "wifi_ssid": "53:54:54:65:73:74",
        "aes128_key": ":".join(["00"] * 16), "console_echo": "1", "console_speed": "115200",
        "console_delimiter": ",", "console_repeater": "!", "ip_ipaddr": "192.168.0.50",
        "ip_local": "0.0.0.0", "ip_mdns_services_port": "80 69", "nv_manuf": "",
        "user_desc": "anonymous", "len": "1252", "wifi_wps_pin": "1234567",
        "ip_mdns_startup": "01:01", "nv_wifi_macaddr": "00:80:e1:b7:00:01",
    }
    for name, value in expected.items():
        assert catalog.config_variable(name).factory == value, name
    assert "per module" in catalog.config_variable("nv_wifi_macaddr").meaning


def test_readonly_and_secret_flags():
    readonly = {v.name for v in CONFIG_VARIABLES if v.readonly}
    assert readonly == {"len", "crc_check", "wifi_band", "wifi_enabled", "wifi_wpa_psk_crunched",
                        "wifi_eap_subject_match", "wifi_eap_altsubject_match",
                        "wifi_eap_peap_options", "ip_bypass", "ip_ifname"}
    secret = {v.name for v in CONFIG_VARIABLES if v.secret}
    assert secret == {"wifi_wpa_psk_text", "wifi_wpa_psk_raw", "wifi_eap_passwd", "aes128_key",
                      "wifi_wep_keys[0]", "wifi_wep_keys[1]", "wifi_wep_keys[2]",
                      "wifi_wep_keys[3]"}


def test_config_variable_lookup_is_case_insensitive():
    var = catalog.config_variable("CONSOLE_ECHO")
    assert var is not None and var.name == "console_echo"
    assert catalog.config_variable("localecho1") is None


def test_status_variables_in_firmware_order():
    names = [v.name for v in STATUS_VARIABLES]
    assert len(names) == len(set(names)) == 65
    assert names[:3] == ["build", "fw_version", "boot_version"]
    assert names[-4:] == ["ip_cert_len_ca", "ip_cert_len_cert", "ip_cert_len_key",
                          "ip_cert_len_dhp"]
    assert names.index("wifi_state") == 23
    assert names.index("ip_from_AutoIP") == 51
    assert "10 ready to transmit" in catalog.status_variable("WIFI_STATE").meaning
    assert catalog.status_variable("ip_from_autoip").name == "ip_from_AutoIP"


# ---------------------------------------------------------------- errors, WINDs, TLS


def test_error_codes_unique_and_confirmed_texts_exact():
    codes = [e.code for e in ERRORS]
    assert len(codes) == len(set(codes)) == 60
    assert codes == sorted(codes)
    confirmed = {74: "Failed to open socket", 76: "Illegal Socket ID", 77: "Pending data",
                 78: "Socket not connected", 111: "Request failed"}
    for code, text in confirmed.items():
        assert catalog.error(code).text == text
    assert all(e.explain for e in ERRORS)


def test_error_explanations_and_alternative_texts():
    assert "Loading" in catalog.error(74).explain
    assert "SOCKR" in catalog.error(77).explain
    for old in ("FSA", "TLSCERT2", "SETTIME", "TLSDOMAIN"):
        assert old in catalog.error(1).explain
    assert "localecho1" in catalog.error(4).explain
    assert catalog.error(59).text == "Unable to (un)mount volume"
    assert catalog.error(59).other_texts == ("Unable to unmount volume",)
    assert catalog.error(22).other_texts == ("Cannot use GPIO7. Reserved for WPS feature",)
    assert catalog.error(3) is None
    assert catalog.error(120) is None


def test_winds():
    numbers = [w.number for w in WINDS]
    assert len(numbers) == len(set(numbers))
    assert numbers == sorted(numbers)
    for reserved in (37, 47, 48, 59, 60, 71, 79):
        assert catalog.wind(reserved) is None
    assert catalog.wind(13).text == (
        "Copyright (c) 2012-2017 STMicroelectronics, Inc.  All rights Reserved")
    assert "Inc.  All" in catalog.wind(13).text
    assert catalog.wind(55).fields == ("sid", "id", "rx", "total")
    assert "SOCKR" in catalog.wind(55).explain
    assert catalog.wind(58).fields == ("id", "reason")
    assert catalog.wind(24).fields == ("index", "ip")
    assert catalog.wind(29).fields == ("ip", "mac")
    assert catalog.wind(1).fields == ("build",)
    assert "10" in catalog.wind(7).explain
    assert all(w.explain for w in WINDS)


def test_certificate_errors():
    assert set(CERTIFICATE_ERRORS) == {3, 5, 19, 23}
    assert "20" in CERTIFICATE_ERRORS[3]
    assert "OpenSSL" in UNKNOWN_CERTIFICATE_ERROR
    assert "AT+S.TIME" in UNKNOWN_CERTIFICATE_ERROR
