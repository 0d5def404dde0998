"""Every user action reaches Pylon exactly once, whatever the network does to it.

Faults are injected two ways: in-process (the sandbox behind an httpx transport, where a lost
answer is an httpx exception raised *after* the sandbox applied the write) and over real
sockets (the sandbox served on 127.0.0.1: a real timeout, a dropped connection, a server that
goes away and comes back on the same port). Each test ends by counting, in the sandbox's own
request log, the writes it applied for the ticket (exactly one) and by checking its state.

No test sleeps on a backoff: `store.make_all_due()` makes queued actions due at once, and the
client's rate budget runs on a fake clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.delivery import marked_html
from pylon_tui.sync.intents import MARKER, ActionKind, Move, Reply
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store
from tests.sync.faultrig import (
    KINDS,
    Case,
    Drift,
    Rig,
    Switch,
    assert_exactly_once,
    case_for,
    drain_all,
    expect_queued,
    restart,
    send_directly,
    shows,
)

# ----- one fault on the write, for every kind of action --------------------------------------

LOST = ["lost_timeout", "lost_reset", "garbage"]
NEVER_ARRIVED = ["reset"]
FAULTS = [*LOST, *NEVER_ARRIVED, "http_500", "http_429"]
SERVED_KINDS = {ActionKind.MOVE, ActionKind.REPLY, ActionKind.NOTE}


def inject(rig: Rig, fault: str, case: Case) -> None:
    if fault == "http_500":
        rig.sandbox.fail_next(1, 500)
    elif fault == "http_429":  # the client's own 429 retries are exhausted too
        rig.sandbox.fail_next(3, 429, retry_after=30)
    else:
        rig.sandbox.inject(fault, case.method, case.path)


def matrix(*, faults: list[str] | None = None) -> list[Any]:
    """Every kind in-process; over sockets, moves and messages (slower, same code paths)."""
    out = []
    for net in ("inproc", "served"):
        for kind in KINDS:
            if net == "served" and kind not in SERVED_KINDS:
                continue
            for fault in faults or [""]:
                values = (net, kind, fault) if faults else (net, kind)
                out.append(pytest.param(*values, id="-".join(map(str, values))))
    return out


@pytest.mark.parametrize(("rig", "kind", "fault"), matrix(faults=FAULTS), indirect=["rig"])
async def test_a_failed_write_is_queued_then_delivered_exactly_once(
    rig: Rig, kind: ActionKind, fault: str
) -> None:
    service = rig.service()
    await service.load()
    case = await case_for(kind, service)
    inject(rig, fault, case)

    await expect_queued(service, case.action)
    assert rig.sandbox.fired or fault.startswith("http_"), "the fault was injected"
    assert service.pending_count() == 1, "kept, not rolled back"
    assert shows(service, case), "the board keeps the optimistic value"
    [queued] = service.store.queued()
    assert queued.maybe_sent
    assert queued.last_error
    if fault == "http_429":
        wait = queued.next_attempt_at - time.time()
        assert 25 <= wait <= 31, f"Retry-After (30 s) drives the backoff, got {wait:.1f}s"
        before = rig.requests()
        assert (await service.drain()).sent == [], "not due yet"
        assert rig.requests() == before, "nothing is sent before Retry-After"

    sent = await drain_all(service)
    assert [a.client_key for a in sent] == [case.action.client_key]
    await assert_exactly_once(rig, service, case)
    assert (await service.drain()).sent == []
    assert rig.applied(case.ticket.id) == 1


async def test_refused_connection_is_queued_then_delivered_once(local: Rig) -> None:
    service = local.service()
    await service.load()
    cases = [await case_for(kind, service, index) for index, kind in enumerate(KINDS)]
    for case in cases:
        local.sandbox.inject("refused", case.method, case.path)
        await expect_queued(service, case.action)
    assert service.pending_count() == len(KINDS)
    assert sum(local.applied(c.ticket.id) for c in cases) == 0
    sent = await drain_all(service)
    assert {a.client_key for a in sent} == {c.action.client_key for c in cases}
    for case in cases:
        await assert_exactly_once(local, service, case)


async def test_a_429_within_the_clients_patience_is_waited_out_not_queued(rig: Rig) -> None:
    service = rig.service()
    await service.load()
    case = await case_for(ActionKind.MOVE, service)
    rig.sandbox.fail_next(2, 429, retry_after=7)
    await service.run(case.action)  # no ActionQueued: the client waited (on its fake clock)
    assert sum(rig.time.slept) >= 14
    assert rig.sandbox.request_log[-3][3] == 429, "the server really refused twice first"
    await assert_exactly_once(rig, service, case)


async def test_backoff_grows_while_the_server_keeps_failing(local: Rig) -> None:
    service = local.service()
    await service.load()
    case = await case_for(ActionKind.MOVE, service)
    local.sandbox.fail_next(1, 503)
    await expect_queued(service, case.action)
    waits = []
    for _ in range(7):
        local.sandbox.fail_next(1, 503)  # the verifying GET fails: still down
        service.store.make_all_due()
        report = await service.drain()
        assert report.sent == []
        assert report.offline is not None
        [queued] = service.store.queued()
        waits.append(round(queued.next_attempt_at - time.time()))
    assert waits == sorted(waits), waits
    assert waits[0] >= 2, waits
    assert waits[-1] == 60, waits
    assert local.applied(case.ticket.id) == 0
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(local, service, case)


async def test_a_drain_stops_at_the_first_network_failure(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = local.service(transport=switch)
    await service.load()
    cases = [await case_for(ActionKind.MOVE, service, i) for i in range(3)]
    switch.down = True
    for case in cases:
        await expect_queued(service, case.action)
    switch.attempts = 0
    service.store.make_all_due()
    report = await service.drain()
    assert report.offline is not None
    assert report.sent == []
    assert switch.attempts == 1, "one failed request is enough to know the network is down"
    switch.down = False
    await drain_all(service)
    for case in cases:
        await assert_exactly_once(local, service, case)


# ----- lost answers on a ticket with more queued behind it -----------------------------------


async def test_a_lost_answer_does_not_break_the_order_of_later_moves(rig: Rig) -> None:
    service = rig.service()
    await service.load()
    ticket = service.board.column(0)[0]
    first = Move(ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at)
    rig.sandbox.inject("lost_reset", "PATCH", f"/issues/{ticket.id}")
    await expect_queued(service, first)
    second = Move(ticket.id, "closed", base_updated_at=ticket.updated_at)
    await expect_queued(service, second)  # waits behind the first
    assert service.board.get(ticket.id).state == "closed"  # type: ignore[union-attr]
    sent = await drain_all(service)
    assert [a.client_key for a in sent] == [first.client_key, second.client_key]
    assert rig.applied(ticket.id) == 2, "one PATCH each, none repeated"
    assert (await service.client.get_issue(ticket.id)).state == "closed"
    assert service.pending_count() == 0


# ----- schema drift -------------------------------------------------------------------------


# The drifted Pylon drops `tags` from every issue: nothing could show a tag write landed (a
# resend of the exact list is harmless, PATCH tags being idempotent), so tags sit this one out.
DRIFT_KINDS = [k for k in KINDS if k is not ActionKind.TAGS]


@pytest.mark.parametrize("strip_comments", [False, True], ids=["markers-kept", "html-sanitised"])
@pytest.mark.parametrize("kind", DRIFT_KINDS, ids=[k.value for k in DRIFT_KINDS])
async def test_schema_drift_still_loads_and_delivers_once_after_a_lost_answer(
    local: Rig, kind: ActionKind, strip_comments: bool
) -> None:
    plain = local.service(store=Store(":memory:"))
    expected = await plain.load()
    drift = Drift(SandboxTransport(local.sandbox), strip_comments=strip_comments)
    service = local.service(transport=drift)
    assert await service.load() == expected, "every ticket still parses"
    assert service.board.counts() == plain.board.counts()
    assert service.directory.users.keys() == plain.directory.users.keys()
    case = await case_for(kind, service)
    local.sandbox.inject("lost_timeout", case.method, case.path)
    await expect_queued(service, case.action)
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(local, service, case)
    assert await service.refresh() >= 0, "an incremental refresh parses the drifted JSON too"


# ----- the server goes away mid-session and comes back on the same port ----------------------


async def test_server_restart_mid_session_delivers_everything_once(served: Rig) -> None:
    assert served.served is not None
    service = served.service()
    await service.load()
    cases = [await case_for(kind, service, index) for index, kind in enumerate(KINDS)]
    port = served.served.port
    served.served.stop()  # network down: refused, and pooled connections are dead
    for case in cases:
        await expect_queued(service, case.action)
    service.store.make_all_due()
    report = await service.drain()
    assert report.offline is not None
    assert report.sent == []
    assert service.pending_count() == len(KINDS)
    for case in cases:
        assert shows(service, case), "the board keeps the optimistic value"

    served.served.start()  # the same port: the client's base_url is unchanged
    assert served.served.port == port
    sent = await drain_all(service)
    assert sorted(a.client_key for a in sent) == sorted(c.action.client_key for c in cases)
    for case in cases:
        await assert_exactly_once(served, service, case)


async def test_server_dies_after_applying_then_restarts(served: Rig) -> None:
    """The write lands, the server dies before answering, and is down for the first retry."""
    assert served.served is not None
    service = served.service()
    await service.load()
    case = await case_for(ActionKind.REPLY, service)
    served.sandbox.inject("lost_reset", case.method, case.path)
    await expect_queued(service, case.action)
    served.served.stop()
    service.store.make_all_due()
    assert (await service.drain()).offline is not None
    served.served.start()
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(served, service, case)


# ----- the app is killed between the outbox write and the send -------------------------------


@pytest.mark.parametrize(("rig", "kind"), matrix(), indirect=["rig"])
async def test_killed_after_the_outbox_write_before_the_send(rig: Rig, kind: ActionKind) -> None:
    store = Store(rig.cache)
    old = rig.service(store=store)
    await old.load()
    case = await case_for(kind, old)
    old.begin(case.action)  # durable + optimistic; the process dies before commit()
    assert rig.applied(case.ticket.id) == 0
    before = rig.requests()

    service, _ = await restart(rig, store)
    assert rig.requests() == before, "painting from the cache sends nothing"
    assert service.pending_count() == 1
    assert shows(service, case), "the queued intent shows at once"
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(rig, service, case)


@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
async def test_killed_after_the_write_arrived_before_the_answer(
    local: Rig, kind: ActionKind
) -> None:
    """The request reached Pylon; the process died before hearing back. Replay verifies."""
    store = Store(local.cache)
    old = local.service(store=store)
    await old.load()
    case = await case_for(kind, old)
    old.begin(case.action)
    store.note_attempt_started(case.action.client_key)
    await send_directly(old, case.action)  # ...and the process dies here
    assert local.applied(case.ticket.id) == 1

    service, _ = await restart(local, store)
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(local, service, case)


async def test_killed_after_marking_the_attempt_but_before_sending(local: Rig) -> None:
    """attempts > 0 only means "maybe sent": a reply that never arrived is still sent."""
    store = Store(local.cache)
    old = local.service(store=store)
    await old.load()
    case = await case_for(ActionKind.REPLY, old)
    old.begin(case.action)
    store.note_attempt_started(case.action.client_key)
    service, _ = await restart(local, store)
    assert [a.client_key for a in await drain_all(service)] == [case.action.client_key]
    await assert_exactly_once(local, service, case)


def test_the_reply_marker_is_invisible_html() -> None:
    html = marked_html(Reply("t", "m", "<p>x</p>", client_key="k1"))
    assert html == f"<p>x</p><!-- {MARKER}k1 -->"


# ----- the whole budget ---------------------------------------------------------------------


# ----- what the outbox must still get right around a crash -----------------------------------


async def test_a_conflict_left_unanswered_is_asked_again_after_a_restart(local: Rig) -> None:
    switch = Switch(local.sandbox)
    store = Store(local.cache)
    old = local.service(store=store, transport=switch)
    await old.load()
    hold = next(t for t in old.board.all() if t.state == "on_hold")
    switch.down = True
    action = Move(hold.id, "closed", base_updated_at=hold.updated_at)
    await expect_queued(old, action)
    local.sandbox.customer_message(hold.id, "<p>Any news?</p>")  # Pylon: back to On You
    switch.down = False
    old.store.make_all_due()
    assert [c.queued.action.client_key for c in (await old.drain()).conflicts] == [
        action.client_key
    ]
    # The app shows the conflict modal... and is killed before the user answers.

    service, _ = await restart(local, store)
    report = await drain_all_report(service)
    assert [c.queued.action.client_key for c in report.conflicts] == [action.client_key], (
        f"the stored conflict must reach the user again; {service.pending_count()} pending"
    )
    service.outbox.resolve(report.conflicts[0], keep_mine=True)
    assert [a.client_key for a in await drain_all(service)] == [action.client_key]
    assert local.applied(hold.id) == 1
    assert (await service.client.get_issue(hold.id)).state == "closed"


async def drain_all_report(service: BoardService) -> Any:
    service.store.make_all_due()
    return await service.drain()


class HoldWrites(httpx.AsyncBaseTransport):
    """Holds each reply POST until `parties` are in flight (or `patience` runs out): two
    processes draining one outbox at the same moment, deterministically."""

    def __init__(self, sandbox: Sandbox, parties: int = 2, patience: float = 0.5) -> None:
        self.inner = SandboxTransport(sandbox)
        self.parties = parties
        self.patience = patience
        self.arrived = 0
        self.all_here = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/reply"):
            self.arrived += 1
            if self.arrived >= self.parties:
                self.all_here.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.all_here.wait(), self.patience)
        return await self.inner.handle_async_request(request)


async def test_two_app_instances_on_one_cache_send_a_queued_reply_once(local: Rig) -> None:
    store_a = Store(local.cache)
    a = local.service(store=store_a)
    await a.load()
    case = await case_for(ActionKind.REPLY, a)
    a.begin(case.action)  # queued by A (e.g. while offline); B starts on the same cache
    store_b = Store.open(local.cache).store
    hold = HoldWrites(local.sandbox)
    a = local.service(store=store_a, transport=hold)
    b = local.service(store=store_b, transport=hold)
    a.paint_from_cache()
    b.paint_from_cache()
    await asyncio.gather(a.drain(), b.drain())
    await case.verify(a)
    assert local.applied(case.ticket.id) == 1
