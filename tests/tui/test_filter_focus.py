"""Issue 10 item 9: a filter never leaves the cursor in an empty column, and `space` says what
it does.

The UX test: after `/` and `enter`, the cursor could stay in a column the filter had emptied,
so no card was focused and `enter` did nothing until `h` or `l`. And `space` moved down after
selecting, which was not documented (`space`, `j`, `space` selected #66 and #47, not #56).
"""

from __future__ import annotations

from pylon_tui.tui.catalog import spec
from pylon_tui.tui.catalog.readme import readme_keys_table
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import build_app, exercises, screen_text
from .test_flows import settled

NEW, ON_YOU = 0, 1


async def test_filter_and_enter_focus_the_first_column_with_a_match():
    app = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        board = app.board_screen
        assert board.cursor.column == NEW
        await pilot.press("slash", *"webhook", "enter")
        await settled(pilot)
        assert board.views[NEW] == [], "the filter empties the column the cursor was in"
        assert board.cursor.column == ON_YOU
        assert board.current_ticket_id() == "t3"
        await pilot.press("enter")  # and enter opens it
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticket_id == "t3"


async def test_a_filter_matching_in_the_cursors_column_leaves_the_cursor_there():
    app = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        board = app.board_screen
        await pilot.press("l")
        await pilot.press("slash", *"e", "enter")  # matches in New too
        await settled(pilot)
        assert board.views[NEW]
        assert board.cursor.column == ON_YOU


async def test_a_view_that_empties_the_column_moves_the_cursor_too():
    app = build_app()  # me = Sam, who has #3 in On You
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        board = app.board_screen
        await pilot.press("v")
        await settled(pilot)
        await pilot.press(*"mine", "enter")
        await settled(pilot)
        assert board.filter.active
        assert board.cursor.column == ON_YOU
        assert board.current_ticket_id() == "t3"


async def test_a_filter_matching_nothing_leaves_the_cursor_where_it_was():
    app = build_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        board = app.board_screen
        await pilot.press("l")
        await pilot.press("slash", *"zzzz", "enter")
        await settled(pilot)
        assert all(v == [] for v in board.views)
        assert board.cursor.column == ON_YOU, "no column to go to: the cursor stays"


@exercises("toggle_select")
async def test_space_selects_and_moves_down_as_help_and_readme_say():
    app = build_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await settled(pilot)
        board = app.board_screen
        first = board.current_ticket_id()
        await pilot.press("space")
        assert board.marked == {first}
        assert board.current_ticket_id() != first, "space moved the cursor down"
        await pilot.press("question_mark")
        await settled(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "Select and move down" in screen_text(app)
    assert spec("toggle_select").description == "Select and move down"
    assert "then focus the next one down" in readme_keys_table()
