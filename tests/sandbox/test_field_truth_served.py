"""Fault tests over real sockets for issue 9 items 2, 4, 5, 6 and 7: the real PylonClient (and
the board service over it) against the sandbox served on 127.0.0.1, with the sandbox's
live-Pylon surprises switched on."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import AuthError, NotFoundError, PriorityNotSavedError
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions
from pylon_tui.bootstrap import services_for
from pylon_tui.domain import Priority, Ticket
from pylon_tui.domain.thread import reply_target
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.intents import SetPriority
from pylon_tui.sync.service import ActionFailed
from tests.served import Served

EU_TOKEN = "pylon_api_eu_servedSECRET9"
AGENT = "maya@sandboxco.dev"
OPEN = {"field": "state", "operator": "not_in", "values": ["closed"]}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    sandbox = Sandbox(tmp_path / "pylon.sqlite3")
    sandbox.ensure_seeded()
    server = Served(sandbox)
    server.start()
    yield server
    server.stop()
    sandbox.close()


def client_for(
    served: Served,
    token: str | None = None,
    *,
    agent_email: str | None = None,
    priority_options: PriorityOptions | None = None,
) -> PylonClient:
    return PylonClient(
        served.url,
        token,
        budget=RateBudget.unlimited(),
        timeout=5.0,
        agent_email=agent_email,
        priority_options=priority_options,
    )


@pytest.fixture
async def client(served: Served) -> AsyncIterator[PylonClient]:
    async with client_for(served) as pylon:
        yield pylon


async def _a_ticket(client: PylonClient, state: str = "new") -> Ticket:
    found = await client.search_issues({"field": "state", "operator": "equals", "value": state})
    return found[0]


# --------------------------------------------------------------------- item 2: region, code


async def test_wrong_region_over_a_socket_names_the_region_to_use(served: Served) -> None:
    served.sandbox.required_token = EU_TOKEN
    served.sandbox.loopback_region = "us"  # this Pylon plays api.usepylon.com
    async with client_for(served, EU_TOKEN) as pylon:
        with pytest.raises(AuthError) as info:
            await pylon.me()
    err = info.value
    assert (err.wrong_region, err.region, err.code) == (True, "eu", "wrong_region_token")
    assert err.request_id
    assert "https://api.eu.usepylon.com" in err.hint
    assert "SECRET9" not in err.user_text + repr(err)
    served.sandbox.loopback_region = "eu"
    async with client_for(served, EU_TOKEN) as pylon:
        assert (await pylon.me()).id


async def test_every_error_over_a_socket_keeps_code_and_request_id(client: PylonClient) -> None:
    with pytest.raises(NotFoundError) as info:
        await client.get_issue("no-such-issue")
    assert info.value.code == "not_found"
    assert info.value.request_id
    assert "code not_found" in str(info.value)


# --------------------------------------------------------------------- item 4: odd cursors


@pytest.mark.parametrize("kind", ["empty", "repeat"])
async def test_odd_cursors_end_the_walks_and_the_board_still_loads(
    served: Served, client: PylonClient, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    honest = {t.id for t in await client.search_issues(OPEN, limit=7)}
    ticket = await _a_ticket(client)
    for n in range(4):
        served.sandbox.customer_message(ticket.id, f"<p>more {n}</p>")
    thread = [m.id for m in await client.messages(ticket.id, page_size=2)]
    served.sandbox.odd_cursors(kind)
    caplog.set_level(logging.WARNING)
    assert {t.id for t in await client.search_issues(OPEN, limit=7)} == honest
    assert [m.id for m in await client.messages(ticket.id, page_size=2)] == thread
    assert [m.id for m in await client.messages(ticket.id)] == thread
    assert ("without a cursor" if kind == "empty" else "repeated a cursor") in caplog.text
    service = services_for(client).service
    assert await service.load() > 0  # the whole board load: never failed by a cursor


# --------------------------------------------------------------------- item 5: priority


async def test_a_priority_pylon_ignored_is_refused_and_rolled_back(
    served: Served, client: PylonClient
) -> None:
    """A stale mapping names a field this workspace does not have: Pylon (and the sandbox)
    answer 200 and change nothing. The client notices, refuses, and refreshes the mapping."""
    truth = next(t for t in await client.search_issues(OPEN) if t.priority is not Priority.URGENT)
    async with client_for(served, priority_options=PriorityOptions("severity")) as stale:
        service = services_for(stale).service
        await service.load()
        shown = service.board.get(truth.id)
        assert shown is not None
        with pytest.raises(ActionFailed) as info:
            await service.run(SetPriority(truth.id, Priority.URGENT))
        assert isinstance(info.value.error, PriorityNotSavedError)
        assert "'severity'" in str(info.value)
        after = service.board.get(truth.id)
        assert after is not None
        assert after.priority is shown.priority  # rolled back on the board
        assert (await client.get_issue(truth.id)).priority is truth.priority  # nothing saved
        # The refusal refreshed the mapping from GET /custom-fields: the next try lands.
        assert (await stale.set_priority(truth.id, Priority.URGENT)).priority is Priority.URGENT
        assert (await stale.set_priority(truth.id, None)).priority is None
    assert (await client.get_issue(truth.id)).priority is None


# --------------------------------------------------------------------- items 6 and 7


async def test_replies_go_out_as_the_agent_to_the_newest_customer_message(
    served: Served,
) -> None:
    async with client_for(served) as anonymous, client_for(served, agent_email=AGENT) as agent:
        ticket = await _a_ticket(agent)
        asked = served.sandbox.customer_message(ticket.id, "<p>still broken</p>")["message_id"]
        await anonymous.reply(ticket.id, "<p>looking</p>", asked)  # newer, but ours
        await anonymous.note(ticket.id, "<p>internal</p>")  # newest, but private
        thread = await agent.messages(ticket.id)
        target = reply_target(thread)
        assert target is not None
        assert target.id == asked
        await agent.reply(ticket.id, "<p>fixed now</p>", target.id)
        await agent.note(ticket.id, "<p>done</p>")
        posted = (await agent.messages(ticket.id))[-4:]
    authors = [m.author_name for m in posted]
    assert authors == [
        "pylon-tui sandbox token",
        "pylon-tui sandbox token",
        "Maya Chen",
        "Maya Chen",
    ]
