"""Every request PylonClient builds, and the sandbox's answer, against Pylon's OpenAPI document.

One scenario drives every public PylonClient method through a recording transport in front
of the sandbox; the tests then check each recorded exchange: the (method, path template)
exists, the query string is complete and declared, the JSON body validates with undeclared
fields forbidden, and the response validates against the documented 200 schema.
"""

from __future__ import annotations

import inspect
import itertools
import json

import pytest

from pylon_tui.api.pylon import PylonClient

from . import openapi, sdk_oracle
from .conftest import AGENT_EMAIL, SEARCH_PAGE, Exchange

# Each public client coroutine -> the operations (operationId) it exists to call.
METHOD_OPERATIONS: dict[str, set[str]] = {
    "iter_search_pages": {"SearchIssues"},
    "search_issues": {"SearchIssues"},
    "get_issue": {"GetIssue"},
    "update_state": {"UpdateIssue"},
    "set_priority": {"UpdateIssue"},
    "assign": {"UpdateIssue"},
    "link_external_issue": {"LinkExternalIssue"},
    "unlink_external_issue": {"LinkExternalIssue"},
    "messages": {"GetIssueMessages"},
    "reply": {"CreateIssueReply"},
    "note": {"CreateIssueNote"},
    "users": {"GetUsers"},
    "agent": {"GetUsers"},
    "teams": {"GetTeams"},
    "user": {"GetUser"},
    "team": {"GetTeam"},
    "account": {"GetAccount"},
    "accounts": {"GetAccounts"},
    "issue_statuses": {"GetIssueStatuses"},
    "custom_fields": {"GetCustomFields"},
    "priority_options": {"GetCustomFields"},
    "me": {"GetMe"},
    "macros": {"GetMacros"},
    "tags": {"GetTags"},
    "set_tags": {"UpdateIssue"},
    "snooze": {"SnoozeIssue"},
    "ai_draft": {"CreateIssueAIResponse"},
}
EXPECTED_OPERATIONS = set().union(*METHOD_OPERATIONS.values())
NOT_API_CALLS = {"aclose"}


def _public_coroutines() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(PylonClient)
        if not name.startswith("_")
        and (inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn))
    } - NOT_API_CALLS


def _operation_id(exchange: Exchange) -> str:
    raw_path = exchange.request.url.raw_path.decode().split("?", 1)[0]
    op = openapi.find_operation(exchange.request.method, raw_path)
    return op.operation_id if op else f"<undocumented {exchange.request.method} {raw_path}>"


def _describe(exchange: Exchange) -> str:
    request = exchange.request
    body = request.content.decode() or "-"
    return f"[{exchange.call}] {request.method} {request.url.raw_path.decode()} body={body}"


def test_every_public_client_method_is_in_the_scenario() -> None:
    """A new PylonClient method fails here until it is added to METHOD_OPERATIONS."""
    assert _public_coroutines() == set(METHOD_OPERATIONS)


def test_scenario_calls_every_method(pylon_exchanges: list[Exchange]) -> None:
    assert {e.call for e in pylon_exchanges} == set(METHOD_OPERATIONS)


def test_operations_seen_are_exactly_the_expected_set(pylon_exchanges: list[Exchange]) -> None:
    assert {_operation_id(e) for e in pylon_exchanges} == EXPECTED_OPERATIONS


@pytest.mark.parametrize("method", sorted(METHOD_OPERATIONS))
def test_method_calls_its_operations(pylon_exchanges: list[Exchange], method: str) -> None:
    seen = {_operation_id(e) for e in pylon_exchanges if e.call == method}
    assert METHOD_OPERATIONS[method] <= seen
    # Besides its own operation a method may only read custom fields (priority slugs) or
    # re-read the ticket after a write.
    assert seen <= METHOD_OPERATIONS[method] | {"GetCustomFields", "GetIssue"}


@pytest.mark.parametrize("operation_id", sorted(EXPECTED_OPERATIONS))
def test_requests_and_responses_match_the_document(
    pylon_exchanges: list[Exchange], operation_id: str
) -> None:
    mine = [e for e in pylon_exchanges if _operation_id(e) == operation_id]
    assert mine, f"no request reached {operation_id}"
    op = openapi.operation_by_id(operation_id)
    if op.request_schema is not None:
        assert all(e.request.content for e in mine), "write sent without a JSON body"
    problems = [
        f"{_describe(e)}\n    " + "\n    ".join(errs)
        for e in mine
        if (errs := openapi.exchange_errors(e.request, e.response))
    ]
    assert not problems, "\n".join(problems)


def _sdk_problems(exchange: Exchange) -> list[str]:
    """The exchange against the official SDK: its request types accept the request, its
    response model parses the answer (issue 18, item 5)."""
    request = exchange.request
    path = request.url.raw_path.decode().split("?", 1)[0]
    op = sdk_oracle.find(request.method, path)
    if op is None:
        return [f"the official SDK has no {request.method} {path}"]
    body = json.loads(request.content) if request.content else None
    problems = sdk_oracle.query_errors(op, request.url.params.multi_items())
    if body is not None or op.body:
        problems += sdk_oracle.request_body_errors(op, body)
    answer = exchange.response.json()
    problems += sdk_oracle.response_errors(op, exchange.response.status_code, answer)
    return [f"SDK {op.client_path}: {m}" for m in problems]


@pytest.mark.parametrize("operation_id", sorted(EXPECTED_OPERATIONS))
def test_requests_and_responses_match_the_official_sdk(
    pylon_exchanges: list[Exchange], operation_id: str
) -> None:
    mine = [e for e in pylon_exchanges if _operation_id(e) == operation_id]
    assert mine, f"no request reached {operation_id}"
    problems = [
        f"{_describe(e)}\n    " + "\n    ".join(errs) for e in mine if (errs := _sdk_problems(e))
    ]
    assert not problems, "\n".join(problems)


def test_every_request_matches_a_documented_path(pylon_exchanges: list[Exchange]) -> None:
    bad = [
        f"{_describe(e)}: {openapi.path_errors(e.request.method, e.request.url.raw_path.decode())}"
        for e in pylon_exchanges
        if openapi.path_errors(e.request.method, e.request.url.raw_path.decode().split("?")[0])
    ]
    assert not bad, "\n".join(bad)


def test_sandbox_accepted_every_request(pylon_exchanges: list[Exchange]) -> None:
    rejected = [
        f"{_describe(e)} -> {e.response.status_code} {e.response.text}"
        for e in pylon_exchanges
        if e.response.status_code != 200
    ]
    assert not rejected, "\n".join(rejected)


def test_search_follows_the_cursor_in_the_body(pylon_exchanges: list[Exchange]) -> None:
    searches = [e for e in pylon_exchanges if e.call == "search_issues"]
    searches = [e for e in searches if _operation_id(e) == "SearchIssues"]
    assert len(searches) >= 3, "the board load should have needed several pages"
    for before, after in itertools.pairwise(searches):
        body = json.loads(after.request.content)
        assert body["cursor"] == before.response.json()["pagination"]["cursor"]
        assert body["limit"] == SEARCH_PAGE
        assert not after.request.url.query
    first = json.loads(searches[0].request.content)
    assert "cursor" not in first
    assert searches[-1].response.json()["pagination"]["has_next_page"] is False


def test_replies_and_notes_go_out_as_the_agent(pylon_exchanges: list[Exchange]) -> None:
    """With agent_email set, reply and note name that user (else Pylon shows the token)."""
    (agent,) = [e for e in pylon_exchanges if e.call == "agent"]
    maya = next(u for u in agent.response.json()["data"] if u["email"] == AGENT_EMAIL)
    posted = [e for e in pylon_exchanges if e.call in ("reply", "note")]
    assert {e.call for e in posted} == {"reply", "note"}
    for exchange in posted:
        assert json.loads(exchange.request.content)["user_id"] == maya["id"]


def test_messages_follow_the_cursor_with_a_limit(pylon_exchanges: list[Exchange]) -> None:
    pages = [e for e in pylon_exchanges if _operation_id(e) == "GetIssueMessages"]
    assert pages
    assert all(e.request.url.params.get("limit") == "999" for e in pages)
    assert pages[-1].response.json()["pagination"]["has_next_page"] is False


def test_accounts_follow_the_cursor_in_the_query(pylon_exchanges: list[Exchange]) -> None:
    pages = [e for e in pylon_exchanges if _operation_id(e) == "GetAccounts"]
    assert len(pages) >= 2
    for before, after in itertools.pairwise(pages):
        cursor = before.response.json()["pagination"]["cursor"]
        assert after.request.url.params.get("cursor") == cursor
    assert pages[-1].response.json()["pagination"]["has_next_page"] is False
