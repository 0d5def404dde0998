"""The outbox: every user action is written down before it is sent, sent in order per
ticket, retried with backoff while the network is away, and replayed after a crash.

Nothing here is silently dropped: an action ends sent, refused (rolled back and explained),
or as a conflict the user settles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from pylon_tui.api.errors import ApiError, RateLimitedError
from pylon_tui.domain import Board, Priority, Ticket

from .actions import Action, ActionKind, apply_to, revert_on
from .delivery import (
    Conflict,
    Verdict,
    already_applied,
    backoff,
    is_retryable,
    judge,
    marked_html,
    message_already_posted,
)
from .store import CONFLICT, PENDING, Queued, Store

if TYPE_CHECKING:
    from .service import PylonApi


class ActionFailed(Exception):
    """An action the server refused; the board has already been rolled back."""

    def __init__(self, action: Action, error: ApiError, number: int | None) -> None:
        self.action = action
        self.error = error
        super().__init__(f"Could not {action.describe(number)}: {error}")


class ActionQueued(Exception):
    """Not sent yet, but safe in the outbox: it will be retried (or waits its turn)."""

    def __init__(self, action: Action, reason: str) -> None:
        self.action = action
        super().__init__(reason)


@dataclass(slots=True)
class Pending:
    action: Action
    before: Ticket | None


@dataclass
class DrainReport:
    sent: list[Action] = field(default_factory=list)
    failed: list[ActionFailed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    offline: ApiError | None = None


class Outbox:
    def __init__(
        self,
        client: PylonApi,
        board: Callable[[], Board],
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self._board = board
        self.store = store
        self._clock = clock
        self._lock = asyncio.Lock()
        self._asked: set[str] = set()
        """Conflicts shown to the user in this run; stored ones are asked again after a
        restart or a postponement, so no queued action waits forever unseen."""

    @property
    def board(self) -> Board:
        return self._board()

    def count(self) -> int:
        return self.store.pending_count()

    # ----- the user's side -------------------------------------------------------------
    def begin(self, action: Action) -> Pending:
        """Durable first, then optimistic: the intent is on disk before the board changes."""
        before = self.board.get(action.ticket_id)
        self.store.enqueue(action, before)
        if before is not None and action.changes_board:
            self.board.upsert(apply_to(before, action))
        return Pending(action, before)

    async def commit(self, pending: Pending) -> Ticket | None:
        """Send now, unless an earlier change to the same ticket is still queued."""
        action = pending.action
        async with self._lock:
            queued = self.store.queued()
            mine = next((q for q in queued if q.action.client_key == action.client_key), None)
            if mine is None:
                return None  # already delivered by a drain
            if not self.store.try_lead():
                raise ActionQueued(action, "another pylon-tui window is sending queued changes")
            if any(q.action.ticket_id == action.ticket_id and q.seq < mine.seq for q in queued):
                raise ActionQueued(action, "queued behind an earlier change to the same ticket")
            self.store.note_attempt_started(action.client_key)
            try:
                result = await self._send(action)
            except ApiError as error:
                self._after_error(mine, error)
            return self._delivered(action, result)

    def replay_into_board(self) -> int:
        """After a restart: show every still-queued intent on the (cached) board again."""
        queued = self.store.queued()
        for q in queued:
            current = self.board.get(q.action.ticket_id)
            if current is not None and q.action.changes_board:
                self.board.upsert(apply_to(current, q.action))
        return len(queued)

    def resolve(self, conflict: Conflict, *, keep_mine: bool) -> None:
        key = conflict.queued.action.client_key
        if keep_mine:
            self.store.rebase(key, conflict.server)
        else:
            self.store.remove(key)
            self.merge(conflict.server)

    # ----- the network's side ----------------------------------------------------------
    async def drain(self) -> DrainReport:
        """Deliver every due action in order; a ticket with a stuck action waits behind it."""
        report = DrainReport()
        if not self.store.try_lead():
            return report  # another pylon-tui on this cache sends; we only show the queue
        async with self._lock:
            blocked: set[str] = set()
            for q in self.store.queued():
                ticket_id = q.action.ticket_id
                if ticket_id in blocked:
                    continue
                if q.status == CONFLICT:
                    blocked.add(ticket_id)
                    if q.action.client_key not in self._asked:
                        await self._reask(q, report)
                    continue
                if q.next_attempt_at > self._clock():
                    blocked.add(ticket_id)
                    continue
                try:
                    if not await self._deliver(q, report):
                        blocked.add(ticket_id)  # a conflict: later changes wait behind it
                except ActionFailed as failure:
                    report.failed.append(failure)
                except ActionQueued:
                    blocked.add(ticket_id)
                    if report.offline is not None:
                        break  # the network is down: the rest would fail the same way
        return report

    async def _deliver(self, q: Queued, report: DrainReport) -> bool:
        """Send (or confirm) one action; False when it became a conflict."""
        action = q.action
        try:
            if action.kind in (ActionKind.REPLY, ActionKind.NOTE):
                if q.maybe_sent and message_already_posted(
                    await self.client.messages(action.ticket_id), q
                ):
                    self._confirmed(q, None, report)
                    return True
            else:
                server = await self.client.get_issue(action.ticket_id)
                verdict = judge(server, q)
                if verdict is Verdict.DONE:
                    self._confirmed(q, server, report)
                    return True
                if verdict is Verdict.CONFLICT:
                    self.store.set_status(action.client_key, CONFLICT)
                    self._asked.add(action.client_key)
                    report.conflicts.append(Conflict(q, server))
                    return False
            self.store.note_attempt_started(action.client_key)
            result = await self._send(action)
        except ApiError as error:
            if error.transient:
                report.offline = error
            self._after_error(q, error)
        self._delivered(action, result)
        report.sent.append(action)
        return True

    def _confirmed(self, q: Queued, server: Ticket | None, report: DrainReport) -> None:
        """The server already has it (an earlier attempt landed): done, nothing resent."""
        self.store.remove(q.action.client_key)
        if server is not None:
            self.merge(server)
        report.sent.append(q.action)

    async def _reask(self, q: Queued, report: DrainReport) -> None:
        try:
            server = await self.client.get_issue(q.action.ticket_id)
        except ApiError as error:
            if error.transient:
                report.offline = error
            return
        self._asked.add(q.action.client_key)
        if already_applied(server, q.action):
            self._confirmed(q, server, report)
        else:
            report.conflicts.append(Conflict(q, server))

    def postpone(self, conflict: Conflict) -> None:
        """The user chose "later": ask again at the next drain."""
        self._asked.discard(conflict.queued.action.client_key)

    def _after_error(self, q: Queued, error: ApiError) -> NoReturn:
        """Keep it queued (retryable) or roll it back and say so; always raises."""
        action = q.action
        if is_retryable(error):
            retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
            delay = backoff(q.attempts, retry_after)
            self.store.mark_attempt(
                action.client_key, next_attempt_at=self._clock() + delay, error=str(error)
            )
            raise ActionQueued(action, f"{error} — will retry in {delay:.0f}s")
        self.store.remove(action.client_key)
        current = self.board.get(action.ticket_id)
        if current is not None and q.before is not None and action.changes_board:
            self.board.upsert(revert_on(current, q.before, action))
        number = q.before.number if q.before else None
        raise ActionFailed(action, error, number) from error

    def _delivered(self, action: Action, result: object) -> Ticket | None:
        self.store.remove(action.client_key)
        if isinstance(result, Ticket):
            return self.merge(result)
        return None

    def merge(self, server: Ticket) -> Ticket:
        """The server's ticket, with intents still queued for it applied on top."""
        merged = server
        for q in self.store.queued():
            if q.action.ticket_id == server.id and q.action.changes_board:
                merged = apply_to(merged, q.action)
        self.board.upsert(merged)
        return merged

    async def _send(self, action: Action) -> object:
        client, tid = self.client, action.ticket_id
        if action.kind is ActionKind.MOVE:
            return await client.update_state(tid, action.value or "")
        if action.kind is ActionKind.PRIORITY:
            return await client.set_priority(tid, Priority.parse(action.value))
        if action.kind is ActionKind.ASSIGN:
            return await client.assign(tid, action.value or None)
        if action.kind is ActionKind.LINK:
            return await client.link_external_issue(
                tid, action.extra.get("source", "linear"), action.value or ""
            )
        if action.kind is ActionKind.REPLY:
            return await client.reply(tid, marked_html(action), action.value or "")
        return await client.note(tid, marked_html(action))


__all__ = ["PENDING", "ActionFailed", "ActionQueued", "DrainReport", "Outbox", "Pending"]
