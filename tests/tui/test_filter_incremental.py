"""Typing into the filter narrows the previous matches instead of rescanning the board; the
result must always equal a fresh filter of the whole board, including after a backspace."""

from __future__ import annotations

from pylon_tui.domain import Ticket, TicketFilter

from .fakes import build_app, settle

KEYS = ["w", "e", "b", "backspace", "backspace", "backspace", "e", "x", "space", "c"]


async def test_every_keystroke_matches_a_fresh_filter() -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        directory = app.ctx.service.directory

        def names(t: Ticket) -> str:
            return f"{directory.account_name(t.account_id)} {directory.user_name(t.assignee_id)}"

        await pilot.press("slash")
        await settle(pilot)
        for key in KEYS:
            await pilot.press(key)
            await settle(pilot)
            fresh = TicketFilter(screen.filter.text)
            predicate = fresh.predicate(now=app.ctx.now(), me_id=None, names=names)
            for index in range(len(screen.views)):
                expected = [t.id for t in screen.board.column(index) if predicate(t)]
                assert [t.id for t in screen.views[index]] == expected, (key, screen.filter)
