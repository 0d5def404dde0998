"""Working a ticket: priority, detail, reply, note, assign, link and copy."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static, TextArea

from pylon_tui.domain import Priority
from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.picker import PickerModal
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import (
    FakePylon,
    calls_to,
    exercises,
    notifications,
    on_board,
    screen_text,
    sent_notes,
    sent_replies,
    settle,
)

PRIORITY_KEYS = [
    ("1", Priority.URGENT),
    ("2", Priority.HIGH),
    ("3", Priority.MEDIUM),
    ("4", Priority.LOW),
]


@exercises("priority_urgent", "priority_high", "priority_medium", "priority_low")
@pytest.mark.parametrize(("key", "priority"), PRIORITY_KEYS)
async def test_number_keys_set_priority(
    app: PylonApp, fake: FakePylon, key: str, priority: Priority
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")  # t3: no priority
        assert app.board_screen.current_ticket_id() == "t3"
        await pilot.press(key)
        await settle(pilot)
        assert calls_to(fake, "set_priority") == [("t3", priority)]
        assert app.ctx.service.board.get("t3").priority is priority  # type: ignore[union-attr]
        assert fake.tickets["t3"].priority is priority


@exercises("priority_clear")
async def test_zero_clears_priority(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.board_screen.current_ticket_id() == "t1"  # urgent
        await pilot.press("0")
        await settle(pilot)
        assert calls_to(fake, "set_priority") == [("t1", None)]
        assert app.ctx.service.board.get("t1").priority is None  # type: ignore[union-attr]


async def test_focus_stays_on_a_ticket_whose_priority_reorders_the_column(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        assert app.board_screen.current_ticket_id() == "t2"
        await pilot.press("1")  # t2 becomes urgent and waited longer, so it sorts above t1
        await settle(pilot)
        assert app.board_screen.current_ticket_id() == "t2"


async def test_focus_stays_on_its_ticket_when_a_refresh_inserts_above(
    app: PylonApp, fake: FakePylon
):
    from dataclasses import replace
    from datetime import timedelta

    from .fakes import NOW

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.board_screen.current_ticket_id() == "t1"
        older = replace(
            fake.tickets["t1"],
            id="t9",
            number=9,
            title="Older urgent",
            created_at=NOW - timedelta(days=1),
        )
        fake.tickets["t9"] = older
        await pilot.press("R")
        await settle(pilot)
        assert [t.id for t in app.board_screen.views[0]][:2] == ["t9", "t1"]
        assert app.board_screen.current_ticket_id() == "t1"


@exercises("open_detail")
async def test_enter_opens_the_detail_with_the_title_as_plain_text(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.ticket_id == "t2"
        text = screen_text(app)
        assert "#2 Export fails with [bold red]x[/] in CSV" in text
        assert "Acme Corp" in text
        # the thread loaded and its HTML was turned into text
        assert "Hello, help please" in text
        assert "Dana Customer" in text
        assert "<p>" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert on_board(app)
        assert app.board_screen.current_ticket_id() == "t2"


@exercises("reply")
async def test_reply_prefills_the_template_and_sends_to_the_last_customer_message(
    app: PylonApp, fake: FakePylon
):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        area = app.screen.query_one(TextArea)
        assert area.text == "On it!"
        assert area.has_focus
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert sent_replies(fake) == [("t1", text_to_html("On it!"), "m1")]
        assert "<" in fake.replies[0][1]  # sent as HTML, not bare text


async def test_reply_text_can_be_edited_before_sending(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"Ok")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html("On it!Ok"), "m1")]


async def test_reply_escape_sends_nothing(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert on_board(app)
        assert fake.replies == []
        assert calls_to(fake, "reply") == []


@exercises("note")
async def test_note_sends_an_internal_note(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "n")
        await pilot.pause()
        assert isinstance(app.screen, ComposeModal)
        assert app.screen.query_one(TextArea).text == ""
        await pilot.press("ctrl+s")  # empty: refused, modal stays
        await pilot.pause()
        assert isinstance(app.screen, ComposeModal)
        await pilot.press(*"Noted")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_notes(fake) == [("t2", text_to_html("Noted"))]
        assert fake.replies == []


async def test_reply_from_the_detail_screen(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert sent_replies(fake) == [("t1", text_to_html("On it!"), "m1")]


@exercises("assign")
async def test_assign_picker(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(160, 24)) as pilot:  # wide enough to show the assignee
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[0] == "✓ Unassign  unassigned now"  # t1 has nobody: marked as current
        assert any(label.strip().startswith("Alex Agent") for label in labels)
        assert any(label.strip().startswith("Sam Support") for label in labels)
        await pilot.press(*"al", "enter")
        await settle(pilot)
        assert calls_to(fake, "assign") == [("t1", "u2")]
        assert app.ctx.service.board.get("t1").assignee_id == "u2"  # type: ignore[union-attr]
        await pilot.pause()
        assert "Alex" in app.board_screen.view(0).render_line(1).text


async def test_assign_picker_can_unassign(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")  # t3, assigned to u1
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")  # first option: Unassign
        await settle(pilot)
        assert calls_to(fake, "assign") == [("t3", None)]


@exercises("assign_me")
async def test_assign_to_me(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert calls_to(fake, "assign") == [("t1", "u1")]


async def test_assign_to_me_without_me_email_explains(fake: FakePylon):
    from .fakes import build_app

    app = build_app(fake, me_email=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert calls_to(fake, "assign") == []
        assert any("me_email" in message for _, message in notifications(app))


@exercises("link")
async def test_link_key_writes_nothing_by_itself(app: PylonApp, fake: FakePylon):
    """The link dialog is tested elsewhere; here: `i` responds and sends no write on its own."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        responded = not on_board(app) or notifications(app)
        assert responded
        writes = {"update_state", "link_external_issue", "assign", "set_priority"}
        assert [name for name, _ in fake.calls if name in writes] == []


@exercises("copy_link")
async def test_copy_link(app: PylonApp, monkeypatch: pytest.MonkeyPatch):
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "y")
        await pilot.pause()
        assert copied == ["https://app.usepylon.com/issues?issueNumber=2"]
        assert any("issueNumber=2" in message for _, message in notifications(app))


async def test_detail_shows_fields(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "enter")  # t5, linked
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        fields = app.screen.query_one("#detail-fields", Static)
        assert fields is not None
        text = screen_text(app)
        assert "#5 API 500 on bulk import" in text
        assert "On Hold" in text
        assert "ENG-12" in text or "lin-1" in text
