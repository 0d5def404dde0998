"""Guards the guards: a wrong field name, path, parameter or GraphQL field must fail.

Each test starts from something the suite accepts (a body the client really sends, a real
sandbox answer, a real document), breaks one thing, and asserts the validator rejects it and
names the culprit. The last tests break the client itself and watch the contract catch it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema

from pylon_tui.api import linear_queries
from pylon_tui.api.errors import ApiError
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.sandbox import Sandbox, SandboxTransport
from tests.sandbox import openapi_check

from . import openapi
from .conftest import (
    PYLON,
    TOKEN,
    Exchange,
    RecordingTransport,
    document_errors,
    new_sandbox,
    shape_errors,
)
from .test_linear_documents import DOCUMENTS

UPDATE = openapi.operation_by_id("UpdateIssue")
GET_ISSUE = openapi.operation_by_id("GetIssue")
ACCOUNTS = openapi.operation_by_id("GetAccounts")
STATE_FILTER = {"field": "state", "operator": "in", "values": ["new"]}


def _body_errors(op: openapi.Operation, body: Any) -> list[str]:
    return openapi.request_body_errors(op, json.dumps(body).encode())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sb = new_sandbox(Path(tmp_path_factory.mktemp("guards")))
    yield sb
    sb.close()


@pytest.fixture(scope="module")
def sent(pylon_exchanges: list[Exchange]) -> dict[str, list[tuple[openapi.Operation, Any]]]:
    """Bodies the real client sent in the scenario, by client method: the known-good ones."""
    out: dict[str, list[tuple[openapi.Operation, Any]]] = {}
    for exchange in pylon_exchanges:
        request = exchange.request
        op = openapi.find_operation(request.method, request.url.raw_path.decode())
        if op is not None and request.content:
            out.setdefault(exchange.call, []).append((op, json.loads(request.content)))
    return out


def _good(sent: dict[str, list[tuple[openapi.Operation, Any]]], call: str, field: str) -> Any:
    return next((op, copy.deepcopy(b)) for op, b in sent[call] if field in b)


def _rename(obj: dict[str, Any], old: str, new: str) -> None:
    obj[new] = obj.pop(old)


def _first_with(obj: Any, key: str) -> dict[str, Any]:
    """The first (depth-first) object holding `key`: a leaf filter inside and/or trees."""
    if isinstance(obj, dict):
        for value in obj.values():
            if isinstance(value, (dict, list)):
                with contextlib.suppress(LookupError):
                    return _first_with(value, key)
        if key in obj:
            return obj
    if isinstance(obj, list):
        for value in obj:
            with contextlib.suppress(LookupError):
                return _first_with(value, key)
    raise LookupError(key)


# --------------------------------------------------------------------------- request bodies


# (client method, a field its body has, how to break it, the name the error must mention)
BODY_BREAKS: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    ("update_state", "state", lambda b: _rename(b, "state", "status"), "status"),
    ("assign", "assignee_id", lambda b: _rename(b, "assignee_id", "assignee"), "assignee"),
    (
        "set_priority",
        "custom_fields",
        lambda b: _rename(b["custom_fields"][0], "value", "valu"),
        "valu",
    ),
    ("set_priority", "custom_fields", lambda b: b.update(priority="high"), "priority"),
    ("search_issues", "filter", lambda b: _rename(b, "filter", "filters"), "filter"),
    (
        "search_issues",
        "filter",
        lambda b: _first_with(b["filter"], "operator").update(operator="is_in"),
        "is_in",
    ),
    ("search_issues", "cursor", lambda b: b.update(limit=str(b["limit"])), "limit"),
    (
        "link_external_issue",
        "external_issue_id",
        lambda b: _rename(b, "external_issue_id", "external_id"),
        "external_id",
    ),
    ("reply", "message_id", lambda b: b.pop("message_id"), "message_id"),
    ("note", "body_html", lambda b: _rename(b, "body_html", "html"), "html"),
]


@pytest.mark.parametrize(
    ("call", "field", "breaks", "culprit"),
    BODY_BREAKS,
    ids=[f"{c}:{x}" for c, _f, _b, x in BODY_BREAKS],
)
def test_a_broken_request_body_is_rejected(
    sent: dict[str, list[tuple[openapi.Operation, Any]]],
    call: str,
    field: str,
    breaks: Callable[[dict[str, Any]], None],
    culprit: str,
) -> None:
    op, body = _good(sent, call, field)
    assert _body_errors(op, body) == []
    breaks(body)
    problems = _body_errors(op, body)
    assert any(culprit in p for p in problems), problems


def test_request_strictness_is_added_not_in_the_document() -> None:
    """OpenAPI leaves additionalProperties open; only our resolved copy closes it."""
    raw = openapi.document()["components"]["schemas"]["UpdateIssueRequestBody"]
    assert "additionalProperties" not in raw
    assert openapi.schema_errors("UpdateIssueRequestBody", {"status": "x"}, strict=False) == []
    assert openapi.schema_errors("UpdateIssueRequestBody", {"status": "x"})


def test_sandbox_helper_validates_against_the_same_document() -> None:
    """tests/sandbox/openapi_check.py must not drift to another copy of the spec."""
    assert openapi_check.spec() == openapi.document()


def test_a_body_on_a_get_is_rejected() -> None:
    assert openapi.request_body_errors(GET_ISSUE, b'{"state": "new"}')


# --------------------------------------------------------------------------- paths and queries


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/issue/{id}"),
        ("GET", "/issue/abc"),
        ("POST", "/issues/abc/replies"),
        ("POST", "/issues/abc/external_issues"),
        ("GET", "/issue_statuses"),
        ("PUT", "/issues/abc"),
        ("POST", "/issues/abc/messages"),
        ("GET", "/issues/abc/reply/extra"),
    ],
)
def test_an_undocumented_path_is_rejected(method: str, path: str) -> None:
    assert openapi.find_operation(method, path) is None
    assert openapi.path_errors(method, path)
    request = httpx.Request(method, PYLON + path, headers={"Authorization": "Bearer t"})
    assert openapi.request_errors(request)


def test_documented_paths_resolve_to_their_operations() -> None:
    search = openapi.operation_by_id("SearchIssues")
    assert openapi.find_operation("POST", "/issues/search") == search  # literal beats {id}
    assert openapi.find_operation("PATCH", "/issues/abc") == UPDATE
    assert openapi.find_operation("GET", "/issues/42") == GET_ISSUE
    request = httpx.Request("PATCH", PYLON + "/issues/abc", json={"state": "new"})
    request.headers["Authorization"] = "Bearer t"
    assert openapi.request_errors(request) == []


@pytest.mark.parametrize(
    ("query", "culprit"),
    [
        ([], "limit"),
        ([("page_size", "10")], "page_size"),
        ([("limit", "ten")], "limit"),
        ([("limit", "10"), ("curser", "c")], "curser"),
    ],
)
def test_a_broken_query_string_is_rejected(query: list[tuple[str, str]], culprit: str) -> None:
    assert openapi.query_errors(ACCOUNTS, [("limit", "10"), ("cursor", "c")]) == []
    problems = openapi.query_errors(ACCOUNTS, query)
    assert any(culprit in p for p in problems), problems


def test_custom_fields_without_object_type_is_rejected() -> None:
    op = openapi.operation_by_id("GetCustomFields")
    assert openapi.query_errors(op, [("object_type", "issue")]) == []
    assert openapi.query_errors(op, [])


def test_a_request_without_bearer_auth_is_rejected() -> None:
    request = httpx.Request("GET", PYLON + "/me", headers={"Authorization": "t"})
    assert any("Bearer" in p for p in openapi.request_errors(request))


# --------------------------------------------------------------------------- responses


def _issue_response(sandbox: Sandbox) -> dict[str, Any]:
    with httpx.Client(
        transport=SandboxTransport(sandbox),
        base_url=PYLON,
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as client:
        found = client.post("/issues/search", json={"filter": STATE_FILTER, "limit": 1}).json()
        body = client.get(f"/issues/{found['data'][0]['id']}").json()
    assert isinstance(body, dict)
    return body


def _rename_data(body: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    out = copy.deepcopy(body)
    out["data"][new] = out["data"].pop(old)
    return out


@pytest.mark.parametrize(
    ("mutate", "culprit"),
    [
        (lambda b: _rename_data(b, "state", "status"), "status"),
        (lambda b: _rename_data(b, "external_issues", "externalIssues"), "externalIssues"),
        (lambda b: {**b, "data": {**b["data"], "number": str(b["data"]["number"])}}, "number"),
        (lambda b: {**b, "data": {**b["data"], "tags": "a,b"}}, "tags"),
        (lambda b: {"request_id": b["request_id"]}, "data"),
        (lambda b: {"data": b["data"]}, "request_id"),
    ],
    ids=["state->status", "camelCase", "number as string", "tags as string", "no data",
         "no request_id"],
)  # fmt: skip
def test_a_broken_response_is_rejected(sandbox: Sandbox, mutate: Any, culprit: str) -> None:
    good = _issue_response(sandbox)
    assert openapi.response_errors(GET_ISSUE, 200, good) == []
    problems = openapi.response_errors(GET_ISSUE, 200, mutate(good))
    assert any(culprit in p for p in problems), problems


def test_a_response_missing_a_field_the_client_needs_is_rejected(sandbox: Sandbox) -> None:
    body = _issue_response(sandbox)
    del body["data"]["state"]
    assert any("state" in p for p in openapi.response_errors(GET_ISSUE, 200, body))


@pytest.mark.parametrize(
    "body",
    [
        {"error": "boom", "code": "c", "request_id": "r"},
        {"errors": "boom", "code": "c", "request_id": "r"},
        {"errors": [], "code": "c", "request_id": "r"},
        {"errors": [{"message": "boom"}], "code": "c", "request_id": "r"},
        {"errors": ["boom"], "code": "c"},
        {"errors": ["boom"], "request_id": "r"},
        {"errors": ["boom"], "code": "", "request_id": "r"},
        {"errors": ["boom"], "code": 7, "request_id": "r"},
    ],
)
def test_a_broken_error_body_is_rejected(body: dict[str, Any]) -> None:
    good = {"errors": ["x"], "code": "not_found", "request_id": "r"}
    assert openapi.response_errors(GET_ISSUE, 404, good) == []
    assert openapi.response_errors(GET_ISSUE, 404, body)
    assert openapi.response_errors(GET_ISSUE, 429, body)  # undocumented: the generic error


def test_an_undocumented_success_status_is_rejected() -> None:
    assert openapi.response_errors(GET_ISSUE, 201, {"data": {}, "request_id": "r"})


# --------------------------------------------------------------------------- GraphQL


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("identifier", "identifer"),
        ("issue(id: $id)", "issue(ident: $id)"),
        ("state { name type }", "state { name kind }"),
        ("$id: String!", "$id: Int!"),
        ("state { name type }", "state"),
    ],
)
def test_a_misspelt_graphql_document_fails(
    linear_schema: GraphQLSchema, old: str, new: str
) -> None:
    good = linear_queries.ISSUE
    assert document_errors(linear_schema, good) == []
    assert old in good
    assert document_errors(linear_schema, good.replace(old, new, 1))


def test_a_response_off_the_selection_fails(linear_schema: GraphQLSchema) -> None:
    document = DOCUMENTS["ISSUE"]
    node = {
        "id": "3c4ad0f4-5a8a-4a4e-9d1e-000000000001",
        "identifier": "ENG-1",
        "title": "t",
        "url": "https://linear.app/x/issue/ENG-1/t",
        "description": None,
        "state": {"name": "Done", "type": "completed"},
        "team": {"id": "t1", "key": "ENG", "name": "Engineering"},
        "trashed": None,
    }
    variables = {"id": "ENG-1"}
    assert shape_errors(linear_schema, document, variables, {"issue": node}) == []
    broken: list[dict[str, Any]] = [
        {**node, "identifer": node["identifier"]},  # renamed
        {k: v for k, v in node.items() if k != "url"},  # missing
        {**node, "extra": 1},  # not selected
        {**node, "title": None},  # non-null field null
        {**node, "state": {"name": "Done", "type": 3}},  # wrong scalar type
        {**node, "team": "ENG"},  # object expected
    ]
    for issue in broken:
        assert shape_errors(linear_schema, document, variables, {"issue": issue}), issue
    assert shape_errors(linear_schema, document, {"id": 5}, {"issue": node})  # bad variable


# --------------------------------------------------------------------------- end to end


def _run_broken_pylon_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alter: Callable[[str, Any], tuple[str, Any]]
) -> list[Exchange]:
    """Run get_issue + update_state with PylonClient._call altering (path, json) on the way."""
    original = PylonClient._call

    async def broken(self: PylonClient, key: str, method: str, path: str, **kw: Any) -> object:
        path, kw["json"] = alter(path, kw.get("json"))
        return await original(self, key, method, path, **kw)

    sandbox = new_sandbox(tmp_path)
    recorder = RecordingTransport(SandboxTransport(sandbox))

    async def run() -> None:
        async with PylonClient(PYLON, TOKEN, transport=recorder) as client:
            ticket = (await client.search_issues(STATE_FILTER, max_results=1))[0]
            monkeypatch.setattr(PylonClient, "_call", broken)
            with contextlib.suppress(ApiError):  # refused or ignored: the contract must object
                await client.update_state(ticket.id, "closed")

    asyncio.run(run())
    sandbox.close()
    return recorder.exchanges


def test_a_client_sending_a_misspelt_field_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def misspell(path: str, body: Any) -> tuple[str, Any]:
        return path, {"status" if k == "state" else k: v for k, v in (body or {}).items()}

    exchanges = _run_broken_pylon_client(tmp_path, monkeypatch, misspell)
    (patch,) = [e for e in exchanges if e.request.method == "PATCH"]
    problems = openapi.request_errors(patch.request)
    assert any("status" in p for p in problems), problems


def test_a_client_calling_a_wrong_path_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def misroute(path: str, body: Any) -> tuple[str, Any]:
        return path.replace("/issues/", "/issue/", 1), body

    exchanges = _run_broken_pylon_client(tmp_path, monkeypatch, misroute)
    problems = openapi.request_errors(exchanges[-1].request)
    assert any("/issue/" in p for p in problems), problems


def test_a_client_sending_a_misspelt_document_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linear_schema: GraphQLSchema
) -> None:
    monkeypatch.setattr(
        linear_queries, "ISSUE", linear_queries.ISSUE.replace("identifier", "identifer")
    )
    sandbox = new_sandbox(tmp_path)
    recorder = RecordingTransport(SandboxTransport(sandbox))

    async def run() -> None:
        async with LinearClient(TOKEN, transport=recorder) as client:
            with contextlib.suppress(ApiError):
                await client.issue("ENG-1")

    asyncio.run(run())
    sandbox.close()
    sent = json.loads(recorder.exchanges[-1].request.content)["query"]
    assert any("identifer" in e for e in document_errors(linear_schema, sent))
