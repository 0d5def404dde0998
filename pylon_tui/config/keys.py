"""The action ids `[keys]` may remap, so a typo is reported instead of silently ignored.

Config is read before (and without) the TUI, which must not be imported here; a test keeps
this list equal to the ids of the action catalogue, `pylon_tui.tui.catalog` (board, detail
screen and dialogs).
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
    "undo",
    "back",
    "open_detail",
    "reply",
    "note",
    "assign",
    "assign_me",
    "link",
    "copy_link",
    "filter",
    "quick_filter",
    "other_states",
    "toggle_select",
    "clear",
    "refresh",
    "help",
    "quit",
    "dialog_cancel",
    "compose_send",
    "compose_next_template",
    "hold_link",
    "dialog_new_issue",
    "create_issue_send",
    "conflict_mine",
    "conflict_theirs",
    "conflict_later",
    "picker_down",
    "picker_up",
    "help_close",
    "help_pages",
)

# Textual key names ("ctrl+s", "shift+right", "question_mark") or one printable character.
_KEY_NAME = re.compile(r"[A-Za-z0-9_+-]+")


def is_key_name(text: str) -> bool:
    return bool(_KEY_NAME.fullmatch(text)) or (
        len(text) == 1 and text.isprintable() and not text.isspace() and text != ","
    )
