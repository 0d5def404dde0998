"""Issue 10 item 8, second half: `?` works in every dialog, and help lists the dialogs' keys.

Decision (README, help, `[keys]` name `dialog_help`): `?` and `f1` open help in every dialog,
on the page of the detail screen's and dialogs' keys. Neither is a priority binding, so in a
dialog with a text field `?` is typed there as usual (a reply may ask a question) and `f1`,
which types nothing, opens help from inside the field. Closing help gives the dialog back as
it was.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, TextArea

from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.conflict import ConflictModal
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.modals.picker import PickerModal

from .fakes import build_app, screen_text
from .test_background_trust import busy_app
from .test_flows import settled


def help_is_on_dialog_keys(app: PylonApp) -> bool:
    text = screen_text(app)
    return isinstance(app.screen, HelpScreen) and "Any dialog" in text and "Apply mine" in text


async def test_question_mark_in_the_conflict_dialog_opens_help_and_gives_it_back(
    tmp_path: Path,
) -> None:
    app, services, _, _, _ = await busy_app(tmp_path)
    try:
        async with app.run_test(size=(100, 60)) as pilot:
            await settled(pilot)
            app.drain_outbox()
            await settled(pilot)
            await pilot.press("c")
            await settled(pilot)
            dialog = app.screen
            assert isinstance(dialog, ConflictModal)
            await pilot.press("question_mark")
            await settled(pilot)
            assert help_is_on_dialog_keys(app)
            await pilot.press("escape")  # closes help, not the dialog under it
            await settled(pilot)
            assert app.screen is dialog
            assert services.service.pending_count() == 1, "nothing was decided meanwhile"
    finally:
        await services.aclose()


async def test_in_the_note_editor_question_mark_types_and_f1_opens_help():
    app = build_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settled(pilot)
        await pilot.press("n")
        await settled(pilot)
        dialog = app.screen
        assert isinstance(dialog, ComposeModal)
        await pilot.press(*"why?")
        assert dialog.query_one(TextArea).text == "why?"
        assert app.screen is dialog
        await pilot.press("f1")
        await settled(pilot)
        assert help_is_on_dialog_keys(app)
        await pilot.press("escape")
        await settled(pilot)
        assert app.screen is dialog
        await pilot.press("!")
        assert dialog.query_one(TextArea).text == "why?!", "the text and the focus are kept"


async def test_in_a_picker_question_mark_narrows_and_f1_opens_help():
    app = build_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settled(pilot)
        await pilot.press("m")  # move to…
        await settled(pilot)
        dialog = app.screen
        assert isinstance(dialog, PickerModal)
        await pilot.press("question_mark")
        assert dialog.query_one(Input).value == "?"
        await pilot.press("f1")
        await settled(pilot)
        assert help_is_on_dialog_keys(app)
        await pilot.press("question_mark")  # `?` closes help too
        await settled(pilot)
        assert app.screen is dialog
