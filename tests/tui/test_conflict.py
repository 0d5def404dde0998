"""The conflict dialog: a queued change meets a ticket that changed on the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import make_app, services_for
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.intents import Move
from pylon_tui.sync.outbox import ActionQueued
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.conflict import ConflictModal
from tests.sync.test_outbox import Switch

from .fakes import wait_for_background


async def conflicted_app(tmp_path: Path) -> tuple[PylonApp, BoardService, str, Switch]:
    sandbox = Sandbox(tmp_path / "sb.sqlite3")
    sandbox.ensure_seeded()
    switch = Switch(sandbox)
    client = PylonClient("https://api.usepylon.com", None, transport=switch)
    services = services_for(client, store=Store(tmp_path / "cache.sqlite3"), sandbox=False)
    service = services.service
    await service.load()
    hold = next(t for t in service.board.all() if t.state == "on_hold")
    switch.down = True
    with pytest.raises(ActionQueued):
        await service.run(Move(hold.id, "closed", base_updated_at=hold.updated_at))
    sandbox.customer_message(hold.id, "<p>Still broken for us</p>")
    switch.down = False
    service.store.make_all_due()
    app = make_app(services, refresh_seconds=0, autoload=False)
    return app, service, hold.id, switch


async def settle(app: PylonApp, pilot: object) -> None:
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await wait_for_background(app)


@pytest.mark.parametrize(("key", "final"), [("m", "closed"), ("t", "waiting_on_you")])
async def test_conflict_shows_both_versions_and_applies_the_choice(
    tmp_path: Path, key: str, final: str
) -> None:
    app, service, ticket_id, _ = await conflicted_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.drain_outbox()
        await settle(app, pilot)
        assert not isinstance(app.screen, ConflictModal), "it waits for the user to ask"
        await pilot.press("c")
        await settle(app, pilot)
        modal = app.screen
        assert isinstance(modal, ConflictModal)
        mine = str(modal.query_one("#conflict-mine").render())
        theirs = str(modal.query_one("#conflict-theirs").render())
        assert "closed" in mine.lower()
        assert "on you" in theirs.lower()
        await pilot.press(key)
        await settle(app, pilot)
        assert not isinstance(app.screen, ConflictModal)
        assert service.pending_count() == 0
        assert (await service.client.get_issue(ticket_id)).state == final
        assert service.board.get(ticket_id).state == final  # type: ignore[union-attr]


async def test_later_keeps_it_queued_until_the_user_asks_again(tmp_path: Path) -> None:
    app, service, _, _ = await conflicted_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.drain_outbox()
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictModal)
        await pilot.press("escape")
        await settle(app, pilot)
        assert service.pending_count() == 1
        app.drain_outbox()
        await settle(app, pilot)
        assert not isinstance(app.screen, ConflictModal), "later is not the next drain"
        assert app.flows.conflicts == 1
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictModal), "a postponed conflict is asked again"
