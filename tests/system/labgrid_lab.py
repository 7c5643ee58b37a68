"""A real labgrid lab on 127.0.0.1: coordinator, exporters (with real ser2net), emulated boards.

Who starts what:
- ``labgrid-coordinator -l 127.0.0.1:C`` (C a free port), in its own folder (it keeps
  ``places.yaml`` and ``resources.yaml`` in its working directory);
- one ``spwf-tui sim --pty --link`` per board; the exporter is given the pty itself
  (``/dev/pts/N``): labgrid only exports paths under ``/dev/``;
- one ``labgrid-exporter`` per "host", publishing its boards as ``RawSerialPort`` at 115200;
  when a place is acquired it starts ser2net for each of its ports on a free port;
- ``labgrid-client create`` / ``add-match`` make one place per board.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.system.helpers import SimProcess, free_port, wait_for_port

BIN = Path(sys.executable).parent


def labgrid_tool(name: str) -> str:
    """A labgrid program from this environment; skip (fail under CI) when labgrid is missing."""
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            if os.environ.get("SPWF_TUI_REQUIRE_SYSTEM_TOOLS"):
                pytest.fail(f"{name} is not installed (pip install -e '.[test]' brings labgrid); .ci/run requires it")
            pytest.skip(f"{name} is not installed (pip install 'spwf-tui[lab]')")
        return found
    return str(path)


class Lab:
    """Coordinator, exporters and boards; ``env`` points a client at the coordinator."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.env = {**os.environ, "LG_COORDINATOR": self.address}
        self.coordinator: subprocess.Popen | None = None
        self.exporters: dict[str, subprocess.Popen] = {}
        self.exporter_boards: dict[str, list[str]] = {}
        self.boards: dict[str, SimProcess] = {}

    # -- processes ----------------------------------------------------------------------

    def start_coordinator(self) -> None:
        require_tool("ser2net")  # the exporters need it; checked before anything starts
        folder = self.root / "coordinator"
        folder.mkdir()
        self.coordinator = subprocess.Popen([labgrid_tool("labgrid-coordinator"), "-l", self.address], cwd=folder,
                                            stdout=subprocess.DEVNULL, stderr=(folder / "log").open("wb"))
        wait_for_port(self.port, timeout=30)

    def add_board(self, name: str) -> SimProcess:
        sim = SimProcess(self.root / f"tty-{name}", self.root / f"{name}.trace").start()
        self.boards[name] = sim
        return sim

    def start_exporter(self, host: str, boards: list[str]) -> None:
        config = self.root / f"exporter-{host}.yaml"
        config.write_text("".join(f"{board}:\n  RawSerialPort:\n    port: {os.path.realpath(self.boards[board].link)}\n"
                                  f"    speed: 115200\n" for board in boards))
        log = (self.root / f"exporter-{host}.log").open("ab")
        self.exporters[host] = subprocess.Popen(
            [labgrid_tool("labgrid-exporter"), "-c", self.address, "-n", host, "--hostname", "127.0.0.1", str(config)],
            stdout=log, stderr=log, env=self.env, start_new_session=True)
        self.exporter_boards[host] = boards
        wanted = [f"{host}/{board}/NetworkSerialPort" for board in boards]
        self._wait(lambda: all(w in self.client("resources").stdout for w in wanted), f"exporter {host}")

    def stop_exporter(self, host: str) -> None:
        """SIGTERM, as an init system stops it: the exporter stops its ser2net children."""
        proc = self.exporters.pop(host)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()

    def create_place(self, place: str, *matches: str) -> None:
        self.client("-p", place, "create", check=True)
        for match in matches:
            self.client("-p", place, "add-match", match, check=True)

    def client(self, *args: str, user: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
        """``labgrid-client ARGS`` (as ``user`` when given: labgrid takes it from LG_USERNAME)."""
        env = dict(self.env, **({"LG_USERNAME": user} if user else {}))
        result = subprocess.run([labgrid_tool("labgrid-client"), *args], capture_output=True, text=True, env=env,
                                timeout=60)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def holder(self, place: str) -> str | None:
        """Who holds ``place`` (``host/user``), as the coordinator tells any client.

        Asked in this process (labgrid's client module takes seconds to import on a busy machine:
        a ``labgrid-client show`` per check would dominate the run time)."""
        from spwf_tui.transport.labgrid_place import list_places

        found = [info for info in list_places(self.address, place) if info.name == place]
        assert found, f"no place {place}"
        return found[0].acquired

    def stop(self) -> None:
        for host in list(self.exporters):
            self.stop_exporter(host)
        if self.coordinator is not None:
            self.coordinator.terminate()
            try:
                self.coordinator.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.coordinator.kill()
                self.coordinator.wait()
        for sim in self.boards.values():
            sim.stop()

    @staticmethod
    def _wait(condition, what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.3)
        raise AssertionError(f"{what} not ready within {timeout:g} s")
