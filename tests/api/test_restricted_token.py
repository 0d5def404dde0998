"""A token whose role may not read custom fields (403) still searches and sets priorities.

Issue 9 item 11: the priority field is assumed (`priority`, urgent..low) and the client says
so in `priority_refused`; a 401 or a wrong-region refusal is never mistaken for it.
"""

from __future__ import annotations

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import AuthError
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions
from pylon_tui.domain import Priority

from .support import BASE, TOKEN, FakeClock, Router, envelope, issue_json, respond

FORBIDDEN = {"errors": ["this token's role may not read custom fields"], "code": "forbidden"}


def pylon(router: Router) -> PylonClient:
    """A client that has not read the priority field yet (support.pylon preloads it)."""
    clock = FakeClock()
    budget = RateBudget(clock=clock, sleep=clock.sleep)
    return PylonClient(BASE, TOKEN, transport=router.transport, budget=budget)


async def test_a_403_on_custom_fields_assumes_the_default_priority_field() -> None:
    router = (
        Router()
        .on("GET", "/custom-fields", respond(403, FORBIDDEN))
        .on("POST", "/issues/search", respond(200, envelope([issue_json(1)])))
        .on(
            "PATCH",
            "/issues/iss_0001",
            respond(
                200,
                envelope(
                    issue_json(1, custom_fields={"priority": {"slug": "priority", "value": "high"}})
                ),
            ),
        )
    )
    async with pylon(router) as client:
        assert not client.priority_refused
        tickets = await client.search_issues({"field": "state", "operator": "in", "values": []})
        assert len(tickets) == 1  # the search went ahead
        assert client.priority_refused
        assert await client.priority_options() == PriorityOptions.default()
        saved = await client.set_priority("iss_0001", Priority.HIGH)
    assert saved.priority is Priority.HIGH
    assert router.bodies("PATCH") == [{"custom_fields": [{"slug": "priority", "value": "high"}]}]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"errors": ["invalid API token"], "code": "invalid_api_token"}),
        (403, {"errors": ["use https://api.eu.usepylon.com"], "code": "wrong_region_token"}),
    ],
)
async def test_other_auth_refusals_are_still_errors(status: int, body: dict[str, object]) -> None:
    router = Router().on("GET", "/custom-fields", respond(status, body))
    async with pylon(router) as client:
        with pytest.raises(AuthError):
            await client.priority_options()
        assert not client.priority_refused
