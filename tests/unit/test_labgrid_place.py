"""labgrid:// port names, coordinator addresses, and the one line without labgrid (issue 18)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spwf_tui.transport import labgrid_place as lp


@pytest.mark.parametrize("port, place", [("labgrid://bench-1", "bench-1"), ("labgrid://bench-1/", "bench-1"),
                                         ("LABGRID://pi:board_2", "pi:board_2"), ("labgrid://bench-*", "bench-*")])
def test_place_names(port, place):
    assert lp.is_lab_port(port)
    assert lp.place_of(port) == place


@pytest.mark.parametrize("port", ["labgrid://", "labgrid://a b", "labgrid://x;rm", "labgrid://\x1b[2J"])
def test_bad_place_names_are_one_line(port):
    with pytest.raises(lp.LabError, match="name a place after labgrid://"):
        lp.place_of(port)


def test_patterns():
    assert lp.is_pattern("labgrid://bench-*") and lp.is_pattern("labgrid://bench-[12]")
    assert not lp.is_pattern("labgrid://bench-1") and not lp.is_pattern("/dev/ttyACM*")


def test_a_pattern_is_refused_where_one_board_is_opened():
    with pytest.raises(lp.LabError, match="only spwf-tui run takes a pattern"):
        lp.acquire("labgrid://bench-*", "127.0.0.1:1")


def test_coordinator_address_flag_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("LG_COORDINATOR", raising=False)
    assert lp.coordinator_address() == "127.0.0.1:20408"
    monkeypatch.setenv("LG_COORDINATOR", "lab.example:4000")
    assert lp.coordinator_address() == "lab.example:4000"
    assert lp.coordinator_address("other:5000") == "other:5000"
    assert lp.coordinator_address("justhost") == "justhost:20408"
    for bad in ("lab:port", "lab:0", "lab:70000", ":20408"):
        with pytest.raises(lp.LabError, match="is not HOST:PORT"):
            lp.coordinator_address(bad)


def test_without_labgrid_a_lab_port_says_how_to_install_it(tmp_path):
    # A real process in which labgrid cannot be imported (as on an install without the extra).
    code = ("import sys; sys.modules['labgrid'] = None; "
            "from spwf_tui.cli import main; raise SystemExit(main(['run', 'labgrid://bench-1', '-c', 'AT']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "SPWF_TUI_CONFIG": str(tmp_path / "c.toml"),
                                 "SPWF_TUI_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "spwf-tui: labgrid:// ports need labgrid, which is not installed: pip install 'spwf-tui[lab]'"]
