"""What cards say about linked issues (issue 15): "ENG-13 · 4 waiting" and the New ticket's
"like #23 (ENG-12)". Pure (domain only), memoised on the board's version so a key press that
changes nothing pays nothing; the hint is worked out per New card as it is drawn, so only
the cards on screen cost anything on a 10,000-ticket board.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pylon_tui.domain import Board, Category, LinkedIssue, Ticket
from pylon_tui.domain.blast import IssueGroup, group_by_issue
from pylon_tui.domain.similar import LookAlikes, SameIssueHint

HOLD = Category.ON_HOLD


class LinkFacts:
    def __init__(self, board: Board, live: Callable[[], Mapping[str, LinkedIssue]]) -> None:
        self.board = board
        self._live = live
        self._version = -1
        self._hold_key: tuple[tuple[int, int], ...] | None = None
        self._on_hold: list[Ticket] = []
        self._look_alikes: LookAlikes | None = None
        self._live_size = -1
        self._hints: dict[str, tuple[Ticket, SameIssueHint | None]] = {}
        self._drawn_counts: dict[str, int] | None = None

    def _catch_up(self) -> None:
        """Hints compare with the On Hold column: worked out again only when it changed
        (a move between New and On You leaves every hint as it was)."""
        board = self.board
        if self._version == board.version:
            return
        self._version = board.version
        router = board.router
        hold = [i for i in range(len(board.columns)) if router.category_of_column(i) is HOLD]
        key = tuple((board.column_version(i), board.content_version(i)) for i in hold)
        if key != self._hold_key:
            self._hold_key = key
            self._on_hold = [t for i in hold for t in board.column(i)]
            self._look_alikes = None
            self._hints.clear()

    def waiting(self) -> Mapping[str, int]:
        """external_id -> open tickets waiting on it (the board keeps the count)."""
        return self.board.waiting_counts()

    def counts_changed(self) -> bool:
        """True once after the counts changed since last asked: every card may need redrawing."""
        counts = self.board.waiting_counts()
        changed = self._drawn_counts is not None and counts != self._drawn_counts
        if changed or self._drawn_counts is None:
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
        live = self._live()
        if self._look_alikes is None or len(live) != self._live_size:
            self._look_alikes = LookAlikes(self._on_hold, live)
            self._live_size = len(live)
            self._hints.clear()
        found = self._look_alikes.hint(ticket)
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
