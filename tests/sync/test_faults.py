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
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, Priority, Ticket
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.actions import Action, ActionKind
from pylon_tui.sync.delivery import MARKER, marked_html
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store
from tests.served import Served

CLOUD = "https://api.usepylon.com"
TOKEN = "test-token"
SERVED_TIMEOUT = 0.6  # the client's timeout over real sockets...
LOST_DELAY = 0.9  # ...and how long a served "lost answer" holds its reply back
KINDS = list(ActionKind)


# ----- the sandbox, with faults -------------------------------------------------------------


class FaultySandbox(Sandbox):
    """A Sandbox whose next matching request(s) go wrong in a chosen way.

    Kinds: "lost_timeout" and "lost_reset" apply the write, then lose the answer (a read
    timeout / a dropped connection); "garbage" applies it and answers 200 with a body that is
    not JSON; "reset" drops the connection before the request arrives; "refused" (in-process
    only) fails to connect. Status faults (429, 500) use the Sandbox's own `fail_next`.
    """

    served = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: list[tuple[str, str, re.Pattern[str]]] = []
        self.fired: list[tuple[str, str, str]] = []

    def inject(self, kind: str, method: str, path: str) -> None:
        self._plan.append((kind, method, re.compile(f"^{path}$")))

    def _take(self, method: str, url: str) -> str | None:
        path = urlsplit(url).path
        for index, (kind, want, pattern) in enumerate(self._plan):
            if want == method.upper() and pattern.match(path):
                del self._plan[index]
                self.fired.append((kind, method, path))
                return kind
        return None

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        kind = self._take(method, url)
        if kind is None:
            return super().handle(method, url, headers, body)
        if kind == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        if kind == "reset":
            if self.served:
                raise ConnectionResetError("dropped before reading the request")
            raise httpx.ReadError("[Errno 104] Connection reset by peer")
        result = super().handle(method, url, headers, body)  # it arrives, and is applied
        if kind == "garbage":
            return 200, {"content-type": "application/json"}, b"{not json"
        if kind == "lost_reset":
            if self.served:
                raise ConnectionResetError("dropped after applying")
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        assert kind == "lost_timeout", kind
        if self.served:
            time.sleep(LOST_DELAY)  # the client gives up first
            return result
        raise httpx.ReadTimeout("timed out waiting for the response")


class FakeTime:
    """The rate budget's clock: a Retry-After "wait" advances it instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Drift(httpx.AsyncBaseTransport):
    """Pylon's JSON a release later: unknown fields everywhere, optional issue and message
    fields gone, and (optionally) HTML comments stripped from stored messages."""

    ISSUE_OPTIONAL = (
        "tags", "body_html", "link", "source", "type", "attachment_urls", "csat_responses",
        "customer_portal_visible", "author_unverified", "number_of_touches", "team",
        "requester", "first_response_time", "first_response_seconds",
        "business_hours_first_response_seconds", "resolution_time", "latest_message_time",
    )  # fmt: skip
    MESSAGE_OPTIONAL = ("file_urls", "source", "thread_id")

    def __init__(self, inner: httpx.AsyncBaseTransport, *, strip_comments: bool) -> None:
        self.inner = inner
        self.strip_comments = strip_comments

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = await response.aread()
        try:
            body = json.loads(raw)
        except ValueError:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        content = json.dumps(self.drift(body)).encode()
        return httpx.Response(
            response.status_code, headers=headers, content=content, request=request
        )

    def drift(self, value: object) -> object:
        if isinstance(value, list):
            return [self.drift(v) for v in value]
        if not isinstance(value, dict):
            return value
        drop: tuple[str, ...] = ()
        if "number" in value and "state" in value:
            drop = self.ISSUE_OPTIONAL
        elif "message_html" in value:
            drop = self.MESSAGE_OPTIONAL
        out = {k: self.drift(v) for k, v in value.items() if k not in drop}
        out["x_added_in_2027"] = {"nested": [1, "two", None], "flag": True}
        html = out.get("message_html")
        if self.strip_comments and isinstance(html, str):
            out["message_html"] = re.sub(r"<!--.*?-->", "", html, flags=re.S)
        return out


# ----- the rig ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sandbox-template") / "sandbox.sqlite3"
    with Sandbox(path) as sandbox:
        sandbox.ensure_seeded()
    return path


@dataclass
class Rig:
    sandbox: FaultySandbox
    cache: Path
    served: Served | None
    clients: list[PylonClient]
    time: FakeTime

    @property
    def is_served(self) -> bool:
        return self.served is not None

    def client(self, transport: httpx.AsyncBaseTransport | None = None) -> PylonClient:
        budget = RateBudget(clock=self.time.monotonic, sleep=self.time.sleep, enabled=False)
        if self.served is not None and transport is None:
            client = PylonClient(self.served.url, TOKEN, budget=budget, timeout=SERVED_TIMEOUT)
        else:
            inner = transport or SandboxTransport(self.sandbox)
            client = PylonClient(CLOUD, TOKEN, transport=inner, budget=budget)
        self.clients.append(client)
        return client

    def service(
        self, store: Store | None = None, transport: httpx.AsyncBaseTransport | None = None
    ) -> BoardService:
        store = store if store is not None else Store(self.cache)
        return BoardService(self.client(transport), DEFAULT_COLUMNS, store=store)

    def applied(self, ticket_id: str, *, method: str | None = None) -> int:
        """Writes for this ticket the sandbox accepted (2xx): what actually reached Pylon."""
        return sum(
            1
            for service, verb, path, status in list(self.sandbox.request_log)
            if service == "pylon"
            and verb in ("PATCH", "POST")
            and (method is None or verb == method)
            and (path == f"/issues/{ticket_id}" or path.startswith(f"/issues/{ticket_id}/"))
            and 200 <= status < 300
        )

    def requests(self) -> int:
        return len(self.sandbox.request_log)


async def make_rig(tmp_path: Path, seeded_db: Path, *, served: bool) -> Rig:
    db = tmp_path / "sandbox.sqlite3"
    shutil.copy(seeded_db, db)
    sandbox = FaultySandbox(db)
    sandbox.served = served
    server = None
    if served:
        server = Served(sandbox)
        server.start()
    return Rig(sandbox, tmp_path / "cache.sqlite3", server, [], FakeTime())


@pytest.fixture(params=["inproc", "served"])
async def rig(
    request: pytest.FixtureRequest, tmp_path: Path, seeded_db: Path
) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=request.param == "served")
    yield made
    await teardown(made)


@pytest.fixture
async def local(tmp_path: Path, seeded_db: Path) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=False)
    yield made
    await teardown(made)


@pytest.fixture
async def served(tmp_path: Path, seeded_db: Path) -> AsyncIterator[Rig]:
    made = await make_rig(tmp_path, seeded_db, served=True)
    yield made
    await teardown(made)


async def teardown(rig: Rig) -> None:
    for client in rig.clients:
        await client.aclose()
    if rig.served is not None:
        rig.served.stop()
    rig.sandbox.close()


# ----- actions and what the server must end up with -----------------------------------------


@dataclass
class Case:
    action: Action
    ticket: Ticket
    method: str
    path: str
    verify: Callable[[BoardService], Awaitable[None]]
    shown: Callable[[Ticket], bool] | None = None  # the optimistic board value, if any


async def case_for(kind: ActionKind, service: BoardService, index: int = 0) -> Case:
    """An action of `kind` on the `index`-th New ticket, and how to check the server."""
    ticket = service.board.column(0)[index]
    tid = ticket.id
    text = f"{kind.value} {uuid.uuid4().hex[:8]}"
    base = ticket.updated_at

    async def one_message(s: BoardService) -> None:
        found = [m for m in await s.client.messages(tid) if text in m.html]
        assert len(found) == 1, f"expected one message with {text!r}, got {len(found)}"

    if kind is ActionKind.REPLY:
        customer = next(m for m in await service.messages(tid) if m.is_customer)
        action = Action(kind, tid, customer.id, {"body_html": f"<p>{text}</p>"})
        return Case(action, ticket, "POST", f"/issues/{tid}/reply", one_message)
    if kind is ActionKind.NOTE:
        action = Action(kind, tid, None, {"body_html": f"<p>{text}</p>"})
        return Case(action, ticket, "POST", f"/issues/{tid}/note", one_message)

    # Board-changing actions: `expected` holds on the server's ticket and on the board.
    expected: Callable[[Ticket], bool]
    if kind is ActionKind.MOVE:
        action = Action(kind, tid, "waiting_on_you", base_updated_at=base)
        expected = lambda t: t.state == "waiting_on_you"  # noqa: E731
    elif kind is ActionKind.PRIORITY:
        wanted = Priority.URGENT if ticket.priority is not Priority.URGENT else Priority.LOW
        action = Action(kind, tid, wanted.value, base_updated_at=base)
        expected = lambda t: t.priority is wanted  # noqa: E731
    elif kind is ActionKind.ASSIGN:
        user = next(u for u in sorted(service.directory.users) if u != ticket.assignee_id)
        action = Action(kind, tid, user, base_updated_at=base)
        expected = lambda t: t.assignee_id == user  # noqa: E731
    else:
        assert kind is ActionKind.LINK
        ext = f"acme/widgets/{4000 + index}"  # GitHub: the Linear-free path
        extra = {"source": "github", "label": ext, "url": f"https://github.com/{ext}"}
        action = Action(kind, tid, ext, extra, base_updated_at=base)
        expected = lambda t: [x.external_id for x in t.links].count(ext) == 1  # noqa: E731

    async def on_server(s: BoardService) -> None:
        server = await s.client.get_issue(tid)
        assert expected(server), f"server has {server}"

    method = "POST" if kind is ActionKind.LINK else "PATCH"
    path = f"/issues/{tid}/external-issues" if kind is ActionKind.LINK else f"/issues/{tid}"
    return Case(action, ticket, method, path, on_server, expected)


def shows(service: BoardService, case: Case) -> bool:
    """The board shows what the action asked for (trivially true for messages)."""
    if case.shown is None:
        return True
    ticket = service.board.get(case.ticket.id)
    return ticket is not None and case.shown(ticket)


async def expect_queued(service: BoardService, action: Action) -> None:
    with pytest.raises(ActionQueued):
        await service.run(action)


async def drain_all(service: BoardService) -> list[Action]:
    service.store.make_all_due()
    sent = list((await service.drain()).sent)
    service.store.make_all_due()
    sent += (await service.drain()).sent
    return sent


async def assert_exactly_once(rig: Rig, service: BoardService, case: Case) -> None:
    assert service.pending_count() == 0
    assert rig.applied(case.ticket.id) == 1, list(rig.sandbox.request_log)[-12:]
    assert rig.applied(case.ticket.id, method=case.method) == 1
    await case.verify(service)
    assert shows(service, case), "the board shows the server's result"


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


class Switch(httpx.AsyncBaseTransport):
    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = SandboxTransport(sandbox)
        self.down = False
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.down:
            raise httpx.ConnectError("[Errno 101] Network is unreachable", request=request)
        return await self.inner.handle_async_request(request)


# ----- lost answers on a ticket with more queued behind it -----------------------------------


async def test_a_lost_answer_does_not_break_the_order_of_later_moves(rig: Rig) -> None:
    service = rig.service()
    await service.load()
    ticket = service.board.column(0)[0]
    first = Action(ActionKind.MOVE, ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at)
    rig.sandbox.inject("lost_reset", "PATCH", f"/issues/{ticket.id}")
    await expect_queued(service, first)
    second = Action(ActionKind.MOVE, ticket.id, "closed", base_updated_at=ticket.updated_at)
    await expect_queued(service, second)  # waits behind the first
    assert service.board.get(ticket.id).state == "closed"  # type: ignore[union-attr]
    sent = await drain_all(service)
    assert [a.client_key for a in sent] == [first.client_key, second.client_key]
    assert rig.applied(ticket.id) == 2, "one PATCH each, none repeated"
    assert (await service.client.get_issue(ticket.id)).state == "closed"
    assert service.pending_count() == 0


# ----- schema drift -------------------------------------------------------------------------


@pytest.mark.parametrize("strip_comments", [False, True], ids=["markers-kept", "html-sanitised"])
@pytest.mark.parametrize("kind", KINDS, ids=[k.value for k in KINDS])
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


async def restart(rig: Rig, store: Store) -> tuple[BoardService, Store]:
    """The old process is gone (its store is never closed cleanly); a new one starts."""
    # kill -9 runs no cleanup, but the kernel drops the process's outbox lock with its fds.
    if store._lead_fd is not None:
        os.close(store._lead_fd)
        store._lead_fd = None
    del store
    fresh = Store.open(rig.cache)
    assert fresh.notes == [], "a killed app leaves a healthy store"
    service = rig.service(store=fresh.store)
    assert service.paint_from_cache() > 0, "the board paints from the cache, before any request"
    return service, fresh.store


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


async def send_directly(service: BoardService, action: Action) -> None:
    client, tid = service.client, action.ticket_id
    assert isinstance(client, PylonClient)
    if action.kind is ActionKind.MOVE:
        await client.update_state(tid, action.value or "")
    elif action.kind is ActionKind.PRIORITY:
        await client.set_priority(tid, Priority.parse(action.value))
    elif action.kind is ActionKind.ASSIGN:
        await client.assign(tid, action.value)
    elif action.kind is ActionKind.LINK:
        await client.link_external_issue(tid, action.extra["source"], action.value or "")
    elif action.kind is ActionKind.REPLY:
        await client.reply(tid, marked_html(action), action.value or "")
    else:
        await client.note(tid, marked_html(action))


def test_the_reply_marker_is_invisible_html() -> None:
    html = marked_html(Action(ActionKind.REPLY, "t", "m", {"body_html": "<p>x</p>"}, None, "k1"))
    assert html == f"<p>x</p><!-- {MARKER}k1 -->"


# ----- the whole budget ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _bounded(request: pytest.FixtureRequest) -> Iterator[None]:
    """A hang here is a bug (a retry loop, a lost wake-up): fail fast instead."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < 10, f"{request.node.name} took too long"


# ----- what the outbox must still get right around a crash -----------------------------------


async def test_a_conflict_left_unanswered_is_asked_again_after_a_restart(local: Rig) -> None:
    switch = Switch(local.sandbox)
    store = Store(local.cache)
    old = local.service(store=store, transport=switch)
    await old.load()
    hold = next(t for t in old.board.all() if t.state == "on_hold")
    switch.down = True
    action = Action(ActionKind.MOVE, hold.id, "closed", base_updated_at=hold.updated_at)
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
