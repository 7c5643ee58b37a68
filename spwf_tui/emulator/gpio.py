"""The module's GPIO pins, DAC and PWM as state: what the host configured, drove or reads, and
the interrupts an input raises when the outside world (the world file, the control socket)
changes its level.

Pins 0-15, inputs at level 0 after power-on unless the world says otherwise. The pins the
firmware keeps for itself refuse with its own errors (docs/protocol.md §4.1): GPIO6 while
``sleep_enabled`` (21), an interrupt on GPIO7 (22, WPS button), GPIO10 while ``blink_led`` (23),
GPIO3 when the console is SPI (24).
"""

from __future__ import annotations

from dataclasses import dataclass

PINS = range(16)
EDGES = ("r", "f", "b")


@dataclass
class Pin:
    output: bool = False
    level: int = 0
    edge: str | None = None
    """Interrupt edge of an input (r rising, f falling, b both), None for none."""


@dataclass
class Pwm:
    frequency: int
    duty: int


class Peripherals:
    """GPIO levels and directions, the DAC output and the PWM channels."""

    def __init__(self, input_levels: dict[int, int] | None = None) -> None:
        self._input_levels = dict(input_levels or {})
        self.pins: dict[int, Pin] = {}
        self.dac_mv = 0
        self.pwm: dict[int, Pwm] = {}
        self.power_on()

    def power_on(self) -> None:
        """Every pin an input at the world's level, DAC and PWM off."""
        self.pins = {num: Pin(level=self._input_levels.get(num, 0)) for num in PINS}
        self.dac_mv = 0
        self.pwm = {}

    def input_level(self, num: int) -> int:
        """The level the outside world holds pin ``num`` at."""
        return self._input_levels.get(num, 0)

    def drive_input(self, num: int, level: int) -> int | None:
        """The outside world sets an input pin's level; returns the level to report in WIND 52
        when the pin's interrupt edge fired, else None. Outputs are not changed."""
        pin = self.pins[num]
        self._input_levels[num] = level
        if pin.output or pin.level == level:
            return None
        rising = level > pin.level
        pin.level = level
        if pin.edge == "b" or (pin.edge == "r" and rising) or (pin.edge == "f" and not rising):
            return level
        return None
