"""Open failures become one line that says what to do."""

from __future__ import annotations

import errno

import serial

from spwf_tui.transport.errors import describe_open_failure


def _exc(code: int, text: str) -> serial.SerialException:
    return serial.SerialException(code, f"could not open port /dev/ttyX: [Errno {code}] {text}")


def test_permission_denied_names_the_group(tmp_path):
    message = str(describe_open_failure("/dev/null", _exc(errno.EACCES, "Permission denied")))
    assert message.startswith("permission denied on /dev/null: join the 'root' group")
    assert "usermod -aG root" in message


def test_busy_port_says_who_to_look_for():
    message = str(describe_open_failure("/dev/ttyUSB0", serial.SerialException(
        "Could not exclusively lock port /dev/ttyUSB0: [Errno 11] Resource temporarily unavailable")))
    assert message.startswith("port busy: another program has /dev/ttyUSB0 open")


def test_missing_port_lists_the_alternatives():
    message = str(describe_open_failure("/dev/ttyNOPE", _exc(errno.ENOENT, "No such file or directory")))
    assert message.startswith("no such port: /dev/ttyNOPE.") and "sim://" in message
