"""`pylon-tui list --view NAME --filter QUERY --sort KEY`: the board's views, query language
and orders on the command line, so a script sees what the board shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pylon_tui.bootstrap import Services, sla_policy
from pylon_tui.config import Config
from pylon_tui.domain import SlaPolicy, Ticket, View
from pylon_tui.domain.filters import MatchContext, compile_query
from pylon_tui.domain.query import EMPTY, Field, Query, QueryError, Term, parse, to_text
from pylon_tui.domain.sla import Deadline
from pylon_tui.domain.sorting import SortOrder, sort_key
from pylon_tui.domain.timefmt import format_time
from pylon_tui.domain.views import UnknownView, all_views, find_view


class SelectionError(ValueError):
    """A --view, --filter or --sort the user can fix: the message says how."""


@dataclass(frozen=True, slots=True)
class Selection:
    view: View | None
    typed: Query
    sort: SortOrder
    sla: SlaPolicy

    @property
    def query(self) -> Query:
        base = self.view.query if self.view is not None else EMPTY
        return base.and_(self.typed)

    @property
    def active(self) -> bool:
        return self.view is not None or not self.typed.empty or self.sort is not SortOrder.DEFAULT

    def describe(self) -> dict[str, object]:
        return {
            "view": self.view.name if self.view is not None else None,
            "filter": to_text(self.query),
            "sort": self.sort.value,
        }

    def needs_link_states(self) -> bool:
        return any(
            isinstance(p, Term) and p.field is Field.LINKED and {"open", "closed"} & set(p.values)
            for p in self.query.parts
        )


def select(
    config: Config, *, view: str | None, filter_text: str | None, sort: str | None, sandbox: bool
) -> Selection:
    chosen = None
    if view is not None:
        try:
            chosen = find_view(all_views(config.views), view)
        except UnknownView as error:
            raise SelectionError(str(error)) from None
    try:
        typed = parse(filter_text or "")
    except QueryError as error:
        raise SelectionError(f"--filter: {error.message}") from None
    order = chosen.sort if chosen is not None else SortOrder.DEFAULT
    if sort is not None:
        try:
            order = SortOrder.parse(sort)
        except ValueError as error:
            raise SelectionError(f"--sort: {error}") from None
    return Selection(chosen, typed, order, sla_policy(config, sandbox))


def matcher(
    selection: Selection,
    services: Services,
    now: datetime,
    link_closed: Callable[[str], bool | None],
) -> Callable[[Ticket], bool]:
    service = services.service
    directory = service.directory
    catalog = service.board.catalog
    return compile_query(
        selection.query,
        MatchContext(
            now=now,
            me_id=service.me_id,
            account_name=directory.account_name,
            user_name=directory.user_name,
            link_closed=link_closed,
            category_of=lambda s: found.value if (found := catalog.category_of(s)) else None,
            sla=selection.sla,
        ),
    )


def arrange(
    tickets: Sequence[Ticket], selection: Selection, keep: Callable[[Ticket], bool]
) -> list[Ticket]:
    shown = [t for t in tickets if keep(t)]
    by = sort_key(selection.sort, selection.sla)
    return sorted(shown, key=by) if by is not None else shown


def sla_json(ticket: Ticket, policy: SlaPolicy, now: datetime) -> dict[str, object] | None:
    """The SLA deadlines in `--json`: when each breaches and the seconds left (negative once
    breached)."""
    deadlines = policy.deadlines(ticket)
    if not deadlines:
        return None

    def one(deadline: Deadline) -> dict[str, object]:
        return {
            "breach_at": format_time(deadline.at),
            "seconds_left": int(deadline.left(now).total_seconds()),
        }

    out: dict[str, object] = {d.kind.name.lower(): one(d) for d in deadlines}
    soonest = min(deadlines, key=lambda d: d.at)
    out["next"] = soonest.kind.name.lower()
    return out


def refuses_me(selection: Selection, services: Services) -> str | None:
    """`assignee:me` without knowing who "me" is would list nothing: say how to fix it."""
    mentions = any(
        isinstance(p, Term)
        and p.field is Field.ASSIGNEE
        and any(str(v).lower() == "me" for v in p.values)
        for p in selection.query.parts
    )
    if mentions and services.service.me_id is None:
        return 'assignee:me needs me_email in config.toml (e.g. me_email = "you@example.com")'
    return None
