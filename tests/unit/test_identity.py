"""Which device a port is (issue 13 §8), from pyserial's own port records (``ListPortInfo``) as
``list_ports.comports()`` gives them: a USB device is followed to its new path by VID:PID,
serial number and interface; anything whose identity cannot be shown is never located."""

from __future__ import annotations

import os

from serial.tools.list_ports_common import ListPortInfo

from spwf_tui.transport.identity import (ENDPOINT, IN_PROCESS, UNPROVEN, USB, identify, is_pty, locate,
                                         usb_interface)


def usb_port(device, vid=0x0483, pid=0x374B, serial="066DFF485550755187121023", location="1-1.2"):
    """A ``ListPortInfo`` filled as pyserial's Linux scan fills it for a USB serial device."""
    info = ListPortInfo(str(device), skip_link_detection=True)
    info.vid, info.pid, info.serial_number, info.location = vid, pid, serial, location
    info.apply_usb_info()
    return info


def test_a_usb_device_with_a_serial_number_is_identified_by_it(tmp_path):
    device = tmp_path / "ttyACM0"
    device.touch()
    identity = identify(str(device), [usb_port(tmp_path / "ttyS0", vid=None), usb_port(device)])
    assert identity.kind == USB and identity.automatic
    assert (identity.vid, identity.pid, identity.serial_number) == (0x0483, 0x374B, "066DFF485550755187121023")
    assert "USB 0483:374B serial 066DFF485550755187121023" in identity.plan()


def test_the_same_device_is_followed_to_its_new_path_and_named_by_its_by_id_link(tmp_path):
    old, new = tmp_path / "ttyACM0", tmp_path / "ttyACM1"
    old.touch()
    identity = identify(str(old), [usb_port(old)])
    old.unlink()
    new.touch()
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    link = by_id / "usb-STMicroelectronics_STM32_STLink_066DFF485550755187121023-if02"
    link.symlink_to(new)
    # Plugged back into another USB socket: another path and location, the same device.
    now = [usb_port(tmp_path / "ttyUSB0", vid=0x1A86, pid=0x7523, serial=None), usb_port(new, location="1-1.4")]
    assert locate(identity, now, by_id=by_id) == str(link)
    assert locate(identity, now, by_id=tmp_path / "no-udev") == str(new)


def test_another_device_at_the_old_path_is_not_taken(tmp_path):
    device = tmp_path / "ttyUSB0"
    device.touch()
    identity = identify(str(device), [usb_port(device)])
    other_serial = usb_port(device, serial="A50285BI")
    other_kind = usb_port(device, vid=0x0403, pid=0x6001)
    assert locate(identity, [other_serial]) is None
    assert locate(identity, [other_kind]) is None
    assert locate(identity, []) is None  # still away


def test_one_interface_of_a_multi_port_adapter_is_not_confused_with_its_sibling(tmp_path):
    a, b = tmp_path / "ttyUSB0", tmp_path / "ttyUSB1"
    for device in (a, b):
        device.touch()
    ports = [usb_port(a, vid=0x0403, pid=0x6010, serial="FT2232X", location="1-2:1.0"),
             usb_port(b, vid=0x0403, pid=0x6010, serial="FT2232X", location="1-2:1.1")]
    identity = identify(str(b), ports)
    assert identity.interface == "1.1"
    # Back in the other socket, numbered the other way round.
    back = [usb_port(b, vid=0x0403, pid=0x6010, serial="FT2232X", location="3-1:1.0"),
            usb_port(a, vid=0x0403, pid=0x6010, serial="FT2232X", location="3-1:1.1")]
    assert locate(identity, back, by_id=tmp_path / "no-udev") == str(a)


def test_two_devices_claiming_one_identity_are_both_refused(tmp_path):
    device = tmp_path / "ttyUSB0"
    device.touch()
    identity = identify(str(device), [usb_port(device)])
    twins = [usb_port(tmp_path / "ttyUSB1"), usb_port(tmp_path / "ttyUSB2")]
    assert locate(identity, twins) is None


def test_a_usb_adapter_without_a_serial_number_is_unproven(tmp_path):
    device = tmp_path / "ttyUSB0"
    device.touch()
    identity = identify(str(device), [usb_port(device, vid=0x1A86, pid=0x7523, serial=None)])
    assert identity.kind == UNPROVEN and not identity.automatic
    assert "1A86:7523" in identity.reason and "no serial number" in identity.reason
    assert locate(identity, [usb_port(device, vid=0x1A86, pid=0x7523, serial=None)]) is None


def test_a_port_the_system_does_not_list_is_unproven(tmp_path):
    device = tmp_path / "ttyS9"
    device.touch()
    identity = identify(str(device), [])
    assert identity.kind == UNPROVEN
    assert "does not say which device it is" in identity.plan()
    assert locate(identity, [usb_port(device)]) is None


def test_a_pty_is_unproven_even_behind_a_link(tmp_path):
    master, slave = os.openpty()
    try:
        path = os.ttyname(slave)
        link = tmp_path / "ttySIM"
        link.symlink_to(path)
        assert is_pty(path)
        identity = identify(str(link), [])
        assert identity.kind == UNPROVEN
        assert "pseudo-terminal" in identity.reason and path in identity.reason
        assert locate(identity, []) is None
    finally:
        os.close(master)
        os.close(slave)


def test_network_urls_are_their_endpoint_and_the_emulator_is_in_process():
    for url in ("socket://127.0.0.1:7777", "rfc2217://bench:2217?ign_set_control"):
        identity = identify(url)
        assert identity.kind == ENDPOINT and locate(identity) == url
        assert "same endpoint" in identity.plan()
    assert identify("sim://").kind == IN_PROCESS and locate(identify("sim://")) == "sim://"
    assert identify("loop://").kind == IN_PROCESS
    assert identify("hwgrep://0483").kind == UNPROVEN


def test_usb_interface_comes_from_pyserials_location():
    assert usb_interface("1-1.2:1.0") == "1.0"
    assert usb_interface("1-1.2") == ""
    assert usb_interface(None) == ""
