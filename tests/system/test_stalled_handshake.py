"""Issue 15 item 10: ERROR:74 after a stalled handshake, with the real openssl s_server.

s_server serves one client at a time: a second TLS SOCKON connects (the kernel accepts it) but
the handshake never starts, and after the emulated module's connect timeout the answer is
ERROR:74 with no Loading line. `run` prints the explanation: both readings, not "nothing listening".
"""

from __future__ import annotations

import time

from tests.system.helpers import run_cli, tls_peer


def test_second_tls_socket_to_a_busy_s_server_is_explained(sim, tmp_path):
    with tls_peer(tmp_path, "-rev") as (_, port):
        ca_file = tmp_path / "ca_cert.pem"
        steps = ["AT+S.TLSCERT=content,2", f"AT+S.TIME={int(time.time())}", f"AT+S.TLSCERT=ca,@{ca_file}",
                 f"AT+S.TLSCERT=auth,ski:{ca_file}", f"AT+S.SOCKON=127.0.0.1,{port},NULL,s",
                 f"AT+S.SOCKON=127.0.0.1,{port},NULL,s"]
        result = run_cli("run", str(sim.link), *[a for line in steps for a in ("-c", line)], timeout=120)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "< AT-S.On:127.0.0.1:0" in out  # the first one is s_server's client
    second = out[out.rindex(f"> AT+S.SOCKON=127.0.0.1,{port},NULL,s"):]
    assert "< AT-S.Loading" not in second and "< AT-S.ERROR:74" in second
    assert "the TLS handshake never started" in second
    assert "never answered the handshake (busy: openssl s_server serves one client at a time)" in second
