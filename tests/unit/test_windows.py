"""Issue 14 item 9: the Windows code path imports no POSIX-only module, and COM port names work.

The tests run here on Linux, so they force what can be forced: ``sys.platform`` says win32 and
every import of ``termios``, ``fcntl``, ``pty``, ``tty``, ``grp``, ``pwd`` or ``resource`` made by
spwf-tui's own modules fails, as it would on Windows (pyserial picks its backend from ``os.name``,
so its own POSIX backend stays: on Windows it loads serialwin32 instead). In that interpreter the
CLI starts, ``run`` talks to the emulated module end to end, and the TUI, REPL and doctor modules
load. What runs only on real Windows (COM port I/O, the console) is not tested here (README).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import textwrap
from pathlib import Path

from serial.tools.list_ports_common import ListPortInfo

from spwf_tui.cli import _looks_like_a_word
from spwf_tui.session.recording.writer import file_name

ROOT = Path(__file__).parent.parent.parent
POSIX_ONLY = ("termios", "fcntl", "pty", "tty", "grp", "pwd", "resource")

FORCE_WINDOWS = textwrap.dedent(f"""
    import builtins, sys
    import serial, serial.tools.list_ports  # pyserial's own backend, chosen by os.name
    # The standard library and the UI toolkits branch on sys.platform when imported: loaded
    # first, as Linux modules (this test is about spwf-tui's imports, not theirs).
    import asyncio, ssl, subprocess, platformdirs, textual.app, textual.widgets, prompt_toolkit
    import prompt_toolkit.patch_stdout, prompt_toolkit.shortcuts
    BLOCKED = {POSIX_ONLY!r}
    real_import = builtins.__import__

    def windows_import(name, globals=None, locals=None, fromlist=(), level=0):
        importer = (globals or {{}}).get("__name__", "")
        if importer.startswith("spwf_tui") and name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{importer}} imports {{name}}, which Windows does not have")
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = windows_import
    sys.platform = "win32"
""")


def _run_as_windows(code: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "as_windows.py"
    script.write_text(FORCE_WINDOWS + textwrap.dedent(code))
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)


def test_the_cli_runs_a_script_on_the_emulator_without_posix_modules(tmp_path):
    result = _run_as_windows("""
        from spwf_tui.cli import main
        status = main(["run", "sim://", "--log", sys.argv[1], "-c", "AT+S.STS=fw_version", "-c", "port baud=921600"])
        import spwf_tui.cli.doctor, spwf_tui.cli.ports, spwf_tui.emulator.serve
        import spwf_tui.ui.app, spwf_tui.repl.app, spwf_tui.cli.tui, spwf_tui.transport.errors
        from spwf_tui.transport.errors import describe_open_failure
        print(describe_open_failure("COM3", FileNotFoundError(2, "No such file or directory")))
        sys.exit(status)
    """, str(tmp_path / "session.log"), tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AT-S.Var:fw_version=1.1.0" in result.stdout
    assert "no such port: COM3" in result.stdout
    assert "< AT-S.Var:fw_version=1.1.0" in (tmp_path / "session.log").read_text()


def test_the_blocker_catches_a_posix_import(tmp_path):
    """The forced platform is no test that cannot fail: a POSIX import by spwf-tui is refused."""
    probe = ROOT / "spwf_tui" / "_windows_probe_tmp.py"
    probe.write_text("import termios\n")
    try:
        result = _run_as_windows("import spwf_tui._windows_probe_tmp\n", tmp_path=tmp_path)
    finally:
        probe.unlink()
    assert result.returncode != 0 and "which Windows does not have" in result.stderr


def test_com_port_names_are_ports_not_subcommands_or_paths():
    assert not _looks_like_a_word("COM3") and not _looks_like_a_word("com12")
    assert _looks_like_a_word("conect")
    assert file_name(0, "COM3").endswith("_COM3.jsonl")
    assert file_name(0, "\\\\.\\COM10").endswith("_COM10.jsonl")


def test_ports_lists_com_ports(monkeypatch, capsys):
    from serial.tools import list_ports

    from spwf_tui.cli import ports

    com = ListPortInfo("COM3", skip_link_detection=True)
    com.description, com.hwid = "USB Serial Device (COM3)", "USB VID:PID=0483:374B SER=0671FF"
    monkeypatch.setattr(list_ports, "comports", lambda: [com])
    assert ports.run(argparse.Namespace()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("COM3") and "USB Serial Device (COM3)" in out[0] and "0483:374B" in out[0]
    assert out[1].startswith("sim://")
