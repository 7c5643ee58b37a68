"""pyserial URL handlers of spwf-tui: ``sim://`` (the emulated module, in process).

pyserial finds a handler for ``<scheme>://`` by importing ``<package>.protocol_<scheme>`` for each
package in ``serial.protocol_handler_packages``; ``register`` adds this package to that list.
"""

from __future__ import annotations

import serial


def register() -> None:
    """Make ``serial.serial_for_url`` understand ``sim://``; idempotent."""
    if __name__ not in serial.protocol_handler_packages:
        serial.protocol_handler_packages.append(__name__)
