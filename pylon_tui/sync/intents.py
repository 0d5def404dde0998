"""User intents as typed values: applied at once, written down, sent, checked, rolled back.

Each intent records the ticket's `updated_at` it was based on (for conflict checks) and a
client key (for duplicate-free replay). Everything one kind of change needs to know about
itself lives on its class: how it changes a card, how to undo that, whether the server
already has it, how a conflict reads, and which request sends it. The outbox and the UI
call these methods and never ask which kind they hold. The on-disk form is in `codec`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar, TypeVar

from pylon_tui.domain import ExternalLink, LinkedIssue, Priority, Ticket

from .intent_base import MARKER, ActionKind, _Intent, _target
from .intents_tools import SetTags, Snooze

if TYPE_CHECKING:
    from .ports import PylonWrites


@dataclass(frozen=True, slots=True)
class Move(_Intent):
    state: str

    kind: ClassVar[ActionKind] = ActionKind.MOVE
    changes_board: ClassVar[bool] = True

    def describe(self, number: int | None = None) -> str:
        return f"move {_target(number)} to {self.state}"

    def apply(self, ticket: Ticket) -> Ticket:
        """The optimistic result on a card; an empty state (a damaged row) changes nothing."""
        return ticket.with_state(self.state) if self.state else ticket

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        """Undo only this field, keeping anything a refresh merged since."""
        return current.with_state(before.state)

    def already_on(self, server: Ticket) -> bool:
        return server.state == self.state

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        return server.state != before.state

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        mine = labels.get(self.state, self.state)
        was = labels.get(before.state, before.state) if before else "?"
        now = labels.get(server.state, server.state)
        return (f"move from {was} to {mine}", f"now {now} (changed on the server)")

    async def send(self, api: PylonWrites) -> object:
        return await api.update_state(self.ticket_id, self.state)

    def undoing(self, before: Ticket, current: Ticket) -> Move:
        """The change that puts back what this one changed (`before` is the ticket as the
        user saw it; `current`, the board's ticket now, is what the undo is based on)."""
        return Move(self.ticket_id, before.state, base_updated_at=current.updated_at)


@dataclass(frozen=True, slots=True)
class SetPriority(_Intent):
    priority: Priority | None

    kind: ClassVar[ActionKind] = ActionKind.PRIORITY
    changes_board: ClassVar[bool] = True

    @property
    def _name(self) -> str:
        return self.priority.value if self.priority else "none"

    def describe(self, number: int | None = None) -> str:
        return f"set {_target(number)} priority to {self._name}"

    def apply(self, ticket: Ticket) -> Ticket:
        return ticket.with_priority(self.priority)

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return current.with_priority(before.priority)

    def already_on(self, server: Ticket) -> bool:
        return server.priority == self.priority

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        return server.priority != before.priority

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        now = server.priority.value if server.priority else "none"
        return (f"priority {self._name}", f"priority is now {now}")

    async def send(self, api: PylonWrites) -> object:
        return await api.set_priority(self.ticket_id, self.priority)

    def undoing(self, before: Ticket, current: Ticket) -> SetPriority:
        return SetPriority(self.ticket_id, before.priority, base_updated_at=current.updated_at)


@dataclass(frozen=True, slots=True)
class Assign(_Intent):
    user_id: str | None
    """None unassigns; an empty id means the same (the picker's "Unassign" row is "")."""

    kind: ClassVar[ActionKind] = ActionKind.ASSIGN
    changes_board: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not self.user_id:
            object.__setattr__(self, "user_id", None)

    def describe(self, number: int | None = None) -> str:
        return f"assign {_target(number)}"

    def apply(self, ticket: Ticket) -> Ticket:
        return ticket.with_assignee(self.user_id)

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return current.with_assignee(before.assignee_id)

    def already_on(self, server: Ticket) -> bool:
        return server.assignee_id == self.user_id

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        return server.assignee_id != before.assignee_id

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        return ("change the assignee", f"assignee is now {server.assignee_id or 'nobody'}")

    async def send(self, api: PylonWrites) -> object:
        return await api.assign(self.ticket_id, self.user_id)

    def undoing(self, before: Ticket, current: Ticket) -> Assign:
        return Assign(self.ticket_id, before.assignee_id, base_updated_at=current.updated_at)


@dataclass(frozen=True, slots=True)
class _IssueChange(_Intent):
    """What a link and an unlink share: the issue they name (stored alike in the outbox row),
    how they read, and that neither conflicts. Neither subclasses the other, so `case Link()`
    never matches an unlink."""

    external_id: str
    source: str = "linear"
    url: str | None = None
    label: str | None = None
    """How the issue is named to the user (ENG-42); None reads "an issue"."""

    wording: ClassVar[str]
    """`describe` with {issue} and {ticket} filled in."""
    changes_board: ClassVar[bool] = True

    def describe(self, number: int | None = None) -> str:
        issue = self.label if self.label is not None else "an issue"
        return self.wording.format(issue=issue, ticket=_target(number))

    def _is_on(self, ticket: Ticket) -> bool:
        return any(link.external_id == self.external_id for link in ticket.links)

    def _without_it(self, ticket: Ticket) -> Ticket:
        keep = tuple(link for link in ticket.links if link.external_id != self.external_id)
        return replace(ticket, links=keep)

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        """Links only add up: another link made meanwhile never conflicts with this one."""
        return False

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        return (self.describe(), "changed on the server")

    def _same_issue(self, kind: type[_Change], current: Ticket) -> _Change:
        """The other change of this issue, based on the board's ticket now (for undo)."""
        return kind(
            self.ticket_id,
            self.external_id,
            source=self.source,
            url=self.url,
            label=self.label,
            base_updated_at=current.updated_at,
        )


_Change = TypeVar("_Change", bound=_IssueChange)


@dataclass(frozen=True, slots=True)
class Link(_IssueChange):
    kind: ClassVar[ActionKind] = ActionKind.LINK
    wording: ClassVar[str] = "link {issue} to {ticket}"

    @classmethod
    def to_issue(cls, ticket: Ticket, issue: LinkedIssue, *, based: bool = True) -> Link:
        """Link a Linear or GitHub issue (its own source); `based` records the ticket's
        version for the conflict check."""
        return cls(
            ticket.id,
            issue.external_id,
            source=issue.source,
            url=issue.url,
            label=issue.identifier,
            base_updated_at=ticket.updated_at if based else None,
        )

    def apply(self, ticket: Ticket) -> Ticket:
        if not self.external_id:
            return ticket
        return ticket.with_link(ExternalLink(self.source, self.external_id, self.url))

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return self._without_it(current)

    def already_on(self, server: Ticket) -> bool:
        return self._is_on(server)

    async def send(self, api: PylonWrites) -> object:
        return await api.link_external_issue(self.ticket_id, self.source, self.external_id)

    def undoing(self, before: Ticket, current: Ticket) -> Unlink:
        return self._same_issue(Unlink, current)


@dataclass(frozen=True, slots=True)
class Unlink(_IssueChange):
    """Takes a linked issue off a ticket: what undoing a link sends."""

    kind: ClassVar[ActionKind] = ActionKind.UNLINK
    wording: ClassVar[str] = "unlink {issue} from {ticket}"

    def apply(self, ticket: Ticket) -> Ticket:
        return self._without_it(ticket)

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        """Put the link back only if the ticket had it before this change."""
        had = next((x for x in before.links if x.external_id == self.external_id), None)
        return current.with_link(had) if had is not None else current

    def already_on(self, server: Ticket) -> bool:
        return not self._is_on(server)

    async def send(self, api: PylonWrites) -> object:
        return await api.unlink_external_issue(self.ticket_id, self.source, self.external_id)

    def undoing(self, before: Ticket, current: Ticket) -> Link:
        return self._same_issue(Link, current)


class _Posted:
    """What replies and notes share: they leave the card alone, and they are not idempotent,
    so each carries a marker that a replay looks for in the thread before posting again."""

    __slots__ = ()
    ticket_id: str
    client_key: str
    body_html: str
    changes_board: ClassVar[bool] = False

    def marked_html(self) -> str:
        """The body with an invisible marker, so a replay can recognise its own message."""
        return f"{self.body_html}<!-- {MARKER}{self.client_key} -->"

    def apply(self, ticket: Ticket) -> Ticket:
        return ticket

    def revert(self, current: Ticket, before: Ticket) -> Ticket:
        return current

    def already_on(self, server: Ticket) -> bool:
        """A ticket never shows a message: only the thread can tell (see delivery)."""
        return False

    def touches_changed(self, server: Ticket, before: Ticket) -> bool:
        return False


@dataclass(frozen=True, slots=True)
class Reply(_Posted, _Intent):
    message_id: str
    """The customer message this answers."""
    body_html: str

    kind: ClassVar[ActionKind] = ActionKind.REPLY
    noun: ClassVar[str] = "reply"

    def describe(self, number: int | None = None) -> str:
        return f"reply on {_target(number)}"

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        return (self.describe(), "changed on the server")

    async def send(self, api: PylonWrites) -> object:
        return await api.reply(self.ticket_id, self.marked_html(), self.message_id)


@dataclass(frozen=True, slots=True)
class Note(_Posted, _Intent):
    body_html: str

    kind: ClassVar[ActionKind] = ActionKind.NOTE
    noun: ClassVar[str] = "note"

    def describe(self, number: int | None = None) -> str:
        return f"add a note on {_target(number)}"

    def conflict_text(
        self, before: Ticket | None, server: Ticket, labels: Mapping[str, str]
    ) -> tuple[str, str]:
        return (self.describe(), "changed on the server")

    async def send(self, api: PylonWrites) -> object:
        return await api.note(self.ticket_id, self.marked_html())


Intent = Move | SetPriority | Assign | Link | Reply | Note | Unlink | SetTags | Snooze
MessageIntent = Reply | Note
"""Posted to the thread, so delivery verifies them against it instead of the ticket."""
Undoable = Move | SetPriority | Assign | Link | Unlink | SetTags
"""The changes a user can take back with undo: each knows the change that reverses it."""
INTENT_TYPES: tuple[type[Intent], ...] = (
    Move,
    SetPriority,
    Assign,
    Link,
    Reply,
    Note,
    Unlink,
    SetTags,
    Snooze,
)

__all__ = [
    "INTENT_TYPES",
    "MARKER",
    "ActionKind",
    "Assign",
    "Intent",
    "Link",
    "MessageIntent",
    "Move",
    "Note",
    "Reply",
    "SetPriority",
    "SetTags",
    "Snooze",
    "Undoable",
    "Unlink",
]
