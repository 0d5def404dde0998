"""Client-side rate budgets, so normal use never earns a 429.

Pylon limits each endpoint per minute, per ORGANIZATION: every token of the org spends one
allowance. A 429 costs the user a visible stall (and, on writes, a retry), while waiting a
little before sending costs nothing the user notices, so the client counts its requests in a
sliding one-minute window per endpoint and waits for a free slot. A small headroom is kept
back for other tools spending the same allowance. This counts one process; `machine_budget`
counts every pylon-tui process on the machine in one file, and `rate_share` is this
machine's part of the org's allowance.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping

from .waits import MAX_WAIT, clamp_wait

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

WINDOW_SECONDS = 60.0
DEFAULT_PENALTY = 5.0

# Requests per minute per organization. Pylon's rate-limits page (newer than the OpenAPI
# snapshot, whose 10/20/60 notes are stale) gives every endpoint one of three tiers, 30, 120
# or 300; the official SDK (usepylon 0.1.0a4, generated from the current API definition)
# names each endpoint's tier in its docstring, and these are those numbers (issue 18;
# tests/contract/test_rate_budgets.py checks every key against the SDK).
TIER_LOW, TIER_MID, TIER_HIGH = 30, 120, 300
PYLON_LIMITS: dict[str, int] = {
    "search_issues": TIER_MID,  # POST /issues/search
    "list_issues": TIER_LOW,  # GET /issues
    "get_issue": TIER_HIGH,  # GET /issues/{id}
    "update_issue": TIER_MID,  # PATCH /issues/{id}
    "reply": TIER_LOW,  # POST /issues/{id}/reply
    "note": TIER_LOW,  # POST /issues/{id}/note
    "external_issues": TIER_MID,  # POST /issues/{id}/external-issues
    "messages": TIER_MID,  # GET /issues/{id}/messages
    "issue_statuses": TIER_LOW,  # GET /issue-statuses
    "users": TIER_HIGH,  # GET /users
    "user": TIER_HIGH,  # GET /users/{id}
    "teams": TIER_HIGH,  # GET /teams
    "team": TIER_HIGH,  # GET /teams/{id}
    "accounts": TIER_HIGH,  # GET /accounts
    "account": TIER_HIGH,  # GET /accounts/{id}
    "custom_fields": TIER_HIGH,  # GET /custom-fields
    "me": TIER_HIGH,  # GET /me
    "macros": TIER_HIGH,  # GET /macros
    "tags": TIER_HIGH,  # GET /tags
    "snooze": TIER_MID,  # POST /issues/{id}/snooze
    "ai_response": TIER_MID,  # POST /issues/{id}/ai-response
}
DEFAULT_LIMIT = TIER_LOW  # an endpoint added without an entry here: the safe tier


def shared_limits(share: float, limits: Mapping[str, int] | None = None) -> dict[str, int]:
    """`share` (0-1] of each limit: the part of the org's allowance one machine may spend."""
    share = min(1.0, max(0.0, share))
    base = PYLON_LIMITS if limits is None else limits
    return {k: max(1, int(v * share)) for k, v in base.items()}


class RateBudget:
    """Per-endpoint sliding-window budgets shared by every request of one client."""

    def __init__(
        self,
        limits: Mapping[str, int] | None = None,
        *,
        headroom: float = 0.1,
        window: float = WINDOW_SECONDS,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        enabled: bool = True,
    ) -> None:
        if not 0.0 <= headroom < 1.0:
            raise ValueError("headroom is a fraction of the limit in [0, 1)")
        self.limits = dict(PYLON_LIMITS if limits is None else limits)
        self.headroom = headroom
        self.window = window
        self.enabled = enabled
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    @classmethod
    def shared(
        cls, share: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> RateBudget:
        """This client's part of limits several clients spend together (one organization)."""
        return cls(shared_limits(share), clock=clock, sleep=sleep)

    @classmethod
    def unlimited(cls) -> RateBudget:
        """No counting (in-process sandbox, tests); a server's Retry-After is still honoured."""
        return cls(enabled=False)

    def capacity(self, key: str) -> int:
        """Requests we allow ourselves per window: the documented limit minus headroom."""
        limit = self.limits.get(key, DEFAULT_LIMIT)
        return max(1, int(limit * (1.0 - self.headroom)))

    def delay(self, key: str) -> float:
        """Seconds until a request to `key` may be sent (0 = now)."""
        now = self._clock()
        wait = self._blocked_until.get(key, 0.0) - now
        sent = self._sent.setdefault(key, deque())
        while sent and sent[0] <= now - self.window:
            sent.popleft()
        if self.enabled and len(sent) >= self.capacity(key):
            wait = max(wait, sent[0] + self.window - now)
        return min(MAX_WAIT, max(0.0, wait))

    async def acquire(self, key: str) -> float:
        """Wait for a slot, then claim it. Returns the seconds spent waiting."""
        waited = 0.0
        while (wait := self.delay(key)) > 0.0:
            await self._sleep(wait)
            waited += wait
        if self.enabled:
            self._sent.setdefault(key, deque()).append(self._clock())
        return waited

    def penalise(self, key: str, retry_after: float | None) -> None:
        """After a 429 the server knows better than our count: hold `key` off for a while
        (never longer than MAX_WAIT, so no header can park every later request forever)."""
        seconds = clamp_wait(retry_after if retry_after else None, DEFAULT_PENALTY)
        until = self._clock() + seconds
        self._blocked_until[key] = max(self._blocked_until.get(key, 0.0), until)

    def used(self, key: str) -> int:
        """Requests counted in the current window (for the status bar and tests)."""
        self.delay(key)
        return len(self._sent.get(key, ()))
