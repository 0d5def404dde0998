"""`pylon-tui move` over a real socket to a Pylon that applies the move and loses the answer
(a proxy's 502, a dropped connection): it checks and says the move was made, and exits 0.
When the move really was not made, it says that; never "Nothing was changed" otherwise."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pylon_tui.cli import main
from pylon_tui.sandbox import Sandbox
from tests.served import Served
from tests.sync.faultrig import FaultySandbox


@dataclass
class Pylon:
    sandbox: FaultySandbox
    db: Path

    def issue(self, number: int, column: str) -> str:
        """Straight from the sandbox's database: what Pylon really holds."""
        db = sqlite3.connect(self.db)
        try:
            sql = f"SELECT {column} FROM issues WHERE number = ?"  # noqa: S608
            row = db.execute(sql, (number,)).fetchone()
        finally:
            db.close()
        return str(row[0])

    def inject(self, kind: str, number: int, times: int = 1) -> None:
        for _ in range(times):
            self.sandbox.inject(kind, "PATCH", f"/issues/{self.issue(number, 'id')}")


@pytest.fixture
def pylon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pylon]:
    for name in ("DATA", "STATE", "CONFIG", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for name in ("LINEAR_API_KEY", "GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "pylon.sqlite3"
    with Sandbox(db) as seeded:
        seeded.ensure_seeded()
    sandbox = FaultySandbox(db)
    sandbox.served = True
    served = Served(sandbox)
    served.start()
    config = tmp_path / "config.toml"
    config.write_text(f'[pylon]\nbase_url = "{served.url}"\n')
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(config))
    monkeypatch.setenv("PYLON_API_TOKEN", "pylon_api_test-token")
    yield Pylon(sandbox, db)
    served.stop()
    sandbox.close()
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


@pytest.mark.parametrize("fault", ["applied_502", "lost_reset"])
def test_a_move_made_but_unanswered_is_reported_as_made(
    pylon: Pylon, fault: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pylon.inject(fault, 70)
    assert main(["move", "70", "on-you"]) == 0
    out, err = capsys.readouterr()
    assert pylon.sandbox.fired, "the fault was injected"
    assert "#70 moved to On You" in out
    assert "answer was lost" in out
    assert "Nothing was changed" not in out + err
    assert pylon.issue(70, "state") == "waiting_on_you"


def test_a_refused_move_says_nothing_changed_only_after_checking(
    pylon: Pylon, capsys: pytest.CaptureFixture[str]
) -> None:
    pylon.inject("status_429", 70, times=3)  # more refusals than the client waits out
    assert main(["move", "70", "on-you"]) == 1
    err = capsys.readouterr().err
    assert "Nothing was changed (checked with Pylon)" in err
    assert "will retry" not in err, "the CLI does not stay to retry"
    assert pylon.issue(70, "state") == "new"
