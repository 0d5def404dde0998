"""SLA deadlines: when a ticket's first response and its resolution breach.

Pylon's API documents one SLA time, `resolution_breach_time` (open issues with an active
resolution SLA). It gives no first-response deadline, only whether and when the first
response happened. So a first-response deadline comes from Pylon if it ever sends one
(`first_response_breach_time`, read when present), else from the team's own target in the
config (`[sla] first_response = "1h"`), counted from creation while nobody has answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .ticket import Ticket


class SlaKind(StrEnum):
    FIRST_RESPONSE = "first response"
    RESOLUTION = "resolution"

    @property
    def short(self) -> str:
        return "1st" if self is SlaKind.FIRST_RESPONSE else "res"


class Urgency(StrEnum):
    """How close a deadline is: the card's countdown colour."""

    CALM = "calm"
    SOON = "soon"
    """Within 4 hours."""
    NEAR = "near"
    """Within the hour."""
    BREACHED = "breached"


NEAR = timedelta(hours=1)
SOON = timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: SlaKind
    at: datetime

    def left(self, now: datetime) -> timedelta:
        return self.at - now

    def urgency(self, now: datetime) -> Urgency:
        left = self.left(now)
        if left <= timedelta(0):
            return Urgency.BREACHED
        if left <= NEAR:
            return Urgency.NEAR
        if left <= SOON:
            return Urgency.SOON
        return Urgency.CALM

    def countdown(self, now: datetime) -> str:
        """ "12m", "3h", "2d", or "-40m" once breached (how long ago)."""
        return countdown(self.left(now))


def countdown(left: timedelta) -> str:
    seconds = int(left.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    if minutes < 60:
        return f"{sign}{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{sign}{hours}h"
    return f"{sign}{hours // 24}d"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """The SLA deadlines of a ticket; `first_response` is the configured target, if any."""

    first_response: timedelta | None = None

    def first_response_due(self, ticket: Ticket) -> datetime | None:
        if ticket.state == "closed" or ticket.first_response_time is not None:
            return None
        if ticket.first_response_breach_time is not None:
            return ticket.first_response_breach_time
        if self.first_response is None:
            return None
        return ticket.created_at + self.first_response

    @staticmethod
    def resolution_due(ticket: Ticket) -> datetime | None:
        if ticket.state == "closed":
            return None
        return ticket.resolution_breach_time

    def deadlines(self, ticket: Ticket) -> list[Deadline]:
        out = []
        first = self.first_response_due(ticket)
        if first is not None:
            out.append(Deadline(SlaKind.FIRST_RESPONSE, first))
        resolution = self.resolution_due(ticket)
        if resolution is not None:
            out.append(Deadline(SlaKind.RESOLUTION, resolution))
        return out

    def sorted_deadlines(self, ticket: Ticket) -> list[Deadline]:
        """The ticket's deadlines, soonest first."""
        return sorted(self.deadlines(ticket), key=lambda d: d.at)

    def next_deadline(self, ticket: Ticket) -> Deadline | None:
        """The earliest deadline (a breached one included): what the card counts down to."""
        found = self.deadlines(ticket)
        return min(found, key=lambda d: d.at) if found else None


@dataclass(frozen=True, slots=True)
class BreachOutlook:
    """What the header says about SLAs: the next deadline still ahead, and how many open
    tickets are already past one."""

    ticket: Ticket | None
    deadline: Deadline | None
    breached: int


def breach_outlook(
    tickets: Iterable[Ticket],
    policy: SlaPolicy,
    now: datetime,
    deadlines: Callable[[Ticket], Sequence[Deadline]] | None = None,
) -> BreachOutlook:
    """`deadlines` (default: the policy's, sorted) lets a caller memoise them per ticket;
    they must come soonest first. One comparison per ticket in the usual case: this runs
    over whole columns when a card moves."""
    deadlines_of = deadlines or policy.sorted_deadlines
    best: Ticket | None = None
    best_deadline: Deadline | None = None
    breached = 0
    for ticket in tickets:
        found = deadlines_of(ticket)
        if not found:
            continue
        upcoming: Deadline | None = found[0]
        if found[0].at <= now:
            breached += 1
            upcoming = next((d for d in found if d.at > now), None)
        if upcoming is not None and (best_deadline is None or upcoming.at < best_deadline.at):
            best, best_deadline = ticket, upcoming
    return BreachOutlook(best, best_deadline, breached)


def merged_outlook(parts: Iterable[BreachOutlook]) -> BreachOutlook:
    """The outlook of several groups of tickets (the board's columns) from each one's."""
    best: BreachOutlook | None = None
    breached = 0
    for part in parts:
        breached += part.breached
        if part.deadline is not None and (
            best is None or best.deadline is None or part.deadline.at < best.deadline.at
        ):
            best = part
    if best is None:
        return BreachOutlook(None, None, breached)
    return BreachOutlook(best.ticket, best.deadline, breached)
