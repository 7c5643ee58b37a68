"""Run the benchmark suite and print one table (or, with ``--json``, one JSON object).

Usage (from the repository root): ``python -m benchmarks [--quick] [--json] [--only NAME ...]``.
Each benchmark runs in a child process of its own; see the module docstrings for what each one
measures and against which baseline. ``--quick`` shrinks the volumes (finishes in well under a
minute); the full run does what the performance issue asks (500 MB through the TUI included).
The exit status is 1 when a benchmark failed or any byte was lost; targets missed are reported,
never turned into a failure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time

from benchmarks.common import RESULT_PREFIX, ROOT, bench_env, isolated_dirs

SUITE = {
    # name: (module, full arguments, quick arguments)
    "ingest": ("benchmarks.ingest", ["--megabytes", "100", "--trials", "3"], ["--megabytes", "6", "--trials", "1"]),
    "tui": ("benchmarks.tui", ["--megabytes", "500", "--early-mb", "10"], ["--megabytes", "12", "--early-mb", "4"]),
    "keys": ("benchmarks.keys", ["--keys", "200"], ["--keys", "20"]),
    "startup": ("benchmarks.startup", ["--repeats", "9"], ["--repeats", "3"]),
    "upload": ("benchmarks.upload", ["--trials", "5"], ["--trials", "2"]),
    "decode": ("benchmarks.decodebench", ["--megabytes", "100"], ["--megabytes", "5"]),
    "components": ("benchmarks.components", ["--repeats", "5"], ["--repeats", "2"]),
    "export": ("benchmarks.exportbench", ["--megabytes", "100"], ["--megabytes", "1", "--pem-megabytes", "1"]),
    "repl": ("benchmarks.replingest", ["--megabytes", "100", "--tmux", "--line-rate", "15"], ["--megabytes", "4"]),
    "runone": ("benchmarks.runone", ["--repeats", "9"], ["--repeats", "2"]),
    "boards": ("benchmarks.boards", ["--boards", "1", "10", "50", "100", "--seconds", "10"],
               ["--boards", "1", "5", "--seconds", "2"]),
    "tuicpu": ("benchmarks.tuicpu", ["--idle-seconds", "20", "--seconds", "20"], ["--idle-seconds", "2", "--seconds", "2"]),
    "floor": ("benchmarks.floor", ["--megabytes", "20", "--trials", "3"], ["--megabytes", "2", "--trials", "1"]),
    "net": ("benchmarks.netingest", ["--megabytes", "50", "--trials", "3", "--handler-megabytes", "1"],
            ["--megabytes", "2", "--trials", "1", "--handler-megabytes", "0"]),
}

TARGETS = [
    # key, comparison, threshold, text
    ("headless_ingest_ratio", ">=", 1.0, "headless ingest ≥ 1.0× bare pyserial loop"),
    ("headless_line_rate_ratio", ">=", 200, "headless ingest ≥ 200× 921600-baud line rate"),
    ("bytes_lost", "==", 0, "0 bytes lost (every run)"),
    ("tui_line_rate_ratio", ">=", 50, "TUI ingest ≥ 50× line rate, log visible"),
    ("keystroke_p99_ms", "<=", 30, "keystroke p99 ≤ 30 ms while streaming at line rate"),
    ("help_ratio", "<=", 1.5, "--help ≤ 1.5× miniterm --help"),
    ("first_frame_s", "<=", 0.4, "first frame ≤ 0.4 s"),
    ("upload_ratio", ">=", 0.9, "upload ≥ 0.9× raw write"),
    ("upload_1mib_ratio", ">=", 0.9, "upload of 1 MiB (SOCKW) ≥ 0.9× raw write"),
    ("rss_growth_abs", "<=", 0.10, "RSS flat (±10 %) from 10 MB (quick: 4 MB) to the end of ingest"),
    ("rss_500mb_mib", "<", 150, "RSS under 150 MiB"),
    ("export_cast_peak_rss_mib", "<=", 200, "cast export of the recording ≤ 200 MiB RSS"),
    ("export_cast_ratio", "<=", 3, "cast export ≤ 3× reading the recording once"),
    ("repl_peak_rss_mib", "<=", 80, "REPL peak RSS ≤ 80 MiB on the flood (in a pipe)"),
    ("repl_hidden_lines", "==", 0, "REPL hides no line on the flood (in a pipe)"),
    ("repl_tmux_ratio", ">=", 1.0, "REPL in tmux ≥ the TUI in tmux (ingest rate, same run)"),
    ("repl_tmux_peak_rss_mib", "<=", 80, "REPL peak RSS ≤ 80 MiB on the flood (in tmux)"),
    ("repl_tmux_hidden_lines", "==", 0, "REPL hides no line on the flood (in tmux)"),
    ("decode_ratio", ">=", 0.5, "decode --json ≥ 0.5× a split-lines loop"),
    ("decode_text_ratio", ">=", 0.5, "decode (text) ≥ 0.5× a split-lines loop"),
    ("run_one_command_s", "<=", 0.25, "run PORT -c AT ≤ 0.25 s on a booted module"),
    ("boards_at_line_rate", ">=", 100, "100 emulated boards at 921600 baud on one core, 0 lost"),
    ("tui_cpu_line_rate_pct", "<=", 10, "TUI ≤ 10 % of a core at 921600 baud (92,160 B/s)"),
    ("tui_cpu_idle_pct", "<=", 0.5, "TUI ≤ 0.5 % of a core idle"),
]


def run_one(name: str, quick: bool, env: dict[str, str]) -> dict:
    module, full, short = SUITE[name]
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", module, *(short if quick else full)], cwd=ROOT,
                          capture_output=True, text=True, env=env)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
            result[f"{name}_wall_s"] = time.perf_counter() - started
            return result
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    return {f"{name}_error": " | ".join(tail) or f"exit status {proc.returncode}"}


def collect(names: list[str], quick: bool, progress) -> dict:
    results: dict = {"quick": quick, "load_average_before": os.getloadavg()[0], "cpus": os.cpu_count()}
    tmp, dirs = isolated_dirs()  # the user's config, history and recordings stay out of it
    try:
        for name in names:
            progress(f"benchmark {name} ...")
            results.update(run_one(name, quick, bench_env(dirs)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()[0]
    lost = [results[k] for k in ("headless_bytes_lost", "tui_bytes_lost", "keystroke_bytes_lost", "net_bytes_lost",
                                 "boards_bytes_lost", "tui_cpu_bytes_lost")
            if k in results]
    results["bytes_lost"] = sum(lost) if lost else None
    if results.get("rss_growth") is not None:
        results["rss_growth_abs"] = abs(results["rss_growth"])
    results["targets"] = {key: _met(results.get(key), op, limit) for key, op, limit, _ in TARGETS}
    results["errors"] = {k: v for k, v in results.items() if k.endswith("_error")}
    return results


def _met(value, op: str, limit: float) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return {">=": value >= limit, "<=": value <= limit, "<": value < limit, "==": value == limit}[op]


def _fmt(value, unit: str = "", digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value:,}{unit}"


def table(r: dict) -> str:
    """The human-readable report."""
    g = r.get
    rows = [
        ("1 headless ingest", _fmt(g("headless_ingest_mbps"), " MB/s"), _fmt(g("pyserial_read_mbps"), " MB/s"),
         _fmt(g("headless_ingest_ratio"), "×"), f"{_fmt(g('headless_line_rate_ratio'), '× line rate', 0)}, "
         f"lost {_fmt(g('headless_bytes_lost'))}, exact {g('headless_exact')}"),
        ("2 TUI ingest", _fmt(g("tui_ingest_mbps"), " MB/s"), "", "",
         f"{_fmt(g('tui_line_rate_ratio'), '× line rate', 0)}, lost {_fmt(g('tui_bytes_lost'))}, "
         f"peak RSS {_fmt(g('tui_peak_rss_mib'), ' MiB', 0)}"),
        ("3 keystroke p50 / p99", f"{_fmt(g('keystroke_p50_ms'), ' ms', 1)} / {_fmt(g('keystroke_p99_ms'), ' ms', 1)}",
         f"idle p50 {_fmt(g('keystroke_idle_p50_ms'), ' ms', 1)}", "",
         f"{g('keystroke_keys')} keys at {_fmt(g('keystroke_stream_kbps'), ' kB/s', 0)}, max "
         f"{_fmt(g('keystroke_max_ms'), ' ms', 1)}"),
        ("4 spwf-tui --help", _fmt(g("help_s"), " s", 3), f"miniterm {_fmt(g('miniterm_help_s'), ' s', 3)}",
         _fmt(g("help_ratio"), "×"), f"python -c pass {_fmt(g('python_pass_s'), ' s', 3)}"),
        ("4 first frame (sim://)", _fmt(g("first_frame_s"), " s", 3),
         f"Textual hello {_fmt(g('first_frame_textual_hello_s'), ' s', 3)}", "",
         f"max {_fmt(g('first_frame_max_s'), ' s', 3)}; CPU until then {_fmt(g('first_frame_cpu_s'), ' s', 3)} "
         f"(hello: {_fmt(g('first_frame_textual_hello_cpu_s'), ' s', 3)})"),
        ("5 upload 64 KiB FSC", _fmt(g("upload_s"), " s", 4), f"raw {_fmt(g('raw_write_s'), ' s', 4)}",
         _fmt(g("upload_ratio"), "×"), f"{_fmt(g('upload_kbps'), ' kB/s', 0)}, overhead "
         f"{_fmt(g('upload_overhead_ms'), ' ms')}; at 921600 baud that is "
         f"{_fmt(g('upload_ratio_at_line_rate'), '×', 3)} (projected)"),
        ("5 upload 1 MiB SOCKW", _fmt(g("upload_1mib_s"), " s", 4), f"raw {_fmt(g('raw_write_1mib_s'), ' s', 4)}",
         _fmt(g("upload_1mib_ratio"), "×"), "to a TCP sink on this host through the module's socket"),
        ("6 decode --json", _fmt(g("decode_mbps"), " MB/s"), f"split {_fmt(g('split_lines_mbps'), ' MB/s', 0)}",
         _fmt(g("decode_ratio"), "×", 4), f"text mode {_fmt(g('decode_text_mbps'), ' MB/s')} "
         f"({_fmt(g('decode_text_ratio'), '×', 4)}), "
         f"peak RSS {_fmt(g('decode_peak_rss_mib'), ' MiB', 0)}, {_fmt(g('decode_megabytes'), ' MB', 0)}; "
         f"floor {_fmt(g('decode_floor_json_ratio'), '×')} (--json), {_fmt(g('decode_floor_text_ratio'), '×')} (text)"),
        (f"7 RSS at {_fmt(g('rss_early_mb'), ' MB', 0)} / {_fmt(g('rss_late_mb'), ' MB', 0)}",
         f"{_fmt(g('rss_10mb_mib'), ' MiB', 1)} / {_fmt(g('rss_500mb_mib'), ' MiB', 1)}",
         f"start {_fmt(g('rss_start_mib'), ' MiB', 1)}", "",
         f"growth {_fmt((g('rss_growth') or 0) * 100, ' %', 1)}"),
        ("8 network ingest", f"socket {_fmt(g('net_socket_mbps'), ' MB/s')}, rfc2217 "
         f"{_fmt(g('net_rfc2217_mbps'), ' MB/s')}", f"pty {_fmt(g('net_pty_mbps'), ' MB/s')}",
         f"{_fmt(g('net_socket_ratio'), '×')} / {_fmt(g('net_rfc2217_ratio'), '×')}",
         f"pyserial's handlers: socket {_fmt(g('net_socket_pyserial_handler_mbps'), ' MB/s', 3)}, rfc2217 "
         f"{_fmt(g('net_rfc2217_pyserial_handler_mbps'), ' MB/s', 3)}; lost {_fmt(g('net_bytes_lost'))}, "
         f"exact {g('net_exact')}"),
        ("9 export 100 MB", f"cast {_fmt(g('export_cast_s'), ' s', 1)}, text {_fmt(g('export_text_s'), ' s', 1)}, "
         f"md {_fmt(g('export_markdown_s'), ' s', 1)}", f"read {_fmt(g('recording_read_s'), ' s', 2)}",
         f"{_fmt(g('export_cast_ratio'), '×', 1)} / {_fmt(g('export_text_ratio'), '×', 1)} / "
         f"{_fmt(g('export_markdown_ratio'), '×', 1)}",
         f"peak RSS cast {_fmt(g('export_cast_peak_rss_mib'), ' MiB', 0)}, text "
         f"{_fmt(g('export_text_peak_rss_mib'), ' MiB', 0)}, md {_fmt(g('export_markdown_peak_rss_mib'), ' MiB', 0)}; "
         f"replay {_fmt(g('replay_s'), ' s', 1)} ({_fmt(g('replay_ratio'), '×', 1)}), "
         f"{_fmt(g('replay_peak_rss_mib'), ' MiB', 0)}; {_fmt(g('recording_megabytes'), ' MB', 0)} file"),
        (f"9 PEM, {_fmt(g('pem_megabytes'), ' MB', 0)} of BEGIN", _fmt(g("pem_begin_lines_s"), " s", 2), f"split {_fmt(g('pem_split_lines_s'), ' s', 3)}",
         _fmt(g("pem_ratio"), "×", 1), f"time for 4× the bytes: {_fmt(g('pem_scaling_4x'), '×', 1)} (4 = linear)"),
    ]
    rows += [
        ("11 REPL ingest (pipe)", _fmt(g("repl_ingest_mbps"), " MB/s"), f"pyserial {_fmt(g('repl_pyserial_read_mbps'), ' MB/s')}",
         "", f"TUI {_fmt(g('tui_ingest_mbps'), ' MB/s')}; peak RSS {_fmt(g('repl_peak_rss_mib'), ' MiB', 0)}, "
         f"hidden lines {_fmt(g('repl_hidden_lines'))}, CPU {_fmt(g('repl_cpu_s_per_mb'), ' s/MB', 3)}"),
        ("11 REPL ingest (tmux)", _fmt(g("repl_tmux_ingest_mbps"), " MB/s"), f"TUI in tmux {_fmt(g('tui_tmux_ingest_mbps'), ' MB/s')}",
         _fmt(g("repl_tmux_ratio"), "×"), f"peak RSS {_fmt(g('repl_tmux_peak_rss_mib'), ' MiB', 0)} (TUI "
         f"{_fmt(g('tui_tmux_peak_rss_mib'), ' MiB', 0)}), hidden lines {_fmt(g('repl_tmux_hidden_lines'))}, CPU "
         f"{_fmt(g('repl_tmux_cpu_s_per_mb'), ' s/MB', 3)} (TUI {_fmt(g('tui_tmux_cpu_s_per_mb'), ' s/MB', 3)}); "
         f"floor (tmux taking in the REPL's output from cat) {_fmt(g('repl_tmux_floor_mbps'), ' MB/s')} = "
         f"{_fmt(g('repl_tmux_floor_ratio'), '×')} the TUI, {_fmt(g('repl_tmux_output_bytes_per_byte'), '')} bytes out a byte"),
        ("11 REPL CPU at 921600 (tmux)", _fmt(g("repl_tmux_line_rate_cpu_pct"), " %", 1),
         f"TUI in tmux {_fmt(g('tui_tmux_line_rate_cpu_pct'), ' %', 1)}", "", "% of one core over 15 s"),
        ("9 run PORT -c AT", _fmt(g("run_one_command_s"), " s", 3),
         f"python -c pass {_fmt(g('runone_python_pass_s'), ' s', 3)}", "",
         f"CPU {_fmt(g('run_one_command_cpu_s'), ' s', 3)} (pass: {_fmt(g('runone_python_pass_cpu_s'), ' s', 3)}); "
         f"sim:// {_fmt(g('run_one_command_sim_s'), ' s', 3)}, CPU {_fmt(g('run_one_command_sim_cpu_s'), ' s', 3)}"),
        ("13 TUI CPU at 921600 / idle", f"{_fmt(g('tui_cpu_line_rate_pct'), ' %', 1)} / {_fmt(g('tui_cpu_idle_pct'), ' %', 2)}",
         f"miniterm {_fmt(g('miniterm_cpu_line_rate_pct'), ' %', 1)} / {_fmt(g('miniterm_cpu_idle_pct'), ' %', 2)}", "",
         f"% of one core over {_fmt(g('tui_cpu_window_s'), ' s', 0)} windows; lost {_fmt(g('tui_cpu_bytes_lost'))}, "
         f"drawn {_fmt(g('tui_cpu_drawn_kbps'), ' kB/s', 0)}"),
        ("10 boards at 921600", _fmt(g("boards_at_line_rate")), "", "",
         "; ".join(f"N={n}: {_fmt(v.get('cpu_pct_per_board'), ' %', 2)} CPU/board, lost {v.get('bytes_lost')}"
                   for n, v in (g("boards_runs") or {}).items())
         + f"; idle {_fmt(g('boards_idle_cpu_pct_per_board'), ' %', 3)} CPU/board"),
    ]
    if g("floor_bare_mbps") is not None:
        rows.append(("1 floors (CPU ratios)", f"record {_fmt(g('floor_record_cpu_ratio'), '×')}, decode "
                     f"{_fmt(g('floor_decode_cpu_ratio'), '×')}, both {_fmt(g('floor_record_decode_cpu_ratio'), '×')}",
                     f"bare loop {_fmt(g('floor_bare_mbps'), ' MB/s')}", "",
                     "CPU ms/MB: " + ", ".join(f"{work.replace('_', '+')} {_fmt(g(f'floor_{work}_cpu_ms_per_mb'), '', 1)}"
                                               for work in ("bare", "lines", "record", "decode", "record_decode"))
                     + f"; least per-line work {_fmt(g('floor_lines_cpu_ratio'), '×')}; wall ratios: record "
                     f"{_fmt(g('floor_record_ratio'), '×')}, decode {_fmt(g('floor_decode_ratio'), '×')}"))
    stages = [(key[len("stage_"):-len("_ms_per_mb")], value) for key, value in r.items()
              if key.startswith("stage_") and key.endswith("_ms_per_mb")]
    if stages:
        rows.append(("RX stages, ms per MB", "  ".join(f"{name} {value:.1f}" for name, value in stages), "", "",
                     f"{_fmt(r.get('stage_lines_per_mb'), ' lines/MB', 0)}, payload "
                     f"{_fmt((r.get('stage_payload_share') or 0) * 100, ' %', 0)} of the bytes"))
    widths = [max(len(row[i]) for row in rows[:11]) for i in range(4)]
    heads = ("benchmark", "spwf-tui", "baseline", "ratio", "notes")
    widths = [max(w, len(h)) for w, h in zip(widths, heads)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths)) + "  " + heads[4]]
    lines.append("-" * (sum(widths) + 2 * len(widths) + 30))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    lines.append("")
    lines.append(f"{'quick run' if r.get('quick') else 'full run'} on {r.get('cpus')} CPUs; load average "
                 f"{_fmt(r.get('load_average_before'))} before, {_fmt(r.get('load_average_after'))} after")
    lines.append("targets:")
    for key, _, _, text in TARGETS:
        met = r["targets"].get(key)
        lines.append(f"  [{'met' if met else 'n/a' if met is None else 'NOT met'}] {text}")
    for key, text in r.get("errors", {}).items():
        lines.append(f"  error in {key[:-6]}: {text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small volumes: a check that the suite works")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--only", nargs="+", choices=list(SUITE), help="run only these benchmarks")
    args = parser.parse_args(argv)
    names = args.only or list(SUITE)
    results = collect(names, args.quick, lambda text: print(text, file=sys.stderr, flush=True))
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 1 if results["errors"] or results["bytes_lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
