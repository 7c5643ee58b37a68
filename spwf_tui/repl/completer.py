"""prompt-toolkit adapters over the pure completion of ``core.completion``.

``AtCompleter`` turns ``complete()``'s candidates into prompt-toolkit completions and adds what
needs the file system: path completion after ``@`` and ``ski:`` (``Completion.wants_path``) and
after ``:send-file``. ``hint_text`` is the bottom toolbar's line.
"""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from spwf_tui.core.completion import ModuleFacts, complete
from spwf_tui.pathnames import complete_path
from spwf_tui.repl.commands import COMMANDS, NAMES

DEFAULT_HINT = "Tab completes · :help lists the : commands · Ctrl+R searches the history · Ctrl+] quits"


class AtCompleter(Completer):
    """Command names, parameters and payload sources; file paths where a path is wanted."""

    def __init__(self, facts: ModuleFacts | None = None) -> None:
        self._facts = facts

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if text.lstrip().startswith(":"):
            yield from self._colon(text, complete_event)
            return
        result = complete(text, facts=self._facts)
        if result.wants_path is not None:
            yield from self._path(result.wants_path, complete_event)
            return
        offset = result.start - len(text)
        for candidate in result.candidates:
            yield Completion(candidate.text, start_position=offset, display_meta=candidate.meta)

    def _colon(self, text: str, complete_event: CompleteEvent) -> Iterable[Completion]:
        stripped = text.lstrip()
        name, space, argument = stripped.partition(" ")
        if not space:
            for candidate in NAMES:
                if candidate.startswith(name.lower()):
                    usage = next(u for u in COMMANDS if u.split()[0] == candidate)
                    yield Completion(candidate, start_position=-len(name), display_meta=COMMANDS[usage])
        elif name.lower() == ":send-file":
            yield from self._path(argument.lstrip(), complete_event)
        elif name.lower() == ":hex":
            for choice in ("on", "off"):
                if choice.startswith(argument.strip().lower()) and argument == argument.lstrip():
                    yield Completion(choice, start_position=-len(argument))

    def _path(self, partial: str, complete_event: CompleteEvent) -> Iterable[Completion]:
        # The partial path ends at the cursor: each name replaces the last part typed.
        found = complete_path(partial)
        for name in found.names:
            yield Completion(name, start_position=-len(found.stem), display=name)


def hint_text(text: str, facts: ModuleFacts | None = None) -> str:
    """The parameter hint for the line typed so far (``ParamHint.text``), or the key help."""
    stripped = text.lstrip()
    if stripped.startswith(":"):
        name = stripped.split(" ", 1)[0].lower()
        for usage, meaning in COMMANDS.items():
            if usage.split()[0] == name:
                return f"{usage} — {meaning}"
        return DEFAULT_HINT
    if not stripped:
        return DEFAULT_HINT
    hint = complete(text, facts=facts).hint
    return hint.text if hint is not None else DEFAULT_HINT
