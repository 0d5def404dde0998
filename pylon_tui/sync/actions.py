"""User intents as data, so they can be applied optimistically, sent, rolled back, queued.

Each action records the ticket's `updated_at` it was based on and a client key, which the
outbox (a later layer) uses for conflict checks and duplicate-free replay.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pylon_tui.domain import ExternalLink, Priority, Ticket


class ActionKind(StrEnum):
    MOVE = "move"
    PRIORITY = "priority"
    ASSIGN = "assign"
    LINK = "link"
    REPLY = "reply"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    ticket_id: str
    value: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    base_updated_at: datetime | None = None
    client_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def changes_board(self) -> bool:
        return self.kind in (
            ActionKind.MOVE,
            ActionKind.PRIORITY,
            ActionKind.ASSIGN,
            ActionKind.LINK,
        )

    def describe(self, number: int | None = None) -> str:
        target = f"#{number}" if number is not None else "ticket"
        verb = {
            ActionKind.MOVE: f"move {target} to {self.value}",
            ActionKind.PRIORITY: f"set {target} priority to {self.value or 'none'}",
            ActionKind.ASSIGN: f"assign {target}",
            ActionKind.LINK: f"link {self.extra.get('label', 'an issue')} to {target}",
            ActionKind.REPLY: f"reply on {target}",
            ActionKind.NOTE: f"add a note on {target}",
        }
        return verb[self.kind]


def apply_to(ticket: Ticket, action: Action) -> Ticket:
    """The optimistic result of an action on a ticket (messages don't change the card)."""
    if action.kind is ActionKind.MOVE and action.value:
        return ticket.with_state(action.value)
    if action.kind is ActionKind.PRIORITY:
        return ticket.with_priority(Priority.parse(action.value))
    if action.kind is ActionKind.ASSIGN:
        return ticket.with_assignee(action.value or None)
    if action.kind is ActionKind.LINK and action.value:
        source = action.extra.get("source", "linear")
        return ticket.with_link(ExternalLink(source, action.value, action.extra.get("url")))
    return ticket


def revert_on(current: Ticket, before: Ticket, action: Action) -> Ticket:
    """Undo only the field the action touched, keeping anything a refresh merged since."""
    if action.kind is ActionKind.MOVE:
        return current.with_state(before.state)
    if action.kind is ActionKind.PRIORITY:
        return current.with_priority(before.priority)
    if action.kind is ActionKind.ASSIGN:
        return current.with_assignee(before.assignee_id)
    if action.kind is ActionKind.LINK:
        from dataclasses import replace

        keep = tuple(link for link in current.links if link.external_id != action.value)
        return replace(current, links=keep)
    return current
