"""The sandbox's triage-tool routes (issue 14 items 5-8): macros, tags, snooze, AI drafts.

Every response is checked against the OpenAPI document by the client fixture; where the
usepylon SDK is installed its models parse them too (the SDK is the shape Pylon's own
clients read)."""

from __future__ import annotations

import importlib
import importlib.util
from datetime import timedelta
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox
from pylon_tui.sandbox.pylon.tools import AI_AGENT_ID

from .conftest import FakeClock, search_all


def _sdk_parses(name: str, body: Any) -> None:
    """Parse `body` with the usepylon SDK's model `name`, when the SDK is installed."""
    if importlib.util.find_spec("usepylon") is None:
        return
    types = importlib.import_module("usepylon.types")
    getattr(types, name).model_validate(body)


def _first(client: httpx.Client, state: str) -> dict[str, Any]:
    return search_all(client, {"field": "state", "operator": "equals", "value": state})[0]


def test_macros_have_the_sdk_shape_and_actions(client: httpx.Client, sb: Sandbox) -> None:
    r = client.get("/macros")
    assert r.status_code == 200
    body = r.json()
    names = [m["name"] for m in body["data"]]
    assert "Investigating" in names
    assert "Escalate to engineering" in names
    escalate = next(m for m in body["data"] if m["name"] == "Escalate to engineering")
    assert escalate["text_type"] == "note"
    assert escalate["has_actions"] is True
    # Pylon's MacroAction documents only `type`: the sandbox invents no value fields.
    assert {"type": "set_issue_assignee"} in escalate["actions"]
    assert {"type": "send_csat_survey"} in escalate["actions"]
    _sdk_parses("GetMacrosResponseBody", body)


def test_tags_list_the_orgs_issue_tags(client: httpx.Client) -> None:
    body = client.get("/tags").json()
    values = [t["value"] for t in body["data"]]
    assert values == sorted(values)
    assert "billing" in values
    assert "vip" in values
    assert all(t["object_type"] == "issue" and t["id"] for t in body["data"])
    _sdk_parses("GetTagsResponseBody", body)


def test_patch_tags_sets_the_exact_list(client: httpx.Client) -> None:
    issue = _first(client, "new")
    r = client.patch(f"/issues/{issue['id']}", json={"tags": ["billing", "vip"]})
    assert r.json()["data"]["tags"] == ["billing", "vip"]
    r = client.patch(f"/issues/{issue['id']}", json={"tags": []})
    assert r.json()["data"]["tags"] == []


def test_snooze_holds_then_wakes_to_on_you(
    client: httpx.Client, sb: Sandbox, clock: FakeClock
) -> None:
    issue = _first(client, "waiting_on_you")
    until = (clock() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    r = client.post(f"/issues/{issue['id']}/snooze", json={"snooze_until": until})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["state"] == "on_hold"
    assert data["snoozed_until_time"] == until
    if importlib.util.find_spec("usepylon") is not None:  # the field name the SDK reads
        assert "snoozed_until_time" in importlib.import_module("usepylon.types").Issue.model_fields
    clock.advance(minutes=61)
    again = client.get(f"/issues/{issue['id']}").json()["data"]
    assert again["state"] == "waiting_on_you"
    assert "snoozed_until_time" not in again


def test_a_customer_message_ends_a_snooze(
    client: httpx.Client, sb: Sandbox, clock: FakeClock
) -> None:
    issue = _first(client, "waiting_on_you")
    until = (clock() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    client.post(f"/issues/{issue['id']}/snooze", json={"snooze_until": until})
    sb.customer_message(issue["id"], "<p>any news?</p>")
    again = client.get(f"/issues/{issue['id']}").json()["data"]
    assert again["state"] == "waiting_on_you"
    assert "snoozed_until_time" not in again


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "snooze_until"),
        ({"snooze_until": "tomorrow"}, "RFC3339"),
        ({"snooze_until": "2020-01-01T00:00:00Z"}, "future"),
    ],
)
def test_snooze_refuses_bad_times(client: httpx.Client, body: dict[str, Any], words: str) -> None:
    issue = _first(client, "new")
    r = client.post(f"/issues/{issue['id']}/snooze", json=body)
    assert r.status_code == 400
    assert words in r.json()["errors"][0]


def test_ai_agent_drafts_from_the_thread_and_posts_nothing(
    client: httpx.Client, sb: Sandbox
) -> None:
    issue = _first(client, "new")
    before = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()["data"]
    r = client.post(f"/issues/{issue['id']}/ai-response", json={"ai_agent_id": AI_AGENT_ID})
    assert r.status_code == 200
    body = r.json()
    assert body["response_valid"] is True
    assert issue["title"].split()[0] in body["response_html"]
    after = client.get(f"/issues/{issue['id']}/messages", params={"limit": 999}).json()["data"]
    assert len(after) == len(before)
    _sdk_parses("CreateIssueAiResponseResponseBody", body)


def test_ai_agent_unknown_is_404(client: httpx.Client) -> None:
    issue = _first(client, "new")
    r = client.post(f"/issues/{issue['id']}/ai-response", json={"ai_agent_id": "nope"})
    assert r.status_code == 404
    assert "nope" in r.json()["errors"][0]
