"""The outbox: every user action is written down before it is sent, sent in order per
ticket, retried with backoff while the network is away, and replayed after a crash.

Nothing here is silently dropped: an action ends sent, refused (rolled back and explained),
or as a conflict the user settles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from typing import Literal, NoReturn

from pylon_tui.api.errors import ApiError, RateLimitedError
from pylon_tui.domain import Board, Ticket

from .cachefile import StoreUnavailable
from .delivery import (
    LANDING_MARGIN,
    REQUEST_TIMEOUT,
    Conflict,
    Verdict,
    already_done,
    backoff,
    checking_text,
    is_retryable,
    judge,
    message_already_posted,
    proves_not_applied,
    recheck_delay,
    request_finished,
)
from .departures import Departures
from .intents import Intent, MessageIntent, Note, Reply
from .outbox_table import Keep
from .outcomes import ActionFailed, ActionNotSaved, ActionQueued, DrainReport, Pending
from .ports import PylonApi
from .queued import CONFLICT, PENDING, Queued, QueueUnreadable
from .send_holds import SendHolds
from .store import Store

READ_ONLY_PAUSE = 30.0
"""After the cache refused to record a send, wait this long before trying again (each try
costs a request to Pylon)."""
RESTART = "restart pylon-tui: an unreadable cache is then moved aside"


class Outbox:
    def __init__(
        self,
        client: PylonApi,
        board: Callable[[], Board],
        store: Store,
        *,
        clock: Callable[[], float] = time.time,
        request_timeout: float = REQUEST_TIMEOUT,
        landing_margin: float = LANDING_MARGIN,
    ) -> None:
        self.client = client
        self._board = board
        self.store = store
        self.clock = clock
        self._clock = clock
        self.request_timeout = request_timeout
        self.landing_margin = landing_margin
        self._lock = asyncio.Lock()
        self._sending: set[str] = set()
        """Begun in this process and not yet answered for the first time: not "pending"."""
        self._gone: set[str] = set()
        """Done (sent, confirmed or refused) but not yet removed from a refusing disk."""
        self._paused_until = 0.0
        self._counts = (0, 0)
        self.departures = Departures()
        """Cards the server's tickets took off the board, for the UI to say where they went."""
        self._asked: set[str] = set()
        """Conflicts shown to the user in this run; stored ones are asked again after a
        restart or a postponement, so no queued action waits forever unseen."""
        self.holds = SendHolds(store, client, clock)
        """Undo send and the collision guard (issue 15): entries that must not go yet."""

    @property
    def board(self) -> Board:
        return self._board()

    def count(self) -> int:
        return self._count(self._gone, 0)

    def waiting_count(self) -> int:
        """Queued changes the user is waiting on: all of them, but a first send in flight."""
        return self._count(self._gone | self._sending, 1)

    def _count(self, leave_out: set[str], which: int) -> int:
        """Counts for the status bar: on a failing disk, the last ones read (never a crash)."""
        try:
            value = self.store.waiting_count(leave_out)
        except StoreUnavailable:
            return self._counts[which]
        self._counts = (value, self._counts[1]) if which == 0 else (self._counts[0], value)
        return value

    def _queued(self) -> list[Queued]:
        """The queue, without what is done but could not be removed yet (retried here)."""
        for key in list(self._gone):
            if self.store.best_effort(partial(self.store.remove, key)):
                self._gone.discard(key)
        try:
            queued = self.store.queued()
        except QueueUnreadable as error:  # damaged while running: stop, keep the file as is
            reason = f"queued changes cannot be read back ({error})"
            raise StoreUnavailable(reason, RESTART) from error
        return [q for q in queued if q.action.client_key not in self._gone]

    def _drawable_queue(self) -> list[Queued]:
        """For drawing only: if the disk fails a read, the board shows the server's values
        (the queue is still on disk; the next refresh draws it again)."""
        try:
            return self._queued()
        except StoreUnavailable:
            return []

    def _remove(self, key: str) -> None:
        if not self.store.best_effort(partial(self.store.remove, key)):
            self._gone.add(key)

    # ----- the user's side -------------------------------------------------------------
    def begin(self, action: Intent) -> Pending:
        """Durable first, then optimistic: the intent is on disk before the board changes."""
        before = self.board.get(action.ticket_id)
        try:
            self.store.enqueue(action, before)
        except StoreUnavailable as trouble:
            if not trouble.healed:
                raise ActionNotSaved(action, before.number if before else None, trouble) from None
            try:  # the damaged file was replaced (its queue carried over): once more
                self.store.enqueue(action, before)
            except StoreUnavailable as again:
                raise ActionNotSaved(action, before.number if before else None, again) from None
        self._sending.add(action.client_key)
        if before is not None and action.changes_board:
            self.board.upsert(action.apply(before))
        return Pending(action, before)

    async def commit(self, pending: Pending) -> Ticket | None:
        """Send now, unless an earlier change to the same ticket is still queued."""
        try:
            return await self._commit(pending.action)
        finally:
            self._sending.discard(pending.action.client_key)

    async def _commit(self, action: Intent) -> Ticket | None:
        async with self._lock:
            queued = self._queued()
            mine = next((q for q in queued if q.action.client_key == action.client_key), None)
            if mine is None:
                return None  # already delivered by a drain
            if not self.store.try_lead():
                raise ActionQueued(action, "another pylon-tui window is sending queued changes")
            if any(q.action.ticket_id == action.ticket_id and q.seq < mine.seq for q in queued):
                raise ActionQueued(action, "queued behind an earlier change to the same ticket")
            if action.client_key in self.holds.snapshot():
                raise ActionQueued(action, "waiting out its undo period")
            if mine.maybe_sent:  # a drain tried it meanwhile: only a drain may verify and resend
                raise ActionQueued(action, "an earlier attempt is being checked first")
            try:
                sent_until = self._start_attempt(action)
            except StoreUnavailable as trouble:
                raise ActionQueued(action, f"saved, but not sent yet: {trouble}") from trouble
            try:
                result = await action.send(self.client)
            except ApiError as error:
                self._after_error(mine, error, sent_until)
            return self._delivered(action, result)

    def replay_into_board(self) -> int:
        """After a restart: show every still-queued intent on the (cached) board again."""
        queued = self._drawable_queue()
        for q in queued:
            current = self.board.get(q.action.ticket_id)
            if current is not None and q.action.changes_board:
                self.board.upsert(q.action.apply(current))
        return len(queued)

    def resolve(self, conflict: Conflict, *, keep_mine: bool) -> None:
        key = conflict.queued.action.client_key
        if keep_mine:
            if not self.store.best_effort(lambda: self.store.rebase(key, conflict.server)):
                self.postpone(conflict)  # the choice could not be recorded: asked again
        else:
            self._remove(key)
            self.merge(conflict.server, report=False)  # the user just chose it

    # ----- the network's side ----------------------------------------------------------
    async def drain(self) -> DrainReport:
        """Deliver what is due, unless the cache refuses to record sends (then pause)."""
        report = DrainReport()
        if self._clock() < self._paused_until:
            report.read_only = self.store.read_only_reason
            return report
        if not self.store.try_lead():
            report.read_only = self.store.read_only_reason
            return report  # another pylon-tui on this cache sends; we only show the queue
        async with self._lock:
            try:
                await self._drain_queue(report)
            except StoreUnavailable as trouble:
                # Nothing is sent that could not be recorded first; try again in a while.
                report.read_only = str(trouble)
                self._paused_until = self._clock() + READ_ONLY_PAUSE
        return report

    async def _drain_queue(self, report: DrainReport) -> None:
        """Deliver every due action in order; a ticket with a stuck action waits behind it."""
        blocked: set[str] = set()
        holds = self.holds.snapshot()
        for q in self._queued():
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
                if not await self.holds.ready(q, holds, report):
                    blocked.add(ticket_id)  # its grace period, or held for the user
                    continue
                if not await self._deliver(q, report):
                    blocked.add(ticket_id)  # a conflict: later changes wait behind it
            except ActionFailed as failure:
                report.failed.append(failure)
            except ActionQueued:
                blocked.add(ticket_id)
                if report.offline is not None:
                    break  # the network is down: the rest would fail the same way

    async def _deliver(self, q: Queued, report: DrainReport) -> bool:
        """Send (or confirm) one action; False when it became a conflict."""
        action = q.action
        sent_until: float | None = None
        try:
            verdict, server = await self._verify(q)
            if verdict is Verdict.DONE:
                self._confirmed(q, server, report)
                return True
            if verdict is Verdict.CONFLICT:
                assert server is not None
                self.store.best_effort(lambda: self.store.set_status(action.client_key, CONFLICT))
                self._asked.add(action.client_key)
                report.conflicts.append(Conflict(q, server))
                return False
            if verdict is Verdict.WAIT:
                assert isinstance(action, Reply | Note), "only a message waits on its thread"
                self._recheck_later(q, action, report)
            sent_until = self._start_attempt(action)
            result = await action.send(self.client)
        except ApiError as error:
            if error.transient:
                report.offline = error
            self._after_error(q, error, sent_until)
        self._delivered(action, result)
        report.sent.append(action)
        return True

    async def _verify(self, q: Queued) -> tuple[Verdict, Ticket | None]:
        """Ask the server before (re)sending. A message that may have been sent is looked
        for in the whole thread; while its first attempt could still land, the answer is
        WAIT, never SEND: a slow server must not end with two copies of a customer reply."""
        action = q.action
        if isinstance(action, Reply | Note):
            if not q.maybe_sent:
                return Verdict.SEND, None
            checked_at = self._clock()  # the thread read below is at least this fresh
            if message_already_posted(await self.client.messages(action.ticket_id), q, action):
                return Verdict.DONE, None
            return (Verdict.WAIT if q.may_still_land(checked_at) else Verdict.SEND), None
        server = await self.client.get_issue(action.ticket_id)
        return judge(server, q, self.board.router.index_for_state), server

    def _start_attempt(self, action: Intent) -> float:
        """Durably note, before the request leaves, that it may land until the returned time."""
        until = self._clock() + self.request_timeout + self.landing_margin
        self.store.note_attempt_started(action.client_key, may_land_until=until)
        return until

    def _recheck_later(self, q: Queued, message: MessageIntent, report: DrainReport) -> NoReturn:
        now = self._clock()
        reason = checking_text(q, message)
        delay = recheck_delay(now, q.may_land_until or now)
        key = q.action.client_key
        self.store.best_effort(
            lambda: self.store.recheck_at(key, next_attempt_at=now + delay, reason=reason)
        )
        report.checking.append(reason)
        raise ActionQueued(q.action, reason, maybe_applied=True)

    def _confirmed(self, q: Queued, server: Ticket | None, report: DrainReport) -> None:
        """The server already has it (an earlier attempt landed): done, nothing resent."""
        self._remove(q.action.client_key)
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
        if already_done(q.action, server, self.board.router.index_for_state):
            self._confirmed(q, server, report)
        else:
            report.conflicts.append(Conflict(q, server))

    def postpone(self, conflict: Conflict) -> None:
        """The user chose "later": ask again at the next drain."""
        self._asked.discard(conflict.queued.action.client_key)

    def _after_error(self, q: Queued, error: ApiError, sent_until: float | None) -> NoReturn:
        """Keep it queued (retryable) or roll it back and say so; always raises.

        `sent_until` is set when the failure came from a send (not from a check): the window
        in which that request may still land is then closed (the server answered) or
        extended (a lost answer: the server may still be working on it)."""
        action = q.action
        if is_retryable(error):
            retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
            delay = backoff(q.attempts, retry_after)
            window: float | Literal[Keep.KEEP] | None = Keep.KEEP
            if sent_until is not None:
                late = self._clock() + self.landing_margin
                window = None if request_finished(error) else max(sent_until, late)
            self.store.best_effort(
                lambda: self.store.mark_attempt(
                    action.client_key,
                    next_attempt_at=self._clock() + delay,
                    error=str(error),
                    may_land_until=window,
                )
            )
            raise ActionQueued(
                action,
                f"{error} — will retry in {delay:.0f}s",
                error=error,
                maybe_applied=sent_until is not None and not proves_not_applied(error),
            )
        self._remove(action.client_key)
        current = self.board.get(action.ticket_id)
        if current is not None and q.before is not None and action.changes_board:
            self.board.upsert(action.revert(current, q.before))
        number = q.before.number if q.before else None
        raise ActionFailed(action, error, number) from error

    def _delivered(self, action: Intent, result: object) -> Ticket | None:
        """Done: the intent leaves the queue and the ticket's cached row is updated in one
        transaction (a move's whole durability after the send)."""
        key = action.client_key
        merged = self.merge(result, skip=key) if isinstance(result, Ticket) else None
        ticket = merged or self.board.get(action.ticket_id)
        saved = [ticket] if ticket is not None else []
        if not self.store.best_effort(partial(self.store.remove_and_save, key, saved)):
            self._gone.add(key)
        return merged

    def merge(self, server: Ticket, *, report: bool = True, skip: str | None = None) -> Ticket:
        """The server's ticket, with intents still queued for it applied on top (but `skip`,
        one just delivered). A card it takes off the board is noted in `departures` (unless
        `report` is False)."""
        merged = server
        for q in self._drawable_queue():
            if q.action.client_key == skip:
                continue
            if q.action.ticket_id == server.id and q.action.changes_board:
                merged = q.action.apply(merged)
        old, column = self.board.get(server.id), self.board.column_index_of(server.id)
        self.board.upsert(merged)
        if report:
            self.departures.note(self.board, old, column, merged)
        return merged


__all__ = [
    "PENDING",
    "ActionFailed",
    "ActionNotSaved",
    "ActionQueued",
    "DrainReport",
    "Outbox",
    "Pending",
]
