"""Completion candidates and parameter hints for a partly typed command line.

Pure: the front ends (Textual builder, prompt-toolkit REPL) wrap ``complete`` and add what needs
I/O, such as file-name completion after ``@`` and ``ski:`` (``Completion.wants_path``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from spwf_tui.core import catalog
from spwf_tui.core.catalog import Command, Parameter
from spwf_tui.core.commandline import DELIMITER, parse
from spwf_tui.core.payload import SOURCE_PREFIXES

_SOURCE_HELP = {
    "@": "a file's bytes, length computed",
    "hex:": "raw bytes written in hex",
    "ski:": "the 20 raw SKI bytes of a CA certificate",
    '"': "text with \\r \\n \\t \\xNN escapes",
}


class ModuleFacts(Protocol):
    """What completion needs to know about the module (``ModuleState`` provides it)."""

    def open_socket_ids(self) -> list[int]: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One completion: replace ``line[start:cursor]`` with ``text``."""

    text: str
    meta: str = ""
    """A short description shown beside the candidate."""


@dataclass(frozen=True, slots=True)
class ParamHint:
    """What the cursor is on: the command's syntax and, inside the parameters, which one."""

    command: Command
    index: int | None
    """Parameter position (0-based), or None while the command name is being typed."""
    parameter: Parameter | None
    """None past the last parameter (too many) or on the name."""

    @property
    def text(self) -> str:
        """One line for a hint bar: ``AT+S.SOCKW=<id>,<len>... — <id>: socket id``."""
        syntax = shown_syntax(self.command)
        line = f"{syntax} — {self.command.summary}"
        if self.index is not None and self.parameter is None:
            return f"{syntax} — too many parameters"
        if self.parameter is not None:
            detail = self.parameter.hint or self.parameter.name
            line = f"{syntax} — <{self.parameter.name}>: {detail}"
        return line


_ALTERNATIVES = re.compile(r"<([^<>|]+(?:\|[^<>|]+)+)>")


def shown_syntax(command: Command) -> str:
    """The firmware's syntax string, with the choices it leaves out added.

    The string is the module's own, and TLSCERT's reads ``<ca|cert|key|content>``: it omits
    ``auth``, the one a PEM CA needs (docs/protocol.md §6.2). A group of alternatives that a
    parameter's choices extend is shown with all of them.
    """
    choices = [param.choices for param in command.params if param.choices]

    def extended(match: re.Match[str]) -> str:
        group = match.group(1).split("|")
        for options in choices:
            if set(group) < set(options):
                return "<" + "|".join(options) + ">"
        return match.group(0)

    return _ALTERNATIVES.sub(extended, command.syntax)


@dataclass(frozen=True, slots=True)
class Completion:
    """Candidates for the token ending at the cursor, and the hint for that position."""

    start: int
    candidates: list[Candidate] = field(default_factory=list)
    hint: ParamHint | None = None
    wants_path: str | None = None
    """When the token is ``@PATH`` or ``ski:PATH``: the partial path for file completion."""


def complete(line: str, cursor: int | None = None, facts: ModuleFacts | None = None,
             *, include_hidden: bool = False) -> Completion:
    """Completion for ``line`` with the cursor at ``cursor`` (default: the end)."""
    cursor = len(line) if cursor is None else cursor
    typed = line[:cursor]
    if "=" not in typed:
        return _complete_name(typed, include_hidden)
    parsed = parse(typed)
    cmd = parsed.command
    start_of_params = typed.index("=") + 1
    index = typed[start_of_params:].count(DELIMITER)
    token_start = start_of_params + len(DELIMITER.join(parsed.params[:-1])) + (1 if index else 0)
    token = typed[token_start:]
    if cmd is None:
        return Completion(token_start)
    param = _parameter_at(cmd, index)
    hint = ParamHint(cmd, index, param)
    if param is None:
        return Completion(token_start, hint=hint)
    candidates, wants_path = _candidates(cmd, param, parsed.params, token, facts)
    return Completion(token_start, candidates, hint, wants_path)


def _complete_name(typed: str, include_hidden: bool) -> Completion:
    token = typed.lstrip()
    start = len(typed) - len(token)
    wanted = token.upper()
    if wanted and not ("AT+S.".startswith(wanted) or wanted.startswith("AT")):
        wanted = "AT+S." + wanted  # "sockon" completes like "AT+S.SOCKON"
    candidates = []
    exact = None
    for cmd in catalog.COMMANDS:
        if cmd.hidden and not include_hidden:
            continue
        name = cmd.full_name
        if name.upper().startswith(wanted):
            candidates.append(Candidate(name + ("=" if cmd.params else ""), cmd.summary))
        if name.upper() == wanted:
            exact = cmd
    candidates.sort(key=lambda c: (len(c.text), c.text))
    return Completion(start, candidates, ParamHint(exact, None, None) if exact else None)


def _parameter_at(cmd: Command, index: int) -> Parameter | None:
    return cmd.params[index] if index < len(cmd.params) else None


_CONTENT_OPTIONS = (("1", "list the stored objects"), ("2", "erase them all"))


def _required_after(cmd: Command, param: Parameter) -> bool:
    """A parameter that must be given follows ``param``."""
    later = cmd.params[cmd.params.index(param) + 1:]
    return any(not p.optional for p in later)


def _candidates(cmd: Command, param: Parameter, params: Sequence[str], token: str,
                facts: ModuleFacts | None) -> tuple[list[Candidate], str | None]:
    low = token.lower()
    first = params[0].strip().lower() if params else ""
    if param.kind == "len" and len(params) > 1 and first in cmd.no_data_when_first:
        # TLSCERT=content,<option>: no payload follows, the value is an option number.
        return [Candidate(option, meaning) for option, meaning in _CONTENT_OPTIONS if option.startswith(token)], None
    if param.kind == "len":
        for prefix in ("@", "ski:"):
            if token.startswith(prefix):
                return [], token[len(prefix):]
        sources = ["ski:", "@", "hex:", '"'] if params and params[0].strip().lower() == "auth" else \
            ["@", "hex:", '"', "ski:"]
        return [Candidate(s, _SOURCE_HELP[s]) for s in sources if s.startswith(token) and token not in SOURCE_PREFIXES], None
    if param.choices:
        # More to type after it: the delimiter comes with the choice (``auth,``), as after a name's ``=``.
        after = DELIMITER if _required_after(cmd, param) else ""
        return [Candidate(c + after, param.hint) for c in param.choices if c.lower().startswith(low)], None
    if param.kind == "cfg_var":
        settable_only = cmd.name == "SCFG"
        return [Candidate(v.name, f"{v.type} = {v.factory}" if not v.secret else v.type)
                for v in catalog.CONFIG_VARIABLES
                if v.name.startswith(low) and not (settable_only and v.readonly)], None
    if param.kind == "sts_var":
        return [Candidate(v.name, v.meaning) for v in catalog.STATUS_VARIABLES if v.name.lower().startswith(low)], None
    if param.kind == "socket_id" and facts is not None:
        return [Candidate(str(i), "open socket") for i in facts.open_socket_ids() if str(i).startswith(token)], None
    return [], None
