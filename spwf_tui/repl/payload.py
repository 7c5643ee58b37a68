"""The REPL's prompt for the payload of a data-phase command typed with a plain length.

``AT+S.SOCKW=0,5`` announces 5 bytes; the REPL then reads one more line: a payload source
(``@FILE``, ``hex:``, ``ski:FILE``, ``"text"``) or plain text (sent as UTF-8, no line end added).
That line is read by ``core.payload.with_typed_payload``, as the TUI's payload dialog reads its
field: anything that does not give exactly the announced number of bytes is refused, so the
module is never left waiting for bytes that do not come.
"""

from __future__ import annotations

from spwf_tui.core.payload import Outgoing

CONFIRM_PROMPT = "send it anyway? [y/N] "
"""Asked after a warning from ``core.authcheck`` (``auth`` as hex text); only y sends."""


def confirmed(answer: str | None) -> bool:
    """The answer to ``CONFIRM_PROMPT`` says to send."""
    return (answer or "").strip().lower() in ("y", "yes")


def payload_prompt(outgoing: Outgoing) -> str:
    """The prompt for the payload of ``outgoing``."""
    return f"payload, {outgoing.awaiting_payload} bytes (@FILE, hex:.., \"text\" or plain text): "
