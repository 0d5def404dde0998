"""Issue writes (PATCH, reply, note, links), organisation endpoints, auth and rate limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox

from . import openapi_check
from .conftest import FakeClock, make_client, search_all


def _first(client: httpx.Client, state: str) -> dict[str, Any]:
    return search_all(client, {"field": "state", "operator": "equals", "value": state})[0]


def test_get_by_id_and_number(client: httpx.Client) -> None:
    issue = _first(client, "on_hold")
    by_id = client.get(f"/issues/{issue['id']}").json()["data"]
    by_number = client.get(f"/issues/{issue['number']}").json()["data"]
    assert by_id == by_number == issue
    r = client.get("/issues/999999")
    assert r.status_code == 404
    assert r.json()["request_id"]


def test_patch_state_priority_and_bump(client: httpx.Client, clock: FakeClock) -> None:
    issue = _first(client, "new")
    r = client.patch(
        f"/issues/{issue['id']}",
        json={
            "state": "waiting_on_you",
            "custom_fields": [{"slug": "priority", "value": "urgent"}],
        },
    )
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["state"] == "waiting_on_you"
    assert data["custom_fields"]["priority"] == {"slug": "priority", "value": "urgent"}
    assert data["updated_at"] > issue["updated_at"]
    # The clock is frozen: a second write must still move updated_at forward.
    again = client.patch(f"/issues/{issue['id']}", json={"state": "investigating"}).json()["data"]
    assert again["updated_at"] > data["updated_at"]
    assert again["state"] == "investigating"
    cleared = client.patch(
        f"/issues/{issue['id']}", json={"custom_fields": [{"slug": "priority"}]}
    ).json()["data"]
    assert "priority" not in cleared["custom_fields"]  # no `value`: the field is unset


@pytest.mark.parametrize(
    "body",
    [
        {"custom_fields": [{"slug": "severity", "value": "urgent"}]},
        {"custom_fields": [{"slug": "Priority", "value": "urgent"}]},
        {"priority": "urgent"},
        {"stat": "closed"},
        {"custom_fields": [{"slug": "severity", "value": "x"}], "assignee": "someone"},
    ],
    ids=["unknown slug", "slug in the wrong case", "priority at the top", "misspelt state",
         "unknown everything"],
)  # fmt: skip
def test_unknown_fields_are_ignored_not_rejected(client: httpx.Client, body: Any) -> None:
    """Like Pylon (conventions page): a misspelt field or custom-field slug answers 200 and
    changes nothing but updated_at, so only a client that reads the answer notices."""
    issue = _first(client, "new")
    r = client.patch(f"/issues/{issue['id']}", json=body)
    assert r.status_code == 200
    after = r.json()["data"]
    assert after["custom_fields"] == issue["custom_fields"]
    assert after["state"] == issue["state"]
    assert after.get("assignee") == issue.get("assignee")


def test_patch_close_and_reopen_sets_resolution(client: httpx.Client) -> None:
    issue = _first(client, "waiting_on_customer")
    closed = client.patch(f"/issues/{issue['id']}", json={"state": "closed"}).json()["data"]
    assert closed["resolution_time"]
    assert closed["resolution_seconds"] > 0
    assert "resolution_breach_time" not in closed
    reopened = client.patch(f"/issues/{issue['id']}", json={"state": "waiting_on_you"}).json()
    assert "resolution_time" not in reopened["data"]


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"state": "done"}, "invalid state"),
        ({"state": "legacy_triage"}, "invalid state"),
        ({"custom_fields": [{"slug": "priority", "value": "p1"}]}, "invalid option"),
        ({"custom_fields": [{"slug": "priority", "value": ""}]}, "omit value to unset"),
        ({"assignee_id": "no-such-user"}, "assignee_id"),
        ({"team_id": "no-such-team"}, "team_id"),
        ({"tags": "api"}, "tags"),
        ({"title": "   "}, "title"),
    ],
)
def test_patch_validation(client: httpx.Client, body: dict[str, Any], needle: str) -> None:
    issue = _first(client, "new")
    r = client.patch(f"/issues/{issue['id']}", json=body)
    assert r.status_code == 400
    assert needle in r.json()["errors"][0]
    assert client.get(f"/issues/{issue['id']}").json()["data"] == issue


def test_assign_unassign_team_tags(client: httpx.Client) -> None:
    users = client.get("/users").json()["data"]
    teams = client.get("/teams").json()["data"]
    issue = _first(client, "new")
    r = client.patch(
        f"/issues/{issue['id']}",
        json={"assignee_id": users[1]["id"], "team_id": teams[1]["id"], "tags": ["vip", "sso"]},
    ).json()["data"]
    assert r["assignee"] == {"id": users[1]["id"], "email": users[1]["email"]}
    assert r["team"] == {"id": teams[1]["id"]}
    assert r["tags"] == ["vip", "sso"]
    r = client.patch(f"/issues/{issue['id']}", json={"assignee_id": ""}).json()["data"]
    assert "assignee" not in r


def test_reply_and_note(client: httpx.Client, clock: FakeClock) -> None:
    issue = _first(client, "new")
    assert "first_response_time" not in issue
    msgs = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()["data"]
    assert msgs[0]["source"] == "slack"
    assert "contact" in msgs[0]["author"]
    other = _first(client, "closed")
    other_msg = client.get(f"/issues/{other['id']}/messages").json()["data"][0]["id"]
    bad = client.post(
        f"/issues/{issue['id']}/reply", json={"body_html": "<p>hi</p>", "message_id": other_msg}
    )
    assert bad.status_code == 400
    assert "message_id" in bad.json()["errors"][0]
    missing = client.post(f"/issues/{issue['id']}/reply", json={"body_html": "<p>hi</p>"})
    assert missing.status_code == 400
    clock.advance(minutes=3)
    r = client.post(
        f"/issues/{issue['id']}/reply",
        json={"body_html": "<p>We're on it!</p>", "message_id": msgs[0]["id"]},
    )
    assert r.status_code == 200
    assert r.json()["data"]["issue_id"] == issue["id"]
    after = client.get(f"/issues/{issue['id']}").json()["data"]
    assert after["state"] == "waiting_on_customer"
    assert after["first_response_time"]
    assert after["first_response_seconds"] >= 180
    n = client.post(f"/issues/{issue['id']}/note", json={"body_html": "<p>internal</p>"})
    assert n.status_code == 200
    thread = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()["data"]
    assert [m["is_private"] for m in thread[-2:]] == [False, True]
    assert thread[-1]["id"] == n.json()["data"]["id"]
    # Without user_id Pylon shows the API token's name, not a person.
    assert all(m["author"] == {"name": "pylon-tui sandbox token"} for m in thread[-2:])
    assert thread[-1]["thread_id"]
    assert client.get(f"/issues/{issue['id']}").json()["data"]["state"] == "waiting_on_customer"


def test_escape_sequence_message_is_delivered_verbatim(client: httpx.Client) -> None:
    everything = search_all(client, {"field": "state", "operator": "not_in", "values": []})
    bodies = [
        m["message_html"]
        for i in everything
        if i["title"].startswith("Weird characters")
        for m in client.get(f"/issues/{i['id']}/messages").json()["data"]
    ]
    assert any("\x1b]52;c;" in b and "\x07" in b for b in bodies)


def test_link_external_issues(client: httpx.Client, sb: Sandbox) -> None:
    issue = _first(client, "waiting_on_you")
    url = f"/issues/{issue['id']}/external-issues"
    uuid = sb.linear_issue("ENG-5")["id"]
    r = client.post(url, json={"source": "linear", "external_issue_id": uuid})
    assert r.status_code == 200
    link = [x for x in r.json()["data"]["external_issues"] if x["external_id"] == uuid]
    assert link == [
        {
            "source": "linear",
            "external_id": uuid,
            "link": "https://linear.app/sandbox/issue/ENG-5/okta-saml-login-redirects-forever",
        }
    ]
    again = client.post(url, json={"source": "linear", "external_issue_id": uuid}).json()["data"]
    assert len(again["external_issues"]) == len(r.json()["data"]["external_issues"])
    for bad_id in ("ENG-5", "00000000-0000-4000-8000-000000000000"):
        bad = client.post(url, json={"source": "linear", "external_issue_id": bad_id})
        assert bad.status_code == 400
        assert "UUID" in bad.json()["errors"][0]
    gh = client.post(url, json={"source": "github", "external_issue_id": "acme/widgets/123"})
    assert {
        "source": "github",
        "external_id": "acme/widgets/123",
        "link": "https://github.com/acme/widgets/issues/123",
    } in gh.json()["data"]["external_issues"]
    assert (
        client.post(url, json={"source": "github", "external_issue_id": "widgets#1"}).status_code
        == 400
    )
    assert (
        client.post(url, json={"source": "jira", "external_issue_id": "10001"}).status_code == 400
    )
    assert client.post(url, json={"source": "linear"}).status_code == 400
    un = client.post(
        url, json={"source": "linear", "external_issue_id": uuid, "operation": "unlink"}
    )
    assert all(x["external_id"] != uuid for x in un.json()["data"]["external_issues"])


def test_org_endpoints(client: httpx.Client) -> None:
    users = client.get("/users").json()["data"]
    assert len(users) == 6
    assert all("@" in u["email"] for u in users)
    teams = client.get("/teams").json()["data"]
    assert len(teams) == 2
    assert all(t["users"] for t in teams)
    first = client.get("/accounts", params={"limit": 4}).json()
    assert len(first["data"]) == 4
    assert first["pagination"]["has_next_page"]
    rest = client.get("/accounts", params={"limit": 100, "cursor": first["pagination"]["cursor"]})
    names = [a["name"] for a in first["data"] + rest.json()["data"]]
    assert len(names) == len(set(names)) == 10
    acc = first["data"][0]
    assert client.get(f"/accounts/{acc['id']}").json()["data"]["name"] == acc["name"]
    ext = acc["external_ids"][0]["external_id"]
    assert client.get(f"/accounts/{ext}").json()["data"]["id"] == acc["id"]
    assert client.get("/accounts/nope").status_code == 404
    statuses = {s["slug"]: s for s in client.get("/issue-statuses").json()["data"]}
    assert statuses["investigating"]["category"] == "waiting_on_you"
    assert statuses["pending_release"]["category"] == "on_hold"
    fields = client.get("/custom-fields", params={"object_type": "issue"}).json()["data"]
    prio = next(f for f in fields if f["slug"] == "priority")
    options = [o["slug"] for o in prio["select_metadata"]["options"]]
    assert options == ["urgent", "high", "medium", "low"]
    assert client.get("/custom-fields").status_code == 400
    me = client.get("/me").json()["data"]
    assert me["id"]
    assert me["name"]


def test_auth_and_region(clock: FakeClock) -> None:
    with Sandbox(":memory:", now=clock, required_token="tok_us") as sb:
        sb.ensure_seeded(10)
        with make_client(sb) as c:
            assert c.get("/me").status_code == 401
            bad = c.get("/me", headers={"Authorization": "Bearer nope"})
            assert bad.status_code == 401
            assert bad.json()["errors"] == ["unauthorized: invalid API token"]
            assert c.get("/me", headers={"Authorization": "Bearer tok_us"}).status_code == 200
            assert c.get("/me").json()["code"] == "invalid_authorization_header"
            assert bad.json()["code"] == "invalid_api_token"
            wrong = c.get("/me", headers={"Authorization": "Bearer pylon_api_eu_abc"})
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "wrong_region_token"
            assert "https://api.eu.usepylon.com" in wrong.json()["errors"][0]
        with make_client(sb, base_url="https://api.eu.usepylon.com") as eu:
            wrong = eu.get("/me", headers={"Authorization": "Bearer tok_us"})
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "wrong_region_token"
            assert "https://api.usepylon.com" in wrong.json()["errors"][0]


def test_no_token_required_by_default(client: httpx.Client) -> None:
    assert client.get("/me").status_code == 200
    assert client.get("/me", headers={"Authorization": "Bearer eu_anything"}).status_code == 200


def test_rate_limits_with_retry_after(clock: FakeClock) -> None:
    body = {"filter": {"field": "state", "operator": "equals", "value": "new"}, "limit": 5}
    with Sandbox(":memory:", now=clock, rate_limits=True) as sb:
        sb.ensure_seeded(20)
        with make_client(sb) as c:
            for _ in range(120):  # search: 120 a minute (the official SDK's number)
                assert c.post("/issues/search", json=body).status_code == 200
                clock.advance(seconds=0.25)
            r = c.post("/issues/search", json=body)
            assert r.status_code == 429
            assert r.headers["X-Retry-After"] == "30"  # Pylon's header, not Retry-After
            assert "Retry-After" not in r.headers
            assert r.json()["code"]
            assert "rate limit" in r.json()["errors"][0]
            assert c.get("/me").status_code == 200  # budgets are per endpoint
            clock.advance(seconds=30)
            assert c.post("/issues/search", json=body).status_code == 200
            for _ in range(30):
                c.get("/issue-statuses")
            assert c.get("/issue-statuses").status_code == 429


def test_fail_next_injects_faults(client: httpx.Client, sb: Sandbox) -> None:
    sb.fail_next(2, status=503, retry_after=3)
    first = client.get("/me")
    assert first.status_code == 503
    assert first.headers["retry-after"] == "3"
    assert client.get("/me").status_code == 503
    assert client.get("/me").status_code == 200
    assert [entry[3] for entry in list(sb.request_log)[-3:]] == [503, 503, 200]


def test_customer_message_moves_ticket_back(client: httpx.Client, sb: Sandbox) -> None:
    issue = _first(client, "on_hold")
    out = sb.customer_message(str(issue["number"]), "<p>Any news?</p>")
    assert out["issue"]["state"] == "waiting_on_you"
    assert out["issue"]["updated_at"] > issue["updated_at"]


def test_openapi_check_is_strict() -> None:
    assert openapi_check.schema_errors("Issue", {"id": "x", "number": 1}, strict=False) == []
    assert openapi_check.schema_errors("Issue", {"id": "x", "priority": "high"})
    assert openapi_check.schema_errors("Issue", {"number": "1"})
    with pytest.raises(AssertionError):
        openapi_check.validate_response("GET", "/issues/abc", 200, {"data": {"bogus": 1}})
    openapi_check.validate_request(
        "POST",
        "/issues/search",
        {"filter": {"field": "state", "operator": "in", "values": ["new"]}},
    )
