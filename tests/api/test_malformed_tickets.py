"""One malformed ticket never fails a whole load (issue 12 item 10; D10, D11).

A ticket with `number` as a string or NaN, `id` as an int or `state: null` made every refresh
fail and `list` exit 1; a far-future date crashed `--json`. A search now keeps every usable
ticket, skips the rest, and says how many it skipped and why (`PylonClient.skipped`).
"""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
import pytest

from pylon_tui.api.errors import BadResponseError
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain.timefmt import age, format_time

from .support import BASE, Router, envelope, issue_json, pylon, respond

SEARCH = ("POST", "/issues/search")


def odd(**fields: Any) -> dict[str, Any]:
    """Ticket #90 with some fields replaced."""
    return {**issue_json(90), **fields}


# (label, the malformed issue, skipped?) -- the usable-but-odd ones are kept, not skipped.
BAD_TICKETS: list[tuple[str, Any, bool]] = [
    ("number as string", odd(number="1001"), True),
    ("number as float", odd(number=1001.0), True),
    ("number NaN", odd(number=math.nan), True),
    ("number Infinity", odd(number=math.inf), True),
    ("number negative", odd(number=-5), True),
    ("number huge", odd(number=10**40), True),
    ("number bool", odd(number=True), True),
    ("number null", odd(number=None), True),
    ("id as int", odd(id=90), True),
    ("id empty", odd(id=""), True),
    ("id with control", odd(id="iss\x1b[2J"), True),
    ("id lone surrogate", odd(id="iss_\ud800"), True),
    ("id 10k chars", odd(id="x" * 10_000), True),
    ("state null", odd(state=None), True),
    ("state int", odd(state=3), True),
    ("state blank", odd(state="   "), True),
    ("issue is a list", [issue_json(90)], True),
    ("issue is null", None, True),
    ("issue is a string", "iss_90", True),
    ("issue is a number", 90, True),
    ("created far future", odd(created_at="9999-12-31T23:59:59-23:59"), False),
    ("created year 1 east", odd(created_at="0001-01-01T00:00:00+23:59"), False),
    ("updated malformed", odd(updated_at="2024-13-45T99:99:99Z"), False),
    ("dates as numbers", odd(created_at=1714557600, updated_at=1e308), False),
    ("latest message far", odd(latest_message_time="9999-12-31T23:59:59-23:59"), False),
    ("title int", odd(title=42), False),
    ("title lone surrogate", odd(title="a\udc00b"), False),
    ("tags dict", odd(tags={"a": 1}), False),
    ("tags mixed", odd(tags=["ok", 1, None, {"x": 1}, "\ud800"]), False),
    ("custom_fields junk", odd(custom_fields=[1, "x", {"slug": 3}]), False),
    ("priority value int", odd(custom_fields={"priority": {"value": 1}}), False),
    ("priority values junk", odd(custom_fields={"priority": {"values": [None]}}), False),
    ("external_issues str", odd(external_issues="ENG-1"), False),
    ("external_issues junk", odd(external_issues=[1, {"source": 2}, None]), False),
    ("account a string", odd(account="acc_1"), False),
    ("assignee a list", odd(assignee=["usr_1"]), False),
    ("link an object", odd(link={"href": "x"}), False),
    ("body_html a list", odd(body_html=["<p>"]), False),
]


def _search_body(issues: list[Any]) -> bytes:
    # allow_nan: Pylon cannot send NaN, but a broken proxy or server can.
    return json.dumps(envelope(issues), allow_nan=True).encode()


@pytest.mark.parametrize(("label", "bad", "skipped"), BAD_TICKETS, ids=[c[0] for c in BAD_TICKETS])
async def test_one_malformed_ticket_never_fails_the_load(
    label: str, bad: Any, skipped: bool
) -> None:
    page = [issue_json(1), bad, issue_json(2)]
    router = Router().on(*SEARCH, respond(200, _search_body(page)))
    async with pylon(router) as client:
        tickets = await client.search_issues({"field": "state"})
    numbers = sorted(t.number for t in tickets)
    if skipped:
        assert numbers == [1, 2]
        assert client.skipped.count == 1
        summary = client.skipped.summary()
        assert summary.startswith("skipped 1 ticket with unusable data from Pylon: ")
        assert "\n" not in summary
        assert summary.isprintable()
    else:
        assert numbers == [1, 2, 90]
        assert not client.skipped
        assert client.skipped.summary() == ""
    for ticket in tickets:  # what `list --json` and the cards do with every ticket
        format_time(ticket.created_at)
        format_time(ticket.updated_at)
        age(ticket.waiting_since(), ticket.updated_at)
        assert all(not "\ud800" <= ch <= "\udfff" for ch in ticket.id + ticket.title)


async def test_skips_are_counted_per_search_across_pages_with_distinct_reasons() -> None:
    first = envelope(
        [issue_json(1), {**issue_json(2), "number": "2"}, {**issue_json(3), "number": "3"}],
        pagination={"cursor": "c2", "has_next_page": True},
    )
    second = envelope([{**issue_json(4), "state": None}, 7, issue_json(5)])
    router = Router().on(*SEARCH, respond(200, first), respond(200, second))
    async with pylon(router) as client:
        tickets = await client.search_issues({"field": "state"})
        assert sorted(t.number for t in tickets) == [1, 5]
        assert client.skipped.count == 4
        assert len(client.skipped.reasons) == 3  # the first three distinct ones
        assert "4 tickets" in client.skipped.summary()
        # The next search starts a fresh count.
        router.routes[SEARCH] = [respond(200, envelope([issue_json(6)]))]
        await client.search_issues({"field": "state"})
        assert not client.skipped


async def test_get_issue_of_a_malformed_ticket_is_the_clients_error() -> None:
    router = Router().on("GET", "/issues/iss_1", respond(200, envelope({**issue_json(1), "id": 7})))
    async with pylon(router) as client:
        with pytest.raises(BadResponseError, match="field 'id'"):
            await client.get_issue("iss_1")


@pytest.mark.parametrize(
    "entry",
    [None, 1, "x", [], {"id": 5}, {"id": "u1", "name": ["x"]}, {"id": "u\ud800", "email": 3}],
)
async def test_directory_lists_skip_odd_entries(entry: Any) -> None:
    router = Router().on(
        "GET", "/users", respond(200, _search_body([entry, {"id": "u2", "name": "B"}]))
    )
    client = PylonClient(BASE, "tok-123456", transport=httpx.MockTransport(router))
    users = await client.users()
    assert "u2" in [u.id for u in users]
    await client.aclose()
