"""The cost of ``core.display.visible`` on the RX display path, against the C0-only escaping it replaced.

Every line the TUI, the REPL, ``run`` and ``decode`` show goes through ``visible``. Input: the
flood of ``benchmarks.flood`` (socket reads of binary and text payloads, configuration dumps,
scans, WINDs, line noise), decoded into events; each event's text is escaped as the front ends
escape it. The baseline, in the same run on the same texts, is the escaping the project had
before issue 13 (C0 and DEL only, ``str.translate``), kept here verbatim. Printed: MB of module
output per second for both and their ratio. A second row does the same for non-ASCII text alone.

    .venv/bin/python -m benchmarks.display [--megabytes 4] [--trials 3]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from statistics import median

from benchmarks.flood import build_block
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible

_OLD_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}
_OLD_ESCAPES.update({ord("\r"): "\\r", ord("\n"): "\\n", ord("\t"): "\\t"})
_OLD_CONTROL = re.compile("[\x00-\x1f\x7f]")


def old_visible(text: str) -> str:
    """The function before issue 13: C0 and DEL only."""
    return text.translate(_OLD_ESCAPES) if _OLD_CONTROL.search(text) else text


def _texts(megabytes: float) -> tuple[list[str], int]:
    block = build_block()
    data = block * max(1, round(megabytes * (1 << 20) / len(block)))
    decoder = RxDecoder()
    events = [*decoder.feed(data), *decoder.flush()]
    return [event.text for event in events], len(data)


def _rate(function, texts: list[str], size: int) -> float:
    start = time.perf_counter()
    for text in texts:
        function(text)
    return size / (1 << 20) / (time.perf_counter() - start)


def run(megabytes: float, trials: int) -> dict:
    texts, size = _texts(megabytes)
    visible("\u00e9")  # the tables for non-ASCII text are built on first use: not part of the rate
    wide = [text for text in texts if not text.isascii()]
    wide_size = sum(len(text.encode("utf-8", "surrogatepass")) for text in wide)
    new, old, new_wide, old_wide = [], [], [], []
    for _ in range(trials):  # interleaved, so load on the machine hits both alike
        old.append(_rate(old_visible, texts, size))
        new.append(_rate(visible, texts, size))
        old_wide.append(_rate(old_visible, wide, wide_size))
        new_wide.append(_rate(visible, wide, wide_size))
    return {
        "display_mbps": median(new), "display_baseline_mbps": median(old),
        "display_ratio": median(new) / median(old),
        "display_non_ascii_mbps": median(new_wide), "display_non_ascii_baseline_mbps": median(old_wide),
        "display_non_ascii_ratio": median(new_wide) / median(old_wide),
        "display_lines": len(texts), "display_non_ascii_lines": len(wide),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.display")
    parser.add_argument("--megabytes", type=float, default=4)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.megabytes, args.trials)
    if args.json:
        print(json.dumps(result))
        return
    print(f"visible, all lines      {result['display_mbps']:8.1f} MB/s   C0-only baseline "
          f"{result['display_baseline_mbps']:8.1f} MB/s   ratio {result['display_ratio']:.2f}x   "
          f"({result['display_lines']:,} lines)")
    print(f"visible, non-ASCII only {result['display_non_ascii_mbps']:8.1f} MB/s   C0-only baseline "
          f"{result['display_non_ascii_baseline_mbps']:8.1f} MB/s   ratio {result['display_non_ascii_ratio']:.2f}x   "
          f"({result['display_non_ascii_lines']:,} lines)")


if __name__ == "__main__":
    main()
