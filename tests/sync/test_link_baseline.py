"""Issue 10 item 13: the first start shows nothing from seed data before the user does anything.

The sandbox seeds #47 On Hold with ENG-13 already Done. The watcher's first poll on a cache used
to move it back to On You, post "ENG-13 (Done) closed, so pylon-tui moved this ticket" on it and
toast it, within seconds of a first start. The first poll now takes a baseline: what is closed
then closed before pylon-tui was watching. Closes it sees happen (while running, or between two
runs on the same cache) still return their tickets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, Ticket
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.linkwatch import BASELINE_KEY, LinkWatcher
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sandbox.sqlite3")
    sb.ensure_seeded()
    return sb


class Session:
    """One run of pylon-tui over a cache file: its service and its watcher."""

    def __init__(self, sandbox: Sandbox, store: Store) -> None:
        transport = SandboxTransport(sandbox)
        self.pylon = PylonClient("https://api.usepylon.com", None, transport=transport)
        self.linear = LinearClient(None, transport=transport)
        self.github = GitHubClient(None, transport=transport)
        self.service = BoardService(self.pylon, DEFAULT_COLUMNS, store=store)
        self.watcher = LinkWatcher(self.service, self.linear, self.github)

    async def __aenter__(self) -> Session:
        await self.service.load()
        return self

    async def __aexit__(self, *_: object) -> None:
        for client in (self.pylon, self.linear, self.github):
            await client.aclose()

    def by_number(self, number: int) -> Ticket:
        ticket = next(t for t in self.service.board.all() if t.number == number)
        return ticket


async def notes_on(session: Session, ticket: Ticket) -> list[str]:
    return [m.html for m in await session.service.messages(ticket.id) if m.is_private]


async def test_first_poll_moves_nothing_posts_nothing_and_reports_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    store = Store(tmp_path / "cache.sqlite3")
    async with Session(sandbox, store) as run:
        seeded = run.by_number(47)
        assert seeded.state == "on_hold"
        notes_before = await notes_on(run, seeded)

        assert await run.watcher.poll() == []

        assert run.service.board.get(seeded.id).state == "on_hold"  # type: ignore[union-attr]
        assert (await run.service.ticket(seeded.id)).state == "on_hold", "nothing was sent"
        assert await notes_on(run, seeded) == notes_before, "no note on the customer's ticket"
        assert run.service.pending_count() == 0
        assert seeded.id in run.watcher.closed_when_linked.read()
        assert store.get_meta(BASELINE_KEY) is not None
        # The next poll is not a baseline, and the seed's old close still does not count.
        assert await run.watcher.poll() == []


async def test_a_close_seen_after_the_baseline_returns_its_ticket(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with Session(sandbox, Store(tmp_path / "cache.sqlite3")) as run:
        await run.watcher.poll()
        sandbox.close_linear_issue("ENG-12")
        returned = await run.watcher.poll()
        assert [r.ticket.number for r in returned] == [23]
        assert [i.identifier for i in returned[0].closed] == ["ENG-12"]
        assert run.service.board.get(returned[0].ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]


async def test_a_close_between_two_runs_returns_the_ticket_at_the_next_start(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The baseline is kept in the cache: the second run does not take a new one, so an issue
    that closed while pylon-tui was not running still brings its ticket back."""
    path = tmp_path / "cache.sqlite3"
    first = Store(path)
    async with Session(sandbox, first) as run:
        await run.watcher.poll()
    first.close()

    sandbox.close_linear_issue("ENG-12")

    second = Store(path)
    async with Session(sandbox, second) as run:
        returned = await run.watcher.poll()
        assert [r.ticket.number for r in returned] == [23]
        assert run.by_number(47).state == "on_hold", "the seed's old close still does not count"
    second.close()


async def test_a_new_cache_takes_its_own_baseline(sandbox: Sandbox, tmp_path: Path) -> None:
    """Another workspace's cache (or a cache moved aside) starts with a baseline of its own:
    nothing closed before it existed is announced."""
    async with Session(sandbox, Store(tmp_path / "one.sqlite3")) as run:
        await run.watcher.poll()
    sandbox.close_linear_issue("ENG-12")
    async with Session(sandbox, Store(tmp_path / "two.sqlite3")) as run:
        assert await run.watcher.poll() == []
        assert run.by_number(23).state == "on_hold"
