"""The action ids `[keys]` may remap, so a typo is reported instead of silently ignored.

Config is read before (and without) the TUI, which must not be imported here; a test keeps
this list equal to the binding ids in `pylon_tui/tui/keys.py`.
"""

from __future__ import annotations

import re

KEY_ACTIONS: tuple[str, ...] = (
    "cursor_down",
    "cursor_up",
    "cursor_left",
    "cursor_right",
    "cursor_top",
    "cursor_bottom",
    "page_down",
    "page_up",
    "move_right",
    "move_left",
    "move_to",
    "priority_urgent",
    "priority_high",
    "priority_medium",
    "priority_low",
    "priority_clear",
    "open_detail",
    "reply",
    "note",
    "assign",
    "assign_me",
    "link",
    "filter",
    "quick_filter",
    "toggle_select",
    "clear",
    "undo",
    "refresh",
    "copy_link",
    "other_states",
    "help",
    "quit",
)

# Textual key names ("ctrl+s", "shift+right", "question_mark") or one printable character.
_KEY_NAME = re.compile(r"[A-Za-z0-9_+-]+")


def is_key_name(text: str) -> bool:
    return bool(_KEY_NAME.fullmatch(text)) or (
        len(text) == 1 and text.isprintable() and not text.isspace() and text != ","
    )
