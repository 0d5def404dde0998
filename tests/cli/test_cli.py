"""The headless CLI against the sandbox: list, show, and the On Hold gate on `move`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pylon_tui.cli import main


def board(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def state_of(capsys: pytest.CaptureFixture[str], number: int) -> str:
    assert main(["show", str(number), "--json"]) == 0
    return str(json.loads(capsys.readouterr().out)["state"])


def test_list_json_prints_the_sandbox_board(capsys: pytest.CaptureFixture[str]) -> None:
    data = board(capsys)
    assert data["sandbox"] is True
    columns = data["columns"]
    assert isinstance(columns, list)
    assert [c["title"] for c in columns] == ["New", "On You", "On Hold", "Closed"]
    total = sum(c["count"] for c in columns) + len(data["other_states"])  # type: ignore[arg-type]
    assert total >= 60


def test_move_unlinked_ticket_on_hold_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "on-hold"]) == 1
    err = capsys.readouterr().err
    assert "link" in err
    assert "--link" in err
    assert state_of(capsys, 68) == "new"


def test_move_with_link_links_then_moves(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "on-hold", "--link", "ENG-2"]) == 0
    assert "ENG-2" in capsys.readouterr().out
    assert main(["show", "68", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "on_hold"
    assert [link["label"] for link in shown["links"]] == ["ENG-2"]


def test_closed_link_needs_allow_closed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "69", "on-hold", "--link", "ENG-13"]) == 1
    assert "--allow-closed" in capsys.readouterr().err
    assert state_of(capsys, 69) == "new"
    assert main(["move", "69", "on-hold", "--link", "ENG-13", "--allow-closed"]) == 0


def test_bad_link_and_bad_column_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "68", "on-hold", "--link", "not a ref"]) == 1
    assert "ENG-42" in capsys.readouterr().err
    assert main(["move", "68", "nowhere"]) == 2
    assert "columns:" in capsys.readouterr().err


def test_move_persists_in_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["move", "70", "on-you"]) == 0
    capsys.readouterr()
    assert state_of(capsys, 70) == "waiting_on_you"


def test_bad_config_is_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("pylon = [\n")
    assert main(["--config", str(bad), "list"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_unwritable_state_dir_is_a_message_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/proc/pylon-tui-cannot-write-here")
    monkeypatch.setattr("pylon_tui.cli.commands.terminal_problem", lambda: None)  # a "tty"
    assert main(["board"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "writable" in err


def test_doctor_checks_the_sandbox_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "✓ reach Pylon and authenticate" in out
    assert "6 users" in out
    assert "is a Pylon user" in out
    assert "✓ search tickets" in out
    assert "All good." in out
