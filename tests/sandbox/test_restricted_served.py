"""Fault test over real sockets for issue 9 item 11: the board over a token whose role may not
read the directory endpoints (the sandbox answers them 403), in a workspace with a status of a
category no client knows. The board loads every ticket, says what it could not read, keeps
the unplaceable tickets counted in "other states", and its writes still go through."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import services_for
from pylon_tui.cli.doctor import run_doctor
from pylon_tui.config import Config, PylonSettings, Secret
from pylon_tui.domain import Priority
from pylon_tui.sandbox import Sandbox
from pylon_tui.sync.intents import Note, SetPriority
from tests.served import Served

ESCALATED = "escalated_to_eng"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    sandbox = Sandbox(tmp_path / "pylon.sqlite3")
    sandbox.ensure_seeded(60)
    server = Served(sandbox)
    server.start()
    yield server
    server.stop()
    sandbox.close()


async def test_a_restricted_token_degrades_the_board_over_a_socket(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = served.sandbox
    sandbox.add_status(ESCALATED, "Escalated to Eng", "engineering")
    sandbox.restrict()
    caplog.set_level(logging.WARNING, logger="pylon_tui.sync.restricted")
    async with PylonClient(
        served.url,
        None,
        budget=RateBudget.unlimited(),
        timeout=5.0,
        agent_email="maya@sandboxco.dev",
    ) as client:
        open_ids = [
            t.id
            for t in await client.search_issues(
                {"field": "state", "operator": "equals", "value": "new"}
            )
        ]
        for ticket_id in open_ids[:2]:
            await client.update_state(ticket_id, ESCALATED)
        service = services_for(client, me_email="maya@sandboxco.dev").service
        count = await service.load()
        board = service.board
        assert count == len(list(board.all())) > 0
        assert service.names_note == (
            "no names: this token may not read statuses, users, teams, accounts, "
            "custom fields (403)"
        )
        hidden = {t.id: t.state for t in board.hidden()}
        assert board.hidden_count() == len(hidden)
        assert {hidden.get(i) for i in open_ids[:2]} == {ESCALATED}
        assert {"investigating", "pending_release"} <= set(hidden.values())  # custom, unlisted
        # writes never needed the names: a priority (default field) and a note (as the token)
        ticket = next(t for t in board.all() if t.priority is not Priority.LOW)
        saved = await service.run(SetPriority(ticket.id, Priority.LOW))
        assert saved is not None
        assert saved.priority is Priority.LOW
        await service.run(Note(ticket.id, "<p>checked with engineering</p>"))
        thread = await service.messages(ticket.id)
        assert any("checked with engineering" in m.html for m in thread)
    refused = [e for e in sandbox.request_log if e[3] == 403]
    assert {e[2] for e in refused} >= {"/users", "/teams", "/accounts", "/issue-statuses"}
    logged = [r.getMessage() for r in caplog.records if ESCALATED in r.getMessage()]
    assert len(logged) == 1


def _hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: Path | None = None) -> None:
    for name in ("DATA", "STATE", "CONFIG", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    if state is not None:
        monkeypatch.setenv("XDG_STATE_HOME", str(state))
    for name in ("PYLON_API_TOKEN", "LINEAR_API_KEY", "GITHUB_TOKEN", "PYLON_TUI_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def _live(served: Served) -> Config:
    token = Secret("pylon_api_restrictedSECRET7")
    return Config(pylon=PylonSettings(region="us", token=token, base_url=served.url))


def test_doctor_says_what_the_token_may_not_read_and_where_the_budget_is(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _hermetic(tmp_path, monkeypatch)
    served.sandbox.restrict()
    run_doctor(_live(served))
    out = capsys.readouterr().out
    assert "no names: this token may not read statuses, users, teams, accounts" in out
    assert "this token may not read custom fields (403)" in out
    budget = tmp_path / "state" / "pylon-tui" / f"rate-budget-127.0.0.1_{served.port}.sqlite3"
    assert f"rate budget shared by this machine's pylon-tui processes: {budget}" in out
    assert budget.exists()
    assert "SECRET7" not in out


def test_doctor_warns_when_the_budget_cannot_be_shared(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _hermetic(tmp_path, monkeypatch, state=Path("/proc/pylon-tui-cannot-write-here"))
    run_doctor(_live(served))
    out = capsys.readouterr().out
    assert "! the rate budget shared by pylon-tui processes on this machine is unavailable" in out
    assert "this process counts only its own requests" in out
