"""The ticket as the board needs it: a small, immutable projection of Pylon's Issue."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from .links import ExternalLink
from .priority import Priority


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    number: int
    title: str
    state: str
    created_at: datetime
    updated_at: datetime
    priority: Priority | None = None
    latest_message_time: datetime | None = None
    first_response_time: datetime | None = None
    resolution_breach_time: datetime | None = None
    account_id: str | None = None
    assignee_id: str | None = None
    team_id: str | None = None
    requester_id: str | None = None
    tags: tuple[str, ...] = ()
    links: tuple[ExternalLink, ...] = ()
    link: str | None = None
    body_html: str = ""
    source: str | None = None
    first_response_breach_time: datetime | None = None
    """Not in Pylon's documented Issue (see domain/sla.py); read when a server sends it."""
    snoozed_until: datetime | None = None
    """Pylon's `snoozed_until_time`: while it is in the future the ticket is off the board
    (listed with the other states under `o`)."""

    def waiting_since(self) -> datetime:
        """New tickets wait since creation; the rest since the customer last spoke."""
        if self.state == "new" or self.latest_message_time is None:
            return self.created_at
        return self.latest_message_time

    def has_tracking_link(self) -> bool:
        """True when an engineering issue (Linear or GitHub) is linked: the On Hold gate."""
        return any(link.is_tracking for link in self.links)

    def snoozed(self, now: datetime) -> bool:
        return self.snoozed_until is not None and self.snoozed_until > now

    def with_state(self, state: str) -> Ticket:
        return replace(self, state=state)

    def with_priority(self, priority: Priority | None) -> Ticket:
        return replace(self, priority=priority)

    def with_assignee(self, assignee_id: str | None) -> Ticket:
        return replace(self, assignee_id=assignee_id)

    def with_tags(self, tags: tuple[str, ...]) -> Ticket:
        return replace(self, tags=tags)

    def with_link(self, link: ExternalLink) -> Ticket:
        if any(existing.key == link.key for existing in self.links):
            return self
        return replace(self, links=(*self.links, link))
