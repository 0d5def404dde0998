"""Issue search: paging, filters, validation; plus the seed's demo guarantees."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox

from .conftest import ALL_STATES, START, FakeClock, make_client, search_all

EVERYTHING = {"field": "state", "operator": "in", "values": ALL_STATES}


def test_paging_covers_every_ticket_exactly_once(client: httpx.Client, sb: Sandbox) -> None:
    seen = search_all(client, EVERYTHING, limit=7)
    ids = [i["id"] for i in seen]
    assert len(ids) == len(set(ids)) == sb.ticket_count() == 80
    keys = [(i["created_at"], i["id"]) for i in seen]
    assert keys == sorted(keys)


def test_default_limit_and_limit_validation(client: httpx.Client) -> None:
    r = client.post("/issues/search", json={"filter": EVERYTHING})
    assert r.status_code == 200
    assert len(r.json()["data"]) == 80
    for bad in (0, 1001, "x", True):
        r = client.post("/issues/search", json={"filter": EVERYTHING, "limit": bad})
        assert r.status_code == 400, bad
    # Current definition (issue 18): limit up to 1000, and the filter is optional.
    assert client.post("/issues/search", json={"filter": EVERYTHING, "limit": 1000}).is_success
    assert len(client.post("/issues/search", json={"limit": 5}).json()["data"]) == 5
    r = client.post("/issues/search", json={"filter": EVERYTHING, "cursor": "garbage!"})
    assert r.status_code == 400


def test_seed_has_every_column_and_demo_story(client: httpx.Client) -> None:
    issues = search_all(client, EVERYTHING)
    states = Counter(i["state"] for i in issues)
    assert states == {
        "new": 12,
        "waiting_on_you": 18,
        "waiting_on_customer": 12,
        "on_hold": 10,
        "investigating": 3,
        "pending_release": 2,
        "closed": 23,
    }
    for issue in issues:
        if issue["state"] in ("on_hold", "pending_release"):
            assert any(x["source"] == "linear" for x in issue["external_issues"])
    github = [i for i in issues if any(x["source"] == "github" for x in i["external_issues"])]
    assert len(github) >= 2
    titles = {i["title"] for i in issues}
    assert "Error: [bold red]x[/] shown in export" in titles
    now = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    week_ago = (START - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    closed = [i for i in issues if i["state"] == "closed"]
    assert any(i["resolution_time"] > week_ago for i in closed)
    assert any(i["resolution_time"] < week_ago for i in closed)
    assert all(i["created_at"] <= now and i["updated_at"] <= now for i in issues)
    priorities = Counter(i["custom_fields"].get("priority", {}).get("value") for i in issues)
    assert {"urgent", "high", "medium", "low", None} <= set(priorities)


def test_state_filters(client: httpx.Client) -> None:
    new = search_all(client, {"field": "state", "operator": "equals", "value": "new"})
    assert len(new) == 12
    assert {i["state"] for i in new} == {"new"}
    rest = search_all(client, {"field": "state", "operator": "not_in", "values": ["closed"]})
    assert len(rest) == 57
    assert all(i["state"] != "closed" for i in rest)
    r = client.post("/issues/search", json={"filter": {"field": "state", "operator": "contains"}})
    assert r.status_code == 400


def test_time_filters(client: httpx.Client, sb: Sandbox, clock: FakeClock) -> None:
    cutoff = (START - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    after = search_all(
        client, {"field": "updated_at", "operator": "time_is_after", "value": cutoff}
    )
    assert after
    assert all(i["updated_at"] > cutoff for i in after)
    before = search_all(
        client, {"field": "updated_at", "operator": "time_is_before", "value": cutoff}
    )
    assert len(after) + len(before) == 80
    lo = (START - timedelta(days=10)).isoformat()
    hi = (START - timedelta(days=5)).isoformat()
    ranged = search_all(
        client, {"field": "created_at", "operator": "time_range", "values": [lo, hi]}
    )
    assert ranged
    assert all(lo[:19] <= i["created_at"][:19] <= hi[:19] for i in ranged)
    bad = {"field": "updated_at", "operator": "time_is_after", "value": "yesterday"}
    assert client.post("/issues/search", json={"filter": bad}).status_code == 400


def test_incremental_refresh_sees_only_the_write(client: httpx.Client, clock: FakeClock) -> None:
    clock.advance(minutes=5)
    since = clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    clock.advance(seconds=30)
    target = search_all(client, {"field": "state", "operator": "equals", "value": "new"})[0]
    assert client.patch(f"/issues/{target['id']}", json={"state": "waiting_on_you"}).is_success
    changed = search_all(
        client, {"field": "updated_at", "operator": "time_is_after", "value": since}
    )
    assert [i["id"] for i in changed] == [target["id"]]


def test_compound_and_field_filters(client: httpx.Client, sb: Sandbox) -> None:
    flt = {
        "field": "",
        "operator": "and",
        "subfilters": [
            {"field": "state", "operator": "in", "values": ["on_hold", "waiting_on_you"]},
            {
                "field": "",
                "operator": "or",
                "subfilters": [
                    {"field": "tags", "operator": "contains", "value": "api"},
                    {"field": "title", "operator": "string_contains", "value": "okta"},
                ],
            },
        ],
    }
    got = search_all(client, flt)
    assert got
    for i in got:
        assert i["state"] in ("on_hold", "waiting_on_you")
        assert "api" in i["tags"] or "okta" in i["title"].lower()
    unassigned = search_all(client, {"field": "assignee_id", "operator": "is_unset"})
    assert unassigned
    assert all("assignee" not in i for i in unassigned)
    account = got[0]["account"]["id"]
    mine = search_all(client, {"field": "account_id", "operator": "equals", "value": account})
    assert mine
    assert all(i["account"]["id"] == account for i in mine)
    urgent = search_all(client, {"field": "priority", "operator": "equals", "value": "urgent"})
    assert urgent
    assert all(i["custom_fields"]["priority"]["value"] == "urgent" for i in urgent)
    nested: dict[str, Any] = {"field": "state", "operator": "equals", "value": "new"}
    for _ in range(3):
        nested = {"operator": "and", "subfilters": [nested]}
    assert client.post("/issues/search", json={"filter": nested}).status_code == 400
    unknown = {"field": "sentiment", "operator": "equals", "value": "angry"}
    r = client.post("/issues/search", json={"filter": unknown})
    assert r.status_code == 400
    assert "sentiment" in r.json()["errors"][0]


def test_list_issues_takes_a_year_newest_first_a_page_at_a_time(client: httpx.Client) -> None:
    """GET /issues by the current definition (issue 18): up to 365 days, created_at in
    [start, end), newest first, paged by limit/cursor."""
    end = START.isoformat()
    year = (START - timedelta(days=365)).isoformat()
    whole = client.get("/issues", params={"start_time": year, "end_time": end})
    assert whole.status_code == 200
    data = whole.json()["data"]
    assert data
    assert whole.json()["pagination"]["has_next_page"] is False
    stamps = [i["created_at"] for i in data]
    assert stamps == sorted(stamps, reverse=True)
    pages: list[dict[str, Any]] = []
    query = {"start_time": year, "end_time": end, "limit": "7"}
    for _ in range(50):
        answer = client.get("/issues", params=query).json()
        pages += answer["data"]
        if not answer["pagination"]["has_next_page"]:
            break
        query["cursor"] = answer["pagination"]["cursor"]
    assert [i["id"] for i in pages] == [i["id"] for i in data]
    newest = data[0]["created_at"]
    upto = client.get("/issues", params={"start_time": year, "end_time": newest}).json()
    assert newest not in {i["created_at"] for i in upto["data"]}  # end_time is exclusive
    too_long = (START - timedelta(days=366)).isoformat()
    r = client.get("/issues", params={"start_time": too_long, "end_time": end})
    assert r.status_code == 400
    assert "365 days" in r.json()["errors"][0]


async def test_async_client_search(aclient: httpx.AsyncClient) -> None:
    r = await aclient.post("/issues/search", json={"filter": EVERYTHING, "limit": 10})
    assert r.status_code == 200
    assert len(r.json()["data"]) == 10
    assert r.json()["pagination"]["has_next_page"] is True


def test_reseed_10k_is_fast_and_pages(clock: FakeClock) -> None:
    with Sandbox(":memory:", now=clock) as sandbox:
        started = time.perf_counter()
        sandbox.reseed(10_000)
        assert time.perf_counter() - started < 5.0
        assert sandbox.ticket_count() == 10_000
        with make_client(sandbox, check=False) as c:
            r = c.post("/issues/search", json={"filter": EVERYTHING, "limit": 999})
            assert len(r.json()["data"]) == 999
            assert r.json()["pagination"]["has_next_page"]
        sandbox.reseed(80)
        assert sandbox.ticket_count() == 80


def test_seed_is_deterministic(clock: FakeClock) -> None:
    with Sandbox(":memory:", now=clock) as a, Sandbox(":memory:", now=clock) as b:
        a.ensure_seeded()
        b.ensure_seeded()
        assert not a.ensure_seeded()
        with make_client(a) as ca, make_client(b) as cb:
            assert search_all(ca, EVERYTHING) == search_all(cb, EVERYTHING)


@pytest.mark.parametrize("path", ["/nope", "/issues/does-not-exist"])
def test_unknown_paths_404(client: httpx.Client, path: str) -> None:
    r = client.get(path) if path == "/issues/does-not-exist" else client.post(path, json={})
    assert r.status_code == 404
    assert r.json()["errors"]
