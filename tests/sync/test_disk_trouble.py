"""A full, read-only or failing disk under the cache: the board keeps working from memory,
says why and how to fix it, refuses new changes visibly, and loses or repeats nothing that
was already queued.

Faults come from a connection that fails writes exactly as SQLite words them (full,
read-only, I/O error) at a chosen statement, so each path is hit deterministically.
"""

from __future__ import annotations

from typing import Any

import pytest

from pylon_tui.sync.intents import ActionKind, Move
from pylon_tui.sync.outbox import READ_ONLY_PAUSE, ActionNotSaved, ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store, StoreUnavailable
from tests.sync.faultrig import (
    FailingDisk,
    Rig,
    Switch,
    assert_exactly_once,
    case_for,
    drain_all,
    restart,
)

FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"
IO_ERROR = "disk I/O error"


async def loaded(rig: Rig, message: str, **kw: Any) -> tuple[BoardService, FailingDisk]:
    service = rig.service()
    await service.load()
    return service, FailingDisk(service.store, message, **kw)


@pytest.mark.parametrize(
    ("message", "words"),
    [(FULL, ["full", "free some space"]), (READ_ONLY, ["read-only", "writable"])],
    ids=["full", "read-only"],
)
async def test_refresh_on_a_refusing_disk_keeps_the_board_and_says_why(
    local: Rig, message: str, words: list[str]
) -> None:
    service, disk = await loaded(local, message)
    disk.failing = True
    ticket = next(t for t in service.board.all() if t.state == "on_hold")
    local.sandbox.customer_message(ticket.id, "<p>any news?</p>")  # Pylon moves it
    await service.reconcile()  # a full load: replaces the cached board, then the cursors
    assert disk.refused >= 2, "the cache write and the cursors were both refused"
    assert service.board.get(ticket.id).state != "on_hold", "the board still updates"  # type: ignore[union-attr]
    await service.refresh()
    reason = service.read_only_reason
    assert reason is not None
    assert all(word in reason for word in words), reason

    disk.failing = False
    await service.reconcile()
    assert service.read_only_reason is None, "the banner goes once writes work again"


@pytest.mark.parametrize("message", [FULL, READ_ONLY, IO_ERROR], ids=["full", "ro", "io"])
async def test_a_new_change_is_refused_visibly_and_nothing_changes(
    local: Rig, message: str
) -> None:
    service, disk = await loaded(local, message)
    ticket = service.board.column(0)[0]
    disk.failing = True
    before = local.requests()
    with pytest.raises(ActionNotSaved) as refused:
        service.begin(Move(ticket.id, "closed"))
    text = str(refused.value)
    assert text.startswith(f"Could not save move #{ticket.number} to closed: ")
    assert "Nothing was changed. Fix: " in text
    assert isinstance(refused.value, OSError), "the CLI's one-line path for file trouble"
    assert service.board.get(ticket.id) == ticket, "the board shows what is true"
    assert service.pending_count() == 0
    assert local.requests() == before, "nothing was sent that was never saved"


async def test_changes_queued_before_the_disk_filled_wait_and_are_sent_once(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = local.service(transport=switch)
    await service.load()
    move = await case_for(ActionKind.MOVE, service, 0)
    note = await case_for(ActionKind.NOTE, service, 1)
    switch.down = True
    for case in (move, note):
        with pytest.raises(ActionQueued):
            await service.run(case.action)
    service.store.make_all_due()
    disk = FailingDisk(service.store, FULL)
    disk.failing = True
    switch.down = False

    report = await service.drain()
    assert report.sent == []
    assert report.read_only is not None
    assert "full" in report.read_only
    assert local.applied(move.ticket.id) == local.applied(note.ticket.id) == 0
    assert service.pending_count() == 2, "kept: they are safe on disk"
    asked = switch.attempts
    assert (await service.drain()).read_only, "paused..."
    assert switch.attempts == asked, "...without a request per tick while the disk is full"

    disk.failing = False
    local.clock.advance(READ_ONLY_PAUSE + 1)
    sent = await drain_all(service)  # the note was offline once: its window passes first
    assert {a.client_key for a in sent} == {move.action.client_key, note.action.client_key}
    for case in (move, note):
        await assert_exactly_once(local, service, case)


@pytest.mark.parametrize("kind", [ActionKind.MOVE, ActionKind.REPLY], ids=["move", "reply"])
async def test_a_delivered_change_that_cannot_be_removed_is_not_sent_again(
    local: Rig, kind: ActionKind
) -> None:
    store = Store(local.cache)
    service = local.service(store=store)
    await service.load()
    case = await case_for(kind, service)
    disk = FailingDisk(store, FULL, fail_on=["DELETE"])
    disk.failing = True
    await service.run(case.action)  # sent and answered; only the removal fails
    assert local.applied(case.ticket.id) == 1
    assert service.pending_count() == 0, "done, as far as the user is concerned"
    assert (await service.drain()).sent == [], "not sent again in this run"
    assert local.applied(case.ticket.id) == 1

    service, store = await restart(local, store)  # the row is still on disk...
    assert service.pending_count() == 1
    await service.drain()  # ...and is verified, not resent
    await assert_exactly_once(local, service, case)


async def test_a_refused_commit_leaves_no_transaction_open(local: Rig) -> None:
    service, disk = await loaded(local, IO_ERROR, fail_on=["COMMIT"])
    ticket = service.board.column(0)[0]
    disk.failing = True
    with pytest.raises(ActionNotSaved):
        service.begin(Move(ticket.id, "closed"))
    assert not disk.inner.in_transaction
    disk.failing = False
    service.begin(Move(ticket.id, "closed"))
    assert service.pending_count() == 1
    assert service.read_only_reason is None


async def test_the_status_bar_counts_survive_a_failing_read(local: Rig) -> None:
    service, disk = await loaded(local, IO_ERROR, fail_on=["SELECT COUNT"])
    service.begin(Move(service.board.column(0)[0].id, "closed"))
    assert service.pending_count() == 1
    disk.failing = True
    assert service.pending_count() == 1, "the last count, not a crash"
    assert service.waiting_count() == 0


def test_a_cache_that_cannot_even_be_created_is_one_clear_error(tmp_path: Any) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(FileExistsError):  # mkdir: the CLI reports OSErrors on one line
        Store.open(blocker / "cache.sqlite3")
    with pytest.raises(StoreUnavailable) as error:
        Store(blocker / "cache.sqlite3")
    assert "cannot be opened" in str(error.value)


async def test_a_failing_read_of_the_queue_during_refresh_still_refreshes(local: Rig) -> None:
    service, disk = await loaded(local, IO_ERROR, fail_on=["SELECT SEQ"])
    ticket = next(t for t in service.board.all() if t.state == "on_hold")
    local.sandbox.customer_message(ticket.id, "<p>any news?</p>")
    disk.failing = True
    await service.reconcile()  # draws the server's board; the queue is still on disk
    assert disk.refused
    assert service.board.get(ticket.id).state != "on_hold"  # type: ignore[union-attr]
    report = await service.drain()
    assert report.read_only is not None, "sending pauses instead of failing"
