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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
