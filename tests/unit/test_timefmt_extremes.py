"""Times at the edges of `datetime` (D10): parsing and formatting never raise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pylon_tui.domain.timefmt import age, ago, format_time, parse_time

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9999-12-31T23:59:59-23:59", None),  # past datetime.max once in UTC
        ("0001-01-01T00:00:00+23:59", None),  # before datetime.min once in UTC
        ("9999-12-31T23:59:59+05:00", datetime(9999, 12, 31, 18, 59, 59, tzinfo=UTC)),
        ("0001-01-01T00:00:00-05:00", datetime(1, 1, 1, 5, 0, tzinfo=UTC)),
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-13-45T99:99:99Z", None),
        ("", None),
        ("   ", None),
        (None, None),
        (1714557600, None),
        ("\x00", None),
    ],
)
def test_parse_time_at_the_edges(text: object, expected: datetime | None) -> None:
    parsed = parse_time(text)
    assert parsed == expected
    if parsed is not None:
        assert format_time(parsed)  # every parsed time formats


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
            "9999-12-31T23:59:59Z",
        ),
        (
            datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=23, minutes=59))),
            "0001-01-01T00:00:00Z",
        ),
        (datetime(1, 1, 1, 5, tzinfo=UTC), "0001-01-01T05:00:00Z"),  # zero-padded year
        (datetime(2024, 5, 1, 10, 0, 0, 999_999, tzinfo=UTC), "2024-05-01T10:00:00Z"),
        (datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))), "2024-05-01T10:00:00Z"),
    ],
)
def test_format_time_never_raises(value: datetime, expected: str) -> None:
    assert format_time(value) == expected


@pytest.mark.parametrize(
    "since", [datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)]
)
def test_ages_at_the_edges(since: datetime) -> None:
    assert isinstance(age(since, NOW), str)
    assert isinstance(ago(since, NOW), str)
