"""LinearClient: ref parsing, the documents it sends, batching, and error mapping."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from pylon_tui.api import linear_queries as q
from pylon_tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    NetworkError,
    RateLimitedError,
    RequestError,
    ServerError,
)
from pylon_tui.api.linear import LinearClient, LinearRefError, parse_linear_ref
from pylon_tui.domain import IssueStateType

from .support import FakeClock, respond

KEY = "lin_api_TOPSECRETkey0123456789"
UUID = "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10"


def node(identifier: str = "ENG-12", issue_id: str = UUID, state_type: str = "started"):
    return {
        "id": issue_id,
        "identifier": identifier,
        "title": "Export times out",
        "url": f"https://linear.app/acme/issue/{identifier}/export-times-out",
        "description": None,
        "state": {"name": "In Progress", "type": state_type},
        "team": {"id": "team-uuid", "key": identifier.split("-")[0], "name": "Engineering"},
    }


class Linear:
    """A fake GraphQL endpoint: answers by operation name, records every call."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls: list[dict[str, Any]] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        self.calls.append(body)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, httpx.Response):
            return answer
        result: httpx.Response = answer(body)
        return result

    def client(self, **kwargs) -> LinearClient:
        return LinearClient(KEY, transport=httpx.MockTransport(self), **kwargs)


def data(payload) -> httpx.Response:
    return respond(200, {"data": payload})


# ---------------------------------------------------------------- ref parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://linear.app/acme/issue/ENG-123/export-times-out", "ENG-123"),
        ("https://linear.app/acme/issue/eng-123", "ENG-123"),
        ("linear.app/acme/issue/OPS2-7/x?foo=1#bar", "OPS2-7"),
        ("  eng-42 ", "ENG-42"),
        ("ENG-42", "ENG-42"),
        (UUID.upper(), UUID),
        (UUID.replace("-", ""), UUID),
    ],
)
def test_parse_linear_ref(text, expected):
    assert parse_linear_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter a Linear issue"),
        ("   ", "enter a Linear issue"),
        ("hello world", "is not a Linear issue URL, identifier"),
        ("ENG-", "is not a Linear issue"),
        ("123", "is not a Linear issue"),
        ("https://github.com/acme/api/issues/4", "is not a Linear issue link"),
        ("https://evil.example/linear.app/acme/issue/ENG-1", "is not a Linear issue link"),
        ("https://linear.app/acme/project/foo", "is not a Linear issue link"),
        ("x" * 500, "..."),
    ],
)
def test_parse_linear_ref_rejects_garbage_clearly(text, message):
    with pytest.raises(LinearRefError, match=message) as info:
        parse_linear_ref(text)
    assert isinstance(info.value, ValueError)
    assert len(str(info.value)) < 200


# ---------------------------------------------------------------- operations


async def test_issue_sends_the_document_with_the_raw_key():
    fake = Linear(data({"issue": node()}))
    async with fake.client() as client:
        issue = await client.issue("https://linear.app/acme/issue/eng-12/slug")
    assert issue is not None
    assert (issue.source, issue.external_id, issue.identifier) == ("linear", UUID, "ENG-12")
    assert issue.state_type is IssueStateType.STARTED
    assert issue.state_name == "In Progress"
    assert issue.team == "ENG"
    assert not issue.is_closed
    assert fake.calls == [{"query": q.ISSUE, "variables": {"id": "ENG-12"}}]
    request = fake.requests[0]
    assert request.headers["authorization"] == KEY  # personal keys: no "Bearer"
    assert str(request.url) == "https://api.linear.app/graphql"


@pytest.mark.parametrize(
    "answer",
    [
        respond(
            200,
            {
                "errors": [
                    {
                        "message": "Entity not found: Issue",
                        "extensions": {
                            "code": "INVALID_INPUT",
                            "userPresentableMessage": "Could not find referenced Issue.",
                        },
                    }
                ],
                "data": None,
            },
        ),
        respond(400, {"errors": [{"message": "Entity not found: Issue"}]}),
        data({"issue": None}),
    ],
)
async def test_issue_not_found_is_none(answer):
    async with Linear(answer).client() as client:
        assert await client.issue("ENG-999") is None


async def test_bad_ref_raises_before_any_request():
    fake = Linear(data({}))
    async with fake.client() as client:
        with pytest.raises(LinearRefError):
            await client.issue("not a ref")
    assert fake.calls == []


async def test_issues_by_ids_batches_in_one_query_per_250():
    ids = [str(uuid.UUID(int=i + 1)) for i in range(300)]

    def answer(body):
        return data({"issues": {"nodes": [node(f"ENG-{i}", i) for i in body["variables"]["ids"]]}})

    fake = Linear(answer)
    wanted = [i.upper() for i in ids] + ["ENG-1", ids[0]]  # upper case, an identifier, a dup
    async with fake.client() as client:
        found = await client.issues_by_ids(wanted)
    assert [len(c["variables"]["ids"]) for c in fake.calls] == [250, 50]
    assert [c["variables"]["first"] for c in fake.calls] == [250, 50]
    assert all(c["query"] == q.ISSUES_BY_IDS for c in fake.calls)
    assert set(found) == {i.upper() for i in ids}  # keyed as the caller passed them
    assert found[ids[5].upper()].external_id == ids[5]


async def test_issues_by_ids_empty_sends_nothing():
    fake = Linear(data({}))
    async with fake.client() as client:
        assert await client.issues_by_ids([]) == {}
    assert fake.calls == []


async def test_search_uses_search_issues_term():
    fake = Linear(data({"searchIssues": {"nodes": [node(), node("ENG-13", str(uuid.uuid4()))]}}))
    async with fake.client() as client:
        assert await client.search("   ") == []
        found = await client.search("export timeout", first=5)
    assert [i.identifier for i in found] == ["ENG-12", "ENG-13"]
    assert fake.calls == [
        {"query": q.SEARCH_ISSUES, "variables": {"term": "export timeout", "first": 5}}
    ]


async def test_create_issue():
    fake = Linear(data({"issueCreate": {"success": True, "issue": node(state_type="backlog")}}))
    async with fake.client() as client:
        issue = await client.create_issue("team-uuid", "Export times out", "From Pylon #12")
    assert issue.state_type is IssueStateType.BACKLOG
    assert fake.calls[0]["variables"] == {
        "teamId": "team-uuid",
        "title": "Export times out",
        "description": "From Pylon #12",
    }


async def test_create_issue_failure():
    async with Linear(data({"issueCreate": {"success": False, "issue": None}})).client() as c:
        with pytest.raises(RequestError, match="did not create"):
            await c.create_issue("t", "x", "y")


async def test_teams_pages():
    fake = Linear(
        data(
            {
                "teams": {
                    "nodes": [{"id": "t1", "key": "ENG", "name": "Engineering"}],
                    "pageInfo": {"hasNextPage": True, "endCursor": "c1"},
                }
            }
        ),
        data(
            {
                "teams": {
                    "nodes": [{"id": "t2", "key": "OPS", "name": "Ops"}, {"bad": 1}],
                    "pageInfo": {"hasNextPage": False, "endCursor": "c2"},
                }
            }
        ),
    )
    async with fake.client() as client:
        teams = await client.teams()
    assert [(t.id, t.key, t.name) for t in teams] == [
        ("t1", "ENG", "Engineering"),
        ("t2", "OPS", "Ops"),
    ]
    assert [c["variables"]["after"] for c in fake.calls] == [None, "c1"]


# ---------------------------------------------------------------- errors


def gql_error(code: str, message: str = "nope", status: int = 200, headers=None):
    body = {"errors": [{"message": message, "extensions": {"code": code}}], "data": None}
    return respond(status, body, headers)


def _raise_connect(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("dns failure", request=request)


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (gql_error("RATELIMITED", "Rate limit exceeded"), RateLimitedError),
        (gql_error("RATELIMITED", status=400), RateLimitedError),
        (respond(429, None, {"Retry-After": "12"}), RateLimitedError),
        (gql_error("AUTHENTICATION_ERROR", "Authentication required"), AuthError),
        (respond(401, b"unauthorized"), AuthError),
        (gql_error("FORBIDDEN", "no access"), AuthError),
        (gql_error("GRAPHQL_VALIDATION_FAILED", "Cannot query field", status=400), RequestError),
        (gql_error("INTERNAL_SERVER_ERROR", "oops"), ServerError),
        (respond(502, b"<html>bad gateway</html>"), ServerError),
        (respond(200, b"{not json"), BadResponseError),
        (respond(200, {"data": None}), BadResponseError),
        (respond(200, {"data": {"searchIssues": {"nodes": "x"}}}), BadResponseError),
        (_raise_connect, NetworkError),
    ],
)
async def test_error_mapping(answer, cls):
    fake = Linear(answer)
    async with fake.client() as client:
        with pytest.raises(ApiError) as info:
            await client.search("export")
    err = info.value
    assert type(err) is cls
    for text in (str(err), repr(err), err.hint, err.user_text):
        assert KEY not in text
    assert err.service == "Linear"


async def test_rate_limit_reset_header_gives_retry_after():
    clock = FakeClock(start=1_700_000_000.0)
    reset_ms = str(int((clock.now + 42) * 1000))
    answer = gql_error("RATELIMITED", headers={"X-RateLimit-Requests-Reset": reset_ms})
    async with Linear(answer).client(clock=clock) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.issue("ENG-1")
    assert info.value.retry_after == pytest.approx(42.0)
    assert info.value.transient


async def test_auth_error_hint_names_the_linear_key():
    async with Linear(gql_error("AUTHENTICATION_ERROR")).client() as client:
        with pytest.raises(AuthError) as info:
            await client.issue("ENG-1")
    # The key's real config names, and both kinds of token Linear takes.
    assert "LINEAR_API_KEY" in info.value.hint
    assert "[linear] token" in info.value.hint
    assert "lin_oauth_" in info.value.hint
    assert not info.value.wrong_region
