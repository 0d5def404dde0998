"""Pylon's automations in the sandbox (issue 9 item 10): a reply moves the ticket to
waiting_on_customer a moment later (and out of On Hold), customer activity takes a ticket out
of On Hold, a link to an unfinished Linear issue puts it On Hold; switchable off.

Every response here goes through the spec-checking client, so the moves never bend the shapes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox

from .conftest import FakeClock, make_client, search_all


def _first(client: httpx.Client, state: str, *, unlinked: bool = False) -> dict[str, Any]:
    found = search_all(client, {"field": "state", "operator": "equals", "value": state})
    if unlinked:
        found = [i for i in found if not i.get("external_issues")]
    return found[0]


def _reply(client: httpx.Client, issue: dict[str, Any]) -> None:
    thread = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()["data"]
    visible = [m for m in thread if not m["is_private"]]
    r = client.post(
        f"/issues/{issue['id']}/reply",
        json={"body_html": "<p>Looking into it</p>", "message_id": visible[-1]["id"]},
    )
    assert r.status_code == 200, r.text


def _state(client: httpx.Client, issue: dict[str, Any]) -> str:
    return str(client.get(f"/issues/{issue['id']}").json()["data"]["state"])


def _link(client: httpx.Client, issue: dict[str, Any], uuid: str) -> httpx.Response:
    return client.post(
        f"/issues/{issue['id']}/external-issues",
        json={"source": "linear", "external_issue_id": uuid},
    )


@pytest.mark.parametrize("state", ["new", "waiting_on_you", "investigating", "on_hold"])
def test_a_reply_moves_the_ticket_to_waiting_on_customer_on_the_next_read(
    client: httpx.Client, state: str
) -> None:
    issue = _first(client, state)
    _reply(client, issue)
    after = client.get(f"/issues/{issue['id']}").json()["data"]
    assert after["state"] == "waiting_on_customer"
    assert after["updated_at"] > issue["updated_at"]
    since = {"field": "updated_at", "operator": "time_is_after", "value": issue["updated_at"]}
    changed = search_all(client, since)
    assert issue["id"] in {i["id"] for i in changed}, "an incremental refresh sees the move"


def test_the_ai_move_comes_a_moment_later_on_the_sandbox_clock(
    client: httpx.Client, sb: Sandbox, clock: FakeClock
) -> None:
    sb.automations.reply_delay = timedelta(seconds=30)
    issue = _first(client, "on_hold")
    _reply(client, issue)
    replied = client.get(f"/issues/{issue['id']}").json()["data"]
    assert replied["state"] == "on_hold", "the reply's own moment shows no move yet"
    clock.advance(seconds=29)
    assert _state(client, issue) == "on_hold"
    clock.advance(seconds=1)
    moved = client.get(f"/issues/{issue['id']}").json()["data"]
    assert moved["state"] == "waiting_on_customer"
    assert moved["updated_at"] > replied["updated_at"], "a second write, after the reply's"


def test_the_ai_move_is_dropped_when_the_ticket_moved_or_the_customer_wrote_first(
    client: httpx.Client, sb: Sandbox, clock: FakeClock
) -> None:
    sb.automations.reply_delay = timedelta(seconds=30)
    moved_by_hand, customer_wrote = search_all(
        client, {"field": "state", "operator": "equals", "value": "waiting_on_you"}
    )[:2]
    _reply(client, moved_by_hand)
    _reply(client, customer_wrote)
    client.patch(f"/issues/{moved_by_hand['id']}", json={"state": "closed"})
    sb.customer_message(customer_wrote["id"], "<p>one more thing</p>")
    clock.advance(minutes=5)
    assert _state(client, moved_by_hand) == "closed"
    assert _state(client, customer_wrote) == "waiting_on_you"


def test_the_ai_move_survives_a_restart_of_the_sandbox(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "sandbox.sqlite3"
    with Sandbox(path, now=clock) as first, make_client(first) as client:
        first.ensure_seeded()
        first.automations.reply_delay = timedelta(seconds=10)
        issue = _first(client, "new")
        _reply(client, issue)
    clock.advance(seconds=10)
    with Sandbox(path, now=clock) as second, make_client(second) as client:
        assert _state(client, issue) == "waiting_on_customer"


@pytest.mark.parametrize("state", ["on_hold", "pending_release", "waiting_on_customer"])
def test_customer_activity_takes_a_ticket_out_of_on_hold(
    client: httpx.Client, sb: Sandbox, state: str
) -> None:
    issue = _first(client, state)
    out = sb.customer_message(issue["id"], "<p>Any news?</p>")
    assert out["issue"]["state"] == "waiting_on_you"
    assert _state(client, issue) == "waiting_on_you"


def test_linking_an_unfinished_linear_issue_puts_the_ticket_on_hold(
    client: httpx.Client, sb: Sandbox
) -> None:
    issue = _first(client, "waiting_on_you", unlinked=True)
    uuid = sb.linear_issue("ENG-2")["id"]
    r = _link(client, issue, uuid)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["state"] == "on_hold", "in the link's own answer"
    assert uuid in {x["external_id"] for x in data["external_issues"]}


@pytest.mark.parametrize("fate", ["completed", "canceled", "trashed"])
def test_linking_a_finished_issue_moves_nothing(
    client: httpx.Client, sb: Sandbox, fate: str
) -> None:
    issue = _first(client, "waiting_on_you", unlinked=True)
    uuid = sb.linear_issue("ENG-2")["id"]
    if fate == "trashed":
        sb.trash_linear_issue(uuid)
    else:
        sb.close_linear_issue(uuid, fate)
    r = _link(client, issue, uuid)
    assert r.status_code == 200
    assert r.json()["data"]["state"] == "waiting_on_you"


def test_github_links_unlinks_relinks_and_closed_tickets_move_nothing(
    client: httpx.Client, sb: Sandbox
) -> None:
    open_ticket = _first(client, "waiting_on_you", unlinked=True)
    url = f"/issues/{open_ticket['id']}/external-issues"
    gh = client.post(url, json={"source": "github", "external_issue_id": "acme/widgets/123"})
    assert gh.json()["data"]["state"] == "waiting_on_you"
    uuid = sb.linear_issue("ENG-2")["id"]
    assert _link(client, open_ticket, uuid).json()["data"]["state"] == "on_hold"
    client.patch(f"/issues/{open_ticket['id']}", json={"state": "waiting_on_you"})
    again = _link(client, open_ticket, uuid).json()["data"]
    assert again["state"] == "waiting_on_you", "only a new link moves the ticket"
    unlink = client.post(
        url, json={"source": "linear", "external_issue_id": uuid, "operation": "unlink"}
    )
    assert unlink.json()["data"]["state"] == "waiting_on_you"
    closed = _first(client, "closed", unlinked=True)
    assert _link(client, closed, uuid).json()["data"]["state"] == "closed"


def test_switched_off_the_sandbox_keeps_its_simpler_rules(
    client: httpx.Client, sb: Sandbox
) -> None:
    sb.automations.enabled = False
    new = _first(client, "new")
    _reply(client, new)
    assert _state(client, new) == "waiting_on_customer", "a reply still hands over the ball"
    held = _first(client, "on_hold")
    _reply(client, held)
    assert _state(client, held) == "on_hold", "On Hold survives a reply"
    on_you = _first(client, "waiting_on_you", unlinked=True)
    linked = _link(client, on_you, sb.linear_issue("ENG-2")["id"]).json()["data"]
    assert linked["state"] == "waiting_on_you", "a link moves nothing"
    release = _first(client, "pending_release")
    assert sb.customer_message(release["id"], "<p>hi</p>")["issue"]["state"] == "pending_release"
    assert sb.customer_message(held["id"], "<p>hi</p>")["issue"]["state"] == "waiting_on_you"


def test_the_constructor_switch(tmp_path: Path) -> None:
    with Sandbox(":memory:", automations=False) as off, Sandbox(":memory:") as on:
        assert not off.automations.enabled
        assert on.automations.enabled
