"""Where pylon-tui keeps its files.

Every location is computed when asked, never at import, so tests (and users) can redirect
them with ``PYLON_TUI_CONFIG`` or the XDG variables after the module is loaded. Getters for
files the caller is about to open create the parent directory (mode 0700, since the cache and
outbox hold customer conversations); getters for directories only name them, so ``doctor``
can report paths without creating anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "pylon-tui"
CONFIG_ENV = "PYLON_TUI_CONFIG"
PRIVATE_DIR_MODE = 0o700


def ensure_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents as owner-only directories.

    Only directories this call creates get mode 0700; existing ones (``~/.config`` say) are
    left alone, because tightening a shared directory would surprise the user.
    """
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            # Another process won the race; it is still ours to use.
            continue
        # mkdir's mode is filtered by the umask; chmod states the intent exactly.
        directory.chmod(PRIVATE_DIR_MODE)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a directory")
    return path


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The config file: ``$PYLON_TUI_CONFIG`` if set, else the platform's user config dir."""
    environ = os.environ if env is None else env
    override = environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def data_dir() -> Path:
    """Durable user data (the sandbox database): survives cache cleaning."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Machine-local state (ticket cache and outbox): must survive restarts, not be synced."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def cache_db_path(*, create: bool = True) -> Path:
    """The SQLite cache and outbox; lives with state because pending intents must not be lost."""
    directory = state_dir()
    if create:
        ensure_dir(directory)
    return directory / "cache.sqlite3"


def rate_budget_path(host: str) -> Path:
    """The rate budget every pylon-tui process of this user spends together against one Pylon
    host (Pylon limits per organization, and all of a machine's boards, scripts and commands
    share it). Not created here: the budget makes it, or counts in-process when it cannot."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", host).strip("._") or "pylon"
    return state_dir() / f"rate-budget-{name}.sqlite3"


def sandbox_db_path(*, create: bool = True) -> Path:
    """The embedded sandbox's own database, kept apart from the real cache on purpose."""
    directory = data_dir()
    if create:
        ensure_dir(directory)
    return directory / "sandbox.sqlite3"


def log_path(*, create: bool = True) -> Path:
    """The log file; the TUI owns the terminal, so diagnostics go here instead of stderr."""
    directory = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    if create:
        ensure_dir(directory)
    return directory / "pylon-tui.log"
