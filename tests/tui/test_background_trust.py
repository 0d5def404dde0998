"""Issue 10 item 1 and its class: background events never take the focus or the keys.

The UX test's B1: the outbox's 2-second drain pushed the conflict dialog over the note being
typed, and the `t` of "attached" ("keep the server's") threw a queued move away. Now a conflict
waits, counted in the status bar, until the user presses `c`; a refresh error, an auto-return
and a send are toasts and status-bar text, never a screen; a card that moves in the background
never takes the cursor to another column.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import TextArea

from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import Services, make_app, services_for
from pylon_tui.domain import Message
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync import ActionQueued, Move
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.conflict import ConflictModal
from pylon_tui.tui.widgets.bars import StatusBar
from tests.sync.test_outbox import Switch

from .fakes import NOW, FakePylon, build_app, exercises, notifications, on_board, screen_strips
from .test_flows import settled

CONFLICTED = 22  # On Hold on ENG-2, which stays open
RETURNS = 23  # On Hold on ENG-12, which the test closes


async def busy_app(tmp_path: Path) -> tuple[PylonApp, Services, Sandbox, Switch, str]:
    """The sandbox behind a switch, a move of #22 queued while Pylon was down and the customer
    writing meanwhile (Pylon takes #22 out of On Hold): the next drain finds a conflict."""
    sandbox = Sandbox(tmp_path / "sb.sqlite3")
    sandbox.ensure_seeded()
    switch = Switch(sandbox)
    services = services_for(
        PylonClient("https://api.usepylon.com", None, transport=switch),
        linear=LinearClient(None, transport=SandboxTransport(sandbox)),
        store=Store(tmp_path / "cache.sqlite3"),
        sandbox=False,
    )
    service = services.service
    await service.load()
    held = next(t for t in service.board.all() if t.number == CONFLICTED)
    switch.down = True
    with pytest.raises(ActionQueued):
        await service.run(Move(held.id, "closed", base_updated_at=held.updated_at))
    sandbox.customer_message(held.id, "<p>Still broken for us</p>")
    switch.down = False
    service.store.make_all_due()
    app = make_app(services, refresh_seconds=0, autoload=False, watch_links=True)
    return app, services, sandbox, switch, held.id


def record_pushes(app: PylonApp) -> list[str]:
    """Every screen pushed from now on, by class name (dialogs awaited by flows included)."""
    pushed: list[str] = []
    push = app.push_screen

    def recording(screen: Screen[Any] | str, *args: Any, **kwargs: Any) -> Any:
        pushed.append(type(screen).__name__)
        return push(screen, *args, **kwargs)

    app.push_screen = recording  # type: ignore[method-assign]
    return pushed


def status_line(app: PylonApp) -> str:
    bar = app.board_screen.query_one(StatusBar)
    return screen_strips(app)[bar.region.y].text


def typed(app: PylonApp) -> str:
    return app.screen.query_one(TextArea).text


async def test_a_note_typed_while_a_conflict_a_refresh_error_and_an_auto_return_arrive(
    tmp_path: Path,
) -> None:
    app, services, sandbox, switch, conflicted = await busy_app(tmp_path)
    service = services.service
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settled(pilot)
            await pilot.press("n")
            await settled(pilot)
            assert isinstance(app.screen, ComposeModal)
            pushed = record_pushes(app)
            await pilot.press(*"see at")

            switch.down = True  # the refresh timer fires while Pylon is unreachable
            app.refresh_board()
            await settled(pilot)
            await pilot.press(*"tached logs")

            switch.down = False  # the next refresh works, and its drain finds the conflict
            app.refresh_board()
            await settled(pilot)
            assert app.flows.conflicts == 1
            await pilot.press(*" m t ")  # the conflict dialog's keys, typed as text

            sandbox.close_linear_issue("ENG-12")  # the next refresh auto-returns #23
            app.refresh_board()
            await settled(pilot)
            await pilot.press(*"done")

            assert pushed == [], "no screen opened by itself"
            assert isinstance(app.screen, ComposeModal)
            assert typed(app) == "see attached logs m t done"
            assert service.pending_count() == 1, "the queued move is still waiting, undecided"
            returned = next(t for t in service.board.all() if t.number == RETURNS)
            assert returned.state == "waiting_on_you"
            toasts = " | ".join(message for _, message in notifications(app))
            assert f"#{RETURNS} is back On You" in toasts
            assert f"#{CONFLICTED} changed on Pylon" in toasts
            assert "#47" not in toasts, "the seed's old close is the baseline, not news"

            await pilot.press("ctrl+s")
            await settled(pilot)
            assert on_board(app)
            assert "⚑ 1 conflict (c)" in status_line(app)
            assert pushed == [], pushed
            server = await service.client.get_issue(conflicted)
            assert server.state == "waiting_on_you", "nothing was decided for the user"
    finally:
        await services.aclose()


@exercises("conflicts")
async def test_a_conflict_waits_for_c_and_later_means_the_next_c(tmp_path: Path) -> None:
    app, services, _, _, conflicted = await busy_app(tmp_path)
    service = services.service
    try:
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settled(pilot)
            app.drain_outbox()  # the 2-second timer's tick
            await settled(pilot)
            assert on_board(app), "found in the background: no dialog"
            assert "⚑ 1 conflict (c)" in status_line(app)
            assert any("press c to decide" in m for _, m in notifications(app))

            await pilot.press("c")
            await settled(pilot)
            assert isinstance(app.screen, ConflictModal)
            await pilot.press("escape")  # later
            await settled(pilot)
            for _ in range(3):  # later is not the next drain
                app.drain_outbox()
                await settled(pilot)
                assert on_board(app)
            assert "⚑ 1 conflict (c)" in status_line(app)
            assert service.pending_count() == 1

            await pilot.press("c")
            await settled(pilot)
            assert isinstance(app.screen, ConflictModal)
            await pilot.press("m")  # apply mine
            await settled(pilot)
            assert on_board(app)
            assert "conflict" not in status_line(app)
            assert service.pending_count() == 0
            assert (await service.client.get_issue(conflicted)).state == "closed"

            await pilot.press("c")
            await settled(pilot)
            assert on_board(app)
            assert any(m == "No conflicts waiting" for _, m in notifications(app))
    finally:
        await services.aclose()


async def test_c_on_the_detail_screen_opens_the_conflicts_too(tmp_path: Path) -> None:
    from pylon_tui.tui.messages import OpenTicket
    from pylon_tui.tui.screens.detail import DetailScreen

    app, services, _, _, conflicted = await busy_app(tmp_path)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            app.board_screen.post_message(OpenTicket(conflicted))
            await settled(pilot)
            app.drain_outbox()
            await settled(pilot)
            assert isinstance(app.screen, DetailScreen)
            await pilot.press("c")
            await settled(pilot)
            assert isinstance(app.screen, ConflictModal)
            await pilot.press("t")  # keep the server's
            await settled(pilot)
            assert isinstance(app.screen, DetailScreen)
            assert services.service.pending_count() == 0
    finally:
        await services.aclose()


async def test_a_card_moved_in_the_background_leaves_the_cursor_in_its_column() -> None:
    """The focused card leaves On Hold on the server (an auto-return, a teammate): the cursor
    stays where the user was looking instead of following it to another column."""
    fake = FakePylon()
    app = build_app(fake)
    async with app.run_test(size=(120, 30)) as pilot:
        await settled(pilot)
        await pilot.press("l", "l")
        board = app.board_screen
        assert board.current_ticket_id() == "t5"
        on_hold = board.cursor.column
        fake.tickets["t5"] = replace(
            fake.tickets["t5"], state="waiting_on_you", updated_at=NOW + timedelta(minutes=1)
        )
        app.refresh_board()
        await settled(pilot)
        assert app.ctx.service.board.get("t5").state == "waiting_on_you"  # type: ignore[union-attr]
        assert board.cursor.column == on_hold

        # The user's own move still takes the cursor along.
        await pilot.press("h")
        await pilot.press("L")
        await settled(pilot)
        assert board.cursor.column == on_hold
        assert board.current_ticket_id() is not None


class SlowThread(FakePylon):
    """The thread takes its time: the reply editor can only open once it has loaded."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def messages(self, issue_id: str) -> list[Message]:
        await self.gate.wait()
        return await super().messages(issue_id)


async def test_a_reply_whose_thread_loads_late_never_lands_on_what_opened_meanwhile():
    """`r` loads the thread before the editor opens; if the user opened the note editor in the
    meantime, the reply editor must not pop up over it and take the rest of the note."""
    fake = SlowThread()
    app = build_app(fake)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settled(pilot)
        await pilot.press("r")  # the thread starts loading
        await pilot.press("n")
        await pilot.pause()
        note = app.screen
        assert isinstance(note, ComposeModal)
        await pilot.press(*"first half ")
        fake.gate.set()  # the thread arrives
        await settled(pilot)
        await pilot.press(*"second half")
        assert app.screen is note
        assert typed(app) == "first half second half"
        assert sum(isinstance(s, ComposeModal) for s in app.screen_stack) == 1
        assert any("was not opened" in m for _, m in notifications(app))

        await pilot.press("escape")
        await settled(pilot)
        await pilot.press("r")  # asked again, from where it was asked: it opens
        await settled(pilot)
        assert isinstance(app.screen, ComposeModal)
        assert typed(app) == "On it!"
