"""Every GraphQL document the Linear client sends, against Linear's published schema.

Documents are collected by introspecting pylon_tui.api.linear_queries, so a new constant is
covered without touching this file. The sandbox's answers to the real LinearClient are then
checked to have exactly the selection's shape: graphql-core executes each recorded document
over the recorded `data` (a resolver that reads only the response key, and fails when it is
missing), which applies the schema's nullability and scalar types; the re-serialised result
must equal the response byte for byte, so a missing, extra, renamed or mistyped field fails.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, NoDeprecatedCustomRule, parse, validate

from pylon_tui.api import linear_queries
from pylon_tui.api.linear import LinearClient
from pylon_tui.sandbox import SandboxTransport

from .conftest import (
    TOKEN,
    Exchange,
    RecordingTransport,
    current_call,
    document_errors,
    new_sandbox,
    operation_name,
    shape_errors,
)

_OPERATION = re.compile(r"^\s*(query|mutation|subscription|fragment)\b")


def collect_documents(module: object) -> dict[str, str]:
    """Upper-case string constants that are GraphQL documents (not spliced snippets)."""
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and _OPERATION.match(value)
    }


DOCUMENTS = collect_documents(linear_queries)
SNIPPETS = {
    name: value
    for name, value in vars(linear_queries).items()
    if name.isupper() and isinstance(value, str) and name not in DOCUMENTS
}


# --------------------------------------------------------------------------- documents


def test_documents_were_found() -> None:
    assert len(DOCUMENTS) >= 5
    assert set(DOCUMENTS.values()) == set(linear_queries.ALL_DOCUMENTS.values())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_validates_against_the_schema(linear_schema: GraphQLSchema, name: str) -> None:
    errors = document_errors(linear_schema, DOCUMENTS[name])
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_uses_no_deprecated_field(linear_schema: GraphQLSchema, name: str) -> None:
    errors = validate(linear_schema, parse(DOCUMENTS[name]), [NoDeprecatedCustomRule])
    assert not errors, "\n".join(e.message for e in errors)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_is_one_named_operation(name: str) -> None:
    op = operation_name(DOCUMENTS[name])
    assert op is not None
    assert linear_queries.ALL_DOCUMENTS.get(op) == DOCUMENTS[name]


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippets_are_validated_through_a_document(name: str) -> None:
    assert any(SNIPPETS[name] in doc for doc in DOCUMENTS.values())


# --------------------------------------------------------------------------- sandbox answers


@pytest.fixture(scope="module")
def linear_exchanges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Exchange]]:
    sandbox = new_sandbox(Path(tmp_path_factory.mktemp("linear")))
    recorder = RecordingTransport(SandboxTransport(sandbox))
    known = sandbox.linear_issue("ENG-1")

    async def run() -> None:
        async with LinearClient(TOKEN, transport=recorder) as client:

            def call(name: str) -> None:
                current_call.set(name)

            call("teams")
            teams = await client.teams()
            call("issue")
            assert await client.issue("ENG-1") is not None
            assert await client.issue(known["id"]) is not None
            assert await client.issue(known["url"]) is not None
            assert await client.issue("ENG-99999") is None
            call("issues_by_ids")
            unknown = "00000000-0000-4000-8000-000000000000"
            found = await client.issues_by_ids([known["id"], unknown])
            assert list(found) == [known["id"]]
            call("search")
            assert await client.search("SSO login")
            call("create_issue")
            await client.create_issue(teams[0].id, "Contract test", "from the contract suite")

    asyncio.run(run())
    yield recorder.exchanges
    sandbox.close()


def _payload(exchange: Exchange) -> dict[str, Any]:
    payload = json.loads(exchange.request.content)
    assert isinstance(payload, dict)
    return payload


def test_client_sends_only_module_documents_and_all_of_them(
    linear_exchanges: list[Exchange],
) -> None:
    sent = [_payload(e)["query"] for e in linear_exchanges]
    assert set(sent) <= set(DOCUMENTS.values()), "a document not in linear_queries was sent"
    assert set(sent) == set(DOCUMENTS.values()), "some document was never exercised"


def test_requests_are_valid_graphql_posts(
    linear_schema: GraphQLSchema, linear_exchanges: list[Exchange]
) -> None:
    for exchange in linear_exchanges:
        request = exchange.request
        assert (request.method, str(request.url)) == ("POST", "https://api.linear.app/graphql")
        assert request.headers["authorization"] == TOKEN  # personal keys: no Bearer
        payload = _payload(exchange)
        assert set(payload) <= {"query", "variables", "operationName"}
        assert not document_errors(linear_schema, payload["query"])


def test_responses_have_the_selection_shape(
    linear_schema: GraphQLSchema, linear_exchanges: list[Exchange]
) -> None:
    bad = []
    for exchange in linear_exchanges:
        payload = _payload(exchange)
        body = exchange.response.json()
        assert exchange.response.status_code == 200, body
        name = operation_name(payload["query"])
        if body.get("errors"):
            # Linear's not-found: data null and errors with a message each.
            assert body.get("data") is None, body
            assert name == "PylonTuiIssue", body
            assert all(isinstance(e.get("message"), str) for e in body["errors"])
            continue
        assert set(body) == {"data"}, body
        problems = shape_errors(linear_schema, payload["query"], payload["variables"], body["data"])
        if problems:
            where = f"[{exchange.call}] {name} {payload['variables']}"
            bad.append(f"{where}:\n  " + "\n  ".join(problems))
    assert not bad, "\n".join(bad)
