"""Untrusted text (titles, names, messages) is drawn literally and never reaches the terminal
as markup or escape sequences."""

from __future__ import annotations

from dataclasses import replace

from pylon_tui.domain import Message
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import NOW, FakePylon, build_app, screen_strips, screen_text, settle

MARKUP = "[bold red]x[/]"
CONTROL = ("\x1b", "\x07", "\x9b")


def assert_no_control(strips) -> None:
    for strip in strips:
        for segment in strip:
            assert not any(c in segment.text for c in CONTROL), repr(segment.text)


class EvilPylon(FakePylon):
    """Short hostile titles (so they fit a card) and a hostile message thread."""

    def __init__(self) -> None:
        super().__init__()
        self.tickets["t2"] = replace(self.tickets["t2"], title=MARKUP)
        self.tickets["t4"] = replace(self.tickets["t4"], title="\x1b]52;c;ZXZpbA==\x07ok")

    async def messages(self, issue_id: str) -> list[Message]:
        self._check("messages", issue_id)
        return [
            Message(
                "m1",
                "<p>[blink]hi[/] \x1b[2J <script>alert(1)</script></p>",
                NOW,
                "[red]Mallory[/] \x1b]0;pwned\x07",
                is_customer=True,
            )
        ]


async def test_board_cards_show_markup_literally_and_drop_escapes():
    app = build_app(EvilPylon())
    async with app.run_test(size=(120, 24)) as pilot:  # a card holds the whole title
        await settle(pilot)
        screen = app.board_screen
        assert screen.views[0][1].title == MARKUP
        assert screen.views[1][0].id == "t4"
        cards = [screen.view(0).render_line(2), screen.view(1).render_line(0)]
        assert f"#2 {MARKUP}" in cards[0].text
        assert "#4 " in cards[1].text
        assert_no_control(cards)
        text = screen_text(app)
        assert MARKUP in text
        assert_no_control(screen_strips(app))


async def test_default_fixture_titles_are_inert_on_a_wide_board(app: PylonApp):
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        await pilot.press("p")  # the detail pane closed: four 50-cell columns
        await pilot.pause()
        text = screen_text(app)
        assert "#2 Export fails with [bold red]x[/] in CSV" in text
        assert "Dashboard slow" in text
        assert "for EU users" in text
        assert_no_control(screen_strips(app))


async def test_detail_shows_hostile_title_and_thread_literally():
    app = build_app(EvilPylon())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert f"#2 {MARKUP}" in text
        assert "[blink]hi[/]" in text
        assert "[red]Mallory[/]" in text
        assert_no_control(screen_strips(app))


async def test_detail_of_the_osc52_title_has_no_escape():
    app = build_app(EvilPylon())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticket_id == "t4"
        assert "ok" in screen_text(app)
        assert_no_control(screen_strips(app))


async def test_pickers_show_hostile_titles_literally():
    fake = EvilPylon()
    fake.tickets["t7"] = replace(fake.tickets["t7"], title=f"{MARKUP} \x1b[31mred")
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert MARKUP in screen_text(app)
        assert_no_control(screen_strips(app))
