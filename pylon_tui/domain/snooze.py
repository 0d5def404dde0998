"""When a snooze ends: the presets and the times a user may type.

Everything is computed from an aware `now` in the user's own time zone (the caller passes
`datetime.now().astimezone()`), so "tomorrow 9:00" means the user's morning, and tests pass
a fixed clock. A typed time is either understood exactly or refused with a message that
shows what would have worked: a snooze that ends at a guessed time hides a ticket wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

MORNING = time(9, 0)
MAX_SNOOZE = timedelta(days=366)
EXAMPLES = "2h, 30m, 3d, 1h30m, 14:30, tomorrow, tomorrow 14:00, mon, fri 10:00, 2026-12-01 09:00"

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_RELATIVE = re.compile(r"(\d{1,4})\s*(min|m|h|d|w)")
_CLOCK = re.compile(r"([01]?\d|2[0-3])(?::([0-5]\d))?")


class SnoozeTimeError(ValueError):
    """A typed time that means nothing definite; the message says what would work."""


@dataclass(frozen=True, slots=True)
class SnoozePreset:
    key: str
    label: str

    def until(self, now: datetime) -> datetime:
        return preset_until(self.key, now)


PRESETS: tuple[SnoozePreset, ...] = (
    SnoozePreset("1h", "1 hour"),
    SnoozePreset("tomorrow", "Tomorrow 9:00"),
    SnoozePreset("monday", "Next Monday 9:00"),
)


def preset_until(key: str, now: datetime) -> datetime:
    if key == "1h":
        return now + timedelta(hours=1)
    if key == "tomorrow":
        return _at(now.date() + timedelta(days=1), MORNING, now)
    if key == "monday":
        return _at(_next_weekday(now, 0), MORNING, now)
    raise KeyError(key)


def parse_snooze(text: str, now: datetime) -> datetime:
    """The end of a snooze typed as in `EXAMPLES`; SnoozeTimeError when it is not one of
    those forms, is not in the future, or is more than a year away."""
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise SnoozeTimeError(f"type when the snooze ends, e.g. {EXAMPLES}")
    until = _parse(raw.removeprefix("in ").removeprefix("+"), now)
    if until is None:
        raise SnoozeTimeError(
            f"{text.strip()[:40]!r} is not a time pylon-tui reads; try {EXAMPLES}"
        )
    if until <= now:
        raise SnoozeTimeError(f"{describe_until(until, now)} has already passed")
    if until - now > MAX_SNOOZE:
        raise SnoozeTimeError("a snooze can last at most a year")
    return until


def _parse(raw: str, now: datetime) -> datetime | None:
    relative = _relative(raw)
    if relative is not None:
        return now + relative
    day_word, _, rest = raw.partition(" ")
    if day_word in ("today", "tomorrow") or (day_word[:3] in _WEEKDAYS and _is_day(day_word)):
        at = _clock(rest) if rest else MORNING
        if at is None:
            return None
        if day_word == "today":
            return _at(now.date(), at, now)
        if day_word == "tomorrow":
            return _at(now.date() + timedelta(days=1), at, now)
        return _at(_next_weekday(now, _WEEKDAYS.index(day_word[:3])), at, now)
    at = _clock(raw)
    if at is not None:  # a bare clock time: today if still ahead, else tomorrow
        today = _at(now.date(), at, now)
        return today if today > now else _at(now.date() + timedelta(days=1), at, now)
    return _absolute(raw, now)


def _relative(raw: str) -> timedelta | None:
    compact = raw.replace(" ", "")
    parts = _RELATIVE.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        return None
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


def _is_day(word: str) -> bool:
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return word in _WEEKDAYS or word in full


def _clock(text: str) -> time | None:
    found = _CLOCK.fullmatch(text.strip())
    if found is None or (found.group(2) is None and ":" in text):
        return None
    if found.group(2) is None and len(found.group(1)) == 1 and not text.strip().isdigit():
        return None
    return time(int(found.group(1)), int(found.group(2) or 0))


def _absolute(raw: str, now: datetime) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(raw.replace(" ", "T", 1) if " " in raw else raw)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        if len(raw) <= 10:  # a date alone: that morning
            parsed = datetime.combine(parsed.date(), MORNING)
        parsed = parsed.replace(tzinfo=now.tzinfo)
    return parsed


def _next_weekday(now: datetime, weekday: int) -> datetime:
    """The next such day after today (a Monday asking for Monday gets next week's)."""
    ahead = (weekday - now.weekday()) % 7 or 7
    return now + timedelta(days=ahead)


def _at(day: object, at: time, now: datetime) -> datetime:
    date = day.date() if isinstance(day, datetime) else day
    return datetime.combine(date, at, tzinfo=now.tzinfo)  # type: ignore[arg-type]


def describe_until(until: datetime, now: datetime) -> str:
    """How a snooze's end is shown: "14:30", "tomorrow 09:00", "Mon 1 Dec 09:00"."""
    local = until.astimezone(now.tzinfo) if now.tzinfo else until
    clock = local.strftime("%H:%M")
    days = (local.date() - now.date()).days
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b')} {clock}"
