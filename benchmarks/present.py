"""The cost of the presentation layer (``core/present``) in each front end, against bare escaping.

Input: the flood of ``benchmarks.flood`` decoded into entries, with the explainer's sentences, as
a session's log holds them. Each front end's formatter turns every entry into what it shows: the
TUI's rows (``ui/log_rows.rows_for``), the REPL's batches (``repl/printer.batch_fragments``, and
``repl/rendered.BatchRenderer``: the one string a slice the interactive REPL writes since round
five) and ``run``'s transcript (``session/transcript.format_entry``). Every run gets entries freshly
decoded (outside the clock), as a flood brings them: a payload piece's text is made on first use
and would be free after the first run. The baseline, in the same run, is the least any front end
must do: ``"< " + visible(text)`` per line, and the explanation likewise. Printed: MB of module output per second for each and its ratio to the
baseline (1.0 would be free; the work beyond escaping is the price of one shared layer).

    .venv/bin/python -m benchmarks.present [--megabytes 2] [--trials 5]
"""

from __future__ import annotations

import argparse
import json
import time
from statistics import median

from benchmarks.flood import build_block
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.display import visible
from spwf_tui.core.events import DATA
from spwf_tui.core.explain import Explainer
from spwf_tui.core.logentry import RX, LogEntry
from spwf_tui.core.present import styles
from spwf_tui.repl import printer
from spwf_tui.repl.rendered import BatchRenderer
from spwf_tui.session.transcript import format_entry
from spwf_tui.ui.log_rows import ViewOptions, rows_for


def _entries(megabytes: float) -> tuple[list[LogEntry], int]:
    block = build_block()
    data = block * max(1, round(megabytes * (1 << 20) / len(block)))
    decoder, explainer = RxDecoder(), Explainer()
    events = [*decoder.feed(data), *decoder.flush()]
    return [LogEntry(0.0, RX, None if e.kind == DATA else e.text, e, explainer.explain(e)) for e in events], len(data)


def _baseline(entries: list[LogEntry]) -> None:
    for entry in entries:
        lines = [f"< {visible(entry.text)}"]
        if entry.explain:
            lines.append(f"  ↳ {visible(entry.explain)}")


def _tui(entries: list[LogEntry]) -> None:
    options = ViewOptions()
    for entry in entries:
        rows_for(entry, options, None)


def _repl(entries: list[LogEntry]) -> None:
    view = printer.View()
    for start in range(0, len(entries), printer.PRINT_SLICE):
        printer.batch_fragments(entries[start:start + printer.PRINT_SLICE], view)


def _repl_terminal(entries: list[LogEntry]) -> None:
    # What the interactive REPL writes since round five: one string a slice, repeated lines'
    # text kept (a new renderer per trial, as a REPL starts with none kept).
    renderer = BatchRenderer({name: styles.sgr(name) or styles.SGR_RESET for name in styles.LOOKS},
                             styles.SGR_RESET, "\r\n")
    presentation = printer.View().presentation()
    for start in range(0, len(entries), printer.PRINT_SLICE):
        renderer.batch(entries[start:start + printer.PRINT_SLICE], presentation)


def _run(entries: list[LogEntry]) -> None:
    for entry in entries:
        format_entry(entry)


FRONT_ENDS = {"tui_rows": _tui, "repl_batches": _repl, "repl_terminal": _repl_terminal, "run_transcript": _run}


def _rate(function, entries: list[LogEntry], size: int) -> float:
    start = time.perf_counter()
    function(entries)
    return size / (1 << 20) / (time.perf_counter() - start)


def run(megabytes: float, trials: int) -> dict:
    entries, size = _entries(megabytes)
    visible("\u00e9")  # tables built on first use: not part of a rate
    rates: dict[str, list[float]] = {name: [] for name in ("baseline", *FRONT_ENDS)}
    for _ in range(trials):  # interleaved, so load on the machine hits all alike
        for name, function in {"baseline": _baseline, **FRONT_ENDS}.items():
            # Fresh entries each time (decoded outside the clock), as a flood brings them: a
            # payload piece's text, made on first use, would otherwise be free after the first run.
            entries, size = _entries(megabytes)
            rates[name].append(_rate(function, entries, size))
    base = median(rates["baseline"])
    result = {"present_baseline_mbps": base, "present_entries": len(entries)}
    for name in FRONT_ENDS:
        result[f"present_{name}_mbps"] = median(rates[name])
        result[f"present_{name}_ratio"] = median(rates[name]) / base
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.present")
    parser.add_argument("--megabytes", type=float, default=2)
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.megabytes, args.trials)
    if args.json:
        print(json.dumps(result))
        return
    print(f"baseline (escape and mark each line) {result['present_baseline_mbps']:8.1f} MB/s   "
          f"({result['present_entries']:,} entries)")
    for name in FRONT_ENDS:
        print(f"{name:<36} {result[f'present_{name}_mbps']:8.1f} MB/s   ratio {result[f'present_{name}_ratio']:.2f}x")


if __name__ == "__main__":
    main()
