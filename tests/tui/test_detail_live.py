"""Issue 10 item 8: the detail screen stays true while it is open, and `?` works there.

The UX test's B10: after linking ENG-11 from #56's detail, "Linked issues" still showed only
ENG-12, even after a 30 s refresh; after a reply moved the ticket, "Status: Waiting on You"
stayed. The detail now redraws after its own actions and on every sync, and reads the thread
again when the ticket changed on Pylon (not on every sync: messages have the smallest budget).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from textual.widgets import Static

from pylon_tui.bootstrap import make_app
from pylon_tui.domain import Message
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.messages import OpenTicket
from pylon_tui.tui.modals.create_issue import CreateIssueModal
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.modals.hold import HoldModal
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import NOW, FakePylon, build_app, calls_to, screen_text
from .test_flows import sandbox_services, settled


def fields(app: PylonApp) -> str:
    return str(app.screen.query_one("#detail-fields", Static).render())


def thread(app: PylonApp) -> str:
    return str(app.screen.query_one("#detail-thread", Static).render())


class CustomerWrites(FakePylon):
    """The customer can write while the detail is open: Pylon moves the ticket back."""

    def __init__(self) -> None:
        super().__init__()
        self.extra: list[Message] = []

    async def messages(self, issue_id: str) -> list[Message]:
        return [*await super().messages(issue_id), *self.extra]


async def test_every_sync_redraws_the_detail_and_rereads_the_thread_only_when_it_changed():
    fake = CustomerWrites()
    app = build_app(fake)
    async with app.run_test(size=(100, 40)) as pilot:
        await settled(pilot)
        app.board_screen.post_message(OpenTicket("t3"))
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Status  On You" in fields(app)
        reads = len(calls_to(fake, "messages"))

        app.refresh_board()  # a sync that brings nothing for this ticket
        await settled(pilot)
        assert len(calls_to(fake, "messages")) == reads, "no change, no thread read"

        fake.tickets["t3"] = replace(
            fake.tickets["t3"],
            state="closed",
            assignee_id="u2",
            updated_at=NOW + timedelta(minutes=5),
        )
        fake.extra.append(Message("m9", "<p>Fixed on our side, thanks</p>", NOW, "Dana"))
        app.refresh_board()
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert "Status  Closed" in fields(app)
        assert "Assignee  Alex" in fields(app)
        assert "Fixed on our side" in thread(app)
        assert len(calls_to(fake, "messages")) == reads + 1


async def test_a_link_made_on_the_detail_screen_shows_there_at_once(tmp_path: Path) -> None:
    """B10's steps: `i` on the detail, link an issue, and "Linked issues" shows it without
    leaving the screen or waiting for a refresh."""
    services, _ = await sandbox_services(tmp_path, automations=False)
    service = services.service
    ticket = next(
        t for t in service.board.all() if t.state == "waiting_on_you" and not t.has_tracking_link()
    )
    app = make_app(services, refresh_seconds=0, autoload=False)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            app.board_screen.post_message(OpenTicket(ticket.id))
            await settled(pilot)
            assert "none (press i to link one)" in fields(app)
            await pilot.press("i")
            await settled(pilot)
            hold = app.screen
            assert isinstance(hold, HoldModal)
            await pilot.press("ctrl+n")  # a new issue, created from inside the link dialog
            await settled(pilot)
            assert isinstance(app.screen, CreateIssueModal)
            await pilot.press("ctrl+s")
            await settled(pilot)
            created = hold.chosen
            assert created is not None
            await pilot.press("ctrl+s")
            await settled(pilot)
            assert isinstance(app.screen, DetailScreen)
            assert created.identifier in fields(app)
            assert "none (press i to link one)" not in fields(app)
    finally:
        await services.aclose()


async def test_question_mark_on_the_detail_screen_opens_help_on_its_keys():
    app = build_app()
    async with app.run_test(size=(100, 60)) as pilot:
        await settled(pilot)
        app.board_screen.post_message(OpenTicket("t1"))
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Detail screen" in text
        assert "Apply mine" in text, "the dialogs' keys are on the same page"
        assert "tab board keys" in text
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
