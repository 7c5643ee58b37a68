"""Where the RX path's time goes: each stage alone on the flood, in this process, in ms per MB.

Not one of the issue's seven benchmarks: it explains their figures. The 1 MiB flood block is fed
in 64 KiB pieces (the transport's batch) to each stage in turn, the way ``Session.data_received``
calls them, ``ROUNDS`` times a run (the module's lines repeat, as the decoder's tables expect), best
of five runs. Times are the thread's CPU time, not wall time: on a shared machine the wall clock
counts the other processes too. ``session`` is the whole of ``data_received`` without a recorder,
``session+recorder`` with one (as the ingest benchmarks run it).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.common import MB, emit, least_time
from benchmarks.flood import build_block
from spwf_tui.core.decoder import RxDecoder
from spwf_tui.core.events import DATA
from spwf_tui.core.explain import Explainer
from spwf_tui.session.log import RX, LogEntry
from spwf_tui.session.pending import PendingTracker
from spwf_tui.session.recording.writer import Recorder
from spwf_tui.session.recording.replay import NullTransport
from spwf_tui.session.session import Session
from spwf_tui.session.state import ModuleState
from spwf_tui.transport.settings import PortSettings

PIECE = 64 * 1024
ROUNDS = 4


def measure(repeats: int = 5) -> dict:
    block = build_block()
    pieces = [block[i:i + PIECE] for i in range(0, len(block), PIECE)] * ROUNDS
    events = RxDecoder().feed(block) * ROUNDS
    per_batch = -(-len(events) // len(pieces))
    batches = [events[i:i + per_batch] for i in range(0, len(events), per_batch)]  # as many as pieces
    sizes = [sum(len(event.raw) for event in batch) for batch in batches]  # (``_deliver`` knows its read's)
    tmp = Path(tempfile.mkdtemp(prefix="spwf-bench-components-"))
    stages = {}
    try:
        def decoder():
            decode = RxDecoder().feed
            for piece in pieces:
                decode(piece)

        def pending():
            attribute = PendingTracker().attribute
            for event in events:
                attribute(event)

        def state():
            apply = ModuleState().apply
            for event in events:
                apply(event, None)

        def explainer():
            explain = Explainer().explain
            for event in events:
                explain(event)

        def entries():
            # As ``Session._deliver`` does: one entry an event, handed over a batch at a time.
            session = Session(PortSettings("bench"), transport=NullTransport())
            extend = session.entries.extend
            for batch, size in zip(batches, sizes):
                extend([LogEntry(1.0, RX, None if event.kind == DATA else event.text, event, None) for event in batch],
                       received=True, size=size)
            session.entries.drain()

        def recorder():
            rec = Recorder(directory=tmp, max_bytes=1 << 62)
            rec.start(PortSettings("bench"))
            for piece in pieces:
                rec.rx(piece)
            rec.close()

        def session(with_recorder: bool):
            rec = Recorder(directory=tmp, max_bytes=1 << 62) if with_recorder else None
            s = Session(PortSettings("bench"), transport=NullTransport(), recorder=rec)
            s.open()
            for piece in pieces:
                s.data_received(piece)
                s.entries.drain()  # as a front end does, many times a second
            s.close()

        for name, run in (("decoder", decoder), ("pending", pending), ("state", state), ("explainer", explainer),
                          ("entries", entries), ("recorder", recorder), ("session", lambda: session(False)),
                          ("session+recorder", lambda: session(True))):
            stages[name] = least_time(run, repeats, time.thread_time) * 1000 / (ROUNDS * len(block) / MB)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {f"stage_{name}_ms_per_mb": value for name, value in stages.items()}
    result["stage_lines_per_mb"] = sum(1 for e in events if e.kind != DATA) / (ROUNDS * len(block) / MB)
    result["stage_payload_share"] = sum(len(e.raw) for e in events if e.kind == DATA) / (ROUNDS * len(block))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.components")
    parser.add_argument("--repeats", type=int, default=5)
    emit(measure(parser.parse_args(argv).repeats))


if __name__ == "__main__":
    main()
