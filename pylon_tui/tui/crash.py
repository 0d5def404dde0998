"""What a bug looks like to the user: a short message, a traceback without local variables.

Textual's own crash screen renders each frame's locals, and a frame deep in an HTTP client can
hold a token; a traceback without locals shows code and the exception, never values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import rich
from rich.console import Console, Group, RenderableType
from rich.segment import Segments
from rich.text import Text
from textual.worker import Worker, WorkerState

from pylon_tui.bugreport import write_crash_log


def render_crash(console: Console, log: Path | None) -> RenderableType:
    """The exit screen for an unhandled exception (called inside Textual's except block)."""
    from rich.traceback import Traceback  # ~35 ms of imports no first paint should pay

    error = sys.exc_info()[1]
    where = write_crash_log(error, log) if error is not None else ""
    trace = Traceback(show_locals=False, width=None, suppress=[rich])
    note = Text(
        "pylon-tui stopped on a bug. Queued changes are saved and are sent at the next start."
        + where,
        style="bold",
    )
    return Segments(console.render(Group(trace, note), console.options))


class WorkerBoundary:
    """Mixed into every screen that runs workers (all declared `exit_on_error=False`).

    Worker state messages do not bubble, so each worker's owner hands a failed worker to the
    app, which reports it as a bug instead of letting Textual's crash screen take over.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR:
            return
        report = getattr(event.worker.node.app, "report_worker_bug", None)
        if report is not None:
            report(event.worker)
