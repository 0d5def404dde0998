"""`move --link` when Pylon's automation makes the move (issue 9 item 10): linking an
unfinished Linear issue puts the ticket On Hold by itself, so the CLI reports the move as
made, by Pylon, and sends no second write."""

from __future__ import annotations

import json

import pytest

from pylon_tui.cli import main
from pylon_tui.config import paths
from pylon_tui.sandbox import Sandbox


def _state(capsys: pytest.CaptureFixture[str], number: int) -> str:
    capsys.readouterr()
    assert main(["show", str(number), "--json"]) == 0
    return str(json.loads(capsys.readouterr().out)["state"])


def test_linking_an_unfinished_issue_is_the_move(capsys: pytest.CaptureFixture[str]) -> None:
    assert _state(capsys, 68) != "on_hold"
    assert main(["move", "68", "On Hold", "--link", "ENG-2"]) == 0  # ENG-2 is In Progress
    out = capsys.readouterr().out
    assert "#68 moved to On Hold (Pylon moved it when the issue was linked)" in out
    assert "already" not in out
    assert _state(capsys, 68) == "on_hold"
    with Sandbox(paths.sandbox_db_path()) as sandbox:
        issue = sandbox.linear_issue("ENG-2")
    assert issue["state"]["type"] == "started"


def test_a_finished_issue_leaves_the_move_to_pylon_tui(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0  # seeds the CLI's own sandbox
    with Sandbox(paths.sandbox_db_path()) as sandbox:
        sandbox.close_linear_issue("ENG-2")
    capsys.readouterr()
    assert main(["move", "68", "On Hold", "--link", "ENG-2", "--allow-closed"]) == 0
    out = capsys.readouterr().out
    assert "#68 moved to On Hold\n" in out, out
    assert _state(capsys, 68) == "on_hold"
