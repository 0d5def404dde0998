"""Flows (issue 13, item 1): multi-step work is straight code over dialogs, shared by every
screen, and screens reach one another only through flows and messages."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import Services, make_app, services_for
from pylon_tui.domain import Ticket
from pylon_tui.domain.htmltext import text_to_html
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync import ActionQueued, DrainReport, Move
from pylon_tui.sync.store import Store
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.flows import FLOW_GROUP
from pylon_tui.tui.messages import OpenTicket
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.conflict import ConflictModal
from pylon_tui.tui.modals.create_issue import CreateIssueModal
from pylon_tui.tui.modals.hold import HoldModal
from pylon_tui.tui.screens.detail import DetailScreen
from tests.sync.test_outbox import Switch

from .fakes import FakePylon, build_app, calls_to, sent_replies, settle


async def settled(pilot: Pilot[None], *, rounds: int = 20) -> None:
    """Until no flow is working (waiting on a dialog is not working) and every other worker,
    including what a finished flow started, has ended."""
    app = pilot.app
    assert isinstance(app, PylonApp)
    for _ in range(rounds):
        await settle(pilot)
        others = [w for w in app.workers if w.group != FLOW_GROUP]
        if not app.flows.busy and all(w.is_finished for w in others):
            return
    raise AssertionError("the flows never settled")


class SlowReplies(FakePylon):
    """Pylon takes its time answering a reply, so a test can look while it is in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def reply(self, issue_id: str, body_html: str, message_id: str) -> object:
        await self.gate.wait()
        return await super().reply(issue_id, body_html, message_id)


async def test_detail_reply_goes_through_the_same_flow_and_refreshes_after_send() -> None:
    fake = SlowReplies()
    app = build_app(fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("r")
        await settled(pilot)
        assert isinstance(app.screen, ComposeModal)
        loads = len(calls_to(fake, "messages"))  # the detail's own, and the reply's
        await pilot.press("ctrl+s")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, DetailScreen), "the detail stays where the user was"
        assert len(calls_to(fake, "messages")) == loads, "no reload while the reply is in flight"
        fake.gate.set()
        await settled(pilot)
        # The same reply the board's `r` sends: the template, to the last customer message.
        assert sent_replies(fake) == [("t1", text_to_html("On it!"), "m1")]
        assert len(calls_to(fake, "messages")) == loads + 1, "reloaded once Pylon answered"
        assert isinstance(app.screen, DetailScreen)

        # A reply the user cancels sends nothing and reloads nothing.
        loads = len(calls_to(fake, "messages"))
        await pilot.press("r")
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert len(calls_to(fake, "messages")) == loads + 1  # only the compose flow's own load
        assert len(sent_replies(fake)) == 1


async def sandbox_services(
    tmp_path: Path, *, down_first: bool = False, automations: bool = True
) -> tuple[Services, Switch]:
    sandbox = Sandbox(tmp_path / "sb.sqlite3", automations=automations)
    sandbox.ensure_seeded()
    switch = Switch(sandbox)
    services = services_for(
        PylonClient("https://api.usepylon.com", None, transport=switch),
        linear=LinearClient(None, transport=SandboxTransport(sandbox)),
        store=Store(tmp_path / "cache.sqlite3"),
        me_email="maya@sandboxco.dev",
        sandbox=False,
    )
    await services.service.load()
    return services, switch


async def test_hold_flow_creates_an_issue_from_inside_the_dialog(tmp_path: Path) -> None:
    """From the detail screen: `i` opens the link dialog, ctrl+n chains the new-issue dialog
    over it, the created issue comes back into the link dialog, and confirming links it.
    (Live Pylon would also put it On Hold: the sandbox's automations are off here.)"""
    services, _ = await sandbox_services(tmp_path, automations=False)
    service = services.service
    ticket = next(
        t for t in service.board.all() if t.state == "waiting_on_you" and not t.has_tracking_link()
    )
    app = make_app(services, refresh_seconds=0, autoload=False)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settled(pilot)
            app.board_screen.post_message(OpenTicket(ticket.id))  # as enter or `o` would
            await settled(pilot)
            assert isinstance(app.screen, DetailScreen)
            await pilot.press("i")
            await settled(pilot)
            hold = app.screen
            assert isinstance(hold, HoldModal)
            assert not hold.moving
            await pilot.press("ctrl+n")
            await settled(pilot)
            create = app.screen
            assert isinstance(create, CreateIssueModal)
            assert [type(s) for s in app.screen_stack[-3:]] == [
                DetailScreen,
                HoldModal,
                CreateIssueModal,
            ]
            assert create.query_one("#create-title", Input).value == ticket.title
            await pilot.press("ctrl+s")
            await settled(pilot)
            assert app.screen is hold, "the new issue goes back into the link dialog"
            created = hold.chosen
            assert created is not None
            await pilot.press("ctrl+s")
            await settled(pilot)
            assert isinstance(app.screen, DetailScreen)
            assert [w for w in app.workers if w.group == FLOW_GROUP and not w.is_finished] == []
        fresh: Ticket = await service.client.get_issue(ticket.id)
        assert created.external_id in {link.external_id for link in fresh.links}
        assert fresh.state == "waiting_on_you", "linking from the detail does not move it"
        linear = services.linear
        assert linear is not None
        found = await linear.issue(created.identifier)
        assert found is not None
        assert found.title == ticket.title
    finally:
        await services.aclose()


async def test_conflicts_are_asked_one_at_a_time_and_drain_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services, switch = await sandbox_services(tmp_path)
    service = services.service
    held = [t for t in service.board.all() if t.state == "on_hold"][:2]
    assert len(held) == 2
    switch.down = True
    for ticket in held:
        with pytest.raises(ActionQueued):
            await service.run(Move(ticket.id, "closed", base_updated_at=ticket.updated_at))
    sandbox = switch.inner.sandbox
    for ticket in held:
        sandbox.customer_message(ticket.id, "<p>Still broken for us</p>")
    switch.down = False
    service.store.make_all_due()
    app = make_app(services, refresh_seconds=0, autoload=False)

    def dialogs() -> list[ConflictModal]:
        return [s for s in app.screen_stack if isinstance(s, ConflictModal)]

    drained: list[int] = []
    real_drain = service.drain

    async def counted_drain() -> DrainReport:
        drained.append(service.pending_count())
        return await real_drain()

    monkeypatch.setattr(service, "drain", counted_drain)

    def drains() -> int:
        return len(drained)

    try:
        async with app.run_test(size=(100, 30)) as pilot:
            app.drain_outbox()
            await settled(pilot)
            assert dialogs() == [], "found in the background: they wait for the user"
            assert app.flows.conflicts == 2
            await pilot.press("c")
            await settled(pilot)
            assert len(dialogs()) == 1, "one dialog at a time"
            first = dialogs()[0].conflict.server.id
            assert app.flows.asking
            before = drains()
            app.drain_outbox()  # the timer's tick while the user decides: skipped
            await settled(pilot)
            assert drains() == before
            assert len(dialogs()) == 1
            await pilot.press("m")  # apply mine: close it
            await settled(pilot)
            assert len(dialogs()) == 1, "the second conflict waited for the first answer"
            second = dialogs()[0].conflict.server.id
            assert {first, second} == {t.id for t in held}
            assert app.flows.asking
            assert drains() == before, "nothing is resent while a question is open"
            await pilot.press("t")  # keep the server's
            await settled(pilot)
            assert dialogs() == []
            assert not app.flows.asking
            assert drains() == before + 1, "the answers are sent once, after the last"
            assert drained[-1] == 1, "only the change the user kept was left to send"
            assert service.pending_count() == 0
        assert (await service.client.get_issue(first)).state == "closed"
        assert (await service.client.get_issue(second)).state == "waiting_on_you"
    finally:
        await services.aclose()


PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def lint_imports(*contract_ids: str) -> int:
    """import-linter's verdict on the named contracts of pyproject.toml (issue 13, item 7);
    .ci/run checks them all, these tests say which architectural rule a change broke."""
    from importlinter.cli import lint_imports as run

    # import-linter configures logging as it starts, which disables every logger that
    # exists already: tests after this one (caplog on pylon_tui's loggers) saw no records.
    manager = logging.root.manager
    enabled = [
        logger
        for logger in manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    try:
        return run(
            config_filename=str(PYPROJECT),
            limit_to_contracts=contract_ids,
            no_cache=True,
            no_logo=True,
        )
    finally:
        for logger in enabled:
            logger.disabled = False


def test_no_screen_module_imports_another() -> None:
    assert lint_imports("screens-apart", "modals-apart", "tui-inner-layers") == 0


def test_no_import_cycle_anywhere_in_pylon_tui() -> None:
    assert lint_imports("acyclic") == 0


def test_the_tui_reaches_linear_through_the_port() -> None:
    assert lint_imports("tui-through-sync") == 0


def test_the_layers_and_the_edges_hold() -> None:
    contracts = (
        "layers",
        "domain-pure",
        "ui-libraries",
        "sandbox-stranger",
        "sandbox-by-transport",
        "config-at-the-edge",
        "config-alone",
        "cli-via-bootstrap",
    )
    assert lint_imports(*contracts) == 0
