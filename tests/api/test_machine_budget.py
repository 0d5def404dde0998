"""MachineBudget: every pylon-tui process on a machine spends one budget kept in a file.

Pylon limits each endpoint per organization, so processes that each counted only themselves
would together offer N times the limit. These tests hold several budgets over one file (as
several processes would) and check the union of what they let through.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.machine_budget import LOCK_TIMEOUT, STALE_PAUSE, MachineBudget
from pylon_tui.api.waits import MAX_WAIT

from .support import FakeClock

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10


def machine(path: Path, clock: FakeClock, limit: int = LIMIT) -> MachineBudget:
    return MachineBudget(path, {"x": limit}, headroom=0, clock=clock, sleep=clock.sleep)


def busiest_window(stamps: list[float], window: float = 60.0) -> int:
    """The most stamps inside any half-open window of `window` seconds."""
    stamps = sorted(stamps)
    best, left = 0, 0
    for right, stamp in enumerate(stamps):
        while stamp - stamps[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


def rows_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM sent").fetchone()[0])


async def _interleave(
    budgets: list[RateBudget], steps: list[tuple[int, float]], clock: FakeClock
) -> list[float]:
    """Each step: time passes, then one budget takes a slot; returns the slots' stamps."""
    stamps: list[float] = []
    for which, pause in steps:
        clock.now += pause
        budget = budgets[which]
        await budget.acquire("x")
        stamp = budget.last_stamp if isinstance(budget, MachineBudget) else clock.now
        assert stamp is not None
        stamps.append(stamp)
    return stamps


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from([0.0, 0.0, 0.5, 3.0, 17.0, 61.0])),
        min_size=1,
        max_size=60,
    )
)
def test_budgets_over_one_file_never_exceed_the_limit_together(
    steps: list[tuple[int, float]],
) -> None:
    """Three budgets (three processes) take turns in any order and rhythm: no minute ever
    holds more than the limit, and none of them is refused a slot for long."""
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        budgets = [machine(Path(tmp) / "budget.sqlite3", clock) for _ in range(3)]
        stamps = asyncio.run(_interleave(list(budgets), steps, clock))
        assert all(b.machine_wide and b.note is None for b in budgets)
        for b in budgets:
            b.close()
    assert len(stamps) == len(steps)
    assert busiest_window(stamps) <= LIMIT
    assert max(clock.sleeps, default=0.0) <= 60.0


def test_budgets_each_counting_alone_would_overrun(tmp_path: Path) -> None:
    """The control: the same burst through in-process budgets offers twice the limit."""
    clock = FakeClock()
    alone: list[RateBudget] = [
        RateBudget({"x": LIMIT}, headroom=0, clock=clock, sleep=clock.sleep) for _ in range(2)
    ]
    steps = [(i % 2, 0.0) for i in range(2 * LIMIT)]
    assert busiest_window(asyncio.run(_interleave(alone, steps, clock))) == 2 * LIMIT
    shared = [machine(tmp_path / "budget.sqlite3", clock) for _ in range(2)]
    assert busiest_window(asyncio.run(_interleave(list(shared), steps, clock))) == LIMIT


async def test_a_429_in_one_process_holds_every_process_off(tmp_path: Path) -> None:
    clock = FakeClock()
    first, second = (machine(tmp_path / "budget.sqlite3", clock) for _ in range(2))
    first.penalise("x", 12.0)
    assert second.delay("x") == pytest.approx(12.0)
    assert await second.acquire("x") == pytest.approx(12.0)
    second.penalise("x", 1e9)  # an absurd wait is capped (10 minutes), never forever
    assert first.delay("x") == pytest.approx(MAX_WAIT)


async def test_the_file_is_private_and_the_window_forgets(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "state" / "budget.sqlite3"
    budget = machine(path, clock, limit=2)
    await budget.acquire("x")
    await budget.acquire("x")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert budget.used("x") == 2
    assert budget.delay("x") == pytest.approx(60.0)
    clock.now += 60.0
    assert budget.used("x") == 0
    assert budget.delay("x") == 0.0


async def test_stamps_from_a_clock_set_back_do_not_park_the_endpoint(tmp_path: Path) -> None:
    clock = FakeClock(start=100_000.0)
    budget = machine(tmp_path / "budget.sqlite3", clock, limit=1)
    await budget.acquire("x")
    clock.now -= 3600.0  # the wall clock jumped back an hour
    assert await budget.acquire("x") == 0.0


async def test_a_hung_lock_is_stale_the_process_counts_alone_then_returns(
    tmp_path: Path,
) -> None:
    """A process stopped while holding the lock: after LOCK_TIMEOUT the others stop waiting
    for it and count in-process, then use the file again once the lock is gone."""
    clock = FakeClock()
    path = tmp_path / "budget.sqlite3"
    budget = machine(path, clock)
    assert budget.open() is None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # and never commits
    waited = await budget.acquire("x")
    assert LOCK_TIMEOUT <= waited < LOCK_TIMEOUT + 0.1
    assert rows_in(path) == 0  # that slot was counted in this process only
    assert await budget.acquire("x") == 0.0  # no new wait on the same stale lock
    holder.execute("ROLLBACK")
    holder.close()
    clock.now += STALE_PAUSE
    assert await budget.acquire("x") == 0.0
    assert rows_in(path) == 1
    assert budget.machine_wide


async def test_a_process_killed_mid_claim_leaves_no_lock_and_no_count(tmp_path: Path) -> None:
    path = tmp_path / "budget.sqlite3"
    clock = FakeClock()
    budget = machine(path, clock)
    budget.open()
    dies = textwrap.dedent(
        """
        import os, sqlite3, sys
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO sent VALUES ('x', ?)", [(float(sys.argv[2]),)] * 500)
        os._exit(0)  # killed before COMMIT, lock held
        """
    )
    command = [sys.executable, "-c", dies, str(path), str(clock.now)]
    await asyncio.to_thread(subprocess.run, command, check=True, timeout=30)
    assert await budget.acquire("x") == 0.0  # the dead process's lock went with it
    assert budget.used("x") == 1  # and its half-written claim was rolled back
    assert budget.machine_wide


@pytest.mark.parametrize("where", ["parent is a file", "under /proc", "a directory"])
async def test_an_unusable_file_falls_back_to_counting_in_process(
    tmp_path: Path, where: str
) -> None:
    clock = FakeClock()
    if where == "parent is a file":
        (tmp_path / "state").write_text("not a directory")
        path = tmp_path / "state" / "budget.sqlite3"
    elif where == "under /proc":
        path = Path("/proc/pylon-tui-cannot-write-here/budget.sqlite3")
    else:
        path = tmp_path / "budget.sqlite3"
        path.mkdir()
    budget = machine(path, clock, limit=3)
    note = budget.open()
    assert note is not None
    assert "counts only its own requests" in note
    assert str(path) in note
    assert not budget.machine_wide
    for _ in range(3):
        assert await budget.acquire("x") == 0.0
    assert await budget.acquire("x") == pytest.approx(60.0)  # still a budget, in-process


async def test_a_file_failing_later_falls_back_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    budget = machine(tmp_path / "budget.sqlite3", clock, limit=2)
    await budget.acquire("x")

    def broken(*_: object) -> float:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(budget, "_claim", broken)
    assert await budget.acquire("x") == 0.0
    assert budget.note is not None
    assert "disk I/O error" in budget.note
    assert not budget.machine_wide
    assert await budget.acquire("x") == 0.0  # this process's own count starts afresh
    assert await budget.acquire("x") == pytest.approx(60.0)


async def test_a_damaged_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "budget.sqlite3"
    path.write_bytes(b"this is not a database" * 300)
    budget = machine(path, FakeClock())
    assert budget.open() is None
    await budget.acquire("x")
    assert rows_in(path) == 1


_WORKER = """
import asyncio, json, sys
from pathlib import Path
from pylon_tui.api.machine_budget import MachineBudget

async def main():
    budget = MachineBudget(Path(sys.argv[1]), {"x": 4}, headroom=0, window=0.5)
    stamps = []
    for _ in range(8):
        await budget.acquire("x")
        stamps.append(budget.last_stamp)
    print(json.dumps({"stamps": stamps, "note": budget.note}))

asyncio.run(main())
"""


def test_real_processes_sharing_the_file_stay_under_the_limit(tmp_path: Path) -> None:
    """Three OS processes, wall clock, real locks: 24 slots at 4 per half second."""
    path = tmp_path / "budget.sqlite3"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [json.loads(w.communicate(timeout=60)[0]) for w in workers]
    assert [r["note"] for r in results] == [None, None, None]
    stamps = [s for r in results for s in r["stamps"]]
    assert len(stamps) == 24
    assert busiest_window(stamps, window=0.5) <= 4
    assert max(stamps) - min(stamps) >= 2.5  # 24 slots at 4 per window need 5 more windows


def test_a_budget_opened_on_one_thread_works_on_another(tmp_path: Path) -> None:
    """The board builds its client before its event loop runs; the loop may be elsewhere."""
    clock = FakeClock()
    budget = machine(tmp_path / "budget.sqlite3", clock)
    assert budget.open() is None
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, budget.acquire("x")).result()
    assert budget.machine_wide
    assert rows_in(tmp_path / "budget.sqlite3") == 1
