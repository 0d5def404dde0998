"""Issue 10 item 5 on the real board: reply and note drafts are kept per ticket in the cache,
restored on `r`/`n` (also after a restart), dropped once a send is recorded, and kept (in
memory) when the cache refuses to record the send."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label, TextArea

from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from tests.sync.faultrig import FailingDisk

from .fakes import (
    NOW,
    FakePylon,
    notifications,
    on_board,
    sent_notes,
    sent_replies,
    settle,
)

FULL = "database or disk is full"


def app_over(path: Path, fake: FakePylon | None = None) -> PylonApp:
    """The board over a cache file, as a restart would open it."""
    from pylon_tui.bootstrap import make_app, services_for

    store = Store.open(path).store
    services = services_for(
        fake or FakePylon(), me_email="sam@example.com", now=lambda: NOW, store=store
    )
    return make_app(
        services, now=lambda: NOW, refresh_seconds=0, templates={"acknowledge": "On it!"}
    )


def editor(app: PylonApp) -> TextArea:
    assert isinstance(app.screen, ComposeModal)
    return app.screen.query_one(TextArea)


def restored_note(app: PylonApp) -> str:
    found = app.screen.query("#compose-note")
    return str(found.first(Label).render()) if found else ""


async def test_escape_keeps_the_reply_and_r_brings_it_back(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*" Looking into the export now")
        await pilot.press("escape")
        await settle(pilot)
        assert on_board(app)
        assert any(m.startswith("Draft kept") for _, m in notifications(app))
        assert fake.replies == []

        await pilot.press("r")
        await settle(pilot)
        assert editor(app).text == "On it! Looking into the export now"
        assert "Restored your draft" in restored_note(app)


async def test_drafts_are_per_ticket_and_per_kind(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"note on t1", "escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert editor(app).text == "On it!", "the note's draft is not the reply's"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("j", "n")
        await settle(pilot)
        assert editor(app).text == "", "another ticket has its own draft"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("k", "n")
        await settle(pilot)
        assert editor(app).text == "note on t1"


async def test_a_draft_survives_a_restart_over_the_same_cache(tmp_path: Path):
    path = tmp_path / "cache.sqlite3"
    first = app_over(path)
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*" - fixed in 4.2")
        await pilot.press("escape")
        await settle(pilot)
    first.ctx.service.store.close()

    fake = FakePylon()
    second = app_over(path, fake)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert editor(second).text == "On it! - fixed in 4.2"
        assert "Restored your draft" in restored_note(second)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_replies(fake) == [("t1", text_to_html("On it! - fixed in 4.2"), "m1")]
        assert second.ctx.service.draft("t1", "reply") is None, "a recorded send drops it"
    second.ctx.service.store.close()
    assert Store.open(path).store.read_draft("t1", "reply") is None, "from the file too"


async def test_a_draft_typed_while_the_app_quits_is_kept(tmp_path: Path):
    path = tmp_path / "cache.sqlite3"
    app = app_over(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"half a thought")
        app.exit()
        await pilot.pause()
    app.ctx.service.store.close()
    assert Store.open(path).store.read_draft("t1", "note") == "half a thought"


async def test_ctrl_t_inserts_the_template_into_a_draft_and_ctrl_z_undoes_it(app: PylonApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.ctx.service.save_draft("t1", "reply", "Hi Dana,")
        await pilot.press("r")
        await settle(pilot)
        assert editor(app).text == "Hi Dana,", "the draft wins over the template"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert editor(app).text == "Hi Dana,\n\nOn it!"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor(app).text == "Hi Dana,"


async def test_sending_a_note_drops_its_draft(app: PylonApp, fake: FakePylon):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Checked logs", "escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_notes(fake) == [("t1", text_to_html("Checked logs"))]
        await pilot.press("n")
        await settle(pilot)
        assert editor(app).text == ""


async def test_a_reply_the_full_disk_refuses_keeps_its_text(app: PylonApp, fake: FakePylon):
    service = app.ctx.service
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        disk = FailingDisk(service.store, FULL)
        disk.failing = True
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*" Rolling out the fix today")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert service.pending_count() == 0
        assert fake.replies == []
        said = dict(notifications(app))
        assert said["Not saved"].startswith("Could not save")
        assert "kept as its draft in memory only" in said["Draft kept"]

        await pilot.press("r")
        await settle(pilot)
        assert editor(app).text == "On it! Rolling out the fix today", "nothing was lost"

        disk.failing = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sent_replies(fake) == [
            ("t1", text_to_html("On it! Rolling out the fix today"), "m1")
        ]
        assert service.draft("t1", "reply") is None


async def test_a_read_only_cache_keeps_a_refused_note_for_the_session(tmp_path: Path):
    path = tmp_path / "cache.sqlite3"
    Store.open(path).store.close()
    from pylon_tui.bootstrap import make_app, services_for

    fake = FakePylon()
    store = Store(path, read_only=True)
    services = services_for(fake, me_email="sam@example.com", now=lambda: NOW, store=store)
    app = make_app(services, now=lambda: NOW, refresh_seconds=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"cannot be written")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert fake.notes == []
        assert "Draft kept" in dict(notifications(app))
        await pilot.press("n")
        await settle(pilot)
        assert editor(app).text == "cannot be written"
