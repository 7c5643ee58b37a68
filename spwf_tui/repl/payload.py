"""The payload asked for when a data-phase command was typed with a plain length.

``AT+S.SOCKW=0,5`` announces 5 bytes; the REPL then reads one more line: a payload source
(``@FILE``, ``hex:``, ``ski:FILE``, ``"text"``) or plain text (sent as UTF-8, no line end added).
Anything that does not give exactly the announced number of bytes is refused, so the module is
never left waiting for bytes that do not come.
"""

from __future__ import annotations

from spwf_tui.core.payload import Outgoing, PayloadError, ReadFile, is_source, resolve_source

CONFIRM_PROMPT = "send it anyway? [y/N] "
"""Asked after a warning from ``core.authcheck`` (``auth`` as hex text); only y sends."""


def confirmed(answer: str | None) -> bool:
    """The answer to ``CONFIRM_PROMPT`` says to send."""
    return (answer or "").strip().lower() in ("y", "yes")


def payload_prompt(outgoing: Outgoing) -> str:
    """The prompt for the payload of ``outgoing``."""
    return f"payload, {outgoing.awaiting_payload} bytes (@FILE, hex:.., \"text\" or plain text): "


def with_typed_payload(outgoing: Outgoing, typed: str, read_file: ReadFile) -> Outgoing:
    """``outgoing`` with the payload the user typed.

    Raises:
        PayloadError: nothing typed, a bad source, or not the announced number of bytes.
    """
    text = typed.rstrip("\r\n")
    if not text:
        raise PayloadError("no payload given; nothing sent")
    data = resolve_source(text, read_file) if is_source(text) else text.encode("utf-8")
    wanted = outgoing.awaiting_payload
    if len(data) != wanted:
        raise PayloadError(
            f"{outgoing.line} announces {wanted} bytes but {len(data)} were given; nothing sent "
            "(put the source in place of the length and it is computed for you)"
        )
    return Outgoing(outgoing.line, data, text)
