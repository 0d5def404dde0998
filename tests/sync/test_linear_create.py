"""Creating a Linear issue from the On Hold dialog is safe to retry: never a duplicate."""

from __future__ import annotations

import uuid
from pathlib import Path

from pylon_tui.api.linear import LinearClient
from pylon_tui.sandbox import Sandbox, SandboxTransport


async def test_retried_create_with_the_same_id_returns_the_first_issue(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path / "sb.sqlite3")
    sandbox.ensure_seeded()
    async with LinearClient(None, transport=SandboxTransport(sandbox)) as linear:
        team = (await linear.teams())[0]
        issue_id = str(uuid.uuid4())
        title = f"Exports time out for large workspaces {issue_id[:8]}"
        first = await linear.create_issue(team.id, title, "from Pylon #1", issue_id=issue_id)
        again = await linear.create_issue(team.id, title, "from Pylon #1", issue_id=issue_id)
        assert again.external_id == first.external_id == issue_id
        assert again.identifier == first.identifier
        found = [i for i in await linear.search(title, first=20) if i.title == title]
        assert len(found) == 1, "the retry must not create a second issue"
