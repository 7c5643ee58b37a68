"""One driver for the front ends in a real terminal: a private tmux server running one command.

Every test that types keys into the TUI or the REPL and reads the screen back goes through
``Tmux``: its own server socket (``tmux -L``, never the user's), no config file but what the test
asks for, and waits that poll for a state instead of sleeping. A wait that succeeds returns as
soon as the state is there, so the timeouts are generous: they only bound how long a broken test
takes to fail on a loaded machine (two cores shared by a whole CI run).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

SPWF_TUI = str(Path(sys.executable).with_name("spwf-tui"))
"""The installed console script: the tests drive what a user runs."""

WAIT = 30.0
"""Seconds a wait may take before the test fails."""

POLL = 0.05
"""Seconds between two looks at the screen."""

PROBE = "zqzq"
"""Typed by ``ready_for_keys``: letters no front end binds, shown where the typed line is."""

T = TypeVar("T")


class Tmux:
    """One detached tmux server, on its own socket, running ``command`` in a ``width`` x ``height``
    window. ``set_clipboard`` makes tmux turn an OSC 52 copy into a paste buffer (``buffers``);
    ``scrollback`` is how many lines above the window ``screen`` reads too."""

    def __init__(self, command: str, width: int = 120, height: int = 40, *, tmux: str = "tmux",
                 set_clipboard: bool = False, scrollback: int = 0) -> None:
        self.tmux = tmux
        self.socket = f"spwf-test-{uuid.uuid4().hex[:12]}"
        self.scrollback = scrollback
        options = ["set-option", "-s", "set-clipboard", "on", ";"] if set_clipboard else []
        self.run("-f", "/dev/null", "start-server", ";", *options,
                 "new-session", "-d", "-x", str(width), "-y", str(height), command)

    def run(self, *args: str) -> str:
        """``tmux ARGS`` on this server; its standard output."""
        return subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True,
                              check=True).stdout

    # -- what the user does --------------------------------------------------------------------

    def keys(self, *keys: str) -> None:
        """Keys by tmux name (``Enter``, ``C-q``, ``F2``), sent as one burst."""
        self.run("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        """``text`` as typed, character by character."""
        self.run("send-keys", "-t", "0", "-l", text)

    def type_line(self, text: str) -> None:
        self.type(text)
        self.keys("Enter")

    def paste(self, text: str) -> None:
        """Paste ``text`` as a terminal does with bracketed paste on (``paste-buffer -p``)."""
        self.run("set-buffer", "--", text)
        self.run("paste-buffer", "-p", "-d", "-t", "0")

    def resize(self, width: int, height: int) -> None:
        self.run("resize-window", "-t", "0", "-x", str(width), "-y", str(height))

    # -- what the user sees --------------------------------------------------------------------

    def screen(self, *, styled: bool = False, joined: bool = False) -> str:
        """The pane's text; ``styled`` keeps the colours and attributes as escape sequences (so
        a focus that moves shows even where the text stays the same); ``joined``: a line the
        terminal wrapped comes as one, its spaces kept (a plain capture drops the space a row
        ends with: "nothing was" / "sent", as the temporary path's length decides)."""
        args = ["-S", f"-{self.scrollback}"] if self.scrollback else []
        return self.run("capture-pane", "-p", "-t", "0", *args, *(["-e"] if styled else []),
                        *(["-J"] if joined else []))

    def buffers(self) -> str:
        """tmux's list of paste buffers: empty unless something was copied (or pasted)."""
        return self.run("list-buffers")

    def buffer(self) -> str:
        """The newest paste buffer's text, or ``""``."""
        names = self.run("list-buffers", "-F", "#{buffer_name}").split()
        return self.run("show-buffer", "-b", names[0]) if names else ""

    def title(self) -> str:
        return self.run("display-message", "-p", "-t", "0", "#{pane_title}").strip()

    # -- waiting for a state -------------------------------------------------------------------

    def wait_until(self, predicate: Callable[[], T], what: str | Callable[[], str], timeout: float = WAIT) -> T:
        """Poll ``predicate`` until it returns something true, and return that; fail with
        ``what`` (or what it returns then) and the screen when ``timeout`` runs out."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                said = what() if callable(what) else what
                raise AssertionError(f"still waiting for {said} after {timeout:g}s; the screen:\n{self.screen()}")
            time.sleep(POLL)

    def wait_for(self, *texts: str, timeout: float = WAIT) -> str:
        """The screen, once every one of ``texts`` is on it (panes repaint one after the other)."""
        return self.wait_until(lambda: self._screen_if(lambda screen: all(text in screen for text in texts)),
                               f"{' and '.join(map(repr, texts))} on screen", timeout)

    def wait_gone(self, text: str, timeout: float = WAIT) -> str:
        """The screen, once ``text`` is no longer on it."""
        return self.wait_until(lambda: self._screen_if(lambda screen: text not in screen),
                               f"{text!r} to leave the screen", timeout)

    def wait_still(self, quiet: float = 0.3, timeout: float = WAIT) -> str:
        """The screen, once two looks ``quiet`` seconds apart are the same, colours included: a
        dialog that is still filling or has not yet focused its first button takes no keys yet."""
        last = [self.screen(styled=True)]

        def unchanged() -> str | None:
            time.sleep(quiet)
            now = self.screen(styled=True)
            same, last[0] = now == last[0], now
            return self.screen() if same else None

        return self.wait_until(unchanged, "the screen to stop changing", timeout)

    def footer(self, screen: str | None = None) -> str:
        """The TUI's footer as one line: its last row, or its last two where it wraps (80x24);
        at larger sizes the row above it is the builder's bottom border, which is dropped."""
        rows = (screen if screen is not None else self.screen()).rstrip("\n").splitlines()[-2:]
        return " ".join(row.strip(" ▊▎▁") for row in rows).strip()

    def wait_footer(self, first_key: str, timeout: float = WAIT) -> str:
        """The screen, once the footer starts with ``first_key``.

        The TUI's footer lists the focused pane's own keys first, so this is how a test sees
        where the focus is. Textual moves the focus a moment after the key that asks for it:
        keys typed before that still go to the pane that had it.
        """
        def footer_starts() -> str | None:
            screen = self.screen()
            return screen if self.footer(screen).startswith(first_key) else None

        return self.wait_until(footer_starts, lambda: f"a footer starting with {first_key!r}, not {self.footer()!r}",
                               timeout)

    def _screen_if(self, test: Callable[[str], bool]) -> str | None:
        screen = self.screen()
        return screen if test(screen) else None

    def ready_for_keys(self, shown: str, timeout: float = WAIT) -> str:
        """Wait for ``shown``, then until the front end demonstrably reads keys: a probe typed
        where the command line is must appear, and Ctrl+U must take it away again.

        Seeing the first frame is not enough: on a loaded machine keys typed while Textual still
        exchanges its start-up queries with the terminal can be lost or merged into an escape
        sequence. A probe that does not show is typed again (any part of it that arrived later
        goes with the Ctrl+U); the screen is returned as it was before the probe.
        """
        screen = self.wait_for(shown, timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            self.type(PROBE)
            try:
                self.wait_for(PROBE, timeout=min(3.0, max(0.1, deadline - time.monotonic())))
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
                self.keys("C-u")
                continue
            self.keys("C-u")
            self.wait_gone(PROBE, timeout)
            return screen

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True)


def shell_command(program: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                  linger: int = 120) -> str:
    """The shell line that runs ``program`` (a shell word or more) with ``args`` (quoted here) at the window's own size (``COLUMNS``/``LINES``
    from the test runner would pin it at 80x24) with ``env``, then prints ``EXITED:<status>``
    and keeps the pane open ``linger`` seconds so the test can read the last screen."""
    settings = " ".join(f"{name}={shlex.quote(value)}" for name, value in (env or {}).items())
    line = f"env -u COLUMNS -u LINES TERM=xterm-256color {settings} {program} {shlex.join(args)}"
    if cwd is not None:
        line = f"cd {shlex.quote(str(cwd))} && {line}"
    return f"{line}; echo EXITED:$?; sleep {linger}"
