"""Linear's rate-limit answer, switchable: the next N requests are refused as Linear does.

Linear reports a rate limit as a GraphQL error with `extensions.code` RATELIMITED, with HTTP
400 according to recent third-party notes (its SDK also treats a plain 429 as one, and a 200
carrying only `errors` is legal GraphQL), and names the reset as epoch milliseconds in
`X-RateLimit-Requests-Reset`; there is no Retry-After. The status is chosen per refusal so
tests can cover each.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..util import Response, json_response

HOURLY_REQUESTS = 2500  # a personal key's documented request budget per hour
STATUSES = (400, 200, 429)


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    reset_in: float


class RateLimits:
    def __init__(self) -> None:
        self._pending: deque[Refusal] = deque()

    def refuse_next(self, count: int, *, status: int, reset_in: float) -> None:
        if status not in STATUSES:
            raise ValueError(f"Linear answers RATELIMITED with one of {STATUSES}, not {status}")
        self._pending.extend([Refusal(status, reset_in)] * count)

    def take(self, now: datetime) -> Response | None:
        """The refusal for this request, or None to serve it."""
        if not self._pending:
            return None
        refusal = self._pending.popleft()
        reset = now + timedelta(seconds=refusal.reset_in)
        headers = {
            "x-ratelimit-requests-limit": str(HOURLY_REQUESTS),
            "x-ratelimit-requests-remaining": "0",
            "x-ratelimit-requests-reset": str(int(reset.timestamp() * 1000)),
        }
        error = {
            "message": "Rate limit exceeded",
            "extensions": {
                "code": "RATELIMITED",
                "type": "ratelimited",
                "userError": True,
                "statusCode": 429,
                "userPresentableMessage": "Too many requests. Please try again later.",
            },
        }
        return json_response(refusal.status, {"errors": [error]}, headers)
