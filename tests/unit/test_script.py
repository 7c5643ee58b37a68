"""The ``run`` script language: parsing, comments, variables, and errors that name the line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spwf_tui.cli.script import (
    COMMAND,
    DEFAULT_EXPECT,
    EXPECT,
    NOTE,
    SLEEP,
    WAIT,
    load_steps,
    parse_assignments,
    parse_line,
    parse_script,
    script_variables,
    strip_comment,
)
from spwf_tui.errors import UserError
from tests.support.fuzz import budget


def no_files(path: str) -> bytes:
    raise FileNotFoundError(path)


def files(path: str) -> bytes:
    return {"ca.pem": b"x" * 1403, "page.txt": b"GET\r\n"}[path]


def step(line: str, variables: dict | None = None):
    return parse_line(line, "t.at:1", variables or {}, files)


def test_a_script_becomes_steps_of_every_kind():
    text = "\n".join([
        "# set-up", "", "AT+S.TLSCERT=ca,@ca.pem", "expect /On:.*:0/ 10", 'expect "Reading:11" 2',
        "expect AT-S.OK", "wait WIND:55 3", "sleep 0.5", "note half way",
    ])
    steps = parse_script(text, "s.at", {}, files)
    assert [s.kind for s in steps] == [COMMAND, EXPECT, EXPECT, EXPECT, WAIT, SLEEP, NOTE]
    assert [s.origin for s in steps] == [f"s.at:{n}" for n in range(3, 10)]
    assert steps[0].outgoing.line == "AT+S.TLSCERT=ca,1403"
    assert steps[1].seconds == 10 and steps[1].expect.matches("AT-S.On:127.0.0.1:0")
    assert steps[2].seconds == 2 and steps[2].expect.shown == '"Reading:11"'
    assert steps[3].seconds == DEFAULT_EXPECT and steps[3].expect.matches("AT-S.OK")
    assert (steps[4].wind, steps[4].seconds) == (55, 3)
    assert steps[5].seconds == 0.5
    assert steps[6].note == "half way"


def test_plain_expect_text_is_literal_and_takes_the_whole_rest():
    expect = step("expect HTTP/1.0 200 (ok?)").expect
    assert expect.matches("HTTP/1.0 200 (ok?)\r\n") and not expect.matches("HTTP/1.0 200 ok")


def test_regex_may_contain_slashes():
    s = step("expect /HTTP/1\\.[01] 200/ 4")
    assert s.seconds == 4 and s.expect.matches("HTTP/1.1 200 ok")


@pytest.mark.parametrize("line, kept", [
    ("AT+S.TIME=1700000000   # seconds since 1970", "AT+S.TIME=1700000000   "),
    ('AT+S.SOCKW=0,"a # b"  # comment', 'AT+S.SOCKW=0,"a # b"  '),
    ('AT+S.SOCKW=0,"q\\" # still text"', 'AT+S.SOCKW=0,"q\\" # still text"'),
    ("expect /a\\#b/", "expect /a\\#b/"),
    ("AT+S.SSIDTXT=Lab#2", "AT+S.SSIDTXT=Lab#2"),
    ("# all comment", ""),
])
def test_comments_start_at_a_hash_after_whitespace_outside_quotes(line, kept):
    assert strip_comment(line) == kept


def test_variables_from_set_win_over_the_environment():
    variables = script_variables(parse_assignments(["HOST=10.0.0.1", "EMPTY="]), {"HOST": "x", "PORT": "443"})
    s = step("AT+S.SOCKON=${HOST},${PORT},,s${EMPTY}", variables)
    assert s.outgoing.line == "AT+S.SOCKON=10.0.0.1,443,,s"


def test_a_variable_value_with_a_hash_is_not_a_comment():
    s = step("AT+S.SSIDTXT=${SSID}", {"SSID": "Lab #2"})
    assert s.outgoing.line == "AT+S.SSIDTXT=Lab #2"


@pytest.mark.parametrize("line, variables, message", [
    ("AT+S.SOCKON=${HOST},80,,t", {}, "t.at:1: undefined variable ${HOST} (give --set HOST=VALUE"),
    ("AT+S.SOCKON=${HO ST},80,,t", {}, "is not a variable name"),
    ("AT+S.SOCKON=${HOST,80,,t", {}, "without its closing"),
    ("AT+S.SSIDTXT=${X}", {"X": "a\nb"}, "contains a line break"),
    ("hello", {}, "t.at:1: 'hello' is not a step"),
    ("expect", {}, "expect wants something to look for"),
    ("expect /abc", {}, "a regular expression is written /REGEX/"),
    ("expect /a(/", {}, "is not a valid regular expression"),
    ('expect "abc', {}, "missing closing quote"),
    ('expect "abc" soon', {}, "only SECONDS may follow"),
    ("expect /x/ 0", {}, "out of range"),
    ("wait 55", {}, "wait wants WIND:<n> [SECONDS]"),
    ("wait WIND:55 forever", {}, "wait wants WIND:<n>"),
    ("sleep", {}, "sleep wants SECONDS"),
    ("sleep 99999999", {}, "out of range"),
    ("note", {}, "note wants a text"),
    ("AT+S.SOCKW=0,5", {}, "a script cannot type them"),
    ("AT+S.FSC=/x,@missing", {}, "t.at:1: missing: no such file"),
])
def test_mistakes_are_one_user_error_naming_the_line(line, variables, message):
    with pytest.raises(UserError) as caught:
        parse_line(line, "t.at:1", variables, no_files)
    assert message in str(caught.value)


@pytest.mark.parametrize("item", ["NOEQUALS", "1X=2", "=v", "A B=1"])
def test_bad_set_arguments(item):
    with pytest.raises(UserError, match="--set wants NAME=VALUE"):
        parse_assignments([item])


def test_load_steps_checks_everything_and_names_the_file(tmp_path):
    script = tmp_path / "s.at"
    script.write_text("AT\n\nexpect AT-S.OK\nAT+S.FSC=/x,@${F}\n")
    with pytest.raises(UserError, match=r"s\.at:4: undefined variable \$\{F\}"):
        load_steps(str(script), [], no_files, {})
    with pytest.raises(UserError, match="nope.at: no such script file"):
        load_steps(str(tmp_path / "nope.at"), [], no_files, {})
    with pytest.raises(UserError, match="is a directory"):
        load_steps(str(tmp_path), [], no_files, {})
    steps = load_steps(None, ["AT", "note ${WHO}"], no_files, {"WHO": "me"})
    assert [s.origin for s in steps] == ["-c #1", "-c #2"] and steps[1].note == "me"
    with pytest.raises(UserError, match="nothing to run"):
        load_steps(None, ["# only a comment"], no_files, {})


def _read_anything(path: str) -> bytes:
    if path.startswith("dir"):
        raise IsADirectoryError(path)
    if path.startswith("x"):
        raise FileNotFoundError(path)
    return path.encode() or b"?"


_script_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from([
        "AT", "AT+S.", "expect ", "wait ", "WIND:", "sleep ", "note ", "/", '"', "\\", "${", "}", "#", " ",
        "@", "hex:", "ski:", "=", ",", "(", "[", "*", "1", "0.5", "\n", "\t", "AT+S.SOCKW=0,", "AT+S.TLSCERT=auth,",
        "AT+S.FSC=f,", "{999999999999}", "A", "${V}", "${NOPE}",
    ]), max_size=40).map("".join),
)


@settings(max_examples=budget(400), deadline=None)
@given(_script_text)
def test_the_parser_never_raises_anything_but_user_error(text):
    try:
        parse_script(text, "fuzz.at", {"V": "AT+S.STS"}, _read_anything)
    except UserError:
        pass
