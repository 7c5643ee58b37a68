"""Completion candidates and hints."""

from __future__ import annotations

from spwf_tui.core.completion import complete


class Facts:
    def open_socket_ids(self):
        return [0, 2]


def texts(line, **kw):
    return [c.text for c in complete(line, **kw).candidates]


def test_command_names_complete_with_equals():
    assert texts("AT+S.SOCKO") == ["AT+S.SOCKON="]
    assert "AT+S.GCFG=" in texts("at+s.gc")
    assert texts("sockq") == ["AT+S.SOCKQ="]


def test_hidden_commands_only_on_request():
    assert texts("AT+S.NV") == []
    assert texts("AT+S.NV", include_hidden=True) == ["AT+S.NVW="]


def test_configuration_variables_for_scfg_and_gcfg():
    assert "console_echo" in texts("AT+S.SCFG=console_e")
    assert "len" not in texts("AT+S.SCFG=le")  # read-only variables are not offered to SCFG
    assert "len" in texts("AT+S.GCFG=le")


def test_tlscert_types_and_socket_ids_and_sources():
    # the delimiter comes with a choice that has a value after it (the REPL added none)
    assert texts("AT+S.TLSCERT=") == ["ca,", "cert,", "key,", "auth,", "content,"]
    assert texts("AT+S.SOCKQ=", facts=Facts()) == ["0", "2"]
    assert texts("AT+S.TLSCERT=auth,")[0] == "ski:"
    assert complete("AT+S.TLSCERT=ca,@/tmp/ca").wants_path == "/tmp/ca"


def test_hint_follows_the_cursor():
    line = "AT+S.SOCKON=host,443,,s"
    assert "<port>" in complete(line, cursor=len("AT+S.SOCKON=host,4")).hint.text
    assert "<kind>" in complete(line).hint.text
    assert "too many" in complete(line + ",x").hint.text


def test_content_takes_an_option_not_a_payload_source():
    assert texts("AT+S.TLSCERT=content,") == ["1", "2"]
    assert texts("AT+S.TLSCERT=Content,2") == ["2"]
    assert complete("AT+S.TLSCERT=content,").wants_path is None


def test_a_last_choice_gets_no_delimiter():
    assert texts("AT+S.SOCKON=h,1,,") == ["t", "u", "s"]


def test_tlscert_syntax_hint_names_auth():
    hint = complete("AT+S.TLSCERT").hint.text
    assert hint.startswith("AT+S.TLSCERT=<ca|cert|key|auth|content>,<length|option> — ")
    # other syntax strings stay the firmware's own
    assert complete("AT+S.SOCKON=").hint.text.startswith("AT+S.SOCKON=<host>,<port>,,<t|u|s|TLS Server Domain Name>")


def test_several_names_share_a_prefix_for_tab():
    import os
    assert os.path.commonprefix(texts("AT+S.SO")) == "AT+S.SOCK"
