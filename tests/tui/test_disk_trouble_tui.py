"""On a full disk the board keeps working: a move is refused with a toast that says it was
not saved, why and how to fix it (the card stays put), and the status bar says the cache is
read-only until writes work again."""

from __future__ import annotations

from pylon_tui.sync.service import BoardService
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.widgets.bars import StatusBar
from tests.sync.faultrig import FailingDisk

from .fakes import build_app, column_ids, notifications, settle

FULL = "database or disk is full"


def status(app: PylonApp) -> str:
    return str(app.board_screen.query_one(StatusBar).render())


async def test_a_full_disk_refuses_a_move_visibly_and_shows_a_banner() -> None:
    app = build_app()
    service: BoardService = app.ctx.service
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        disk = FailingDisk(service.store, FULL)
        disk.failing = True
        before = column_ids(app)
        await pilot.press("L")
        await settle(pilot)
        assert column_ids(app) == before, "the card did not move: nothing was saved"
        assert service.pending_count() == 0
        [message] = [m for t, m in notifications(app) if t == "Not saved"]
        assert message.startswith("Could not save move #")
        assert "is full" in message
        assert "Nothing was changed. Fix: free some space" in message

        await pilot.press("R")
        await settle(pilot)
        assert "changes can't be saved" in status(app)
        assert app.is_running

        disk.failing = False
        await pilot.press("R")
        await settle(pilot)
        assert "can't be saved" not in status(app), "the banner goes once the disk has room"
        await pilot.press("L")
        await settle(pilot)
        assert column_ids(app) != before, "and changes work again"
