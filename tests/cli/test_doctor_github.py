"""`doctor` warns when the board links GitHub issues but no GitHub token is set: GitHub's
304s are free only for authenticated requests (issue 9 item 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pylon_tui.cli import main
from pylon_tui.sandbox import Sandbox
from tests.served import Served

WARNING = "link GitHub issues but no GitHub token is set"


@pytest.fixture
def live_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A configured (not sandbox-mode) pylon-tui whose Pylon is the served sandbox."""
    sandbox = Sandbox(tmp_path / "pylon.sqlite3")
    sandbox.ensure_seeded()
    served = Served(sandbox)
    served.start()
    config = tmp_path / "config.toml"
    config.write_text(f'[pylon]\nbase_url = "{served.url}"\n')
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(config))
    monkeypatch.setenv("PYLON_API_TOKEN", "pylon_api_test-token")
    yield sandbox
    served.stop()
    sandbox.close()


def test_github_links_without_a_token_are_warned_about(
    live_config: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["doctor"])
    out = capsys.readouterr().out
    assert "GitHub" in out
    assert WARNING in out
    assert "a 304 is free only with a token" in out
    assert "GITHUB_TOKEN" in out


def test_with_a_token_there_is_no_warning(
    live_config: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_doctorcheck0123456789")
    main(["doctor"])
    out = capsys.readouterr().out
    assert WARNING not in out
    assert "✓ GitHub token set" in out
    assert "ghp_doctorcheck0123456789" not in out
