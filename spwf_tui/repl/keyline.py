"""The REPL's one-line screens that own the keyboard: raw mode and jobs (paste queue, raw sends).

Both are a small prompt-toolkit ``Application`` with only this module's key bindings (no editing,
history or completion), drawn in place of the prompt while ``patch_stdout`` keeps printing the
module's output above it:

* ``run_job(work, status, style, sender)`` runs ``work(cancel)`` on the REPL's sending thread
  and shows ``status()`` until it ends; Esc and Ctrl+C set ``cancel``. Every other key is ignored.
* ``run_raw(session, ...)`` sends every key as typed (``core.rawmode``) until Ctrl+] or F6; a
  bracketed paste goes out line by line with ``paste_delay_ms`` between lines.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from prompt_toolkit.application import Application
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.styles import Style

from spwf_tui.core.rawmode import RESERVED_KEY, TOGGLE_KEY, key_bytes, normalize_key, paste_lines
from spwf_tui.transport.errors import PortError

if TYPE_CHECKING:
    from spwf_tui.session.session import Session

T = TypeVar("T")
REFRESH_SECONDS = 0.1
"""How often a job's progress line is redrawn."""


def _line_app(text: Callable[[], str], bindings: KeyBindings, style: Style) -> Application[None]:
    control = FormattedTextControl(lambda: FormattedText([("class:keyline", text())]), show_cursor=False)
    app: Application[None] = Application(
        layout=Layout(Window(control, height=1)), key_bindings=bindings, style=style,
        full_screen=False, erase_when_done=True, refresh_interval=REFRESH_SECONDS)
    # Every Application also loads the Emacs editing keys; their Esc-prefixed ones (Esc b, Esc f...)
    # make Esc wait for a second key, and Esc then Tab reached nobody. Only our keys here.
    app._default_bindings = KeyBindings()
    return app


async def _until_done(app: Application[None], work: asyncio.Future[T]) -> T:
    """Show ``app`` until ``work`` ends (or the app is left), then close the app; ``work``'s result."""
    ui = asyncio.ensure_future(app.run_async())
    try:
        await asyncio.wait((work, ui), return_when=asyncio.FIRST_COMPLETED)
        return await work
    finally:
        while not ui.done():  # the app may not be running yet when the work is already over
            if app.is_running:
                try:
                    app.exit()
                except Exception:  # noqa: BLE001 - already leaving: wait for it below
                    pass
            await asyncio.sleep(0.02)


async def run_job(work: Callable[[threading.Event], T], status: Callable[[], str], style: Style,
                  sender: Executor | None = None) -> T:
    """Run ``work(cancel)`` on ``sender`` (the REPL's one sending thread; None: asyncio's default
    executor), showing ``status()`` + how to cancel, until it ends."""
    cancel = threading.Event()
    bindings = KeyBindings()

    @bindings.add("escape", eager=True)
    @bindings.add("c-c")
    def _cancel(event: KeyPressEvent) -> None:
        cancel.set()

    @bindings.add(Keys.Any)
    def _ignore(event: KeyPressEvent) -> None:  # typing during a job sends nothing
        pass

    def line() -> str:
        return f"{status()}  ·  {'cancelling…' if cancel.is_set() else 'Esc or Ctrl+C cancels'}"

    app = _line_app(line, bindings, style)
    work_future = asyncio.get_running_loop().run_in_executor(sender, work, cancel)
    return await _until_done(app, work_future)


async def run_raw(session: Session, style: Style, status: Callable[[], str], report: Callable[[str], None],
                  paste_delay_ms: int = 0, sender: ThreadPoolExecutor | None = None) -> None:
    """Raw mode until the user leaves it (Ctrl+] or F6): every key goes to the port as typed.

    Keys are written in the order typed by one sender thread (``sender``, the REPL's sending
    thread, so keys queue behind a send still running and before the next command; None: a
    thread of raw mode's own); a write that fails is reported once through ``report`` (the port
    vanished: the reconnect notes say the rest).
    """
    own = sender is None
    if sender is None:
        sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spwf-raw-keys")
    failed = threading.Event()
    ends = session.line_ends

    def send(data: bytes) -> None:
        try:
            session.send_keys(data)
        except PortError as exc:
            if not failed.is_set():
                failed.set()
                report(f"raw mode: not sent: {exc}")

    def send_paste(text: str) -> None:
        for number, chunk in enumerate(paste_lines(text, ends)):
            if number and paste_delay_ms:
                time.sleep(paste_delay_ms / 1000)
            send(chunk)

    bindings = KeyBindings()

    @bindings.add(Keys.BracketedPaste)
    def _paste(event: KeyPressEvent) -> None:
        sender.submit(send_paste, event.data)

    @bindings.add(Keys.Any)
    def _key(event: KeyPressEvent) -> None:
        for press in event.key_sequence:
            key = press.key.value if isinstance(press.key, Keys) else press.key
            name = normalize_key(key)
            if name in (RESERVED_KEY, TOGGLE_KEY):
                event.app.exit()
                return
            # Esc then Tab typed quickly reach us as one "\x1b\t" (BackTab): ``typed`` sends it as it came.
            data = key_bytes(name, press.data, ends, typed=press.data)
            if data:
                sender.submit(send, data)

    app = _line_app(status, bindings, style)
    try:
        await app.run_async()
    finally:
        if own:
            sender.shutdown(wait=False)

