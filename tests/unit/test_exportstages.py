"""``benchmarks.exportstages``: where an export's time goes, and what the cast is made of.

Nothing here is timed: the stages must all run on a real (small) recording, and the cast's
description must count what is in the cast.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import exportstages
from spwf_tui.session.recording.format import encode_bytes
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.transport.settings import PortSettings


def _recording(path: Path, events: list[dict]) -> Path:
    recorder = Recorder(path=path)
    recorder.start(PortSettings("/dev/ttyUSB0"))
    recorder.close()
    header = path.read_text().splitlines()[0]
    path.write_text("\n".join([header, *map(json.dumps, events)]) + "\n")
    return path


def test_the_cast_description_counts_the_dimmed_escapes_and_their_runs(tmp_path):
    # Three controls, two of them side by side; an undecodable byte (not dimmed); a host line
    # (its bytes are not the module's).
    path = _recording(tmp_path / "r.jsonl", [
        {"t": 0.5, "dir": "rx", **encode_bytes(b"\x01\x02a\x03\xff\r\n")},
        {"t": 0.6, "dir": "tx", **encode_bytes(b"AT\r")},
    ])
    shape = exportstages.cast_shape(path)
    assert shape["cast_module_bytes"] == 7
    assert shape["cast_dimmed_escapes"] == 3
    assert shape["cast_dimmed_after_dimmed"] == 1


def test_every_stage_runs_on_a_flood_recording():
    result = exportstages.run(0.05, trials=1)
    for name in exportstages.STAGES:
        assert result[f"stage_{name}_ms_per_mb"] >= 0
    assert result["cast_chars"] > result["cast_module_bytes"] > 0
    assert result["cast_run_dimming_saves_chars"] == 18 * result["cast_dimmed_after_dimmed"]
