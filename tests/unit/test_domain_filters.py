"""Matching tickets against the query language: words, every field, negation, views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.domain import Priority, Ticket, TicketFilter, sla_at_risk
from pylon_tui.domain.filters import MatchContext, View, compile_query
from pylon_tui.domain.links import ExternalLink
from pylon_tui.domain.query import parse
from pylon_tui.domain.sla import SlaPolicy
from pylon_tui.domain.views import BUILTIN_VIEWS, find_view

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ME = "user-me"
ACCOUNTS = {"a1": "Acme Logistics", "a2": "Globex"}
USERS = {ME: "Sam Me", "u2": "Alice Smith"}


def make(
    number: int = 1,
    *,
    title: str = "Login page broken",
    state: str = "waiting_on_you",
    assignee: str | None = None,
    priority: Priority | None = None,
    tags: tuple[str, ...] = (),
    breach_in: timedelta | None = None,
    account: str | None = "a1",
    waiting: timedelta = timedelta(hours=1),
    links: tuple[ExternalLink, ...] = (),
    responded: bool = True,
) -> Ticket:
    return Ticket(
        id=f"t{number}",
        number=number,
        title=title,
        state=state,
        created_at=NOW - waiting,
        updated_at=NOW - waiting,
        latest_message_time=NOW - waiting,
        first_response_time=NOW - waiting if responded else None,
        priority=priority,
        assignee_id=assignee,
        account_id=account,
        tags=tags,
        links=links,
        resolution_breach_time=None if breach_in is None else NOW + breach_in,
    )


LINEAR_OPEN = ExternalLink("linear", "uuid-open", "https://linear.app/x/issue/ENG-1")
LINEAR_DONE = ExternalLink("linear", "uuid-done", "https://linear.app/x/issue/ENG-2")
CLOSED = {"uuid-open": False, "uuid-done": True}


def ctx(me: str | None = ME, sla: SlaPolicy | None = None) -> MatchContext:
    return MatchContext(
        now=NOW,
        me_id=me,
        account_name=lambda a: ACCOUNTS.get(a or "", ""),
        user_name=lambda u: USERS.get(u or "", ""),
        link_closed=CLOSED.get,
        category_of=lambda s: {"investigating": "waiting_on_you"}.get(s, s),
        sla=sla or SlaPolicy(),
    )


def matches(text: str, ticket: Ticket, me: str | None = ME, sla: SlaPolicy | None = None) -> bool:
    return compile_query(parse(text), ctx(me, sla))(ticket)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#1", True),
        ("1", True),
        ("#2", False),
        ("login", True),
        ("LOGIN", True),
        ("checkout", False),
        ("billing", True),  # tag
        ("acme", True),  # account name
        ("alice", True),  # assignee name
        ("globex", False),
        ('"page broken"', True),  # a quoted phrase
        ('"broken page"', False),
        ("-checkout", True),
        ("-login", False),
    ],
)
def test_words_match_number_title_tags_and_names(text: str, expected: bool) -> None:
    ticket = make(1, tags=("billing", "sso"), assignee="u2")
    assert matches(text, ticket) is expected


def test_words_and_terms_combine_with_and() -> None:
    ticket = make(1, tags=("sso",), priority=Priority.URGENT)
    assert matches("login acme priority:urgent", ticket)
    assert not matches("login globex", ticket)
    assert not matches("login priority:high", ticket)
    assert matches("", make(5, title=""))


def test_assignee_me_none_and_names() -> None:
    mine, theirs, nobody = make(assignee=ME), make(assignee="u2"), make(assignee=None)
    assert [matches("assignee:me", t) for t in (mine, theirs, nobody)] == [True, False, False]
    assert not matches("assignee:me", mine, me=None), "without knowing who me is, none is mine"
    assert [matches("assignee:none", t) for t in (mine, theirs, nobody)] == [False, False, True]
    assert [matches("assignee:alice", t) for t in (mine, theirs, nobody)] == [False, True, False]
    assert [matches("assignee:me,none", t) for t in (mine, theirs, nobody)] == [True, False, True]
    assert [matches("-assignee:me", t) for t in (mine, theirs, nobody)] == [False, True, True]


def test_priority_alternatives_and_none() -> None:
    tickets = [make(priority=p) for p in (Priority.URGENT, Priority.HIGH, Priority.LOW, None)]
    assert [matches("priority:urgent,high", t) for t in tickets] == [True, True, False, False]
    assert [matches("priority:urgent|high", t) for t in tickets] == [True, True, False, False]
    assert [matches("priority:none", t) for t in tickets] == [False, False, False, True]


def test_account_quoted_and_partial() -> None:
    acme, globex = make(account="a1"), make(account="a2")
    assert matches('account:"Acme Logistics"', acme)
    assert not matches('account:"Acme Logistics"', globex)
    assert matches("account:acme", acme), "part of the name is enough"


def test_tags_exact_and_negated() -> None:
    billing = make(tags=("billing",))
    spam = make(tags=("billing", "spam"))
    assert matches("tag:billing -tag:spam", billing)
    assert not matches("tag:billing -tag:spam", spam)
    assert not matches("tag:bill", billing), "a tag matches whole"


def test_state_by_slug_or_category() -> None:
    assert matches("state:waiting_on_you", make(state="waiting_on_you"))
    assert matches("state:waiting_on_you", make(state="investigating")), "custom status category"
    assert matches("state:on_hold,new", make(state="new"))
    assert not matches("state:on_hold", make(state="new"))


def test_waiting_and_updated_compare_times() -> None:
    fresh, stale = make(waiting=timedelta(minutes=10)), make(waiting=timedelta(days=2))
    assert [matches("waiting:>1d", t) for t in (fresh, stale)] == [False, True]
    assert [matches("waiting:<1h", t) for t in (fresh, stale)] == [True, False]
    assert [matches("updated:<30m", t) for t in (fresh, stale)] == [True, False]


def test_sla_counts_down_to_the_next_breach() -> None:
    breached = make(breach_in=timedelta(hours=-1))
    soon = make(breach_in=timedelta(minutes=90))
    later = make(breach_in=timedelta(days=3))
    none = make()
    tickets = (breached, soon, later, none)
    assert [matches("sla:<2h", t) for t in tickets] == [True, True, False, False]
    assert [matches("sla:>1d", t) for t in tickets] == [False, False, True, False]
    assert [matches("sla:breached", t) for t in tickets] == [True, False, False, False]
    assert [matches("sla:none", t) for t in tickets] == [False, False, False, True]


def test_sla_includes_the_first_response_target() -> None:
    waiting = make(state="new", responded=False, waiting=timedelta(minutes=50))
    policy = SlaPolicy(first_response=timedelta(hours=1))
    assert matches("sla:<15m", waiting, sla=policy), "10 minutes left to answer"
    assert not matches("sla:<15m", waiting), "no target configured: no first-response SLA"
    answered = make(state="new", responded=True, waiting=timedelta(minutes=50))
    assert not matches("sla:<15m", answered, sla=policy)


def test_linked_none_open_closed_any() -> None:
    none = make()
    open_ = make(links=(LINEAR_OPEN,))
    done = make(links=(LINEAR_DONE,))
    both = make(links=(LINEAR_OPEN, LINEAR_DONE))
    unknown = make(links=(ExternalLink("linear", "uuid-unknown", None),))
    tickets = (none, open_, done, both, unknown)
    assert [matches("linked:none", t) for t in tickets] == [True, False, False, False, False]
    assert [matches("linked:closed", t) for t in tickets] == [False, False, True, False, False]
    assert [matches("linked:open", t) for t in tickets] == [False, True, False, True, True]
    assert [matches("linked:any", t) for t in tickets] == [False, True, True, True, True]
    assert [matches("linked:none|open", t) for t in tickets] == [True, True, False, True, True]


@pytest.mark.parametrize(
    ("breach_in", "state", "expected"),
    [
        (timedelta(hours=-3), "waiting_on_you", True),  # already breached
        (timedelta(minutes=30), "waiting_on_you", True),  # within the hour
        (timedelta(hours=1), "new", True),  # exactly an hour away
        (timedelta(hours=1, minutes=1), "waiting_on_you", False),
        (timedelta(days=2), "on_hold", False),
        (timedelta(hours=-3), "closed", False),  # closed never at risk
        (None, "waiting_on_you", False),  # no SLA
    ],
)
def test_sla_at_risk_and_the_sla_view(
    breach_in: timedelta | None, state: str, expected: bool
) -> None:
    ticket = make(breach_in=breach_in, state=state)
    assert sla_at_risk(ticket, NOW) is expected
    sla_view = find_view(BUILTIN_VIEWS, "sla")
    assert compile_query(sla_view.query, ctx())(ticket) is (
        expected and breach_in != timedelta(hours=1)
    )


def test_the_quick_filters_are_builtin_views() -> None:
    names = [v.name for v in BUILTIN_VIEWS]
    assert names == ["mine", "unassigned", "urgent", "sla"]
    mine = find_view(BUILTIN_VIEWS, "Mine")
    assert compile_query(mine.query, ctx())(make(assignee=ME))
    assert not compile_query(mine.query, ctx())(make(assignee="u2"))


def test_a_filter_is_its_view_and_the_typed_text_together() -> None:
    view = View("billing", parse("tag:billing"))
    flt = TicketFilter.of("login", view)
    run = compile_query(flt.query, ctx())
    assert run(make(tags=("billing",)))
    assert not run(make(tags=("sso",)))
    assert not run(make(title="Other", tags=("billing",)))
    assert flt.active
    assert flt.describe() == '"login"'
    assert not TicketFilter().active
    assert not TicketFilter.of("   ").active
    assert TicketFilter(view=view).active
    assert flt.with_text("").query == view.query
    assert flt.with_view(None).query == parse("login")
