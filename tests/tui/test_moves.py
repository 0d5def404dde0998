"""Moving cards: H/L and shift+arrows, the move-to picker, undo, ordering and rollback."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import OptionList

from pylon_tui.api.errors import RequestError, ServerError
from pylon_tui.domain import Priority, Ticket
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.widgets.bars import StatusBar

from .fakes import (
    FakePylon,
    build_app,
    calls_to,
    column_ids,
    exercises,
    notifications,
    on_board,
    settle,
)


@exercises("move_right")
@pytest.mark.parametrize("key", ["L", "shift+right"])
async def test_move_right_sends_the_state_and_focus_follows(
    app: PylonApp, fake: FakePylon, key: str
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press(key)
        # optimistic: the board changed before the write finished
        assert app.ctx.service.board.column_index_of("t1") == 1
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you")]
        assert fake.tickets["t1"].state == "waiting_on_you"
        assert screen.cursor.column == 1
        assert screen.current_ticket_id() == "t1"
        assert column_ids(app)[0] == ["t2"]
        assert "t1" in column_ids(app)[1]
        assert app.ctx.service.pending_count() == 0


@exercises("move_left")
@pytest.mark.parametrize("key", ["H", "shift+left"])
async def test_move_left_sends_the_state_and_focus_follows(
    app: PylonApp, fake: FakePylon, key: str
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press("l")
        assert screen.current_ticket_id() == "t4"
        await pilot.press(key)
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t4", "new")]
        assert screen.cursor.column == 0
        assert screen.current_ticket_id() == "t4"
        assert column_ids(app)[1] == ["t3"]


async def test_move_left_from_the_first_column_does_nothing(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert calls_to(fake, "update_state") == []
        assert app.board_screen.current_ticket_id() == "t1"


async def test_quick_moves_reach_pylon_in_the_order_typed(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L", "H", "L")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [
            ("t1", "waiting_on_you"),
            ("t1", "new"),
            ("t1", "waiting_on_you"),
        ]
        assert app.board_screen.current_ticket_id() == "t1"
        assert app.ctx.service.board.column_index_of("t1") == 1


async def test_moving_an_unlinked_ticket_to_on_hold_does_not_change_its_state(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")  # t4, On You, no linked issue
        await pilot.press("L")
        await settle(pilot)
        assert calls_to(fake, "update_state") == []
        assert fake.tickets["t4"].state == "waiting_on_you"
        assert app.ctx.service.board.column_index_of("t4") == 1


async def test_a_linked_ticket_moves_on_hold_without_a_dialog(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "l")  # t5 is On Hold and linked
        assert app.board_screen.current_ticket_id() == "t5"
        await pilot.press("H", "L")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t5", "waiting_on_you"), ("t5", "on_hold")]
        assert on_board(app)


@exercises("move_to")
async def test_move_to_picker(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 4
        await pilot.press(*"clo")
        await pilot.pause()
        assert options.option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "update_state") == [("t1", "closed")]
        assert app.board_screen.cursor.column == 3
        assert app.board_screen.current_ticket_id() == "t1"


async def test_move_to_picker_escape_changes_nothing(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "update_state") == []
        assert column_ids(app)[0] == ["t1", "t2"]


@exercises("undo")
async def test_undo_puts_the_ticket_back(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        assert app.ctx.service.board.column_index_of("t1") == 1
        await pilot.press("u")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you"), ("t1", "new")]
        assert fake.tickets["t1"].state == "new"
        assert app.ctx.service.board.get("t1").state == "new"  # type: ignore[union-attr]
        assert app.ctx.service.board.column_index_of("t1") == 0
        assert app.board_screen.current_ticket_id() == "t1"
        # the stack is empty now
        await pilot.press("u")
        await settle(pilot)
        assert len(calls_to(fake, "update_state")) == 2
        assert ("", "Nothing to undo") in notifications(app)


async def test_a_refused_move_is_rolled_back_and_explained(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fake.fail_next = RequestError("the request could not be processed", status=422)
        await pilot.press("L")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you")]
        assert fake.tickets["t1"].state == "new"
        assert app.ctx.service.board.get("t1").state == "new"  # type: ignore[union-attr]
        assert column_ids(app) == [["t1", "t2"], ["t4", "t3"], ["t5"], ["t6"]]
        rolled = [msg for title, msg in notifications(app) if title == "Rolled back"]
        assert len(rolled) == 1
        assert "#1" in rolled[0]
        assert "HTTP 422" in rolled[0]
        assert app.ctx.service.pending_count() == 0


async def test_a_server_error_keeps_the_move_queued_not_lost(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fake.fail_next = ServerError("internal server error", status=500)
        await pilot.press("L")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you")]
        # not rolled back: the card stays where the user put it, and the change is kept
        assert app.ctx.service.board.column_index_of("t1") == 1
        assert app.ctx.service.pending_count() == 1
        assert not any(title == "Rolled back" for title, _ in notifications(app))
        assert any(title == "Queued" for title, _ in notifications(app))
        assert "1 pending" in str(app.board_screen.query_one(StatusBar).render())


async def test_a_refused_priority_is_rolled_back(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fake.fail_next = RequestError("invalid priority", status=400)
        await pilot.press("4")
        await settle(pilot)
        assert app.ctx.service.board.get("t1").priority is Priority.URGENT  # type: ignore[union-attr]
        assert any(title == "Rolled back" for title, _ in notifications(app))


class GatedPylon(FakePylon):
    """update_state waits for `gate`, so a test can look at the board while writes pend."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def update_state(self, issue_id: str, state: str) -> Ticket:
        await self.gate.wait()
        return await super().update_state(issue_id, state)


async def test_the_board_is_usable_while_a_write_is_pending():
    fake = GatedPylon()
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await pilot.pause()
        screen = app.board_screen
        assert app.ctx.service.pending_count() == 1
        # In flight is not "pending": the bar only counts what could not be sent yet.
        assert "pending" not in str(screen.query_one(StatusBar).render())
        assert screen.current_ticket_id() == "t1"  # optimistic, before Pylon answered
        await pilot.press("j")  # keys still work
        assert screen.current_ticket_id() == "t4"
        fake.gate.set()
        await settle(pilot)
        assert app.ctx.service.pending_count() == 0
        assert "pending" not in str(screen.query_one(StatusBar).render())


async def test_selection_count_clears_as_soon_as_a_bulk_move_is_made():
    fake = GatedPylon()
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "L")
        await pilot.pause()
        try:
            assert app.board_screen.marked == set()
            assert "selected" not in str(app.board_screen.query_one(StatusBar).render())
        finally:
            fake.gate.set()
            await settle(pilot)


async def test_bulk_move_moves_each_card_one_column_from_where_it_is(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "l", "l", "space")  # t1 (New) and t5 (On Hold, linked)
        assert app.board_screen.marked == {"t1", "t5"}
        await pilot.press("L")
        await settle(pilot)
        assert sorted(calls_to(fake, "update_state")) == [
            ("t1", "waiting_on_you"),
            ("t5", "closed"),
        ]


async def test_undo_reverts_a_whole_bulk_move(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "L")
        await settle(pilot)
        assert column_ids(app)[0] == []
        await pilot.press("u")
        await settle(pilot)
        assert sorted(column_ids(app)[0]) == ["t1", "t2"]
        assert fake.tickets["t1"].state == fake.tickets["t2"].state == "new"
