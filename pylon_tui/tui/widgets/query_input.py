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
from pylon_tui.domain.sla import SlaPolicy, breach_outlook
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
    the minute changes (not on every status-bar update)."""

    def __init__(self, policy: SlaPolicy) -> None:
        self.policy = policy
        self._key: object = None
        self._text = ""

    def text(self, view: BoardView, now: datetime) -> str:
        key = (
            view.board.version,
            view.filter,
            tuple(id(v) for v in view.views),
            now.replace(second=0, microsecond=0),
        )
        if key != self._key:
            self._key = key
            self._text = self._compute(view, now)
        return self._text

    def _compute(self, view: BoardView, now: datetime) -> str:
        shown = (t for column in view.views for t in column if t.state != "closed")
        outlook = breach_outlook(shown, self.policy, now)
        parts = []
        if outlook.breached:
            parts.append(f"{outlook.breached} breached")
        if outlook.ticket is not None and outlook.deadline is not None:
            parts.append(f"next breach {outlook.deadline.countdown(now)}: #{outlook.ticket.number}")
        return " · ".join(parts)
