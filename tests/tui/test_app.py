"""App-level keys: refresh, help, quit, the command palette, keymaps and NO_COLOR."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from pylon_tui.api.errors import NetworkError
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.catalog import binding_by_id, board_bindings
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.widgets.bars import BoardHeader, StatusBar

from .fakes import (
    FakePylon,
    build_app,
    calls_to,
    column_ids,
    exercises,
    on_board,
    screen_text,
    settle,
)


async def test_header_and_status_bar(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = str(app.board_screen.query_one(BoardHeader).render())
        status = str(app.board_screen.query_one(StatusBar).render())
        assert "SANDBOX" in header
        assert "oldest" in header
        assert "synced" in status
        assert "1 in other states" in status
        text = screen_text(app)
        for title in ("New 2", "On You 2", "On Hold 1", "Closed 1"):
            assert title in text


@exercises("refresh")
async def test_capital_r_refreshes(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(calls_to(fake, "search_issues"))
        assert before == 1
        fake.tickets["t2"] = fake.tickets["t2"].with_state("closed")
        await pilot.press("R")
        await settle(pilot)
        assert len(calls_to(fake, "search_issues")) == before + 1
        assert column_ids(app)[0] == ["t1"]
        assert "t2" in column_ids(app)[3]


async def test_a_failed_refresh_shows_offline_and_keeps_the_board(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fake.fail_next = NetworkError("connection refused")
        await pilot.press("R")
        await settle(pilot)
        status = str(app.board_screen.query_one(StatusBar).render())
        # At 80 columns the fix outranks the error's own text (issue 10 item 6).
        assert "⚠ Pylon: conn" in status
        assert NetworkError("x").hint in status
        assert column_ids(app) == [["t1", "t2"], ["t4", "t3"], ["t5"], ["t6"]]
        await pilot.resize_terminal(120, 24)
        await settle(pilot)
        assert "connection refused" in str(app.board_screen.query_one(StatusBar).render())


@exercises("help")
async def test_help_lists_every_binding():
    app = build_app()
    async with app.run_test(size=(100, 80)) as pilot:  # tall enough for the whole table
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for binding in board_bindings():
            assert binding.description in text, binding.id
        assert "ctrl+p" in text
        assert "g home" in text  # both keys of a binding are listed
        await pilot.press("escape")
        await pilot.pause()
        assert on_board(app)


async def test_help_shows_remapped_keys():
    app = build_app(keymap={"move_right": "x"})
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        line = next(
            line
            for line in screen_text(app).splitlines()
            if binding_by_id("move_right").description in line
        )
        assert " x " in line
        assert "shift+right" not in line


@exercises("quit")
async def test_q_quits(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0


async def test_command_palette_moves_a_card(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"to On You")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you")]
        assert app.board_screen.current_ticket_id() == "t1"


async def test_keymap_remaps_a_binding(fake: FakePylon):
    app = build_app(fake, keymap={"move_right": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert calls_to(fake, "update_state") == [("t1", "waiting_on_you")]
        assert app.board_screen.current_ticket_id() == "t1"
        await pilot.press("L")  # the old key is replaced, not kept
        await settle(pilot)
        assert len(calls_to(fake, "update_state")) == 1


async def test_no_color_still_shows_the_cursor(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app()
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app._filters, "NO_COLOR installs a colour filter"
        view = app.board_screen.view(0)

        def title_style(row: int):  # the title segment, after the NO_COLOR filter
            strip = view.render_line(row * 2)
            for line_filter in app._filters:
                strip = strip.apply_filter(line_filter, app.screen.styles.background)
            return strip._segments[-1].style

        cursor, other = title_style(0), title_style(1)
        assert cursor is not None
        assert cursor.bold or cursor.reverse
        assert not (other and (other.bold or other.reverse))
        await pilot.press("j")
        await pilot.pause()
        assert app.board_screen.current_ticket_id() == "t2"
        cursor, other = title_style(1), title_style(0)
        assert cursor is not None
        assert cursor.bold or cursor.reverse
        assert not (other and (other.bold or other.reverse))
