"""Board filters: a saved view plus what the user typed after `/`, both in the query
language (query.py), compiled once per change into one predicate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .priority import Priority
from .query import EMPTY, Comparison, Field, Query, Term, Word, parse
from .sla import SlaPolicy
from .sorting import SortOrder
from .ticket import Ticket

SLA_SOON = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class View:
    """A named filter and order: `[views.NAME]` in the config, or one of the built-ins."""

    name: str
    query: Query = EMPTY
    sort: SortOrder = SortOrder.DEFAULT
    label: str = ""
    """How the header names it; the name when empty."""

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """The active view (None: all tickets) and the typed query, ANDed. `text` is what the
    user typed, kept as typed; `typed` is its last version that parsed."""

    view: View | None = None
    text: str = ""
    typed: Query = field(default=EMPTY)

    @property
    def query(self) -> Query:
        base = self.view.query if self.view is not None else EMPTY
        return base.and_(self.typed)

    @property
    def active(self) -> bool:
        return not self.query.empty

    @classmethod
    def of(cls, text: str = "", view: View | None = None) -> TicketFilter:
        """A filter from query text (raises QueryError when it does not parse)."""
        return cls(view, text, parse(text))

    def with_text(self, text: str, typed: Query | None = None) -> TicketFilter:
        """`typed` is `text` parsed, when the caller has already parsed it."""
        return replace(self, text=text, typed=parse(text) if typed is None else typed)

    def with_view(self, view: View | None) -> TicketFilter:
        return replace(self, view=view)

    def describe(self) -> str:
        """The status bar's filter marker: the typed part, quoted (the header names the view)."""
        return f'"{self.text.strip()}"' if self.text.strip() else ""


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What matching needs beyond the ticket: names, who "me" is, live link states."""

    now: datetime
    me_id: str | None
    account_name: Callable[[str | None], str]
    user_name: Callable[[str | None], str]
    link_closed: Callable[[str], bool | None] = lambda _eid: None
    """True/False when the link watcher knows the issue's state; None when it does not."""
    category_of: Callable[[str], str | None] = lambda _state: None
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    haystack: Callable[[Ticket], str] | None = None
    """The ticket's lower-cased searchable text, if the caller caches it."""


def searchable_text(ticket: Ticket, names: Callable[[Ticket], str]) -> str:
    return f"#{ticket.number} {ticket.title} {' '.join(ticket.tags)} {names(ticket)}".lower()


def compile_query(query: Query, ctx: MatchContext) -> Callable[[Ticket], bool]:
    """One predicate for the whole query; each term is compiled once, not per ticket."""

    def names(t: Ticket) -> str:
        return f"{ctx.account_name(t.account_id)} {ctx.user_name(t.assignee_id)}"

    hay = ctx.haystack or (lambda t: searchable_text(t, names))
    tests: list[Callable[[Ticket], bool]] = []
    for part in query.parts:
        test = _word_test(part, hay) if isinstance(part, Word) else _term_test(part, ctx)
        tests.append(_negate(test) if part.negated else test)
    return lambda ticket: all(test(ticket) for test in tests)


def _negate(test: Callable[[Ticket], bool]) -> Callable[[Ticket], bool]:
    return lambda ticket: not test(ticket)


def _word_test(word: Word, hay: Callable[[Ticket], str]) -> Callable[[Ticket], bool]:
    needle = word.text.lower()
    return lambda ticket: needle in hay(ticket)


def _term_test(term: Term, ctx: MatchContext) -> Callable[[Ticket], bool]:
    tests = [_value_test(term.field, value, ctx) for value in term.values]
    return lambda ticket: any(test(ticket) for test in tests)


def _value_test(
    field: Field, value: str | Comparison, ctx: MatchContext
) -> Callable[[Ticket], bool]:
    if isinstance(value, Comparison):
        return _compare(field, value, ctx)
    low = value.lower()
    if field is Field.ASSIGNEE:
        if low == "me":
            return lambda t: ctx.me_id is not None and t.assignee_id == ctx.me_id
        if low == "none":
            return lambda t: not t.assignee_id
        return lambda t: bool(t.assignee_id) and low in ctx.user_name(t.assignee_id).lower()
    if field is Field.PRIORITY:
        wanted = None if low == "none" else Priority(low)
        return lambda t: t.priority is wanted
    if field is Field.ACCOUNT:
        return lambda t: low in ctx.account_name(t.account_id).lower()
    if field is Field.TAG:
        return lambda t: any(tag.lower() == low for tag in t.tags)
    if field is Field.STATE:
        return lambda t: t.state == low or ctx.category_of(t.state) == low
    if field is Field.LINKED:
        return _linked(low, ctx)
    # Field.SLA with a word
    if low == "breached":
        return lambda t: any(d.at <= ctx.now for d in ctx.sla.deadlines(t))
    return lambda t: not ctx.sla.deadlines(t)  # sla:none


def _linked(which: str, ctx: MatchContext) -> Callable[[Ticket], bool]:
    def tracking(t: Ticket) -> list[bool | None]:
        return [ctx.link_closed(link.external_id) for link in t.links if link.is_tracking]

    if which == "none":
        return lambda t: not tracking(t)
    if which == "any":
        return lambda t: bool(tracking(t))
    if which == "closed":
        return lambda t: bool(states := tracking(t)) and all(s is True for s in states)
    return lambda t: any(s is not True for s in tracking(t))  # open (unknown counts as open)


def _compare(field: Field, value: Comparison, ctx: MatchContext) -> Callable[[Ticket], bool]:
    """`<` less time than the amount, `>` more. For SLA the time is what is left before the
    next breach (negative once breached, so `sla:<2h` includes breached tickets)."""
    less = value.op == "<"

    def check(span: timedelta | None) -> bool:
        if span is None:
            return False
        return span < value.amount if less else span > value.amount

    if field is Field.SLA:

        def left(t: Ticket) -> timedelta | None:
            deadline = ctx.sla.next_deadline(t)
            return None if deadline is None else deadline.at - ctx.now

        return lambda t: check(left(t))
    if field is Field.WAITING:
        return lambda t: check(ctx.now - t.waiting_since())
    return lambda t: check(ctx.now - t.updated_at)  # Field.UPDATED


def sla_at_risk(ticket: Ticket, now: datetime, policy: SlaPolicy | None = None) -> bool:
    """Breached, or breaching within the hour, while still open."""
    deadline = (policy or SlaPolicy()).next_deadline(ticket)
    return deadline is not None and deadline.at - now <= SLA_SOON
