"""BoardService: the board's single source of truth and the only caller of the Pylon client.

The TUI and the CLI talk to this, never to httpx. Writes are two-phase: `begin` applies the
action to the board at once (so the UI never waits on the network) and `commit` sends it,
rolling the board back if the server refuses.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from pylon_tui.api import bodies
from pylon_tui.api.errors import ApiError
from pylon_tui.domain import (
    Board,
    Category,
    Column,
    Directory,
    Message,
    StateCatalog,
    Ticket,
)

from . import departures
from .cache_paint import CachePaint
from .confirm import Confirmation, Outcome, confirm
from .delivery import LANDING_MARGIN, REQUEST_TIMEOUT
from .departures import Departure
from .drafts import DraftKind, Drafts
from .head import HEAD_KEY, head_of
from .intents import Intent
from .outbox import ActionFailed, ActionNotSaved, ActionQueued, DrainReport, Outbox, Pending
from .ports import PylonApi
from .restricted import DirectoryReads, UnplacedStates
from .send_holds import Waiting
from .store import Store
from .strangers import name_strangers

T = TypeVar("T")
CLOCK_SKEW = timedelta(seconds=60)
MAX_CLOSED_DAYS = 30


class BoardService(CachePaint):
    def __init__(
        self,
        client: PylonApi,
        columns: Sequence[Column],
        *,
        me_email: str | None = None,
        closed_days: int = 7,
        full_reconcile: timedelta = timedelta(minutes=10),
        now: Callable[[], datetime] | None = None,
        store: Store | None = None,
        clock: Callable[[], float] = time.time,
        request_timeout: float = REQUEST_TIMEOUT,
        landing_margin: float = LANDING_MARGIN,
    ) -> None:
        self.client = client
        self.store = store if store is not None else Store(":memory:")
        self._now = now or (lambda: datetime.now(UTC))
        self.board = Board(columns, StateCatalog(), now=self._now)
        self.directory = Directory.empty()
        self.me_email = me_email
        self.closed_days = min(max(1, closed_days), MAX_CLOSED_DAYS)
        self.last_refresh: datetime | None = None
        self.last_error: ApiError | None = None
        """Why the last refresh failed (None once one succeeds): the board says why it is
        not loaded, rather than drawing empty columns that read as "nothing to do"."""
        self.skipped_note = ""
        """Why some tickets are missing (malformed on the server), shown beside the sync time."""
        self._names = DirectoryReads()
        self._unplaced = UnplacedStates()
        self.full_reconcile = full_reconcile
        # Jittered so a team's clients started together don't all reconcile in one minute.
        self._reconcile_after = full_reconcile * random.uniform(0.9, 1.1)
        self._last_full: datetime | None = None
        self._loaded = False
        self._names_fresh = False
        self._strangers_tried: set[str] = set()
        """Assignee ids already looked up by GET /users/{id} in this run (see strangers)."""
        self.full_loads = 0
        """Counts full loads (load, reconcile): the UI re-freezes the GC after each."""
        self.outbox = Outbox(
            client,
            lambda: self.board,
            self.store,
            clock=clock,
            request_timeout=request_timeout,
            landing_margin=landing_margin,
        )
        self.drafts = Drafts(self.store)

    @property
    def me_id(self) -> str | None:
        user = self.directory.user_by_email(self.me_email)
        return user.id if user else None

    def board_filter(self) -> dict[str, object]:
        """Every open ticket (whatever its status slug, so none is ever invisible), plus closed
        ones updated within the Closed column's window (Pylon keeps years of them)."""
        since = self._now() - timedelta(days=self.closed_days)
        closed = self.board.catalog.slugs_in(Category.CLOSED)
        return bodies.compound(
            "or",
            [
                {"field": "state", "operator": "not_in", "values": closed},
                bodies.compound(
                    "and",
                    [
                        {"field": "state", "operator": "in", "values": closed},
                        bodies.updated_since_filter(since),
                    ],
                ),
            ],
        )

    async def load_names(self) -> None:
        """Statuses and names. A directory this token's role may not read (403) keeps what
        the board has (the cache's, or ids) and is named in `names_note`: never a failed load."""
        reads, old, catalog = DirectoryReads(), self.directory, self.board.catalog
        statuses = await reads.read(self.client.issue_statuses, "statuses", catalog.all())
        users = await reads.read(self.client.users, "users", old.users.values())
        teams = await reads.read(self.client.teams, "teams", old.teams.values())
        accounts = await reads.read(self.client.accounts, "accounts", old.accounts.values())
        self._names = reads
        self.board.set_catalog(StateCatalog(statuses))
        self.outbox.replay_into_board()
        self.directory = Directory(
            {u.id: u for u in users}, {t.id: t for t in teams}, {a.id: a for a in accounts}
        )
        self._names_fresh = True
        save = partial(self.store.save_names, users, teams, accounts, statuses)
        await asyncio.to_thread(self.store.best_effort, save)

    @property
    def names_note(self) -> str:
        """Which names this token may not read (403), shown beside the sync time and in doctor
        ("" when it may read them all)."""
        return self._names.note(self.client)

    @property
    def read_only_reason(self) -> str | None:
        """Why the cache cannot be written right now, with the fix (None when it can): the
        board keeps working, but new changes are refused until this clears."""
        reason = self.store.read_only_reason
        return f"changes can't be saved: {reason}" if reason else None

    async def _save_all(self, tickets: list[Ticket]) -> None:
        self.full_loads += 1
        await asyncio.to_thread(
            self.store.best_effort, partial(self.store.replace_tickets, tickets)
        )
        self._save_cursors()

    def _save_cursors(self) -> None:
        values = {}
        if self.last_refresh is not None:
            values["last_refresh"] = self.last_refresh.isoformat()
        if self._last_full is not None:
            values["last_full"] = self._last_full.isoformat()
        if values and not self.board.partial:
            values[HEAD_KEY] = head_of(self.board)
        if values:
            self.store.best_effort(partial(self.store.set_meta, **values))

    def _save(self, ticket_ids: Iterable[str]) -> None:
        """Persist the board's version of tickets that actions touched (a few rows)."""
        tickets = [t for t in (self.board.get(tid) for tid in set(ticket_ids)) if t is not None]
        self.store.best_effort(partial(self.store.upsert_tickets, tickets))

    def _skipped_summary(self) -> str:
        """Tickets the last search left out as malformed (the client counts them), or "".

        A full reload resets the note; an incremental refresh only adds to it, since the
        malformed tickets it did not see again are still missing from the board."""
        skipped = getattr(self.client, "skipped", None)
        return skipped.summary() if skipped else ""

    async def load(self) -> int:
        """Full load: names, then every ticket the board shows. Returns the ticket count."""
        started = self._now()
        await self.load_names()
        count = await self.reconcile(started)
        self._loaded = True
        return count

    async def reconcile(self, started: datetime | None = None) -> int:
        """Full reload of the tickets (names kept): catches tickets that left the board's
        filter, which an `updated_at` search alone can miss (e.g. closed ones ageing out)."""
        started = started or self._now()
        tickets = await self.client.search_issues(self.board_filter())
        self.skipped_note = self._skipped_summary()
        before = departures.shown(self.board) if self._loaded else None
        self.board.replace_all(tickets)
        self.outbox.replay_into_board()
        self._unplaced.log_new(self.board)
        self.directory = await name_strangers(
            self.client, self.directory, tickets, self._strangers_tried
        )
        if before is not None:  # the first load of a run has nothing on screen to explain
            self.outbox.departures.note_reload(self.board, before)
        self.last_refresh = self._last_full = started
        await self._save_all(tickets)
        return len(tickets)

    @property
    def loaded(self) -> bool:
        """Whether the board has ever been loaded in full: in this run, or in the run whose
        cache was painted (the cache records when its last full load finished). Until then an
        empty column means "not known yet", never "nothing to do"."""
        return self._last_full is not None

    async def refresh(self) -> int:
        """Incremental: one search for tickets updated since the last sync. Returns changes.
        A failure is kept in `last_error` (and raised) until a refresh succeeds."""
        try:
            changed = await self._refresh()
        except ApiError as error:
            self.last_error = error
            raise
        self.last_error = None
        return changed

    async def _refresh(self) -> int:
        if not self._loaded or self.last_refresh is None:
            return await self.load()
        if not self._names_fresh:
            await self.load_names()
        started = self._now()
        if self._last_full is None or started - self._last_full >= self._reconcile_after:
            return await self.reconcile()
        since = self.last_refresh - CLOCK_SKEW
        changed = await self.client.search_issues(bodies.updated_since_filter(since))
        self.skipped_note = self._skipped_summary() or self.skipped_note
        for ticket in changed:
            self.outbox.merge(ticket)
        self._unplaced.log_new(self.board)
        self.last_refresh = started
        self.store.best_effort(partial(self.store.upsert_tickets, changed))
        self._save_cursors()
        return len(changed)

    # ----- actions (through the outbox) ------------------------------------------------
    def begin(self, action: Intent) -> Pending:
        """Durable, then optimistic: the board shows the result before any request is sent."""
        return self.outbox.begin(action)

    async def commit(self, pending: Pending) -> Ticket | None:
        """Send one begun action. Delivered, the outbox saves the ticket with the removal
        (one transaction); queued or rolled back, the board's version is saved here."""
        try:
            return await self.outbox.commit(pending)
        except BaseException:
            self._save([pending.action.ticket_id])
            raise

    async def run(self, action: Intent) -> Ticket | None:
        return await self.commit(self.begin(action))

    async def drain(self) -> DrainReport:
        report = await self.outbox.drain()
        self._save(a.ticket_id for a in [*report.sent, *(f.action for f in report.failed)])
        return report

    # ----- undo send and the collision guard (issue 15; see send_holds) -----------------
    def begin_later(self, action: Intent, *, grace: float, seen_at: float | None) -> Pending:
        """Queue a reply or note that waits `grace` seconds (undo send) and, for a reply
        with `seen_at`, is held if the customer writes after that time (collision guard)."""
        holds = self.outbox.holds
        holds.hold(action, grace=grace, seen_at=seen_at)
        try:
            return self.outbox.begin(action)
        except ActionNotSaved:
            holds.forget(action)
            raise

    def waiting_sends(self) -> list[Waiting]:
        """Replies and notes inside their grace period or held, soonest first."""
        return self.outbox.holds.waiting(self.outbox._drawable_queue())

    def take_back(self, client_key: str) -> bool:
        """Undo send: True when the entry left the outbox and will never be sent."""
        return self.outbox.holds.take_back(client_key)

    def release_held(self, client_key: str) -> bool:
        """Send a held reply as it is (the user read what the customer wrote)."""
        return self.outbox.holds.release(client_key)

    def draft_started_at(self, ticket_id: str, kind: DraftKind) -> float | None:
        try:
            return self.store.draft_started_at(ticket_id, kind)
        except sqlite3.Error:
            return None

    def take_departures(self) -> list[Departure]:
        """Cards Pylon took off the board (into a state no column shows) since the last
        call, oldest first: the UI says where each went instead of letting it vanish."""
        return self.outbox.departures.take()

    def pending_count(self) -> int:
        return self.outbox.count()

    def waiting_count(self) -> int:
        """What the status bar shows as "N pending"."""
        return self.outbox.waiting_count()

    # ----- drafts (the user's unsent words) ---------------------------------------------
    def save_draft(self, ticket_id: str, kind: DraftKind, text: str) -> bool:
        """Keep unsent text; False when the disk refused it (kept in memory, this session)."""
        return self.drafts.save(ticket_id, kind, text)

    def draft(self, ticket_id: str, kind: DraftKind) -> str | None:
        return self.drafts.get(ticket_id, kind)

    def drop_draft(self, ticket_id: str, kind: DraftKind) -> bool:
        return self.drafts.drop(ticket_id, kind)

    async def messages(self, ticket_id: str) -> list[Message]:
        return await self.client.messages(ticket_id)

    async def ticket(self, ticket_id: str) -> Ticket:
        return self.outbox.merge(await self.client.get_issue(ticket_id))

    async def confirm(self, queued: ActionQueued, what: str, show_hint: str) -> Confirmation:
        """For a caller that will not stay to retry: was the queued change made after all?"""
        return await confirm(self.client, queued, what, show_hint)


__all__ = [
    "ActionFailed",
    "ActionNotSaved",
    "ActionQueued",
    "BoardService",
    "Confirmation",
    "DraftKind",
    "DrainReport",
    "Outcome",
    "Pending",
    "PylonApi",
]
