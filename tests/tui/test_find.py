"""Finding and selecting: / filter, f quick filters, o other states, space and escape."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from pylon_tui.domain import Priority
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.screens.detail import DetailScreen
from pylon_tui.tui.widgets.bars import BoardHeader, StatusBar

from .fakes import FakePylon, calls_to, column_ids, exercises, on_board, screen_text, settle

ALL = [["t1", "t2"], ["t4", "t3"], ["t5"], ["t6"]]


def status_text(app: PylonApp) -> str:
    return str(app.board_screen.query_one(StatusBar).render())


def header_text(app: PylonApp) -> str:
    return str(app.board_screen.query_one(BoardHeader).render())


@exercises("filter", "clear")
async def test_filter_narrows_the_columns_and_escape_clears_it(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        box = app.board_screen.query_one("#filter-input", Input)
        assert not box.display
        await pilot.press("slash")
        await pilot.pause()
        assert box.display
        assert box.has_focus
        # letters go into the box, not to the h/j/k/l/L bindings
        await pilot.press(*"webhook")
        await pilot.pause()
        assert box.value == "webhook"
        assert column_ids(app) == [[], ["t3"], [], []]
        assert app.board_screen.cursor.column == 0
        assert calls_to(fake, "update_state") == []
        assert "webhook" in status_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not box.display
        assert column_ids(app) == ALL
        assert not app.board_screen.filter.active


async def test_filter_stays_after_enter_and_escape_on_the_board_clears(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"acme", "space", *"sso", "enter")
        await pilot.pause()
        box = app.board_screen.query_one("#filter-input", Input)
        assert not box.display
        assert column_ids(app) == [["t1"], [], [], []]  # words AND together, account included
        # board keys work again with the filter applied
        await pilot.press("L")
        await settle(pilot)
        assert app.board_screen.current_ticket_id() == "t1"
        assert app.board_screen.cursor.column == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not app.board_screen.filter.active
        assert column_ids(app) == [["t2"], ["t1", "t4", "t3"], ["t5"], ["t6"]]


async def test_filter_matches_the_ticket_number(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"#5", "enter")
        await pilot.pause()
        assert column_ids(app) == [[], [], ["t5"], []]


@exercises("views")
async def test_the_urgent_view_leaves_only_urgent_cards_and_the_header_names_it(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        await pilot.press(*"ur", "enter")
        await pilot.pause()
        assert on_board(app)
        view = app.board_screen.filter.view
        assert view is not None
        assert view.name == "urgent"
        assert column_ids(app) == [["t1"], [], [], []]
        assert all(t.priority is Priority.URGENT for view in app.board_screen.views for t in view)
        assert "view: Urgent" in header_text(app)
        # the picker marks the active view; 0 goes back to all tickets
        await pilot.press("v")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(label.startswith("✓ 3 Urgent") for label in labels)
        await pilot.press("0")
        await pilot.pause()
        assert column_ids(app) == ALL
        assert "view:" not in header_text(app)


async def test_views_mine_and_unassigned_by_number(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", "1")  # mine
        await pilot.pause()
        assert column_ids(app) == [[], ["t3"], [], []]
        await pilot.press("v", "0")
        await pilot.pause()
        assert column_ids(app) == ALL
        await pilot.press("v", "2")  # unassigned
        await pilot.pause()
        assert column_ids(app) == [["t1", "t2"], ["t4"], ["t5"], ["t6"]]
        await pilot.press("escape")  # escape on the board leaves the view too
        await pilot.pause()
        assert column_ids(app) == ALL


@exercises("toggle_select")
async def test_space_selects_and_a_bulk_move_moves_every_selected_card(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press("space")
        assert screen.marked == {"t1"}
        assert screen.current_ticket_id() == "t2"  # space steps down
        await pilot.pause()
        assert screen.view(0).render_line(0).text.startswith("●")
        await pilot.press("space")
        assert screen.marked == {"t1", "t2"}
        assert "2 selected" in status_text(app)
        await pilot.press("L")
        await settle(pilot)
        assert sorted(calls_to(fake, "update_state")) == [
            ("t1", "waiting_on_you"),
            ("t2", "waiting_on_you"),
        ]
        assert column_ids(app)[0] == []
        assert {"t1", "t2"} <= set(column_ids(app)[1])
        assert screen.marked == set()


async def test_space_twice_on_a_card_unselects_it(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "k", "space")
        assert app.board_screen.marked == set()


async def test_bulk_priority(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "space", "space")  # t4 and t3
        assert app.board_screen.marked == {"t3", "t4"}
        await pilot.press("2")
        await settle(pilot)
        assert sorted(calls_to(fake, "set_priority")) == [
            ("t3", Priority.HIGH),
            ("t4", Priority.HIGH),
        ]
        assert app.board_screen.marked == set()
        board = app.ctx.service.board
        assert board.get("t3").priority is Priority.HIGH  # type: ignore[union-attr]
        assert board.get("t4").priority is Priority.HIGH  # type: ignore[union-attr]


async def test_escape_clears_the_selection(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        assert app.board_screen.marked == {"t1"}
        await pilot.press("escape")
        await pilot.pause()
        assert app.board_screen.marked == set()
        assert "selected" not in status_text(app)
        await pilot.press("L")  # now moves only the focused card
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t2", "waiting_on_you")]


@exercises("other_states")
async def test_other_states_lists_hidden_tickets_and_opens_one(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "in other states" in status_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(labels) == 1
        assert "#7 Need invoice copy" in labels[0]
        assert "On Customer" in labels[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticket_id == "t7"
        assert "#7 Need invoice copy" in screen_text(app)
