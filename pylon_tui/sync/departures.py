"""Tickets that leave the board because Pylon moved them, so the UI can say where they went.

Pylon moves tickets by itself (its AI hands a replied ticket to the customer, public activity
takes one out of On Hold), often into a state no column shows (`waiting_on_customer` by
default). Without a word, the card just vanishes a moment after the user replied. Every
server ticket merged into the board is compared with the card it replaces: a card that was in
a column, whose state changed, and that now has no column is a departure. A card the user
moved away themselves is already off the board when the server's copy arrives, so only the
server's own moves are reported.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from pylon_tui.domain import Board, Ticket

KEPT = 200
"""Departures kept until the UI takes them (a CLI never does)."""


@dataclass(frozen=True, slots=True)
class Departure:
    ticket_id: str
    number: int
    from_column: str
    """The title of the column the card was in."""
    state: str
    label: str
    """The state's label (a custom status's own name), as the user knows it from Pylon."""

    def describe(self) -> str:
        return f"#{self.number} moved from {self.from_column} to {self.label} in Pylon"


def departure(
    board: Board, old: Ticket | None, old_column: int | None, new: Ticket
) -> Departure | None:
    """`new` has just replaced `old`, which was in `old_column` (None: not on the board)."""
    if old is None or old_column is None or new.state == old.state:
        return None  # new to us, already off the board, or ageing out of a recent-only column
    if board.column_index_of(new.id) is not None:
        return None
    label = board.catalog.label_of(new.state)
    return Departure(new.id, new.number, board.columns[old_column].title, new.state, label)


Shown = dict[str, tuple[Ticket, int]]


def shown(board: Board) -> Shown:
    """Every card on the board with its column, before a full reload replaces them all."""
    return {
        ticket.id: (ticket, index)
        for index in range(len(board.columns))
        for ticket in board.column(index)
    }


class Departures:
    """Collected as server tickets are merged; the UI takes them after a refresh or a send."""

    def __init__(self) -> None:
        self._log: deque[Departure] = deque(maxlen=KEPT)

    def note(self, board: Board, old: Ticket | None, old_column: int | None, new: Ticket) -> None:
        left = departure(board, old, old_column, new)
        if left is not None:
            self._log.append(left)

    def note_reload(self, board: Board, before: Shown) -> None:
        """After a full reload: each card shown before that the reload took off the board."""
        for ticket_id, (old, column) in before.items():
            new = board.get(ticket_id)
            if new is not None:
                self.note(board, old, column, new)

    def take(self) -> list[Departure]:
        """The departures since the last call, oldest first."""
        taken = list(self._log)
        self._log.clear()
        return taken
