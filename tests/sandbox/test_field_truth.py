"""The sandbox is at least as strict and as surprising as live Pylon (issue 9): every error has
a stable `code` and a `request_id`, 429 names its wait in X-Retry-After, the thread comes a
page at a time, odd cursors can be switched on, a reply must answer a customer-visible
message, and without `user_id` a reply shows the API token's name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox
from pylon_tui.sandbox.pylon.thread import MESSAGES_PAGE

from .conftest import FakeClock, make_client, search_all

EVERYTHING = {"field": "state", "operator": "not_in", "values": ["no_such_state"]}


def _thread(client: httpx.Client, issue_id: str, **params: Any) -> list[dict[str, Any]]:
    """The whole thread, following the cursor; every page is checked against the spec."""
    found: list[dict[str, Any]] = []
    query = dict(params)
    for _ in range(100):
        answer = client.get(f"/issues/{issue_id}/messages", params=query).json()
        found += answer["data"]
        if not answer["pagination"]["has_next_page"]:
            return found
        query["cursor"] = answer["pagination"]["cursor"]
    raise AssertionError("the thread never ended")


def _long_thread(sb: Sandbox, client: httpx.Client, extra: int = 5) -> dict[str, Any]:
    issue = search_all(client, {"field": "state", "operator": "equals", "value": "new"})[0]
    for n in range(extra):
        sb.customer_message(issue["id"], f"<p>follow-up {n}</p>")
    return issue


def test_the_thread_comes_a_page_at_a_time(sb: Sandbox, client: httpx.Client) -> None:
    """Current definition (issue 18): `limit` pages the thread, a cursor without a limit
    pages by MESSAGES_PAGE, neither answers the whole thread (for backward compatibility)."""
    issue = _long_thread(sb, client)
    everything = client.get(f"/issues/{issue['id']}/messages").json()
    assert everything["pagination"]["has_next_page"] is False
    first = client.get(f"/issues/{issue['id']}/messages", params={"limit": 2}).json()
    assert len(first["data"]) == 2
    assert first["pagination"]["has_next_page"] is True
    whole = _thread(client, issue["id"], limit=2)
    assert len(whole) > 2
    assert whole[-1]["message_html"] == "<p>follow-up 4</p>"  # only on a later page
    assert whole == everything["data"]
    assert _thread(client, issue["id"], limit=1000) == whole
    assert len({m["id"] for m in whole}) == len(whole)
    cursor = first["pagination"]["cursor"]
    rest = client.get(f"/issues/{issue['id']}/messages", params={"cursor": cursor}).json()
    assert len(rest["data"]) == min(MESSAGES_PAGE, len(whole) - 2)


@pytest.mark.parametrize("kind", ["empty", "repeat"])
def test_odd_cursors_promise_more_on_the_last_page(
    sb: Sandbox, client: httpx.Client, kind: str
) -> None:
    issue = _long_thread(sb, client, extra=1)
    sb.odd_cursors(kind)
    body = {"filter": EVERYTHING, "limit": 999}
    last = client.post("/issues/search", json=body).json()["pagination"]
    thread = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()
    for page in (last, thread["pagination"]):
        assert page["has_next_page"] is True
        assert (page["cursor"] == "") is (kind == "empty")
    if kind == "repeat":  # following it leads back to the same cursor, with nothing new
        again = client.post("/issues/search", json={**body, "cursor": last["cursor"]}).json()
        assert again["data"] == []
        assert again["pagination"]["cursor"] == last["cursor"]
        query = {"limit": 999, "cursor": thread["pagination"]["cursor"]}
        more = client.get(f"/issues/{issue['id']}/messages", params=query).json()
        assert more["data"] == []
        assert more["pagination"]["cursor"] == thread["pagination"]["cursor"]
    sb.odd_cursors(None)
    assert client.post("/issues/search", json=body).json()["pagination"]["has_next_page"] is False
    with pytest.raises(ValueError, match="odd cursor"):
        sb.odd_cursors("sideways")


def test_a_reply_must_answer_a_customer_visible_message(sb: Sandbox, client: httpx.Client) -> None:
    issue = search_all(client, {"field": "state", "operator": "equals", "value": "new"})[0]
    note = client.post(f"/issues/{issue['id']}/note", json={"body_html": "<p>internal</p>"})
    refused = client.post(
        f"/issues/{issue['id']}/reply",
        json={"body_html": "<p>hi</p>", "message_id": note.json()["data"]["id"]},
    )
    assert refused.status_code == 400
    assert "internal note" in refused.json()["errors"][0]
    assert refused.json()["code"] == "invalid_request"


def test_replies_show_the_token_unless_user_id_names_the_agent(
    sb: Sandbox, client: httpx.Client
) -> None:
    issue = search_all(client, {"field": "state", "operator": "equals", "value": "new"})[0]
    agent = client.get("/users").json()["data"][2]
    asked = _thread(client, issue["id"])[0]["id"]
    for extra in ({}, {"user_id": agent["id"]}):
        body = {"body_html": "<p>on it</p>", **extra}
        reply = {**body, "message_id": asked}
        assert client.post(f"/issues/{issue['id']}/reply", json=reply).status_code == 200
        assert client.post(f"/issues/{issue['id']}/note", json=body).status_code == 200
    authors = [m["author"] for m in _thread(client, issue["id"])[-4:]]
    token = {"name": "pylon-tui sandbox token"}
    person = {"name": agent["name"], "user": {"id": agent["id"], "email": agent["email"]}}
    assert authors == [token, token, person, person]


def test_every_error_carries_a_code_and_a_request_id(sb: Sandbox, client: httpx.Client) -> None:
    sb.fail_next(1, status=429, retry_after=17)
    sb.fail_next(1, status=503, retry_after=3)
    limited = client.get("/me")
    assert limited.headers["x-retry-after"] == "17"  # Pylon's header for a 429's wait
    assert "retry-after" not in limited.headers
    unavailable = client.get("/me")
    assert unavailable.headers["retry-after"] == "3"
    missing = client.get("/issues/no-such-issue")
    for response, code in ((limited, "rate_limit_exceeded"), (unavailable, "server_error"),
                           (missing, "not_found")):  # fmt: skip
        assert response.json()["code"] == code
        assert response.json()["request_id"]


def test_a_served_sandbox_can_play_a_region(clock: FakeClock) -> None:
    """Loopback requests carry no host to tell the region by: `loopback_region` sets one, so a
    fault test over real sockets meets `wrong_region_token` like an EU tenant on the US host."""
    with Sandbox(":memory:", now=clock, required_token="pylon_api_eu_tok") as sb:
        sb.ensure_seeded(5)
        auth = {"Authorization": "Bearer pylon_api_eu_tok"}
        with make_client(sb, "http://127.0.0.1:9", check=False, headers=auth) as local:
            assert local.get("/me").status_code == 200  # no region by default
            sb.loopback_region = "us"
            wrong = local.get("/me")
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "wrong_region_token"
            assert "https://api.eu.usepylon.com" in wrong.json()["errors"][0]
            sb.loopback_region = "eu"
            assert local.get("/me").status_code == 200
