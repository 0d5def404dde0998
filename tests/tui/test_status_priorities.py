"""Issue 10 item 6 and the toast half of item 13: the status bar counts every queued change,
and at 80 columns a long error never pushes the count or the error's fix off it; toasts stack
above the status bar and the footer instead of covering them."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._toast import Toast

from pylon_tui.api.errors import NetworkError
from pylon_tui.tui.app import DRAIN_SECONDS, PylonApp
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.widgets.bars import StatusBar

from .fakes import build_app, notifications, on_board, screen_strips, settle
from .test_not_loaded import NETWORK_FIX, DownPylon

LONG_ERROR = "could not connect to api.usepylon.com: " + "name or service not known " * 11


def status_line(app: PylonApp) -> str:
    """The status bar's row as the terminal shows it (not the widget's unclipped text)."""
    bar = app.board_screen.query_one(StatusBar)
    return screen_strips(app)[bar.region.y].text


async def test_three_offline_changes_on_one_ticket_show_three_pending_beside_the_fix():
    fake = DownPylon(down=False)
    app = build_app(fake)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        fake.down = True
        await pilot.press("L")  # #1: New -> On You; the cursor follows it
        await settle(pilot)
        await pilot.press("2")  # #1's priority
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ComposeModal)
        await pilot.press(*"checking", "ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert app.ctx.service.pending_count() == 3
        assert "3 pending" in status_line(app)

        fake.error = NetworkError(LONG_ERROR)
        assert len(str(fake.error)) >= 300
        await pilot.press("R")
        await settle(pilot)
        line = status_line(app)
        assert "⚠" in line
        assert "3 pending" in line, line
        assert NETWORK_FIX in line, line
        assert len(line.rstrip()) <= 80
        assert not any(title == "Rolled back" for title, _ in notifications(app))

        await pilot.pause(DRAIN_SECONDS + 0.5)  # the outbox retries, and fails offline too
        await settle(pilot)
        line = status_line(app)
        assert "⚠" in line, "the retry's failure keeps saying why, and the fix"
        assert NETWORK_FIX in line, line


async def test_markers_drop_before_the_fix_and_come_back_when_there_is_room():
    fake = DownPylon(down=False)
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")  # one selected
        assert "1 in other states" in status_line(app)
        assert "1 selected" in status_line(app)
        fake.down = True
        fake.error = NetworkError(LONG_ERROR)
        await pilot.press("R")
        await settle(pilot)
        line = status_line(app)
        assert NETWORK_FIX in line
        assert "in other states" not in line
        assert "sandbox" not in line
        await pilot.resize_terminal(200, 24)
        await settle(pilot)
        wide = status_line(app)
        assert NETWORK_FIX in wide
        assert "1 selected" in wide
        assert "1 in other states" in wide
        assert "sandbox" in wide
        assert "could not connect" in wide


async def test_toasts_never_cover_the_status_bar_or_the_footer():
    app = build_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        app.notify("a long message " * 12, title="Issue closed", timeout=30)
        app.notify("a second one", timeout=30)
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 2
        status = app.board_screen.query_one(StatusBar).region
        footer = app.board_screen.query_one(Footer).region
        for toast in toasts:
            # What the toast paints: its region clipped by the toast rack.
            shown = app.screen.find_widget(toast).visible_region
            assert shown.height > 0
            assert not shown.overlaps(status), (shown, status)
            assert not shown.overlaps(footer), (shown, footer)
        assert "synced" in status_line(app), "still readable under the toasts"
