"""Board grouping, ordering, incremental updates and summaries."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.domain import (
    DEFAULT_COLUMNS,
    Board,
    Category,
    Column,
    Priority,
    StateCatalog,
    StateInfo,
    Ticket,
)

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
NEW, ON_YOU, ON_HOLD, CLOSED = range(4)
INVESTIGATING = StateInfo("investigating", "Investigating", Category.WAITING_ON_YOU)
CATALOG = StateCatalog([INVESTIGATING])


def make(
    number: int,
    state: str = "new",
    *,
    priority: Priority | None = None,
    created_ago: timedelta = timedelta(hours=1),
    message_ago: timedelta | None = None,
    updated_ago: timedelta = timedelta(minutes=5),
    title: str = "",
) -> Ticket:
    return Ticket(
        id=f"t{number}",
        number=number,
        title=title or f"ticket {number}",
        state=state,
        created_at=NOW - created_ago,
        updated_at=NOW - updated_ago,
        priority=priority,
        latest_message_time=None if message_ago is None else NOW - message_ago,
    )


def new_board(columns=DEFAULT_COLUMNS, catalog: StateCatalog = CATALOG) -> Board:
    return Board(columns, catalog, now=lambda: NOW)


def numbers(board: Board, index: int) -> list[int]:
    return [t.number for t in board.column(index)]


def test_default_columns_are_new_on_you_on_hold_closed() -> None:
    assert [c.title for c in DEFAULT_COLUMNS] == ["New", "On You", "On Hold", "Closed"]
    assert DEFAULT_COLUMNS[CLOSED].recent_days == 7


def test_replace_all_groups_each_base_state_into_its_column() -> None:
    board = new_board()
    board.replace_all(
        [make(1, "new"), make(2, "waiting_on_you"), make(3, "on_hold"), make(4, "closed")]
    )
    assert [numbers(board, i) for i in range(4)] == [[1], [2], [3], [4]]
    assert board.counts() == [1, 1, 1, 1]
    assert board.hidden_count() == 0
    assert len(board) == 4


def test_custom_status_slug_lands_in_column_of_its_category() -> None:
    board = new_board()
    board.replace_all([make(1, "investigating")])
    assert numbers(board, ON_YOU) == [1]
    assert board.column_index_of("t1") == ON_YOU


def test_explicitly_listed_slug_wins_over_category() -> None:
    columns = (
        Column("new", "New", ("new",)),
        Column("on_you", "On You", ("waiting_on_you",)),
        Column("inv", "Investigating", ("investigating",)),
    )
    board = new_board(columns)
    board.replace_all([make(1, "investigating"), make(2, "waiting_on_you")])
    assert numbers(board, 2) == [1]
    assert numbers(board, 1) == [2]


def test_unknown_slug_and_waiting_on_customer_are_hidden_but_counted() -> None:
    board = new_board()
    board.replace_all([make(1, "mystery_status"), make(2, "waiting_on_customer"), make(3)])
    assert board.counts() == [1, 0, 0, 0]
    assert board.hidden_count() == 2
    assert {t.number for t in board.hidden()} == {1, 2}
    assert board.column_index_of("t1") is None
    assert board.get("t2") is not None  # never silently dropped
    assert len(board) == 3


def test_closed_column_keeps_only_recently_updated_tickets() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "closed", updated_ago=timedelta(days=6, hours=23)),
            make(2, "closed", updated_ago=timedelta(days=7, minutes=1)),
            make(3, "closed", updated_ago=timedelta(days=30)),
        ]
    )
    assert numbers(board, CLOSED) == [1]
    assert board.column_index_of("t2") is None
    assert "t3" in board


def test_upsert_of_stale_closed_ticket_is_not_shown() -> None:
    board = new_board()
    assert board.upsert(make(1, "closed", updated_ago=timedelta(days=8))) is None
    assert board.counts()[CLOSED] == 0
    assert board.upsert(make(1, "closed", updated_ago=timedelta(days=1))) == CLOSED


def test_open_columns_order_urgent_first_then_oldest_waiting() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "waiting_on_you", message_ago=timedelta(hours=1)),
            make(2, "waiting_on_you", message_ago=timedelta(hours=9)),
            make(3, "waiting_on_you", priority=Priority.URGENT, message_ago=timedelta(minutes=1)),
            make(4, "waiting_on_you", priority=Priority.LOW, message_ago=timedelta(days=3)),
            make(5, "waiting_on_you", priority=Priority.HIGH, message_ago=timedelta(minutes=2)),
        ]
    )
    # urgent, high, low, then unset priority (oldest waiting first)
    assert numbers(board, ON_YOU) == [3, 5, 4, 2, 1]


def test_new_tickets_wait_since_creation_not_last_message() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "new", created_ago=timedelta(hours=1), message_ago=timedelta(hours=10)),
            make(2, "new", created_ago=timedelta(hours=5), message_ago=timedelta(minutes=1)),
        ]
    )
    assert numbers(board, NEW) == [2, 1]


def test_closed_column_orders_newest_first_ignoring_priority() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "closed", updated_ago=timedelta(days=2)),
            make(2, "closed", updated_ago=timedelta(hours=1), priority=Priority.LOW),
            make(3, "closed", updated_ago=timedelta(days=1), priority=Priority.URGENT),
        ]
    )
    assert numbers(board, CLOSED) == [2, 3, 1]


def test_upsert_moves_ticket_between_columns_keeping_order() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "waiting_on_you", message_ago=timedelta(hours=3)),
            make(2, "waiting_on_you", message_ago=timedelta(hours=1)),
            make(3, "new", created_ago=timedelta(hours=2)),
        ]
    )
    moved = board.get("t3")
    assert moved is not None
    assert board.upsert(moved.with_state("waiting_on_you")) == ON_YOU
    assert numbers(board, NEW) == []
    # t3 waits since creation (2h) once it is no longer "new" and has no message
    assert numbers(board, ON_YOU) == [1, 3, 2]
    assert board.column_index_of("t3") == ON_YOU
    assert len(board) == 3


def test_upsert_priority_change_resorts_within_column() -> None:
    board = new_board()
    board.replace_all([make(n, "new", created_ago=timedelta(hours=n)) for n in (1, 2, 3)])
    assert numbers(board, NEW) == [3, 2, 1]
    ticket = board.get("t1")
    assert ticket is not None
    board.upsert(ticket.with_priority(Priority.URGENT))
    assert numbers(board, NEW) == [1, 3, 2]
    assert board.counts() == [3, 0, 0, 0]


def test_upsert_into_and_out_of_hidden() -> None:
    board = new_board()
    board.upsert(make(1, "waiting_on_customer"))
    assert board.hidden_count() == 1
    ticket = board.get("t1")
    assert ticket is not None
    board.upsert(ticket.with_state("waiting_on_you"))
    assert board.hidden_count() == 0
    assert numbers(board, ON_YOU) == [1]


STATES = ["new", "waiting_on_you", "investigating", "on_hold", "closed", "waiting_on_customer", "x"]


def random_ticket(rng: random.Random, number: int) -> Ticket:
    return make(
        number,
        rng.choice(STATES),
        priority=rng.choice([None, *Priority]),
        # coarse times so ties on time happen and the number tie-break is exercised
        created_ago=timedelta(hours=rng.randint(0, 5)),
        message_ago=rng.choice([None, timedelta(hours=rng.randint(0, 5))]),
        updated_ago=timedelta(days=rng.randint(0, 10)),
    )


@pytest.mark.parametrize("seed", range(8))
def test_incremental_updates_match_full_regroup(seed: int) -> None:
    rng = random.Random(seed)
    board = new_board()
    reference: dict[str, Ticket] = {}
    for _ in range(150):
        number = rng.randint(1, 25)
        if rng.random() < 0.15:
            board.remove(f"t{number}")
            reference.pop(f"t{number}", None)
        else:
            ticket = random_ticket(rng, number)
            board.upsert(ticket)
            reference[ticket.id] = ticket
        expected = new_board()
        expected.replace_all(reference.values())
        for index in range(len(DEFAULT_COLUMNS)):
            assert [t.id for t in board.column(index)] == [t.id for t in expected.column(index)]
            assert all(t is reference[t.id] for t in board.column(index))
        assert [t.id for t in board.hidden()] == [t.id for t in expected.hidden()]
        assert board.counts() == expected.counts()
        assert len(board) == len(reference)
        for ticket_id in reference:
            assert board.column_index_of(ticket_id) == expected.column_index_of(ticket_id)


def test_remove_drops_ticket_from_column_and_index() -> None:
    board = new_board()
    board.replace_all([make(1), make(2), make(3, "waiting_on_customer")])
    board.remove("t1")
    board.remove("t3")
    board.remove("does-not-exist")
    assert numbers(board, NEW) == [2]
    assert "t1" not in board
    assert board.get("t1") is None
    assert board.column_index_of("t1") is None
    assert board.hidden_count() == 0
    assert len(board) == 1


def test_counts_and_oldest_waiting() -> None:
    board = new_board()
    board.replace_all(
        [
            make(1, "waiting_on_you", message_ago=timedelta(hours=2)),
            make(2, "waiting_on_you", priority=Priority.URGENT, message_ago=timedelta(hours=1)),
            make(3, "investigating", message_ago=timedelta(hours=9)),
            make(4, "new", created_ago=timedelta(minutes=30)),
        ]
    )
    assert board.counts() == [1, 3, 0, 0]
    assert board.oldest_waiting(NEW) == NOW - timedelta(minutes=30)
    # oldest is not the first card (urgent is), it is the minimum waiting time
    assert board.oldest_waiting(ON_YOU) == NOW - timedelta(hours=9)
    assert board.oldest_waiting(ON_HOLD) is None


def test_oldest_waiting_by_bisection_equals_a_full_scan() -> None:
    """The header's figure comes from the heads of the priority groups, not a scan."""
    import random

    rng = random.Random(5)
    priorities = [None, *Priority]
    for _ in range(30):
        board = new_board()
        board.replace_all(
            make(
                n,
                rng.choice(["new", "waiting_on_you", "closed"]),
                priority=rng.choice(priorities),
                created_ago=timedelta(minutes=rng.randint(1, 5000)),
                message_ago=timedelta(minutes=rng.randint(1, 5000)),
            )
            for n in range(1, rng.randint(2, 40))
        )
        for index in range(len(board.columns)):
            column = board.column(index)
            expected = min((t.waiting_since() for t in column), default=None)
            assert board.oldest_waiting(index) == expected


def test_inbox_zero_only_when_new_and_on_you_are_empty() -> None:
    board = new_board()
    board.replace_all([make(1, "on_hold"), make(2, "closed"), make(3, "waiting_on_customer")])
    assert board.inbox_zero()
    board.upsert(make(4, "investigating"))
    assert not board.inbox_zero()
    board.remove("t4")
    assert board.inbox_zero()
    board.upsert(make(5, "new"))
    assert not board.inbox_zero()


def test_version_bumps_on_every_mutation() -> None:
    board = new_board()
    seen = [board.version]
    board.replace_all([make(1)])
    seen.append(board.version)
    board.upsert(make(2))
    seen.append(board.version)
    board.remove("t1")
    seen.append(board.version)
    board.set_catalog(StateCatalog())
    seen.append(board.version)
    assert seen == sorted(set(seen))  # strictly increasing


def test_set_catalog_regroups_custom_slugs() -> None:
    board = new_board(catalog=StateCatalog())
    board.replace_all([make(1, "investigating")])
    assert board.hidden_count() == 1
    board.set_catalog(CATALOG)
    assert numbers(board, ON_YOU) == [1]
    assert board.hidden_count() == 0
    assert board.catalog is CATALOG


def test_same_position_update_is_replaced_in_place_and_reported() -> None:
    """A server echo that keeps the card's place must not reorder (or repaint) the column."""
    from dataclasses import replace as _replace
    from datetime import UTC, datetime, timedelta

    from pylon_tui.domain import DEFAULT_COLUMNS, Board, Ticket

    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    tickets = [
        Ticket(f"t{n}", n, f"T{n}", "new", now - timedelta(hours=n), now) for n in range(1, 5)
    ]
    board = Board(DEFAULT_COLUMNS, now=lambda: now)
    board.replace_all(tickets)
    order = [t.id for t in board.column(0)]
    column_version = board.column_version(0)
    seen = board.version
    echo = _replace(board.column(0)[1], updated_at=now + timedelta(seconds=5), title="T?")
    board.upsert(echo)
    assert [t.id for t in board.column(0)] == order
    assert board.column_version(0) == column_version, "order unchanged: no column repaint"
    assert board.changes_since(0, seen).replaced == {1}
    assert board.changes_since(0, seen).first_row is None
    assert board.changes_since(0, board.version).replaced == frozenset()
    assert board.get(echo.id) is echo
    assert board.column(0)[1] is echo
    board.upsert(_replace(echo, state="waiting_on_you"))
    assert board.column_version(0) != column_version
    assert echo.id not in [t.id for t in board.column(0)]


# ----- a board holding only its columns' heads (the first frame of a big cache) -------------
def test_head_totals_count_the_cache_and_follow_moves_until_the_full_board_arrives() -> None:
    board = Board(DEFAULT_COLUMNS, now=lambda: NOW)
    board.replace_all([make(1), make(2, "waiting_on_you")], head_totals=(500, 300, 20, 90))
    assert board.partial
    assert [board.column_total(i) for i in range(4)] == [500, 300, 20, 90]
    board.upsert(make(1, "waiting_on_you"))  # moved from New to On You in the first instant
    assert [board.column_total(i) for i in range(4)] == [499, 301, 20, 90]
    board.upsert(make(1, "waiting_on_you", title="retitled"))  # same column: no recount
    assert board.column_total(ON_YOU) == 301
    board.remove("t2")
    assert board.column_total(ON_YOU) == 300
    board.set_catalog(CATALOG)  # regrouping keeps the cache's sizes
    assert board.column_total(NEW) == 499
    board.replace_all([make(3)])  # the whole cache: real counts again
    assert not board.partial
    assert [board.column_total(i) for i in range(4)] == [1, 0, 0, 0]


def test_head_totals_need_one_size_per_column() -> None:
    with pytest.raises(ValueError, match="one size per column"):
        Board(DEFAULT_COLUMNS).replace_all([], head_totals=(1, 2))
