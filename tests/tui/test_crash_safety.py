"""A bug never puts a secret on screen or in a file, and a bug in background work never ends
the session: Textual's crash screen printed every frame's locals, a raw token among them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pylon_tui.domain import Ticket
from pylon_tui.tui.screens.board import BoardScreen

from .fakes import FakePylon, build_app, notifications, screen_text, settle

SECRET = "pylon_api_SECRETTOKEN-1234567890"


class BuggyPylon(FakePylon):
    """A client whose search hits an unexpected error while a token is a local variable."""

    def __init__(self) -> None:
        super().__init__()
        self.buggy = False

    async def search_issues(self, filter: dict[str, object], *, limit: int = 999) -> list[Ticket]:
        authorization = f"Bearer {SECRET}"
        if self.buggy:
            raise RuntimeError(f"nesting too deep near {len(authorization)} bytes")
        return await super().search_issues(filter, limit=limit)


async def test_a_bug_in_a_worker_is_reported_and_the_board_keeps_working(tmp_path: Path) -> None:
    fake = BuggyPylon()
    app = build_app(fake)
    app.ctx.crash_log = tmp_path / "logs" / "pylon-tui.log"
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        fake.buggy = True
        await pilot.press("R")
        await settle(pilot)
        assert app.is_running
        titles = [title for title, _ in notifications(app)]
        assert "Unexpected error (a bug)" in titles
        shown = " ".join(message for _, message in notifications(app))
        assert "RuntimeError: nesting too deep" in shown
        assert SECRET not in shown
        assert SECRET not in screen_text(app)
        await pilot.press("j")  # keys still work
        assert app.board_screen.cursor.row == 1
    log = app.ctx.crash_log.read_text()
    assert "RuntimeError" in log
    assert SECRET not in log
    assert app.ctx.crash_log.stat().st_mode & 0o777 == 0o600


async def test_a_crash_prints_no_local_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken_refresh(self: BoardScreen) -> None:
        token = SECRET
        raise ValueError(f"unexpected state ({len(token)})")

    monkeypatch.setattr(BoardScreen, "action_refresh", broken_refresh)
    app = build_app()
    app.ctx.crash_log = tmp_path / "pylon-tui.log"

    async def crash() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)

    with pytest.raises(ValueError, match="unexpected state"):
        await crash()
    assert app.return_code == 1
    text = capfd.readouterr().err  # the exit screen Textual prints after the app closes
    assert "ValueError" in text
    assert "stopped on a bug" in text
    assert SECRET not in text
    assert SECRET not in app.ctx.crash_log.read_text()
