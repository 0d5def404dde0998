"""Soak: an hour of a 5-person team against the rate-limited sandbox, on a fake clock.

    python bench/run.py --soak --n 1000        # or: python -m bench.soak --n 1000
    python -m bench.soak --n 1000 --budget machine --burst 40   # one machine, bursting at once

Five `BoardService`s (one per person, each with its own `PylonClient`, `RateBudget` and
on-disk `Store`, as on five laptops in one Pylon organization, each configured with
`rate_share = 0.2` as the README advises) work against ONE
`Sandbox(rate_limits=True)`, whose limits are per organization. `--budget machine` puts the
five on ONE machine instead (five terminals, a script): each has its own `MachineBudget`
over one file with `rate_share = 1`, and the burst hits at the same moment for everyone;
`--budget alone` is its control, the same with each process counting only itself.
Nothing sleeps for real: the asyncio loop runs on virtual time
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
import random
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASE_URL, columns
from bench.soak_model import PEOPLE, Hit, LoggingTransport, Record, SoakResult
from bench.soak_report import _verify, report
from bench.virtual_time import FakeClock, VirtualLoop
from pylon_tui.api.budget import RateBudget, shared_limits
from pylon_tui.api.errors import ApiError
from pylon_tui.api.machine_budget import MachineBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import Category, Priority
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.intents import ActionKind, Assign, Intent, Link, Move, Note, Reply, SetPriority
from pylon_tui.sync.outbox import ActionFailed, ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

__all__ = ["Person", "SoakResult", "main", "report", "run_soak"]

HOUR = 3600.0
REFRESH_S = 30.0
DRAIN_S = 2.0  # the app's DRAIN_SECONDS
SETTLE_LIMIT_S = 1800.0
BURST_AT = 1800.0  # fake second of the optional triage burst (--burst)
BUDGETS = ("share", "machine", "alone")  # --budget: rate_share 1/5 each, one machine file, neither
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
        build, on_open_tickets = BUILDERS[kind]
        tickets = self.mine()
        if on_open_tickets:
            closed = set(self.service.board.catalog.slugs_in(Category.CLOSED))
            tickets = [t for t in tickets if t.state not in closed] or tickets
        if not tickets:
            return
        ticket = self.rng.choice(tickets)
        action = await build(self, ticket)
        if action is None:
            return
        self.records[action.client_key] = Record(action, self.index, self.clock.seconds())
        pending = self.service.begin(action)
        task = asyncio.create_task(self._send(pending))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _move(self, ticket: Any) -> Intent | None:
        state = self.rng.choice([s for s in MOVE_STATES if s != ticket.state])
        return Move(ticket.id, state, base_updated_at=ticket.updated_at)

    async def _priority(self, ticket: Any) -> Intent | None:
        current = ticket.priority.value if ticket.priority else None
        wanted = self.rng.choice([p for p in PRIORITIES if p != current])
        return SetPriority(ticket.id, Priority(wanted))

    async def _assign(self, ticket: Any) -> Intent | None:
        users = [u for u in self.service.directory.users if u != ticket.assignee_id]
        return Assign(ticket.id, self.rng.choice(sorted(users)))

    async def _link(self, ticket: Any) -> Intent | None:
        have = {link.external_id for link in ticket.links}
        choices = [i for i in self.linear_ids if i not in have]
        return Link(ticket.id, self.rng.choice(choices), source="linear") if choices else None

    async def _note(self, ticket: Any) -> Intent | None:
        return Note(ticket.id, f"<p>note from person {self.index}</p>")

    async def _reply(self, ticket: Any) -> Intent | None:
        try:  # a reply answers a message: the user reads the thread first
            thread = await self.service.messages(ticket.id)
        except ApiError:
            return None
        answered = [m for m in thread if m.is_customer] or thread
        body = f"<p>reply from person {self.index}</p>"
        return Reply(ticket.id, answered[-1].id, body) if answered else None

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


Builder = Callable[[Person, Any], Awaitable[Intent | None]]
BUILDERS: dict[ActionKind, tuple[Builder, bool]] = {  # (build, messages go to open tickets)
    ActionKind.MOVE: (Person._move, False),
    ActionKind.PRIORITY: (Person._priority, False),
    ActionKind.ASSIGN: (Person._assign, False),
    ActionKind.LINK: (Person._link, False),
    ActionKind.REPLY: (Person._reply, True),
    ActionKind.NOTE: (Person._note, True),
}


async def _loop_every(period: float, until: Callable[[], bool], body: Callable[[], Any]) -> None:
    while not until():
        await asyncio.sleep(period)
        await body()


def _budget(mode: str, tmp: Path, clock: FakeClock) -> RateBudget:
    """One person's budget: laptops with rate_share = 1/5 each; or one machine whose
    processes share one file (rate_share = 1); or, as the control, each counting alone."""
    if mode == "machine":
        path = tmp / "state" / "rate-budget.sqlite3"
        return MachineBudget(path, shared_limits(1.0), clock=clock.seconds, sleep=asyncio.sleep)
    share = 1 / PEOPLE if mode == "share" else 1.0
    return RateBudget.shared(share, clock=clock.seconds, sleep=asyncio.sleep)


async def _soak(n: int, tmp: Path, seed: int, burst: int, mode: str = "share") -> SoakResult:
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
        budget = _budget(mode, tmp, clock)
        transport = LoggingTransport(SandboxTransport(sandbox), hits, i, clock)
        client = PylonClient(BASE_URL, "pylon_soak_token", transport=transport, budget=budget)
        store = Store(tmp / f"person-{i}.sqlite3", clock=clock.wall)
        service = BoardService(client, columns(), now=clock.now, store=store, clock=clock.wall)
        people.append(Person(i, service, clock, random.Random(rng.random()), linear_ids, records))

    end = HOUR
    done_acting = [False]
    stagger = 5.0 if mode == "share" else 0.0

    async def person_day(p: Person) -> None:
        start = p.rng.uniform(0, 300)
        await asyncio.sleep(start)
        await p.refresh_once()  # opening the board: a full load
        plan = sorted(
            [(p.rng.uniform(start + 5, end), k) for k, count in MIX.items() for _ in range(count)]
            # a triage burst: everyone bulk-moves `burst` cards in the same half minute (on one
            # machine, at the same moment: the worst case for a shared budget)
            + [(BURST_AT + stagger * p.index + i * 0.2, ActionKind.MOVE) for i in range(burst)]
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
        if isinstance(api.budget, MachineBudget):
            assert api.budget.machine_wide, api.budget.note  # never measured a fallback
            api.budget.close()
        p.service.store.close()
    sandbox.close()
    return SoakResult(hits, records, people, settle_s, checks, 0.0, budget=mode)


def _linear_ids(sandbox: Sandbox) -> list[str]:
    path = tmp_path_of(sandbox)
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT id FROM linear_issues ORDER BY id")]


def tmp_path_of(sandbox: Sandbox) -> str:
    row = sandbox._conn.execute("PRAGMA database_list").fetchone()  # bench-only peek
    return str(row[2])


def run_soak(n: int, seed: int = 7, burst: int = 0, budget: str = "share") -> SoakResult:
    if budget not in BUDGETS:
        raise ValueError(f"budget must be one of {BUDGETS}")
    started = time.perf_counter()
    loop = VirtualLoop()
    try:
        with tempfile.TemporaryDirectory(prefix="pylon-soak-") as tmp:
            result = loop.run_until_complete(_soak(n, Path(tmp), seed, burst, budget))
    finally:
        loop.close()
    result.real_s = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="pylon-tui soak (fake hour, 5 people)")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--burst", type=int, default=0, help="bulk moves per person at 30 min")
    parser.add_argument(
        "--budget",
        choices=BUDGETS,
        default="share",
        help="five laptops at rate_share 0.2 (share), one machine sharing a file (machine), "
        "or one machine counting per process (alone, the control)",
    )
    args = parser.parse_args()
    prefix = "soak" if args.budget == "share" else f"soak_{args.budget}"
    prefix += f"_burst{args.burst}" if args.burst else ""
    result = run_soak(args.n, args.seed, args.burst, args.budget)
    report(args.n, result, prefix)


if __name__ == "__main__":
    main()
