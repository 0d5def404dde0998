"""Every sandbox Pylon endpoint's answers, success and error, against the OpenAPI document
and against the official SDK's models (issue 18: the SDK is the newer contract and wins).

Cases are (method, path, query, body) with placeholders filled from the seeded sandbox. The
successful case of every sandbox route also drives the generic error statuses (401 with no,
wrong and wrong-region tokens; 429 from the sandbox's real per-endpoint limiter; an injected
500), so a new route is covered by adding one line to OK_CASES, and a test fails until it is.
Every case's answer must also parse with the SDK's response model for the same operation and
every case's request must be one the SDK's request types accept (tests/contract/sdk_oracle.py
reads both from the SDK itself), so any route added here is checked against the SDK too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sandbox.pylon import endpoints as pylon
from pylon_tui.sandbox.seed.content import GITHUB_ISSUES

from . import openapi, sdk_oracle
from .conftest import PYLON, TOKEN, new_sandbox

EU = "https://api.eu.usepylon.com"
EU_TOKEN = "pylon_api_eu_" + TOKEN  # Pylon's docs: EU tokens carry this prefix
WRONG_REGION: dict[tuple[str, str | None], str] = {
    (PYLON, EU_TOKEN): "api.eu.usepylon.com",
    (EU, TOKEN): "api.usepylon.com",
}


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    query: dict[str, str] | None = None
    body: Any = None

    def id(self) -> str:
        query = "?" + "&".join(self.query) if self.query else ""
        body = f" {','.join(self.body)}" if isinstance(self.body, dict) else ""
        return f"{self.method} {self.path}{query}{body}"


EVERYTHING = {
    "field": "state",
    "operator": "in",
    "values": ["new", "waiting_on_you", "waiting_on_customer", "on_hold", "closed"],
}

# One or more successful requests per sandbox route (keyed by the route's rate-limit key).
OK_CASES: dict[str, list[Case]] = {
    "search": [
        Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 3}),
        Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 3, "cursor": "{cur}"}),
        Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 999}),
        Case(
            "POST",
            "/issues/search",
            body={"filter": {"field": "state", "operator": "in", "values": ["no_such_state"]}},
        ),
        # The current definition (official SDK): limit up to 1000, filter optional,
        # search_text, and the filter fields both definitions list.
        Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 1000}),
        Case("POST", "/issues/search", body={"search_text": "invoice", "limit": 5}),
        Case("POST", "/issues/search", body={"filter": EVERYTHING, "search_text": "sso export"}),
        Case(
            "POST",
            "/issues/search",
            body={"filter": {"field": "ticket_form_id", "operator": "is_set"}},
        ),
        Case(
            "POST",
            "/issues/search",
            body={"filter": {"field": "follower_user_id", "operator": "equals", "value": "{user}"}},
        ),
        Case(
            "POST",
            "/issues/search",
            body={
                "filter": {
                    "field": "follower_contact_id",
                    "operator": "in",
                    "values": ["{contact}"],
                }
            },
        ),
    ],
    "list": [
        Case("GET", "/issues", {"start_time": "{week_ago}", "end_time": "{now}"}),
        Case("GET", "/issues", {"start_time": "{year_ago}", "end_time": "{now}", "limit": "5"}),
        Case(
            "GET",
            "/issues",
            {"start_time": "{year_ago}", "end_time": "{now}", "limit": "5", "cursor": "{list_cur}"},
        ),
    ],
    "get": [Case("GET", "/issues/{issue}"), Case("GET", "/issues/{number}")],
    "patch": [
        Case("PATCH", "/issues/{issue}", body={"state": "waiting_on_customer"}),
        Case(
            "PATCH",
            "/issues/{issue}",
            body={"custom_fields": [{"slug": "priority", "value": "high"}]},
        ),
        Case("PATCH", "/issues/{issue}", body={"assignee_id": "{user}"}),
        Case("PATCH", "/issues/{issue}", body={"assignee_id": ""}),
    ],
    "messages": [
        Case("GET", "/issues/{issue}/messages"),
        Case("GET", "/issues/{issue}/messages", {"limit": "999"}),
        Case("GET", "/issues/{issue}/messages", {"limit": "1", "cursor": "{message_cursor}"}),
        Case("GET", "/issues/{issue}/messages", {"limit": "1000"}),
        Case("GET", "/issues/{issue}/messages", {"cursor": "{message_cursor}"}),
    ],
    "reply": [
        Case(
            "POST",
            "/issues/{issue}/reply",
            body={"body_html": "<p>x</p>", "message_id": "{message}"},
        )
    ],
    "note": [
        Case("POST", "/issues/{issue}/note", body={"body_html": "<p>internal</p>"}),
        Case(
            "POST", "/issues/{issue}/note", body={"body_html": "<p>t</p>", "thread_id": "{thread}"}
        ),
        Case(
            "POST", "/issues/{issue}/note", body={"body_html": "<p>m</p>", "message_id": "{note}"}
        ),
    ],
    "threads": [Case("GET", "/issues/{issue}/threads")],
    "create-thread": [Case("POST", "/issues/{issue}/threads", body={"name": "Escalation"})],
    "external-issues": [
        Case(
            "POST",
            "/issues/{issue}/external-issues",
            body={"source": "linear", "external_issue_id": "{linear}"},
        ),
        Case(
            "POST",
            "/issues/{issue}/external-issues",
            body={"source": "linear", "external_issue_id": "{linear}", "operation": "unlink"},
        ),
        Case(
            "POST",
            "/issues/{issue}/external-issues",
            body={"source": "github", "external_issue_id": "{github}"},
        ),
    ],
    "users": [Case("GET", "/users"), Case("GET", "/users", {"include_deactivated": "true"})],
    "user": [Case("GET", "/users/{user}"), Case("GET", "/users/{gone_user}")],
    "users-search": [
        Case(
            "POST",
            "/users/search",
            body={"filter": {"field": "email", "operator": "equals", "value": "{email}"}},
        ),
        Case("POST", "/users/search", body={"limit": 2}),
    ],
    "teams": [Case("GET", "/teams")],
    "team": [Case("GET", "/teams/{team}")],
    "accounts": [
        Case("GET", "/accounts", {"limit": "2"}),
        Case("GET", "/accounts", {"limit": "2", "cursor": "{account_cursor}"}),
    ],
    "account": [Case("GET", "/accounts/{account}")],
    "issue-statuses": [Case("GET", "/issue-statuses")],
    "custom-fields": [
        Case("GET", "/custom-fields", {"object_type": "issue"}),
        Case("GET", "/custom-fields", {"object_type": "meeting"}),
    ],
    "custom-field": [Case("GET", "/custom-fields/{field}")],
    "me": [Case("GET", "/me")],
    "macros": [Case("GET", "/macros")],
    "tags": [Case("GET", "/tags")],
    "snooze": [Case("POST", "/issues/{issue}/snooze", body={"snooze_until": "{in_an_hour}"})],
    "ai-response": [
        Case("POST", "/issues/{issue}/ai-response", body={"ai_agent_id": "sandbox-support-agent"}),
    ],
}

BAD_CASES: list[tuple[Case, int]] = [
    (Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 0}), 400),
    (Case("POST", "/issues/search", body={"filter": EVERYTHING, "limit": 1001}), 400),
    (Case("POST", "/issues/search", body={"filter": EVERYTHING, "cursor": "garbage!"}), 400),
    (Case("POST", "/issues/search", body={"filter": {"field": "state"}}), 400),
    (Case("GET", "/issues"), 400),
    (
        Case(
            "GET",
            "/issues",
            {"start_time": "2020-01-01T00:00:00Z", "end_time": "2030-01-01T00:00:00Z"},
        ),
        400,
    ),
    (
        Case("GET", "/issues", {"start_time": "{year_ago}", "end_time": "{now}", "limit": "20001"}),
        400,
    ),
    (Case("GET", "/issues/no-such-issue"), 404),
    (Case("GET", "/issues/999999"), 404),
    (Case("PATCH", "/issues/{issue}", body={"state": "bogus"}), 400),
    (Case("PATCH", "/issues/{issue}", body={"assignee_id": "no-such-user"}), 400),
    (
        Case(
            "PATCH",
            "/issues/{issue}",
            body={"custom_fields": [{"slug": "priority", "value": "zzz"}]},
        ),
        400,
    ),
    (Case("PATCH", "/issues/no-such-issue", body={"state": "new"}), 404),
    (
        Case(
            "PATCH",
            "/issues/{issue}",
            body={"custom_fields": [{"slug": "priority", "value": ""}]},
        ),
        400,
    ),
    (Case("GET", "/issues/no-such-issue/messages"), 404),
    (Case("GET", "/issues/{issue}/messages", {"limit": "0"}), 400),
    (Case("GET", "/issues/{issue}/messages", {"limit": "1001"}), 400),
    (Case("GET", "/issues/{issue}/messages", {"cursor": "zz"}), 400),
    (Case("POST", "/issues/{issue}/reply", body={"body_html": "<p>x</p>"}), 400),
    (Case("POST", "/issues/no-such-issue/reply", body={"body_html": "x", "message_id": "y"}), 404),
    (Case("POST", "/issues/{issue}/note", body={}), 400),
    (Case("POST", "/issues/{issue}/snooze", body={}), 400),
    (Case("POST", "/issues/{issue}/snooze", body={"snooze_until": "{week_ago}"}), 400),
    (Case("POST", "/issues/{issue}/ai-response", body={"ai_agent_id": "nobody"}), 404),
    # The refusals of the current definition (issue 18, item 3).
    (
        Case("POST", "/issues/{issue}/reply", body={"body_html": "x", "message_id": "{note}"}),
        400,
    ),
    (
        Case(
            "POST",
            "/issues/{issue}/reply",
            body={
                "body_html": "x",
                "message_id": "{message}",
                "user_id": "{user}",
                "contact_id": "{contact}",
            },
        ),
        400,
    ),
    (
        Case(
            "POST",
            "/issues/{issue}/note",
            body={"body_html": "x", "thread_id": "{thread}", "message_id": "{note}"},
        ),
        400,
    ),
    (Case("POST", "/issues/{issue}/note", body={"body_html": "x", "thread_id": "nope"}), 400),
    (Case("POST", "/issues/{issue}/note", body={"body_html": "x", "message_id": "{message}"}), 400),
    (Case("GET", "/issues/no-such-issue/threads"), 404),
    (Case("GET", "/users/no-such-user"), 404),
    (Case("GET", "/teams/no-such-team"), 404),
    (Case("GET", "/custom-fields/no-such-field"), 404),
    (Case("POST", "/users/search", body={"filter": {"field": "name", "operator": "equals"}}), 400),
    (Case("GET", "/users", {"include_deactivated": "maybe"}), 400),
    (Case("POST", "/issues/no-such-issue/note", body={"body_html": "x"}), 404),
    (Case("POST", "/issues/{issue}/external-issues", body={"source": "linear"}), 400),
    (
        Case(
            "POST",
            "/issues/{issue}/external-issues",
            body={"source": "linear", "external_issue_id": "ENG-1"},
        ),
        400,
    ),
    (
        Case(
            "POST",
            "/issues/{issue}/external-issues",
            body={"source": "github", "external_issue_id": "not-a-key"},
        ),
        400,
    ),
    (
        Case(
            "POST",
            "/issues/no-such-issue/external-issues",
            body={"source": "github", "external_issue_id": "{github}"},
        ),
        404,
    ),
    (Case("GET", "/accounts", {"limit": "0"}), 400),
    (Case("GET", "/accounts", {"limit": "2", "cursor": "zz"}), 400),
    (Case("GET", "/accounts/no-such-account"), 404),
    (Case("GET", "/custom-fields"), 400),
    (Case("GET", "/custom-fields", {"object_type": "spaceship"}), 400),
]
# Paths Pylon does not have: still answered in ErrorApiResponseBody's shape.
UNKNOWN_PATHS = [Case("GET", "/issue/{issue}"), Case("DELETE", "/issues/{issue}/reply")]


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace("{" + key + "}", real)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


def _client(sandbox: Sandbox, base: str = PYLON, token: str | None = TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(transport=SandboxTransport(sandbox), base_url=base, headers=headers)


def _send(client: httpx.Client, case: Case, ids: dict[str, str]) -> httpx.Response:
    query = _fill(case.query, ids)
    path = _fill(case.path, ids)
    body = _fill(case.body, ids)
    return client.request(case.method, path, params=query, json=body)


def _operation(method: str, path: str) -> openapi.Operation:
    op = openapi.find_operation(method, path)
    assert op is not None, f"{method} {path} is not in the document"
    return op


def _sdk_operation(method: str, path: str) -> sdk_oracle.SdkOperation:
    op = sdk_oracle.find(method, path)
    assert op is not None, f"the official SDK has no {method} {path}"
    return op


def _errors(response: httpx.Response) -> list[str]:
    """The answer against the snapshot (strict) and against the SDK's model (it must parse)."""
    request = response.request
    path = request.url.raw_path.decode().split("?", 1)[0]
    op = _operation(request.method, path)
    body = response.json()
    problems = openapi.response_errors(op, response.status_code, body)
    sdk_op = _sdk_operation(request.method, path)
    return problems + [
        f"SDK {sdk_op.client_path}: {m}"
        for m in sdk_oracle.response_errors(sdk_op, response.status_code, body)
    ]


def _sdk_request_errors(request: httpx.Request) -> list[str]:
    path = request.url.raw_path.decode().split("?", 1)[0]
    op = _sdk_operation(request.method, path)
    body = json.loads(request.content) if request.content else None
    problems = sdk_oracle.query_errors(op, request.url.params.multi_items())
    if body is not None or op.body:
        problems += sdk_oracle.request_body_errors(op, body)
    return problems


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    sb = new_sandbox(Path(tmp_path_factory.mktemp("sandbox-responses")))
    yield sb
    sb.close()


def _ids(sandbox: Sandbox) -> dict[str, str]:
    now = sandbox.now()
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    with _client(sandbox) as client:
        first = client.post("/issues/search", json={"filter": EVERYTHING, "limit": 3}).json()
        issue = first["data"][0]
        note = client.post(f"/issues/{issue['id']}/note", json={"body_html": "<p>n</p>"}).json()
        thread = client.get(f"/issues/{issue['id']}/messages", params={"limit": "1"}).json()
        messages = thread["data"]
        accounts = client.get("/accounts", params={"limit": "2"}).json()
        users = client.get("/users").json()["data"]
        everyone = client.get("/users", params={"include_deactivated": "true"}).json()["data"]
        threads = client.get(f"/issues/{issue['id']}/threads").json()["data"]
        team = client.get("/teams").json()["data"][0]
        field = client.get("/custom-fields", params={"object_type": "issue"}).json()["data"][0]
        year = {"start_time": (now - timedelta(days=365)).strftime(stamp), "limit": "5"}
        listed = client.get("/issues", params={**year, "end_time": now.strftime(stamp)}).json()
    contact = issue["requester"]["id"]
    return {
        "issue": issue["id"],
        "number": str(issue["number"]),
        "cur": first["pagination"]["cursor"],
        "message": messages[0]["id"],
        "message_cursor": thread["pagination"]["cursor"],
        "account": accounts["data"][0]["id"],
        "account_cursor": accounts["pagination"]["cursor"],
        "user": users[0]["id"],
        "email": users[0]["email"],
        "gone_user": next(u["id"] for u in everyone if u["is_deactivated"]),
        "note": note["data"]["id"],
        "thread": threads[0]["id"],
        "team": team["id"],
        "field": field["id"],
        "contact": contact,
        "list_cur": listed["pagination"]["cursor"],
        "year_ago": (now - timedelta(days=365)).strftime(stamp),
        "linear": sandbox.linear_issue("ENG-2")["id"],
        "github": GITHUB_ISSUES[0][0],
        "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "week_ago": (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "in_an_hour": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


@pytest.fixture(scope="module")
def ids(sandbox: Sandbox) -> dict[str, str]:
    return _ids(sandbox)


ALL_OK = [(key, case) for key, cases in OK_CASES.items() for case in cases]


def test_every_sandbox_route_has_a_success_case() -> None:
    routes = {key for _m, _p, _h, key, _b in pylon.ROUTES}
    assert routes == set(OK_CASES), "add the new sandbox route to OK_CASES"
    for key, cases in OK_CASES.items():
        for case in cases:
            found = pylon.match(case.method, case.path)
            assert found is not None, case.id()
            assert found[2] == key, case.id()


@pytest.mark.parametrize(("route", "case"), ALL_OK, ids=[c.id() for _k, c in ALL_OK])
def test_success_matches_the_200_schema(
    sandbox: Sandbox, ids: dict[str, str], route: str, case: Case
) -> None:
    with _client(sandbox) as client:
        response = _send(client, case, ids)
    assert response.status_code == 200, response.text
    # The table itself must be a valid request, or the check proves nothing.
    assert not openapi.request_errors(response.request)
    assert not (problems := _sdk_request_errors(response.request)), "\n".join(problems)
    assert not (problems := _errors(response)), "\n".join(problems)


@pytest.mark.parametrize(("case", "status"), BAD_CASES, ids=[c.id() for c, _s in BAD_CASES])
def test_error_matches_the_error_schema(
    sandbox: Sandbox, ids: dict[str, str], case: Case, status: int
) -> None:
    with _client(sandbox) as client:
        response = _send(client, case, ids)
    assert response.status_code == status, response.text
    op = _operation(case.method, _fill(case.path, ids))
    documented, schema = op.response_schema(status)
    assert documented, f"{op.operation_id} does not document {status}"
    assert schema == {"$ref": f"#/components/schemas/{openapi.ERROR_SCHEMA}"}
    assert not (problems := _errors(response)), "\n".join(problems)


@pytest.mark.parametrize("case", UNKNOWN_PATHS, ids=[c.id() for c in UNKNOWN_PATHS])
def test_unknown_path_is_a_404_in_error_shape(
    sandbox: Sandbox, ids: dict[str, str], case: Case
) -> None:
    with _client(sandbox) as client:
        response = _send(client, case, ids)
    assert openapi.find_operation(case.method, _fill(case.path, ids)) is None
    assert response.status_code == 404
    assert not openapi.schema_errors(openapi.ERROR_SCHEMA, response.json())
    assert response.json()["errors"]
    assert response.json()["request_id"]


@pytest.mark.parametrize(
    ("base", "token"),
    [(PYLON, None), (PYLON, "wrong"), (PYLON, EU_TOKEN), (EU, TOKEN)],
    ids=["no-token", "wrong-token", "eu-token-on-us", "us-token-on-eu"],
)
def test_unauthorised_is_a_401_in_error_shape(
    sandbox: Sandbox, ids: dict[str, str], base: str, token: str | None
) -> None:
    bad = []
    with _client(sandbox, base, token) as client:
        for _route, case in ALL_OK:
            response = _send(client, case, ids)
            if response.status_code != 401 or _errors(response):
                bad.append(f"{case.id()} -> {response.status_code}: {response.text}")
            elif (base, token) in WRONG_REGION:
                # The stable code says what happened; the message names the right host.
                assert response.json()["code"] == "wrong_region_token"
                assert WRONG_REGION[base, token] in response.json()["errors"][0]
            elif token is None:
                assert response.json()["code"] == "invalid_authorization_header"
    assert not bad, "\n".join(bad)


def test_rate_limited_is_a_429_in_error_shape(tmp_path: Path) -> None:
    """Each route's own limiter (the budgets of DESIGN §4), driven until it refuses."""
    limited = new_sandbox(tmp_path)
    ids = _ids(limited)
    limited.rate_limits = True
    bad = []
    with _client(limited) as client:
        for _m, _p, _h, key, budget in pylon.ROUTES:
            case = OK_CASES[key][0]
            statuses = [_send(client, case, ids).status_code for _ in range(budget)]
            response = _send(client, case, ids)
            if statuses != [200] * budget or response.status_code != 429:
                bad.append(f"{key}: {statuses} then {response.status_code}")
            elif problems := _errors(response):
                bad.append(f"{key}: {problems}")
            elif not response.headers.get("x-retry-after", "").isdigit():
                bad.append(f"{key}: 429 without an X-Retry-After in seconds (Pylon's header)")
    limited.close()
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("route", sorted(OK_CASES))
def test_server_error_is_a_500_in_error_shape(
    sandbox: Sandbox, ids: dict[str, str], route: str
) -> None:
    sandbox.fail_next(1, status=500)
    with _client(sandbox) as client:
        response = _send(client, OK_CASES[route][0], ids)
    assert response.status_code == 500
    assert not (problems := _errors(response)), "\n".join(problems)
