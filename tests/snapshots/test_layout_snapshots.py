"""Issue 11: the board at the sizes its layout changes at, in 16 colours and NO_COLOR.

80x24 (four columns and the preview strip), 60x20 (one column with tabs), 120x40 (four
columns), 200x60 (more card fields and the detail pane). The focus is moved first (`j`,
`l`), so the remembered row in New and the one focused card both show. Same frozen clock and
timezone as test_snapshots.py. Regenerate with `pytest tests/snapshots --snapshot-update`
and look at the SVGs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from tests.tui.fakes import build_app, settle

SIZES = [(80, 24), (60, 20), (120, 40), (200, 60)]


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def _focus_moved(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("j", "l")
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_board_16_colours(snap_compare, size: tuple[int, int]):
    app = build_app(sixteen_colours=True)
    assert app.theme == "pylon-ansi"
    assert snap_compare(app, terminal_size=size, run_before=_focus_moved)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_board_no_color(snap_compare, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=size, run_before=_focus_moved)
