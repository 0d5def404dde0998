"""One malformed ticket is left out and reported; the rest of the board still loads.

The api layer counts what it skipped; the CLI says so on stderr (stdout stays valid JSON) and
the board shows it beside the sync time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pylon_tui.cli import main
from pylon_tui.sandbox.pylon import render


@pytest.fixture
def two_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    original: Callable[..., Any] = render.issue_json

    def broken(*args: Any) -> Any:
        out = original(*args)
        if out["number"] == 71:
            out["number"] = "seventy-one"
        elif out["number"] == 66:
            out["created_at"] = "not a date at all"
            out["state"] = None
        return out

    monkeypatch.setattr(render, "issue_json", broken)


@pytest.mark.usefixtures("two_broken")
def test_list_json_keeps_the_board_and_warns_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    numbers = {t["number"] for c in data["columns"] for t in c["tickets"]}
    assert 71 not in numbers
    assert 66 not in numbers
    assert len(numbers) > 40
    assert "warning: skipped 2 tickets with unusable data from Pylon" in out.err


def test_a_clean_board_prints_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "skipped" not in capsys.readouterr().err
