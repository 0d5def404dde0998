"""The board screen hands the view model's frames to the columns and draws nothing else:
a cursor key touches one column, a column hop two, a card move the two columns involved
from their first changed rows. (What the frames say is tested in tests/unit/test_board_view.)"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pylon_tui.domain import Ticket
from pylon_tui.tui.view import ColumnFrame
from pylon_tui.tui.widgets.column import ColumnView

from .fakes import NOW, FakePylon, build_app, make_tickets, settle


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


async def test_card_rows_repaint_without_the_scrollbar_beside_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each repainted row would otherwise carry the scrollbar's cell as a region of its own
    on the wire (a cursor move and a full style per row)."""
    extra = [
        Ticket(f"n{n}", 100 + n, f"New ticket {n}", "new", NOW - timedelta(hours=n), NOW)
        for n in range(12)
    ]
    app = build_app(FakePylon([*make_tickets(), *extra]))
    async with app.run_test(size=(80, 16)) as pilot:  # New scrolls: a scrollbar shows
        await settle(pilot)
        column = app.board_screen.view(0)
        assert column.show_vertical_scrollbar, "the fixture's New needs a scrollbar here"
        content = column.scrollable_content_region.width
        asked: list[int] = []
        refresh = ColumnView.refresh

        def spy(self: ColumnView, *regions: object, **options: object) -> object:
            if self is column:
                asked.extend(getattr(r, "right", content + 99) for r in regions or [None])
            return refresh(self, *regions, **options)  # type: ignore[arg-type]

        monkeypatch.setattr(ColumnView, "refresh", spy)
        await pilot.press("j")
        await pilot.press("L")
        await settle(pilot)
        assert asked, "the keys repainted rows of New"
        assert max(asked) <= content, "a row repaint reached into the scrollbar's column"
