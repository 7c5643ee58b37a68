"""``run``'s port steps: ``port NAME=VALUE...``, ``break``, ``dtr``, ``rts`` (parsed in ``script``)."""

from __future__ import annotations

from spwf_tui.cli.script import Step, StepResult
from spwf_tui.session.session import Session
from spwf_tui.transport.errors import PortError


def run_port_step(session: Session, step: Step) -> tuple[bool, StepResult]:
    """Carry the step out on the open port; a port that cannot is a failed step."""
    result: StepResult = {"step": step.origin, "port": step.text, "ok": True}
    try:
        if step.port_changes is not None:
            result["settings"] = session.port.change(**step.port_changes).describe()
        else:
            # A port step changes settings or is a line action (``script``: break, dtr, rts).
            assert step.line_action is not None
            session.port.act(step.line_action)
    except PortError as exc:
        result.update({"ok": False, "reason": str(exc)})
    return result["ok"], result
