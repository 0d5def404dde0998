"""Board filters: free text plus the quick filters a triager reaches for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .priority import Priority
from .ticket import Ticket

SLA_SOON = timedelta(hours=1)


class QuickFilter(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    URGENT = "urgent"
    SLA = "sla"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    QuickFilter.MINE: "Mine",
    QuickFilter.UNASSIGNED: "Unassigned",
    QuickFilter.URGENT: "Urgent",
    QuickFilter.SLA: "SLA breaching",
}


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """An immutable filter; `text` matches number, title, account name, assignee, tags."""

    text: str = ""
    quick: frozenset[QuickFilter] = frozenset()

    @property
    def active(self) -> bool:
        return bool(self.text.strip()) or bool(self.quick)

    def toggled(self, quick: QuickFilter) -> TicketFilter:
        return replace(self, quick=self.quick ^ {quick})

    def with_text(self, text: str) -> TicketFilter:
        return replace(self, text=text)

    def describe(self) -> str:
        parts = [q.label for q in QuickFilter if q in self.quick]
        if self.text.strip():
            parts.append(f'"{self.text.strip()}"')
        return ", ".join(parts)

    def predicate(
        self,
        *,
        now: datetime,
        me_id: str | None,
        names: Callable[[Ticket], str],
        haystack: Callable[[Ticket], str] | None = None,
    ) -> Callable[[Ticket], bool]:
        """Compile once per keystroke; `names` gives searchable display names for a ticket.

        `haystack`, if given, returns the ticket's lower-cased searchable text (a caller that
        filters on every keystroke caches it instead of rebuilding 10,000 strings each time).
        """
        text_of = haystack or (lambda t: searchable_text(t, names))
        needles = self.text.lower().split()
        quick = self.quick

        def matches(ticket: Ticket) -> bool:
            if QuickFilter.MINE in quick and (me_id is None or ticket.assignee_id != me_id):
                return False
            if QuickFilter.UNASSIGNED in quick and ticket.assignee_id:
                return False
            if QuickFilter.URGENT in quick and ticket.priority is not Priority.URGENT:
                return False
            if QuickFilter.SLA in quick and not sla_at_risk(ticket, now):
                return False
            if needles:
                hay = text_of(ticket)
                return all(needle in hay for needle in needles)
            return True

        return matches


def searchable_text(ticket: Ticket, names: Callable[[Ticket], str]) -> str:
    return f"#{ticket.number} {ticket.title} {' '.join(ticket.tags)} {names(ticket)}".lower()


def sla_at_risk(ticket: Ticket, now: datetime) -> bool:
    """Breached, or breaching within the hour, while still open."""
    deadline = ticket.resolution_breach_time
    if deadline is None or ticket.state == "closed":
        return False
    return deadline - now <= SLA_SOON
