"""The board's running counts equal a recount from scratch, whatever happened in between.

`Board.waiting_counts` (blast radius) and the header's per-column SLA outlook are kept as
tickets change, so a card move does not recount 10,000 tickets; these properties drive
random upserts, moves, link changes, closes and removals and compare with the slow truth.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain import (
    DEFAULT_COLUMNS,
    Board,
    ExternalLink,
    IssueStateType,
    LinkedIssue,
    Ticket,
)
from pylon_tui.domain.blast import group_by_issue, waiting_counts
from pylon_tui.domain.similar import LookAlikes, same_issue_hint
from pylon_tui.domain.sla import SlaPolicy, breach_outlook, merged_outlook
from pylon_tui.domain.state import Category

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
STATES = ("new", "waiting_on_you", "on_hold", "closed", "waiting_on_customer")
LINKS = (
    ExternalLink("linear", "lin-1"),
    ExternalLink("linear", "lin-2"),
    ExternalLink("github", "gh-1"),
    ExternalLink("slack", "thread"),
)

changes = st.lists(
    st.tuples(
        st.sampled_from(("upsert", "remove")),
        st.integers(1, 12),
        st.sampled_from(STATES),
        st.lists(st.sampled_from(LINKS), max_size=3),
        st.integers(0, 300),
    ),
    max_size=60,
)


def ticket(number: int, state: str, links: list[ExternalLink], minutes: int) -> Ticket:
    at = NOW - timedelta(minutes=minutes)
    return Ticket(
        id=f"t{number}",
        number=number,
        title=f"T{number}",
        state=state,
        created_at=at,
        updated_at=at,
        links=tuple(links),
        resolution_breach_time=NOW + timedelta(minutes=minutes - 150),
    )


def recount(board: Board) -> dict[str, int]:
    catalog = board.catalog
    return waiting_counts(
        group_by_issue(
            board.all(), include=lambda t: catalog.category_of(t.state) is not Category.CLOSED
        )
    )


@settings(max_examples=150, deadline=None)
@given(start=changes, then=changes)
def test_waiting_counts_follow_every_change(start: list, then: list) -> None:  # type: ignore[type-arg]
    board = Board(DEFAULT_COLUMNS, now=lambda: NOW)
    board.replace_all(ticket(n, s, links, m) for _, n, s, links, m in start)
    assert dict(board.waiting_counts()) == recount(board)
    for kind, number, state, links, minutes in then:
        if kind == "remove":
            board.remove(f"t{number}")
        else:
            board.upsert(ticket(number, state, links, minutes))
        assert dict(board.waiting_counts()) == recount(board)


@settings(max_examples=150, deadline=None)
@given(start=changes, cut=st.integers(0, 12))
def test_the_outlook_of_parts_is_the_outlook_of_the_whole(start: list, cut: int) -> None:  # type: ignore[type-arg]
    tickets = list({n: ticket(n, s, links, m) for _, n, s, links, m in start}.values())
    policy = SlaPolicy()
    whole = breach_outlook(tickets, policy, NOW)
    parts = merged_outlook(
        [
            breach_outlook(tickets[:cut], policy, NOW),
            breach_outlook(tickets[cut:], policy, NOW),
        ]
    )
    assert parts.breached == whole.breached
    assert (parts.deadline.at if parts.deadline else None) == (
        whole.deadline.at if whole.deadline else None
    )


TITLES = st.lists(
    st.sampled_from(["csv", "export", "fails", "login", "sso", "loop", "slow", "api", "the"]),
    min_size=1,
    max_size=5,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    new_title=TITLES,
    held=st.lists(st.tuples(TITLES, st.sampled_from(LINKS)), max_size=12),
    issue_titles=st.lists(TITLES, min_size=3, max_size=3),
)
def test_look_alikes_answer_as_the_full_comparison(
    new_title: str, held: list[tuple[str, ExternalLink]], issue_titles: list[str]
) -> None:
    new = ticket(99, "new", [], 5)
    new = Ticket(new.id, new.number, new_title, "new", new.created_at, new.updated_at)
    on_hold = [
        Ticket(f"h{i}", i, title, "on_hold", NOW, NOW, links=(link,))
        for i, (title, link) in enumerate(held)
    ]
    live = {
        key: LinkedIssue("linear", key, key.upper(), title, "Todo", IssueStateType.UNSTARTED, "")
        for key, title in zip(("lin-1", "lin-2", "gh-1"), issue_titles, strict=True)
    }
    expected = same_issue_hint(new, on_hold, live)
    found = LookAlikes(on_hold, live).hint(new)
    got = (found.like.id, found.label, found.score) if found else None
    assert got == ((expected.like.id, expected.label, expected.score) if expected else None)
