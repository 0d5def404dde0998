"""Typing into the filter narrows the previous matches instead of rescanning the board; the
result must always equal a fresh filter of the whole board, including after a backspace."""

from __future__ import annotations

from pylon_tui.domain import TicketFilter
from pylon_tui.domain.filters import MatchContext, compile_query

from .fakes import build_app, settle

KEYS = ["w", "e", "b", "backspace", "backspace", "backspace", "e", "x", "space", "c"]


async def test_every_keystroke_matches_a_fresh_filter() -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        directory = app.ctx.service.directory

        await pilot.press("slash")
        await settle(pilot)
        for key in KEYS:
            await pilot.press(key)
            await settle(pilot)
            fresh = TicketFilter.of(screen.filter.text)
            predicate = compile_query(
                fresh.query,
                MatchContext(
                    now=app.ctx.now(),
                    me_id=None,
                    account_name=directory.account_name,
                    user_name=directory.user_name,
                ),
            )
            for index in range(len(screen.views)):
                expected = [t.id for t in screen.board.column(index) if predicate(t)]
                assert [t.id for t in screen.views[index]] == expected, (key, screen.filter)
