"""Cursor keys: rows, columns, top/bottom and paging, with the column scrolled to follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.widgets.cards import CARD_HEIGHT

from .fakes import NOW, FakePylon, build_app, column_ids, exercises, make_tickets, settle


def tall_board(count: int = 40) -> FakePylon:
    """`count` tickets in New, oldest first, so rows are t100, t101, ... in order."""
    base = make_tickets()[1]
    tickets = [
        replace(
            base,
            id=f"t{100 + i}",
            number=100 + i,
            title=f"Ticket {100 + i}",
            created_at=NOW - timedelta(hours=count - i),
        )
        for i in range(count)
    ]
    return FakePylon(tickets)


async def test_initial_board_groups_tickets_into_columns(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # urgent first in New, longest-waiting first in On You; waiting_on_customer hidden
        assert column_ids(app) == [["t1", "t2"], ["t4", "t3"], ["t5"], ["t6"]]
        assert app.board_screen.current_ticket_id() == "t1"


@exercises("cursor_down", "cursor_up")
@pytest.mark.parametrize(("down", "up"), [("down", "up"), ("j", "k")])
async def test_row_keys_move_the_cursor(app: PylonApp, down: str, up: str):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press(down)
        assert screen.cursor.row == 1
        assert screen.current_ticket_id() == "t2"
        await pilot.press(down)  # already on the last card: stays
        assert screen.cursor.row == 1
        await pilot.press(up)
        assert screen.current_ticket_id() == "t1"
        await pilot.press(up)
        assert screen.cursor.row == 0


@exercises("cursor_left", "cursor_right")
@pytest.mark.parametrize(("left", "right"), [("left", "right"), ("h", "l")])
async def test_column_keys_move_the_cursor(app: PylonApp, left: str, right: str):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press(right)
        assert screen.cursor.column == 1
        assert screen.current_ticket_id() == "t4"
        assert screen.view(1).active
        await pilot.press(right, right, right)  # clamps at the last column
        assert screen.cursor.column == 3
        assert screen.current_ticket_id() == "t6"
        await pilot.press(left, left, left, left)
        assert screen.cursor.column == 0
        assert screen.current_ticket_id() == "t1"


async def test_each_column_remembers_its_row(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        await pilot.press("l", "j", "h", "l")
        assert screen.current_ticket_id() == "t3"


@exercises("cursor_top", "cursor_bottom")
@pytest.mark.parametrize(("top", "bottom"), [("g", "G"), ("home", "end")])
async def test_top_and_bottom(top: str, bottom: str):
    app = build_app(tall_board(40))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        view = screen.view(0)
        await pilot.press(bottom)
        assert screen.cursor.row == 39
        assert screen.current_ticket_id() == "t139"
        await pilot.pause()
        # the last card is scrolled into view
        assert view.scroll_offset.y + view.scrollable_content_region.height >= 40 * CARD_HEIGHT
        await pilot.press(top)
        assert screen.cursor.row == 0
        await pilot.pause()
        assert view.scroll_offset.y == 0


@exercises("page_down", "page_up")
async def test_page_keys_move_half_a_column():
    app = build_app(tall_board(40))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        view = screen.view(0)
        page = view.scrollable_content_region.height // 2
        assert page >= 2
        await pilot.press("pagedown")
        assert screen.cursor.row == page
        await pilot.press("pagedown")
        assert screen.cursor.row == 2 * page
        await pilot.pause()
        assert view.scroll_offset.y > 0
        top = view.scroll_offset.y
        assert top <= screen.cursor.row * CARD_HEIGHT < top + view.scrollable_content_region.height
        assert top % CARD_HEIGHT == 0, "the column opens on a card's first line"
        await pilot.press("pageup")
        assert screen.cursor.row == page
        await pilot.press("pageup", "pageup")
        assert screen.cursor.row == 0


async def test_cursor_card_is_drawn_with_the_cursor_style(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.board_screen.view(0)
        cursor_style = view.get_component_rich_style("column--cursor")
        first = view.render_line(0)
        second = view.render_line(CARD_HEIGHT)
        assert any(seg.style and seg.style.bgcolor == cursor_style.bgcolor for seg in first)
        assert not any(seg.style and seg.style.bgcolor == cursor_style.bgcolor for seg in second)
        await pilot.press("j")
        await pilot.pause()
        second = view.render_line(CARD_HEIGHT)
        assert any(seg.style and seg.style.bgcolor == cursor_style.bgcolor for seg in second)
