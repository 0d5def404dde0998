"""`[actions.NAME]`, `[notify]` and `[macros."NAME"]`: the triage tools' settings (issue 14).

Validated as strictly as the rest of the file: a custom action's key that something on the
board already uses, a placeholder that does not exist or a command that is not an argv list
is a one-line error naming the setting and the fix, before any UI exists.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from pylon_tui.domain.alerts import (
    NOTIFY_PLACEHOLDERS,
    AlertEvent,
    DesktopChannel,
    NotifySettings,
)
from pylon_tui.domain.custom_actions import CustomAction, TemplateError, template_fields
from pylon_tui.domain.macros import MacroAction, normalise_tags
from pylon_tui.domain.priority import Priority

from .keys import BOARD_ACTIONS, DEFAULT_KEYS, canonical_key, is_key_name, split_keys
from .reader import Reader, describe, key_text

ACTION_KEYS = ("key", "command", "description", "confirm", "show_output", "writes", "timeout")
NOTIFY_KEYS = ("desktop", "command", "events", "sla_minutes")
MACRO_KEYS = ("state", "priority", "assignee", "tags", "add_tags", "remove_tags")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
MAX_ACTION_TIMEOUT = 600.0


def _argv(
    value: object, key: str, reader: Reader, allowed: tuple[str, ...] | None
) -> tuple[str, ...]:
    """An argv template: an array of strings (or one string split like a shell would, but
    never run by one); each `{name}` must be a known placeholder."""
    if isinstance(value, str):
        try:
            parts = shlex.split(value)
        except ValueError as error:
            raise reader.error(key, f"is not a valid command line ({error})") from None
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = list(value)
    else:
        raise reader.error(
            key, f'must be an array of arguments like ["open", "{{link}}"] (got {describe(value)})'
        )
    if not parts or not parts[0].strip():
        raise reader.error(key, "must name a program to run")
    for part in parts:
        try:
            template_fields(part, *(() if allowed is None else (tuple(allowed),)))
        except TemplateError as error:
            raise reader.error(key, str(error)) from None
    if "{" in parts[0]:
        raise reader.error(key, "must not fill the program name from a placeholder")
    return tuple(parts)


def board_keys_in_effect(overrides: Mapping[str, str]) -> dict[str, str]:
    """Every key live on the board now (after `[keys]`), and the action it runs."""
    owner: dict[str, str] = {}
    for action in BOARD_ACTIONS:
        for spelled in split_keys(overrides.get(action, DEFAULT_KEYS[action])):
            owner.setdefault(canonical_key(spelled), action)
    return owner


def parse_actions(
    raw: Mapping[str, Any], reader: Reader, overrides: Mapping[str, str]
) -> tuple[CustomAction, ...]:
    taken = board_keys_in_effect(overrides)
    actions: list[CustomAction] = []
    for name, table in reader.table(raw, "actions").items():
        where = f"actions.{key_text(name)}"
        if not isinstance(table, dict):
            raise reader.error(where, f"must be a table [{where}] (got {describe(table)})")
        if not _NAME.match(name):
            raise reader.error(where, "needs a name of letters, digits, '_' or '-' (up to 40)")
        reader.check_keys(table, ACTION_KEYS, where)
        key = reader.string(table, "key", f"{where}.key")
        if key is None:
            raise reader.error(f"{where}.key", 'is required (e.g. key = "O")')
        if not is_key_name(key) or "," in key:
            raise reader.error(
                f"{where}.key", f'must be one key name like "O" or "ctrl+o" (got {key!r})'
            )
        canonical = canonical_key(key)
        if canonical in taken:
            free = [c for c in "bdeKOPQSTUVWXYZ" if canonical_key(c) not in taken][:4]
            raise reader.error(
                f"{where}.key",
                f"{key!r} is already {taken[canonical]}'s key on the board; pick another "
                f"(free: {', '.join(free)}), or remap {taken[canonical]} under [keys]",
            )
        if "command" not in table:
            raise reader.error(
                f"{where}.command", 'is required (e.g. command = ["open", "{link}"])'
            )
        argv = _argv(table["command"], f"{where}.command", reader, None)
        taken[canonical] = f"actions.{name}"
        actions.append(
            CustomAction(
                name,
                key,
                argv,
                description=reader.string(table, "description", f"{where}.description") or "",
                confirm=reader.boolean(table, "confirm", f"{where}.confirm", False),
                show_output=reader.boolean(table, "show_output", f"{where}.show_output", False),
                writes=reader.boolean(table, "writes", f"{where}.writes", True),
                timeout=reader.number(
                    table, "timeout", f"{where}.timeout", 30.0, 1.0, MAX_ACTION_TIMEOUT
                ),
            )
        )
    return tuple(actions)


def parse_notify(raw: Mapping[str, Any], reader: Reader) -> NotifySettings:
    table = reader.table(raw, "notify")
    reader.check_keys(table, NOTIFY_KEYS, "notify")
    desktop_text = (reader.string(table, "desktop", "notify.desktop") or "off").lower()
    try:
        desktop = DesktopChannel(desktop_text)
    except ValueError:
        allowed = ", ".join(repr(c.value) for c in DesktopChannel)
        raise reader.error(
            "notify.desktop", f"must be one of {allowed} (got {desktop_text!r})"
        ) from None
    command: tuple[str, ...] = ()
    if "command" in table:
        command = _argv(table["command"], "notify.command", reader, NOTIFY_PLACEHOLDERS)
    events = frozenset(AlertEvent)
    if "events" in table:
        value = table["events"]
        names = [e.value for e in AlertEvent]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise reader.error(
                "notify.events", f"must be an array like {names} (got {describe(value)})"
            )
        bad = [v for v in value if v not in names]
        if bad:
            raise reader.error(
                "notify.events", f"has {bad[0]!r}; the events are {', '.join(names)}"
            )
        events = frozenset(AlertEvent(v) for v in value)
    minutes = reader.number(table, "sla_minutes", "notify.sla_minutes", 15, 1, 24 * 60)
    return NotifySettings(desktop, command, events, int(minutes))


def parse_macros(raw: Mapping[str, Any], reader: Reader) -> dict[str, tuple[MacroAction, ...]]:
    """What each macro's actions set, by macro name or id: Pylon's API names only each
    action's type, the team knows the values."""
    out: dict[str, tuple[MacroAction, ...]] = {}
    for name, table in reader.table(raw, "macros").items():
        where = f"macros.{key_text(name)}"
        if not isinstance(table, dict):
            raise reader.error(where, f"must be a table [{where}] (got {describe(table)})")
        reader.check_keys(table, MACRO_KEYS, where)
        actions: list[MacroAction] = []
        state = reader.string(table, "state", f"{where}.state")
        if state is not None:
            actions.append(MacroAction("set_issue_state", state))
        priority = table.get("priority")
        if priority is not None:
            if not isinstance(priority, str) or (priority and Priority.parse(priority) is None):
                raise reader.error(
                    f"{where}.priority",
                    'must be "urgent", "high", "medium", "low" or "" to clear '
                    f"(got {describe(priority)})",
                )
            actions.append(MacroAction("set_issue_priority", priority.strip().lower()))
        assignee = reader.string(table, "assignee", f"{where}.assignee")
        if assignee is not None:
            actions.append(MacroAction("set_issue_assignee", assignee))
        for field, kind in (
            ("tags", "set_issue_tags"),
            ("add_tags", "add_issue_tags"),
            ("remove_tags", "remove_issue_tags"),
        ):
            if field in table:
                value = table[field]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise reader.error(
                        f"{where}.{field}", f"must be an array of tags (got {describe(value)})"
                    )
                actions.append(MacroAction(kind, values=normalise_tags(value)))
        out[name] = tuple(actions)
    return out
