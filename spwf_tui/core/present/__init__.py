"""How the front ends show things: one presentation layer, pure (no I/O, no UI toolkit).

Every front end (the TUI's UART log, the REPL, ``run``'s transcript, ``--log``, the text export)
shows session entries through ``entries.entry_lines``: the same kinds, markers, explanation line,
payload preview and hex dump, and every outside text escaped through ``core/display``. What comes
out is lines of text, each with a style *name* (``styles.py``); a front end maps the names to its
own output (Rich styles, prompt-toolkit classes, or nothing for plain text) from the one table of
looks in ``styles.LOOKS``. The module clock's wording (``clock.py``) and the facts a status line or
``:port`` says (``status.py``) live here for the same reason: one wording, every front end.

docs/architecture.md §6.7 tells where presentation lives and which front end uses what.
"""
