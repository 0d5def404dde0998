"""What cards say about linked issues (issue 15): "ENG-13 · 4 waiting" and the New ticket's
"like #23 (ENG-12)". Pure (domain only), memoised on the board's version so a key press that
changes nothing pays nothing; the hint is worked out per New card as it is drawn, so only
the cards on screen cost anything on a 10,000-ticket board.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pylon_tui.domain import Board, Category, LinkedIssue, Ticket
from pylon_tui.domain.blast import IssueGroup, group_by_issue, waiting_counts
from pylon_tui.domain.similar import SameIssueHint, same_issue_hint


class LinkFacts:
    def __init__(self, board: Board, live: Callable[[], Mapping[str, LinkedIssue]]) -> None:
        self.board = board
        self._live = live
        self._version = -1
        self._counts: dict[str, int] = {}
        self._on_hold: list[Ticket] = []
        self._hints: dict[str, tuple[Ticket, SameIssueHint | None]] = {}
        self._drawn_counts: dict[str, int] | None = None

    def _catch_up(self) -> None:
        if self._version == self.board.version:
            return
        self._version = self.board.version
        catalog = self.board.catalog
        open_tickets = [
            t for t in self.board.all() if catalog.category_of(t.state) is not Category.CLOSED
        ]
        self._counts = waiting_counts(
            group_by_issue(open_tickets, include=lambda t: t.has_tracking_link())
        )
        self._on_hold = [t for t in open_tickets if catalog.is_on_hold(t.state)]
        self._hints.clear()

    def waiting(self) -> dict[str, int]:
        """external_id -> open tickets waiting on it."""
        self._catch_up()
        return self._counts

    def counts_changed(self) -> bool:
        """True once after the counts changed since last asked: every card may need redrawing."""
        counts = self.waiting()
        changed = self._drawn_counts is not None and counts != self._drawn_counts
        self._drawn_counts = dict(counts)
        return changed

    def hint(self, ticket: Ticket) -> SameIssueHint | None:
        """For a New ticket without a link: the On Hold ticket it most resembles, if any."""
        self._catch_up()
        if ticket.has_tracking_link() or self.board.catalog.category_of(ticket.state) not in (
            Category.NEW,
        ):
            return None
        cached = self._hints.get(ticket.id)
        if cached is not None and cached[0] is ticket:
            return cached[1]
        found = same_issue_hint(ticket, self._on_hold, self._live())
        self._hints[ticket.id] = (ticket, found)
        return found

    def hint_text(self, ticket: Ticket) -> str:
        found = self.hint(ticket)
        return found.text if found is not None else ""

    def on_hold_groups(self) -> list[IssueGroup]:
        """The grouped On Hold view: On Hold tickets by linked issue, most waited first."""
        catalog = self.board.catalog
        return group_by_issue(
            self.board.all(), include=lambda t: catalog.is_on_hold(t.state), live=self._live()
        )
