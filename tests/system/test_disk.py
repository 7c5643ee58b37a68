"""The disk under the recording fails: full (a 64 KiB tmpfs; a file-size limit), or not writable
(a read-only mount). ``run`` says so in its transcript and every step still runs."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from spwf_tui.session.recording.reader import read_recording
from tests.conftest import REQUIRE_TOOLS_ENV
from tests.system.helpers import CLI, run_cli

GCFG_STEPS = [a for _ in range(40) for a in ("-c", "AT+S.GCFG")]
"""40 full configuration dumps: about 150 KB of recording, more than the small disks hold."""


def skip_or_fail(reason: str) -> None:
    """Skip on a developer machine; under .ci/run (which requires every system test) fail."""
    if os.environ.get(REQUIRE_TOOLS_ENV):
        pytest.fail(f"{reason}; .ci/run requires this test to run")
    pytest.skip(reason)


@pytest.fixture
def small_mount(tmp_path):
    """Mount a tmpfs on a fresh directory; ``mount("ro")`` makes it read-only."""
    mounted: list[Path] = []

    def mount(*options: str) -> Path:
        if os.geteuid() != 0:
            skip_or_fail("mounting a small tmpfs needs root (CI runs as root)")
        target = tmp_path / f"mnt{len(mounted)}"
        target.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(["size=64k", *options]), "tmpfs", str(target)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            skip_or_fail(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}): no CAP_SYS_ADMIN?")
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", "-l", str(target)], check=False)


def _warned_and_ran_every_step(result: subprocess.CompletedProcess, expected_warning: str) -> None:
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("# warning:")]
    assert len(warnings) == 1 and expected_warning in warnings[0], warnings
    assert result.stdout.count("< AT-S.Var:wifi_ssid=") == 40  # every step ran to its end


def test_a_full_disk_stops_the_recording_with_a_warning_and_the_session_goes_on(small_mount):
    disk = small_mount()
    path = disk / "session.jsonl"
    result = run_cli("run", "sim://", "--record", str(path), *GCFG_STEPS)
    _warned_and_ran_every_step(result, f"recording stopped: cannot write {path} (No space left on device); "
                                       "the session goes on unrecorded")
    recording = read_recording(path)  # what fitted is a readable recording (a cut last line at worst)
    assert recording.events and path.stat().st_size <= 64 * 1024


def test_a_file_size_limit_is_a_full_disk_too(tmp_path):
    """The same without root: RLIMIT_FSIZE makes the kernel refuse to grow the file (EFBIG)."""
    path = tmp_path / "session.jsonl"

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run([*CLI, "run", "sim://", "--record", str(path), *GCFG_STEPS], capture_output=True,
                            text=True, timeout=60, preexec_fn=limit)
    _warned_and_ran_every_step(result, f"recording stopped: cannot write {path} (File too large)")
    assert path.stat().st_size <= 20_000


def test_a_read_only_recording_directory_warns_and_the_session_goes_on(small_mount, isolated_user_dirs):
    disk = small_mount("ro")
    config = isolated_user_dirs / "config.toml"
    config.write_text(f'[recording]\ndirectory = "{disk / "recordings"}"\n')
    result = run_cli("run", "sim://", "-c", "AT+S.GCFG=wifi_ssid")
    assert result.returncode == 0, result.stderr
    assert (f"# warning: cannot record this session in {disk / 'recordings'}: Read-only file system; "
            "it goes on unrecorded") in result.stdout
    assert "< AT-S.OK" in result.stdout
    result = run_cli("run", "sim://", "--record", str(disk / "x.jsonl"), "-c", "AT")
    assert result.returncode == 0 and "# warning: cannot record this session in" in result.stdout
