"""Paths are computed on call and honour PYLON_TUI_CONFIG and the XDG variables."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from pylon_tui.config import paths

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="XDG variables are Linux-only")


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PYLON_TUI_CONFIG", raising=False)
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
    return tmp_path


def test_config_path_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere" / "my.toml"
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(target))
    assert paths.config_path() == target
    # Computed on call, not frozen at import.
    monkeypatch.setenv("PYLON_TUI_CONFIG", str(tmp_path / "other.toml"))
    assert paths.config_path() == tmp_path / "other.toml"
    assert not target.parent.exists()


def test_config_path_explicit_env_mapping(tmp_path: Path) -> None:
    assert paths.config_path({"PYLON_TUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"


def test_config_path_expands_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert paths.config_path({"PYLON_TUI_CONFIG": "~/c.toml"}) == tmp_path / "c.toml"


@linux_only
def test_xdg_locations(xdg: Path) -> None:
    assert paths.config_path() == xdg / "config" / "pylon-tui" / "config.toml"
    assert paths.data_dir() == xdg / "data" / "pylon-tui"
    assert paths.state_dir() == xdg / "state" / "pylon-tui"
    assert paths.cache_db_path() == xdg / "state" / "pylon-tui" / "cache.sqlite3"
    assert paths.sandbox_db_path() == xdg / "data" / "pylon-tui" / "sandbox.sqlite3"
    assert paths.log_path().name == "pylon-tui.log"
    assert paths.log_path().is_relative_to(xdg / "state" / "pylon-tui")


@linux_only
def test_directories_created_lazily_and_private(xdg: Path) -> None:
    assert not (xdg / "state").exists()
    paths.data_dir()
    paths.state_dir()
    paths.config_path()
    paths.cache_db_path(create=False)
    assert not (xdg / "state").exists()
    assert not (xdg / "data").exists()
    assert not (xdg / "config").exists()

    db = paths.cache_db_path()
    assert db.parent.is_dir()
    assert not db.exists()  # only the directory; the Store creates the file
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((xdg / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE(paths.sandbox_db_path().parent.stat().st_mode) == 0o700
    assert paths.log_path().parent.is_dir()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_ensure_dir_leaves_existing_parents_alone(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    target = paths.ensure_dir(tmp_path / "a" / "b")
    assert target.is_dir()
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert paths.ensure_dir(target) == target  # idempotent


def test_ensure_dir_rejects_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NotADirectoryError):
        paths.ensure_dir(blocker)
