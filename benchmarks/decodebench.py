"""Benchmark 6, decode: ``spwf-tui decode`` on a generated capture against a split-lines loop.

The capture is the flood (``benchmarks.flood``: module lines, WINDs, socket reads with binary
payloads, noise) written to a file, as a raw UART capture (``cat /dev/ttyUSB0 > capture``) holds
it. ``spwf-tui decode FILE --json`` and ``spwf-tui decode FILE`` run as CLI subprocesses with
their output going to /dev/null (timed from spawn to exit; peak RSS: the child's high-water mark).
The baseline runs in this process: read the file and loop over ``data.split(b"\\n")``.

The floor (``decode_floor_*``, also in this process): the least work any Python ``decode`` that
writes this output must do, per block of the flood: split it into lines at once, take every
module line's finished output from a table (as if every line were a repeat whose output is
ready: no classifying, explaining or formatting), make each payload piece's text with the C
codecs alone (``--json``: one decode and the JSON module's C string encoder; text:
``codecs.escape_encode``, exact only for bytes with no multi-byte UTF-8 character), join and
write it all to /dev/null. What is left out is Python work per line; what is timed is C.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import shutil
import subprocess
import time
from typing import TextIO

from benchmarks.common import MB, bench_env, emit, isolated_dirs
from benchmarks.flood import Flood
from benchmarks.startup import spwf_tui_command


def _cli(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``argv`` with output to /dev/null; (seconds, peak RSS MiB).

    The peak is the child's own high-water mark (``VmHWM``, read while it runs): ``ru_maxrss``
    of a child on Linux also counts what the parent held when it forked.
    """
    peak_kib = 0
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
        while proc.poll() is None:
            peak_kib = max(peak_kib, _high_water_kib(proc.pid))
            time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.read().decode(errors='replace')[-500:]}")
    return elapsed, peak_kib / 1024


def _high_water_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass  # the process just ended
    return 0


def _split_lines(path) -> float:
    start = time.perf_counter()
    with open(path, "rb") as capture:
        data = capture.read()
    count = 0
    for line in data.split(b"\n"):
        count += 1
    return time.perf_counter() - start


def floor(flood: Flood, as_json: bool, sink: TextIO | None = None) -> float:
    """Seconds (wall, like the baseline) of the floor (module docstring) over the whole flood,
    block by block, written to ``sink`` (default /dev/null)."""
    from spwf_tui.cli.decode import decode_bytes, _json_line, _text_lines  # (the output's shape)
    from spwf_tui.core.events import DATA

    block = flood.block
    make = _json_line if as_json else _text_lines
    events = list(decode_bytes(block))
    payloads = [event.raw for event, _ in events if event.kind == DATA]
    ready = {index: make(event, why) for index, (event, why) in enumerate(events) if event.kind != DATA}
    lines = list(ready)
    encode = json.encoder.encode_basestring_ascii
    escape = codecs.escape_encode
    with contextlib.nullcontext(sink) if sink is not None else open(os.devnull, "w", encoding="utf-8") as sink:
        start = time.perf_counter()
        for _ in range(flood.repeats):
            block.splitlines(True)
            shown = list(map(ready.__getitem__, lines))
            # a payload piece's record as decode writes it (its text twice in JSON: "line" and "text")
            if as_json:
                shown += [f'{{"line": {text}, "kind": "data", "code": null, "text": {text}, "explain": null}}\n'
                          for text in map(encode, [raw.decode("utf-8", "surrogateescape") for raw in payloads])]
            else:
                shown += [f"data        {escape(raw)[0].decode('ascii')}\n" for raw in payloads]
            sink.write("".join(shown))
        return time.perf_counter() - start


def run(megabytes: float) -> dict:
    tmp, dirs = isolated_dirs()
    env = bench_env(dirs)
    capture = tmp / "capture.log"
    flood = Flood(int(megabytes * MB))
    with open(capture, "wb") as out:
        for chunk in flood.chunks():
            out.write(chunk)
    try:
        json_s, json_rss = _cli([*spwf_tui_command(), "decode", str(capture), "--json"], env)
        text_s, text_rss = _cli([*spwf_tui_command(), "decode", str(capture)], env)
        baseline = min(_split_lines(capture) for _ in range(3))
        floor_json = min(floor(flood, True) for _ in range(2))
        floor_text = min(floor(flood, False) for _ in range(2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    size = flood.size / MB
    return {
        "decode_mbps": size / json_s,
        "decode_text_mbps": size / text_s,
        "split_lines_mbps": size / baseline,
        "decode_ratio": baseline / json_s,
        "decode_text_ratio": baseline / text_s,
        "decode_peak_rss_mib": max(json_rss, text_rss),
        "decode_floor_json_mbps": size / floor_json,
        "decode_floor_text_mbps": size / floor_text,
        "decode_floor_json_ratio": baseline / floor_json,
        "decode_floor_text_ratio": baseline / floor_text,
        "decode_megabytes": size,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.decodebench")
    parser.add_argument("--megabytes", type=float, default=100)
    args = parser.parse_args(argv)
    emit(run(args.megabytes))


if __name__ == "__main__":
    main()
