"""The shapes of the catalog: plain frozen dataclasses, no behaviour.

Everything the tool knows about the SPWF04 console (commands, variables, error codes, WINDs) is
written once as instances of these classes in the sibling modules, and read by the decoder, the
completer, the emulator, ``decode`` and the UI.
"""

from __future__ import annotations

from dataclasses import dataclass


DATA_PHASE_CEILING = 16 * 1024 * 1024
"""The most spwf-tui sends in one data phase when the catalog states no smaller limit: above
any upload the module's storage can hold (docs/protocol.md §2.8), it keeps a payload source
such as ``@/dev/zero`` from being read without end."""


@dataclass(frozen=True)
class Parameter:
    """One positional parameter of an AT command."""

    name: str
    """Name as in the module's syntax string, without brackets: ``host``, ``len``, ``id``."""
    hint: str = ""
    """One short sentence shown while the cursor is on this parameter."""
    choices: tuple[str, ...] = ()
    """Literal values the module accepts here (``("t", "u", "s")``); empty when free-form."""
    optional: bool = False
    """True when the field may be left empty (``,,``) or omitted."""
    kind: str = "text"
    """What completes here: ``text``, ``int``, ``socket_id``, ``cfg_var``, ``sts_var``,
    ``filename``, ``host``, ``len`` (the data-phase length), ``unused`` (always empty)."""


@dataclass(frozen=True)
class Command:
    """One command of the module's command table (docs/protocol.md §3.1)."""

    name: str
    """Upper-case name after ``AT+S.`` (``SOCKON``); ``AT`` for the null command and the full
    text for the legacy aliases (``AT&V``)."""
    syntax: str
    """The module's own syntax string, e.g. ``AT+S.SOCKW=<id>,<len><CR><data>``."""
    summary: str
    """What the command does, one line."""
    params: tuple[Parameter, ...] = ()
    data_phase: bool = False
    """True when the last parameter is a length followed by CR and that many raw bytes."""
    no_data_when_first: tuple[str, ...] = ()
    """Lower-case values of the first parameter for which there is no data phase
    (TLSCERT ``content``)."""
    no_data_when_len_zero: bool = False
    """True when a length of 0 means "no data phase" (INPUTSSI=0 cleans the buffer)."""
    payload_limits: tuple[tuple[str, int], ...] = ()
    """Largest data phase the module takes, by lower-case first parameter (TLSCERT ``("key",
    2560)``, docs/protocol.md §2.8); a data phase not listed is bounded by
    ``DATA_PHASE_CEILING`` only."""
    hidden: bool = False
    """True when ``AT+S.HELP`` does not list it."""
    command_id: int | None = None
    """Id in the firmware command table (also the SPI command id)."""
    response: str = ""
    """What comes back before the final ``AT-S.OK``, one line, for help panes."""
    group: str = ""
    """Section (docs/protocol.md §3.1): ``system``, ``peripherals``, ``filesystem``, ``certificates``,
    ``wifi``, ``socket``, ``server``, ``application``."""

    @property
    def full_name(self) -> str:
        """The text typed by a user up to the ``=``: ``AT+S.SOCKON``, ``AT``, ``AT&V``."""
        if self.name == "AT" or self.name.startswith("AT"):
            return self.name
        return f"AT+S.{self.name}"


@dataclass(frozen=True)
class ConfigVariable:
    """One configuration variable (GCFG/SCFG, docs/protocol.md §3.2)."""

    name: str
    type: str
    """``u`` unsigned, ``s`` signed, ``str`` text, ``hex``, ``bytes``, ``ch`` character, ``ip``,
    ``port`` (space separated list)."""
    size: int
    """Storage size in bytes (maximum text length for ``str``)."""
    factory: str
    """The factory value exactly as ``AT-S.Var:<name>=<value>`` prints it."""
    meaning: str = ""
    readonly: bool = False
    secret: bool = False
    """True for passphrases and keys: redacted from recordings and exports by default."""


@dataclass(frozen=True)
class StatusVariable:
    """One status variable (``AT+S.STS``, docs/protocol.md §3.3)."""

    name: str
    meaning: str = ""


@dataclass(frozen=True)
class ErrorCode:
    """One ``AT-S.ERROR:<code>:<text>`` code (docs/protocol.md §4.1)."""

    code: int
    text: str
    """The FW 1.1.0 text."""
    explain: str
    """What it means for the user and what to do, one or two sentences."""
    other_texts: tuple[str, ...] = ()
    """Texts other sources give for the same code (FW 1.0.0, X-CUBE)."""


@dataclass(frozen=True)
class Wind:
    """One asynchronous indication ``+WIND:<n>:<text>[:<fields>]`` (docs/protocol.md §4.2)."""

    number: int
    text: str
    """The firmware text; empty when unknown."""
    explain: str
    """What it means for the user, one sentence."""
    fields: tuple[str, ...] = ()
    """Names of the fields after the text, e.g. ``("sid", "id", "rx", "total")``."""
