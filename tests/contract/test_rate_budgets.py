"""Rate budgets against the official SDK (issue 18): each endpoint's "**Rate limit:** N
requests per minute" in the SDK's docstrings is Pylon's current number. The sandbox enforces
exactly that number on every route the SDK knows (so a route added later is held to it too),
and the client never budgets more than it for the endpoint it calls."""

from __future__ import annotations

import pytest

from pylon_tui.api.budget import PYLON_LIMITS
from pylon_tui.sandbox.pylon import endpoints

from . import sdk_oracle

# The client's budget keys -> the endpoint each one meters (pylon_tui/api/pylon.py `_call`).
CLIENT_KEYS: dict[str, tuple[str, str]] = {
    "search_issues": ("POST", "/issues/search"),
    "list_issues": ("GET", "/issues"),
    "get_issue": ("GET", "/issues/x"),
    "update_issue": ("PATCH", "/issues/x"),
    "reply": ("POST", "/issues/x/reply"),
    "note": ("POST", "/issues/x/note"),
    "external_issues": ("POST", "/issues/x/external-issues"),
    "messages": ("GET", "/issues/x/messages"),
    "issue_statuses": ("GET", "/issue-statuses"),
    "users": ("GET", "/users"),
    "user": ("GET", "/users/x"),
    "teams": ("GET", "/teams"),
    "team": ("GET", "/teams/x"),
    "accounts": ("GET", "/accounts"),
    "account": ("GET", "/accounts/x"),
    "custom_fields": ("GET", "/custom-fields"),
    "me": ("GET", "/me"),
    "macros": ("GET", "/macros"),
    "tags": ("GET", "/tags"),
    "snooze": ("POST", "/issues/x/snooze"),
    "ai_response": ("POST", "/issues/x/ai-response"),
}


def _example_path(pattern: str) -> str:
    return pattern.strip("^$").replace("(?P<id>[^/]+)", "x")


ROUTES = [
    (method, _example_path(p.pattern), key, budget)
    for method, p, _h, key, budget in endpoints.ROUTES
]


@pytest.mark.parametrize(("method", "path", "key", "budget"), ROUTES, ids=[r[2] for r in ROUTES])
def test_sandbox_route_budget_is_the_sdks(method: str, path: str, key: str, budget: int) -> None:
    op = sdk_oracle.find(method, path)
    if op is None or op.rate_limit is None:
        pytest.skip(f"the SDK documents no rate limit for {method} {path}")
    assert budget == op.rate_limit, (
        f"{key}: sandbox {budget}/min, SDK {op.client_path} {op.rate_limit}/min"
    )


def test_every_client_budget_key_is_mapped() -> None:
    assert set(PYLON_LIMITS) <= set(CLIENT_KEYS)


@pytest.mark.parametrize("key", sorted(PYLON_LIMITS))
def test_client_budget_is_the_sdks(key: str) -> None:
    op = sdk_oracle.find(*CLIENT_KEYS[key])
    assert op is not None
    assert op.rate_limit is not None
    assert PYLON_LIMITS[key] == op.rate_limit
