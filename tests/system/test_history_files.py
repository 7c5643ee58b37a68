"""History files keep no secret, are owner-only and are never written through a link (issue 13
§3): the REPL driven on a real pty, against the emulated module on another pty."""

from __future__ import annotations

import stat

import pytest

from tests.system.repl_driver import PROMPT, quit_with, spawn_cli, spawn_repl

PASSPHRASE = "Tr0ub4dor-correct-horse"


def _mode(path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_history_is_private_and_keeps_no_passphrase(sim, isolated_user_dirs):
    data = isolated_user_dirs / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "history").write_text("AT\n")
    (data / "history").chmod(0o644)
    child = spawn_repl(sim.link)
    for line in (f":note joined with AT+S.SCFG=wifi_wpa_psk_text,{PASSPHRASE}",
                 "AT+S.SCFG=console_delimiter,;", f"AT+S.SCFG=wifi_wpa_psk_text;{PASSPHRASE}",
                 "AT+S.SCFG=console_delimiter;,", "AT+S.STS=fw_version"):
        child.send(line + "\r")
        child.expect("spwf>")
    child.expect("fw_version=1.1.0")
    assert quit_with(child, "\x04") == 0
    text = (data / "history").read_text()
    assert text.startswith("AT\n") and "AT+S.STS=fw_version" in text and "console_delimiter" in text
    assert PASSPHRASE not in text and "Tr0ub" not in text
    assert _mode(data) == 0o700 and _mode(data / "history") == 0o600


def test_an_older_versions_repl_history_is_carried_over(sim, isolated_user_dirs):
    data = isolated_user_dirs / "data"
    data.mkdir(mode=0o700)
    (data / "repl_history").write_text("\n# 2025-01-01 10:00\n+AT+S.STS=fw_version\n")
    child = spawn_repl(sim.link)
    child.send("\x1b[A")  # Up: the command saved by the older version
    child.expect("fw_version")
    child.send("\r")
    child.expect("fw_version=1.1.0")
    assert quit_with(child, "\x04") == 0
    # carried over, and the same command recalled is not saved twice in a row (prompt-toolkit's rule)
    assert (data / "history").read_text() == "AT+S.STS=fw_version\n"
    assert (data / "repl_history").exists()  # left in place


def test_a_history_file_planted_as_a_link_is_not_written_through(sim, isolated_user_dirs, tmp_path):
    data = isolated_user_dirs / "data"
    data.mkdir()
    target = tmp_path / "victim.txt"
    target.write_text("precious\n")
    target.chmod(0o644)
    (data / "history").symlink_to(target)
    child = spawn_repl(sim.link)
    child.send("AT+S.STS=fw_version\r")
    child.expect("fw_version=1.1.0")
    assert quit_with(child, "\x04") == 0
    assert target.read_text() == "precious\n" and _mode(target) == 0o644
    assert (data / "history").is_symlink()


@pytest.mark.parametrize("planted", ["dir_link", "file_link"])
def test_the_data_folder_or_history_as_a_link_gives_a_warning_not_a_write(sim, isolated_user_dirs, tmp_path,
                                                                          planted):
    data = isolated_user_dirs / "data"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if planted == "dir_link":
        data.symlink_to(elsewhere)
    else:
        data.mkdir()
        (data / "history").symlink_to(elsewhere / "h")
    child = spawn_cli("repl", str(sim.link), width=200)
    child.expect("history is not saved: [^\r\n]*is a symbolic link")
    child.expect(PROMPT)
    child.send("AT\r")
    child.expect("AT-S.OK")
    child.send("AT\r")
    child.expect("AT-S.OK")
    assert quit_with(child, "\x04") == 0
    assert not (elsewhere / "history").exists() and not (elsewhere / "h").exists()
