"""Cursor, priority, links, time formatting, directory and column lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pylon_tui.domain import (
    DEFAULT_COLUMNS,
    Account,
    BoardCursor,
    ColumnRouter,
    Directory,
    ExternalLink,
    IssueStateType,
    LinkedIssue,
    Priority,
    StateCatalog,
    User,
    all_links_closed,
    priority_rank,
)
from pylon_tui.domain.links import github_ref_from_url, linear_identifier_from_url
from pylon_tui.domain.timefmt import age, format_time, parse_time

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

# --- BoardCursor -------------------------------------------------------------------------


def test_cursor_starts_at_origin_with_a_row_per_column() -> None:
    cursor = BoardCursor(4)
    assert cursor.column == 0
    assert cursor.row == 0
    assert cursor.rows == [0, 0, 0, 0]


def test_cursor_move_row_stays_in_bounds() -> None:
    cursor = BoardCursor(2)
    assert not cursor.move_row(-1, 5)
    assert cursor.row == 0
    assert cursor.move_row(3, 5)
    assert cursor.row == 3
    assert cursor.move_row(10, 5)
    assert cursor.row == 4
    assert not cursor.move_row(1, 5)
    assert cursor.row == 4
    cursor.move_row(1, 0)  # the column emptied: a stale row snaps back to 0
    assert cursor.row == 0
    assert not cursor.move_row(1, 0)
    assert not cursor.move_row(-1, 0)
    assert cursor.row == 0


def test_cursor_remembers_row_per_column() -> None:
    cursor = BoardCursor(3)
    cursor.move_row(4, 10)
    assert cursor.move_column(1)
    assert cursor.row == 0
    cursor.move_row(2, 10)
    assert cursor.move_column(-1)
    assert cursor.row == 4
    cursor.move_column(1)
    assert cursor.row == 2


def test_cursor_move_column_bounds() -> None:
    cursor = BoardCursor(3)
    assert not cursor.move_column(-1)
    assert cursor.column == 0
    assert cursor.move_column(5)
    assert cursor.column == 2
    assert not cursor.move_column(1)


def test_cursor_clamp_after_columns_shrink() -> None:
    cursor = BoardCursor(3, rows=[5, 2, 9])
    cursor.clamp([3, 10, 0])
    assert cursor.rows == [2, 2, 0]


def test_cursor_focus_clamps_column_and_row() -> None:
    cursor = BoardCursor(4)
    cursor.focus(9, 6)
    assert (cursor.column, cursor.row) == (3, 6)
    cursor.focus(-2, -1)
    assert (cursor.column, cursor.row) == (0, 0)


# --- Priority ----------------------------------------------------------------------------


def test_priority_from_key() -> None:
    assert [Priority.from_key(k) for k in "1234"] == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.MEDIUM,
        Priority.LOW,
    ]
    assert Priority.from_key("0") is None
    assert Priority.from_key("5") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("urgent", Priority.URGENT),
        (" High ", Priority.HIGH),
        ("MEDIUM", Priority.MEDIUM),
        ("low", Priority.LOW),
        ("critical", None),
        ("", None),
        (None, None),
    ],
)
def test_priority_parse(raw: str | None, expected: Priority | None) -> None:
    assert Priority.parse(raw) is expected


def test_priority_rank_orders_urgent_first_and_unset_last() -> None:
    ordered = sorted(
        [None, Priority.LOW, Priority.URGENT, Priority.MEDIUM, Priority.HIGH], key=priority_rank
    )
    assert ordered == [Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW, None]
    assert Priority.URGENT.rank < Priority.LOW.rank
    assert Priority.URGENT.label == "Urgent"


# --- Links -------------------------------------------------------------------------------

LINEAR_URL = "https://linear.app/acme/issue/eng-123/login-broken"


def test_short_label() -> None:
    assert ExternalLink("linear", "uuid-1", LINEAR_URL).short_label == "ENG-123"
    assert ExternalLink("linear", "uuid-1", None).short_label == "linear"
    assert ExternalLink("github", "acme/app/42").short_label == "acme/app#42"
    assert ExternalLink("github", "weird").short_label == "github"
    assert ExternalLink("jira", "PROJ-1", "https://x/PROJ-1").short_label == "jira"


def test_linear_identifier_from_url() -> None:
    assert linear_identifier_from_url(LINEAR_URL) == "ENG-123"
    assert linear_identifier_from_url("https://linear.app/acme/issue/OPS-7") == "OPS-7"
    assert linear_identifier_from_url("https://linear.app/acme/project/foo") is None
    assert linear_identifier_from_url("ENG-123") is None


def test_github_ref_from_url() -> None:
    assert github_ref_from_url("https://github.com/acme/app/issues/42") == "acme/app/42"
    assert github_ref_from_url("https://github.com/acme/app/pull/7#discussion") == "acme/app/7"
    assert github_ref_from_url("https://github.com/acme/app") is None
    assert github_ref_from_url("https://gitlab.com/acme/app/issues/42") is None


def issue(external_id: str, state: IssueStateType) -> LinkedIssue:
    return LinkedIssue("linear", external_id, "ENG-1", "t", state.value, state, "https://x")


def test_issue_state_type_parse_and_closed() -> None:
    assert IssueStateType.parse("completed").is_closed
    assert IssueStateType.parse("canceled").is_closed
    assert IssueStateType.parse("duplicate").is_closed
    assert not IssueStateType.parse("started").is_closed
    assert IssueStateType.parse("bogus") is IssueStateType.UNKNOWN
    assert IssueStateType.parse(None) is IssueStateType.UNKNOWN
    assert not IssueStateType.UNKNOWN.is_closed


def test_all_links_closed_semantics() -> None:
    a = ExternalLink("linear", "a")
    b = ExternalLink("github", "o/r/1")
    jira = ExternalLink("jira", "J-1")
    done = {
        "a": issue("a", IssueStateType.COMPLETED),
        "o/r/1": issue("o/r/1", IssueStateType.CANCELED),
    }
    assert all_links_closed((a, b), done)
    assert all_links_closed((a, b, jira), done)  # non-tracking links are ignored
    # unknown live state never counts as closed
    assert not all_links_closed((a, b), {"a": done["a"]})
    assert not all_links_closed((a,), {"a": issue("a", IssueStateType.UNKNOWN)})
    # one still open keeps the ticket on hold
    assert not all_links_closed((a, b), {**done, "a": issue("a", IssueStateType.STARTED)})
    # no tracking links at all: nothing to wait for, but also nothing closed
    assert not all_links_closed((), done)
    assert not all_links_closed((jira,), done)


# --- timefmt -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=47), "47h"),
        (timedelta(hours=48), "2d"),
        (timedelta(days=59), "59d"),
        (timedelta(days=90), "3mo"),
        (timedelta(minutes=-5), "now"),  # clock skew: a future time is "now"
    ],
)
def test_age(delta: timedelta, expected: str) -> None:
    assert age(NOW - delta, NOW) == expected


def test_age_of_nothing_is_empty() -> None:
    assert age(None, NOW) == ""


def test_parse_time_z_suffix_and_offsets() -> None:
    parsed = parse_time("2024-06-01T12:00:00Z")
    assert parsed == NOW
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)
    offset = parse_time("2024-06-01T14:00:00+02:00")
    assert offset == NOW
    assert offset is not None
    assert offset.tzinfo == timezone(timedelta(hours=2))
    assert parse_time(" 2024-06-01T12:00:00.123456Z ") == NOW + timedelta(microseconds=123456)


def test_parse_time_naive_is_utc() -> None:
    parsed = parse_time("2024-06-01T12:00:00")
    assert parsed is not None
    assert parsed.tzinfo is UTC
    assert parsed == NOW


@pytest.mark.parametrize("value", ["garbage", "", "2024-13-45T99:00:00Z", None, 12345, object()])
def test_parse_time_garbage_is_none(value: object) -> None:
    assert parse_time(value) is None


def test_format_time_round_trips_in_utc() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=-5)))
    assert format_time(local) == "2024-06-01T12:00:00Z"
    assert parse_time(format_time(NOW)) == NOW


# --- Directory ---------------------------------------------------------------------------


def test_directory_names_and_fallbacks() -> None:
    directory = Directory(
        users={
            "u1": User("u1", "Alice Smith", "alice@acme.io"),
            "u2": User("u2", "  ", "bob@acme.io"),
        },
        teams={},
        accounts={"a1": Account("a1", "Acme Corp")},
    )
    assert directory.user_name("u1") == "Alice"
    assert directory.user_name("u2") == "bob"  # blank name falls back to email local part
    assert directory.user_name("0123456789abcdef") == "01234567"  # unknown: short id
    assert directory.user_name(None) == ""
    assert directory.user_name("") == ""
    assert directory.account_name("a1") == "Acme Corp"
    assert directory.account_name("zzzzzzzzzzzz") == "zzzzzzzz"
    assert directory.account_name(None) == ""
    found = directory.user_by_email(" ALICE@acme.io ")
    assert found is not None
    assert found.id == "u1"
    assert directory.user_by_email("nobody@acme.io") is None
    assert directory.user_by_email(None) is None


def test_empty_directory_never_raises() -> None:
    empty = Directory.empty()
    assert empty.user_name("abcdefghijk") == "abcdefgh"
    assert empty.account_name("acc") == "acc"


# --- ColumnRouter.find -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("on-hold", 2),
        ("On Hold", 2),
        ("on_hold", 2),
        ("  ON HOLD ", 2),
        ("new", 0),
        ("On You", 1),
        ("waiting_on_you", 1),
        ("waiting-on-you", 1),
        ("closed", 3),
        ("nowhere", None),
        ("", None),
    ],
)
def test_column_router_find(key: str, expected: int | None) -> None:
    router = ColumnRouter(DEFAULT_COLUMNS, StateCatalog())
    assert router.find(key) == expected
