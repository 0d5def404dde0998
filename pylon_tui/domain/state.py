"""Ticket states: Pylon's five base states plus custom status slugs.

Pylon lets a workspace define custom statuses; each belongs to a base category. The board
groups by category so a custom slug never makes a ticket invisible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    NEW = "new"
    WAITING_ON_YOU = "waiting_on_you"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


BASE_LABELS: dict[Category, str] = {
    Category.NEW: "New",
    Category.WAITING_ON_YOU: "On You",
    Category.WAITING_ON_CUSTOMER: "On Customer",
    Category.ON_HOLD: "On Hold",
    Category.CLOSED: "Closed",
}


@dataclass(frozen=True, slots=True)
class StateInfo:
    slug: str
    label: str
    category: Category


class StateCatalog:
    """Knows every state slug the workspace uses and the category each belongs to."""

    def __init__(self, custom: Iterable[StateInfo] = ()) -> None:
        self._states: dict[str, StateInfo] = {
            cat.value: StateInfo(cat.value, label, cat) for cat, label in BASE_LABELS.items()
        }
        for info in custom:
            self._states[info.slug] = info

    def category_of(self, slug: str) -> Category | None:
        """None means a slug we were never told about (e.g. created after our last fetch)."""
        info = self._states.get(slug)
        return info.category if info else None

    def label_of(self, slug: str) -> str:
        info = self._states.get(slug)
        return info.label if info else slug.replace("_", " ").title()

    def slugs_in(self, category: Category) -> list[str]:
        return [s.slug for s in self._states.values() if s.category is category]

    def all(self) -> list[StateInfo]:
        return list(self._states.values())

    def is_on_hold(self, slug: str) -> bool:
        return self.category_of(slug) is Category.ON_HOLD


def parse_category(value: str) -> Category | None:
    try:
        return Category(value)
    except ValueError:
        return None
