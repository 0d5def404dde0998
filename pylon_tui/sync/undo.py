"""Undo: a stack of the user's own changes, each taken back only while it still stands.

An entry is one user action (a key press, a bulk move, a hold: link + move + assignee), and
remembers each ticket as it was before and right after. Undo compares the board's ticket now
with "right after": if Pylon, a teammate or an auto-return changed it since, undoing would
overwrite their change with a stale one, so it is refused and said so. Only what the user
did goes on the stack: syncs, auto-returns and undos themselves never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from pylon_tui.domain import Ticket

from .intents import Undoable

MAX_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class Done:
    """One change the user made to one ticket."""

    intent: Undoable
    before: Ticket
    after: Ticket
    """The board's ticket right after the change was applied."""


def _shape(ticket: Ticket) -> tuple[object, ...]:
    """What a user action can change and undo can put back: the fields compared."""
    links = frozenset(link.external_id for link in ticket.links)
    return (ticket.state, ticket.priority, ticket.assignee_id, links, frozenset(ticket.tags))


def still_as_left(after: Ticket, current: Ticket) -> bool:
    return _shape(after) == _shape(current)


@dataclass
class UndoPlan:
    """What undoing one entry does: `reverts` to submit, in order; `undone`, the changes they
    take back; `changed`, per ticket no longer as the action left it, the change and the
    ticket now (None: it left the board)."""

    reverts: list[Undoable] = field(default_factory=list)
    undone: list[Done] = field(default_factory=list)
    changed: list[tuple[Done, Ticket | None]] = field(default_factory=list)


def plan_undo(entry: Sequence[Done], current: Callable[[str], Ticket | None]) -> UndoPlan:
    """Each ticket of the entry is undone as a whole or not at all: a hold is only taken
    back if its link, move and assignee all still stand."""
    plan = UndoPlan()
    by_ticket: dict[str, list[Done]] = {}
    for done in entry:
        by_ticket.setdefault(done.intent.ticket_id, []).append(done)
    for ticket_id, steps in by_ticket.items():
        now = current(ticket_id)
        if now is None or not still_as_left(steps[-1].after, now):
            plan.changed.append((steps[-1], now))
            continue
        for done in reversed(steps):
            plan.reverts.append(done.intent.undoing(done.before, now))
        plan.undone.extend(steps)
    return plan


class UndoStack:
    """The user's actions, newest last; `action()` groups the changes of one action."""

    def __init__(self) -> None:
        self.entries: list[list[Done]] = []
        self._open: list[Done] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    def record(self, done: Done) -> None:
        if self._open is not None:
            self._open.append(done)
        else:
            self._push([done])

    @contextmanager
    def action(self) -> Iterator[None]:
        """Everything recorded inside is one entry (nested: the outermost one)."""
        if self._open is not None:
            yield
            return
        self._open = []
        try:
            yield
        finally:
            entry, self._open = self._open, None
            if entry:
                self._push(entry)

    def pop(self) -> list[Done] | None:
        return self.entries.pop() if self.entries else None

    def _push(self, entry: list[Done]) -> None:
        self.entries.append(entry)
        del self.entries[:-MAX_ENTRIES]


__all__ = ["Done", "UndoPlan", "UndoStack", "plan_undo", "still_as_left"]
