"""The reply/note dialog never throws text away (issue 10 item 5), on its own: a draft slot
backed by a dict stands in for the cache (the flows' wiring is in test_drafts_flows.py)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import Label, TextArea

from pylon_tui.tui.modals.compose import DRAFT_SAVE_DELAY, ComposeModal, DraftSlot

from .fakes import notifications

TEMPLATES = {"acknowledge": "On it!", "thanks": "Thanks for your patience."}


class Slot:
    """One ticket's draft, with every call recorded; `durable` False = the disk refuses."""

    def __init__(self, text: str | None = None, *, durable: bool = True) -> None:
        self.text = text
        self.durable = durable
        self.saves: list[str] = []
        self.drops = 0

    def save(self, text: str) -> bool:
        self.saves.append(text)
        self.text = text
        return self.durable

    def drop(self) -> None:
        self.drops += 1
        self.text = None

    def slot(self) -> DraftSlot:
        return DraftSlot(load=lambda: self.text, save=self.save, drop=self.drop)


class Host(App[None]):
    def __init__(self, modal: ComposeModal) -> None:
        super().__init__()
        self.modal = modal
        self.answers: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.answers.append)


def compose(slot: Slot | None, text: str = "On it!") -> Host:
    drafts = slot.slot() if slot is not None else None
    return Host(ComposeModal("Reply to #7", text=text, templates=TEMPLATES, drafts=drafts))


def area(app: App[Any]) -> TextArea:
    return app.screen.query_one(TextArea)


async def test_a_saved_draft_wins_over_the_template_and_says_so() -> None:
    app = compose(Slot("my half-written answer"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert area(app).text == "my half-written answer"
        note = app.screen.query_one("#compose-note", Label)
        assert "Restored your draft" in str(note.render())
        keys = str(app.screen.query_one("#compose-keys", Label).render())
        assert "escape cancel (draft kept)" in keys
        assert "ctrl+t insert template" in keys


async def test_without_a_draft_the_template_shows_and_nothing_claims_a_restore() -> None:
    app = compose(Slot())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert area(app).text == "On it!"
        assert not app.screen.query("#compose-note")


async def test_typing_saves_the_draft_once_the_typing_pauses() -> None:
    slot = Slot()
    app = compose(slot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*" Looking")
        assert slot.saves == [], "not a write per key"
        await pilot.pause(DRAFT_SAVE_DELAY + 0.3)
        assert slot.saves == ["On it! Looking"]


async def test_escape_keeps_the_draft_and_says_so() -> None:
    slot = Slot()
    app = compose(slot)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press(*" now")
        await pilot.press("escape")
        await pilot.pause()
        assert app.answers == [None]
        assert slot.text == "On it! now", "saved at once, not after the delay"
        assert any(m.startswith("Draft kept") for _, m in notifications(app))


async def test_escape_on_an_untouched_template_keeps_no_draft() -> None:
    slot = Slot()
    app = compose(slot)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert slot.text is None
        assert slot.saves == []
        assert not any("Draft kept" in m for _, m in notifications(app))


async def test_clearing_the_text_drops_the_draft() -> None:
    slot = Slot("old words")
    app = compose(slot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area(app).clear()
        await pilot.press("escape")
        await pilot.pause()
        assert slot.text is None
        assert slot.drops >= 1


async def test_ctrl_t_inserts_at_the_cursor_and_ctrl_z_takes_it_back() -> None:
    slot = Slot("Hi Dana,")
    app = compose(slot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert area(app).text == "Hi Dana,\n\nOn it!", "inserted after the words, not over them"
        await pilot.press("ctrl+t")  # again at once: swapped for the next, not piled up
        await pilot.pause()
        assert area(app).text == "Hi Dana,\n\nThanks for your patience."
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert area(app).text == "Hi Dana,\n\nOn it!"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert area(app).text == "Hi Dana,", "the user's words are back as typed"
        await pilot.press("escape")
        await pilot.pause()
        assert slot.text == "Hi Dana,"


async def test_ctrl_t_goes_in_where_the_cursor_is() -> None:
    app = compose(Slot("Hello\n\nBye"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area(app).move_cursor((1, 0))  # the blank line between the two words
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert area(app).text == "Hello\n\nOn it!\nBye"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert area(app).text == "Hello\n\nBye"


async def test_ctrl_t_on_the_prefilled_template_cycles_and_undoes() -> None:
    app = compose(Slot())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert area(app).text == "Thanks for your patience."
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert area(app).text == "On it!"


async def test_send_keeps_the_text_until_the_caller_knows_it_is_queued() -> None:
    slot = Slot()
    app = compose(slot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*" soon")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.answers == ["On it! soon"]
        assert slot.text == "On it! soon", "the flow drops it once the send is recorded"


async def test_a_draft_the_disk_refuses_is_kept_in_memory_and_the_user_told() -> None:
    slot = Slot(durable=False)
    app = compose(slot)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press(*" x")
        await pilot.press("escape")
        await pilot.pause()
        assert slot.text == "On it! x"
        said = [m for _, m in notifications(app)]
        assert any("memory only" in m and "until you quit" in m for m in said)


async def test_quitting_with_the_dialog_open_keeps_the_last_keys() -> None:
    slot = Slot()
    app = compose(slot)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*" bye")
        app.exit()
        await pilot.pause()
    assert slot.text == "On it! bye"


async def test_without_a_slot_the_dialog_works_as_before() -> None:
    app = compose(None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = str(app.screen.query_one("#compose-keys", Label).render())
        assert "escape cancel" in keys
        assert "draft" not in keys
        await pilot.press(*" x", "escape")
        await pilot.pause()
        assert app.answers == [None]
