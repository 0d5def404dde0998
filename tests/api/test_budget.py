"""RateBudget: waits for a slot instead of sending a request that would earn a 429."""

from __future__ import annotations

import pytest

from pylon_tui.api.budget import PYLON_LIMITS, RateBudget, shared_limits

from .support import FakeClock


def budget(clock: FakeClock, **kwargs) -> RateBudget:
    return RateBudget(clock=clock, sleep=clock.sleep, **kwargs)


def test_documented_limits():
    """Pylon's rate-limits page: every endpoint one of 30, 120 or 300 a minute per org; the
    official SDK names each endpoint's tier (issue 18; tests/contract/test_rate_budgets.py
    checks every key against it)."""
    assert set(PYLON_LIMITS.values()) <= {30, 120, 300}
    assert PYLON_LIMITS["get_issue"] == 300
    assert PYLON_LIMITS["update_issue"] == PYLON_LIMITS["search_issues"] == 120
    assert PYLON_LIMITS["list_issues"] == PYLON_LIMITS["reply"] == PYLON_LIMITS["note"] == 30
    assert PYLON_LIMITS["messages"] == PYLON_LIMITS["external_issues"] == 120
    assert PYLON_LIMITS["issue_statuses"] == 30
    for key in ("users", "teams", "accounts", "account", "custom_fields", "me"):
        assert PYLON_LIMITS[key] == 300


def test_shared_limits_are_a_machines_part_of_the_org():
    assert shared_limits(0.2)["update_issue"] == 24
    assert shared_limits(0.2)["reply"] == 6
    assert shared_limits(0.01)["reply"] == 1  # never zero: a machine can always send
    assert shared_limits(1.0) == PYLON_LIMITS
    assert RateBudget.shared(0.5).limits["get_issue"] == 150


def test_headroom_reserves_a_few_slots():
    clock = FakeClock()
    assert budget(clock).capacity("issue_statuses") == 27
    assert budget(clock).capacity("get_issue") == 270
    assert budget(clock, headroom=0).capacity("search_issues") == 120
    assert budget(clock, headroom=0.5).capacity("reply") == 15
    assert budget(clock).capacity("an_endpoint_added_later") == 27
    with pytest.raises(ValueError, match="headroom"):
        budget(clock, headroom=1.0)


async def test_acquire_waits_for_the_window_instead_of_overrunning():
    clock = FakeClock()
    b = budget(clock, headroom=0)
    for _ in range(30):
        assert await b.acquire("issue_statuses") == 0.0
        clock.now += 1.0
    # 30 sent at t=1000..1029: the 31st must wait until the first leaves the window (t=1060)
    waited = await b.acquire("issue_statuses")
    assert waited == pytest.approx(30.0)
    assert clock.now == pytest.approx(1060.0)
    assert b.used("issue_statuses") == 30
    # other endpoints are independent
    assert await b.acquire("search_issues") == 0.0


async def test_sliding_window_forgets_old_requests():
    clock = FakeClock()
    b = budget(clock, headroom=0, limits={"x": 2})
    await b.acquire("x")
    await b.acquire("x")
    clock.now += 61
    assert b.delay("x") == 0.0
    assert b.used("x") == 0


async def test_penalise_holds_the_endpoint_off():
    clock = FakeClock()
    b = budget(clock)
    b.penalise("update_issue", 12.0)
    b.penalise("update_issue", 3.0)  # a shorter penalty never shortens a longer one
    assert b.delay("update_issue") == pytest.approx(12.0)
    assert await b.acquire("update_issue") == pytest.approx(12.0)
    b.penalise("update_issue", None)  # no Retry-After: a default pause
    assert b.delay("update_issue") > 0


async def test_unlimited_budget_still_honours_the_server():
    clock = FakeClock()
    b = RateBudget.unlimited()
    for _ in range(500):
        assert b.delay("search_issues") == 0.0
    b = RateBudget(enabled=False, clock=clock, sleep=clock.sleep)
    b.penalise("search_issues", 4.0)
    assert await b.acquire("search_issues") == pytest.approx(4.0)
