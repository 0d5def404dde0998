"""Fixtures: a seeded in-memory sandbox on a controllable clock, and spec-checking clients."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport

from . import openapi_check

START = datetime(2025, 3, 10, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


def _check(response: httpx.Response) -> None:
    """Every Pylon response the tests see is validated against the OpenAPI document."""
    if response.request.url.host not in ("api.usepylon.com", "api.eu.usepylon.com"):
        return
    if openapi_check.spec_path() is None:
        return
    response.read()
    method, path = response.request.method, response.request.url.path
    try:
        openapi_check.find_operation(method, path)
    except KeyError:  # a path Pylon does not have: still Pylon's error shape
        assert response.status_code == 404
        assert not openapi_check.schema_errors("ErrorApiResponseBody", response.json())
        return
    openapi_check.validate_response(method, path, response.status_code, response.json())


async def _acheck(response: httpx.Response) -> None:
    await response.aread()
    _check(response)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sb(clock: FakeClock) -> Iterator[Sandbox]:
    sandbox = Sandbox(":memory:", now=clock)
    sandbox.ensure_seeded()
    yield sandbox
    sandbox.close()


def make_client(
    sandbox: Sandbox, base_url: str = "https://api.usepylon.com", *, check: bool = True, **kw: Any
) -> httpx.Client:
    return httpx.Client(
        transport=SandboxTransport(sandbox),
        base_url=base_url,
        event_hooks={"response": [_check] if check else []},
        **kw,
    )


@pytest.fixture
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with make_client(sb) as c:
        yield c


@pytest.fixture
def linear(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SandboxTransport(sb), base_url="https://api.linear.app") as c:
        yield c


@pytest.fixture
async def aclient(sb: Sandbox) -> Any:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sb),
        base_url="https://api.usepylon.com",
        event_hooks={"response": [_acheck]},
    ) as c:
        yield c


ALL_STATES = [
    "new",
    "waiting_on_you",
    "waiting_on_customer",
    "on_hold",
    "closed",
    "investigating",
    "pending_release",
]


def search_all(client: httpx.Client, flt: dict[str, Any], limit: int = 999) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    body: dict[str, Any] = {"filter": flt, "limit": limit}
    while True:
        r = client.post("/issues/search", json=body)
        assert r.status_code == 200, r.text
        out.extend(r.json()["data"])
        page = r.json()["pagination"]
        if not page["has_next_page"]:
            return out
        body["cursor"] = page["cursor"]


def gql(client: httpx.Client, query: str, **variables: Any) -> httpx.Response:
    return client.post("/graphql", json={"query": query, "variables": variables})
