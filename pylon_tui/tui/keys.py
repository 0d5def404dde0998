"""Every board key in one table: bindings, the help screen and the README come from here.

Each binding has an id, so `[keys]` in config.toml can remap it (Textual keymaps).
"""

from __future__ import annotations

from textual.binding import Binding

BOARD_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    Binding("down,j", "cursor_down", "Down", show=False, id="cursor_down"),
    Binding("up,k", "cursor_up", "Up", show=False, id="cursor_up"),
    Binding("left,h", "cursor_left", "Left", show=False, id="cursor_left"),
    Binding("right,l", "cursor_right", "Right", show=False, id="cursor_right"),
    Binding("g,home", "cursor_top", "Top", show=False, id="cursor_top"),
    Binding("G,end", "cursor_bottom", "Bottom", show=False, id="cursor_bottom"),
    Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
    Binding("L,shift+right", "move_right", "Move →", id="move_right"),
    Binding("H,shift+left", "move_left", "Move ←", show=False, id="move_left"),
    Binding("m", "move_to", "Move to…", id="move_to"),
    Binding("1", "priority('urgent')", "Urgent", show=False, id="priority_urgent"),
    Binding("2", "priority('high')", "High", show=False, id="priority_high"),
    Binding("3", "priority('medium')", "Medium", show=False, id="priority_medium"),
    Binding("4", "priority('low')", "Low", show=False, id="priority_low"),
    Binding("0", "priority('')", "Clear priority", show=False, id="priority_clear"),
    Binding("enter", "open_detail", "Detail", id="open_detail"),
    Binding("r", "reply", "Reply", id="reply"),
    Binding("n", "note", "Note", show=False, id="note"),
    Binding("a", "assign", "Assign", show=False, id="assign"),
    Binding("A", "assign_me", "Assign me", show=False, id="assign_me"),
    Binding("i", "link", "Link issue", show=False, id="link"),
    Binding("slash", "filter", "Filter", id="filter"),
    Binding("f", "quick_filter", "Quick filter", show=False, id="quick_filter"),
    Binding("space", "toggle_select", "Select", show=False, id="toggle_select"),
    Binding("escape", "clear", "Clear", show=False, id="clear"),
    Binding("u", "undo", "Undo", show=False, id="undo"),
    Binding("R", "refresh", "Refresh", show=False, id="refresh"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
    Binding("o", "other_states", "Other states", show=False, id="other_states"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("q", "quit", "Quit", id="quit"),
]

HELP_GROUPS: list[tuple[str, list[str]]] = [
    (
        "Navigate",
        [
            "cursor_down",
            "cursor_up",
            "cursor_left",
            "cursor_right",
            "cursor_top",
            "cursor_bottom",
            "page_down",
            "page_up",
        ],
    ),
    (
        "Move and prioritise",
        [
            "move_right",
            "move_left",
            "move_to",
            "priority_urgent",
            "priority_high",
            "priority_medium",
            "priority_low",
            "priority_clear",
            "undo",
        ],
    ),
    ("Work a ticket", ["open_detail", "reply", "note", "assign", "assign_me", "link", "copy_link"]),
    ("Find", ["filter", "quick_filter", "other_states", "toggle_select", "clear"]),
    ("App", ["refresh", "help", "quit"]),
]


def board_bindings() -> list[Binding]:
    return [b for b in BOARD_BINDINGS if isinstance(b, Binding)]


def binding_by_id(binding_id: str) -> Binding:
    return next(b for b in board_bindings() if b.id == binding_id)
