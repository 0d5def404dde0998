"""Free-text and quick filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.domain import Priority, QuickFilter, Ticket, TicketFilter, sla_at_risk

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ME = "user-me"


def make(
    number: int = 1,
    *,
    title: str = "Login page broken",
    state: str = "waiting_on_you",
    assignee: str | None = None,
    priority: Priority | None = None,
    tags: tuple[str, ...] = (),
    breach_in: timedelta | None = None,
) -> Ticket:
    return Ticket(
        id=f"t{number}",
        number=number,
        title=title,
        state=state,
        created_at=NOW,
        updated_at=NOW,
        priority=priority,
        assignee_id=assignee,
        tags=tags,
        resolution_breach_time=None if breach_in is None else NOW + breach_in,
    )


def names(ticket: Ticket) -> str:
    return {"t1": "Acme Corp Alice", "t2": "Globex Bob"}.get(ticket.id, "")


def matches(flt: TicketFilter, ticket: Ticket, me: str | None = ME) -> bool:
    return flt.predicate(now=NOW, me_id=me, names=names)(ticket)


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
        ("acme", True),  # account name via names()
        ("alice", True),  # assignee name via names()
        ("bob", False),
    ],
)
def test_text_matches_number_title_tags_and_names(text: str, expected: bool) -> None:
    ticket = make(1, tags=("billing", "sso"))
    assert matches(TicketFilter(text=text), ticket) is expected


def test_multiple_words_must_all_match() -> None:
    ticket = make(1, tags=("sso",))
    assert matches(TicketFilter(text="login acme"), ticket)
    assert matches(TicketFilter(text="  sso   broken "), ticket)
    assert not matches(TicketFilter(text="login globex"), ticket)


def test_empty_filter_matches_everything() -> None:
    assert matches(TicketFilter(), make(5, title=""))
    assert matches(TicketFilter(text="   "), make(5))


def test_quick_mine() -> None:
    flt = TicketFilter(quick=frozenset({QuickFilter.MINE}))
    assert matches(flt, make(assignee=ME))
    assert not matches(flt, make(assignee="someone-else"))
    assert not matches(flt, make(assignee=None))
    # without knowing who "me" is, nothing is mine
    assert not matches(flt, make(assignee=ME), me=None)


def test_quick_unassigned() -> None:
    flt = TicketFilter(quick=frozenset({QuickFilter.UNASSIGNED}))
    assert matches(flt, make(assignee=None))
    assert not matches(flt, make(assignee=ME))


def test_quick_urgent() -> None:
    flt = TicketFilter(quick=frozenset({QuickFilter.URGENT}))
    assert matches(flt, make(priority=Priority.URGENT))
    assert not matches(flt, make(priority=Priority.HIGH))
    assert not matches(flt, make(priority=None))


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
def test_sla_at_risk(breach_in: timedelta | None, state: str, expected: bool) -> None:
    ticket = make(breach_in=breach_in, state=state)
    assert sla_at_risk(ticket, NOW) is expected
    assert matches(TicketFilter(quick=frozenset({QuickFilter.SLA})), ticket) is expected


def test_quick_filters_and_text_combine_with_and() -> None:
    flt = TicketFilter(text="login", quick=frozenset({QuickFilter.URGENT, QuickFilter.MINE}))
    assert matches(flt, make(priority=Priority.URGENT, assignee=ME))
    assert not matches(flt, make(priority=Priority.URGENT, assignee=None))
    assert not matches(flt, make(priority=Priority.LOW, assignee=ME))
    assert not matches(flt, make(title="Other", priority=Priority.URGENT, assignee=ME))


def test_toggled_adds_then_removes_and_is_immutable() -> None:
    base = TicketFilter()
    on = base.toggled(QuickFilter.URGENT)
    assert on.quick == {QuickFilter.URGENT}
    assert base.quick == frozenset()
    both = on.toggled(QuickFilter.MINE)
    assert both.quick == {QuickFilter.URGENT, QuickFilter.MINE}
    assert both.toggled(QuickFilter.URGENT).quick == {QuickFilter.MINE}


def test_active() -> None:
    assert not TicketFilter().active
    assert not TicketFilter(text="   ").active
    assert TicketFilter(text="x").active
    assert TicketFilter().toggled(QuickFilter.SLA).active
    assert not TicketFilter().toggled(QuickFilter.SLA).toggled(QuickFilter.SLA).active


def test_describe_lists_quick_filters_in_fixed_order_then_text() -> None:
    assert TicketFilter().describe() == ""
    flt = TicketFilter().toggled(QuickFilter.SLA).toggled(QuickFilter.MINE).with_text(" acme ")
    assert flt.describe() == 'Mine, SLA breaching, "acme"'
    assert TicketFilter(text="x").with_text("").describe() == ""
