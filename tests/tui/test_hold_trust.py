"""Issue 10 items 3, 4, 12 and GitHub in the hold dialog, against the sandbox (Pylon, Linear
and GitHub): what the dialog says before a link, what it refuses and why, its keys at 80x24,
a new issue left unlinked, a closed issue that never bounces, and undo of a hold."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Label

from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import make_app, services_for
from pylon_tui.domain import Ticket
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.service import BoardService
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.create_issue import CreateIssueModal
from pylon_tui.tui.modals.hold import HoldModal

from .fakes import notifications, screen_text, wait_for_background

GITHUB_OPEN = "https://github.com/acme/widgets/issues/123"  # open in the seed
TOKEN_TITLE = "Everyone logged out after we rotated our API token"  # ENG-13 and 2 more alike


@dataclass
class Env:
    app: PylonApp
    sandbox: Sandbox
    service: BoardService


async def make_env(tmp_path: Path, *, linear: bool = True) -> tuple[Env, list[object]]:
    # Pylon's own automations are off: these tests look at what the app does.
    sandbox = Sandbox(tmp_path / "sb.sqlite3", automations=False)
    sandbox.ensure_seeded()
    transport = SandboxTransport(sandbox)
    clients: list[object] = [
        PylonClient("https://api.usepylon.com", None, transport=transport),
        LinearClient(None, transport=transport) if linear else None,
        GitHubClient(None, transport=transport),
    ]
    pylon, linear_client, github = clients
    services = services_for(
        pylon,  # type: ignore[arg-type]
        linear=linear_client,  # type: ignore[arg-type]
        github=github,  # type: ignore[arg-type]
        me_email="maya@sandboxco.dev",
    )
    await services.service.load()
    app = make_app(services, refresh_seconds=0, autoload=False, watch_links=True)
    return Env(app, sandbox, services.service), [c for c in clients if c is not None]


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    made, clients = await make_env(tmp_path)
    yield made
    for client in clients:
        await client.aclose()  # type: ignore[attr-defined]


async def settle(app: PylonApp, pilot: object) -> None:
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]
        await wait_for_background(app)
    await pilot.pause()  # type: ignore[attr-defined]


async def open_hold(env: Env, pilot: object) -> tuple[Ticket, HoldModal]:
    await settle(env.app, pilot)
    screen = env.app.board_screen
    screen.action_cursor_right()
    ticket = screen.current_ticket()
    assert ticket is not None
    assert not ticket.has_tracking_link()
    await pilot.press("L")  # type: ignore[attr-defined]
    await settle(env.app, pilot)
    modal = env.app.screen
    assert isinstance(modal, HoldModal)
    return ticket, modal


async def paste(env: Env, pilot: object, modal: HoldModal, ref: str) -> None:
    modal.query_one("#hold-ref", Input).value = ref
    await settle(env.app, pilot)


def status(modal: HoldModal) -> str:
    return str(modal.query_one("#hold-status", Label).render())


def keys(modal: HoldModal) -> Any:
    """The key line as drawn (Textual Content: plain text and styled spans)."""
    return modal.query_one("#hold-keys", Label).render()


def link_key_style(modal: HoldModal) -> str:
    """The style the key line draws "ctrl+s link" in."""
    line = keys(modal)
    at = line.plain.index("ctrl+s link")
    styles = [str(span.style) for span in line.spans if span.start <= at < span.end]
    return " ".join(styles)


def on_screen(app: PylonApp) -> object:
    """The top screen (a function, so mypy keeps no stale narrowing)."""
    return app.screen


def toasts(app: PylonApp, title: str | None = None) -> list[str]:
    return [message for t, message in notifications(app) if title is None or t == title]


# ----- item 12: the link key, the closed box, the keys at 80x24, a new issue left behind ---


async def test_the_link_key_looks_disabled_until_an_issue_is_valid(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        _, modal = await open_hold(env, pilot)
        assert "ctrl+s link (choose an issue first)" in keys(modal).plain
        assert "dim" in link_key_style(modal)
        await paste(env, pilot, modal, "not a link")
        assert "(choose an issue first)" in keys(modal).plain
        await paste(env, pilot, modal, "ENG-2")  # In Progress
        assert modal.can_confirm()
        assert "(choose an issue first)" not in keys(modal).plain
        assert "dim" not in link_key_style(modal)
        assert "bold" in link_key_style(modal)


async def test_an_unticked_closed_box_gets_its_own_message(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        await paste(env, pilot, modal, "ENG-13")  # Done
        assert "ctrl+s link (tick the box first)" in keys(modal).plain
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert env.app.screen is modal
        said = status(modal)
        assert "Selected: ENG-13" in said, "the valid choice stays in sight"
        assert 'ENG-13 is closed: tick "Link anyway"' in said
        assert "Choose" not in said, "not the no-issue message: the issue is valid"
        assert (await env.service.client.get_issue(ticket.id)).state == ticket.state


async def test_keys_stay_visible_at_80x24_when_the_closed_box_appears(env: Env) -> None:
    """The tallest dialog: several likely duplicates, an urgent ticket's assignee picker,
    a closed issue with its box, and the message for pressing the key with the box unticked
    (B11's screen, shots/s3_pick_closed.txt)."""
    async with env.app.run_test(size=(80, 24)) as pilot:
        await settle(env.app, pilot)
        ticket = min(
            (t for t in env.service.board.all() if t.title == TOKEN_TITLE and t.state == "new"),
            key=lambda t: t.number,
        )
        env.app.board_screen.rebuild(follow=ticket.id)
        await pilot.press("1")  # urgent: the dialog also offers an assignee
        await settle(env.app, pilot)
        await pilot.press("i")
        await settle(env.app, pilot)
        modal = env.app.screen
        assert isinstance(modal, HoldModal)
        assert len(modal.duplicates) >= 3
        await paste(env, pilot, modal, "ENG-13")
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert env.app.screen is modal
        box = modal.query_one("#hold-closed-ok", Checkbox)
        assert box.display
        hint = modal.query_one("#hold-keys", Label)
        dialog = modal.query_one(".hold")
        screen = env.app.screen.region
        assert hint.region.height == 1
        assert screen.contains_region(hint.region), "the key line is on the screen"
        assert dialog.region.contains_region(hint.region), "inside the dialog's frame"
        assert "ctrl+s link" in screen_text(env.app)
        assert "escape cancel" in screen_text(env.app)
        box.focus()  # tab reaches the box; it scrolls into view above the keys
        await settle(env.app, pilot)
        assert screen.contains_region(box.region)
        assert not box.region.overlaps(hint.region)


async def test_escape_after_creating_an_issue_says_it_was_left_unlinked(env: Env) -> None:
    async with env.app.run_test(size=(100, 30), notifications=True) as pilot:
        ticket, modal = await open_hold(env, pilot)
        await pilot.press("ctrl+n")
        await settle(env.app, pilot)
        assert isinstance(env.app.screen, CreateIssueModal)
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert on_screen(env.app) is modal
        created = modal.chosen
        assert created is not None
        assert "escape leaves it unlinked" in status(modal)
        await pilot.press("escape")
        await settle(env.app, pilot)
        [said] = toasts(env.app, "Left unlinked")
        assert said.startswith(f"{created.identifier} was created in Linear but is not linked")
        assert f"#{ticket.number}" in said
        fresh = await env.service.client.get_issue(ticket.id)
        assert created.external_id not in {link.external_id for link in fresh.links}


# ----- item 3: "link anyway" says what happens, and the ticket stays On Hold -------------


async def test_link_anyway_on_a_closed_issue_stays_on_hold_through_the_next_poll(
    env: Env,
) -> None:
    async with env.app.run_test(size=(100, 30), notifications=True) as pilot:
        watcher = env.app.ctx.watcher
        assert watcher is not None
        await watcher.poll()  # the first poll's baseline: later closes are ones it saw
        ticket, modal = await open_hold(env, pilot)
        await paste(env, pilot, modal, "ENG-13")  # Done in the seed
        assert "the ticket will stay On Hold until you move it" in status(modal)
        modal.query_one("#hold-closed-ok", Checkbox).value = True
        await settle(env.app, pilot)
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert (await env.service.client.get_issue(ticket.id)).state == "on_hold"
        notes_before = [m for m in await env.service.messages(ticket.id) if m.is_private]

        returned = await watcher.poll()

        assert ticket.id not in {r.ticket.id for r in returned}
        assert (await env.service.client.get_issue(ticket.id)).state == "on_hold"
        notes = [m for m in await env.service.messages(ticket.id) if m.is_private]
        assert notes == notes_before, "no false 'ENG-13 closed' note"
        assert any("will not return the ticket" in t for t in toasts(env.app))


# ----- item 4: a hold is one undo entry ----------------------------------------------------


async def test_undo_of_a_hold_takes_back_the_link_and_the_move(env: Env) -> None:
    async with env.app.run_test(size=(100, 30), notifications=True) as pilot:
        ticket, modal = await open_hold(env, pilot)
        await paste(env, pilot, modal, "ENG-2")
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        assert (await env.service.client.get_issue(ticket.id)).state == "on_hold"
        await pilot.press("u")
        await settle(env.app, pilot)
        fresh = await env.service.client.get_issue(ticket.id)
        assert fresh.state == ticket.state
        assert not fresh.has_tracking_link()
        assert f"Undid: #{ticket.number} linked to ENG-2 and moved to On Hold" in toasts(
            env.app, "Undo"
        )


# ----- GitHub in the hold dialog -----------------------------------------------------------


async def test_a_github_issue_url_links_with_its_own_source(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket, modal = await open_hold(env, pilot)
        placeholder = modal.query_one("#hold-ref", Input).placeholder
        assert "GitHub" in str(placeholder)
        await paste(env, pilot, modal, GITHUB_OPEN)
        assert modal.chosen is not None
        assert modal.chosen.source == "github"
        await pilot.press("ctrl+s")
        await settle(env.app, pilot)
        fresh = await env.service.client.get_issue(ticket.id)
        assert fresh.state == "on_hold"
        assert [(x.source, x.external_id) for x in fresh.links if x.is_tracking] == [
            ("github", "acme/widgets/123")
        ]


async def test_an_unknown_github_issue_is_refused_with_the_reason(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        _, modal = await open_hold(env, pilot)
        await paste(env, pilot, modal, "acme/widgets#99999")
        assert modal.chosen is None
        assert "GitHub has no issue acme/widgets#99999" in status(modal)
        await paste(env, pilot, modal, "https://github.com/acme/widgets/pull/5")
        assert "pull request" in status(modal)


async def test_the_dialog_opens_without_linear_and_github_links_still_work(
    tmp_path: Path,
) -> None:
    env, clients = await make_env(tmp_path, linear=False)
    try:
        async with env.app.run_test(size=(100, 30)) as pilot:
            ticket, modal = await open_hold(env, pilot)
            assert "no Linear key configured" in screen_text(env.app)
            assert "new issue (needs Linear)" in keys(modal).plain
            await pilot.press("ctrl+n")
            await settle(env.app, pilot)
            assert env.app.screen is modal
            assert "Creating an issue needs Linear" in status(modal)
            await paste(env, pilot, modal, "ENG-2")
            assert modal.chosen is None
            assert "no Linear API key is configured" in status(modal)
            await paste(env, pilot, modal, GITHUB_OPEN)
            await pilot.press("ctrl+s")
            await settle(env.app, pilot)
            fresh = await env.service.client.get_issue(ticket.id)
            assert fresh.state == "on_hold"
            assert {x.source for x in fresh.links if x.is_tracking} == {"github"}
    finally:
        for client in clients:
            await client.aclose()  # type: ignore[attr-defined]
