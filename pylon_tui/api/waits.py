"""How long a server told us to wait after a 429, as one bounded, validated number.

Servers name the wait in different headers (Pylon: `X-Retry-After`; RFC 9110: `Retry-After`,
seconds or an HTTP-date; many APIs: an `X-RateLimit-Reset`-style time, as epoch seconds, epoch
milliseconds or seconds from now). We never retry earlier than the server said, but a single
wait is capped at MAX_WAIT and nonsense (negative, NaN, infinite, unparseable) is ignored in
favour of the caller's default: one bad header must never park a queue until restart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_WAIT = 600.0
"""The longest single wait we accept from a server: ten minutes outlasts any per-minute window."""

RETRY_HEADERS = ("x-retry-after", "retry-after")
_RESET_HEADER = re.compile(r"(?i)(?:x-)?rate-?limit-(?:[a-z]+-)*reset(?:-after)?")
_EPOCH_MS = 1e12  # 2001-09-09 in milliseconds: larger numbers are epoch milliseconds
_EPOCH_S = 1e9  # 2001-09-09 in seconds: larger numbers are epoch seconds


def bounded(seconds: float | None) -> float | None:
    """A usable wait: finite and >= 0, capped at MAX_WAIT; None for anything else."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    return min(seconds, MAX_WAIT)


def clamp_wait(seconds: float | None, default: float) -> float:
    """`bounded(seconds)`, or `default` (itself bounded) when the value is unusable."""
    value = bounded(seconds)
    if value is None:
        value = bounded(default)
    return 0.0 if value is None else value


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110 10.2.3); a past date means now."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return bounded(float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        delta = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return bounded(max(0.0, delta))


def parse_reset(value: str | None, now: float) -> float | None:
    """A rate-limit reset: epoch milliseconds, epoch seconds, seconds from now or HTTP-date."""
    if not value or not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return parse_retry_after(value, datetime.fromtimestamp(now, UTC))
    if not math.isfinite(number) or number < 0:
        return None
    if number >= _EPOCH_MS:
        number = number / 1000.0 - now
    elif number >= _EPOCH_S:
        number -= now
    return bounded(max(0.0, number))


def server_wait(headers: Mapping[str, str], now: float) -> float | None:
    """The wait the server asked for, in the order of trust: `X-Retry-After`, `Retry-After`,
    then the latest of any rate-limit reset header. None when no header gives a usable wait.

    `now` is epoch seconds (reset headers are absolute times); header names must be lowercase
    or the mapping case-insensitive (httpx.Headers is).
    """
    when = datetime.fromtimestamp(now, UTC)
    for name in RETRY_HEADERS:
        seconds = parse_retry_after(headers.get(name), when)
        if seconds is not None:
            return seconds
    resets = [
        parse_reset(value, now) for name, value in headers.items() if _RESET_HEADER.fullmatch(name)
    ]
    usable = [seconds for seconds in resets if seconds is not None]
    return max(usable) if usable else None
