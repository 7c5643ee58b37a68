"""One history for both front ends (``spwf_tui.history``): the TUI's builder and the REPL read
and append the same file; older versions' two files are read into it once; secrets, links and
loose permissions are dealt with as before."""

from __future__ import annotations

import os
import stat

from spwf_tui.history import LEGACY_FILES, MAX_HISTORY, HistoryFile, history_path
from spwf_tui.repl.history import open_history
from spwf_tui.ui.history import History


def _mode(path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_what_one_front_end_saves_the_other_recalls():
    tui = History()
    tui.add("AT+S.STS=fw_version")
    repl, warning = open_history()
    assert warning is None
    assert list(repl.load_history_strings()) == ["AT+S.STS=fw_version"]
    repl.append_string("AT+S.SOCKL")
    assert History().lines == ["AT+S.STS=fw_version", "AT+S.SOCKL"]
    assert history_path().read_text() == "AT+S.STS=fw_version\nAT+S.SOCKL\n"


def test_older_versions_files_are_read_once_and_left_in_place():
    data = history_path().parent
    data.mkdir(parents=True, exist_ok=True)
    (data / "tui_history").write_text("AT\nAT+S.SCFG=wifi_wpa_psk_text,hunter22\n")
    (data / "repl_history").write_text("\n# 2025-01-01\n+AT+S.STS\n\n# 2025-01-02\n+AT+S.SOCKL\n"
                                       "\n# 2025-01-03\n+AT+S.SCFG=wifi_wpa_psk_text;hunter22\n")
    assert History().lines == ["AT", "AT+S.STS", "AT+S.SOCKL"]
    assert history_path().read_text() == "AT\nAT+S.STS\nAT+S.SOCKL\n"
    assert _mode(history_path()) == 0o600
    assert all((data / name).exists() for name in LEGACY_FILES)
    (data / "tui_history").write_text("AT+S.FSL\n")  # read once: later changes to it do not count
    assert History().lines == ["AT", "AT+S.STS", "AT+S.SOCKL"]


def test_a_loose_or_dirty_file_is_rewritten_private_and_clean(tmp_path):
    path = tmp_path / "history"
    path.write_text("AT\nAT+S.SCFG=wifi_wpa_psk_text,old-secret\n")
    path.chmod(0o644)
    assert HistoryFile(path).load() == ["AT"]
    assert path.read_text() == "AT\n" and _mode(path) == 0o600


def test_the_file_is_cut_back_when_it_doubles(tmp_path):
    path = tmp_path / "history"
    path.write_text("".join(f"AT+S.STS={n}\n" for n in range(2 * MAX_HISTORY + 1)))
    path.chmod(0o600)
    lines = HistoryFile(path).load()
    assert len(lines) == MAX_HISTORY and lines[-1] == f"AT+S.STS={2 * MAX_HISTORY}"
    assert path.read_text().count("\n") == MAX_HISTORY


def test_a_planted_fifo_or_link_is_neither_read_nor_written(tmp_path):
    fifo = tmp_path / "history"
    os.mkfifo(fifo)
    assert HistoryFile(fifo).load() == []  # did not wait for a writer
    victim = tmp_path / "victim"
    victim.write_text("AT+S.STS\n")
    link = tmp_path / "linked"
    link.symlink_to(victim)
    file = HistoryFile(link)
    assert file.load() == []
    file.append("AT")
    assert victim.read_text() == "AT+S.STS\n" and link.is_symlink()


def test_lines_with_a_break_stay_out_of_the_file(tmp_path):
    file = HistoryFile(tmp_path / "history")
    file.append("AT\nAT+S.SCFG=wifi_wpa_psk_text,x")
    file.append("AT+S.STS")
    assert (tmp_path / "history").read_text() == "AT+S.STS\n"
