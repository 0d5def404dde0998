"""Fault test over real sockets (issue 9 items 8-9): the real clients against the served
sandbox when GitHub answers 301 (transferred) or 410 (deleted), when a Linear issue is in the
trash, and when Linear answers RATELIMITED; then the link watcher end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import RateLimitedError
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.waits import MAX_WAIT
from pylon_tui.domain import DEFAULT_COLUMNS
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.linkwatch import LinkWatcher
from pylon_tui.sync.service import BoardService
from tests.served import Served

GITHUB_KEY = "acme/widgets/123"


@dataclass
class Rig:
    sandbox: Sandbox
    served: Served
    github: GitHubClient
    linear: LinearClient

    def log(self, service: str) -> list[tuple[str, int]]:
        return [
            (path, status) for svc, _, path, status in self.sandbox.request_log if svc == service
        ]


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    sandbox = Sandbox(tmp_path / "sandbox.sqlite3")
    sandbox.ensure_seeded()
    served = Served(sandbox)
    served.start()
    github = GitHubClient(None, base_url=f"{served.url}/github", timeout=5)
    linear = LinearClient(None, url=f"{served.url}/graphql", timeout=5)
    yield Rig(sandbox, served, github, linear)
    await github.aclose()
    await linear.aclose()
    served.stop()
    sandbox.close()


async def test_transferred_github_issue_is_followed_over_the_wire(rig: Rig) -> None:
    rig.sandbox.transfer_github_issue(GITHUB_KEY, "acme-labs/core/9")
    issue = await rig.github.issue_state("https://github.com/acme/widgets/issues/123")
    assert issue.identifier == "acme-labs/core#9"
    assert issue.external_id == GITHUB_KEY
    again = await rig.github.issue_state(GITHUB_KEY)
    assert again == issue
    statuses = [status for _, status in rig.log("github")]
    assert statuses == [301, 200, 304], "one 301, then straight to the new home with its ETag"


async def test_deleted_github_issue_is_closed_and_flagged_over_the_wire(rig: Rig) -> None:
    assert not (await rig.github.issue_state(GITHUB_KEY)).is_closed
    rig.sandbox.delete_github_issue(GITHUB_KEY)
    gone = await rig.github.issue_state(GITHUB_KEY)
    assert gone.deleted
    assert gone.is_closed
    assert gone.state_name == "deleted"
    assert [status for _, status in rig.log("github")] == [200, 410]


@pytest.mark.parametrize("listed", [True, False])
async def test_trashed_linear_issue_is_closed_either_way_linear_lists_it(
    rig: Rig, listed: bool
) -> None:
    trashed = rig.sandbox.trash_linear_issue("ENG-12", listed=listed)
    kept = rig.sandbox.linear_issue("ENG-13")
    found = await rig.linear.issues_by_ids([trashed["id"], kept["id"]])
    assert found[trashed["id"]].deleted
    assert found[trashed["id"]].is_closed
    assert found[trashed["id"]].state_name == "deleted"
    assert not found[kept["id"]].deleted
    # When the batch leaves it out, one extra lookup by id finds it.
    assert len(rig.log("linear")) == (1 if listed else 2)


@pytest.mark.parametrize("status", [400, 200])
async def test_ratelimited_is_a_bounded_wait_that_no_request_jumps(rig: Rig, status: int) -> None:
    rig.sandbox.linear_rate_limit(1, status=status, reset_in=3600)
    with pytest.raises(RateLimitedError) as info:
        await rig.linear.issue("ENG-12")
    assert info.value.retry_after == pytest.approx(MAX_WAIT, abs=2), "an hour, capped"
    with pytest.raises(RateLimitedError):
        await rig.linear.search("export")
    assert len(rig.log("linear")) == 1, "the second call never left the machine"


async def test_watcher_returns_a_ticket_whose_issues_were_deleted_and_says_so(rig: Rig) -> None:
    pylon = PylonClient(rig.served.url, None, budget=RateBudget.unlimited(), timeout=5)
    try:
        service = BoardService(pylon, DEFAULT_COLUMNS)
        await service.load()
        watcher = LinkWatcher(service, rig.linear, rig.github)
        await watcher.poll()  # settle what the seed already had closed
        ticket = next(
            t
            for t in service.board.all()
            if service.board.catalog.is_on_hold(t.state)
            and any(link.external_id == GITHUB_KEY for link in t.links)
        )
        linear_ids = [link.external_id for link in ticket.links if link.source == "linear"]
        assert linear_ids, "the seeded ticket links a Linear issue too"
        rig.sandbox.delete_github_issue(GITHUB_KEY)
        for issue_id in linear_ids:
            rig.sandbox.trash_linear_issue(issue_id, listed=False)

        returned = await watcher.poll()

        item = next(r for r in returned if r.ticket.id == ticket.id)
        assert "acme/widgets#123 was deleted" in item.describe()
        assert watcher.states.state_of(GITHUB_KEY) == "deleted", "the card says deleted"
        fresh = await service.ticket(ticket.id)
        assert fresh.state == "waiting_on_you"
        assert [r for r in await watcher.poll() if r.ticket.id == ticket.id] == []
        notes = [m.html for m in await service.messages(ticket.id) if m.is_private]
        deleted_notes = [html for html in notes if "acme/widgets#123 was deleted" in html]
        assert len(deleted_notes) == 1, "one note, not one per poll"
        assert "A deleted issue is not a shipped fix" in deleted_notes[0]
    finally:
        await pylon.aclose()
