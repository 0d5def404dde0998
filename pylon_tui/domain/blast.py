"""Blast radius: how many open tickets (and which accounts) wait on each engineering issue.

One Linear issue often stands behind several customers' tickets. Knowing that number turns
"ENG-13" on a card into "ENG-13 · 4 waiting", orders the grouped On Hold view and
`pylon-tui linked`, and tells the hold dialog which duplicate candidate already carries
the most customers. Pure: tickets in, groups out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .links import ExternalLink, LinkedIssue
from .ticket import Ticket


@dataclass(frozen=True, slots=True)
class IssueGroup:
    """One engineering issue and the open tickets linked to it, oldest ticket first."""

    link: ExternalLink
    tickets: tuple[Ticket, ...]
    live: LinkedIssue | None = None

    @property
    def label(self) -> str:
        return self.live.identifier if self.live is not None else self.link.short_label

    @property
    def waiting(self) -> int:
        return len(self.tickets)

    @property
    def account_ids(self) -> tuple[str, ...]:
        """Distinct accounts, in the order their first ticket appears."""
        seen: dict[str, None] = {}
        for ticket in self.tickets:
            if ticket.account_id:
                seen.setdefault(ticket.account_id, None)
        return tuple(seen)


def group_by_issue(
    tickets: Iterable[Ticket],
    *,
    include: Callable[[Ticket], bool],
    live: Mapping[str, LinkedIssue] | None = None,
) -> list[IssueGroup]:
    """Every tracking link of the `include`d tickets, with those tickets: most waited on
    first, then by label, so the order is stable from one frame to the next."""
    links: dict[str, ExternalLink] = {}
    members: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        if not include(ticket):
            continue
        for link in ticket.links:
            if link.is_tracking:
                found = members.setdefault(link.external_id, [])
                if found and found[-1] is ticket:  # the same issue linked twice: one ticket
                    continue
                links.setdefault(link.external_id, link)
                found.append(ticket)
    known = live or {}
    groups = [
        IssueGroup(
            links[key],
            tuple(sorted(found, key=lambda t: (t.created_at, t.number))),
            known.get(key),
        )
        for key, found in members.items()
    ]
    groups.sort(key=lambda g: (-g.waiting, g.label, g.link.external_id))
    return groups


def waiting_counts(groups: Iterable[IssueGroup]) -> dict[str, int]:
    """external_id -> open tickets waiting on it (what a card and the hold dialog show)."""
    return {group.link.external_id: group.waiting for group in groups}


def waiting_label(count: int) -> str:
    """ " · 4 waiting" for an issue more than one ticket waits on; "" for one (itself)."""
    return f" · {count} waiting" if count > 1 else ""


__all__ = ["IssueGroup", "group_by_issue", "waiting_counts", "waiting_label"]
