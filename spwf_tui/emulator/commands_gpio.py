"""Peripheral commands: GPIOC, GPIOR, GPIOW, DAC, PWM (state only: no pin leaves the host).

ADC stays not emulated: the layout of its answer line is not known (reference: "[?]").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spwf_tui.emulator.dispatch import Call, Handler, parse_uint
from spwf_tui.emulator.error_codes import (
    ERR_DAC_VOLTAGE,
    ERR_DIRECTION,
    ERR_GPIO_NUMBER,
    ERR_INVALID,
    ERR_PWM_DUTY,
    ERR_PWM_FREQUENCY,
    ERR_PWM_NOT_RUNNING,
)
from spwf_tui.emulator.gpio import EDGES, Pin, Pwm
from spwf_tui.emulator.replies import CommandError, Reply

if TYPE_CHECKING:
    from spwf_tui.emulator.module import EmulatedModule

ERR_GPIO6_SLEEP = 21
ERR_GPIO7_WPS = 22
ERR_GPIO10_LED = 23
ERR_GPIO3_SPI = 24

DAC_MAX_MV = 3300
PWM_MAX_HZ = 1_000_000
"""Highest PWM frequency accepted (the emulator's choice; the firmware's limit is not known)."""
PWM_DEFAULT_DUTY = 50


def _pin_number(module: EmulatedModule, text: str) -> int:
    """0-15 (else 20), and not a pin the firmware keeps for itself right now (21, 23, 24)."""
    num = parse_uint(text)
    if num > 15:
        raise CommandError(ERR_GPIO_NUMBER)
    config = module.config
    if num == 6 and config.get_int("sleep_enabled"):
        raise CommandError(ERR_GPIO6_SLEEP)
    if num == 10 and config.get_int("blink_led"):
        raise CommandError(ERR_GPIO10_LED)
    if num == 3 and config.get_int("console_enabled") == 0:
        raise CommandError(ERR_GPIO3_SPI)
    return num


def _gpioc(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``GPIOC=<num>,<in|out>,<r|f|b>``: direction, and the interrupt edge of an input."""
    num = _pin_number(module, call.arg(0))
    direction = call.arg(1).lower()
    if direction not in ("in", "out"):
        raise CommandError(ERR_DIRECTION)
    edge = call.arg(2).lower()
    if edge not in EDGES:
        raise CommandError(ERR_INVALID)
    if direction == "in" and num == 7:
        raise CommandError(ERR_GPIO7_WPS)
    pin = module.peripherals.pins[num]
    if direction == "out":
        module.peripherals.pins[num] = Pin(output=True, level=pin.level)
    else:
        level = module.peripherals.input_level(num)
        module.peripherals.pins[num] = Pin(output=False, level=level, edge=edge)


def _gpior(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``AT-S.Value:<num>:<level>:<direction>`` (direction 0 input, 1 output)."""
    num = _pin_number(module, call.arg(0))
    pin = module.peripherals.pins[num]
    reply.line("Value", num, pin.level, int(pin.output))


def _gpiow(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """Drive an output; a pin configured as input refuses with 7 (the emulator's choice)."""
    num = _pin_number(module, call.arg(0))
    level = parse_uint(call.arg(1), maximum=1)
    pin = module.peripherals.pins[num]
    if not pin.output:
        raise CommandError(ERR_INVALID)
    pin.level = level


def _dac(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``DAC=<mV>`` up to 3300 (else 25); 0 switches it off."""
    value = parse_uint(call.arg(0))
    if value > DAC_MAX_MV:
        raise CommandError(ERR_DAC_VOLTAGE)
    module.peripherals.dac_mv = value


def _pwm(module: EmulatedModule, call: Call, reply: Reply) -> None:
    """``PWM=<2|4>,<Hz>[,<duty %>]``; frequency 0 stops it (28 when it is not running)."""
    gpio = parse_uint(call.arg(0))
    if gpio not in (2, 4):
        raise CommandError(ERR_INVALID)
    frequency = parse_uint(call.arg(1))
    peripherals = module.peripherals
    if frequency == 0:
        if gpio not in peripherals.pwm:
            raise CommandError(ERR_PWM_NOT_RUNNING)
        del peripherals.pwm[gpio]
        return
    if frequency > PWM_MAX_HZ:
        raise CommandError(ERR_PWM_FREQUENCY)
    duty = parse_uint(call.arg(2)) if call.arg(2) else PWM_DEFAULT_DUTY
    if duty > 100:
        raise CommandError(ERR_PWM_DUTY)
    peripherals.pwm[gpio] = Pwm(frequency, duty)


HANDLERS: dict[str, Handler] = {
    "GPIOC": Handler(run=_gpioc),
    "GPIOR": Handler(run=_gpior),
    "GPIOW": Handler(run=_gpiow),
    "DAC": Handler(run=_dac),
    "PWM": Handler(run=_pwm),
}
