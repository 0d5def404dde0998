"""The fault-test rig: a sandbox that breaks on request, real or in-process transports, fake
clocks, and the check that every action reached the server exactly once.

Faults are injected two ways: in-process (the sandbox behind an httpx transport, where a lost
answer is an httpx exception raised *after* the sandbox applied the write) and over real
sockets (the sandbox served on 127.0.0.1: a real timeout, a dropped connection, a server that
goes away and comes back on the same port).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, Priority, Ticket
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.delivery import LANDING_MARGIN, REQUEST_TIMEOUT
from pylon_tui.sync.intents import (
    ActionKind,
    Assign,
    Intent,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store
from tests.served import Served

CLOUD = "https://api.usepylon.com"
TOKEN = "test-token"
SERVED_TIMEOUT = 0.6  # the client's timeout over real sockets...
LOST_DELAY = 0.9  # ...and how long a served "lost answer" holds its reply back
KINDS = list(ActionKind)
WRITES = ("INSERT", "UPDATE", "DELETE")


# ----- the sandbox, with faults -------------------------------------------------------------


class FaultySandbox(Sandbox):
    """A Sandbox whose next matching request(s) go wrong in a chosen way.

    Kinds: "lost_timeout" and "lost_reset" apply the write, then lose the answer (a read
    timeout / a dropped connection); "garbage" applies it and answers 200 with a body that is
    not JSON; "applied_502" applies it and answers a proxy's 502 page; "reset" drops the
    connection before the request arrives; "refused" (in-process
    only) fails to connect. Status faults (429, 500) use the Sandbox's own `fail_next`.
    "status_NNN" refuses it with that status (and Retry-After: 120) without applying it.
    `inject_late` makes a slow server: see there.
    """

    served = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: list[tuple[str, str, re.Pattern[str]]] = []
        self.fired: list[tuple[str, str, str]] = []
        self.clock: WallClock = WallClock()
        self._late: list[Late] = []
        self.late_arrived = threading.Event()
        self.late_done = threading.Event()
        """Served: the late write's thread has finished (applied it, or given up)."""
        self._deferred: list[tuple[float, str, str, dict[str, str], bytes]] = []

    def inject_late(self, method: str, path: str, late: Late) -> None:
        """The next matching write is applied `late.apply_after` seconds after it arrives,
        while the client stops waiting after `late.client_gone_after` (its timeout, or the
        moment the app is killed). Served: real seconds in the server's thread. In-process:
        on the rig's clock, which the client's wait advances; the deferred write lands on the
        first request after its time (the server did it in the background)."""
        self._late.append(late)
        self.inject("late", method, path)

    def land_due(self) -> None:
        now = self.clock()
        due = [d for d in self._deferred if d[0] <= now]
        self._deferred = [d for d in self._deferred if d[0] > now]
        for _, method, url, headers, body in due:
            super().handle(method, url, headers, body)

    def _late_write(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        late = self._late.pop(0)
        self.late_arrived.set()
        if self.served:
            time.sleep(late.apply_after)  # the client has given up (or died) meanwhile
            try:
                return super().handle(method, url, headers, body)
            finally:
                self.late_done.set()
        if late.apply_after != math.inf:
            due = self.clock() + late.apply_after
            self._deferred.append((due, method, url, dict(headers), body))
        self.clock.advance(late.client_gone_after)
        if late.kill:
            raise asyncio.CancelledError  # the app dies: no line after the send runs
        raise httpx.ReadTimeout("timed out waiting for the response")

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
        if not self.served:
            self.land_due()
        kind = self._take(method, url)
        if kind is None:
            return super().handle(method, url, headers, body)
        if kind == "late":
            return self._late_write(method, url, headers, body)
        if kind.startswith("status_"):  # refused before it is applied: e.g. "status_429"
            error = json.dumps({"errors": ["injected refusal"]}).encode()
            headers_out = {"content-type": "application/json", "retry-after": "120"}
            return int(kind.removeprefix("status_")), headers_out, error
        if kind == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        if kind == "reset":
            if self.served:
                raise ConnectionResetError("dropped before reading the request")
            raise httpx.ReadError("[Errno 104] Connection reset by peer")
        result = super().handle(method, url, headers, body)  # it arrives, and is applied
        if kind == "garbage":
            return 200, {"content-type": "application/json"}, b"{not json"
        if kind == "applied_502":  # a proxy that gave up on an answer the origin sent
            return 502, {"content-type": "text/html"}, b"<html><h1>502 Bad Gateway</h1></html>"
        if kind == "lost_reset":
            if self.served:
                raise ConnectionResetError("dropped after applying")
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        assert kind == "lost_timeout", kind
        if self.served:
            time.sleep(LOST_DELAY)  # the client gives up first
            return result
        raise httpx.ReadTimeout("timed out waiting for the response")


@dataclass(frozen=True)
class Window:
    """How long an unanswered attempt may still land: the client's timeout plus a margin."""

    request_timeout: float = REQUEST_TIMEOUT
    landing_margin: float = LANDING_MARGIN


@dataclass(frozen=True)
class Late:
    apply_after: float
    """Seconds until the server applies the write (math.inf: the request was lost)."""
    client_gone_after: float
    kill: bool = False


class FailingDisk:
    """Stands in for a Store's connection; while `failing`, statements starting with one of
    `fail_on` raise the OperationalError SQLite gives for that trouble."""

    def __init__(
        self,
        store: Store,
        message: str,
        fail_on: Iterable[str] = WRITES,
        *,
        code: str | None = None,
    ) -> None:
        self.inner: sqlite3.Connection = store._db
        store._db = self  # type: ignore[assignment]
        self.message = message
        self.fail_on = tuple(fail_on)
        self.code = code
        self.failing = False
        self.refused = 0

    def _check(self, sql: str) -> None:
        if self.failing and sql.lstrip().upper().startswith(self.fail_on):
            self.refused += 1
            kind = sqlite3.DatabaseError if self.code else sqlite3.OperationalError
            error = kind(self.message)
            if self.code:
                error.sqlite_errorname = self.code  # as SQLite's own result code would be
            raise error

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self._check(sql)
        return self.inner.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self.inner.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self.inner.in_transaction

    def close(self) -> None:
        self.inner.close()


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


class WallClock:
    """The outbox's clock: real time, plus whatever a test lets pass without sleeping (the
    window in which an unanswered reply may still land is 60 s, far past a test's budget)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


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


@dataclass
class Rig:
    sandbox: FaultySandbox
    cache: Path
    served: Served | None
    clients: list[PylonClient]
    time: FakeTime
    clock: WallClock

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
        self,
        store: Store | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        window: Window | None = None,
    ) -> BoardService:
        store = store if store is not None else Store(self.cache)
        window = window or Window()
        return BoardService(
            self.client(transport),
            DEFAULT_COLUMNS,
            store=store,
            clock=self.clock,
            request_timeout=window.request_timeout,
            landing_margin=window.landing_margin,
        )

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
    clock = sandbox.clock
    server = None
    if served:
        server = Served(sandbox)
        server.start()
    return Rig(sandbox, tmp_path / "cache.sqlite3", server, [], FakeTime(), clock)


async def teardown(rig: Rig) -> None:
    for client in rig.clients:
        await client.aclose()
    if rig.served is not None:
        rig.served.stop()
    rig.sandbox.close()


# ----- actions and what the server must end up with -----------------------------------------


@dataclass
class Case:
    action: Intent
    ticket: Ticket
    method: str
    path: str
    verify: Callable[[BoardService], Awaitable[None]]
    shown: Callable[[Ticket], bool] | None = None  # the optimistic board value, if any


async def case_for(kind: ActionKind, service: BoardService, index: int = 0) -> Case:
    """An action of `kind` on the `index`-th New ticket, and how to check the server."""
    ticket = service.board.column(0)[index]
    text = f"{kind.value} {uuid.uuid4().hex[:8]}"
    return await _CASES[kind](service, ticket, text, index)


def _one_message(tid: str, text: str) -> Callable[[BoardService], Awaitable[None]]:
    async def one_message(s: BoardService) -> None:
        found = [m for m in await s.client.messages(tid) if text in m.html]
        assert len(found) == 1, f"expected one message with {text!r}, got {len(found)}"

    return one_message


async def _reply(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    tid = ticket.id
    customer = next(m for m in await service.messages(tid) if m.is_customer)
    action = Reply(tid, customer.id, f"<p>{text}</p>")
    return Case(action, ticket, "POST", f"/issues/{tid}/reply", _one_message(tid, text))


async def _note(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    tid = ticket.id
    action = Note(tid, f"<p>{text}</p>")
    return Case(action, ticket, "POST", f"/issues/{tid}/note", _one_message(tid, text))


def _on_board(
    action: Intent, ticket: Ticket, expected: Callable[[Ticket], bool], path: str = ""
) -> Case:
    """A board-changing action: `expected` holds on the server's ticket and on the board."""

    async def on_server(s: BoardService) -> None:
        server = await s.client.get_issue(ticket.id)
        assert expected(server), f"server has {server}"

    method = "POST" if path else "PATCH"
    return Case(action, ticket, method, path or f"/issues/{ticket.id}", on_server, expected)


async def _move(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    action = Move(ticket.id, "waiting_on_you", base_updated_at=ticket.updated_at)
    return _on_board(action, ticket, lambda t: t.state == "waiting_on_you")


async def _priority(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    wanted = Priority.URGENT if ticket.priority is not Priority.URGENT else Priority.LOW
    action = SetPriority(ticket.id, wanted, base_updated_at=ticket.updated_at)
    return _on_board(action, ticket, lambda t: t.priority is wanted)


async def _assign(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    user = next(u for u in sorted(service.directory.users) if u != ticket.assignee_id)
    action = Assign(ticket.id, user, base_updated_at=ticket.updated_at)
    return _on_board(action, ticket, lambda t: t.assignee_id == user)


async def _link(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    ext = f"acme/widgets/{4000 + index}"  # GitHub: the Linear-free path
    url = f"https://github.com/{ext}"
    action = Link(
        ticket.id, ext, source="github", label=ext, url=url, base_updated_at=ticket.updated_at
    )
    expected = lambda t: [x.external_id for x in t.links].count(ext) == 1  # noqa: E731
    return _on_board(action, ticket, expected, f"/issues/{ticket.id}/external-issues")


async def _unlink(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    """Undo of a link: takes a seeded link off an On Hold ticket (New ones have none)."""
    linked = sorted(
        (t for t in service.board.all() if t.state == "on_hold" and t.has_tracking_link()),
        key=lambda t: t.number,
    )[index]
    link = next(x for x in linked.links if x.is_tracking)
    action = Unlink(
        linked.id, link.external_id, source=link.source, base_updated_at=linked.updated_at
    )
    expected = lambda t: link.external_id not in {x.external_id for x in t.links}  # noqa: E731
    return _on_board(action, linked, expected, f"/issues/{linked.id}/external-issues")


async def _tags(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    wanted = tuple(sorted({*ticket.tags, f"t-{index}", "vip"}))
    action = SetTags(ticket.id, wanted, base_updated_at=ticket.updated_at)
    return _on_board(action, ticket, lambda t: sorted(t.tags) == list(wanted))


async def _snooze(service: BoardService, ticket: Ticket, text: str, index: int) -> Case:
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2, minutes=index)
    action = Snooze(ticket.id, until, base_updated_at=ticket.updated_at)
    return _on_board(
        action, ticket, lambda t: t.snoozed_until == until, f"/issues/{ticket.id}/snooze"
    )


_CASES: dict[ActionKind, Callable[[BoardService, Ticket, str, int], Awaitable[Case]]] = {
    ActionKind.MOVE: _move,
    ActionKind.PRIORITY: _priority,
    ActionKind.ASSIGN: _assign,
    ActionKind.LINK: _link,
    ActionKind.REPLY: _reply,
    ActionKind.NOTE: _note,
    ActionKind.UNLINK: _unlink,
    ActionKind.TAGS: _tags,
    ActionKind.SNOOZE: _snooze,
}


def shows(service: BoardService, case: Case) -> bool:
    """The board shows what the action asked for (trivially true for messages)."""
    if case.shown is None:
        return True
    ticket = service.board.get(case.ticket.id)
    return ticket is not None and case.shown(ticket)


async def expect_queued(service: BoardService, action: Intent) -> None:
    with pytest.raises(ActionQueued):
        await service.run(action)


async def drain_all(service: BoardService) -> list[Intent]:
    """Drain, let time pass beyond any window in which a lost attempt could still land (a
    message is never resent inside it), and drain again."""
    service.store.make_all_due()
    sent = list((await service.drain()).sent)
    outbox = service.outbox
    if isinstance(outbox.clock, WallClock):
        outbox.clock.advance(outbox.request_timeout + outbox.landing_margin + 1)
    service.store.make_all_due()
    sent += (await service.drain()).sent
    return sent


async def assert_exactly_once(rig: Rig, service: BoardService, case: Case) -> None:
    assert service.pending_count() == 0
    assert rig.applied(case.ticket.id) == 1, list(rig.sandbox.request_log)[-12:]
    assert rig.applied(case.ticket.id, method=case.method) == 1
    await case.verify(service)
    assert shows(service, case), "the board shows the server's result"


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


async def restart(
    rig: Rig, store: Store, window: Window | None = None
) -> tuple[BoardService, Store]:
    """The old process is gone (its store is never closed cleanly); a new one starts."""
    # kill -9 runs no cleanup, but the kernel drops the process's outbox lock with its fds.
    if store._lead_fd is not None:
        os.close(store._lead_fd)
        store._lead_fd = None
    del store
    fresh = Store.open(rig.cache)
    assert fresh.notes == [], "a killed app leaves a healthy store"
    service = rig.service(store=fresh.store, window=window)
    assert service.paint_from_cache() > 0, "the board paints from the cache, before any request"
    return service, fresh.store


async def send_directly(service: BoardService, action: Intent) -> None:
    client = service.client
    assert isinstance(client, PylonClient)
    await action.send(client)
