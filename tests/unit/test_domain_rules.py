"""Move rules: the On Hold gate and the verdicts every move path relies on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pylon_tui.domain import (
    DEFAULT_COLUMNS,
    Category,
    Column,
    ColumnRouter,
    ExternalLink,
    MoveVerdict,
    StateCatalog,
    StateInfo,
    Ticket,
    check_move,
    check_move_to_column,
)

T0 = datetime(2024, 6, 1, tzinfo=UTC)
CATALOG = StateCatalog(
    [
        StateInfo("investigating", "Investigating", Category.WAITING_ON_YOU),
        StateInfo("blocked_on_eng", "Blocked on eng", Category.ON_HOLD),
    ]
)
LINEAR = ExternalLink("linear", "abc-uuid", "https://linear.app/acme/issue/ENG-12/slug")
GITHUB = ExternalLink("github", "acme/app/42", "https://github.com/acme/app/issues/42")
JIRA = ExternalLink("jira", "PROJ-1", "https://acme.atlassian.net/browse/PROJ-1")
ON_YOU_COL, ON_HOLD_COL = DEFAULT_COLUMNS[1], DEFAULT_COLUMNS[2]


def ticket(state: str = "waiting_on_you", links: tuple[ExternalLink, ...] = ()) -> Ticket:
    return Ticket("t1", 7, "Broken", state, T0, T0, links=links)


@pytest.mark.parametrize("target", ["on_hold", "blocked_on_eng"])
def test_on_hold_without_link_needs_link(target: str) -> None:
    check = check_move(ticket(), target, CATALOG)
    assert check.verdict is MoveVerdict.NEEDS_LINK
    assert not check.allowed
    assert check.target_state == target
    assert "#7" in check.message


@pytest.mark.parametrize("link", [LINEAR, GITHUB])
@pytest.mark.parametrize("target", ["on_hold", "blocked_on_eng"])
def test_on_hold_with_tracking_link_is_allowed(link: ExternalLink, target: str) -> None:
    check = check_move(ticket(links=(link,)), target, CATALOG)
    assert check.verdict is MoveVerdict.ALLOWED
    assert check.allowed


def test_non_tracking_link_does_not_open_the_gate() -> None:
    assert check_move(ticket(links=(JIRA,)), "on_hold", CATALOG).verdict is MoveVerdict.NEEDS_LINK
    mixed = ticket(links=(JIRA, GITHUB))
    assert check_move(mixed, "on_hold", CATALOG).allowed


def test_gate_comes_from_the_link_added_by_with_link() -> None:
    linked = ticket().with_link(LINEAR)
    assert check_move(linked, "on_hold", CATALOG).allowed
    assert linked.with_link(LINEAR).links == (LINEAR,)  # same key is not duplicated


@pytest.mark.parametrize("target", ["new", "waiting_on_you", "closed", "investigating"])
def test_other_targets_need_no_link(target: str) -> None:
    check = check_move(ticket("on_hold"), target, CATALOG)
    assert check.verdict is MoveVerdict.ALLOWED


def test_same_state_is_no_change() -> None:
    check = check_move(ticket("on_hold"), "on_hold", CATALOG)
    assert check.verdict is MoveVerdict.NO_CHANGE
    assert not check.allowed


def test_unknown_target_state() -> None:
    check = check_move(ticket(), "made_up", CATALOG)
    assert check.verdict is MoveVerdict.UNKNOWN_STATE
    assert not check.allowed
    assert "made_up" in check.message
    # a custom slug is unknown to a catalog that was never told about it
    assert check_move(ticket(), "investigating", StateCatalog()).verdict is (
        MoveVerdict.UNKNOWN_STATE
    )


def test_move_to_column_targets_its_first_state_and_is_gated() -> None:
    check = check_move_to_column(ticket(), ON_HOLD_COL, CATALOG)
    assert check.verdict is MoveVerdict.NEEDS_LINK
    assert check.target_state == "on_hold"
    check = check_move_to_column(ticket(links=(LINEAR,)), ON_HOLD_COL, CATALOG)
    assert check.allowed
    assert check.target_state == "on_hold"


def test_move_to_column_with_custom_first_state_is_gated_by_category() -> None:
    column = Column("eng", "Engineering", ("blocked_on_eng", "on_hold"))
    assert check_move_to_column(ticket(), column, CATALOG).verdict is MoveVerdict.NEEDS_LINK
    allowed = check_move_to_column(ticket(links=(GITHUB,)), column, CATALOG)
    assert allowed.allowed
    assert allowed.target_state == "blocked_on_eng"


def test_ticket_in_listed_custom_slug_of_column_stays_put() -> None:
    column = Column("on_you", "On You", ("waiting_on_you", "investigating"))
    check = check_move_to_column(ticket("investigating"), column, CATALOG)
    assert check.verdict is MoveVerdict.NO_CHANGE
    assert check.target_state == "investigating"


def test_ticket_in_custom_slug_routed_by_category_stays_put() -> None:
    # DEFAULT_COLUMNS shows "investigating" in On You via its category; moving it "to On You"
    # must not silently rewrite the custom status to waiting_on_you.
    router = ColumnRouter(DEFAULT_COLUMNS, CATALOG)
    check = check_move_to_column(ticket("investigating"), ON_YOU_COL, CATALOG, router=router)
    assert check.verdict is MoveVerdict.NO_CHANGE
    assert check.target_state == "investigating"
    # ...and a ticket with a custom on_hold slug is already in On Hold, even without a link
    held = check_move_to_column(ticket("blocked_on_eng"), ON_HOLD_COL, CATALOG, router=router)
    assert held.verdict is MoveVerdict.NO_CHANGE
    # a different column still moves it
    other = check_move_to_column(
        ticket("investigating"), DEFAULT_COLUMNS[0], CATALOG, router=router
    )
    assert other.allowed
    assert other.target_state == "new"


def test_custom_slug_listed_in_another_column_still_moves_with_router() -> None:
    columns = (
        Column("on_you", "On You", ("waiting_on_you",)),
        Column("inv", "Investigating", ("investigating",)),
    )
    router = ColumnRouter(columns, CATALOG)
    check = check_move_to_column(ticket("investigating"), columns[0], CATALOG, router=router)
    assert check.verdict is MoveVerdict.ALLOWED
    assert check.target_state == "waiting_on_you"
