"""Columns: which states each holds, and how a ticket finds its column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .state import Category, StateCatalog, parse_category
from .ticket import Ticket


@dataclass(frozen=True, slots=True)
class Column:
    """A board column. `states` lists slugs or base categories; the first is where moves land."""

    key: str
    title: str
    states: tuple[str, ...]
    recent_days: int | None = None

    @property
    def target_state(self) -> str:
        return self.states[0]


DEFAULT_COLUMNS: tuple[Column, ...] = (
    Column("new", "New", ("new",)),
    Column("on_you", "On You", ("waiting_on_you",)),
    Column("on_hold", "On Hold", ("on_hold",)),
    Column("closed", "Closed", ("closed",), recent_days=7),
)


class ColumnRouter:
    """Maps a state slug to a column index, remembering the answer per slug.

    A slug listed explicitly wins; a custom slug falls back to the column holding its category.
    """

    def __init__(self, columns: Sequence[Column], catalog: StateCatalog) -> None:
        self.columns = tuple(columns)
        self.catalog = catalog
        self._cache: dict[str, int | None] = {}

    def index_for_state(self, slug: str) -> int | None:
        if slug not in self._cache:
            self._cache[slug] = self._resolve(slug)
        return self._cache[slug]

    def _resolve(self, slug: str) -> int | None:
        for index, column in enumerate(self.columns):
            if slug in column.states:
                return index
        category = self.catalog.category_of(slug)
        if category is None:
            return None
        for index, column in enumerate(self.columns):
            if any(parse_category(s) is category for s in column.states):
                return index
        return None

    def index_for(self, ticket: Ticket, now: datetime) -> int | None:
        if ticket.snoozed_until is not None and ticket.snoozed(now):
            return None  # snoozed: off the board until it wakes, listed under `o`
        index = self.index_for_state(ticket.state)
        if index is None:
            return None
        days = self.columns[index].recent_days
        if days is not None and ticket.updated_at < now - timedelta(days=days):
            return None
        return index

    def category_of_column(self, index: int) -> Category | None:
        return self.catalog.category_of(self.columns[index].target_state)

    def find(self, key: str) -> int | None:
        """Column by key, title or state, case-insensitively (`on-hold`, `On Hold`, `on_hold`)."""
        wanted = key.strip().lower().replace("-", "_").replace(" ", "_")
        for index, column in enumerate(self.columns):
            names = {column.key, column.title.lower().replace(" ", "_"), *column.states}
            if wanted in names:
                return index
        return None
