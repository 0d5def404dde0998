"""The triage tools' changes (issue 14): a ticket's exact tag list, and a snooze.

They go through the same outbox as a move: applied to the card at once, written down,
sent, checked against the server's answer, rolled back on refusal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from pylon_tui.domain import Ticket
from pylon_tui.domain.timefmt import format_time

from .intent_base import ActionKind, _Intent, _target

if TYPE_CHECKING:
    from .ports import PylonWrites

SNOOZE_SLACK = timedelta(seconds=1)
"""A server may round the time it stores; within this it is the snooze asked for."""


def _same_tags(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Pylon keeps a set: the order it answers in says nothing."""
    return sorted(a) == sorted(b)


@dataclass(frozen=True, slots=True)
class SetTags(_Intent):
    tags: tuple[str, ...]
    """The exact list the ticket ends up with (PATCH `tags` replaces the whole set)."""

    kind: ClassVar[ActionKind] = ActionKind.TAGS
    changes_board: ClassVar[bool] = True

    def describe(self, number: int | None = None) -> str:
        shown = ", ".join(self.tags) if self.tags else "none"
        return f"set {_target(number)} tags to {shown}"

    def apply(self, ticket: Ticket) -> Ticket:
        return ticket.with_tags(self.tags)

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return current.with_tags(before.tags)

    def already_on(self, server: Ticket) -> bool:
        return _same_tags(server.tags, self.tags)

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        return not _same_tags(server.tags, before.tags)

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        now = ", ".join(server.tags) if server.tags else "none"
        return (f"tags {', '.join(self.tags) or 'none'}", f"tags are now {now}")

    async def send(self, api: PylonWrites) -> object:
        return await api.set_tags(self.ticket_id, self.tags)

    def undoing(self, before: Ticket, current: Ticket) -> SetTags:
        return SetTags(self.ticket_id, before.tags, base_updated_at=current.updated_at)


@dataclass(frozen=True, slots=True)
class Snooze(_Intent):
    until: datetime

    kind: ClassVar[ActionKind] = ActionKind.SNOOZE
    changes_board: ClassVar[bool] = True

    def describe(self, number: int | None = None) -> str:
        return f"snooze {_target(number)} until {format_time(self.until)}"

    def apply(self, ticket: Ticket) -> Ticket:
        return replace(ticket, snoozed_until=self.until)

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return replace(current, snoozed_until=before.snoozed_until)

    def already_on(self, server: Ticket) -> bool:
        at = server.snoozed_until
        return at is not None and abs(at - self.until) <= SNOOZE_SLACK

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        """A snooze is asked for over whatever changed: only the state matters (the
        customer wrote meanwhile, say), and Pylon's own rule decides that."""
        return False

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        return (self.describe(), "changed on the server")

    async def send(self, api: PylonWrites) -> object:
        return await api.snooze(self.ticket_id, self.until)
