"""BoardService: the board's single source of truth and the only caller of the Pylon client.

The TUI and the CLI talk to this, never to httpx. Writes are two-phase: `begin` applies the
action to the board at once (so the UI never waits on the network) and `commit` sends it,
rolling the board back if the server refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pylon_tui.api import bodies
from pylon_tui.api.errors import ApiError
from pylon_tui.domain import (
    Board,
    Category,
    Column,
    Directory,
    Message,
    Priority,
    StateCatalog,
    StateInfo,
    Team,
    Ticket,
    User,
)
from pylon_tui.domain.directory import Account

from .actions import Action, ActionKind, apply_to, revert_on

CLOCK_SKEW = timedelta(seconds=60)
MAX_CLOSED_DAYS = 30


class PylonApi(Protocol):
    """The slice of PylonClient the service needs (a Protocol keeps tests honest and light)."""

    async def search_issues(
        self, filter: dict[str, object], *, limit: int = ...
    ) -> list[Ticket]: ...
    async def get_issue(self, issue_id: str) -> Ticket: ...
    async def update_state(self, issue_id: str, state: str) -> Ticket: ...
    async def set_priority(self, issue_id: str, priority: Priority | None) -> Ticket: ...
    async def assign(self, issue_id: str, user_id: str | None) -> Ticket: ...
    async def link_external_issue(self, issue_id: str, source: str, external_id: str) -> object: ...
    async def messages(self, issue_id: str) -> list[Message]: ...
    async def reply(self, issue_id: str, body_html: str, message_id: str) -> object: ...
    async def note(self, issue_id: str, body_html: str) -> object: ...
    async def users(self) -> list[User]: ...
    async def teams(self) -> list[Team]: ...
    async def accounts(self) -> list[Account]: ...
    async def issue_statuses(self) -> list[StateInfo]: ...


class ActionFailed(Exception):
    """An action the server refused; the board has already been rolled back."""

    def __init__(self, action: Action, error: ApiError, number: int | None) -> None:
        self.action = action
        self.error = error
        super().__init__(f"Could not {action.describe(number)}: {error}")


@dataclass(slots=True)
class Pending:
    action: Action
    before: Ticket | None


class BoardService:
    def __init__(
        self,
        client: PylonApi,
        columns: Sequence[Column],
        *,
        me_email: str | None = None,
        closed_days: int = 7,
        full_reconcile: timedelta = timedelta(minutes=10),
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self._now = now or (lambda: datetime.now(UTC))
        self.board = Board(columns, StateCatalog(), now=self._now)
        self.directory = Directory.empty()
        self.me_email = me_email
        self.closed_days = min(max(1, closed_days), MAX_CLOSED_DAYS)
        self.last_refresh: datetime | None = None
        self.full_reconcile = full_reconcile
        self._last_full: datetime | None = None
        self._loaded = False

    @property
    def me_id(self) -> str | None:
        user = self.directory.user_by_email(self.me_email)
        return user.id if user else None

    @property
    def loaded(self) -> bool:
        return self._loaded

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
        statuses = await self.client.issue_statuses()
        users = await self.client.users()
        teams = await self.client.teams()
        accounts = await self.client.accounts()
        self.board.set_catalog(StateCatalog(statuses))
        self.directory = Directory(
            {u.id: u for u in users}, {t.id: t for t in teams}, {a.id: a for a in accounts}
        )

    async def load(self) -> int:
        """Full load: names, then every ticket the board shows. Returns the ticket count."""
        started = self._now()
        await self.load_names()
        tickets = await self.client.search_issues(self.board_filter())
        self.board.replace_all(tickets)
        self.last_refresh = self._last_full = started
        self._loaded = True
        return len(tickets)

    async def reconcile(self) -> int:
        """Full reload of the tickets (names kept): catches tickets that left the board's
        filter, which an `updated_at` search alone can miss (e.g. closed ones ageing out)."""
        started = self._now()
        tickets = await self.client.search_issues(self.board_filter())
        self.board.replace_all(tickets)
        self.last_refresh = self._last_full = started
        return len(tickets)

    async def refresh(self) -> int:
        """Incremental: one search for tickets updated since the last sync. Returns changes."""
        if not self._loaded or self.last_refresh is None:
            return await self.load()
        started = self._now()
        if self._last_full is None or started - self._last_full >= self.full_reconcile:
            return await self.reconcile()
        since = self.last_refresh - CLOCK_SKEW
        changed = await self.client.search_issues(bodies.updated_since_filter(since))
        for ticket in changed:
            self.board.upsert(ticket)
        self.last_refresh = started
        return len(changed)

    def begin(self, action: Action) -> Pending:
        """Apply optimistically; the board shows the result before any request is sent."""
        before = self.board.get(action.ticket_id)
        if before is not None and action.changes_board:
            self.board.upsert(apply_to(before, action))
        return Pending(action, before)

    async def commit(self, pending: Pending) -> Ticket | None:
        action = pending.action
        try:
            result = await self._send(action)
        except ApiError as error:
            self.rollback(pending)
            number = pending.before.number if pending.before else None
            raise ActionFailed(action, error, number) from error
        if isinstance(result, Ticket):
            merged = result
            if action.kind is ActionKind.LINK and pending.before is not None:
                merged = apply_to(result, action) if not result.links else result
            self.board.upsert(merged)
            return merged
        return None

    def rollback(self, pending: Pending) -> None:
        current = self.board.get(pending.action.ticket_id)
        if current is not None and pending.before is not None and pending.action.changes_board:
            self.board.upsert(revert_on(current, pending.before, pending.action))

    async def run(self, action: Action) -> Ticket | None:
        return await self.commit(self.begin(action))

    async def _send(self, action: Action) -> object:
        client, tid = self.client, action.ticket_id
        if action.kind is ActionKind.MOVE:
            return await client.update_state(tid, action.value or "")
        if action.kind is ActionKind.PRIORITY:
            return await client.set_priority(tid, Priority.parse(action.value))
        if action.kind is ActionKind.ASSIGN:
            return await client.assign(tid, action.value or None)
        if action.kind is ActionKind.LINK:
            await client.link_external_issue(
                tid, action.extra.get("source", "linear"), action.value or ""
            )
            return await client.get_issue(tid)
        if action.kind is ActionKind.REPLY:
            return await client.reply(tid, action.extra["body_html"], action.value or "")
        return await client.note(tid, action.extra["body_html"])

    async def messages(self, ticket_id: str) -> list[Message]:
        return await self.client.messages(ticket_id)

    async def ticket(self, ticket_id: str) -> Ticket:
        ticket = await self.client.get_issue(ticket_id)
        self.board.upsert(ticket)
        return ticket
