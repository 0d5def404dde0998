"""Move rules: the one place that decides whether a ticket may enter a column.

Every path that moves a ticket (key, picker, bulk, palette, CLI, link watcher) asks here, so
the On Hold gate cannot be bypassed by a new code path.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .column import Column, ColumnRouter
from .state import Category, StateCatalog
from .ticket import Ticket


class MoveVerdict(StrEnum):
    ALLOWED = "allowed"
    NO_CHANGE = "no_change"
    NEEDS_LINK = "needs_link"
    UNKNOWN_STATE = "unknown_state"


@dataclass(frozen=True, slots=True)
class MoveCheck:
    verdict: MoveVerdict
    target_state: str
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.verdict is MoveVerdict.ALLOWED


def check_move(ticket: Ticket, target_state: str, catalog: StateCatalog) -> MoveCheck:
    if ticket.state == target_state:
        return MoveCheck(MoveVerdict.NO_CHANGE, target_state, f"#{ticket.number} is already there")
    category = catalog.category_of(target_state)
    if category is None:
        return MoveCheck(
            MoveVerdict.UNKNOWN_STATE,
            target_state,
            f"'{target_state}' is not a status this workspace knows",
        )
    if category is Category.ON_HOLD and not ticket.has_tracking_link():
        return MoveCheck(
            MoveVerdict.NEEDS_LINK,
            target_state,
            f"#{ticket.number} needs a linked Linear or GitHub issue before it can go On Hold",
        )
    return MoveCheck(MoveVerdict.ALLOWED, target_state)


def check_move_to_column(
    ticket: Ticket,
    column: Column,
    catalog: StateCatalog,
    *,
    router: ColumnRouter | None = None,
) -> MoveCheck:
    """A ticket already in one of the column's states (e.g. a custom slug) stays put.

    Pass the board's `router` so a custom slug shown in the column through its category
    (e.g. `investigating` in On You) also stays put instead of being rewritten.
    """
    here = ticket.state in column.states
    if not here and router is not None:
        index = router.index_for_state(ticket.state)
        here = index is not None and router.columns[index] == column
    if here:
        return MoveCheck(MoveVerdict.NO_CHANGE, ticket.state, f"#{ticket.number} is already there")
    return check_move(ticket, column.target_state, catalog)
