"""A reply or note whose answer was lost is never posted twice, even when the server applies
it after the client gave up (a slow backend) or after the app was killed mid-send.

Before resending, the outbox reads the thread again, with backoff, until the first attempt
can no longer land (its timeout plus a margin, recorded on disk when it left). In-process
tests run the real numbers on a fake clock (15 s timeout, 20 s late, 60 s window); the
served ones scale them down over real sockets.
"""

from __future__ import annotations

import asyncio
import math
import time

import httpx
import pytest

from pylon_tui.sandbox import SandboxTransport
from pylon_tui.sync.intents import ActionKind
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store
from tests.sync.faultrig import (
    SERVED_TIMEOUT,
    Case,
    Late,
    Rig,
    Window,
    assert_exactly_once,
    case_for,
    drain_all,
    restart,
)

MESSAGES = [ActionKind.REPLY, ActionKind.NOTE]
IDS = [k.value for k in MESSAGES]
TIMEOUT = 15.0  # the client's timeout (PylonClient's default), on the fake clock


def thread_reads(rig: Rig, ticket_id: str) -> int:
    path = f"/issues/{ticket_id}/messages"
    return sum(1 for _, verb, p, _ in list(rig.sandbox.request_log) if verb == "GET" and p == path)


async def settle(rig: Rig, service: BoardService, *, horizon: float = 300) -> list[str]:
    """Run the drain the way the app does, jumping the clock to each due time (no sleeping):
    returns every status the drain reported while it was checking."""
    shown: list[str] = []
    start = rig.clock()
    while service.pending_count() and rig.clock() - start < horizon:
        due = min(q.next_attempt_at for q in service.store.queued())
        if due > rig.clock():
            rig.clock.advance(due - rig.clock())
        report = await service.drain()
        shown += report.checking
    assert service.pending_count() == 0, "settled within the horizon"
    return shown


def resent_at(rig: Rig, case: Case) -> list[int]:
    """Positions (in the request log) of the accepted writes for the case's ticket."""
    return [
        i
        for i, (_, verb, path, status) in enumerate(list(rig.sandbox.request_log))
        if verb == case.method and path == case.path and 200 <= status < 300
    ]


@pytest.mark.parametrize("kind", MESSAGES, ids=IDS)
async def test_server_applies_20s_late_with_a_15s_client_timeout(
    local: Rig, kind: ActionKind
) -> None:
    service = local.service()
    await service.load()
    case = await case_for(kind, service)
    local.sandbox.inject_late(case.method, case.path, Late(20, client_gone_after=TIMEOUT))

    with pytest.raises(ActionQueued) as queued:
        await service.run(case.action)
    assert queued.value.maybe_applied, "a lost answer may hide a write"
    assert local.applied(case.ticket.id) == 0, "not applied yet: the server is still at it"

    shown = await settle(local, service)
    number = case.ticket.number
    assert shown, "the wait is shown, not hidden"
    assert all(f"the {kind.value} on #{number} arrived" in text for text in shown), shown
    await assert_exactly_once(local, service, case)
    assert thread_reads(local, case.ticket.id) <= 4, "the thread is polled with backoff"


@pytest.mark.parametrize("kind", MESSAGES, ids=IDS)
async def test_a_request_lost_on_the_way_is_resent_only_after_the_window(
    local: Rig, kind: ActionKind
) -> None:
    """The other side of the same rule: the first attempt never lands, so after its window
    the message is sent again, exactly once, and not a second earlier."""
    service = local.service()
    await service.load()
    case = await case_for(kind, service)
    local.sandbox.inject_late(case.method, case.path, Late(math.inf, client_gone_after=TIMEOUT))
    started = local.clock()
    with pytest.raises(ActionQueued):
        await service.run(case.action)

    sent_after: list[float] = []
    while service.pending_count():
        due = min(q.next_attempt_at for q in service.store.queued())
        local.clock.advance(max(0.0, due - local.clock()))
        if (await service.drain()).sent:
            sent_after.append(local.clock() - started)
    window = TIMEOUT + service.outbox.landing_margin
    assert len(sent_after) == 1
    assert sent_after[0] >= window, f"resent {sent_after[0]:.0f}s after the first attempt"
    await assert_exactly_once(local, service, case)


@pytest.mark.parametrize("late", [5.0, 20.0, 59.0], ids=["5s", "20s", "59s"])
async def test_killed_mid_send_and_the_server_applies_later(local: Rig, late: float) -> None:
    """kill -9 1.5 s after the note left; the server applies it `late` seconds after it
    arrived. The restarted app knows from the outbox when that attempt started."""
    store = Store(local.cache)
    old = local.service(store=store)
    await old.load()
    case = await case_for(ActionKind.NOTE, old)
    local.sandbox.inject_late(case.method, case.path, Late(late, client_gone_after=1.5, kill=True))
    with pytest.raises(asyncio.CancelledError):  # the process dies inside the send
        await old.run(case.action)
    assert local.applied(case.ticket.id) == 0

    service, _ = await restart(local, store)
    assert service.pending_count() == 1
    shown = await settle(local, service)
    assert shown, "the restarted app says it is checking, rather than resending at once"
    await assert_exactly_once(local, service, case)


async def test_a_kill_mid_send_with_the_request_lost_is_sent_once_after_the_window(
    local: Rig,
) -> None:
    store = Store(local.cache)
    old = local.service(store=store)
    await old.load()
    case = await case_for(ActionKind.REPLY, old)
    lost = Late(math.inf, client_gone_after=1.5, kill=True)
    local.sandbox.inject_late(case.method, case.path, lost)
    with pytest.raises(asyncio.CancelledError):
        await old.run(case.action)
    service, _ = await restart(local, store)
    await settle(local, service)
    await assert_exactly_once(local, service, case)


async def test_the_window_survives_a_restart_and_make_all_due(local: Rig) -> None:
    """make_all_due (run at every start) cancels backoffs, never the landing window."""
    store = Store(local.cache)
    old = local.service(store=store)
    await old.load()
    case = await case_for(ActionKind.REPLY, old)
    late = Late(40, client_gone_after=TIMEOUT)
    local.sandbox.inject_late(case.method, case.path, late)
    with pytest.raises(ActionQueued):
        await old.run(case.action)
    for _ in range(3):  # restarted three times in quick succession, each drains at once
        service, store = await restart(local, store)
        local.clock.advance(1)
        report = await service.drain()
        assert report.sent == []
        assert report.checking
    assert local.applied(case.ticket.id) == 0
    await settle(local, service)
    await assert_exactly_once(local, service, case)


async def test_commit_never_resends_what_a_drain_already_tried(local: Rig) -> None:
    """The drain timer can pick up a reply between `begin` and `commit`; if that attempt's
    answer is lost, `commit` must leave the decision to the drain's verification."""
    service = local.service()
    await service.load()
    case = await case_for(ActionKind.REPLY, service)
    pending = service.begin(case.action)
    local.sandbox.inject_late(case.method, case.path, Late(20, client_gone_after=TIMEOUT))
    assert (await service.drain()).sent == []
    with pytest.raises(ActionQueued):
        await service.commit(pending)
    assert resent_at(local, case) == [], "nothing was posted a second time"
    await settle(local, service)
    await assert_exactly_once(local, service, case)


# ----- over real sockets, scaled down (1 s here = 25 s there) ---------------------------------

SCALE = SERVED_TIMEOUT / TIMEOUT  # the served client's real timeout plays the 15 s


SCALED = Window(request_timeout=SERVED_TIMEOUT, landing_margin=45 * SCALE)


def scaled_service(rig: Rig, store: Store | None = None) -> BoardService:
    return rig.service(store=store, window=SCALED)


async def settle_real(rig: Rig, service: BoardService, *, within: float = 6.0) -> list[str]:
    """Drain until nothing is queued, then wait for the slow write's server thread, so a
    late first copy is counted too."""
    shown: list[str] = []
    deadline = time.monotonic() + within
    while service.pending_count() and time.monotonic() < deadline:
        service.store.make_all_due()  # the poll's own backoff is not what is tested here
        shown += (await service.drain()).checking
        await asyncio.sleep(0.05)
    assert service.pending_count() == 0
    assert await asyncio.to_thread(rig.sandbox.late_done.wait, within)
    return shown


@pytest.mark.parametrize("kind", MESSAGES, ids=IDS)
async def test_served_server_applies_late_after_the_client_timed_out(
    served: Rig, kind: ActionKind
) -> None:
    service = scaled_service(served)
    await service.load()
    case = await case_for(kind, service)
    served.sandbox.inject_late(case.method, case.path, Late(20 * SCALE, SERVED_TIMEOUT))
    with pytest.raises(ActionQueued):
        await service.run(case.action)  # a real read timeout
    assert served.applied(case.ticket.id) == 0, "the server is still holding it"
    assert await settle_real(served, service), "checked before deciding"
    await assert_exactly_once(served, service, case)


async def test_served_killed_mid_send_and_applied_5s_later(served: Rig) -> None:
    store = Store(served.cache)
    old = scaled_service(served, store)
    await old.load()
    case = await case_for(ActionKind.NOTE, old)
    served.sandbox.inject_late(case.method, case.path, Late(5 * SCALE, 0))
    send = asyncio.create_task(old.run(case.action))
    assert await asyncio.to_thread(served.sandbox.late_arrived.wait, 2)  # it reached the server
    send.cancel()  # ...and the app dies before the answer
    with pytest.raises(asyncio.CancelledError):
        await send
    service, _ = await restart(served, store, SCALED)
    await settle_real(served, service)
    await assert_exactly_once(served, service, case)


class SmallPages(httpx.AsyncBaseTransport):
    """Pylon answering the thread two messages a page (the sandbox pages on `limit`)."""

    def __init__(self, rig: Rig) -> None:
        self.inner = SandboxTransport(rig.sandbox)
        self.pages = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/messages"):
            self.pages += 1
            request = httpx.Request(
                request.method,
                request.url.copy_merge_params({"limit": "2"}),
                headers=request.headers,
            )
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("kind", MESSAGES, ids=IDS)
async def test_a_lost_answer_is_found_on_a_later_page_of_the_thread(
    local: Rig, kind: ActionKind
) -> None:
    pages = SmallPages(local)
    service = local.service(transport=pages)
    await service.load()
    case = await case_for(kind, service)
    for n in range(4):
        local.sandbox.customer_message(case.ticket.id, f"<p>follow-up {n}</p>")
    before = len(await service.client.messages(case.ticket.id))
    assert before >= 5, "the new message lands on the third page or later"
    local.sandbox.inject("lost_timeout", case.method, case.path)
    with pytest.raises(ActionQueued):
        await service.run(case.action)
    pages.pages = 0
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    assert pages.pages >= 2, "every page was read"
    await assert_exactly_once(local, service, case)
