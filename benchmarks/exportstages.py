"""Where a text export's and a cast's time goes, stage by stage (issue 19 item 5, round six).

A recording of about ``--megabytes`` MB is made as ``benchmarks.exportbench`` makes one (the
real ``Recorder``, the flood in 4 KiB reads). Each stage then runs alone in this process on the
same events, CPU time, the least of ``--trials`` runs, in ms per MB of recording:

* ``read``: the recording's events read (every line parsed, every payload decoded: what
  ``exportbench`` calls reading once);
* ``replay``: the events applied by ``StreamingReplay`` (the session's decoder, pending
  commands, state, explainer, entries), every entry drained, nothing read from the entries;
* ``explain_later``: the explanations the replay left for when they are read (WINDs,
  ``Reading`` lines: ``LogEntry.explain`` deferred), read once each;
* ``text_payloads`` and ``text_lines``: the text export's transcript (``iter_text``) of the
  payload pieces alone and of every other entry alone, explanations already read;
* ``text``: the whole text export (``stream_export``), all of the above together;
* ``cast_screen``, ``cast_json`` and ``cast``: the cast's escaping of the recorded bytes
  (``_Screen``), its JSON strings, and the whole cast.

The cast's output is described too: its size against the module's bytes, the number of dimmed
escapes (one per control character) and of dimmed escapes that directly follow another (what
dimming a run of them once would save: 18 characters each). Nothing is asserted; this is a
measuring tool:

    .venv/bin/python -m benchmarks.exportstages [--megabytes 5] [--trials 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from benchmarks.common import MB, isolated_dirs, least_time
from benchmarks.exportbench import make_recording
from spwf_tui.core.events import DATA
from spwf_tui.export import Replayed, stream_export
from spwf_tui.export import cast as cast_export
from spwf_tui.export.text import iter_text
from spwf_tui.session.log import LogEntry
from spwf_tui.session.recording.format import RX, TX
from spwf_tui.session.recording.reader import RecordedEvent, RecordingStream
from spwf_tui.session.recording.replay import StreamingReplay

_DIM = "\\u001b[2m"
"""How a dimmed escape starts in the cast's JSON."""
_RUN_JOINT = "\\u001b[0m\\u001b[2m"
"""A dimmed escape's end directly followed by the next one's start (no colour between: RX)."""


STAGES = ("read", "replay", "explain_later", "text_payloads", "text_lines", "text", "cast_screen", "cast_json",
          "cast")


def _replayed_entries(path: Path, events: list[RecordedEvent]) -> list[LogEntry]:
    stream = RecordingStream(path)
    return list(StreamingReplay(stream, iter(events)).entries())


def _drain(pieces) -> int:
    return sum(map(len, pieces))


def _cast_texts(events: list[RecordedEvent]) -> list[str]:
    screen = cast_export._Screen()  # noqa: SLF001 - the stage measured is the screen's escaping
    texts = []
    for event in events:
        if event.dir == RX:
            texts.append(screen.stream(RX, event.data, ""))
        elif event.dir == TX:
            texts.append(screen.stream(TX, event.data, cast_export._TX_COLOUR))  # noqa: SLF001
    return texts


def stages(path: Path, trials: int) -> dict[str, float]:
    """CPU seconds of each stage on the recording ``path`` (see the module docstring)."""
    events = list(RecordingStream(path).events)
    result: dict[str, float] = {}
    result["read"] = least_time(lambda: sum(1 for _ in RecordingStream(path).events), trials)
    result["replay"] = least_time(lambda: _replayed_entries(path, events), trials)

    later = []
    for _ in range(trials):
        entries = _replayed_entries(path, events)
        start = time.process_time()
        for entry in entries:
            entry.explain  # noqa: B018 - the read is the work measured
        later.append(time.process_time() - start)
    result["explain_later"] = min(later)

    stream = RecordingStream(path)
    payloads = [e for e in entries if e.event is not None and e.event.kind == DATA]
    others = [e for e in entries if e.event is None or e.event.kind != DATA]
    result["text_payloads"] = least_time(lambda: _drain(iter_text(Replayed(stream, iter(payloads), None))), trials)
    result["text_lines"] = least_time(lambda: _drain(iter_text(Replayed(stream, iter(others), None))), trials)
    result["text"] = least_time(lambda: _drain(stream_export(RecordingStream(path), "text")), trials)

    result["cast_screen"] = least_time(lambda: _cast_texts(events), trials)
    texts = _cast_texts(events)
    json_string = cast_export._json_string  # noqa: SLF001
    result["cast_json"] = least_time(lambda: [json_string(text) for text in texts], trials)
    result["cast"] = least_time(lambda: _drain(stream_export(RecordingStream(path), "cast")), trials)
    return result


def cast_shape(path: Path) -> dict[str, int]:
    """The cast of ``path``: its size, the module's bytes, its dimmed escapes and those that
    directly follow another."""
    cast = "".join(stream_export(RecordingStream(path), "cast"))
    module_bytes = sum(len(e.data) for e in RecordingStream(path).events if e.dir == RX)
    return {"cast_chars": len(cast), "cast_module_bytes": module_bytes, "cast_dimmed_escapes": cast.count(_DIM),
            "cast_dimmed_after_dimmed": cast.count(_RUN_JOINT)}


def run(megabytes: float, trials: int = 3) -> dict:
    tmp, _dirs = isolated_dirs()
    recording = tmp / "stages.jsonl"
    try:
        size = make_recording(recording, megabytes)
        seconds = stages(recording, trials)
        shape = cast_shape(recording)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result: dict = {"recording_megabytes": size / MB, "trials": trials}
    result.update({f"stage_{name}_ms_per_mb": value * 1000 / (size / MB) for name, value in seconds.items()})
    result.update(shape)
    result["cast_run_dimming_saves_chars"] = shape["cast_dimmed_after_dimmed"] * (len(_RUN_JOINT))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.exportstages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=5, help="size of the recording (5 MB)")
    parser.add_argument("--trials", type=int, default=3, help="runs of each stage; the least CPU time counts (3)")
    parser.add_argument("--json", action="store_true", help="one JSON object instead of the table")
    args = parser.parse_args(argv)
    result = run(args.megabytes, args.trials)
    if args.json:
        print(json.dumps(result))
        return
    print(f"recording {result['recording_megabytes']:.1f} MB; CPU ms per MB, least of {args.trials} runs")
    for name in STAGES:
        print(f"  {name:<14} {result[f'stage_{name}_ms_per_mb']:8.1f}")
    print(f"cast: {result['cast_chars']:,} characters for {result['cast_module_bytes']:,} module bytes "
          f"({result['cast_chars'] / max(1, result['cast_module_bytes']):.2f} per byte); "
          f"{result['cast_dimmed_escapes']:,} dimmed escapes, {result['cast_dimmed_after_dimmed']:,} of them right "
          f"after another (dimming runs once would save {result['cast_run_dimming_saves_chars']:,} characters, "
          f"{result['cast_run_dimming_saves_chars'] / max(1, result['cast_chars']):.1%})")


if __name__ == "__main__":
    main()
