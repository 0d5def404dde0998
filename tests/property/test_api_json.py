"""Any JSON from any endpoint either parses or raises the client's own error (issue 12).

Every public request method of the Pylon, Linear and GitHub clients (the list in
tests/api/hostile.py, which a test keeps complete) is fed arbitrary JSON values, deeply nested
arrays, weird numbers (NaN, Infinity, 10**5000), invalid bytes and random statuses and retry
headers through an httpx.MockTransport. The call must return, or raise an ApiError subclass
of that service with a one-line message and no token, and never anything else.
"""

from __future__ import annotations

import asyncio
import functools
import json
import math
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import ApiError
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.waits import MAX_WAIT
from pylon_tui.api.wire import PriorityOptions
from tests.api.hostile import CALLS, ISSUE, LINEAR_NODE, TOKENS, Call, good_body
from tests.api.support import FakeClock

# Keys the parsers look for, so generated objects reach deep into the wire code.
KNOWN_KEYS = [
    "data", "pagination", "cursor", "has_next_page", "errors", "request_id", "code", "message",
    "id", "number", "state", "title", "created_at", "updated_at", "latest_message_time",
    "custom_fields", "priority", "value", "values", "slug", "label", "select_metadata",
    "options", "external_issues", "source", "external_id", "link", "tags", "account",
    "assignee", "team", "requester", "body_html", "message_html", "timestamp", "author",
    "contact", "user", "is_private", "thread_id", "category", "name", "email", "emails",
    "issue", "issues", "nodes", "searchIssues", "issueCreate", "success", "teams", "pageInfo",
    "hasNextPage", "endCursor", "identifier", "url", "type", "key", "extensions",
    "userPresentableMessage", "html_url",
]  # fmt: skip
WEIRD_NUMBERS = st.sampled_from(
    [0, -1, 1, 2**53, 2**63, -(2**63), 10**40, math.nan, math.inf, -math.inf, 1e308, -0.0, 0.5]
)
WEIRD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "new",
        "closed",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        "\ud800",
        "\x1b[2J\x1b]52;c;Zm9v\x07",
        "[/]",
        "[@click=app.quit]x[/]",
        "Bearer " + TOKENS["Pylon"],
        "RATELIMITED",
        "wrong_region_token",
        "x" * 5000,
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | WEIRD_NUMBERS
    | WEIRD_TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=40,
)


def _mutated(base: object, data: st.DataObject) -> object:
    """A valid answer with one value somewhere replaced: the likeliest real-world breakage."""
    if isinstance(base, dict) and base:
        key = data.draw(st.sampled_from(sorted(base)))
        replace = data.draw(st.booleans())
        inner = data.draw(JSON) if replace else _mutated(base[key], data)
        return {**base, key: inner}
    if isinstance(base, list) and base:
        index = data.draw(st.integers(0, len(base) - 1))
        return [*base[:index], _mutated(base[index], data), *base[index + 1 :]]
    return data.draw(JSON)


SPECIAL_BODIES = st.sampled_from(
    [
        b"",
        b"   ",
        b"\xff\xfe\x00garbage",
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"data":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"data": ' + b"9" * 5000 + b"}",
        b'{"data": [1, 2',
        b'{"data": NaN, "errors": [Infinity]}',
        b'"\\ud800"',
        b"[" * 3000,
    ]
)
STATUSES = st.sampled_from([200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 429, 500])
HEADER_VALUES = st.sampled_from(["1e9", "inf", "nan", "-5", "3", "Fri, 31 Dec 9999 23:59:59 GMT"])


@st.composite
def answers(draw: st.DrawFn, call: Call) -> tuple[int, bytes, dict[str, str]]:
    kind = draw(st.sampled_from(["json", "mutated", "special"]))
    if kind == "special":
        body = draw(SPECIAL_BODIES)
    else:
        request = _request_for(call)
        value: Any = draw(JSON) if kind == "json" else _mutated(good_body(request), draw(st.data()))
        body = json.dumps(value, allow_nan=True).encode()
    headers = {"content-type": "application/json"}
    for name in ("Retry-After", "X-Retry-After", "X-RateLimit-Reset", "x-ratelimit-remaining"):
        if draw(st.booleans()):
            headers[name] = draw(HEADER_VALUES)
    return draw(STATUSES), body, headers


@functools.cache
def _request_for(call: Call) -> httpx.Request:
    """The call's last request against good answers, so `good_body` picks its template."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=good_body(request))

    async def run() -> None:
        client, _ = _client(call.service, httpx.MockTransport(handler))
        async with client:
            await call.run(client)

    asyncio.run(run())
    return seen[-1]


def _client(service: str, transport: httpx.MockTransport) -> Any:
    clock = FakeClock()  # a 429's wait is "slept" instantly, and recorded
    if service == "Pylon":
        budget = RateBudget(clock=clock, sleep=clock.sleep)
        return PylonClient(
            "https://api.usepylon.com",
            TOKENS["Pylon"],
            transport=transport,
            budget=budget,
            priority_options=PriorityOptions.default(),
        ), clock
    if service == "Linear":
        return LinearClient(TOKENS["Linear"], transport=transport), clock
    return GitHubClient(TOKENS["GitHub"], transport=transport), clock


async def _outcome(call: Call, status: int, body: bytes, headers: dict[str, str]) -> object:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers)

    client, clock = _client(call.service, httpx.MockTransport(handler))
    try:
        return await call.run(client)
    except BaseException as exc:  # the property is about whatever comes out
        return exc
    finally:
        await client.aclose()
        assert all(0 <= s <= MAX_WAIT for s in clock.sleeps), clock.sleeps


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
def test_any_json_from_any_endpoint_parses_or_raises_the_clients_error(call: Call) -> None:
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(answer=answers(call))
    def check(answer: tuple[int, bytes, dict[str, str]]) -> None:
        status, body, headers = answer
        outcome = asyncio.run(_outcome(call, status, body, headers))
        if isinstance(outcome, BaseException):
            assert isinstance(outcome, ApiError), f"{type(outcome).__name__}: {outcome}"
            assert outcome.service == call.service
            text = f"{outcome} {outcome.hint}"
            assert "\n" not in text
            assert "\x1b" not in text
            assert TOKENS[call.service] not in text + repr(outcome)

    check()


def test_the_templates_parse() -> None:
    """The unmutated templates are valid answers (else "mutated" would test nothing)."""
    for call in CALLS:
        body = json.dumps(good_body(_request_for(call))).encode()
        outcome = asyncio.run(_outcome(call, 200, body, {}))
        assert not isinstance(outcome, BaseException), (call.id, outcome)
    assert ISSUE["number"] == 1
    assert LINEAR_NODE["identifier"] == "ENG-1"
