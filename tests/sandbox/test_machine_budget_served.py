"""Fault test over real sockets for issue 9 item 3: two clients on one machine (each with its
own MachineBudget over one file, as two pylon-tui processes would be) burst against the
sandbox served on 127.0.0.1 with its per-organization rate limits on, and earn no 429.

Time is virtual so a two-minute burst takes a second: every clock (budgets and sandbox) reads
one VirtualClock, which moves only when every task is asleep on it. A task waiting for a
socket is awake, so time never jumps under a request in flight.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.machine_budget import MachineBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.sandbox import Sandbox
from tests.served import Served

STATUS_CALLS = 20  # per client: 40 against the org's 30 a minute
PATCHES = 70  # per client: 140 against the org's 120 a minute


class VirtualClock:
    """Seconds that pass only when every task it runs is asleep: then the earliest
    sleeper wakes and the clock jumps to its time (a discrete-event simulation)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.t = start
        self._active = 0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    def __call__(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        self._active += 1

        async def run() -> None:
            try:
                await coro
            finally:
                self._active -= 1
                self._wake_if_idle()

        return asyncio.create_task(run())

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(0.0, seconds), self._seq, future))
        self._seq += 1
        self._active -= 1
        self._wake_if_idle()
        await future

    def _wake_if_idle(self) -> None:
        if self._active == 0 and self._sleepers:
            wake, _, future = heapq.heappop(self._sleepers)
            self.t = max(self.t, wake)
            self._active += 1
            future.set_result(None)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def served(tmp_path: Path, clock: VirtualClock) -> Iterator[Served]:
    sandbox = Sandbox(tmp_path / "pylon.sqlite3", now=clock.now, rate_limits=True)
    sandbox.ensure_seeded(40)
    server = Served(sandbox)
    server.start()
    yield server
    server.stop()
    sandbox.close()


async def _statuses(client: PylonClient) -> None:
    for _ in range(STATUS_CALLS):
        await client.issue_statuses()


async def _patches(client: PylonClient, ticket_ids: list[str]) -> None:
    for i in range(PATCHES):
        state = ("waiting_on_you", "new")[i % 2]
        await client.update_state(ticket_ids[i % len(ticket_ids)], state)


async def _two_clients_burst(served: Served, clock: VirtualClock, budgets: list[RateBudget]):
    served.sandbox.rate_limits = False
    ticket_ids = [row[0] for row in served.sandbox._conn.execute("SELECT id FROM issues")]
    served.sandbox.rate_limits = True
    clients = [PylonClient(served.url, None, budget=b, timeout=10.0) for b in budgets]
    started = clock.t
    # Every concurrent task runs under the clock, so time moves only when all of them sleep.
    runs: list[Awaitable[None]] = []
    for i, client in enumerate(clients):
        runs += [clock.spawn(_statuses(client)), clock.spawn(_patches(client, ticket_ids[i::2]))]
    await asyncio.gather(*runs)
    for client in clients:
        await client.aclose()
    log = list(served.sandbox.request_log)
    return log, clock.t - started


async def test_two_clients_sharing_the_machine_budget_earn_no_429(
    served: Served, clock: VirtualClock, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "rate-budget-127.0.0.1.sqlite3"
    budgets = [MachineBudget(path, clock=clock, sleep=clock.sleep) for _ in range(2)]
    log, took = await _two_clients_burst(served, clock, list(budgets))
    assert all(b.machine_wide for b in budgets)
    statuses = [entry for entry in log if entry[2] == "/issue-statuses"]
    patches = [entry for entry in log if entry[1] == "PATCH"]
    assert len(statuses) == 2 * STATUS_CALLS
    assert len(patches) == 2 * PATCHES
    assert [entry for entry in log if entry[3] == 429] == []
    assert all(entry[3] == 200 for entry in log)
    # 40 status reads at 27 a minute take a second window: the budget waited, not Pylon
    assert 60.0 <= took < 180.0
    for budget in budgets:
        budget.close()


async def test_the_same_burst_counted_per_process_earns_429s(
    served: Served, clock: VirtualClock
) -> None:
    """The control: each process counting only itself offers the org twice its limit."""
    budgets = [RateBudget(clock=clock, sleep=clock.sleep) for _ in range(2)]
    log, _ = await _two_clients_burst(served, clock, budgets)
    refused = [entry for entry in log if entry[3] == 429]
    assert refused
    assert {"GET", "PATCH"} == {entry[1] for entry in refused}  # both endpoints overran
