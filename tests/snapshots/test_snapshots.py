"""SVG snapshots of the board, the detail screen and the help screen at 80x24.

The clock is frozen (fakes.NOW), the refresh timer is off and the local timezone is pinned,
so the "synced HH:MM:SS" stamp and every age are the same on every machine.
Regenerate with `pytest tests/snapshots --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from pylon_tui.tui.app import PylonApp
from tests.tui.fakes import build_app, settle

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _app() -> PylonApp:
    app = build_app()
    assert app.ctx.refresh_seconds == 0  # no timer ticking while the picture is taken
    return app


def test_board(snap_compare):
    async def loaded(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=loaded)


def test_detail(snap_compare):
    async def open_detail(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=open_detail)


def test_help(snap_compare):
    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=open_help)
