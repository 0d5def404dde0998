"""Tickets a search skips because their JSON is unusable, and why.

One malformed ticket (a wrong type, an id no database takes) must not blank the whole board or
fail `list --json`: it is left out, counted, and the board and the CLI say how many and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from pylon_tui.domain import Ticket

from . import wire
from .errors import BadResponseError


@dataclass
class SkippedTickets:
    """Tickets a search left out because their JSON was unusable.

    One malformed ticket must not blank the whole board or fail `list --json`: it is skipped,
    and the board and the CLI say how many were and why (the first few distinct reasons).
    """

    count: int = 0
    reasons: list[str] = field(default_factory=list)
    KEEP_REASONS: ClassVar[int] = 3

    def add(self, reason: str) -> None:
        self.count += 1
        if reason not in self.reasons and len(self.reasons) < self.KEEP_REASONS:
            self.reasons.append(reason)

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self, service: str = "Pylon") -> str:
        """One plain line for a status bar or stderr; empty when nothing was skipped."""
        if not self.count:
            return ""
        noun = "ticket" if self.count == 1 else "tickets"
        return f"skipped {self.count} {noun} with unusable data from {service}: " + "; ".join(
            self.reasons
        )


def tickets_from_json(
    items: Sequence[object], priorities: wire.PriorityOptions, skipped: SkippedTickets
) -> list[Ticket]:
    """Parse a page of issues, skipping (and counting in `skipped`) each one that fails."""
    tickets = []
    for item in items:
        try:
            tickets.append(wire.ticket_from_json(item, priorities))
        except BadResponseError as err:
            skipped.add(err.message)
        except Exception as exc:  # a shape nobody foresaw: still only this ticket's problem
            skipped.add(f"unexpected issue: {type(exc).__name__}")
    return tickets
