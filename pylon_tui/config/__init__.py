"""Reading and writing the user's config file.

The typed values live in ``config_model`` and the validation in ``config_parse``; this module
is the public face (import everything from here) and owns the file system side: reading with
the permission check that guards stored tokens, and writing atomically with mode 0600 so a
crash mid-write never leaves a truncated config or a world-readable token behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from .model import (
    DEFAULT_COLUMNS,
    DEFAULT_TEMPLATES,
    MIN_REFRESH_SECONDS,
    REGION_URLS,
    REGIONS,
    BoardSettings,
    ColumnSpec,
    Config,
    ConfigError,
    GitHubSettings,
    LinearSettings,
    PylonSettings,
    Region,
    Secret,
)
from .parse import TOKEN_COMMAND_TIMEOUT, TOKEN_ENV, build_config
from .paths import config_path, ensure_dir

__all__ = [
    "DEFAULT_COLUMNS",
    "DEFAULT_TEMPLATES",
    "MIN_REFRESH_SECONDS",
    "REGIONS",
    "REGION_URLS",
    "TOKEN_COMMAND_TIMEOUT",
    "TOKEN_ENV",
    "BoardSettings",
    "ColumnSpec",
    "Config",
    "ConfigError",
    "GitHubSettings",
    "LinearSettings",
    "PylonSettings",
    "Region",
    "Secret",
    "load_config",
    "save_theme",
    "validate_config_data",
    "write_config",
]

CONFIG_FILE_MODE = 0o600
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load, validate and resolve tokens; a missing file means defaults (sandbox unless env).

    ``env`` defaults to ``os.environ``; tests pass a dict so the user's real tokens never leak
    into a run. Raises ``ConfigError`` with a printable one-liner on any problem.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    target = path if path is not None else config_path(environ)
    try:
        # One descriptor for stat and read, so the mode checked is the file actually read.
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return build_config({}, source=None, env=environ)
    except IsADirectoryError:
        raise ConfigError(f"{target}: is a directory, expected a TOML file") from None
    except PermissionError:
        raise ConfigError(
            f"{target}: permission denied; fix with: chmod 600 {shlex.quote(str(target))}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{target}: cannot open ({exc.strerror})") from None
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        os.close(fd)
        raise ConfigError(f"{target}: is a directory, expected a TOML file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise ConfigError(f"{target}: cannot read ({exc.strerror})") from None
    raw = _parse_toml(data, target)
    # Windows has no meaningful group/other bits; the 0600 rule is a POSIX promise.
    mode = stat.S_IMODE(info.st_mode) if os.name == "posix" else None
    return build_config(raw, source=target, env=environ, file_mode=mode)


def _parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except RecursionError:
        reason, where = "arrays or tables nested too deeply", _where(_too_deep(text), text)
    except ValueError as exc:  # TOMLDecodeError, or an integer too long to convert
        detail = str(exc)
        match = _TOML_POSITION.search(detail)
        if match:
            line, column = match.groups()
            reason = detail[: match.start()]
            where = f"line {line}, column {column}" if line else "the end of the file"
        else:
            long_number = _LONG_NUMBER.search(text)
            reason = "a number has too many digits" if long_number else detail
            where = _where(long_number.start() if long_number else None, text)
    raise ConfigError(
        f"{path}: invalid TOML at {where}: {reason}; fix that line "
        "(see config.example.toml) or rerun `pylon-tui setup`"
    )


_LONG_NUMBER = re.compile(r"[0-9][0-9_]{999,}")
_MAX_NESTING = 100


def _too_deep(text: str) -> int | None:
    """Roughly where brackets first nest deeper than anyone writes by hand."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char in "[{") - (char in "]}")
        if depth > _MAX_NESTING:
            return index
    return None


def _where(offset: int | None, text: str) -> str:
    if offset is None:
        return "an unknown position"
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def validate_config_data(data: Mapping[str, Any], source: Path | None = None) -> Config:
    """Check ``data`` as if it were a config file, without running any token command.

    The setup wizard uses this before writing, so it can never save a file ``load_config``
    would reject. Env tokens are ignored: the result reflects the data alone.
    """
    return build_config(data, source=source, env={}, run_commands=False)


def write_config(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as TOML atomically, mode 0600, creating the parent directory 0700.

    The temp file is created 0600 in the destination directory (so ``os.replace`` is a
    same-filesystem rename) and fsynced first: a reader sees the old file or the new one,
    never a half-written one, and a stored token is never briefly world-readable.
    """
    _write_text(path, tomli_w.dumps(data))


def _write_text(path: Path, text: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    ensure_dir(parent)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), CONFIG_FILE_MODE)
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if not hasattr(os, "fchmod"):
        path.chmod(CONFIG_FILE_MODE)
    _fsync_dir(parent)


def _fsync_dir(directory: Path) -> None:
    """Persist the rename itself; best effort, as not every platform can open a directory."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_theme(path: Path, theme: str) -> Path:
    """Set `[ui] theme` in the config at `path` (created if missing), keeping the rest of
    the file as written; atomic and 0600 like every config write. Returns the path."""
    from .ui import with_theme

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    _write_text(path, with_theme(text, theme))
    return path
