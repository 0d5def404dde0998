"""The board model: tickets grouped into ordered columns, kept sorted under updates.

Updates are incremental (bisect insert/remove per column) so a move on a 10,000-ticket
board costs microseconds, not a full regroup.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from .changes import NO_CHANGES, ChangeLog, ColumnChanges
from .column import Column, ColumnRouter
from .priority import priority_rank
from .state import Category, StateCatalog
from .ticket import Ticket

SortKey = tuple[float, float, int]


def open_sort_key(ticket: Ticket) -> SortKey:
    """Urgent first, then whoever has waited longest."""
    return (priority_rank(ticket.priority), ticket.waiting_since().timestamp(), ticket.number)


def closed_sort_key(ticket: Ticket) -> SortKey:
    """Most recently closed first."""
    return (0, -ticket.updated_at.timestamp(), ticket.number)


class Board:
    def __init__(
        self,
        columns: Sequence[Column],
        catalog: StateCatalog | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.router = ColumnRouter(columns, catalog or StateCatalog())
        self._now = now or _utcnow
        self._tickets: dict[str, Ticket] = {}
        self._column_of: dict[str, int | None] = {}
        self._keys = self._sort_keys()
        self._lists: list[list[Ticket]] = [[] for _ in self.router.columns]
        self._hidden: dict[str, Ticket] = {}
        self.version = 0
        self._column_versions = [0] * len(self.router.columns)
        self._content_versions = [0] * len(self.router.columns)
        self._changes = [ChangeLog() for _ in self.router.columns]
        self._waiting: dict[str, int] = {}
        """external_id -> open tickets linked to it, kept as tickets come and go: a card
        move must not recount 10,000 tickets to say "ENG-13 · 4 waiting"."""
        self.head_totals: tuple[int, ...] | None = None
        """Set while the board holds only the head of each column (the first frame of a big
        cache, the rest still decoding): each column's size in the cache, so its title
        counts what the cache holds rather than the few cards decoded so far."""

    def _sort_keys(self) -> list[Callable[[Ticket], SortKey]]:
        return [
            closed_sort_key
            if self.router.category_of_column(i) is Category.CLOSED
            else open_sort_key
            for i in range(len(self.router.columns))
        ]

    def set_catalog(self, catalog: StateCatalog) -> None:
        """New custom statuses may move tickets between columns: regroup everything."""
        self.router = ColumnRouter(self.router.columns, catalog)
        self._keys = self._sort_keys()
        self.replace_all(list(self._tickets.values()), head_totals=self.head_totals)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.router.columns

    @property
    def catalog(self) -> StateCatalog:
        return self.router.catalog

    def __len__(self) -> int:
        return len(self._tickets)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._tickets

    def get(self, ticket_id: str) -> Ticket | None:
        return self._tickets.get(ticket_id)

    def all(self) -> Iterable[Ticket]:
        return self._tickets.values()

    def replace_all(
        self, tickets: Iterable[Ticket], *, head_totals: Sequence[int] | None = None
    ) -> None:
        """Full reload: regroup everything in one pass (sorting beats N inserts).
        `head_totals`: `tickets` are only the columns' heads, of these sizes (see there)."""
        if head_totals is not None and len(head_totals) != len(self.router.columns):
            raise ValueError("head_totals needs one size per column")
        self.head_totals = tuple(head_totals) if head_totals is not None else None
        now = self._now()
        self._tickets = {t.id: t for t in tickets}
        self._waiting = {}
        for ticket in self._tickets.values():
            self._count(ticket, 1)
        self._lists = [[] for _ in self.router.columns]
        self._hidden = {}
        self._column_of = {}
        for ticket in self._tickets.values():
            index = self.router.index_for(ticket, now)
            self._column_of[ticket.id] = index
            if index is None:
                self._hidden[ticket.id] = ticket
            else:
                self._lists[index].append(ticket)
        for index, items in enumerate(self._lists):
            items.sort(key=self._keys[index])
        self.version += 1
        self._column_versions = [v + 1 for v in self._column_versions]
        for log in self._changes:
            log.reset(self.version)

    def upsert(self, ticket: Ticket) -> int | None:
        """Insert or replace one ticket; returns its column index (None = no column shows it).

        A ticket that stays in its column at the same sort position (the usual server echo
        of a change we already applied) is replaced in place: the column's order is
        unchanged, so views repaint that one card, not the column.
        """
        index = self.router.index_for(ticket, self._now())
        old = self._tickets.get(ticket.id)
        if old is not None:
            self._count(old, -1)
        self._count(ticket, 1)
        if old is not None and index is not None and self._column_of.get(ticket.id) == index:
            key = self._keys[index]
            if key(old) == key(ticket):
                pos = self._position(index, old)
                if pos is not None:
                    self._lists[index][pos] = ticket
                    self._tickets[ticket.id] = ticket
                    self._changes[index].record(self.version + 1, pos, in_place=True)
                    self._content_versions[index] += 1
                    self.version += 1
                    return index
        self._recount_head(self._column_of.get(ticket.id) if old is not None else None, index)
        self._detach(ticket.id)
        self._tickets[ticket.id] = ticket
        self._column_of[ticket.id] = index
        if index is None:
            self._hidden[ticket.id] = ticket
        else:
            items = self._lists[index]
            pos = bisect_right(items, self._keys[index](ticket), key=self._keys[index])
            items.insert(pos, ticket)
            self._column_versions[index] += 1
            self._changes[index].record(self.version + 1, pos, in_place=False)
        self.version += 1
        return index

    def remove(self, ticket_id: str) -> None:
        old = self._tickets.get(ticket_id)
        if old is not None:
            self._count(old, -1)
            self._recount_head(self._column_of.get(ticket_id), None)
        self._detach(ticket_id)
        self._tickets.pop(ticket_id, None)
        self._column_of.pop(ticket_id, None)
        self.version += 1

    def _recount_head(self, left: int | None, joined: int | None) -> None:
        """A card left one column for another while only the heads are loaded: the cached
        sizes follow, so a move made in the first instant is counted like any other."""
        if self.head_totals is None or left == joined:
            return
        totals = list(self.head_totals)
        if left is not None:
            totals[left] = max(0, totals[left] - 1)
        if joined is not None:
            totals[joined] += 1
        self.head_totals = tuple(totals)

    def _detach(self, ticket_id: str) -> None:
        old = self._tickets.get(ticket_id)
        if old is None:
            return
        index = self._column_of.get(ticket_id)
        if index is None:
            self._hidden.pop(ticket_id, None)
            return
        items = self._lists[index]
        self._column_versions[index] += 1
        pos = self._position(index, old)
        if pos is not None:
            del items[pos]
        else:  # pragma: no cover - defensive: fall back to a scan if keys drifted
            self._lists[index] = [t for t in items if t.id != ticket_id]
        # Every caller bumps `version` once when done: the entry is stamped with that.
        self._changes[index].record(self.version + 1, pos or 0, in_place=False)

    def _count(self, ticket: Ticket, step: int) -> None:
        if not ticket.links or self.catalog.category_of(ticket.state) is Category.CLOSED:
            return
        waiting = self._waiting
        for key in {link.external_id for link in ticket.links if link.is_tracking}:
            count = waiting.get(key, 0) + step
            if count > 0:
                waiting[key] = count
            else:
                waiting.pop(key, None)

    def waiting_counts(self) -> Mapping[str, int]:
        """external_id -> how many open tickets (any column, or none) are linked to it: the
        blast radius a card shows. Read-only; it changes as the board does."""
        return self._waiting

    def _position(self, index: int, ticket: Ticket) -> int | None:
        items = self._lists[index]
        key = self._keys[index]
        pos = bisect_left(items, key(ticket), key=key)
        while pos < len(items) and items[pos].id != ticket.id:
            pos += 1
        return pos if pos < len(items) else None

    def changes_since(self, index: int, version: int) -> ColumnChanges:
        """What changed in the column after the board's `version`: rows above
        `first_row` are as they were then, so a view repaints from there down, plus the
        `replaced` cards (a full reload since then reports row 0). Reading changes nothing."""
        if version == self.version:
            return NO_CHANGES
        return self._changes[index].since(version)

    def content_version(self, index: int) -> int:
        """Bumps on in-place replacements too (filtered copies of a column must refresh)."""
        return self._content_versions[index]

    def column_index_of(self, ticket_id: str) -> int | None:
        return self._column_of.get(ticket_id)

    def column_version(self, index: int) -> int:
        """Changes whenever the column's contents or order change: lets views skip repaints."""
        return self._column_versions[index]

    @property
    def partial(self) -> bool:
        """Only the columns' heads are loaded: counts come from `head_totals`."""
        return self.head_totals is not None

    def column_total(self, index: int) -> int:
        """The column's size: the cache's count while only its head is loaded."""
        if self.head_totals is not None:
            return self.head_totals[index]
        return len(self._lists[index])

    def column(self, index: int) -> list[Ticket]:
        """The column's tickets in display order. Callers must not mutate it."""
        return self._lists[index]

    def hidden(self) -> list[Ticket]:
        """Tickets no column shows (e.g. waiting_on_customer); never silently dropped."""
        return sorted(self._hidden.values(), key=open_sort_key)

    def hidden_count(self) -> int:
        return len(self._hidden)

    def counts(self) -> list[int]:
        return [len(items) for items in self._lists]

    def oldest_waiting(self, index: int) -> datetime | None:
        """Open columns sort by (priority, waiting since): the oldest is the head of one of
        the five priority groups, found by bisection instead of a scan of the column."""
        items = self._lists[index]
        if not items:
            return None
        if self._keys[index] is not open_sort_key:
            return min(t.waiting_since() for t in items)
        heads = []
        for rank in range(5):
            pos = bisect_left(items, rank, key=lambda t: priority_rank(t.priority))
            if pos < len(items) and priority_rank(items[pos].priority) == rank:
                heads.append(items[pos].waiting_since())
        return min(heads)

    def inbox_zero(self) -> bool:
        """New and On You both empty: the team's goal state. Says nothing about whether the
        board was ever loaded (an unreachable server leaves it empty too): the header claims
        inbox zero only once BoardService.loaded."""
        for index in range(len(self.router.columns)):
            category = self.router.category_of_column(index)
            if category in (Category.NEW, Category.WAITING_ON_YOU) and self._lists[index]:
                return False
        return True


def _utcnow() -> datetime:
    from datetime import UTC

    return datetime.now(UTC)
