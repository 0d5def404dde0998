"""The sandbox's trashed issues and RATELIMITED answers, against Linear's schema.

The trash and the rate limit are sandbox inventions only in how they are switched on: what the
client sees must be shaped exactly as Linear would shape it, or the tests of items 8-9 prove a
client that only works against the sandbox. Each document the client sends around a trashed
issue is executed by graphql-core over the recorded `data` (see test_linear_documents)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLSchema

from pylon_tui.api.errors import RateLimitedError
from pylon_tui.api.linear import LinearClient
from pylon_tui.sandbox import SandboxTransport

from .conftest import TOKEN, RecordingTransport, document_errors, new_sandbox, shape_errors


@pytest.mark.parametrize("listed", [True, False])
async def test_answers_about_a_trashed_issue_have_the_schema_shape(
    tmp_path: Path, linear_schema: GraphQLSchema, listed: bool
) -> None:
    sandbox = new_sandbox(tmp_path)
    recorder = RecordingTransport(SandboxTransport(sandbox))
    trashed = sandbox.trash_linear_issue("ENG-12", listed=listed)
    kept = sandbox.linear_issue("ENG-13")
    try:
        async with LinearClient(TOKEN, transport=recorder) as client:
            found = await client.issues_by_ids([trashed["id"], kept["id"]])
            single = await client.issue("ENG-12")
    finally:
        sandbox.close()
    assert found[trashed["id"]].deleted
    assert single is not None
    assert single.deleted
    assert recorder.exchanges
    for exchange in recorder.exchanges:
        payload = json.loads(exchange.request.content)
        body = exchange.response.json()
        assert exchange.response.status_code == 200, body
        assert set(body) == {"data"}, body
        assert not document_errors(linear_schema, payload["query"])
        problems = shape_errors(linear_schema, payload["query"], payload["variables"], body["data"])
        assert not problems, problems
    trashed_flags = [
        node.get("trashed")
        for exchange in recorder.exchanges
        for node in _issue_nodes(exchange.response.json()["data"])
    ]
    assert True in trashed_flags


def _issue_nodes(data: dict[str, object]) -> list[dict[str, object]]:
    issue = data.get("issue")
    if isinstance(issue, dict):
        return [issue]
    issues = data.get("issues")
    nodes = issues.get("nodes") if isinstance(issues, dict) else None
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else []


@pytest.mark.parametrize("status", [400, 200])
async def test_ratelimited_answer_is_a_graphql_error_the_client_maps(
    tmp_path: Path, status: int
) -> None:
    sandbox = new_sandbox(tmp_path)
    sandbox.linear_rate_limit(status=status, reset_in=120)
    recorder = RecordingTransport(SandboxTransport(sandbox))
    try:
        async with LinearClient(TOKEN, transport=recorder) as client:
            with pytest.raises(RateLimitedError) as info:
                await client.search("export")
    finally:
        sandbox.close()
    # A request-level GraphQL error: `errors` with a message each and no `data` at all.
    response: httpx.Response = recorder.exchanges[0].response
    body = response.json()
    assert set(body) == {"errors"}
    assert all(isinstance(e["message"], str) for e in body["errors"])
    assert body["errors"][0]["extensions"]["code"] == "RATELIMITED"
    assert 0 < info.value.retry_after <= 120
