"""The board screen hands the view model's frames to the columns and draws nothing else:
a cursor key touches one column, a column hop two, a card move the two columns involved
from their first changed rows. (What the frames say is tested in tests/unit/test_board_view.)"""

from __future__ import annotations

import pytest

from pylon_tui.tui.view import ColumnFrame
from pylon_tui.tui.widgets.column import ColumnView

from .fakes import build_app, settle


async def test_keys_draw_only_the_columns_their_frames_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[tuple[int, int | None]] = []
    show = ColumnView.show

    def spy(self: ColumnView, frame: ColumnFrame) -> None:
        drawn.append((frame.index, frame.first_changed))
        show(self, frame)

    monkeypatch.setattr(ColumnView, "show", spy)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        assert {index for index, first in drawn if first == 0} == {0, 1, 2, 3}, "first paint"

        drawn.clear()
        await pilot.press("j")
        assert drawn == [(0, None)]
        assert screen.view(0).cursor_row == 1

        drawn.clear()
        await pilot.press("l", "h")
        assert drawn == [(0, None), (1, None), (1, None), (0, None)]
        assert screen.view(0).active
        assert not screen.view(1).active

        drawn.clear()
        await pilot.press("L")  # t2, New row 1 -> On You, after t4 and t3
        await settle(pilot)
        assert drawn[:2] == [(0, 1), (1, 2)]
        assert {index for index, _ in drawn} == {0, 1}, "On Hold and Closed untouched"
        assert screen.current_ticket_id() == "t2"
        assert screen.view(1).active
        assert screen.view(1).cursor_row == 2
