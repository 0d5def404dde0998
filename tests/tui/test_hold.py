"""The On Hold gate, every path of the HoldModal, against the sandbox (Pylon + Linear)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, Select

from pylon_tui.bootstrap import make_app
from pylon_tui.domain import Priority, Ticket
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.service import BoardService
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.create_issue import CreateIssueModal
from pylon_tui.tui.modals.hold import HoldModal

from .fakes import sandbox_services, wait_for_background


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


async def settle(app: PylonApp, pilot: object) -> None:
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await wait_for_background(app)
    await pilot.pause()  # type: ignore[attr-defined]


def focus_first_in_on_you(app: PylonApp, *, unlinked: bool = True) -> Ticket:
    screen = app.board_screen
    screen.action_cursor_right()
    ticket = screen.current_ticket()
    assert ticket is not None
    assert not (unlinked and ticket.has_tracking_link())
    return ticket


async def open_hold(env: Env, pilot: object) -> tuple[Ticket, HoldModal]:
    await settle(env.app, pilot)
    ticket = focus_first_in_on_you(env.app)
    await pilot.press("L")  # type: ignore[attr-defined]
    await settle(env.app, pilot)
    modal = env.app.screen
    assert isinstance(modal, HoldModal), "moving an unlinked ticket On Hold must open the dialog"
    return ticket, modal


async def server_state(env: Env, ticket: Ticket) -> Ticket:
    return await env.service.client.get_issue(ticket.id)


async def test_pick_a_duplicate_links_and_moves(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        assert modal.duplicates, "duplicate search found candidates for the ticket title"
        assert not modal.can_confirm()
        open_ones = [i for i, d in enumerate(modal.duplicates) if not d.is_closed]
        options = modal.query_one("#hold-duplicates", OptionList)
        options.highlighted = open_ones[0]
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await server_state(env, ticket)
        assert fresh.state == "on_hold"
        chosen = modal.duplicates[open_ones[0]]
        assert chosen.external_id in {link.external_id for link in fresh.links}


async def test_escape_cancels_and_ticket_stays(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, _ = await open_hold(env, pilot)
        await pilot.press("escape")
        await settle(env.app, pilot)
        assert not isinstance(env.app.screen, HoldModal)
        assert (await server_state(env, ticket)).state == ticket.state
        assert env.service.board.get(ticket.id).state == ticket.state  # type: ignore[union-attr]


async def test_invalid_paste_keeps_confirm_disabled(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        modal.query_one("#hold-ref", Input).focus()
        await pilot.press(*"not a link")
        await settle(env.app, pilot)
        assert not modal.can_confirm()
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert isinstance(env.app.screen, HoldModal), "confirm must stay disabled"
        modal.query_one("#hold-ref", Input).value = "ENG-99999"
        await settle(env.app, pilot)
        assert modal.chosen is None, "an identifier Linear doesn't know is not valid"
        assert (await server_state(env, ticket)).state == ticket.state


async def test_valid_paste_links_and_moves(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        modal.query_one("#hold-ref", Input).value = "https://linear.app/sandbox/issue/ENG-2/x"
        await settle(env.app, pilot)
        assert modal.chosen is not None
        assert modal.chosen.identifier == "ENG-2"
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await server_state(env, ticket)
        assert fresh.state == "on_hold"
        assert modal.chosen.external_id in {link.external_id for link in fresh.links}


async def test_closed_issue_needs_explicit_confirmation(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        modal.query_one("#hold-ref", Input).value = "ENG-13"  # Done in the seed
        await settle(env.app, pilot)
        assert modal.chosen is not None
        assert modal.chosen.is_closed
        assert not modal.can_confirm()
        modal.query_one("#hold-closed-ok", Checkbox).value = True
        await settle(env.app, pilot)
        assert modal.can_confirm()
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert (await server_state(env, ticket)).state == "on_hold"


async def test_create_new_issue_prefilled(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        await pilot.press("ctrl+n")
        await settle(env.app, pilot)
        create = env.app.screen
        assert isinstance(create, CreateIssueModal)
        assert create.query_one("#create-title", Input).value == ticket.title
        body = create.query_one("#create-body").text  # type: ignore[attr-defined]
        assert f"#{ticket.number}" in body
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert env.app.screen is modal
        assert modal.chosen is not None
        created = modal.chosen
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await server_state(env, ticket)
        assert fresh.state == "on_hold"
        assert created.external_id in {link.external_id for link in fresh.links}
        found = await env.app.ctx.linear.issue(created.identifier)  # type: ignore[union-attr]
        assert found is not None
        assert found.title == ticket.title


async def test_urgent_ticket_offers_assignee(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        await settle(env.app, pilot)
        screen = env.app.board_screen
        screen.action_cursor_right()
        ticket = screen.current_ticket()
        assert ticket is not None
        if ticket.priority is not Priority.URGENT:
            await pilot.press("1")
            await settle(env.app, pilot)
        await pilot.press("L")
        await settle(env.app, pilot)
        modal = env.app.screen
        assert isinstance(modal, HoldModal)
        select = modal.query_one("#hold-assignee", Select)
        user = next(iter(env.service.directory.users.values()))
        select.value = user.id
        modal.query_one("#hold-ref", Input).value = "ENG-2"
        await settle(env.app, pilot)
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await server_state(env, ticket)
        assert fresh.state == "on_hold"
        assert fresh.assignee_id == user.id


async def test_link_key_links_without_moving(env: Env) -> None:
    env.sandbox.automations.enabled = False  # live Pylon puts it On Hold: test_automations_tui
    async with env.app.run_test(size=(100, 30)) as pilot:
        await settle(env.app, pilot)
        ticket = focus_first_in_on_you(env.app)
        await pilot.press("i")
        await settle(env.app, pilot)
        modal = env.app.screen
        assert isinstance(modal, HoldModal)
        modal.query_one("#hold-ref", Input).value = "ENG-2"
        await settle(env.app, pilot)
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await server_state(env, ticket)
        assert fresh.state == ticket.state
        assert fresh.has_tracking_link()
