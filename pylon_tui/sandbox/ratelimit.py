"""Per-endpoint sliding one-minute windows, on the injected clock.

Using the sandbox clock (not time.monotonic) lets tests exhaust a budget and then advance a
fake clock to watch it refill, with no sleeping.
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[datetime]] = {}

    def check(self, key: str, budget: int, now: datetime) -> int | None:
        """Record a hit; return None if allowed, else seconds to wait (for Retry-After)."""
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= WINDOW:
            hits.popleft()
        if len(hits) >= budget:
            wait = (hits[0] + WINDOW - now).total_seconds()
            return max(1, math.ceil(wait))
        hits.append(now)
        return None

    def reset(self) -> None:
        self._hits.clear()
