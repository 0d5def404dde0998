"""Compact ages for cards ("4m", "3h", "2d") and parsing of Pylon's RFC 3339 times."""

from __future__ import annotations

from datetime import UTC, datetime


def age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return ""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 60:
        return f"{days}d"
    return f"{days // 30}mo"


def ago(since: datetime | None, now: datetime) -> str:
    text = age(since, now)
    return "just now" if text == "now" else (f"{text} ago" if text else "")


def parse_time(value: object) -> datetime | None:
    """Tolerant RFC 3339 parse: None for missing or unparseable, always timezone-aware."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.year in (1, 9999):
        # "9999-12-31T23:59:59-23:59" parses, but is past datetime.max in UTC: every later
        # conversion would raise OverflowError. Treat it like any other unusable time.
        try:
            parsed.astimezone(UTC)
        except OverflowError:
            return None
    return parsed


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC; a time beyond the UTC range shows as the range's end, never raises."""
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        value = datetime.max if value.year == datetime.max.year else datetime.min
    # isoformat, not strftime: %Y drops the zero padding of years below 1000 on glibc.
    return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
