"""`[keys]` remaps every scope, and every place that names a key shows the keys in effect."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Label, Static

from pylon_tui.domain import Priority
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import FakePylon, build_app, calls_to, on_board, screen_text, settle


def _palette_lines(text: str, title: str) -> list[str]:
    """The palette's line for `title` and the help line under it."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if title in line)
    return lines[at : at + 2]


async def test_palette_shows_remapped_keys():
    app = build_app(keymap={"reply": "x"})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Reply")
        await pilot.pause(0.3)
        shown = " ".join(_palette_lines(screen_text(app), "Reply (acknowledge)"))
        assert "key x" in shown
        assert "key r" not in shown


async def test_palette_shows_a_bracket_key_literally():
    app = build_app(keymap={"note": "["})
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"Internal")
        await pilot.pause(0.3)
        assert "key [" in " ".join(_palette_lines(screen_text(app), "Internal note"))
        assert app.is_running


async def test_palette_runs_a_catalogue_action_by_its_action_string():
    fake = FakePylon()
    app = build_app(fake)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")  # t3: no priority
        await pilot.press("ctrl+p")
        await pilot.press(*"Priority: High")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "set_priority") == [("t3", Priority.HIGH)]


async def test_palette_shows_a_view():
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"View: Urgent")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert on_board(app)
        assert app.board_screen.filter.active
        view = app.board_screen.filter.view
        assert view is not None
        assert view.name == "urgent"


async def test_keys_remap_inside_dialogs():
    app = build_app(keymap={"dialog_cancel": "ctrl+g"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        await pilot.press("escape")  # replaced, not kept
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert on_board(app)


async def test_a_remapped_dialog_key_works_and_its_hint_says_so():
    fake = FakePylon()
    app = build_app(fake, keymap={"compose_send": "ctrl+o"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        hint = str(app.screen.query_one("#compose-keys", Label).render())
        assert hint.startswith("ctrl+o send · escape cancel")
        await pilot.press("ctrl+s")  # the default no longer sends
        await pilot.pause()
        assert isinstance(app.screen, ComposeModal)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert on_board(app)
        assert len(calls_to(fake, "reply")) == 1


async def test_one_remap_moves_a_key_on_the_board_and_in_the_detail_screen():
    app = build_app(keymap={"reply": "x", "back": "b"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert " x Reply" in screen_text(app)  # the footer shows the key in effect
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape")  # `back` moved to b
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("b")
        await settle(pilot)
        assert on_board(app)


async def test_help_lists_detail_and_dialog_keys_in_effect():
    app = build_app(keymap={"dialog_cancel": "ctrl+g", "conflict_mine": "y"})
    async with app.run_test(size=(100, 80)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Apply mine" not in screen_text(app)
        assert "tab detail screen and dialog keys" in screen_text(app)
        await pilot.press("tab")
        await pilot.pause()
        text = screen_text(app)
        for description in ("Back", "Apply mine", "Next template", "New issue", "Create"):
            assert description in text
        lines = text.splitlines()
        assert any("ctrl+g" in line and "Cancel" in line for line in lines)
        assert any(" y " in line and "Apply mine" in line for line in lines)
        keys_line = app.screen.query_one("#help-keys", Static).render()
        assert "tab board keys" in str(keys_line)
        await pilot.press("tab")
        await pilot.pause()
        assert "Move to…" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert on_board(app)
