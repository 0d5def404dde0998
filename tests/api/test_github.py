"""GitHubClient: ref parsing, open/closed mapping, ETag reuse, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pylon_tui.api.errors import AuthError, NotFoundError, RateLimitedError
from pylon_tui.api.github import GitHubClient, GitHubRefError, parse_github_ref
from pylon_tui.domain import IssueStateType

from .support import FakeClock, Router, respond

TOKEN = "ghp_abcdefSECRET0123456789"
PATH = "/repos/acme/api/issues/42"


def issue(state: str = "open") -> dict[str, Any]:
    return {
        "number": 42,
        "state": state,
        "title": "Crash on export",
        "html_url": "https://github.com/acme/api/issues/42",
        "unknown": True,
    }


def client(router: Router, **kwargs) -> GitHubClient:
    return GitHubClient(TOKEN, transport=router.transport, **kwargs)


@pytest.mark.parametrize(
    "ref",
    [
        "https://github.com/acme/api/issues/42",
        "https://github.com/acme/api/pull/42",
        "acme/api/42",
        "acme/api#42",
    ],
)
def test_parse_github_ref(ref):
    assert parse_github_ref(ref) == ("acme", "api", 42)


@pytest.mark.parametrize("ref", ["", "acme/api", "https://github.com/acme", "ENG-12", "a/b/c"])
def test_parse_github_ref_rejects(ref):
    with pytest.raises(GitHubRefError, match="not a GitHub issue"):
        parse_github_ref(ref)


@pytest.mark.parametrize(
    ("state", "expected"),
    [("open", IssueStateType.STARTED), ("closed", IssueStateType.COMPLETED)],
)
async def test_issue_state(state, expected):
    router = Router().on("GET", PATH, respond(200, issue(state)))
    async with client(router) as gh:
        linked = await gh.issue_state("acme/api/42")
    assert linked.state_type is expected
    assert linked.is_closed is (state == "closed")
    assert (linked.source, linked.external_id, linked.identifier) == (
        "github",
        "acme/api/42",
        "acme/api#42",
    )
    headers = router.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert "if-none-match" not in headers


async def test_etag_304_reuses_the_cached_issue():
    router = Router().on(
        "GET",
        PATH,
        respond(200, issue("open"), {"ETag": 'W/"abc"'}),
        respond(304, None),
    )
    async with client(router) as gh:
        first = await gh.issue_state("https://github.com/acme/api/issues/42")
        second = await gh.issue_state("acme/api/42")
    assert second == first
    assert router.requests[1].headers["if-none-match"] == 'W/"abc"'


async def test_new_etag_replaces_the_cache():
    router = Router().on(
        "GET",
        PATH,
        respond(200, issue("open"), {"ETag": '"v1"'}),
        respond(200, issue("closed"), {"ETag": '"v2"'}),
        respond(304, None),
    )
    async with client(router) as gh:
        await gh.issue_state("acme/api/42")
        await gh.issue_state("acme/api/42")
        third = await gh.issue_state("acme/api/42")
    assert third.is_closed
    assert router.requests[2].headers["if-none-match"] == '"v2"'


@pytest.mark.parametrize(
    ("response", "cls"),
    [
        (respond(401, {"message": "Bad credentials"}), AuthError),
        (respond(404, {"message": "Not Found"}), NotFoundError),
        (respond(429, {"message": "slow"}, {"Retry-After": "30"}), RateLimitedError),
    ],
)
async def test_errors(response, cls):
    async with client(Router().on("GET", PATH, response)) as gh:
        with pytest.raises(cls) as info:
            await gh.issue_state("acme/api/42")
    assert TOKEN not in str(info.value)
    assert TOKEN not in repr(info.value)


async def test_primary_rate_limit_403_is_rate_limited_until_reset():
    clock = FakeClock(start=1_700_000_000.0)
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(1_700_000_090)}
    router = Router().on("GET", PATH, respond(403, {"message": "API rate limit exceeded"}, headers))
    async with client(router, clock=clock) as gh:
        with pytest.raises(RateLimitedError) as info:
            await gh.issue_state("acme/api/42")
    assert info.value.retry_after == pytest.approx(90.0)
    assert info.value.status == 403


async def test_plain_403_is_auth():
    router = Router().on("GET", PATH, respond(403, {"message": "Resource not accessible"}))
    async with client(router) as gh:
        with pytest.raises(AuthError):
            await gh.issue_state("acme/api/42")


async def test_no_token_no_header():
    router = Router().on("GET", PATH, respond(200, issue()))
    async with GitHubClient(None, transport=httpx.MockTransport(router)) as gh:
        await gh.issue_state("acme/api/42")
    assert "authorization" not in router.requests[0].headers
