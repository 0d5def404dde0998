"""Issue 15's flows on the board, against the sandbox: undo send (countdown, `u` takes it
back into the editor, nothing sent), the collision guard (a customer message while a reply
waits holds it; `c` shows it; send as is / edit / drop), fix-ready replies (ready to tell,
send all with each reply shown), the grouped On Hold view (`b`) and the same-issue link (`I`)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot

from pylon_tui.bootstrap import make_app
from pylon_tui.domain import Category, Ticket
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.service import BoardService
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.collision import CollisionModal
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.grouped import GroupedView
from pylon_tui.tui.screens.detail import DetailScreen

from .fakes import exercises, notifications, on_board, sandbox_services, screen_text, settle

ON_YOU, ON_HOLD = 1, 2


@dataclass
class Env:
    app: PylonApp
    sandbox: Sandbox
    service: BoardService


async def _env(tmp_path: Path, grace: float) -> tuple[Env, object]:
    sandbox, services = await sandbox_services(tmp_path / "sb.sqlite3")
    app = make_app(services, refresh_seconds=0, autoload=False, send_grace=grace, watch_links=True)
    assert app.ctx.watcher is not None
    await app.ctx.watcher.poll()  # the baseline
    return Env(app, sandbox, services.service), services


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[Env]:
    made, services = await _env(tmp_path, grace=30)
    yield made
    await services.aclose()  # type: ignore[attr-defined]
    made.sandbox.close()


@pytest.fixture
async def now_env(tmp_path: Path) -> AsyncIterator[Env]:
    made, services = await _env(tmp_path, grace=0)
    yield made
    await services.aclose()  # type: ignore[attr-defined]
    made.sandbox.close()


def focus(app: PylonApp, column: int, ticket_id: str | None = None) -> Ticket:
    screen = app.board_screen
    for _ in range(column):
        screen.action_cursor_right()
    for _ in range(len(screen.board.column(column))):
        ticket = screen.current_ticket()
        assert ticket is not None
        if ticket_id is None or ticket.id == ticket_id:
            return ticket
        screen.action_cursor_down()
    raise AssertionError("no such ticket")


async def thread_size(env: Env, ticket: Ticket) -> int:
    return len(await env.service.messages(ticket.id))


async def type_reply(pilot: Pilot[None], words: str) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, ComposeModal)
    await pilot.press("ctrl+a", "ctrl+k")
    for char in words:
        await pilot.press(char if char != " " else "space")
    await pilot.press("ctrl+s")
    await settle(pilot)


@exercises("reply", "undo")
async def test_a_reply_counts_down_and_u_takes_it_back_into_the_editor(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket = focus(env.app, ON_YOU)
        before = await thread_size(env, ticket)
        await pilot.press("r")
        await type_reply(pilot, "all fixed")
        assert on_board(env.app)
        assert f"reply to #{ticket.number} sends in" in screen_text(env.app)
        assert "u takes it back" in screen_text(env.app)
        await env.service.drain()
        assert await thread_size(env, ticket) == before, "nothing goes inside the grace period"

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(env.app.screen, ComposeModal), "back in the editor"
        assert "all fixed" in env.app.screen.query_one("TextArea").text  # type: ignore[attr-defined]
        assert env.service.waiting_sends() == []
        assert env.service.pending_count() == 0
        await pilot.press("escape")
        await settle(pilot)
    env.service.outbox.holds.clock = lambda: time.time() + 3600
    await env.service.drain()
    assert await thread_size(env, ticket) == before, "an undone reply is never sent"


@exercises("undo")
async def test_u_without_a_waiting_send_undoes_the_last_move(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket = focus(env.app, ON_YOU)
        await pilot.press("H")
        await settle(pilot)
        assert env.service.board.get(ticket.id).state == "new"  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(pilot)
        assert env.service.board.get(ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]


@exercises("reply", "conflicts")
async def test_a_customer_message_while_the_reply_waits_holds_it(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket = focus(env.app, ON_YOU)
        await pilot.press("r")
        await type_reply(pilot, "try again now")
        before = await thread_size(env, ticket)
        env.sandbox.customer_message(ticket.id, "<p>Update: it started working again</p>")
        env.service.outbox.holds.clock = lambda: time.time() + 60  # the grace period is over
        env.app.drain_outbox()
        await settle(pilot)
        assert await thread_size(env, ticket) == before + 1, "only the customer's message"
        assert "1 conflict (c)" in screen_text(env.app)
        assert any("while your reply waited" in m for _, m in notifications(env.app))
        assert on_board(env.app), "held replies never open a dialog by themselves"

        await pilot.press("c")
        await settle(pilot)
        assert isinstance(env.app.screen, CollisionModal)
        text = screen_text(env.app)
        assert "started working again" in text
        assert "try again now" in text
        await pilot.press("s")
        await settle(pilot)
        env.app.drain_outbox()
        await settle(pilot)
    messages = await env.service.messages(ticket.id)
    assert sum("try again now" in m.html for m in messages) == 1, "sent once, as it was"


@exercises("reply", "conflicts")
async def test_edit_takes_a_held_reply_back_and_drop_keeps_the_words(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        ticket = focus(env.app, ON_YOU)
        await pilot.press("r")
        await type_reply(pilot, "here is the fix")
        env.sandbox.customer_message(ticket.id, "<p>hello?</p>")
        env.service.outbox.holds.clock = lambda: time.time() + 60
        env.app.drain_outbox()
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(env.app.screen, ComposeModal)
        assert "here is the fix" in env.app.screen.query_one("TextArea").text  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
    assert env.service.pending_count() == 0
    assert env.service.draft(ticket.id, "reply") == "here is the fix"
    assert not any("here is the fix" in m.html for m in await env.service.messages(ticket.id))


@exercises("ready_to_tell")
async def test_ready_to_tell_sends_all_fix_replies_each_shown_first(now_env: Env) -> None:
    env = now_env
    watcher = env.app.ctx.watcher
    assert watcher is not None
    env.sandbox.end_linear_issue("ENG-12", "done")
    env.sandbox.end_linear_issue("ENG-16", "canceled")
    async with env.app.run_test(size=(100, 30)) as pilot:
        await env.app._watch_links()
        await settle(pilot)
        entries = watcher.ready.entries()
        assert len(entries) == 2
        await pilot.press("F")
        await settle(pilot)
        assert "Ready to tell (2)" in screen_text(env.app)
        await pilot.press("ctrl+s")
        shown = []
        for _ in entries:
            await settle(pilot)
            assert isinstance(env.app.screen, ComposeModal), "each reply is shown before it goes"
            shown.append(env.app.screen.query_one("TextArea").text)  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("release 2024.6.2" in text for text in shown)
        assert any("without making a change" in text for text in shown)
        assert watcher.ready.entries() == []
    for entry in entries:
        messages = await env.service.messages(entry.ticket_id)
        assert any(entry.title[:20] in m.html for m in messages if not m.is_private)


@exercises("group_by_issue")
async def test_b_groups_on_hold_by_linked_issue_with_state_and_assignee(env: Env) -> None:
    async with env.app.run_test(size=(100, 30)) as pilot:
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(env.app.screen, GroupedView)
        text = screen_text(env.app)
        assert "MOBILE-10 · In Progress · Aiko Tanaka · 3 waiting" in text
        assert "ENG-1 · In Progress · Priya Raman · 2 waiting" in text
        assert text.index("MOBILE-10") < text.index("ENG-1 ·"), "most waited first"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(env.app.screen, DetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b", "b")
        await settle(pilot)
        assert on_board(env.app), "b toggles back to the board"


@exercises("link_like")
async def test_a_new_look_alike_links_to_the_same_issue_with_one_key(env: Env) -> None:
    board = env.service.board
    facts = env.app.board_screen.link_facts
    new = [t for t in board.column(0) if facts.hint(t) is not None]
    assert new, "the seed has a New ticket resembling an On Hold one"
    ticket = new[0]
    hint = facts.hint(ticket)
    assert hint is not None
    async with env.app.run_test(size=(200, 40)) as pilot:
        focus(env.app, 0, ticket.id)
        env.app.board_screen.rebuild(force=True)
        await settle(pilot)
        assert hint.text in screen_text(env.app)
        await pilot.press("I")
        await settle(pilot)
    fresh = await env.service.ticket(ticket.id)
    assert board.catalog.category_of(fresh.state) is Category.ON_HOLD
    assert hint.link.external_id in {x.external_id for x in fresh.links}


@exercises("link")
async def test_the_hold_dialog_counts_who_waits_on_each_candidate(env: Env) -> None:
    from pylon_tui.tui.modals.hold import HoldModal

    board = env.service.board
    column = next(
        i
        for i in range(len(board.columns))
        if any("Attachments stuck" in t.title for t in board.column(i))
    )
    target = next(t for t in board.column(column) if "Attachments stuck" in t.title)
    async with env.app.run_test(size=(120, 40)) as pilot:
        focus(env.app, column, target.id)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(env.app.screen, HoldModal)
        for _ in range(20):
            await settle(pilot)
            if "waiting" in screen_text(env.app):
                break
        assert "MOBILE-10" in screen_text(env.app)
        assert "· 4 waiting" in screen_text(env.app)
        await pilot.press("escape")
