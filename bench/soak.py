"""Soak: an hour of a 5-person team against the rate-limited sandbox, on a fake clock.

    python bench/run.py --soak --n 1000        # or: python -m bench.soak --n 1000

Five `BoardService`s (one per person, each with its own `PylonClient`, `RateBudget` and
on-disk `Store`, as on five laptops sharing one Pylon token) work against ONE
`Sandbox(rate_limits=True)`. Nothing sleeps for real: the asyncio loop runs on virtual time
(`VirtualLoop`), and every clock (budgets, sandbox, services, stores, outboxes) reads it.

Each person opens the board at a random minute in the first five (a full load), refreshes
every 30 s, drains the outbox every 2 s while anything is queued (as the app does), and acts
at random times: per hour 40 moves, 30 priority changes, 15 assigns, 20 replies (after
reading the thread), 10 notes and 5 Linear links, each as `begin` + `commit` in its own task,
like the board's write worker. Each person works their own slice of the open tickets.

Afterwards the clocks run on until every outbox is empty (or 30 fake minutes), then the
sandbox (limits off) is checked against every action, server side:
- reply/note: the thread holds exactly one message with the action's client-key marker;
- link: the ticket carries the Linear issue exactly once;
- move/priority/assign: a 2xx PATCH carrying the value reached the server, and the field's
  final value equals the last accepted PATCH of it (a later agent reply may move the state).
`lost` = attempted - confirmed - refused (rolled back and told) - still queued.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import selectors
import sqlite3
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.common import BASE_URL, columns, emit
from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import ApiError
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import Category
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.actions import Action, ActionKind
from pylon_tui.sync.delivery import MARKER
from pylon_tui.sync.outbox import ActionFailed, ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

PEOPLE = 5
HOUR = 3600.0
REFRESH_S = 30.0
DRAIN_S = 2.0  # the app's DRAIN_SECONDS
SETTLE_LIMIT_S = 1800.0
BURST_AT = 1800.0  # fake second of the optional triage burst (--burst)
MIX = {  # actions per person per hour
    ActionKind.MOVE: 40,
    ActionKind.PRIORITY: 30,
    ActionKind.ASSIGN: 15,
    ActionKind.REPLY: 20,
    ActionKind.NOTE: 10,
    ActionKind.LINK: 5,
}
MOVE_STATES = ("new", "waiting_on_you", "waiting_on_customer", "closed")
PRIORITIES = ("urgent", "high", "medium", "low")
ORG_LIMITS = {"patch": 20, "search": 20, "reply": 10, "note": 10, "messages": 20}


# ----- virtual time -----------------------------------------------------------------------
class _VirtualSelector(selectors.DefaultSelector):
    """When the loop would block waiting for a timer, jump the clock to it instead."""

    loop: VirtualLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready: list[tuple[selectors.SelectorKey, int]] = super().select(0)
        loop = self.loop
        if ready or timeout == 0 or loop is None:
            return ready
        if loop.threads_busy() or timeout is None:  # real work in a thread: wait for real
            wait = 0.002 if timeout is None else min(timeout, 0.002)
            result: list[tuple[selectors.SelectorKey, int]] = super().select(wait)
            return result
        loop.advance(timeout)
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        selector = _VirtualSelector()
        self._now = 0.0
        self._busy = 0
        self._busy_lock = threading.Lock()
        super().__init__(selector)
        selector.loop = self

    def time(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    def threads_busy(self) -> bool:
        return self._busy > 0

    def run_in_executor(  # type: ignore[override]
        self, executor: Any, func: Callable[..., Any], *args: Any
    ) -> Any:
        with self._busy_lock:
            self._busy += 1
        future = super().run_in_executor(executor, func, *args)

        def done(_: object) -> None:
            with self._busy_lock:
                self._busy -= 1

        future.add_done_callback(done)
        return future


class FakeClock:
    """Every clock the app reads, as views of the loop's virtual seconds."""

    def __init__(self, loop: VirtualLoop, epoch: datetime) -> None:
        self.loop = loop
        self.epoch = epoch

    def seconds(self) -> float:
        return self.loop.time()

    def wall(self) -> float:  # time.time() stand-in (stores, outboxes)
        return self.epoch.timestamp() + self.loop.time()

    def now(self) -> datetime:
        return self.epoch + timedelta(seconds=self.loop.time())


# ----- the server's side of the wire ------------------------------------------------------
@dataclass
class Hit:
    seq: int
    person: int
    at: float
    method: str
    path: str
    status: int
    body: dict[str, Any] | None


class LoggingTransport(httpx.AsyncBaseTransport):
    """Every request as it reaches the sandbox, in the order the sandbox served them."""

    def __init__(
        self, inner: SandboxTransport, log: list[Hit], person: int, clock: FakeClock
    ) -> None:
        self.inner, self.log, self.person, self.clock = inner, log, person, clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = request.content
        body = json.loads(raw) if raw else None
        hit = Hit(
            len(self.log),
            self.person,
            self.clock.seconds(),
            request.method,
            request.url.path,
            response.status_code,
            body,
        )
        self.log.append(hit)
        return response


def endpoint(hit: Hit) -> str:
    parts = hit.path.strip("/").split("/")
    if parts[0] == "issues" and len(parts) == 2 and parts[1] != "search":
        return f"{hit.method} /issues/{{id}}"
    if parts[0] == "issues" and len(parts) == 3:
        return f"{hit.method} /issues/{{id}}/{parts[2]}"
    return f"{hit.method} /{'/'.join(parts)}"


# ----- the people -------------------------------------------------------------------------
@dataclass
class Record:
    action: Action
    person: int
    begun: float
    outcome: str = "queued"  # confirmed | refused | queued
    confirmed_at: float | None = None


@dataclass
class Person:
    index: int
    service: BoardService
    clock: FakeClock
    rng: random.Random
    linear_ids: list[str]
    records: dict[str, Record]
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    loops: list[asyncio.Task[None]] = field(default_factory=list)  # refresh + drain timers
    conflicts: int = 0
    refresh_errors: int = 0
    refreshes: int = 0

    def mine(self) -> list[Any]:
        board = self.service.board
        return [t for t in board.all() if zlib.crc32(t.id.encode()) % PEOPLE == self.index]

    def confirm(self, key: str) -> None:
        record = self.records[key]
        if record.outcome == "queued":
            record.outcome = "confirmed"
            record.confirmed_at = self.clock.seconds()

    async def act(self, kind: ActionKind) -> None:
        tickets = self.mine()
        if kind is ActionKind.REPLY or kind is ActionKind.NOTE:
            open_states = set(self.service.board.catalog.slugs_in(Category.CLOSED))
            tickets = [t for t in tickets if t.state not in open_states] or tickets
        if not tickets:
            return
        ticket = self.rng.choice(tickets)
        action = await self._build(kind, ticket)
        if action is None:
            return
        self.records[action.client_key] = Record(action, self.index, self.clock.seconds())
        pending = self.service.begin(action)
        task = asyncio.create_task(self._send(pending))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _build(self, kind: ActionKind, ticket: Any) -> Action | None:
        rng, base = self.rng, ticket.updated_at
        if kind is ActionKind.MOVE:
            state = rng.choice([s for s in MOVE_STATES if s != ticket.state])
            return Action(kind, ticket.id, state, base_updated_at=base)
        if kind is ActionKind.PRIORITY:
            current = ticket.priority.value if ticket.priority else None
            return Action(kind, ticket.id, rng.choice([p for p in PRIORITIES if p != current]))
        if kind is ActionKind.ASSIGN:
            users = [u for u in self.service.directory.users if u != ticket.assignee_id]
            return Action(kind, ticket.id, rng.choice(sorted(users)))
        if kind is ActionKind.LINK:
            have = {link.external_id for link in ticket.links}
            choices = [i for i in self.linear_ids if i not in have]
            extra = {"source": "linear"}
            return Action(kind, ticket.id, rng.choice(choices), extra) if choices else None
        body = {"body_html": f"<p>{kind.value} from person {self.index}</p>"}
        if kind is ActionKind.NOTE:
            return Action(kind, ticket.id, None, body)
        try:  # a reply answers a message: the user reads the thread first
            thread = await self.service.messages(ticket.id)
        except ApiError:
            return None
        answered = [m for m in thread if m.is_customer] or thread
        return Action(kind, ticket.id, answered[-1].id, body) if answered else None

    async def _send(self, pending: Any) -> None:
        key = pending.action.client_key
        try:
            await self.service.commit(pending)
        except ActionFailed:
            self.records[key].outcome = "refused"
            return
        except ActionQueued:
            return  # the drain loop delivers it
        if self.records[key].outcome == "queued" and not self._still_queued(key):
            self.confirm(key)

    def _still_queued(self, key: str) -> bool:
        return any(q.action.client_key == key for q in self.service.store.queued())

    async def drain_once(self) -> None:
        if not self.service.pending_count():
            return
        report = await self.service.drain()
        for action in report.sent:
            self.confirm(action.client_key)
        for failure in report.failed:
            self.records[failure.action.client_key].outcome = "refused"
        for conflict in report.conflicts:  # the user keeps their change (the harder case)
            self.conflicts += 1
            self.service.outbox.resolve(conflict, keep_mine=True)

    async def refresh_once(self) -> None:
        self.refreshes += 1
        try:
            await self.service.refresh()
        except ApiError:
            self.refresh_errors += 1


async def _loop_every(period: float, until: Callable[[], bool], body: Callable[[], Any]) -> None:
    while not until():
        await asyncio.sleep(period)
        await body()


@dataclass
class SoakResult:
    hits: list[Hit]
    records: dict[str, Record]
    people: list[Person]
    settle_s: float
    checks: dict[str, Any]
    real_s: float


async def _soak(n: int, tmp: Path, seed: int, burst: int) -> SoakResult:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualLoop)
    clock = FakeClock(loop, datetime.now(UTC).replace(microsecond=0))
    sandbox = Sandbox(tmp / "soak-sandbox.db", now=clock.now, rate_limits=True)
    sandbox.reseed(n)
    linear_ids = _linear_ids(sandbox)
    hits: list[Hit] = []
    records: dict[str, Record] = {}
    rng = random.Random(seed)
    people: list[Person] = []
    for i in range(PEOPLE):
        budget = RateBudget(clock=clock.seconds, sleep=asyncio.sleep)
        transport = LoggingTransport(SandboxTransport(sandbox), hits, i, clock)
        client = PylonClient(BASE_URL, "pylon_soak_token", transport=transport, budget=budget)
        store = Store(tmp / f"person-{i}.sqlite3", clock=clock.wall)
        service = BoardService(client, columns(), now=clock.now, store=store)
        service.outbox._clock = clock.wall  # not injectable via BoardService (see report)
        people.append(Person(i, service, clock, random.Random(rng.random()), linear_ids, records))

    end = HOUR
    done_acting = [False]

    async def person_day(p: Person) -> None:
        start = p.rng.uniform(0, 300)
        await asyncio.sleep(start)
        await p.refresh_once()  # opening the board: a full load
        plan = sorted(
            [(p.rng.uniform(start + 5, end), k) for k, count in MIX.items() for _ in range(count)]
            # a triage burst: everyone bulk-moves `burst` cards in the same half minute
            + [(BURST_AT + p.index * 5 + i * 0.2, ActionKind.MOVE) for i in range(burst)]
        )
        refresher = asyncio.create_task(
            _loop_every(REFRESH_S, lambda: done_acting[0], p.refresh_once)
        )
        drainer = asyncio.create_task(_loop_every(DRAIN_S, lambda: done_acting[0], p.drain_once))
        for at, kind in plan:
            await asyncio.sleep(max(0.0, at - clock.seconds()))
            await p.act(kind)
        await asyncio.sleep(max(0.0, end - clock.seconds()))
        p.loops += [refresher, drainer]

    await asyncio.gather(*(person_day(p) for p in people))
    # The hour is over: keep the apps open (drain loop) until every outbox is empty.
    settle_started = clock.seconds()
    while clock.seconds() - settle_started < SETTLE_LIMIT_S:
        busy = [t for p in people for t in p.tasks]
        if not busy and not any(p.service.pending_count() for p in people):
            break
        await asyncio.sleep(DRAIN_S)
        for p in people:
            await p.drain_once()
    done_acting[0] = True
    for p in people:
        for task in (*p.tasks, *p.loops):
            task.cancel()
    await asyncio.gather(*(t for p in people for t in (*p.tasks, *p.loops)), return_exceptions=True)
    settle_s = clock.seconds() - settle_started
    for p in people:  # anything a commit task left behind on cancellation is still queued
        queued = {q.action.client_key for q in p.service.store.queued()}
        for key, record in records.items():
            if record.person == p.index and record.outcome == "confirmed" and key in queued:
                record.outcome = "queued"
    sandbox.rate_limits = False
    checks = _verify(sandbox, hits, records)
    for p in people:
        api = p.service.client
        assert isinstance(api, PylonClient)
        await api.aclose()
        p.service.store.close()
    sandbox.close()
    return SoakResult(hits, records, people, settle_s, checks, 0.0)


def _linear_ids(sandbox: Sandbox) -> list[str]:
    path = tmp_path_of(sandbox)
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT id FROM linear_issues ORDER BY id")]


def tmp_path_of(sandbox: Sandbox) -> str:
    row = sandbox._conn.execute("PRAGMA database_list").fetchone()  # bench-only peek
    return str(row[2])


def _verify(sandbox: Sandbox, hits: list[Hit], records: dict[str, Record]) -> dict[str, Any]:
    """Check every action against the sandbox itself (limits off, straight to `handle`)."""

    def get(path: str) -> Any:
        status, _, body = sandbox.handle("GET", f"{BASE_URL}{path}", {}, b"")
        if status != 200:
            raise RuntimeError(f"verify GET {path}: {status}")
        return json.loads(body)["data"]

    issues: dict[str, Any] = {}
    threads: dict[str, list[Any]] = {}
    # the last accepted write of each (ticket, field), in the order the sandbox served them
    last: dict[tuple[str, str], Any] = {}
    patches: Counter[tuple[str, str, str]] = Counter()
    for hit in hits:
        if hit.status >= 300 or hit.body is None:
            continue
        parts = hit.path.strip("/").split("/")
        if hit.method == "PATCH":
            tid = parts[1]
            for name, value in _patched_fields(hit.body):
                last[(tid, name)] = value
                patches[(tid, name, str(value))] += 1
        elif hit.method == "POST" and len(parts) == 3 and parts[2] == "reply":
            last[(parts[1], "state_by_reply")] = hit.seq
    lost, duplicates, confirmed_server = [], [], 0
    superseded = 0
    for key, record in records.items():
        action, tid = record.action, record.action.ticket_id
        issue = issues.get(tid) or issues.setdefault(tid, get(f"/issues/{tid}"))
        on_server: bool
        if action.kind in (ActionKind.REPLY, ActionKind.NOTE):
            thread = threads.get(tid) or threads.setdefault(tid, get(f"/issues/{tid}/messages"))
            count = sum(f"{MARKER}{key}" in (m.get("message_html") or "") for m in thread)
            on_server = count >= 1
            if count > 1:
                duplicates.append(key)
        elif action.kind is ActionKind.LINK:
            count = sum(x["external_id"] == action.value for x in issue["external_issues"])
            on_server = count >= 1
            if count > 1:
                duplicates.append(key)
        else:
            name = {"move": "state", "priority": "priority", "assign": "assignee_id"}[action.kind]
            on_server = patches[(tid, name, str(action.value))] >= 1
            final = _field(issue, name)
            if on_server and final != last.get((tid, name)):
                if name == "state" and (tid, "state_by_reply") in last:
                    superseded += 1  # an agent reply moved it on afterwards: Pylon's rule
                else:
                    lost.append(key)  # the server does not hold its last accepted write
        if record.outcome == "confirmed":
            if on_server:
                confirmed_server += 1
            else:
                lost.append(key)
    return {
        "confirmed_on_server": confirmed_server,
        "lost": sorted(set(lost)),
        "duplicates": duplicates,
        "state_superseded_by_reply": superseded,
    }


def _patched_fields(body: dict[str, Any]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if "state" in body:
        out.append(("state", body["state"]))
    if "assignee_id" in body:
        out.append(("assignee_id", body["assignee_id"]))
    for custom in body.get("custom_fields") or []:
        if custom.get("slug") == "priority":
            out.append(("priority", custom.get("value")))
    return out


def _field(issue: dict[str, Any], name: str) -> Any:
    if name == "priority":
        return (issue.get("custom_fields") or {}).get("priority", {}).get("value")
    if name == "assignee_id":
        return (issue.get("assignee") or {}).get("id")
    return issue.get(name)


def run_soak(n: int, seed: int = 7, burst: int = 0) -> SoakResult:
    started = time.perf_counter()
    loop = VirtualLoop()
    try:
        with tempfile.TemporaryDirectory(prefix="pylon-soak-") as tmp:
            result = loop.run_until_complete(_soak(n, Path(tmp), seed, burst))
    finally:
        loop.close()
    result.real_s = time.perf_counter() - started
    return result


def report(n: int, result: SoakResult, prefix: str = "soak") -> None:
    hits, records = result.hits, result.records
    per_endpoint = Counter(endpoint(h) for h in hits)
    too_many = [h for h in hits if h.status == 429]
    emit(
        f"{prefix}_requests_total",
        n,
        len(hits),
        "requests",
        None,
        info={
            "people": PEOPLE,
            "fake_hours": 1,
            "real_s": round(result.real_s, 1),
            "per_endpoint": dict(sorted(per_endpoint.items())),
        },
    )
    emit(
        f"{prefix}_429_count",
        n,
        len(too_many),
        "responses",
        0,
        equal=True,
        info={"per_endpoint": dict(Counter(endpoint(h) for h in too_many))},
    )
    peak = _peak_per_minute(hits)
    emit(
        f"{prefix}_org_peak_per_minute",
        n,
        max((v for k, v in peak.items() if k in ORG_LIMITS), default=0),
        "requests/min",
        None,
        info={
            "peaks": peak,
            "org_limits": ORG_LIMITS,
            "note": "busiest sliding minute per sandbox limiter key, all 5 people together",
        },
    )
    attempted = Counter(r.action.kind.value for r in records.values())
    confirmed = Counter(r.action.kind.value for r in records.values() if r.outcome == "confirmed")
    refused = sum(r.outcome == "refused" for r in records.values())
    queued = sum(r.outcome == "queued" for r in records.values())
    checks = result.checks
    emit(
        f"{prefix}_actions_confirmed",
        n,
        sum(confirmed.values()),
        "actions",
        None,
        info={
            "attempted": sum(attempted.values()),
            "attempted_by_kind": dict(attempted),
            "confirmed_by_kind": dict(confirmed),
            "confirmed_on_server": checks["confirmed_on_server"],
            "refused": refused,
            "still_queued": queued,
            "conflicts_kept_mine": sum(p.conflicts for p in result.people),
            "state_superseded_by_reply": checks["state_superseded_by_reply"],
            "settle_s": round(result.settle_s, 1),
        },
    )
    lost = len(checks["lost"]) + max(0, queued)
    emit(
        f"{prefix}_actions_lost",
        n,
        lost,
        "actions",
        0,
        equal=True,
        info={"keys": checks["lost"][:10]},
    )
    emit(
        f"{prefix}_duplicates",
        n,
        len(checks["duplicates"]),
        "actions",
        0,
        equal=True,
        info={"keys": checks["duplicates"][:10]},
    )
    waits = [r.confirmed_at - r.begun for r in records.values() if r.confirmed_at is not None]
    waits.sort()
    emit(
        f"{prefix}_max_queue_wait_s",
        n,
        max(waits, default=0.0),
        "s",
        None,
        info={
            "p50_s": round(waits[len(waits) // 2], 2) if waits else None,
            "p95_s": round(waits[int(len(waits) * 0.95)], 2) if waits else None,
            "note": "fake seconds from begin (on disk, on the board) to confirmed by the server",
        },
    )
    emit(
        f"{prefix}_refresh_errors",
        n,
        sum(p.refresh_errors for p in result.people),
        "refreshes",
        None,
        info={"refreshes": sum(p.refreshes for p in result.people)},
    )


def _peak_per_minute(hits: list[Hit]) -> dict[str, int]:
    keys = {
        "PATCH /issues/{id}": "patch",
        "POST /issues/search": "search",
        "POST /issues/{id}/reply": "reply",
        "POST /issues/{id}/note": "note",
        "GET /issues/{id}/messages": "messages",
        "GET /issues/{id}": "get",
        "POST /issues/{id}/external-issues": "external-issues",
        "GET /issue-statuses": "issue-statuses",
    }
    times: dict[str, list[float]] = {}
    for hit in hits:
        key = keys.get(endpoint(hit))
        if key is not None and hit.status != 429:
            times.setdefault(key, []).append(hit.at)
    peaks: dict[str, int] = {}
    for key, stamps in times.items():
        best, left = 0, 0
        for right, stamp in enumerate(stamps):
            while stamp - stamps[left] >= 60.0:
                left += 1
            best = max(best, right - left + 1)
        peaks[key] = best
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description="pylon-tui soak (fake hour, 5 people)")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--burst", type=int, default=0, help="bulk moves per person at 30 min")
    args = parser.parse_args()
    prefix = f"soak_burst{args.burst}" if args.burst else "soak"
    report(args.n, run_soak(args.n, args.seed, args.burst), prefix)


if __name__ == "__main__":
    main()
