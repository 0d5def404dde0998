"""Tickets the server sent malformed are not silently missing: the status bar says so."""

from __future__ import annotations

from pylon_tui.api.skipped import SkippedTickets
from pylon_tui.domain import Ticket

from .fakes import FakePylon, build_app, settle


class SkippingPylon(FakePylon):
    """Like PylonClient: each search resets the count of tickets it could not read."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped = SkippedTickets()
        self.broken = 2

    async def search_issues(self, filter: dict[str, object], *, limit: int = 999) -> list[Ticket]:
        self.skipped = SkippedTickets()
        for _ in range(self.broken):
            self.skipped.add("number is not an integer")
        return await super().search_issues(filter, limit=limit)


async def test_status_bar_names_skipped_tickets_until_a_clean_full_load() -> None:
    fake = SkippingPylon()
    app = build_app(fake)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        assert "skipped 2 tickets with unusable data" in screen.sync_text
        fake.broken = 0
        await app.ctx.service.reconcile()
        await pilot.press("R")
        await settle(pilot)
        assert "skipped" not in screen.sync_text
        assert screen.sync_text.startswith("synced")
