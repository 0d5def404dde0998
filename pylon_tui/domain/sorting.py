"""The orders a column can be sorted in; `s` cycles them, a view and `--sort` name one.

The board keeps each column in its default order incrementally (board.py); any other order
is a sorted copy made by the view model when the column changes, so the default stays the
fast path.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from .priority import priority_rank
from .sla import SlaPolicy
from .ticket import Ticket

_FAR = 1e18
"""Sorts after every real time: tickets with no SLA come last in the SLA order."""


class SortOrder(StrEnum):
    DEFAULT = "default"
    SLA = "sla"
    WAITING = "waiting"
    UPDATED = "updated"
    PRIORITY = "priority"

    @property
    def describe(self) -> str:
        return _DESCRIBE[self]

    @property
    def arrow(self) -> str:
        """What the column title shows: empty for the default order."""
        return "" if self is SortOrder.DEFAULT else f"↑{self.value}"

    def next(self) -> SortOrder:
        orders = list(SortOrder)
        return orders[(orders.index(self) + 1) % len(orders)]

    @classmethod
    def parse(cls, text: str) -> SortOrder:
        """The order named by `text`; ValueError naming the valid ones otherwise."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            names = ", ".join(o.value for o in cls)
            raise ValueError(f"unknown sort {text!r}; sorts: {names}") from None


_DESCRIBE = {
    SortOrder.DEFAULT: "urgent first, then longest waiting",
    SortOrder.SLA: "soonest SLA breach first",
    SortOrder.WAITING: "longest waiting first",
    SortOrder.UPDATED: "last updated first",
    SortOrder.PRIORITY: "priority, then soonest SLA breach",
}


def sort_key(
    order: SortOrder, policy: SlaPolicy
) -> Callable[[Ticket], tuple[float, float, int]] | None:
    """The key for `order`; None for DEFAULT (the board's own order stands)."""

    def due(ticket: Ticket) -> float:
        deadline = policy.next_deadline(ticket)
        return deadline.at.timestamp() if deadline is not None else _FAR

    if order is SortOrder.SLA:
        return lambda t: (due(t), priority_rank(t.priority), t.number)
    if order is SortOrder.WAITING:
        return lambda t: (t.waiting_since().timestamp(), priority_rank(t.priority), t.number)
    if order is SortOrder.UPDATED:
        return lambda t: (-t.updated_at.timestamp(), 0, t.number)
    if order is SortOrder.PRIORITY:
        return lambda t: (priority_rank(t.priority), due(t), t.number)
    return None
