"""Issue 10 item 2: a board that was never loaded never claims "inbox zero" or "nothing new".

With Pylon unreachable from the start, every column says it is not loaded, why and what to do;
the header says "not loaded". One successful refresh shows the board. A cache that holds a
previous successful load counts as loaded (offline, the last board is the truth we have); a
cache from a run that never loaded does not.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pylon_tui.api.errors import ApiError, AuthError, NetworkError
from pylon_tui.bootstrap import make_app, services_for
from pylon_tui.domain import Ticket
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.widgets.bars import BoardHeader
from pylon_tui.tui.widgets.column import ColumnView

from .fakes import NOW, FakePylon, build_app, column_ids, make_tickets, screen_text, settle

UNREACHABLE = "could not connect to api.usepylon.com ([Errno -2] Name or service not known)"
NETWORK_FIX = NetworkError("x").hint


class DownPylon(FakePylon):
    """Every read and write fails with `error` while `down` is set."""

    def __init__(self, tickets: list[Ticket] | None = None, *, down: bool = True) -> None:
        super().__init__(tickets)
        self.down = down
        self.error: ApiError = NetworkError(UNREACHABLE)

    def _check(self, name: str, *args: object) -> None:
        if self.down:
            self.calls.append((name, args))
            raise self.error
        super()._check(name, *args)


def header(app: PylonApp) -> str:
    return str(app.board_screen.query_one(BoardHeader).render())


def empty_texts(app: PylonApp) -> list[str]:
    return [view.empty_text for view in app.board_screen.query(ColumnView)]


def app_over(fake: FakePylon, store: Store) -> PylonApp:
    services = services_for(fake, me_email="sam@example.com", now=lambda: NOW, store=store)
    services.service.paint_from_cache()
    return make_app(services, now=lambda: NOW, refresh_seconds=0, templates={})


async def test_unreachable_from_the_start_says_not_loaded_then_a_refresh_shows_the_board():
    fake = DownPylon()
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.ctx.service.loaded
        assert "inbox zero" not in header(app)
        assert "not loaded: Pylon unreachable" in header(app)
        text = screen_text(app)
        assert "inbox zero" not in text
        assert " New ? " in text, "zero would be a claim too"
        assert " Closed ? " in text
        assert "nothing new" not in text
        assert "nothing here" not in text
        for said in empty_texts(app):
            assert said == f"not loaded: Pylon unreachable — {NETWORK_FIX}; press R to retry"
        # Drawn, wrapped into each quarter-width column: the reason and the retry key show.
        columns_area = "\n".join(text.splitlines()[2:-2])
        assert columns_area.count("not loaded:") == 4
        assert columns_area.count("Pylon") >= 4
        assert columns_area.count("retry") == 4

        fake.down = False
        await pilot.press("R")
        await settle(pilot)
        assert app.ctx.service.loaded
        assert column_ids(app) == [["t1", "t2"], ["t4", "t3"], ["t5"], ["t6"]]
        assert "not loaded" not in screen_text(app)
        assert " New 2 " in screen_text(app)
        assert "oldest" in header(app)


async def test_the_reason_follows_the_error_kind():
    fake = DownPylon()
    fake.error = AuthError("invalid token", status=401)
    app = build_app(fake)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "not loaded: Pylon refused the token" in header(app)
        assert empty_texts(app)[0].startswith("not loaded: Pylon refused the token — check the")
        assert empty_texts(app)[0].endswith("; press R to retry")


class SlowSearch(FakePylon):
    def __init__(self, tickets: list[Ticket]) -> None:
        super().__init__(tickets)
        self.gate = asyncio.Event()

    async def search_issues(self, filter: dict[str, object], *, limit: int = 999) -> list[Ticket]:
        await self.gate.wait()
        return await super().search_issues(filter, limit=limit)


async def test_while_the_first_load_runs_columns_say_loading_and_inbox_zero_waits_for_it():
    only_closed = [t for t in make_tickets() if t.state == "closed"]
    fake = SlowSearch(only_closed)
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "inbox zero" not in header(app)
        assert "loading…" in header(app)
        assert empty_texts(app) == ["loading…"] * 4
        fake.gate.set()
        await settle(pilot)
        assert "✓ inbox zero" in header(app), "a successful load with New and On You empty"
        assert empty_texts(app)[:3] == ["nothing new", "nothing here", "nothing here"]


async def test_a_cache_counts_as_loaded_only_if_it_holds_a_successful_load(tmp_path: Path):
    only_closed = [t for t in make_tickets() if t.state == "closed"]
    never = Store(tmp_path / "never.sqlite")
    app = app_over(DownPylon(only_closed), never)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "not loaded" in header(app)
    never.close()
    reopened = Store(tmp_path / "never.sqlite")
    app = app_over(DownPylon(only_closed), reopened)
    assert not app.ctx.service.loaded, "a run that never loaded leaves nothing to trust"
    reopened.close()

    good = Store(tmp_path / "good.sqlite")
    app = app_over(FakePylon(only_closed), good)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "✓ inbox zero" in header(app)
    good.close()
    cached = Store(tmp_path / "good.sqlite")
    app = app_over(DownPylon(only_closed), cached)
    assert app.ctx.service.loaded, "painted from a cache of a successful load"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "✓ inbox zero" in header(app), "the last successful load said so"
        assert empty_texts(app)[0] == "nothing new"
        assert column_ids(app)[3] == ["t6"]
    cached.close()
