"""Fix-ready replies and the endings told apart (issue 15 items 2, 3), against the sandbox:
a done issue drafts a reply naming the fix and its release; canceled and won't fix return
with their own note and template; a duplicate hands its tickets to the canonical issue and
they stay On Hold; a deleted issue is flagged with no draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylon_tui.domain import Category, Ticket
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.linkwatch import LinkWatcher
from pylon_tui.sync.service import BoardService
from tests.sync.test_linkwatch import make


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sandbox.sqlite3")
    sb.ensure_seeded()
    return sb


def on_hold_on(service: BoardService, watcher: LinkWatcher, identifier: str) -> list[Ticket]:
    board = service.board
    return [
        t
        for t in board.all()
        if board.catalog.category_of(t.state) is Category.ON_HOLD
        and any(
            (i := watcher.live.get(x.external_id)) is not None and i.identifier == identifier
            for x in t.links
        )
    ]


async def settled(sandbox: Sandbox) -> tuple[BoardService, LinkWatcher, list[object]]:
    service, watcher, clients = await make(sandbox)
    await watcher.poll()  # the baseline
    return service, watcher, clients


async def close_all(clients: list[object]) -> None:
    for client in clients:
        await client.aclose()  # type: ignore[attr-defined]


async def test_done_in_a_release_drafts_a_reply_naming_the_fix(sandbox: Sandbox) -> None:
    service, watcher, clients = await settled(sandbox)
    try:
        [ticket] = on_hold_on(service, watcher, "ENG-12")
        sandbox.end_linear_issue("ENG-12", "done")  # seeded release 2024.6.2
        [back] = await watcher.poll()
        assert back.ticket.id == ticket.id
        assert back.drafted
        assert back.fixed
        draft = service.draft(ticket.id, "reply") or ""
        assert "Scheduled report emails use UTC" in draft
        assert "release 2024.6.2" in draft
        [entry] = watcher.ready.entries()
        assert entry.number == ticket.number
        assert entry.identifier == "ENG-12"
        assert back.describe().endswith("reply drafted")
        service.drop_draft(ticket.id, "reply")  # sent (or emptied): it leaves the queue
        assert watcher.ready.entries() == []
    finally:
        await close_all(clients)


async def test_canceled_and_wont_fix_return_with_their_own_words(sandbox: Sandbox) -> None:
    service, watcher, clients = await settled(sandbox)
    try:
        canceled = on_hold_on(service, watcher, "ENG-16")
        wont = on_hold_on(service, watcher, "PLAT-5")
        sandbox.end_linear_issue("ENG-16", "canceled")
        sandbox.end_linear_issue("PLAT-5", "wontfix")
        returned = {r.ticket.id: r for r in await watcher.poll()}
        for ticket in canceled:
            item = returned[ticket.id]
            assert not item.fixed
            assert "canceled, not a fix" in item.describe()
            assert "without making a change" in (service.draft(ticket.id, "reply") or "")
            assert "without a fix" in item.note_html()
        for ticket in wont:
            item = returned[ticket.id]
            assert "won't fix, not a fix" in item.describe()
            assert "decided not to change" in (service.draft(ticket.id, "reply") or "")
    finally:
        await close_all(clients)


async def test_a_duplicate_hands_its_tickets_to_the_canonical_issue(sandbox: Sandbox) -> None:
    service, watcher, clients = await settled(sandbox)
    try:
        tickets = on_hold_on(service, watcher, "ENG-1")
        assert len(tickets) >= 2, "the seed puts several tickets on ENG-1"
        sandbox.end_linear_issue("ENG-1", "duplicate", duplicate_of="ENG-5")
        returned = await watcher.poll()
        assert returned == []
        assert {h.ticket.id for h in watcher.handed_over} == {t.id for t in tickets}
        for ticket in tickets:
            fresh = await service.ticket(ticket.id)
            assert service.board.catalog.is_on_hold(fresh.state), "stays On Hold"
            labels = {x.short_label for x in fresh.links}
            assert "ENG-5" in labels
            assert "ENG-1" not in labels
            notes = [m for m in await service.messages(ticket.id) if m.is_private]
            assert any("duplicate of ENG-5" in m.html for m in notes)
        assert service.draft(tickets[0].id, "reply") is None, "nothing to tell yet"
        assert await watcher.poll() == [], "once"
        assert watcher.handed_over == []
    finally:
        await close_all(clients)


async def test_a_deleted_issue_is_flagged_without_a_draft(sandbox: Sandbox) -> None:
    service, watcher, clients = await settled(sandbox)
    try:
        [ticket] = on_hold_on(service, watcher, "ENG-2")
        sandbox.trash_linear_issue("ENG-2")
        [back] = await watcher.poll()
        assert back.ticket.id == ticket.id
        assert not back.drafted
        assert service.draft(ticket.id, "reply") is None
        [entry] = watcher.ready.entries()
        assert entry.flagged
        assert "check with engineering" in entry.summary()
    finally:
        await close_all(clients)


async def test_the_users_own_draft_is_never_replaced(sandbox: Sandbox) -> None:
    service, watcher, clients = await settled(sandbox)
    try:
        [ticket] = on_hold_on(service, watcher, "ENG-12")
        service.save_draft(ticket.id, "reply", "my own words")
        sandbox.end_linear_issue("ENG-12", "done")
        [back] = await watcher.poll()
        assert not back.drafted
        assert service.draft(ticket.id, "reply") == "my own words"
        assert [e.ticket_id for e in watcher.ready.entries()] == [ticket.id]
    finally:
        await close_all(clients)
