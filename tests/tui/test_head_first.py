"""Issue 16 item 3: a big cache paints its columns' heads first, and the rest right after.

The first frame shows exactly the cards the full board would put at the top of each column,
titled with the whole cache's counts and "loading…" in the header (not yet loaded: no
claims); right after that frame the whole cache is on the board, before the first sync.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from pathlib import Path

import pytest

from pylon_tui.bootstrap import make_app, services_for
from pylon_tui.domain import Ticket
from pylon_tui.sync.head import SMALL_CACHE
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.widgets.bars import BoardHeader

from .fakes import NOW, FakePylon, build_app, column_ids, make_tickets, screen_text, settle


def many_tickets(count: int) -> list[Ticket]:
    base = make_tickets()[0]
    states = ("new", "waiting_on_you", "on_hold")
    return [
        replace(base, id=f"b{n}", number=1000 + n, title=f"bulk {n}", state=states[n % 3])
        for n in range(count)
    ]


async def cache_with(tickets: list[Ticket], path: Path) -> int:
    store = Store(path)
    fake = FakePylon(tickets)
    services = services_for(fake, me_email="sam@example.com", now=lambda: NOW, store=store)
    count = await services.service.load()
    store.close()
    return count


async def test_first_frame_shows_the_head_then_the_whole_cache_before_any_sync(
    tmp_path: Path,
) -> None:
    tickets = many_tickets(SMALL_CACHE + 200)
    count = await cache_with(tickets, tmp_path / "c.sqlite3")
    fake = FakePylon(tickets)
    services = services_for(
        fake, me_email="sam@example.com", now=lambda: NOW, store=Store(tmp_path / "c.sqlite3")
    )
    assert services.service.paint_head()
    app = make_app(services, now=lambda: NOW, refresh_seconds=0, templates={})
    seen: dict[str, object] = {}
    finish = PylonApp._after_first_frame

    def after_first_frame(self: PylonApp) -> None:
        seen["partial"] = self.ctx.service.board.partial
        seen["header"] = str(self.board_screen.query_one(BoardHeader).render())
        seen["text"] = screen_text(self)
        seen["calls"] = list(fake.calls)
        finish(self)

    app._after_first_frame = after_first_frame.__get__(app)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert seen["partial"] is True, "the first frame came from the head"
        assert "loading…" in str(seen["header"]), "a head claims nothing about Pylon"
        new_total = sum(1 for t in tickets if t.state == "new")
        assert f" New {new_total} " in str(seen["text"]), "titles count the whole cache"
        assert seen["calls"] == [], "no request before the first frame"
        assert not app.ctx.service.board.partial
        assert len(app.ctx.service.board) == count
        assert len(column_ids(app)[0]) == new_total
        await pilot.press("G")  # to the last card: only there once the whole cache is in
        assert app.board_screen.current_ticket_id() == column_ids(app)[0][-1]


async def test_the_collector_is_back_on_after_the_first_frame() -> None:
    """The command line starts the board with the garbage collector off (its start makes
    objects by the hundred thousand and no garbage): the app turns it on after one frame."""
    app = build_app()
    app.collect_after_start = True
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled(), "a long session must not run without the collector"
    finally:
        gc.enable()


def test_the_command_line_leaves_the_collector_as_it_found_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pylon_tui.cli import main

    assert gc.isenabled()
    main(["board"])  # no terminal here: it refuses, and must not leave the collector off
    assert gc.isenabled()
    assert "terminal" in capsys.readouterr().err
