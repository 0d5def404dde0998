"""Issue 10 item 3: an issue that was already closed when it was linked never auto-returns
its ticket (no bounce back to On You, no false "ENG-13 closed" note), across a restart; a
close seen after the link still does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, LinkedIssue, Ticket
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync import ClosedWhenLinked, Link, LinkWatcher, Move
from pylon_tui.sync.closed_links import META_KEY
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sandbox.sqlite3")
    sb.ensure_seeded()
    return sb


@dataclass
class Session:
    """One run of pylon-tui: its cache, board and watcher."""

    service: BoardService
    watcher: LinkWatcher
    linear: LinearClient

    async def put_on_hold(self, ticket: Ticket, identifier: str, *, record: bool) -> LinkedIssue:
        """What the hold dialog does on confirm: the link, then the move."""
        issue = await self.linear.issue(identifier)
        assert issue is not None
        if record and issue.is_closed:
            ClosedWhenLinked(self.service.store).add(ticket.id, issue.external_id)
        await self.service.run(Link.to_issue(ticket, issue))
        await self.service.run(Move(ticket.id, "on_hold"))
        return issue

    async def notes_on(self, ticket: Ticket) -> list[str]:
        return [m.html for m in await self.service.messages(ticket.id) if m.is_private]


@asynccontextmanager
async def session(sandbox: Sandbox, cache: Path) -> AsyncIterator[Session]:
    transport = SandboxTransport(sandbox)
    pylon = PylonClient("https://api.usepylon.com", None, transport=transport)
    linear = LinearClient(None, transport=transport)
    github = GitHubClient(None, transport=transport)
    store = Store.open(cache).store
    service = BoardService(pylon, DEFAULT_COLUMNS, store=store)
    try:
        service.paint_from_cache()
        await service.load()
        yield Session(service, LinkWatcher(service, linear, github), linear)
    finally:
        for client in (pylon, linear, github):
            await client.aclose()
        store.close()


def unlinked_on_you(service: BoardService) -> Ticket:
    return next(
        t
        for t in sorted(service.board.all(), key=lambda t: t.number)
        if t.state == "waiting_on_you" and not t.has_tracking_link()
    )


async def settled(watcher: LinkWatcher) -> None:
    """The first poll takes the baseline (the seed's Done issues stay as they are), so a poll
    after that reports only what the test did."""
    await watcher.poll()
    await watcher.service.refresh()


async def test_a_closed_issue_linked_on_purpose_never_bounces_back(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    cache = tmp_path / "cache.sqlite3"
    async with session(sandbox, cache) as run:
        await settled(run.watcher)
        ticket = unlinked_on_you(run.service)
        notes_before = await run.notes_on(ticket)
        await run.put_on_hold(ticket, "ENG-13", record=True)  # Done in the seed

        assert await run.watcher.poll() == []
        await run.service.refresh()
        assert await run.watcher.poll() == []
        assert run.service.board.get(ticket.id).state == "on_hold"  # type: ignore[union-attr]

    # A restart reads the record from the cache: still no bounce, no note.
    async with session(sandbox, cache) as again:
        assert again.service.store.get_meta(META_KEY), "the record is in the cache file"
        assert [r.ticket.id for r in await again.watcher.poll()] == []
        assert (await again.service.ticket(ticket.id)).state == "on_hold"
        assert await again.notes_on(ticket) == notes_before, "no false 'closed' note posted"


async def test_without_the_record_the_same_link_bounces_back(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The control: this is what the record prevents (the bug as users met it)."""
    async with session(sandbox, tmp_path / "cache.sqlite3") as run:
        await settled(run.watcher)
        ticket = unlinked_on_you(run.service)
        await run.put_on_hold(ticket, "ENG-13", record=False)
        returned = await run.watcher.poll()
        assert [r.ticket.id for r in returned] == [ticket.id]


async def test_reopened_then_closed_again_is_a_real_close(sandbox: Sandbox, tmp_path: Path) -> None:
    async with session(sandbox, tmp_path / "cache.sqlite3") as run:
        await settled(run.watcher)
        ticket = unlinked_on_you(run.service)
        issue = await run.put_on_hold(ticket, "ENG-13", record=True)
        assert await run.watcher.poll() == []

        sandbox.close_linear_issue("ENG-13", "started")  # engineering reopens it
        assert await run.watcher.poll() == []
        assert ClosedWhenLinked(run.service.store).of(ticket.id) == frozenset(), (
            "seen open: a later close is a real one"
        )
        sandbox.close_linear_issue("ENG-13")
        returned = await run.watcher.poll()
        # The seed's #47, On Hold on ENG-13 since before the first poll, saw it reopen too.
        returned = [r for r in returned if r.ticket.number != 47]
        assert [r.ticket.id for r in returned] == [ticket.id]
        assert issue.identifier in returned[0].names
        assert run.service.board.get(ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]


async def test_a_second_link_that_closes_later_returns_the_ticket_and_is_the_one_named(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    async with session(sandbox, tmp_path / "cache.sqlite3") as run:
        await settled(run.watcher)
        ticket = unlinked_on_you(run.service)
        await run.put_on_hold(ticket, "ENG-13", record=True)
        current = run.service.board.get(ticket.id)
        assert current is not None
        open_issue = await run.linear.issue("ENG-2")  # In Progress
        assert open_issue is not None
        assert not open_issue.is_closed
        await run.service.run(Link.to_issue(current, open_issue))
        assert await run.watcher.poll() == []

        sandbox.close_linear_issue("ENG-2")  # other seeded tickets wait on it too
        [item] = [r for r in await run.watcher.poll() if r.ticket.id == ticket.id]
        assert item.names == "ENG-2 (Done) closed", "only what closed since the link is named"
        note = item.note_html()
        assert "ENG-2" in note
        assert "ENG-13" not in note


def test_a_damaged_record_reads_as_empty_and_is_rewritten(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.sqlite3").store
    try:
        record = ClosedWhenLinked(store)
        for junk in ("not json", "[1, 2]", '{"t1": "ENG-1"}', "{" * 5000):
            store.set_meta(**{META_KEY: junk})
            assert record.of("t1") == frozenset()
        assert record.add("t1", "uuid-1")
        assert record.add("t1", "uuid-2")
        assert record.of("t1") == {"uuid-1", "uuid-2"}
        record.forget([("t1", "uuid-1"), ("t9", "nope")])
        assert record.read() == {"t1": frozenset({"uuid-2"})}
        record.forget([("t1", "uuid-2")])
        assert record.read() == {}
    finally:
        store.close()
