"""429 waits (issue 12 item 6, issue 9 item 1): honour the server, never park forever.

`X-Retry-After` first (what Pylon sends), then `Retry-After` (seconds or an HTTP-date), then any
`X-RateLimit-Reset`-style header; never earlier than the server said, never longer than
MAX_WAIT in one go, and nonsense (negative, NaN, inf, unparseable) falls back to a default.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from pylon_tui.api.budget import DEFAULT_PENALTY, RateBudget
from pylon_tui.api.errors import AuthError, RateLimitedError
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.waits import MAX_WAIT, bounded, clamp_wait, parse_reset, server_wait
from pylon_tui.sync.delivery import backoff

from .support import BASE, FakeClock, Router, envelope, issue_json, pylon, respond

NOW = 1_700_000_000.0  # epoch seconds
HTTP_NOW = datetime.fromtimestamp(NOW, UTC)


def wall() -> float:
    return NOW


ABSURD = ["1e9", "inf", "-inf", "nan", "-5", "1e400", "9" * 400, "soon", "", "  "]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-retry-after": "7", "retry-after": "30"}, 7.0),  # Pylon's own header wins
        ({"retry-after": "30", "x-ratelimit-reset": str(NOW + 90)}, 30.0),
        ({"retry-after": format_datetime(HTTP_NOW + timedelta(seconds=45), usegmt=True)}, 45.0),
        ({"retry-after": format_datetime(HTTP_NOW - timedelta(hours=1), usegmt=True)}, 0.0),
        ({"x-rate-limit-reset": str(int(NOW) + 20)}, 20.0),  # epoch seconds
        ({"x-ratelimit-requests-reset": str(int(NOW * 1000) + 12_000)}, 12.0),  # epoch ms
        ({"ratelimit-reset": "15"}, 15.0),  # seconds from now (IETF draft)
        ({"X-RateLimit-Reset": "15", "x-ratelimit-complexity-reset": "40"}, 40.0),  # the latest
        ({"x-rate-limit-remaining": "0"}, None),  # not a reset
        ({"x-retry-after": "1e9"}, MAX_WAIT),  # capped, not ignored: it really means "long"
        ({"x-retry-after": "nan", "retry-after": "3"}, 3.0),  # nonsense skipped, next trusted
        ({"x-retry-after": "inf"}, None),
        ({"retry-after": "-1", "x-ratelimit-reset": "-1"}, None),
        ({"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"}, MAX_WAIT),
        ({"x-ratelimit-reset": "1" + "0" * 30}, MAX_WAIT),  # epoch ms in the far future
        ({}, None),
    ],
)
def test_server_wait(headers: dict[str, str], expected: float | None) -> None:
    got = server_wait(httpx.Headers(headers), NOW)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize("value", ABSURD)
def test_every_wait_is_finite_and_capped(value: str) -> None:
    for got in (
        server_wait(httpx.Headers({"x-retry-after": value}), NOW),
        server_wait(httpx.Headers({"retry-after": value}), NOW),
        server_wait(httpx.Headers({"x-ratelimit-reset": value}), NOW),
        parse_reset(value, NOW),
    ):
        assert got is None or (math.isfinite(got) and 0 <= got <= MAX_WAIT)
    assert 0 <= clamp_wait(bounded(float("nan")), 5.0) == 5.0
    assert clamp_wait(float("inf"), float("inf")) == 0.0  # even a silly default is finite


@pytest.mark.parametrize("retry_after", [1e9, math.inf, -math.inf, math.nan, -1.0, 1e308])
def test_rate_limited_error_only_carries_a_bounded_wait(retry_after: float) -> None:
    error = RateLimitedError("slow down", retry_after=retry_after)
    assert math.isfinite(error.retry_after)
    assert 0 <= error.retry_after <= MAX_WAIT
    # ... which is the wait the outbox schedules and shows ("will retry in Ns").
    assert backoff(3, error.retry_after) <= MAX_WAIT


@pytest.mark.parametrize("retry_after", [1e9, math.inf, math.nan, -3.0, 0.0, None])
async def test_budget_penalty_never_parks_an_endpoint_forever(retry_after: float | None) -> None:
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    budget.penalise("update_issue", retry_after)
    assert 0 < budget.delay("update_issue") <= MAX_WAIT
    waited = await budget.acquire("update_issue")
    assert waited <= MAX_WAIT
    if retry_after is None or not 0 < retry_after < math.inf:
        assert waited == pytest.approx(DEFAULT_PENALTY)


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("X-Retry-After", "7", 7.0),
        ("Retry-After", "1e9", MAX_WAIT),
        ("Retry-After", "inf", DEFAULT_PENALTY),
        ("Retry-After", "nan", DEFAULT_PENALTY),
        ("Retry-After", "-30", DEFAULT_PENALTY),
        ("X-Rate-Limit-Reset", str(int(NOW) + 90), 90.0),
    ],
)
async def test_pylon_429_waits_what_the_server_said_within_the_cap(
    header: str, value: str, expected: float
) -> None:
    """The D6 repro: a PATCH 429 with `Retry-After: 1e9` queued the move for 31 years and
    parked every later write in budget.acquire. Now the wait is capped, and the next write to
    the same endpoint waits at most MAX_WAIT."""
    clock = FakeClock()
    router = Router().on(
        "PATCH", "/issues/iss_1", respond(429, {"errors": ["slow"]}, {header: value})
    )
    router.on("PATCH", "/issues/iss_2", respond(200, envelope(issue_json(2))))
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    client = PylonClient(
        BASE, "t" * 12, transport=router.transport, budget=budget, max_rate_retries=0, clock=wall
    )
    async with client:
        with pytest.raises(RateLimitedError) as info:
            await client.update_state("iss_1", "closed")
        assert info.value.retry_after == pytest.approx(expected, abs=1)
        ticket = await client.update_state("iss_2", "closed")
    assert ticket.number == 2
    assert sum(clock.sleeps) == pytest.approx(expected, abs=1)


async def test_pylon_retries_after_x_retry_after_and_never_sooner() -> None:
    clock = FakeClock()
    router = Router().on(
        "GET",
        "/issues/iss_1",
        respond(429, None, {"X-Retry-After": "12", "Retry-After": "1"}),
        respond(200, envelope(issue_json(1))),
    )
    async with pylon(router, clock=clock) as client:
        await client.get_issue("iss_1")
    assert clock.sleeps == [pytest.approx(12.0)]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-ratelimit-requests-reset": str(int(NOW * 1000) + 42_000)}, 42.0),
        ({"x-ratelimit-complexity-reset": str(int(NOW * 1000) + 30_000)}, 30.0),
        ({"x-ratelimit-requests-reset": str(int(NOW * 1000) + 10**12)}, MAX_WAIT),
        ({"retry-after": "inf"}, 60.0),
        ({}, 60.0),
    ],
)
async def test_linear_rate_limit_wait(headers: dict[str, str], expected: float) -> None:
    body = {"errors": [{"message": "Rate limit", "extensions": {"code": "RATELIMITED"}}]}

    def handler(request: httpx.Request) -> httpx.Response:
        return respond(400, body, headers)

    client = LinearClient("k" * 12, transport=httpx.MockTransport(handler), clock=lambda: NOW)
    with pytest.raises(RateLimitedError) as info:
        await client.teams()
    assert info.value.retry_after == pytest.approx(expected)


@pytest.mark.parametrize(
    ("status", "headers", "cls", "expected"),
    [
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 90)}, 429, 90.0),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999999999"}, 429, MAX_WAIT),
        (403, {"retry-after": "nan", "x-ratelimit-remaining": "0"}, 429, 60.0),
        (429, {"retry-after": "1e9"}, 429, MAX_WAIT),
        # Every GitHub reply carries x-ratelimit-reset: a plain 403 is still a permission error.
        (403, {"x-ratelimit-remaining": "12", "x-ratelimit-reset": str(int(NOW) + 90)}, 403, 0),
    ],
)
async def test_github_rate_limit_wait(
    status: int, headers: dict[str, str], cls: int, expected: float
) -> None:
    router = Router().on("GET", "/repos/a/b/issues/1", respond(status, {"message": "x"}, headers))
    client = GitHubClient("t" * 12, transport=router.transport, clock=lambda: NOW)
    error_type = RateLimitedError if cls == 429 else AuthError
    with pytest.raises(error_type) as info:
        await client.issue_state("a/b/1")
    if cls == 429:
        assert isinstance(info.value, RateLimitedError)
        assert info.value.retry_after == pytest.approx(expected)
