"""The TOML config file: values, and errors that name the file and the line."""

from __future__ import annotations

import pytest

from spwf_tui.config import ConfigError, load


def test_missing_file_gives_defaults(tmp_path):
    cfg = load(tmp_path / "none.toml")
    assert cfg.baud == 115200 and cfg.port is None and cfg.recording.enabled


def test_values_are_read(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('port = "sim://"\nbaud = 921600\n[recording]\nkeep = 3\n')
    cfg = load(path)
    assert (cfg.port, cfg.baud, cfg.recording.keep) == ("sim://", 921600, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('port = "sim://"\nbaud = "fast"\n', "line 2: baud"),
        ('port = "x"\n\nbaud = -1\n', "line 3: baud"),
        ("colour = 1\n", "line 1: colour: unknown setting"),
        ("[recording]\nkeep = 0\n", "line 2: keep"),
        ("port = \n", "line 1"),
        ('timestamps = "sometimes"\n', "line 1: timestamps"),
        ('port = "x"\neol = "lfcr"\n', "line 2: eol: 'lfcr': give cr, lf or crlf"),
        ('map = ["ocrnl"]\n', "line 1: map: 'ocrnl': known maps are icrnl"),
        ("map = 3\n", "line 1: map: must be a list"),
        ("paste_delay_ms = -5\n", "line 1: paste_delay_ms: must be a whole number from 0 to 10000"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, expected):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(path)
    assert str(path) in str(info.value) and expected in str(info.value)


def test_raw_mode_settings_are_read(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('eol = "CRLF"\nmap = ["icrnl", "odelbs"]\npaste_delay_ms = 40\n')
    cfg = load(path)
    assert (cfg.eol, cfg.maps, cfg.paste_delay_ms) == ("crlf", {"icrnl", "odelbs"}, 40)
    assert (load(tmp_path / "none.toml").eol, load(tmp_path / "none.toml").maps) == ("cr", frozenset())
