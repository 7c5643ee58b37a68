"""The ``run`` script language: pure parsing, no I/O beyond the ``read_file`` the caller passes.

One step per line; blank lines and comments are skipped. A ``#`` at the start of a line, or
after whitespace outside a ``"..."`` payload, starts a comment.

* ``AT...``: a command, with payload sources (``@FILE``, ``hex:``, ``ski:FILE``, ``"text"``);
* ``expect TEXT`` / ``expect "TEXT" [SECONDS]`` / ``expect /REGEX/ [SECONDS]``: something the
  module said since the previous command was sent (its replies and anything later, echo
  excepted) contains TEXT or matches REGEX, waiting up to SECONDS (default 5);
* ``wait WIND:<n> [SECONDS]``: that indication arrived since the previous command was sent,
  waiting up to SECONDS (default 10);
* ``sleep SECONDS``: pause;
* ``note TEXT``: a marker in the transcript (and the recording);
* ``port NAME=VALUE...``: change the open port's settings (``port baud=921600 parity=E``; the
  names of ``:port`` in the REPL);
* ``break [MS]``, ``dtr on|off|pulse [MS]``, ``rts on|off|pulse [MS]``: BREAK and the modem lines.

``${NAME}`` is replaced by the variable NAME (``--set NAME=VALUE`` first, then the
environment) after comments are removed. Every line is parsed, its variables substituted and its
payload sources resolved before the first byte is sent, so a script with a mistake sends nothing.
Every problem raises ``UserError`` naming the line (``script.at:7``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from spwf_tui.core import authcheck
from spwf_tui.core.payload import Outgoing, PayloadError, encode, parse_quoted
from spwf_tui.errors import UserError
from spwf_tui.transport.modem import LineAction, parse_line_action
from spwf_tui.transport.settings import SettingsError, parse_changes

DEFAULT_WAIT = 10.0
"""Seconds ``wait WIND:<n>`` waits when no timeout is given."""
DEFAULT_EXPECT = 5.0
"""Seconds ``expect`` waits when no timeout is given."""
MAX_SECONDS = 24 * 3600.0
"""Longest timeout or sleep accepted; more is surely a typo."""

COMMAND = "command"
EXPECT = "expect"
WAIT = "wait"
SLEEP = "sleep"
NOTE = "note"
PORT = "port"
"""A ``port`` step (line settings) or a modem-line step (``break``, ``dtr``, ``rts``)."""

_SECONDS = r"(\d+(?:\.\d*)?|\.\d+)"
_WAIT = re.compile(rf"WIND:(\d{{1,3}})(?:\s+{_SECONDS})?", re.IGNORECASE)
_SLEEP = re.compile(_SECONDS)
_REGEX = re.compile(rf"/(.*)/(?:\s+{_SECONDS})?", re.DOTALL)
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = (EXPECT, WAIT, SLEEP, NOTE, PORT, "break", "dtr", "rts")
_STEP_FORMS = ("an AT command, expect, wait WIND:<n>, sleep SECONDS, note TEXT, port NAME=VALUE, break [MS], "
               "dtr/rts on|off|pulse [MS]")

ReadFile = Callable[[str], bytes]


@dataclass(frozen=True)
class Expectation:
    """What an ``expect`` step looks for."""

    pattern: re.Pattern[str]
    shown: str
    """As written: ``/On:.*:0/`` or the text."""

    def matches(self, text: str) -> bool:
        """True when ``text`` (one module line or payload piece) satisfies the expectation."""
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class Step:
    """One step of a run."""

    origin: str
    """Where it came from: ``script.at:3`` or ``-c #1``."""
    text: str
    """The line as written (comment removed, variables substituted)."""
    kind: str = COMMAND
    """``command``, ``expect``, ``wait``, ``sleep`` or ``note``."""
    outgoing: Outgoing | None = None
    """For a command: what to send."""
    wind: int | None = None
    """For ``wait``: the WIND number."""
    seconds: float = 0.0
    """For ``wait`` and ``expect`` (timeout) and ``sleep``."""
    expect: Expectation | None = None
    note: str | None = None
    port_changes: dict[str, object] | None = None
    """For ``port``: ``PortSettings`` field changes."""
    line_action: LineAction | None = None
    """For ``break``, ``dtr`` and ``rts``."""


class StepResult(TypedDict, total=False):
    """What running a step came to: one line of ``run --json`` (which keys depend on the step)."""

    step: str
    """The step's ``origin``."""
    ok: bool
    reason: str | None
    """Why it failed (for a command, None when it held)."""
    command: str
    outcome: str | None
    replies: list[str]
    replies_dropped: int
    """Reply lines not in ``replies`` (a reply over 8 MiB keeps its first 8 MiB and its final line)."""
    payload_bytes: int
    sent_bytes: int
    wait: str
    event: str | None
    expect: str
    matched: str | None
    note: str | None
    sleep: float
    port: str
    settings: str


def load_steps(script: str | None, commands: list[str], read_file: ReadFile,
               variables: Mapping[str, str] | None = None, *, force: bool = False) -> list[Step]:
    """All steps of a run: the script file's lines, then the ``-c`` lines.

    ``force``: send an ``auth`` upload written as hex text (``core.authcheck``) as it is.

    Raises:
        UserError: missing or unreadable script, a line that cannot be run (named by file and
            line number), or without ``force`` an ``auth`` upload written as hex text.
    """
    variables = variables or {}
    steps: list[Step] = []
    if script is not None:
        steps += parse_script(_read_script(script), script, variables, read_file)
    for number, line in enumerate(commands, start=1):
        step = parse_line(line, f"-c #{number}", variables, read_file)
        if step is not None:
            steps.append(step)
    if not steps:
        raise UserError("nothing to run: give a script file or -c LINE")
    if not force:
        refuse_auth_as_hex_text(steps)
    return steps


def refuse_auth_as_hex_text(steps: list[Step]) -> None:
    """The seed thread's mistake is refused before the port opens; the fix names the CA file the
    script uploads (``TLSCERT=ca,@FILE``), as the session would.

    Raises:
        UserError: naming the step, the mistake, the fix and ``--force``.
    """
    ca_file = None
    for step in steps:
        if step.kind != COMMAND or step.outgoing is None:
            continue
        outgoing = step.outgoing
        warning = authcheck.check(outgoing.line, outgoing.payload, ca_file)
        if warning is not None:
            raise UserError(f"{step.origin}: {warning} (--force sends it as written)")
        ca_file = authcheck.ca_file_of(outgoing.line, outgoing.source) or ca_file


def parse_script(text: str, name: str, variables: Mapping[str, str], read_file: ReadFile) -> list[Step]:
    """The steps of a whole script; ``name`` is used in messages (``name:line``)."""
    steps = []
    for number, line in enumerate(text.splitlines(), start=1):
        step = parse_line(line, f"{name}:{number}", variables, read_file)
        if step is not None:
            steps.append(step)
    return steps


def parse_line(line: str, origin: str, variables: Mapping[str, str], read_file: ReadFile) -> Step | None:
    """One script line as a step, or None for a blank or comment line.

    Raises:
        UserError: the line cannot be run; the message starts with ``origin``.
    """
    text = substitute(strip_comment(line).strip(), variables, origin)
    if not text:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"{origin}: the line is not valid UTF-8 text") from None
    word, *more = text.split(None, 1)
    keyword = word.lower()
    rest = more[0].strip() if more else ""
    if keyword == EXPECT:
        return _expect(origin, text, rest)
    if keyword == WAIT:
        return _wait(origin, text, rest)
    if keyword == SLEEP:
        return _sleep(origin, text, rest)
    if keyword == NOTE:
        if not rest:
            raise UserError(f"{origin}: note wants a text (note TEXT)")
        return Step(origin, text, NOTE, note=rest)
    if keyword in (PORT, "break", "dtr", "rts"):
        return _port_step(origin, text, keyword, rest)
    if not text.upper().startswith("AT"):
        raise UserError(f"{origin}: {text!r} is not a step ({_STEP_FORMS})")
    return _command(origin, text, read_file)


def strip_comment(line: str) -> str:
    """``line`` without its comment: ``#`` at the start or after whitespace, outside ``"..."``."""
    quoted = False
    escaped = False
    for index, ch in enumerate(line):
        if quoted:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
        elif ch == '"':
            quoted = True
        elif ch == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def substitute(text: str, variables: Mapping[str, str], origin: str) -> str:
    """Replace every ``${NAME}`` in ``text``.

    Raises:
        UserError: an undefined variable, a malformed ``${...}``, or a value with a line break.
    """
    if "${" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if not _NAME.fullmatch(name):
            raise UserError(f"{origin}: ${{{name}}} is not a variable name (letters, digits and _)")
        if name not in variables:
            raise UserError(f"{origin}: undefined variable ${{{name}}} (give --set {name}=VALUE "
                            "or set it in the environment)")
        found = variables[name]
        if "\r" in found or "\n" in found:
            raise UserError(f"{origin}: the value of ${{{name}}} contains a line break")
        return found

    result = _VARIABLE.sub(value, text)
    if "${" in _VARIABLE.sub("", text):
        raise UserError(f"{origin}: '${{' without its closing '}}' (write ${{NAME}})")
    return result


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``--set NAME=VALUE`` arguments as a mapping.

    Raises:
        UserError: an item without ``=`` or with a bad name.
    """
    result = {}
    for item in items:
        name, equals, value = item.partition("=")
        if not equals or not _NAME.fullmatch(name):
            raise UserError(f"--set wants NAME=VALUE (NAME: letters, digits and _), not {item!r}")
        result[name] = value
    return result


def script_variables(assignments: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """The variables a script sees: the environment, overridden by ``--set``."""
    return {**environ, **assignments}


# -- the step forms -------------------------------------------------------------------------

def _read_script(script: str) -> str:
    try:
        return Path(script).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{script}: no such script file") from None
    except IsADirectoryError:
        raise UserError(f"{script}: is a directory, not a script file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{script}: cannot read the script ({getattr(exc, 'strerror', None) or exc})") from None


def _seconds(origin: str, text: str | None, default: float) -> float:
    if text is None:
        return default
    seconds = float(text)
    if not 0 < seconds <= MAX_SECONDS:
        raise UserError(f"{origin}: {text} seconds is out of range (more than 0, at most {MAX_SECONDS:g})")
    return seconds


def _expect(origin: str, text: str, rest: str) -> Step:
    usage = "expect TEXT, expect \"TEXT\" [SECONDS] or expect /REGEX/ [SECONDS]"
    if not rest:
        raise UserError(f"{origin}: expect wants something to look for ({usage})")
    seconds_text = None
    if rest.startswith("/"):
        match = _REGEX.fullmatch(rest)
        if match is None or not match.group(1):
            raise UserError(f"{origin}: {rest!r}: a regular expression is written /REGEX/, "
                            "optionally followed by SECONDS")
        body, seconds_text = match.group(1), match.group(2)
        try:
            pattern = re.compile(body)
        except (re.error, RecursionError, OverflowError, ValueError) as exc:
            raise UserError(f"{origin}: /{body}/ is not a valid regular expression ({exc})") from None
        shown = f"/{body}/"
    elif rest.startswith('"'):
        literal, seconds_text = _quoted(origin, rest)
        pattern, shown = re.compile(re.escape(literal)), f'"{literal}"'
    else:
        pattern, shown = re.compile(re.escape(rest)), rest
    seconds = _seconds(origin, seconds_text, DEFAULT_EXPECT)
    return Step(origin, text, EXPECT, seconds=seconds, expect=Expectation(pattern, shown))


def _quoted(origin: str, rest: str) -> tuple[str, str | None]:
    """``"text" [SECONDS]`` -> (text, seconds text)."""
    end = 1
    while end < len(rest) and rest[end] != '"':
        end += 2 if rest[end] == "\\" else 1
    if end >= len(rest):
        raise UserError(f"{origin}: expect: missing closing quote (write \"...\" around the text)")
    after = rest[end + 1:].strip()
    if after and not _SLEEP.fullmatch(after):
        raise UserError(f"{origin}: expect: after the quoted text only SECONDS may follow, not {after!r}")
    try:
        literal = parse_quoted(rest[:end + 1]).decode("utf-8", "replace")
    except PayloadError as exc:
        raise UserError(f"{origin}: expect: {str(exc).replace('text payload: ', '')}") from None
    if not literal:
        raise UserError(f"{origin}: expect: the quoted text is empty")
    return literal, after or None


def _wait(origin: str, text: str, rest: str) -> Step:
    match = _WAIT.fullmatch(rest)
    if match is None:
        raise UserError(f"{origin}: wait wants WIND:<n> [SECONDS] (e.g. wait WIND:55 10), not {rest!r}")
    seconds = _seconds(origin, match.group(2), DEFAULT_WAIT)
    return Step(origin, text, WAIT, wind=int(match.group(1)), seconds=seconds)


def _sleep(origin: str, text: str, rest: str) -> Step:
    if not _SLEEP.fullmatch(rest):
        raise UserError(f"{origin}: sleep wants SECONDS (e.g. sleep 0.5), not {rest!r}")
    return Step(origin, text, SLEEP, seconds=_seconds(origin, rest, 0.0))


def _port_step(origin: str, text: str, keyword: str, rest: str) -> Step:
    try:
        if keyword == PORT:
            return Step(origin, text, PORT, port_changes=parse_changes(rest))
        return Step(origin, text, PORT, line_action=parse_line_action(keyword, rest))
    except SettingsError as exc:
        raise UserError(f"{origin}: {exc}") from None


def _command(origin: str, line: str, read_file: ReadFile) -> Step:
    try:
        outgoing = encode(line, read_file)
    except PayloadError as exc:
        raise UserError(f"{origin}: {exc}") from None
    if outgoing.awaiting_payload is not None:
        raise UserError(
            f"{origin}: {line} announces {outgoing.awaiting_payload} payload bytes but a script cannot "
            "type them: put a source in place of the length (@FILE, hex:.., ski:FILE or \"text\")"
        )
    return Step(origin, line, COMMAND, outgoing)
