"""The board expects Pylon's automations (issue 9 item 10), against the sandbox playing them,
in process and over real sockets (the sandbox served on 127.0.0.1):

- a card Pylon takes off the board (its AI moves a replied ticket to waiting_on_customer, which
  no default column shows) is reported, so the UI can say where it went; the user's own moves
  and the first load are not;
- a server-side move that matches what a queued change wanted (linking put the ticket On Hold,
  the customer's message put it back On You) confirms that change: nothing is sent, nothing
  is asked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.domain import DEFAULT_COLUMNS, Board, StateCatalog, StateInfo, Ticket
from pylon_tui.domain.state import Category
from pylon_tui.sync.delivery import Verdict, judge
from pylon_tui.sync.departures import Departure, departure
from pylon_tui.sync.intents import Link, Move, Reply
from pylon_tui.sync.queued import PENDING, Queued
from pylon_tui.sync.service import BoardService
from tests.sync.faultrig import Rig, Switch, expect_queued, send_directly

ON_YOU, ON_HOLD = 1, 2


async def loaded(rig: Rig, switch: Switch | None = None) -> BoardService:
    service = rig.service(transport=switch)
    await service.load()
    assert service.take_departures() == [], "the first load has nothing on screen to explain"
    return service


def first(service: BoardService, column: int, *, unlinked: bool = False) -> Ticket:
    return next(t for t in service.board.column(column) if not (unlinked and t.has_tracking_link()))


async def reply_to(service: BoardService, ticket: Ticket) -> None:
    customer = [m for m in await service.messages(ticket.id) if not m.is_private]
    await service.run(Reply(ticket.id, customer[-1].id, "<p>Fixed on our side, can you retry?</p>"))


def went(service: BoardService) -> list[tuple[int, str, str, str]]:
    return [(d.number, d.from_column, d.state, d.label) for d in service.take_departures()]


def pylon_writes(rig: Rig, ticket: Ticket, method: str) -> int:
    return rig.applied(ticket.id, method=method)


# ----- cards that leave the board ----------------------------------------------------------


@pytest.mark.parametrize(("column", "title"), [(ON_YOU, "On You"), (ON_HOLD, "On Hold")])
async def test_a_replied_ticket_pylon_moves_off_the_board_is_reported(
    rig: Rig, column: int, title: str
) -> None:
    service = await loaded(rig)
    ticket = first(service, column)
    await reply_to(service, ticket)
    assert service.take_departures() == [], "the reply's answer shows no move yet"
    assert service.board.column_index_of(ticket.id) == column
    await service.refresh()
    assert went(service) == [(ticket.number, title, "waiting_on_customer", "Waiting on Customer")]
    assert service.board.column_index_of(ticket.id) is None
    assert ticket.id in {t.id for t in service.board.hidden()}, "counted, never dropped"
    assert service.take_departures() == [], "each departure is reported once"


async def test_a_full_reload_reports_them_too(local: Rig) -> None:
    service = await loaded(local)
    ticket = first(service, ON_YOU)
    await reply_to(service, ticket)
    await service.reconcile()
    assert went(service) == [
        (ticket.number, "On You", "waiting_on_customer", "Waiting on Customer")
    ]


async def test_the_users_own_move_off_the_board_is_not_reported(local: Rig) -> None:
    service = await loaded(local)
    ticket = first(service, ON_YOU)
    await service.run(Move(ticket.id, "waiting_on_customer", base_updated_at=ticket.updated_at))
    await service.refresh()
    await service.reconcile()
    assert service.take_departures() == []
    assert service.board.column_index_of(ticket.id) is None


async def test_choosing_the_servers_version_of_a_conflict_is_not_reported(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = await loaded(local, switch)
    ticket = first(service, ON_YOU)
    switch.down = True
    await expect_queued(service, Move(ticket.id, "closed", base_updated_at=ticket.updated_at))
    switch.down = False
    await send_directly(service, Move(ticket.id, "waiting_on_customer"))  # a teammate, say
    service.store.make_all_due()
    (conflict,) = (await service.drain()).conflicts
    service.outbox.resolve(conflict, keep_mine=False)
    assert service.board.column_index_of(ticket.id) is None
    assert service.take_departures() == []


def test_a_closed_card_ageing_out_of_its_column_is_not_a_departure() -> None:
    now = _ticket("closed")
    board = Board(DEFAULT_COLUMNS, StateCatalog(), now=lambda: _T0)
    board.upsert(now)
    column = board.column_index_of("t1")
    assert column == 3
    older = _ticket("closed", _T0 - _MONTH)
    board.upsert(older)
    assert board.column_index_of("t1") is None
    assert departure(board, now, column, older) is None
    moved = older.with_state("waiting_on_customer")
    assert departure(board, now, column, moved) == Departure(
        "t1", 1, "Closed", "waiting_on_customer", "On Customer"
    )


# ----- server-side moves that match what the user asked for ----------------------------------


async def test_linking_puts_the_ticket_on_hold_so_the_queued_move_is_confirmed(rig: Rig) -> None:
    """The hold gate's two writes queued during an outage (a real one when served): when they
    go out, the link's answer already shows On Hold, so the move is confirmed, not sent."""
    switch = None if rig.is_served else Switch(rig.sandbox)
    service = await loaded(rig, switch)
    ticket = first(service, ON_YOU, unlinked=True)
    eng2 = rig.sandbox.linear_issue("ENG-2")["id"]  # In Progress: unfinished
    if rig.served is not None:
        rig.served.stop()
    else:
        assert switch is not None
        switch.down = True
    link = Link(ticket.id, eng2, label="ENG-2", base_updated_at=ticket.updated_at)
    move = Move(ticket.id, "on_hold", base_updated_at=ticket.updated_at)
    await expect_queued(service, link)
    await expect_queued(service, move)
    if rig.served is not None:
        rig.served.start()
    else:
        assert switch is not None
        switch.down = False
    service.store.make_all_due()
    report = await service.drain()
    assert report.conflicts == []
    assert [a.client_key for a in report.sent] == [link.client_key, move.client_key]
    assert service.pending_count() == 0
    assert pylon_writes(rig, ticket, "POST") == 1, "one link"
    assert pylon_writes(rig, ticket, "PATCH") == 0, "Pylon moved it: no PATCH was needed"
    assert (await service.client.get_issue(ticket.id)).state == "on_hold"
    assert service.board.column_index_of(ticket.id) == ON_HOLD
    assert service.take_departures() == []


async def test_the_customer_writing_confirms_a_queued_move_back_to_on_you(served: Rig) -> None:
    """Over real sockets: the user moves a held ticket back to On You while the server is
    away; meanwhile the customer writes and Pylon does the same move."""
    assert served.served is not None
    service = await loaded(served)
    held = first(service, ON_HOLD)
    served.served.stop()
    move = Move(held.id, "waiting_on_you", base_updated_at=held.updated_at)
    await expect_queued(service, move)
    served.sandbox.customer_message(held.id, "<p>Any news? Still broken.</p>")
    served.served.start()
    service.store.make_all_due()
    report = await service.drain()
    assert report.conflicts == []
    assert [a.client_key for a in report.sent] == [move.client_key]
    assert pylon_writes(served, held, "PATCH") == 0
    assert service.board.column_index_of(held.id) == ON_YOU
    await service.refresh()
    assert service.take_departures() == [], "still on the board: nothing to explain"


async def test_pylon_using_another_status_of_the_same_column_confirms_the_move(
    local: Rig,
) -> None:
    """A workspace whose On Hold default is its own status: Pylon put the ticket in
    "Pending Release", the user asked for On Hold. Both show in the On Hold column."""
    switch = Switch(local.sandbox)
    service = await loaded(local, switch)
    ticket = first(service, ON_YOU)
    switch.down = True
    move = Move(ticket.id, "on_hold", base_updated_at=ticket.updated_at)
    await expect_queued(service, move)
    switch.down = False
    await send_directly(service, Move(ticket.id, "pending_release"))  # Pylon's own move
    patches = pylon_writes(local, ticket, "PATCH")
    service.store.make_all_due()
    report = await service.drain()
    assert report.conflicts == []
    assert [a.client_key for a in report.sent] == [move.client_key]
    assert pylon_writes(local, ticket, "PATCH") == patches, "nothing sent"
    assert (await service.client.get_issue(ticket.id)).state == "pending_release"
    assert service.board.column_index_of(ticket.id) == ON_HOLD


async def test_a_server_move_into_another_column_is_still_a_conflict(local: Rig) -> None:
    switch = Switch(local.sandbox)
    service = await loaded(local, switch)
    ticket = first(service, ON_YOU)
    switch.down = True
    move = Move(ticket.id, "closed", base_updated_at=ticket.updated_at)
    await expect_queued(service, move)
    switch.down = False
    await send_directly(service, Move(ticket.id, "pending_release"))
    service.store.make_all_due()
    report = await service.drain()
    assert [c.queued.action.client_key for c in report.conflicts] == [move.client_key]


def test_judge_compares_columns_only_for_moves_and_only_shown_states() -> None:
    catalog = StateCatalog([StateInfo("pending_release", "Pending Release", Category.ON_HOLD)])
    column_of = Board(DEFAULT_COLUMNS, catalog).router.index_for_state
    before = _ticket("waiting_on_you")
    hold = Move("t1", "on_hold", base_updated_at=_T0)
    hidden = Move("t1", "waiting_on_customer", base_updated_at=_T0)

    def verdict(action: Move, now: str, columns: object = column_of) -> Verdict:
        queued = Queued(1, action, PENDING, 0, 0.0, 0.0, before=before)
        server = replace(before, state=now, updated_at=_T0 + timedelta(minutes=1))
        return judge(server, queued, column_of if columns is not None else None)

    assert verdict(hold, "pending_release") is Verdict.DONE, "the same column: confirmed"
    assert verdict(hold, "on_hold") is Verdict.DONE
    assert verdict(hold, "closed") is Verdict.CONFLICT
    assert verdict(hidden, "mystery_status") is Verdict.CONFLICT, "no column shows either"
    assert verdict(hold, "pending_release", None) is Verdict.CONFLICT, (
        "without the board's columns, the slugs must match"
    )


_T0 = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
_MONTH = timedelta(days=30)


def _ticket(state: str, updated_at: datetime = _T0) -> Ticket:
    return Ticket(id="t1", number=1, title="x", state=state, created_at=_T0, updated_at=updated_at)
