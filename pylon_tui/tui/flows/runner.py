"""How flows run: app-owned workers, dialogs awaited in line, and writes sent behind.

Kept apart from the flows themselves so both stay readable; everything here is about the
machinery (worker groups, the undo record, waiting for sends), nothing about tickets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from textual.worker import Worker, WorkerError

from pylon_tui.sync import (
    ActionFailed,
    ActionNotSaved,
    ActionQueued,
    Intent,
    Pending,
    Undoable,
)
from pylon_tui.sync.undo import Done, UndoStack
from pylon_tui.tui.messages import TicketsChanged, broadcast

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from pylon_tui.domain import Board
    from pylon_tui.tui.context import AppContext

FLOW_GROUP = "flow"
"""Workers that may wait on a dialog: a test's or the bench's "settled" does not wait for them."""
WRITES_GROUP = "writes"
"""Workers sending a change; quitting waits (bounded) for these."""
QUIT_WAIT_SECONDS = 15
SEND_AFTER_FRAME = 1 / 60
"""A send waits one 60 Hz frame period: the key's own frame (the card already moved, from
the durable outbox) goes out first, and the request, its two bookkeeping transactions and
the echo's repaint follow. Sends keep their order: each is begun (queued in order) before
its wait, and the outbox sends a ticket's changes strictly in that order."""

T = TypeVar("T")


class FlowRunner:
    def __init__(self, app: App[Any], ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx
        self.undo_stack = UndoStack()
        """One entry per user action; a bulk move or a hold is one entry, undone as a whole."""
        self._flows = 0
        self._in_dialogs = 0

    @property
    def board(self) -> Board:
        return self.ctx.service.board

    @property
    def busy(self) -> bool:
        """A flow is working, not just waiting on the user to answer a dialog."""
        return self._flows > self._in_dialogs

    # ----- running flows ---------------------------------------------------------------
    def start(
        self, flow: Coroutine[Any, Any, T], then: Callable[[T], object] | None = None
    ) -> Worker[None]:
        """Run `flow` on the app (a screen's workers die with the screen); `then` gets its
        result. A bug in it is reported by the app like any worker's, never a crash."""

        async def run() -> None:
            self._flows += 1
            try:
                result = await flow
            finally:
                self._flows -= 1
            if then is not None:
                then(result)

        return self.app.run_worker(run(), group=FLOW_GROUP, exit_on_error=False)

    async def ask(self, dialog: Screen[T]) -> T:
        """Show a dialog and wait for its answer (only from inside a flow)."""
        self._in_dialogs += 1
        try:
            return await self.app.push_screen_wait(dialog)
        finally:
            self._in_dialogs -= 1

    def notify(self, message: str, **options: Any) -> None:
        self.app.notify(message, **options)

    # ----- writes ----------------------------------------------------------------------
    def submit(self, intent: Intent) -> Worker[None] | None:
        """Record and apply the change now (durable, optimistic), send it in the background.

        Returns the sending worker, or None when the cache could not record the change (the
        user is told, nothing changed). Sends run one at a time in order inside the service,
        so a quick H-H-L reaches Pylon as typed.
        """
        try:
            pending = self.ctx.service.begin(intent)
        except ActionNotSaved as refused:  # the cache cannot record it: say so, change nothing
            self.notify(str(refused), title="Not saved", severity="error", timeout=20)
            return None
        return self.app.run_worker(self._send(pending), group=WRITES_GROUP, exit_on_error=False)

    def do(self, intent: Undoable) -> Worker[None] | None:
        """The user's own change: submitted, and kept on the undo stack with the ticket as it
        was before and right after (inside `undo_stack.action()`, one entry for them all)."""
        before = self.board.get(intent.ticket_id)
        worker = self.submit(intent)
        after = self.board.get(intent.ticket_id)
        if worker is not None and before is not None and after is not None:
            self.undo_stack.record(Done(intent, before, after))
        return worker

    async def _send(self, pending: Pending) -> None:
        try:
            await asyncio.sleep(SEND_AFTER_FRAME)
            await self.ctx.service.commit(pending)
        except ActionFailed as failure:
            hint = f" ({failure.error.hint})" if failure.error.hint else ""
            self.notify(f"{failure}{hint}", title="Rolled back", severity="error", timeout=10)
        except ActionQueued as queued:
            self.notify(
                f"Saved, not sent yet: {queued}. It is kept safely and sent as soon as "
                "Pylon answers, even after a restart.",
                title="Queued",
                severity="warning",
            )
        finally:
            broadcast(self.app, TicketsChanged)

    @staticmethod
    async def _sent(worker: Worker[None] | None) -> bool:
        """Wait for a send to end (sent, queued or rolled back); False if it never began."""
        if worker is None:
            return False
        try:
            await worker.wait()
        except WorkerError:
            return False  # a bug: the app has reported it
        return True

    async def finish_writes(self) -> None:
        """Wait (bounded) for writes still in flight: quitting must never drop a move."""
        writes = [w for w in self.app.workers if w.group == WRITES_GROUP and not w.is_finished]
        if not writes:
            return
        self.notify(f"Sending {len(writes)} change(s) before quitting…")
        # asyncio.wait never raises: a cancelled or failed write must not turn quitting into
        # a traceback (its intent is safe in the outbox either way).
        tasks = [asyncio.ensure_future(w.wait()) for w in writes]
        done, late = await asyncio.wait(tasks, timeout=QUIT_WAIT_SECONDS)
        for task in late:
            task.cancel()
        for task in done:
            if not task.cancelled():
                task.exception()  # retrieved: nothing is logged as "never retrieved"
