"""The real ser2net serving one connection as RFC 2217 on a free loopback port."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require_tool
from tests.system.helpers import free_port, wait_for_port

CONFIG = """\
connection: &spwf
  accepter: telnet(rfc2217),tcp,127.0.0.1,{port}
  connector: {connector}
  options:
    kickolduser: true
"""


@contextlib.contextmanager
def ser2net(directory: Path, connector: str) -> Iterator[str]:
    """Run ser2net in front of ``connector`` (ser2net's own syntax: ``serialdev,/dev/pts/3,115200n81,local``
    or ``telnet(rfc2217),tcp,127.0.0.1,PORT``); yields its ``rfc2217://127.0.0.1:PORT`` URL once it
    listens, and stops it afterwards. Its config and pid file go to ``directory``."""
    program = require_tool("ser2net")
    port = free_port()
    config = directory / "ser2net.yaml"
    config.write_text(CONFIG.format(port=port, connector=connector))
    proc = subprocess.Popen([program, "-n", "-c", str(config), "-P", str(directory / "ser2net.pid")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        yield f"rfc2217://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=5)
