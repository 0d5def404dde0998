"""Every CLI test runs against its own sandbox and cache, with no token in the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

TOKEN_VARIABLES = ("PYLON_API_TOKEN", "LINEAR_API_KEY", "GITHUB_TOKEN", "PYLON_TUI_CONFIG")


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATA", "STATE", "CONFIG", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    for name in TOKEN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
