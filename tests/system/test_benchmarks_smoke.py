"""The benchmark suite runs: ``python -m benchmarks --quick --json`` completes and loses no byte.

Only that: the figures depend on the machine and its load, so nothing here is timed (the
suite reports targets, it never fails on them). Takes about a minute.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("headless_ingest_mbps", "pyserial_read_mbps", "headless_ingest_ratio", "tui_ingest_mbps", "bytes_lost",
        "keystroke_p50_ms", "keystroke_p99_ms", "help_s", "miniterm_help_s", "help_ratio", "first_frame_s",
        "upload_ratio", "decode_mbps", "rss_10mb_mib", "rss_500mb_mib", "net_socket_ratio", "net_rfc2217_ratio",
        "decode_ratio", "repl_ingest_mbps", "repl_peak_rss_mib", "boards_at_line_rate", "run_one_command_s",
        "export_cast_peak_rss_mib", "export_cast_ratio", "replay_peak_rss_mib", "pem_begin_lines_s",
        "tui_cpu_line_rate_pct", "tui_cpu_idle_pct", "first_frame_textual_hello_s", "floor_record_cpu_ratio",
        "floor_decode_cpu_ratio", "floor_lines_cpu_ratio")


@pytest.mark.timeout(300)
def test_the_quick_benchmark_suite_completes_and_loses_no_byte():
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=290)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["errors"] == {}
    assert report["bytes_lost"] == 0
    assert report["headless_exact"] and report["tui_exact"] and report["net_exact"]
    for key in KEYS:
        assert isinstance(report[key], (int, float)), key
