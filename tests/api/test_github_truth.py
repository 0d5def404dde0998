"""GitHub as it really answers: transferred issues (301), deleted ones (410), other hosts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pylon_tui.api.errors import ApiError, BadResponseError, NotFoundError
from pylon_tui.api.github import MAX_REDIRECTS, GitHubClient
from pylon_tui.domain import IssueStateType

from .support import respond

TOKEN = "ghp_abcdefSECRET0123456789"
OLD = "/repos/acme/api/issues/42"
NEW = "/repositories/777/issues/9"


def issue(state: str = "open", html: str = "https://github.com/acme-labs/core/issues/9") -> Any:
    return {"number": 9, "state": state, "title": "Crash on export", "html_url": html}


class GitHub:
    """A fake api.github.com (and whatever else it is asked for), recording every request."""

    def __init__(self, routes: dict[tuple[str, str], list[httpx.Response]]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.url.host, request.url.path))
        if not queue:
            return respond(404, {"message": "Not Found"})
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def client(self) -> GitHubClient:
        return GitHubClient(TOKEN, transport=httpx.MockTransport(self))


def moved(location: str) -> httpx.Response:
    body = {"message": "Moved Permanently", "url": location}
    return respond(301, body, {"Location": location})


@pytest.mark.parametrize("location", [f"https://api.github.com{NEW}", NEW])
async def test_transferred_issue_is_followed_on_the_same_host(location: str) -> None:
    fake = GitHub(
        {
            ("api.github.com", OLD): [moved(location)],
            ("api.github.com", NEW): [respond(200, issue(), {"ETag": '"v1"'}), respond(304)],
        }
    )
    async with fake.client() as gh:
        first = await gh.issue_state("https://github.com/acme/api/issues/42")
        again = await gh.issue_state("acme/api/42")
    # Named where it lives now; still keyed by the link it came from.
    assert first.identifier == "acme-labs/core#9"
    assert first.external_id == "acme/api/42"
    assert first.url == "https://github.com/acme-labs/core/issues/9"
    assert not first.is_closed
    assert again == first
    paths = [r.url.path for r in fake.requests]
    assert paths == [OLD, NEW, NEW], "the move is remembered: later polls skip the 301"
    assert fake.requests[1].headers["authorization"] == f"Bearer {TOKEN}"
    assert fake.requests[2].headers["if-none-match"] == '"v1"', "ETag kept across the move"


async def test_redirect_to_another_host_is_never_followed() -> None:
    fake = GitHub(
        {
            ("api.github.com", OLD): [moved("https://evil.example/steal")],
            ("evil.example", "/steal"): [respond(200, issue())],
        }
    )
    async with fake.client() as gh:
        with pytest.raises(BadResponseError, match="another host") as info:
            await gh.issue_state("acme/api/42")
    assert [r.url.host for r in fake.requests] == ["api.github.com"]
    assert "evil.example" in str(info.value)
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize(
    "location",
    ["http://api.github.com/repositories/1/issues/2", "https://api.github.com:8443/x", ""],
)
async def test_redirect_that_changes_scheme_port_or_names_nothing_is_refused(
    location: str,
) -> None:
    response = moved(location) if location else respond(301, {"message": "Moved"})
    fake = GitHub({("api.github.com", OLD): [response]})
    async with fake.client() as gh:
        with pytest.raises(BadResponseError):
            await gh.issue_state("acme/api/42")
    assert len(fake.requests) == 1


async def test_redirect_loops_end() -> None:
    fake = GitHub({("api.github.com", OLD): [moved(OLD)]})
    async with fake.client() as gh:
        with pytest.raises(BadResponseError, match="redirected more than"):
            await gh.issue_state("acme/api/42")
    assert len(fake.requests) == MAX_REDIRECTS + 1


async def test_deleted_issue_410_counts_closed_and_is_flagged() -> None:
    gone = respond(410, {"message": "This issue was deleted", "status": "410"})
    fake = GitHub({("api.github.com", OLD): [gone]})
    async with fake.client() as gh:
        issue_ = await gh.issue_state("acme/api/42")
        looked_up = await gh.issue("https://github.com/acme/api/issues/42")
    assert issue_.deleted
    assert issue_.is_closed
    assert issue_.state_name == "deleted"
    assert issue_.ending == "acme/api#42 was deleted"
    assert issue_.state_type is not IssueStateType.COMPLETED, "deleted is not 'fixed'"
    assert looked_up == issue_


async def test_new_home_gone_later_starts_again_from_the_link() -> None:
    fake = GitHub(
        {
            ("api.github.com", OLD): [moved(NEW), respond(200, issue("closed"))],
            ("api.github.com", NEW): [respond(200, issue()), respond(404, {"message": "x"})],
        }
    )
    async with fake.client() as gh:
        await gh.issue_state("acme/api/42")
        with pytest.raises(NotFoundError):
            await gh.issue_state("acme/api/42")
        third = await gh.issue_state("acme/api/42")
    assert third.is_closed
    assert [r.url.path for r in fake.requests] == [OLD, NEW, NEW, OLD]


async def test_issue_lookup_is_none_when_github_has_none() -> None:
    fake = GitHub({})
    async with fake.client() as gh:
        assert await gh.issue("acme/api/42") is None
        fake.routes[("api.github.com", OLD)] = [respond(401, {"message": "Bad credentials"})]
        with pytest.raises(ApiError):
            await gh.issue("acme/api/42")
