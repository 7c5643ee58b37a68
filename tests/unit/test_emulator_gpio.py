"""GPIO, DAC and PWM of the emulated module: state the host sets and reads back, the firmware's
own refusals, and interrupts raised when the outside world moves an input."""

from __future__ import annotations

from spwf_tui.emulator import EmulatedModule, faults
from spwf_tui.emulator.control import parse_gpio
from spwf_tui.emulator.world import parse_world

from .conftest import BOOT_DONE, Wire, exchange

OK = b"AT-S.OK\r\n"


def error(code: int) -> bytes:
    return b"AT-S.ERROR:%d:" % code


def test_an_output_is_driven_and_read_back(module, wire):
    assert exchange(module, wire, b"AT+S.GPIOC=5,out,r\r").endswith(OK)
    assert exchange(module, wire, b"AT+S.GPIOW=5,1\r").endswith(OK)
    assert exchange(module, wire, b"AT+S.GPIOR=5\r") == b"AT+S.GPIOR=5\r\nAT-S.Value:5:1:1\r\n" + OK
    assert exchange(module, wire, b"AT+S.GPIOW=5,0\r").endswith(OK)
    assert b"AT-S.Value:5:0:1" in exchange(module, wire, b"AT+S.GPIOR=5\r")


def test_the_firmwares_refusals(module, wire):
    assert error(20) in exchange(module, wire, b"AT+S.GPIOR=16\r")
    assert error(19) in exchange(module, wire, b"AT+S.GPIOC=5,sideways,r\r")
    assert error(7) in exchange(module, wire, b"AT+S.GPIOC=5,in,x\r")
    assert error(22) in exchange(module, wire, b"AT+S.GPIOC=7,in,r\r")
    assert error(23) in exchange(module, wire, b"AT+S.GPIOC=10,out,r\r")  # blink_led is on
    exchange(module, wire, b"AT+S.SCFG=blink_led,0\r")
    assert exchange(module, wire, b"AT+S.GPIOC=10,out,r\r").endswith(OK)
    exchange(module, wire, b"AT+S.SCFG=sleep_enabled,1\r")
    assert error(21) in exchange(module, wire, b"AT+S.GPIOR=6\r")
    assert error(7) in exchange(module, wire, b"AT+S.GPIOW=4,1\r")  # an input
    assert error(25) in exchange(module, wire, b"AT+S.DAC=3301\r")
    assert exchange(module, wire, b"AT+S.DAC=1650\r").endswith(OK)


def test_pwm_runs_and_stops(module, wire):
    assert error(28) in exchange(module, wire, b"AT+S.PWM=2,0\r")
    assert error(7) in exchange(module, wire, b"AT+S.PWM=3,1000\r")
    assert error(27) in exchange(module, wire, b"AT+S.PWM=2,1000,101\r")
    assert error(26) in exchange(module, wire, b"AT+S.PWM=4,2000000\r")
    assert exchange(module, wire, b"AT+S.PWM=2,1000,25\r").endswith(OK)
    assert exchange(module, wire, b"AT+S.PWM=2,0\r").endswith(OK)


def test_an_input_moved_from_outside_raises_wind_52_on_its_edge():
    wire = Wire()
    module = EmulatedModule(wire, boot_delay=0, world=parse_world({"gpio": {"8": 1}}))
    module.start()
    try:
        wire.wait_for(b"+WIND:32:")
        assert b"AT-S.Value:8:1:0" in exchange(module, wire, b"AT+S.GPIOR=8\r")
        exchange(module, wire, b"AT+S.GPIOC=8,in,f\r")
        faults.inject(module, "gpio", pin=8, level=0)
        assert wire.wait_for(b"+WIND:52:") == b"+WIND:52:GPIO Interrupt:8:0\r\n"
        faults.inject(module, "gpio", pin=8, level=1)  # rising: not armed, no WIND
        assert b"AT-S.Value:8:1:0" in exchange(module, wire, b"AT+S.GPIOR=8\r")
        exchange(module, wire, b"AT+S.GPIOC=8,in,b\r")
        faults.inject(module, "gpio", pin=8, level=0)
        assert wire.wait_for(b"+WIND:52:") == b"+WIND:52:GPIO Interrupt:8:0\r\n"
    finally:
        module.close()


def test_reset_puts_every_pin_back_to_input(module, wire):
    exchange(module, wire, b"AT+S.GPIOC=5,out,r\rAT+S.GPIOW=5,1\r")
    wire.take()
    module.receive(b"AT+S.RESET\r")
    wire.wait_for(BOOT_DONE)
    assert b"AT-S.Value:5:0:0" in exchange(module, wire, b"AT+S.GPIOR=5\r")


def test_the_control_line_for_a_pin():
    assert parse_gpio("gpio 5 1") == (5, 1)
    for bad in ("gpio 16 1", "gpio 5 2", "gpio five 1", "gpio 5"):
        try:
            parse_gpio(bad)
        except ValueError as exc:
            assert "gpio 5 1" in str(exc)
        else:
            raise AssertionError(bad)
