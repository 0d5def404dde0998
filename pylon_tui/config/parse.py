"""Turning parsed TOML into a ``Config``: strict validation and token resolution.

Every error is a one-line ``ConfigError`` naming the file and the dotted key, because the user
sees it before any UI exists and a traceback would tell them nothing. Token values never appear
in a message: not from the file, not from a command's output.
"""

from __future__ import annotations

import difflib
import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from .keys import KEY_ACTIONS, find_clash, is_key_name
from .model import (
    DEFAULT_COLUMNS,
    DEFAULT_TEMPLATES,
    MIN_REFRESH_SECONDS,
    REGIONS,
    UI_THEMES,
    BoardSettings,
    ColumnSpec,
    Config,
    ConfigError,
    GitHubSettings,
    LinearSettings,
    PylonSettings,
    Region,
    Secret,
    UiSettings,
    base_url_problem,
)
from .reader import Reader, describe, key_text
from .tools import parse_actions, parse_macros, parse_notify
from .triage import parse_first_response, parse_views

TOKEN_COMMAND_TIMEOUT = 10.0
MAX_REFRESH_SECONDS = 86_400.0  # a day: beyond that the board is not "live" in any sense
MAX_RECONCILE_MINUTES = 1_440.0  # a day
MAX_RECENT_DAYS = 30  # Pylon's closed-ticket search window (the board never loads more)

TOKEN_ENV = {"pylon": "PYLON_API_TOKEN", "linear": "LINEAR_API_KEY", "github": "GITHUB_TOKEN"}

SECTIONS: dict[str, tuple[str, ...]] = {
    "pylon": ("region", "base_url", "token", "token_command", "rate_share", "ai_agent_id"),
    "linear": ("token", "token_command", "workspace", "default_team"),
    "github": ("token", "token_command"),
    "board": ("refresh_seconds", "full_reconcile_minutes", "bell_on_return", "send_grace_seconds"),
    "ui": ("theme",),
}
TOP_LEVEL: tuple[str, ...] = (
    *SECTIONS,
    "columns",
    "templates",
    "keys",
    "me_email",
    "actions",
    "notify",
    "macros",
    "views",
    "sla",
)
COLUMN_KEYS: tuple[str, ...] = ("key", "title", "states", "recent_days")

# Column keys become widget ids in the TUI, which accept only identifier-like names.
_COLUMN_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def run_token_command(command: str, key: str, reader: Reader) -> str:
    """Run a password-manager style command and return what it printed.

    Its output is captured and dropped on failure: a half-printed token or a verbose error
    from a vault CLI must not end up in the user's scrollback or a log.
    """
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise reader.error(key, f"is not a valid command line ({exc})") from None
    if not argv:
        raise reader.error(key, "is empty")
    program = argv[0]
    try:
        proc = subprocess.run(
            argv,
            shell=False,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TOKEN_COMMAND_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        raise reader.error(key, f"failed: command {program!r} not found") from None
    except subprocess.TimeoutExpired:
        raise reader.error(
            key, f"failed: {program!r} timed out after {TOKEN_COMMAND_TIMEOUT:g} s"
        ) from None
    except OSError as exc:
        raise reader.error(key, f"failed: could not run {program!r} ({exc.strerror})") from None
    if proc.returncode != 0:
        status = (
            f"was killed by signal {-proc.returncode}"
            if proc.returncode < 0
            else f"exited with status {proc.returncode}"
        )
        raise reader.error(key, f"failed: {program!r} {status}; run it yourself to see why")
    try:
        token = proc.stdout.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise reader.error(key, f"failed: {program!r} printed non-UTF-8 output") from None
    finally:
        del proc
    if not token:
        raise reader.error(key, f"failed: {program!r} printed nothing")
    if any(ch in token for ch in "\r\n"):
        raise reader.error(key, f"failed: {program!r} printed several lines, expected one token")
    return token


def _resolve_token(
    service: str,
    table: Mapping[str, Any],
    *,
    reader: Reader,
    env: Mapping[str, str],
    run_commands: bool,
) -> Secret | None:
    """Env var, then ``token_command``, then ``token``: the most ephemeral source wins."""
    file_token = reader.string(table, "token", f"{service}.token", secret=True)
    command = reader.string(table, "token_command", f"{service}.token_command")
    env_var = TOKEN_ENV[service]
    from_env = env.get(env_var, "").strip()
    if from_env:
        return Secret(from_env, f"env {env_var}")
    if command is not None:
        if not run_commands:
            return None
        key = f"{service}.token_command"
        return Secret(run_token_command(command, key, reader), key)
    if file_token is not None:
        return Secret(file_token, f"{reader.source} {service}.token")
    return None


def check_file_mode(raw: Mapping[str, Any], mode: int, path: Path, reader: Reader) -> None:
    """Refuse a token stored in a file other users can read; say exactly how to fix it."""
    if not mode & 0o077:
        return
    for service in TOKEN_ENV:
        section = raw.get(service)
        if isinstance(section, dict) and section.get("token") not in (None, ""):
            key = f"{service}.token"
            raise ConfigError(
                f"{reader.source}: {key} is set but the file is readable by others "
                f"(mode {mode & 0o777:04o}); fix with: chmod 600 {shlex.quote(str(path))}",
                key=key,
            )


def _parse_columns(raw: Mapping[str, Any], reader: Reader) -> tuple[ColumnSpec, ...]:
    value = raw.get("columns")
    if value is None:
        return DEFAULT_COLUMNS
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise reader.error(
            "columns", f"must be an array of [[columns]] tables (got {describe(value)})"
        )
    if not value:
        raise reader.error("columns", "must define at least one column")
    columns: list[ColumnSpec] = []
    key_owner: dict[str, int] = {}
    state_owner: dict[str, str] = {}
    for index, item in enumerate(cast(list[dict[str, Any]], value)):
        where = f"columns[{index}]"
        reader.check_keys(item, COLUMN_KEYS, where)
        key = reader.string(item, "key", f"{where}.key")
        if key is None:
            raise reader.error(f"{where}.key", 'is required (e.g. key = "on_you")')
        if not _COLUMN_KEY_RE.match(key):
            raise reader.error(f"{where}.key", f"must be letters, digits, '_' or '-' (got {key!r})")
        if key in key_owner:
            raise reader.error(
                f"{where}.key", f"{key!r} is already used by columns[{key_owner[key]}]"
            )
        key_owner[key] = index
        title = reader.string(item, "title", f"{where}.title") or key.replace("_", " ").title()
        states = _parse_states(item.get("states"), f"{where}.states", reader)
        for state in states:
            if state in state_owner:
                raise reader.error(
                    f"{where}.states",
                    f"{state!r} is already shown by column {state_owner[state]!r}",
                )
            state_owner[state] = key
        recent = item.get("recent_days")
        whole = isinstance(recent, int) and not isinstance(recent, bool)
        if recent is not None and not (whole and 1 <= recent <= MAX_RECENT_DAYS):
            raise reader.error(
                f"{where}.recent_days",
                f"must be a whole number of days >= 1 and <= {MAX_RECENT_DAYS} (Pylon searches "
                f"closed tickets at most {MAX_RECENT_DAYS} days back) (got {describe(recent)})",
            )
        columns.append(ColumnSpec(key, title, states, recent))
    return tuple(columns)


def _parse_states(value: object, key: str, reader: Reader) -> tuple[str, ...]:
    if value is None:
        raise reader.error(key, 'is required (e.g. states = ["waiting_on_you"])')
    if not isinstance(value, list):
        raise reader.error(key, f"must be an array of state slugs (got {describe(value)})")
    states: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise reader.error(key, f"must contain non-empty strings (got {describe(item)})")
        states.append(item.strip())
    if not states:
        raise reader.error(key, "must not be empty")
    return tuple(states)


def _parse_string_table(raw: Mapping[str, Any], name: str, reader: Reader) -> dict[str, str]:
    result: dict[str, str] = {}
    for entry, value in reader.table(raw, name).items():
        if not isinstance(value, str):
            key = f"{name}.{key_text(entry)}"
            raise reader.error(key, f"must be a string (got {describe(value)})")
        result[entry] = value
    return result


def _parse_keys(raw: Mapping[str, Any], reader: Reader) -> dict[str, str]:
    """Key overrides, normalised to Textual's comma-separated form; arrays are accepted too."""
    result: dict[str, str] = {}
    for action, value in reader.table(raw, "keys").items():
        key = f"keys.{key_text(action)}"
        if action not in KEY_ACTIONS:
            close = difflib.get_close_matches(action, KEY_ACTIONS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else "see the action names in `?` help"
            raise reader.error(key, f"is not a board action ({hint})")
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts = [p.strip() for v in value for p in v.split(",")]
        elif isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
        else:
            raise reader.error(
                key, f'must be a string like "L,shift+right" (got {describe(value)})'
            )
        joined = ",".join(p for p in parts if p)
        if not joined:
            raise reader.error(key, "must name at least one key")
        bad = next((p for p in parts if p and not is_key_name(p)), None)
        if bad is not None:
            raise reader.error(
                key, f'has {bad[:20]!r}, not a key name (use names like "L,shift+right,ctrl+s")'
            )
        result[action] = joined
    clash = find_clash(result)
    if clash is not None:
        raise reader.error(f"keys.{clash.action}", clash.message())
    return result


def build_config(
    raw: Mapping[str, Any],
    *,
    source: Path | None,
    env: Mapping[str, str],
    file_mode: int | None = None,
    run_commands: bool = True,
) -> Config:
    """Validate ``raw`` fully, then resolve tokens; ``file_mode`` enables the 0600 rule."""
    reader = Reader(str(source) if source is not None else "config")
    reader.check_keys(raw, TOP_LEVEL, "")
    sections = {name: reader.table(raw, name) for name in SECTIONS}
    for name, table in sections.items():
        reader.check_keys(table, SECTIONS[name], name)
    if file_mode is not None and source is not None:
        check_file_mode(raw, file_mode, source, reader)

    pylon_raw = sections["pylon"]
    region = (reader.string(pylon_raw, "region", "pylon.region") or "us").lower()
    if region not in REGIONS:
        allowed = ", ".join(repr(r) for r in REGIONS)
        raise reader.error("pylon.region", f"must be one of {allowed} (got {region!r})")
    base_url = reader.string(pylon_raw, "base_url", "pylon.base_url")
    if base_url is not None:
        problem = base_url_problem(base_url)
        if problem:
            raise reader.error("pylon.base_url", problem)

    linear_raw = sections["linear"]
    workspace = reader.string(linear_raw, "workspace", "linear.workspace")
    default_team = reader.string(linear_raw, "default_team", "linear.default_team")

    rate_share = reader.number(pylon_raw, "rate_share", "pylon.rate_share", 1.0, 0.05, 1.0)

    board_raw = sections["board"]
    board = BoardSettings(
        refresh_seconds=reader.number(
            board_raw,
            "refresh_seconds",
            "board.refresh_seconds",
            30,
            MIN_REFRESH_SECONDS,
            MAX_REFRESH_SECONDS,
        ),
        full_reconcile_minutes=reader.number(
            board_raw,
            "full_reconcile_minutes",
            "board.full_reconcile_minutes",
            10,
            1,
            MAX_RECONCILE_MINUTES,
        ),
        bell_on_return=reader.boolean(board_raw, "bell_on_return", "board.bell_on_return", False),
        send_grace_seconds=reader.number(
            board_raw, "send_grace_seconds", "board.send_grace_seconds", 10, 0, 120
        ),
    )
    theme = reader.string(sections["ui"], "theme", "ui.theme") or "default"
    if theme not in UI_THEMES:
        allowed = ", ".join(repr(t) for t in UI_THEMES)
        raise reader.error("ui.theme", f"must be one of {allowed} (got {theme!r})")
    columns = _parse_columns(raw, reader)
    templates = {**DEFAULT_TEMPLATES, **_parse_string_table(raw, "templates", reader)}
    keys = _parse_keys(raw, reader)
    actions = parse_actions(raw, reader, keys)
    notify = parse_notify(raw, reader)
    macros = parse_macros(raw, reader)
    ai_agent_id = reader.string(pylon_raw, "ai_agent_id", "pylon.ai_agent_id")
    me_email = reader.string(raw, "me_email", "me_email")
    if me_email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", me_email):
        raise reader.error("me_email", f"must be an email address (got {me_email!r})")

    # Tokens last: a command is only worth running once the rest of the file is known good.
    tokens = {
        service: _resolve_token(
            service, sections[service], reader=reader, env=env, run_commands=run_commands
        )
        for service in TOKEN_ENV
    }
    return Config(
        pylon=PylonSettings(
            region=cast(Region, region),
            base_url=base_url,
            token=tokens["pylon"],
            rate_share=rate_share,
            ai_agent_id=ai_agent_id,
        ),
        linear=LinearSettings(
            token=tokens["linear"], workspace=workspace, default_team=default_team
        ),
        github=GitHubSettings(token=tokens["github"]),
        columns=columns,
        ui=UiSettings(theme=theme),
        board=board,
        templates=templates,
        keys=keys,
        me_email=me_email,
        source_path=source,
        actions=actions,
        notify=notify,
        macros=macros,
        views=parse_views(raw, reader),
        sla_first_response=parse_first_response(raw, reader),
    )
