"""Keys typed in a burst reach a dialog in the order they were typed.

Over SSH (and on any busy machine) the terminal hands the app several keys in one read:
text and then ctrl+s, say. Textual runs a dialog's priority key (ctrl+s, escape, ...) as
soon as the app takes it from its queue, while the text keys before it still wait in the
focused field's own queue; the send read the field before they landed and the reply went
out as the bare template (the e2e test over a 100 ms link failed that way under load).

`pilot.press` waits for the app to go idle after every key, so it cannot show this: these
tests post the whole burst to the app's queue at once, as one terminal read does.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual import events
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.widgets import TextArea

from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.tui import key_order
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.tags import TagsModal

from .fakes import FakePylon, calls_to, on_board, sent_replies, settle

NAMED = {" ": "space", "-": "minus"}


def typed_at_once(app: PylonApp, text: str, *keys: str) -> None:
    """`text` then `keys` (ctrl+s, escape, ...) in the app's queue in one go, before any of
    them is handled: what one read of a terminal delivers."""
    for char in text:
        app.post_message(events.Key(NAMED.get(char, char), char))
    for key in keys:
        app.post_message(events.Key(key, None))


def editor_text(app: PylonApp) -> str:
    assert isinstance(app.screen, ComposeModal)
    return app.screen.query_one(TextArea).text


async def open_reply(pilot: Pilot[None], app: PylonApp) -> None:
    await settle(pilot)
    await app.run_action("reply", app.board_screen)
    await settle(pilot)
    assert editor_text(app) == "On it!"
    assert isinstance(app.focused, TextArea), "the editor takes the keys once it shows"


async def test_text_typed_right_before_ctrl_s_is_in_the_reply(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reply(pilot, app)
        typed_at_once(app, " sent over ssh", "ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert sent_replies(fake) == [("t1", text_to_html("On it! sent over ssh"), "m1")]


async def test_text_typed_right_before_escape_is_in_the_kept_draft(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reply(pilot, app)
        typed_at_once(app, " half a thought", "escape")
        await settle(pilot)
        assert on_board(app)
        assert app.ctx.service.draft("t1", "reply") == "On it! half a thought"


async def test_keys_after_ctrl_s_stay_out_of_the_reply(app: PylonApp, fake: FakePylon):
    """The send acts on what was typed before it, not on what followed it (here `j`,
    meant for the board once the editor closes)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reply(pilot, app)
        typed_at_once(app, " done", "ctrl+s")
        typed_at_once(app, "j")
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html("On it! done"), "m1")]
        assert on_board(app)
        assert app.board_screen.current_ticket_id() == "t2", "j moved down on the board"


async def test_text_typed_as_the_editor_opens_is_all_in_it(app: PylonApp):
    """The dialog is on the screen stack before it has focused its field: the first keys
    would go to the dialog itself, which types nothing (the first letters went missing)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        answers: list[str | None] = []
        app.push_screen(ComposeModal("Reply to #1", text="On it!"), answers.append)
        typed_at_once(app, " typed at once", "ctrl+s")
        await settle(pilot)
        assert answers == ["On it! typed at once"]


async def test_a_tag_typed_and_entered_right_before_ctrl_s_is_saved(app: PylonApp, fake: FakePylon):
    """The tag editor ticks a typed tag when the field says it was submitted (a message to
    the dialog): ctrl+s waits for that too, not only for the letters."""
    fake.tickets["t1"] = replace(fake.tickets["t1"], tags=("sso",))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.run_action("tags", app.board_screen)
        await settle(pilot)
        assert isinstance(app.screen, TagsModal)
        typed_at_once(app, "needs-repro", "enter", "ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert calls_to(fake, "set_tags") == [("t1", ("sso", "needs-repro"))]


async def test_a_marker_that_never_comes_back_holds_keys_only_for_the_bound(
    app: PylonApp, fake: FakePylon, monkeypatch: pytest.MonkeyPatch
):
    """Should the catch-up never finish (a bug), the keys still act, late, in order."""
    stuck = MessagePump()  # never started: what is queued on it is never handled
    monkeypatch.setattr(key_order, "marker_path", lambda app, screen: [stuck])
    monkeypatch.setattr(key_order, "CATCH_UP_SECONDS", 1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_reply(pilot, app)
        typed_at_once(app, " late", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposeModal), "held while the marker is out"
        assert [getattr(e, "key", None) for e in app.key_gate.held] == ["ctrl+s"]
        await pilot.pause(1.2)
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html("On it! late"), "m1")]


async def test_board_keys_never_wait(app: PylonApp):
    """The gate is for dialogs: on the board every key goes straight on (its latency is
    measured by bench/), even right after another."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not key_order.needs_catch_up(app, events.Key("escape", None))
        typed_at_once(app, "j", "up")
        await settle(pilot)
        assert app.board_screen.cursor.rows[0] == 0, "down and back up, both keys handled"
