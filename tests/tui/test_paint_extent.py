"""The board screen hands the view model's frames to the columns and draws nothing else:
a cursor key touches one column, a column hop two, a card move the two columns involved
from their first changed rows. (What the frames say is tested in tests/unit/test_board_view.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pylon_tui.domain import Ticket
from pylon_tui.tui.view import ColumnFrame
from pylon_tui.tui.widgets.column import ColumnView
from pylon_tui.tui.widgets.preview import CardPreview

from .fakes import NOW, FakePylon, build_app, make_tickets, screen_text, settle


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


async def test_a_newer_copy_that_draws_the_same_repaints_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pylon's answer to a move is a newer copy of the ticket (its update time): when its
    card and preview read the same, neither is repainted (the second frame of every move
    was the focused card and the preview again, 0.7 KB over the wire)."""
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        ticket = screen.current_ticket()
        assert ticket is not None
        lines: list[tuple[int, int]] = []
        updates: list[object] = []
        refresh_lines, update = ColumnView.refresh_lines, CardPreview.update

        def spy_lines(self: ColumnView, y_start: int, line_count: int = 1) -> None:
            lines.append((y_start, line_count))
            refresh_lines(self, y_start, line_count)

        def spy_update(self: CardPreview, *args: object, **kwargs: object) -> None:
            updates.append(args)
            update(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(ColumnView, "refresh_lines", spy_lines)
        monkeypatch.setattr(CardPreview, "update", spy_update)
        screen.board.upsert(replace(ticket, updated_at=ticket.updated_at + timedelta(seconds=1)))
        screen.rebuild()
        await pilot.pause()
        assert (lines, updates) == ([], [])

        renamed = replace(ticket, title="SAML login broken")
        screen.board.upsert(renamed)
        screen.rebuild()
        await pilot.pause()
        assert lines == [(0, 2)], "a copy that reads differently is repainted"
        assert updates, "and the preview says it"
        assert "SAML login" in screen_text(app)


async def test_a_card_moved_into_a_column_repaints_from_where_it_lands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The column a card moves into repaints from the card's row down, and the card the
    cursor left: not every card above the new one."""
    extra = [
        Ticket(f"w{n}", 200 + n, f"Waiting {n}", "waiting_on_you", NOW - timedelta(days=9), NOW)
        for n in range(4)
    ]
    app = build_app(FakePylon([*make_tickets(), *extra]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        on_you = screen.view(1)
        painted: list[tuple[int, int]] = []
        refresh_lines = ColumnView.refresh_lines

        def spy(self: ColumnView, y_start: int, line_count: int = 1) -> None:
            if self is on_you:
                painted.append((y_start, line_count))
            refresh_lines(self, y_start, line_count)

        monkeypatch.setattr(ColumnView, "refresh_lines", spy)
        await pilot.press("j", "L")  # #2, no priority, 2h: under the six older ones
        row = on_you.cursor_row
        assert (row, screen.current_ticket_id()) == (6, "t2")
        assert (0, 2) in painted, "the card the cursor had, losing its marker"
        assert {start for start, _ in painted} == {0, row * 2}, painted
