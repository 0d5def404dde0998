"""The board expects Pylon's automations (issue 9 item 10), against the sandbox playing them:
a card Pylon takes off the board after a reply gets a toast saying where it went; the reply
editor warns before a reply takes a ticket out of On Hold; linking an unfinished issue moves
the card On Hold by itself, with no conflict and no toast."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from pylon_tui.bootstrap import make_app
from pylon_tui.domain import StateCatalog, StateInfo, Ticket
from pylon_tui.domain.state import Category
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync import Departure
from pylon_tui.sync.service import BoardService
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.flows.pylon_moves import ON_HOLD_REPLY, departure_toasts, reply_context
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.conflict import ConflictModal
from pylon_tui.tui.modals.hold import HoldModal

from .fakes import notifications, on_board, sandbox_services, screen_text, settle

ON_YOU, ON_HOLD = 1, 2


@dataclass
class Env:
    app: PylonApp
    sandbox: Sandbox
    service: BoardService


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    sandbox, services = await sandbox_services(tmp_path / "sb.sqlite3")
    app = make_app(services, refresh_seconds=0, autoload=False)
    yield Env(app, sandbox, services.service)
    await services.aclose()
    sandbox.close()


def focus_column(app: PylonApp, column: int, *, unlinked: bool = False) -> Ticket:
    screen = app.board_screen
    for _ in range(column):
        screen.action_cursor_right()
    for _ in range(len(screen.board.column(column))):
        ticket = screen.current_ticket()
        assert ticket is not None
        if not (unlinked and ticket.has_tracking_link()):
            return ticket
        screen.action_cursor_down()
    raise AssertionError("no such ticket in the column")


def toasts(app: PylonApp) -> list[str]:
    return [message for _, message in notifications(app)]


async def test_a_card_pylon_takes_off_the_board_after_a_reply_gets_a_toast(env: Env) -> None:
    app = env.app
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        ticket = focus_column(app, ON_YOU)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeModal)
        assert ON_HOLD_REPLY not in screen_text(app), "no warning: the ticket is not On Hold"
        await pilot.press(*"Fixed, please retry", "ctrl+s")
        await settle(pilot)
        assert on_board(app)
        assert env.service.board.column_index_of(ticket.id) == ON_YOU, "no move before Pylon's"
        app.refresh_board()  # the next refresh sees Pylon's AI move
        await settle(pilot)
        said = f"#{ticket.number} moved from On You to Waiting on Customer in Pylon"
        assert [t for t in toasts(app) if said in t] == [
            f"{said} · o lists tickets in other states"
        ]
        assert env.service.board.column_index_of(ticket.id) is None
        assert ticket.id not in {t.id for t in app.board_screen.board.column(ON_YOU)}
        app.refresh_board()
        await settle(pilot)
        assert len([t for t in toasts(app) if said in t]) == 1, "said once"


async def test_the_reply_editor_warns_before_a_reply_takes_a_ticket_out_of_on_hold(
    env: Env,
) -> None:
    app = env.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ticket = focus_column(app, ON_HOLD)
        await pilot.press("r")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ComposeModal)
        context = str(modal.query_one(".context", Label).render())
        assert context.startswith(ON_HOLD_REPLY)
        shown = " ".join(screen_text(app).split())
        assert "sending a public reply takes this ticket out of On Hold" in shown, (
            "readable at 80x24"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert env.service.board.get(ticket.id) == ticket, "nothing sent, nothing moved"


async def test_linking_an_unfinished_issue_moves_the_card_on_hold_without_asking(
    env: Env,
) -> None:
    app = env.app
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        ticket = focus_column(app, ON_YOU, unlinked=True)
        await pilot.press("i")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, HoldModal)
        modal.query_one("#hold-ref", Input).value = "ENG-2"  # In Progress
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.refresh_board()
        await settle(pilot)
        assert not isinstance(app.screen, ConflictModal)
        assert env.service.board.column_index_of(ticket.id) == ON_HOLD
        assert env.service.pending_count() == 0
        assert not [t for t in toasts(app) if "in Pylon" in t], "still on the board"


def _departure(number: int, label: str = "Waiting on Customer") -> Departure:
    return Departure(f"t{number}", number, "On You", "waiting_on_customer", label)


def test_many_departures_share_one_toast_and_a_remap_shows() -> None:
    one = departure_toasts([_departure(1)], {"other_states": "O"})
    assert one == [
        "#1 moved from On You to Waiting on Customer in Pylon · O lists tickets in other states"
    ]
    many = departure_toasts([_departure(n) for n in range(1, 11)], {})
    assert many == [
        "10 tickets moved in Pylon to states no column shows (Waiting on Customer): "
        "#1, #2, #3, #4, #5, #6, #7, #8 and 2 more · o lists tickets in other states"
    ]
    assert departure_toasts([], {}) == []


def test_the_warning_is_for_every_on_hold_status_only() -> None:
    now = datetime(2025, 3, 10, tzinfo=UTC)
    catalog = StateCatalog([StateInfo("pending_release", "Pending Release", Category.ON_HOLD)])
    held = Ticket("t", 1, "Export\x1b[31m broken\nagain", "on_hold", now, now)
    warned = f"{ON_HOLD_REPLY} · Export broken again"
    assert reply_context(held, catalog) == warned, "the title stays plain, on one line"
    assert reply_context(held.with_state("pending_release"), catalog) == warned
    assert reply_context(held.with_state("waiting_on_you"), catalog) == "Export broken again"
