"""Linear as it really answers: trashed issues, OAuth tokens, RATELIMITED, a lean batch query."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from graphql import parse
from graphql.language import FieldNode, OperationDefinitionNode

from pylon_tui.api import linear_queries as q
from pylon_tui.api.errors import AuthError, RateLimitedError
from pylon_tui.api.linear import MISSING_LOOKUPS, LinearClient, linear_credentials
from pylon_tui.api.waits import MAX_WAIT

from .support import FakeClock, respond

KEY = "lin_api_TOPSECRETkey0123456789"
OAUTH = "lin_oauth_0123456789abcdefSECRET"
UUIDS = [str(uuid.UUID(int=i + 1)) for i in range(12)]


def node(n: int = 0, *, trashed: bool | None = None, state: str = "started") -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": UUIDS[n],
        "identifier": f"ENG-{n + 1}",
        "state": {"name": "In Progress", "type": state},
    }
    if trashed is not None:
        out["trashed"] = trashed
    return out


class Linear:
    """A fake endpoint that answers with `answer(body)` and records requests."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        result = self.answer(json.loads(request.content))
        return result if isinstance(result, httpx.Response) else respond(200, {"data": result})

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def client(self, key: str | None = KEY, **kwargs: Any) -> LinearClient:
        return LinearClient(key, transport=httpx.MockTransport(self), **kwargs)


# ------------------------------------------------------------------ trashed issues


async def test_trashed_issue_counts_closed_and_is_flagged() -> None:
    fake = Linear(lambda body: {"issue": {**node(0, trashed=True), "title": "t", "url": "u"}})
    async with fake.client() as client:
        issue = await client.issue("ENG-1")
    assert issue is not None
    assert issue.deleted
    assert issue.is_closed, "its workflow state is still 'started'; the trash wins"
    assert issue.state_name == "deleted"
    assert issue.ending == "ENG-1 was deleted"
    assert "trashed" in fake.bodies[0]["query"]


async def test_trashed_in_the_batch_is_closed() -> None:
    def answer(body: dict[str, Any]) -> object:
        return {"issues": {"nodes": [node(0, trashed=True), node(1, trashed=False)]}}

    async with Linear(answer).client() as client:
        found = await client.issues_by_ids(UUIDS[:2])
    assert found[UUIDS[0]].is_closed
    assert found[UUIDS[0]].deleted
    assert not found[UUIDS[1]].is_closed


async def test_ids_the_batch_leaves_out_are_looked_up_one_by_one_bounded_and_once() -> None:
    # Linear may drop a trashed issue from `issues` even with includeArchived.
    def answer(body: dict[str, Any]) -> object:
        if "ids" in body["variables"]:
            return {"issues": {"nodes": [node(0)]}}
        wanted = body["variables"]["id"]
        if wanted == UUIDS[1]:
            return {"issue": node(1, trashed=True)}
        return respond(200, {"data": None, "errors": [{"message": "Entity not found: Issue"}]})

    fake = Linear(answer)
    async with fake.client() as client:
        found = await client.issues_by_ids(UUIDS)
        assert set(found) == {UUIDS[0], UUIDS[1]}
        assert found[UUIDS[1]].deleted
        single = [b for b in fake.bodies if b["query"] == q.ISSUE]
        assert len(single) == MISSING_LOOKUPS, "bounded per call"
        fake.requests.clear()
        await client.issues_by_ids(UUIDS)
        asked_again = {b["variables"]["id"] for b in fake.bodies if b["query"] == q.ISSUE}
    # Not-found ids are not asked for again; the trashed one is, and the rest get their turn.
    assert UUIDS[2] not in asked_again
    assert UUIDS[1] in asked_again
    assert UUIDS[MISSING_LOOKUPS + 1] in asked_again


def _selected(document: str, path: tuple[str, ...]) -> set[str]:
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    selection = operation.selection_set
    for name in path:
        field = next(
            f for f in selection.selections if isinstance(f, FieldNode) and f.name.value == name
        )
        assert field.selection_set is not None
        selection = field.selection_set
    return {f.name.value for f in selection.selections if isinstance(f, FieldNode)}


def test_batch_query_fetches_only_what_the_watcher_reads() -> None:
    assert _selected(q.ISSUES_BY_IDS, ("issues", "nodes")) == {
        "id",
        "identifier",
        "state",
        "trashed",
        # issue 15: the fix-ready reply names the title and release, the grouped On Hold
        # view the assignee, and a duplicate hands its tickets to the issue it duplicates.
        "title",
        "assignee",
        "releases",
        "relations",
    }
    assert _selected(q.ISSUES_BY_IDS, ("issues", "nodes", "state")) == {"name", "type"}
    # The dialog's single lookup still shows a title and team, and knows about the trash.
    assert {"title", "team", "trashed"} <= _selected(q.ISSUE, ("issue",))


# ------------------------------------------------------------------ tokens


@pytest.mark.parametrize(
    ("configured", "header"),
    [
        (KEY, KEY),
        (f"Bearer {KEY}", KEY),
        (f"  bearer   {KEY} ", KEY),
        (OAUTH, f"Bearer {OAUTH}"),
        (f"Bearer {OAUTH}", f"Bearer {OAUTH}"),
        ("Bearer 0123456789abcdef", "Bearer 0123456789abcdef"),
        ("0123456789abcdef", "0123456789abcdef"),
    ],
)
async def test_authorization_header_per_kind_of_token(configured: str, header: str) -> None:
    fake = Linear(lambda body: {"issue": node()})
    async with fake.client(configured) as client:
        await client.issue("ENG-1")
    assert fake.requests[0].headers["authorization"] == header


@pytest.mark.parametrize("configured", ["", "   ", "Bearer ", None])
def test_an_empty_key_sends_no_header(configured: str | None) -> None:
    assert linear_credentials(configured) == (None, "")


async def test_stripped_token_is_still_redacted_from_errors() -> None:
    echo = respond(401, {"errors": [{"message": f"bad key {OAUTH}"}]})
    async with Linear(lambda body: echo).client(f"Bearer {OAUTH}") as client:
        with pytest.raises(AuthError) as info:
            await client.issue("ENG-1")
    assert OAUTH not in str(info.value)
    assert OAUTH not in repr(info.value)


# ------------------------------------------------------------------ RATELIMITED


def ratelimited(status: int, reset_ms: int | None, *, key: str = "code") -> httpx.Response:
    value = "RATELIMITED" if key == "code" else "ratelimited"
    headers = {"X-RateLimit-Requests-Reset": str(reset_ms)} if reset_ms is not None else {}
    body = {"errors": [{"message": "Rate limit exceeded", "extensions": {key: value}}]}
    return respond(status, body, headers)


@pytest.mark.parametrize("status", [400, 200, 429])
@pytest.mark.parametrize("key", ["code", "type"])
async def test_ratelimited_is_a_bounded_wait_and_no_request_goes_before_it(
    status: int, key: str
) -> None:
    clock = FakeClock(start=1_700_000_000.0)
    reset = int((clock.now + 90) * 1000)
    answers = [ratelimited(status, reset, key=key)]
    fake = Linear(lambda body: answers.pop(0) if answers else {"issue": node()})
    async with fake.client(clock=clock) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.issue("ENG-1")
        assert info.value.retry_after == pytest.approx(90.0)
        clock.now += 60
        with pytest.raises(RateLimitedError) as early:
            await client.issue("ENG-1")
        assert early.value.retry_after == pytest.approx(30.0)
        assert len(fake.requests) == 1, "nothing sent before Linear's reset"
        clock.now += 30
        assert await client.issue("ENG-1") is not None
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    ("reset_ms", "expected"),
    [
        (None, 60.0),  # no reset named: Linear's windows are hourly, wait a minute
        (int((1_700_000_000.0 + 7200) * 1000), MAX_WAIT),  # an hour away: capped
        (int((1_700_000_000.0 - 50) * 1000), 0.0),  # already past
    ],
)
async def test_ratelimited_wait_is_bounded(reset_ms: int | None, expected: float) -> None:
    clock = FakeClock(start=1_700_000_000.0)
    fake = Linear(lambda body: ratelimited(400, reset_ms))
    async with fake.client(clock=clock) as client:
        with pytest.raises(RateLimitedError) as info:
            await client.search("export")
    assert info.value.retry_after == pytest.approx(expected)
    assert info.value.transient
