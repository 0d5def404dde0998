"""The outbox against the sandbox: durable before sent, retried, replayed once, conflicts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.intents import Move, Reply
from pylon_tui.sync.outbox import ActionFailed, ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import CONFLICT, Store


class Switch(httpx.AsyncBaseTransport):
    """The sandbox behind a switch: `down` makes every request fail to connect."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = SandboxTransport(sandbox)
        self.down = False
        self.log: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network is down", request=request)
        self.log.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sb.sqlite3")
    sb.ensure_seeded()
    return sb


async def service_for(sandbox: Sandbox, store: Store) -> tuple[BoardService, Switch]:
    switch = Switch(sandbox)
    client = PylonClient("https://api.usepylon.com", None, transport=switch)
    return BoardService(client, DEFAULT_COLUMNS, store=store), switch


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite3"


def patches_for(switch: Switch, ticket_id: str) -> int:
    return sum(1 for m, p in switch.log if m == "PATCH" and p.endswith(ticket_id))


async def test_offline_move_survives_restart_and_is_sent_exactly_once(
    sandbox: Sandbox, cache: Path
) -> None:
    store = Store(cache)
    service, switch = await service_for(sandbox, store)
    await service.load()
    ticket = service.board.column(0)[0]
    switch.down = True
    with pytest.raises(ActionQueued):
        await service.run(Move(ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at))
    assert service.board.get(ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]
    assert service.pending_count() == 1
    store.close()  # the app dies here (no clean shutdown needed: the row is committed)

    store2 = Store(cache)
    service2, switch2 = await service_for(sandbox, store2)
    assert service2.paint_from_cache() > 0
    cached = service2.board.get(ticket.id)
    assert cached is not None
    assert cached.state == "waiting_on_you", "the queued intent shows on the cached board"
    report = await service2.drain()
    assert [a.ticket_id for a in report.sent] == [ticket.id]
    assert service2.pending_count() == 0
    assert patches_for(switch2, ticket.id) == 1
    assert (await service2.client.get_issue(ticket.id)).state == "waiting_on_you"
    assert (await service2.drain()).sent == []
    assert patches_for(switch2, ticket.id) == 1


async def test_lost_answer_is_verified_not_resent(sandbox: Sandbox, cache: Path) -> None:
    """The PATCH arrived but the answer was lost: the retry sees it applied, sends nothing."""
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    action = Move(ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at)
    pending = service.begin(action)
    service.store.note_attempt_started(action.client_key)  # as if a send had started...
    await service.client.update_state(ticket.id, "waiting_on_you")  # ...and landed
    switch.log.clear()
    report = await service.drain()
    assert report.sent == [action]
    assert patches_for(switch, ticket.id) == 0
    assert pending.before is not None


async def test_reply_replay_never_duplicates(sandbox: Sandbox, cache: Path) -> None:
    service, _ = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    messages = await service.messages(ticket.id)
    customer = next(m for m in messages if not m.is_private)
    action = Reply(ticket.id, customer.id, "<p>On it!</p>")
    await service.run(action)  # delivered...
    service.store.enqueue(action, None)  # ...but a crash left the row behind
    service.store.note_attempt_started(action.client_key)
    before = len(await service.messages(ticket.id))
    report = await service.drain()
    assert report.sent == [action]
    assert len(await service.messages(ticket.id)) == before, "no second reply"


async def test_refused_action_rolls_back_and_leaves_the_outbox(
    sandbox: Sandbox, cache: Path
) -> None:
    service, _ = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    with pytest.raises(ActionFailed):
        await service.run(Move(ticket.id, "no_such_state"))
    assert service.board.get(ticket.id).state == ticket.state  # type: ignore[union-attr]
    assert service.pending_count() == 0


async def test_server_change_in_the_same_field_is_a_conflict(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    hold = next(t for t in service.board.all() if t.state == "on_hold" and t.has_tracking_link())
    switch.down = True
    with pytest.raises(ActionQueued):
        await service.run(Move(hold.id, "closed", base_updated_at=hold.updated_at))
    sandbox.customer_message(hold.id, "<p>Any news? This is blocking us.</p>")
    switch.down = False
    service.store.mark_attempt(
        service.outbox.store.queued()[0].action.client_key, next_attempt_at=0, error="offline"
    )
    report = await service.drain()
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert conflict.server.state == "waiting_on_you"
    assert service.store.queued()[0].status == CONFLICT
    mine, theirs = conflict.describe()
    assert "closed" in mine
    assert "waiting_on_you" in theirs
    assert (await service.drain()).sent == [], "a conflict waits for the user"
    service.outbox.resolve(conflict, keep_mine=True)
    assert [a.ticket_id for a in (await service.drain()).sent] == [hold.id]
    assert (await service.client.get_issue(hold.id)).state == "closed"


async def test_keep_theirs_drops_mine_and_shows_the_server(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    hold = next(t for t in service.board.all() if t.state == "on_hold")
    switch.down = True
    with pytest.raises(ActionQueued):
        await service.run(Move(hold.id, "closed", base_updated_at=hold.updated_at))
    sandbox.customer_message(hold.id, "<p>Still broken</p>")
    switch.down = False
    key = service.store.queued()[0].action.client_key
    service.store.mark_attempt(key, next_attempt_at=0, error="offline")
    conflict = (await service.drain()).conflicts[0]
    service.outbox.resolve(conflict, keep_mine=False)
    assert service.pending_count() == 0
    assert service.board.get(hold.id).state == "waiting_on_you"  # type: ignore[union-attr]


async def test_actions_on_one_ticket_keep_their_order(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    ticket = service.board.column(0)[0]
    switch.down = True
    for state in ("waiting_on_you", "closed"):
        with pytest.raises(ActionQueued):
            await service.run(Move(ticket.id, state))
    switch.down = False
    for key in [q.action.client_key for q in service.store.queued()]:
        service.store.mark_attempt(key, next_attempt_at=0, error="offline")
    await service.drain()
    await service.drain()
    assert service.pending_count() == 0
    assert (await service.client.get_issue(ticket.id)).state == "closed"


async def test_incremental_refresh_is_one_request(sandbox: Sandbox, cache: Path) -> None:
    service, switch = await service_for(sandbox, Store(cache))
    await service.load()
    switch.log.clear()
    await service.refresh()
    assert switch.log == [("POST", "/issues/search")]


async def test_cache_paints_the_board_before_any_request(sandbox: Sandbox, cache: Path) -> None:
    service, _ = await service_for(sandbox, Store(cache))
    count = await service.load()
    service.store.close()
    fresh, switch = await service_for(sandbox, Store(cache))
    switch.down = True
    assert fresh.paint_from_cache() == count
    assert fresh.board.counts() == service.board.counts()
    assert fresh.directory.users == service.directory.users
    assert switch.log == []
