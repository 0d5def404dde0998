"""The status bar's "N pending" counts every queued change the user is waiting on: those that
failed, conflicts, and those waiting behind an earlier change on the same ticket; only a
first send still in flight is left out (it is not news yet)."""

from __future__ import annotations

import asyncio

import httpx

from pylon_tui.domain import Priority
from pylon_tui.sandbox import SandboxTransport
from pylon_tui.sync.intents import Assign, Intent, Move, Note, SetPriority
from tests.sync.faultrig import Rig, Switch, expect_queued, restart


def five_offline_actions(ticket_a: str, ticket_b: str, user: str) -> list[Intent]:
    return [
        SetPriority(ticket_a, Priority.URGENT),
        Assign(ticket_a, user),
        Note(ticket_a, "<p>checking</p>"),
        Move(ticket_b, "waiting_on_you"),
        Move(ticket_b, "closed"),
    ]


async def test_every_change_queued_offline_is_counted(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = local.service(transport=switch)
    await service.load()
    a, b = service.board.column(0)[:2]
    switch.down = True
    actions = five_offline_actions(a.id, b.id, sorted(service.directory.users)[0])
    for count, action in enumerate(actions, start=1):
        await expect_queued(service, action)
        assert service.waiting_count() == count, f"after {action}"
    assert service.pending_count() == 5

    service.store.make_all_due()
    await service.drain()  # still offline: stops at the first failure
    assert service.waiting_count() == 5, "a failed drain changes nothing"


async def test_every_queued_change_counts_after_a_restart(local: Rig) -> None:
    switch = Switch(local.sandbox)
    store = local.service().store
    old = local.service(store=store, transport=switch)
    await old.load()
    a, b = old.board.column(0)[:2]
    for action in five_offline_actions(a.id, b.id, sorted(old.directory.users)[0]):
        old.begin(action)  # killed before any of them was sent
    service, _ = await restart(local, store)
    assert service.waiting_count() == 5


class Gate(httpx.AsyncBaseTransport):
    """Holds every PATCH until opened: a send visibly in flight."""

    def __init__(self, rig: Rig) -> None:
        self.inner = SandboxTransport(rig.sandbox)
        self.open = asyncio.Event()
        self.waiting = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            self.waiting.set()
            await self.open.wait()
        return await self.inner.handle_async_request(request)


async def test_a_first_send_in_flight_is_not_pending(local: Rig) -> None:
    gate = Gate(local)
    service = local.service(transport=gate)
    await service.load()
    ticket = service.board.column(0)[0]
    first = service.begin(Move(ticket.id, "waiting_on_you"))
    sending = asyncio.create_task(service.commit(first))
    await asyncio.wait_for(gate.waiting.wait(), 5)
    assert service.pending_count() == 1
    assert service.waiting_count() == 0, "in flight: not news yet"
    gate.open.set()
    await sending
    assert service.waiting_count() == service.pending_count() == 0


async def test_a_change_behind_a_failed_one_counts_and_both_are_sent_in_order(
    local: Rig,
) -> None:
    switch = Switch(local.sandbox)
    service = local.service(transport=switch)
    await service.load()
    ticket = service.board.column(0)[0]
    switch.down = True
    first = Move(ticket.id, "waiting_on_you")
    await expect_queued(service, first)
    switch.down = False  # back, but the second must still wait behind the first
    second = Move(ticket.id, "closed")
    await expect_queued(service, second)
    assert service.waiting_count() == 2
    service.store.make_all_due()
    sent = (await service.drain()).sent
    assert [a.client_key for a in sent] == [first.client_key, second.client_key]
    assert service.waiting_count() == 0
