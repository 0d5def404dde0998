"""Issue 9 item 11: a token with a restricted role (403 on the directory endpoints) degrades
the board instead of blocking it, and a status the client cannot place lands, counted, in
"other states" with one log line.

The real PylonClient and BoardService over the in-process sandbox, with its restricted-token
switch and an added status of a category no client knows.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import AuthError, NotFoundError
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import services_for
from pylon_tui.domain import Priority
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sandbox.core import DIRECTORY_ROUTES
from pylon_tui.sync.intents import SetPriority
from pylon_tui.sync.restricted import DirectoryReads, forbidden
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

BASE = "https://api.usepylon.com"
ESCALATED = "escalated_to_eng"  # a status whose category ("engineering") no client knows
REFUSED = "no names: this token may not read statuses, users, teams, accounts, custom fields (403)"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path / "sandbox.sqlite3") as sb:
        sb.ensure_seeded(60)
        yield sb


def _client(sandbox: Sandbox) -> PylonClient:
    return PylonClient(
        BASE, None, transport=SandboxTransport(sandbox), budget=RateBudget.unlimited()
    )


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[PylonClient]:
    async with _client(sandbox) as pylon:
        yield pylon


def _service(client: PylonClient, store: Store | None = None) -> BoardService:
    return services_for(client, me_email="maya@sandboxco.dev", store=store).service


def _ids(sandbox: Sandbox, state: str) -> list[str]:
    rows = sandbox._conn.execute("SELECT id FROM issues WHERE state = ?", (state,))
    return [row[0] for row in rows]


async def test_a_restricted_token_still_loads_every_ticket(
    sandbox: Sandbox, client: PylonClient
) -> None:
    sandbox.restrict()
    service = _service(client)
    count = await service.load()
    assert count == len(list(service.board.all())) > 0
    assert service.names_note == REFUSED
    assert service.directory.users == {}  # no names: ids instead, never a failed load
    assert client.priority_refused
    # custom statuses are not known without /issue-statuses: their tickets are in the catch-all
    investigating = set(_ids(sandbox, "investigating"))
    assert investigating
    assert investigating <= {t.id for t in service.board.hidden()}
    assert service.board.hidden_count() == len(service.board.hidden())
    board = service.board
    shown = {t.id for index in range(len(board.columns)) for t in board.column(index)}
    assert shown | {t.id for t in board.hidden()} == {t.id for t in board.all()}  # none lost


async def test_names_already_cached_are_kept_and_the_note_clears_with_access(
    sandbox: Sandbox, client: PylonClient, tmp_path: Path
) -> None:
    store = Store(tmp_path / "cache.sqlite3")
    first = _service(client, store)
    await first.load()
    users = dict(first.directory.users)
    assert users
    assert first.names_note == ""
    sandbox.restrict(["users", "accounts"])
    again = _service(client, store)
    again.paint_from_cache()
    await again.load_names()
    assert again.directory.users == users  # the cache's names, not ids
    assert again.names_note == "no names: this token may not read users, accounts (403)"
    assert again.me_id is not None  # "assign to me" still works from the cached names
    sandbox.restrict(())
    await again.load_names()
    assert again.names_note == ""
    store.close()


async def test_priority_works_without_reading_custom_fields(
    sandbox: Sandbox, client: PylonClient
) -> None:
    """The default field (`priority`, urgent..low) is assumed, and a write is still verified."""
    sandbox.restrict(["custom-fields"])
    service = _service(client)
    await service.load()
    assert service.names_note == "no names: this token may not read custom fields (403)"
    ticket = next(t for t in service.board.all() if t.priority is not Priority.HIGH)
    saved = await service.run(SetPriority(ticket.id, Priority.HIGH))
    assert saved is not None
    assert saved.priority is Priority.HIGH


async def test_other_refusals_still_fail_the_load(sandbox: Sandbox, client: PylonClient) -> None:
    """Only a 403 degrades: a bad token (401) is a real failure the user must fix."""
    sandbox.required_token = "pylon_api_right_token"
    with pytest.raises(AuthError) as info:
        await _service(client).load()
    assert info.value.status == 401


def test_forbidden_is_only_a_role_refusal() -> None:
    assert forbidden(AuthError("no", status=403))
    assert not forbidden(AuthError("bad token", status=401))
    assert not forbidden(AuthError("other region", status=403, wrong_region=True, region="eu"))
    assert not forbidden(NotFoundError("gone", status=404))


async def test_directory_reads_keep_what_was_there_on_403_only() -> None:
    reads = DirectoryReads()

    async def refused() -> list[str]:
        raise AuthError("forbidden", status=403)

    async def broken() -> list[str]:
        raise AuthError("bad token", status=401)

    assert await reads.read(refused, "users", ["cached"]) == ["cached"]
    with pytest.raises(AuthError):
        await reads.read(broken, "teams", [])
    assert reads.note(object()) == "no names: this token may not read users (403)"


async def test_a_status_of_an_unknown_category_is_counted_in_other_states_and_logged_once(
    sandbox: Sandbox, client: PylonClient, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.add_status(ESCALATED, "Escalated to Eng", "engineering")
    moved = _ids(sandbox, "waiting_on_you")[:3]
    for ticket_id in moved:
        await client.update_state(ticket_id, ESCALATED)
    service = _service(client)
    caplog.set_level(logging.WARNING, logger="pylon_tui.sync.restricted")
    await service.load()
    hidden = {t.id: t for t in service.board.hidden()}
    assert set(moved) <= set(hidden)  # visible in the catch-all, never nowhere
    assert service.board.hidden_count() == len(hidden)
    assert service.board.catalog.category_of(ESCALATED) is None
    await service.reconcile()
    await client.update_state(_ids(sandbox, "new")[0], ESCALATED)
    await service.refresh()  # incremental: a fourth ticket arrives in that status
    assert sum(t.state == ESCALATED for t in service.board.hidden()) == 4
    lines = [r.getMessage() for r in caplog.records if ESCALATED in r.getMessage()]
    assert lines == [
        f"status '{ESCALATED}' has no category this client knows: its 3 ticket(s) are under "
        "'other states' (o)"
    ]


def test_the_sandbox_switch_names_only_real_routes(sandbox: Sandbox) -> None:
    assert set(DIRECTORY_ROUTES) == {
        "users",
        "teams",
        "accounts",
        "account",
        "issue-statuses",
        "custom-fields",
        # single-name reads and user search (issue 18): names too
        "user",
        "team",
        "users-search",
        "custom-field",
    }
    with pytest.raises(ValueError, match="unknown route"):
        sandbox.restrict(["tickets"])
    sandbox.restrict()
    status, _, body = sandbox.handle("GET", f"{BASE}/users", {}, b"")
    assert status == 403
    assert b'"code": "forbidden"' in body or b'"code":"forbidden"' in body
    assert sandbox.handle("POST", f"{BASE}/issues/search", {}, b'{"filter": {}}')[0] != 403
