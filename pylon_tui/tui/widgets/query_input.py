"""The filter input's helpers: inline completion of the query language, the values it
completes from, and the header's next-breach text (cached: it scans every shown card)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from textual.suggester import Suggester

from pylon_tui.domain import Directory, Ticket
from pylon_tui.domain.query import Field
from pylon_tui.domain.query_hints import complete
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.sla import BreachOutlook, Deadline, SlaPolicy, breach_outlook, merged_outlook
from pylon_tui.tui.view import BoardView

MAX_CANDIDATES = 200


class QuerySuggester(Suggester):
    """Textual's inline suggestion (→ accepts it) from the query language's completion."""

    def __init__(self, candidates: Callable[[Field], Sequence[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._candidates = candidates

    async def get_suggestion(self, value: str) -> str | None:
        return complete(value, self._candidates)


def field_candidates(field: Field, tickets: Iterable[Ticket], directory: Directory) -> list[str]:
    """Tags, account and assignee names on the board, as one-line text, most common first."""
    counts: dict[str, int] = {}
    for ticket in tickets:
        if field is Field.TAG:
            values: Iterable[str] = ticket.tags
        elif field is Field.ACCOUNT:
            values = (directory.account_name(ticket.account_id),)
        elif field is Field.ASSIGNEE:
            values = (directory.user_name(ticket.assignee_id),)
        elif field is Field.STATE:
            values = (ticket.state,)
        else:
            return []
        for value in values:
            clean = one_line(value)
            if clean:
                counts[clean] = counts.get(clean, 0) + 1
    ranked = sorted(counts, key=lambda v: (-counts[v], v.lower()))
    return ranked[:MAX_CANDIDATES]


class BreachCache:
    """'next breach 12m: #71' for the cards shown, recomputed when the board, the filter or
    the minute changes (not on every status-bar update), and then only for the columns
    that changed: a card move costs New's and On You's tickets, each ticket's deadlines
    remembered, not a pass over every deadline on the board."""

    def __init__(self, policy: SlaPolicy) -> None:
        self.policy = policy
        self._key: object = None
        self._text = ""
        self._columns: dict[int, tuple[object, BreachOutlook]] = {}
        self._deadlines: dict[str, tuple[Ticket, list[Deadline]]] = {}

    def _key_of(self, view: BoardView, now: datetime) -> object:
        return (
            view.board.version,
            view.filter,
            tuple(id(v) for v in view.views),
            now.replace(second=0, microsecond=0),
        )

    def current(self, view: BoardView, now: datetime) -> bool:
        """The text is up to date: no column or minute changed since it was worked out."""
        return self._key == self._key_of(view, now)

    @property
    def last(self) -> str:
        """What was worked out last (the header keeps it for the frame a key paints)."""
        return self._text

    def text(self, view: BoardView, now: datetime) -> str:
        key = self._key_of(view, now)
        if key != self._key:
            self._key = key
            self._text = self._compute(view, now)
        return self._text

    def _deadlines_of(self, ticket: Ticket) -> list[Deadline]:
        hit = self._deadlines.get(ticket.id)
        if hit is not None and hit[0] is ticket:
            return hit[1]
        found = self.policy.sorted_deadlines(ticket)
        self._deadlines[ticket.id] = (ticket, found)
        return found

    def _compute(self, view: BoardView, now: datetime) -> str:
        board = view.board
        if len(self._deadlines) > 2 * len(board) + 1000:  # tickets gone since: start over
            self._deadlines.clear()
        minute = now.replace(second=0, microsecond=0)
        parts = []
        for index, column in enumerate(view.views):
            key = (
                id(column),
                len(column),
                board.column_version(index),
                board.content_version(index),
                view.filter,
                minute,
            )
            cached = self._columns.get(index)
            if cached is None or cached[0] != key:
                shown = (t for t in column if t.state != "closed")
                outlook = breach_outlook(shown, self.policy, now, self._deadlines_of)
                cached = self._columns[index] = (key, outlook)
            parts.append(cached[1])
        outlook = merged_outlook(parts)
        said = []
        if outlook.breached:
            said.append(f"{outlook.breached} breached")
        if outlook.ticket is not None and outlook.deadline is not None:
            said.append(f"next breach {outlook.deadline.countdown(now)}: #{outlook.ticket.number}")
        return " · ".join(said)
