"""Auto-return against the real sandbox: close the linked Linear issue, poll once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import DEFAULT_COLUMNS, Category
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.linkwatch import LinkWatcher
from pylon_tui.sync.service import BoardService


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    sb = Sandbox(tmp_path / "sandbox.sqlite3")
    sb.ensure_seeded()
    return sb


async def make(sb: Sandbox) -> tuple[BoardService, LinkWatcher, list[object]]:
    transport = SandboxTransport(sb)
    pylon = PylonClient("https://api.usepylon.com", None, transport=transport)
    linear = LinearClient(None, transport=transport)
    github = GitHubClient(None, transport=transport)
    service = BoardService(pylon, DEFAULT_COLUMNS)
    await service.load()
    return service, LinkWatcher(service, linear, github), [pylon, linear, github]


async def test_closing_linked_issue_returns_ticket_within_one_poll(sandbox: Sandbox) -> None:
    service, watcher, clients = await make(sandbox)
    try:
        await watcher.poll()  # settle anything the seed already had closed
        await service.refresh()
        on_hold = [
            t
            for t in service.board.all()
            if service.board.catalog.category_of(t.state) is Category.ON_HOLD
            and len([link for link in t.links if link.is_tracking]) == 1
            and t.links[0].source == "linear"
        ]
        assert on_hold, "the seed must have On Hold tickets linked to one Linear issue"
        ticket = on_hold[0]
        identifier = watcher.live[ticket.links[0].external_id].identifier
        queries_before = watcher.queries
        sandbox.close_linear_issue(identifier)

        returned = await watcher.poll()

        assert watcher.queries == queries_before + 1, "one batched Linear query per poll"
        assert ticket.id in {r.ticket.id for r in returned}
        assert service.board.get(ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]
        # The server agrees, and an internal note names the closed issue.
        fresh = await service.ticket(ticket.id)
        assert fresh.state == "waiting_on_you"
        notes = [m for m in await service.messages(ticket.id) if m.is_private]
        assert any(identifier in m.html for m in notes)
        # A second poll changes nothing.
        assert [r for r in await watcher.poll() if r.ticket.id == ticket.id] == []
    finally:
        for client in clients:
            await client.aclose()  # type: ignore[attr-defined]


async def test_open_links_keep_ticket_on_hold(sandbox: Sandbox) -> None:
    service, watcher, clients = await make(sandbox)
    try:
        await watcher.poll()
        await service.refresh()
        still = [
            t
            for t in service.board.all()
            if service.board.catalog.category_of(t.state) is Category.ON_HOLD
        ]
        assert still, "tickets with open links stay On Hold"
        baseline = watcher.closed_when_linked.read()  # closed before the first poll: they stay
        for ticket in still:
            if ticket.id in baseline:
                continue
            assert not all(
                watcher.live.get(link.external_id) and watcher.live[link.external_id].is_closed
                for link in ticket.links
                if link.is_tracking
            )
    finally:
        for client in clients:
            await client.aclose()  # type: ignore[attr-defined]


class FailingWrites(SandboxTransport):
    """Pylon answers reads but every write fails with a 503 (a transient outage)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method in ("PATCH", "POST") and "/search" not in request.url.path:
            return httpx.Response(503, json={"errors": ["unavailable"], "request_id": "r"})
        return await super().handle_async_request(request)


async def test_auto_return_while_pylon_refuses_writes_is_queued_not_crashed(
    sandbox: Sandbox,
) -> None:
    pylon = PylonClient("https://api.usepylon.com", None, transport=FailingWrites(sandbox))
    linear = LinearClient(None, transport=SandboxTransport(sandbox))
    service = BoardService(pylon, DEFAULT_COLUMNS)
    try:
        await service.load()
        watcher = LinkWatcher(service, linear)
        assert await watcher.poll() == []  # the baseline: the seed's Done issues stay as seen
        sandbox.close_linear_issue("ENG-12")
        returned = await watcher.poll()
        assert returned, "a closed link returns its ticket even while writes are failing"
        for item in returned:
            assert service.board.get(item.ticket.id).state == "waiting_on_you"  # type: ignore[union-attr]
        assert service.pending_count() >= len(returned), "the moves wait in the outbox"
    finally:
        await pylon.aclose()
        await linear.aclose()
