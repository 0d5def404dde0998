"""The actions `[keys]` may remap, their default keys, and where each is bound, so that a
typo and a key that would run two things are both reported instead of silently misbehaving.

Config is read before (and without) the TUI, which must not be imported here; tests keep
these tables equal to the action catalogue, `pylon_tui.tui.catalog` (ids, default keys,
scopes), and to the bindings each dialog declares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_KEYS: dict[str, str] = {
    "cursor_down": "down,j",
    "cursor_up": "up,k",
    "cursor_left": "left,h",
    "cursor_right": "right,l",
    "cursor_top": "g,home",
    "cursor_bottom": "G,end",
    "page_down": "pagedown",
    "page_up": "pageup",
    "move_right": "L,shift+right",
    "move_left": "H,shift+left",
    "move_to": "m",
    "priority_urgent": "1",
    "priority_high": "2",
    "priority_medium": "3",
    "priority_low": "4",
    "priority_clear": "0",
    "undo": "u",
    "back": "escape,q",
    "open_detail": "enter",
    "reply": "r",
    "note": "n",
    "assign": "a",
    "assign_me": "A",
    "link": "i",
    "tags": "t",
    "snooze": "z",
    "copy_link": "y",
    "ready_to_tell": "F",
    "link_like": "I",
    "filter": "slash",
    "views": "v",
    "view_1": "alt+1",
    "view_2": "alt+2",
    "view_3": "alt+3",
    "view_4": "alt+4",
    "view_5": "alt+5",
    "sort": "s",
    "other_states": "o",
    "group_by_issue": "b",
    "toggle_select": "space",
    "clear": "escape",
    "refresh": "R",
    "conflicts": "c",
    "help": "question_mark",
    "switch_theme": "T",
    "toggle_pane": "p",
    "quit": "q",
    "dialog_cancel": "escape",
    "compose_send": "ctrl+s",
    "compose_next_template": "ctrl+t",
    "compose_macro": "ctrl+o",
    "compose_ai_draft": "ctrl+g",
    "tags_save": "ctrl+s",
    "confirm_yes": "y,enter",
    "hold_link": "ctrl+s",
    "dialog_new_issue": "ctrl+n",
    "create_issue_send": "ctrl+s",
    "conflict_mine": "m",
    "conflict_theirs": "t",
    "conflict_later": "escape",
    "collision_send": "s",
    "collision_edit": "e",
    "collision_drop": "d",
    "ready_send_all": "ctrl+s",
    "group_close": "escape,b",
    "picker_down": "down",
    "picker_up": "up",
    "dialog_help": "f1,question_mark",
    "help_close": "escape,q,question_mark",
    "help_pages": "tab",
}
"""Every remappable action id and its default keys, in catalogue order."""

KEY_ACTIONS: tuple[str, ...] = tuple(DEFAULT_KEYS)

DETAIL_ACTIONS = (
    "back",
    "reply",
    "note",
    "link",
    "tags",
    "snooze",
    "copy_link",
    "conflicts",
    "help",
)
BOARD_ACTIONS: tuple[str, ...] = tuple(
    a for a in KEY_ACTIONS[: KEY_ACTIONS.index("dialog_cancel")] if a != "back"
)


@dataclass(frozen=True, slots=True)
class KeyContext:
    """One place where keys are live at the same time (a screen, or one dialog)."""

    where: str
    """How a message names it: "on the board"."""
    actions: tuple[str, ...]
    typing: bool = False
    """It has a text field: a printable key bound there would never reach the text."""


KEY_CONTEXTS: tuple[KeyContext, ...] = (
    KeyContext("on the board", BOARD_ACTIONS),
    KeyContext("on the detail screen", DETAIL_ACTIONS),
    KeyContext(
        "in the reply editor",
        (
            "compose_send",
            "dialog_cancel",
            "compose_next_template",
            "compose_macro",
            "compose_ai_draft",
            "dialog_help",
        ),
        typing=True,
    ),
    KeyContext(
        "in the link dialog",
        ("hold_link", "dialog_new_issue", "dialog_cancel", "dialog_help"),
        typing=True,
    ),
    KeyContext(
        "in the new-issue dialog",
        ("create_issue_send", "dialog_cancel", "dialog_help"),
        typing=True,
    ),
    KeyContext(
        "in the conflict dialog",
        ("conflict_mine", "conflict_theirs", "conflict_later", "dialog_help"),
    ),
    KeyContext(
        "in pickers", ("dialog_cancel", "picker_down", "picker_up", "dialog_help"), typing=True
    ),
    KeyContext(
        "in the collision dialog",
        ("collision_send", "collision_edit", "collision_drop", "conflict_later", "dialog_help"),
    ),
    KeyContext(
        "in the ready-to-tell list",
        ("ready_send_all", "dialog_cancel", "picker_down", "picker_up", "dialog_help"),
        typing=True,
    ),
    KeyContext("in the grouped On Hold view", ("group_close", "dialog_help")),
    KeyContext(
        "in the tag editor",
        ("tags_save", "dialog_cancel", "picker_down", "picker_up", "dialog_help"),
        typing=True,
    ),
    KeyContext("before a custom action", ("confirm_yes", "dialog_cancel", "dialog_help")),
    KeyContext("in a custom action's output", ("dialog_cancel", "dialog_help")),
    KeyContext("in help", ("help_close", "help_pages")),
)

RESERVED: dict[str, tuple[str, frozenset[str]]] = {
    "ctrl+p": ("the command palette", frozenset()),
    "ctrl+q": ("quit", frozenset({"quit", "back", "help_close"})),
}
"""Keys the app itself claims first everywhere (Textual's priority bindings): anything else
bound to them would never run. Value: what owns the key, and the actions it may mean."""

# Textual key names ("ctrl+s", "shift+right", "question_mark") or one printable character.
_KEY_NAME = re.compile(r"[A-Za-z0-9_+-]+")
# Names Textual gives a character that differ from its Unicode name (textual.keys).
_RENAMED = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_UNRENAMED = {new: old for old, new in _RENAMED.items()}
# Keys a terminal sends as the same bytes: Textual treats them as one.
_ALIASES = {
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+left_square_brace": "escape",
    "ctrl+space": "ctrl+at",
    "newline": "ctrl+j",
}
_FREE_LETTERS = "bcdefgijklnopstvwxzBCDEFIJKMNOPQSTUVWXYZ56789"
_FREE_CTRL = "blr"  # not the text fields' own (ctrl+a/e/k/u/w/x/v/y/z, ctrl+d) nor ctrl+p/q


def is_key_name(text: str) -> bool:
    return bool(_KEY_NAME.fullmatch(text)) or (
        len(text) == 1 and text.isprintable() and not text.isspace() and text != ","
    )


def canonical_key(key: str) -> str:
    """The name Textual matches a key press against ("?" -> "question_mark"), so two
    spellings of one key are seen as one."""
    key = key.strip()
    if len(key) == 1 and not key.isalnum():
        try:
            key = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return key
        key = _RENAMED.get(key, key)
    return _ALIASES.get(key, key)


def is_typed(key: str) -> bool:
    """A key that types a character into a text field (a letter, "space", "question_mark")."""
    if len(key) == 1:
        return key.isprintable()
    if key == "space":
        return True
    if "+" in key:
        return False
    try:
        char = unicodedata.lookup(_UNRENAMED.get(key, key).replace("_", " "))
    except KeyError:
        return False
    return len(char) == 1 and char.isprintable()


def split_keys(keys: str) -> list[str]:
    return [part.strip() for part in keys.split(",") if part.strip()]


@dataclass(frozen=True, slots=True)
class KeyClash:
    """One key that would run two things in one place."""

    key: str
    """As the user wrote it (or the default's name)."""
    action: str
    """The `[keys]` entry to report (one the user set)."""
    other: str
    """The other action; what reserves the key; or "" for typing into a text field."""
    where: str
    other_is_default: bool
    """The other action has the key by default (the user did not set it)."""
    free: tuple[str, ...] = ()
    """Keys nothing uses there: the suggestion."""

    def message(self) -> str:
        key, free = repr(self.key), self._free()
        if not self.other:
            return (
                f"{key} types into the text field {self.where}, so it cannot also run "
                f"{self.action}; use a key with ctrl{free}"
            )
        if self.other not in DEFAULT_KEYS:
            return (
                f"{key} is {self.other}'s key everywhere, so {self.action} would never run; "
                f"pick another key{free}"
            )
        if self.other_is_default:
            why = f"{key} is already {self.other}'s key {self.where} (its default)"
            return f"{why}; pick another key{free}, or also remap {self.other}"
        why = f"{key} is bound to both {self.other} and {self.action} {self.where}"
        return f"{why}; give one of them another key{free}"

    def _free(self) -> str:
        return f" (free there: {', '.join(self.free)})" if self.free else ""


def find_clash(overrides: Mapping[str, str]) -> KeyClash | None:
    """The first key that would run two things in one place, given the `[keys]` overrides
    (in file order) over the defaults; None when every key means one thing where it is live.

    A remap replaces an action's keys (Textual's keymap), so a default key it frees is free.
    """
    for context in KEY_CONTEXTS:
        clash = _clash_in(context, overrides)
        if clash is not None:
            return clash
    return None


def _clash_in(context: KeyContext, overrides: Mapping[str, str]) -> KeyClash | None:
    """Defaults first, then the overrides in file order: the action reported is always one
    the user set, and of two the user set, the later one."""
    order = {action: index for index, action in enumerate(overrides)}
    actions = sorted(context.actions, key=lambda a: order.get(a, -1))
    owner: dict[str, str] = {}
    for action in actions:
        keys = overrides.get(action, DEFAULT_KEYS[action])
        for spelled in split_keys(keys):
            key = canonical_key(spelled)
            reserved = RESERVED.get(key)
            if action in overrides and reserved is not None and action not in reserved[1]:
                return KeyClash(spelled, action, reserved[0], context.where, True)
            if action in overrides and context.typing and is_typed(key):
                return KeyClash(
                    spelled, action, "", context.where, True, _free_keys(context, overrides)
                )
            other = owner.setdefault(key, action)
            if other != action:
                return KeyClash(
                    spelled,
                    action,
                    other,
                    context.where,
                    other not in overrides,
                    _free_keys(context, overrides),
                )
    return None


def _free_keys(context: KeyContext, overrides: Mapping[str, str]) -> tuple[str, ...]:
    """A few keys nothing uses in `context` (ctrl+ keys where there is a text field)."""
    used = {
        canonical_key(k)
        for action in context.actions
        for k in split_keys(overrides.get(action, DEFAULT_KEYS[action]))
    }
    candidates = [f"ctrl+{c}" for c in _FREE_CTRL] if context.typing else list(_FREE_LETTERS)
    free = [k for k in candidates if canonical_key(k) not in used and k not in RESERVED]
    return tuple(free[:4])
