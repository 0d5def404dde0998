"""Every key action in one table: bindings, `?` help, the palette and the README come from here.

Each action has one id, the same in every screen and dialog, so a `[keys]` remap in config.toml
(a Textual keymap, applied by id) moves it everywhere it is bound, and everything that names a
key (footer, help, palette, dialog hints) reads the keys in effect rather than the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from textual.binding import Binding, BindingType


class Scope(StrEnum):
    BOARD = "board"
    DETAIL = "detail"
    DIALOG = "dialog"


BOARD, DETAIL, DIALOG = Scope.BOARD, Scope.DETAIL, Scope.DIALOG


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    """Binding id = `[keys]` name = README name."""
    description: str
    """Footer and help text."""
    keys: str
    """Default keys, Textual syntax ("down,j")."""
    scopes: tuple[Scope, ...]
    """Where it is bound; an action bound in two scopes is remapped in both by one entry."""
    action: str
    """Textual action string run by the binding and the palette ("priority('urgent')")."""
    group: str = ""
    """Heading in `?` help."""
    show: tuple[Scope, ...] = ()
    """The scopes whose footer shows it."""
    priority: bool = False
    """Checked before the focused widget (dialogs with text fields)."""
    palette: str | None = None
    """Title in the command palette; None keeps it out."""
    writes: bool = False
    """It changes something in Pylon (or runs a command that may): read-only mode disables
    it. The one write marker: `writes()`, `is_write_action()`, help and the palette read it."""


def _dialog(
    action_id: str,
    description: str,
    keys: str,
    action: str,
    group: str,
    *,
    priority: bool = False,
    show: bool = True,
) -> ActionSpec:
    return ActionSpec(
        action_id,
        description,
        keys,
        (DIALOG,),
        action,
        group=group,
        show=(DIALOG,) if show else (),
        priority=priority,
    )


VIEW_KEYS = 5
"""Views with a board key of their own (alt+1..alt+5; 1-4 set priority)."""

DETAIL_GROUP = "Detail screen"
_NAV, _MOVE, _WORK, _FIND, _APP = "Navigate", "Move and prioritise", "Work a ticket", "Find", "App"

CATALOG: tuple[ActionSpec, ...] = (
    # ----- the board (footer order = the order of the shown ones) ---------------------
    ActionSpec("cursor_down", "Down", "down,j", (BOARD,), "cursor_down", group=_NAV),
    ActionSpec("cursor_up", "Up", "up,k", (BOARD,), "cursor_up", group=_NAV),
    ActionSpec("cursor_left", "Left", "left,h", (BOARD,), "cursor_left", group=_NAV),
    ActionSpec("cursor_right", "Right", "right,l", (BOARD,), "cursor_right", group=_NAV),
    ActionSpec("cursor_top", "Top", "g,home", (BOARD,), "cursor_top", group=_NAV),
    ActionSpec("cursor_bottom", "Bottom", "G,end", (BOARD,), "cursor_bottom", group=_NAV),
    ActionSpec("page_down", "Page down", "pagedown", (BOARD,), "page_down", group=_NAV),
    ActionSpec("page_up", "Page up", "pageup", (BOARD,), "page_up", group=_NAV),
    ActionSpec(
        "move_right",
        "Move →",
        "L,shift+right",
        (BOARD,),
        "move_right",
        group=_MOVE,
        show=(BOARD,),
        writes=True,
    ),
    ActionSpec(
        "move_left", "Move ←", "H,shift+left", (BOARD,), "move_left", group=_MOVE, writes=True
    ),
    ActionSpec(
        "move_to", "Move to…", "m", (BOARD,), "move_to", group=_MOVE, show=(BOARD,), writes=True
    ),
    *(
        ActionSpec(
            f"priority_{value or 'clear'}",
            label,
            key,
            (BOARD,),
            f"priority('{value}')",
            group=_MOVE,
            palette=f"Priority: {label if value else 'None'}",
            writes=True,
        )
        for key, value, label in (
            ("1", "urgent", "Urgent"),
            ("2", "high", "High"),
            ("3", "medium", "Medium"),
            ("4", "low", "Low"),
            ("0", "", "Clear priority"),
        )
    ),
    # `u` takes back the newest reply or note still in its undo-send period first (its text
    # goes back into the editor), and otherwise undoes the last move, priority, assign or link.
    ActionSpec(
        "undo",
        "Undo (a send first)",
        "u",
        (BOARD,),
        "undo",
        group=_MOVE,
        palette="Undo: take back a reply in its grace period, else the last action",
        writes=True,
    ),
    # The detail screen's own key comes first: its footer order is this order.
    ActionSpec("back", "Back", "escape,q", (DETAIL,), "back", group=DETAIL_GROUP, show=(DETAIL,)),
    ActionSpec(
        "open_detail",
        "Detail",
        "enter",
        (BOARD,),
        "open_detail",
        group=_WORK,
        show=(BOARD,),
        palette="Open detail",
    ),
    ActionSpec(
        "reply",
        "Reply",
        "r",
        (BOARD, DETAIL),
        "reply",
        group=_WORK,
        show=(BOARD, DETAIL),
        palette="Reply (acknowledge)",
        writes=True,
    ),
    ActionSpec(
        "note",
        "Note",
        "n",
        (BOARD, DETAIL),
        "note",
        group=_WORK,
        show=(DETAIL,),
        palette="Internal note",
        writes=True,
    ),
    ActionSpec(
        "assign", "Assign", "a", (BOARD,), "assign", group=_WORK, palette="Assign…", writes=True
    ),
    ActionSpec(
        "assign_me",
        "Assign me",
        "A",
        (BOARD,),
        "assign_me",
        group=_WORK,
        palette="Assign to me",
        writes=True,
    ),
    ActionSpec(
        "link",
        "Link issue",
        "i",
        (BOARD, DETAIL),
        "link",
        group=_WORK,
        show=(DETAIL,),
        palette="Link a Linear or GitHub issue",
        writes=True,
    ),
    ActionSpec(
        "tags",
        "Tags",
        "t",
        (BOARD, DETAIL),
        "tags",
        group=_WORK,
        palette="Edit tags…",
        writes=True,
    ),
    ActionSpec(
        "snooze",
        "Snooze",
        "z",
        (BOARD, DETAIL),
        "snooze",
        group=_WORK,
        palette="Snooze…",
        writes=True,
    ),
    ActionSpec(
        "copy_link",
        "Copy link",
        "y",
        (BOARD, DETAIL),
        "copy_link",
        group=_WORK,
        show=(DETAIL,),
        palette="Copy Pylon link",
    ),
    ActionSpec(
        "ready_to_tell",
        "Ready to tell",
        "F",
        (BOARD,),
        "ready_to_tell",
        group=_WORK,
        palette="Ready to tell: drafted fix replies",
    ),
    ActionSpec(
        "link_like",
        "Link like the hint",
        "I",
        (BOARD,),
        "link_like",
        group=_WORK,
        palette="Link to the same issue as the similar On Hold ticket",
    ),
    ActionSpec("filter", "Filter", "slash", (BOARD,), "filter", group=_FIND, show=(BOARD,)),
    ActionSpec("views", "Views", "v", (BOARD,), "views", group=_FIND, palette="Views…"),
    *(
        ActionSpec(
            f"view_{n}",
            f"View {n}",
            f"alt+{n}",
            (BOARD,),
            f"view({n})",
            group=_FIND,
            palette=f"View {n} (in the view picker's order)",
        )
        for n in range(1, VIEW_KEYS + 1)
    ),
    ActionSpec(
        "sort",
        "Sort column",
        "s",
        (BOARD,),
        "sort",
        group=_FIND,
        palette="Sort this column (next order)",
    ),
    ActionSpec(
        "other_states",
        "Other states",
        "o",
        (BOARD,),
        "other_states",
        group=_FIND,
        palette="Tickets in other states",
    ),
    ActionSpec(
        "group_by_issue",
        "On Hold by issue",
        "b",
        (BOARD,),
        "group_by_issue",
        group=_FIND,
        palette="On Hold grouped by linked issue",
    ),
    ActionSpec(
        "toggle_select", "Select and move down", "space", (BOARD,), "toggle_select", group=_FIND
    ),
    ActionSpec("clear", "Clear", "escape", (BOARD,), "clear", group=_FIND),
    ActionSpec("refresh", "Refresh", "R", (BOARD,), "refresh", group=_APP, palette="Refresh now"),
    # A conflict never opens by itself (it would take the keys of whatever the user is
    # typing): the status bar counts them and this key asks, one dialog per conflict.
    ActionSpec(
        "conflicts",
        "Conflicts",
        "c",
        (BOARD, DETAIL),
        "conflicts",
        group=_APP,
        palette="Resolve conflicts",
        writes=True,
    ),
    ActionSpec(
        "help",
        "Help",
        "question_mark",
        (BOARD, DETAIL),
        "help",
        group=_APP,
        show=(BOARD, DETAIL),
        palette="Help: all keys",
    ),
    ActionSpec(
        "switch_theme",
        "Theme",
        "T",
        (BOARD,),
        "switch_theme",
        group=_APP,
        palette="Theme: default / high contrast (saved)",
    ),
    ActionSpec(
        "toggle_pane",
        "Detail pane",
        "p",
        (BOARD,),
        "toggle_pane",
        group=_APP,
        palette="Detail pane beside the board (160+ columns)",
    ),
    ActionSpec("quit", "Quit", "q", (BOARD,), "quit", group=_APP, show=(BOARD,)),
    # ----- dialogs: one id per meaning, shared where the meaning is shared -------------
    _dialog("dialog_cancel", "Cancel", "escape", "cancel", "Any dialog", priority=True),
    _dialog("compose_send", "Send", "ctrl+s", "send", "Reply or note", priority=True),
    _dialog(
        "compose_next_template",
        "Next template",
        "ctrl+t",
        "next_template",
        "Reply or note",
        priority=True,
    ),
    _dialog("compose_macro", "Insert macro", "ctrl+o", "macro", "Reply or note", priority=True),
    _dialog("compose_ai_draft", "AI draft", "ctrl+g", "ai_draft", "Reply or note", priority=True),
    _dialog("tags_save", "Save tags", "ctrl+s", "save", "Tag editor", priority=True),
    _dialog("confirm_yes", "Run", "y,enter", "yes", "Custom action"),
    _dialog("hold_link", "Link", "ctrl+s", "confirm", "Link dialog", priority=True),
    _dialog("dialog_new_issue", "New issue", "ctrl+n", "create", "Link dialog", priority=True),
    _dialog("create_issue_send", "Create", "ctrl+s", "create", "New Linear issue", priority=True),
    _dialog("conflict_mine", "Apply mine", "m", "mine", "Conflict"),
    _dialog("conflict_theirs", "Keep server's", "t", "theirs", "Conflict"),
    _dialog("conflict_later", "Later", "escape", "later", "Conflict"),
    _dialog("collision_send", "Send as is", "s", "send", "Reply held (customer wrote)"),
    _dialog("collision_edit", "Edit", "e", "edit", "Reply held (customer wrote)"),
    _dialog("collision_drop", "Drop", "d", "drop", "Reply held (customer wrote)"),
    _dialog(
        "ready_send_all",
        "Send all (shown)",
        "ctrl+s",
        "send_all",
        "Ready to tell",
        priority=True,
    ),
    _dialog("group_close", "Back to the board", "escape,b", "close", "On Hold by issue"),
    _dialog("picker_down", "Down", "down", "down", "Pickers", show=False),
    _dialog("picker_up", "Up", "up", "up", "Pickers", show=False),
    # Not a priority binding: in a dialog with a text field `?` types there, and f1 (which
    # types nothing) opens help from anywhere; `?` works wherever the focus is not in one.
    _dialog("dialog_help", "Help", "f1,question_mark", "app.dialog_help", "Any dialog"),
    _dialog("help_close", "Close", "escape,q,question_mark", "close", "Help"),
    _dialog("help_pages", "Other keys", "tab", "other_page", "Help"),
)

ANYWHERE: tuple[tuple[str, str], ...] = (("ctrl+p", "Command palette"),)
"""Textual's own keys, not remappable through `[keys]`, listed in help and the README."""

_BY_ID = {s.id: s for s in CATALOG}
_PRETTY = {"question_mark": "?", "slash": "/"}


def spec(action_id: str) -> ActionSpec:
    return _BY_ID[action_id]


def action_ids() -> tuple[str, ...]:
    """Every remappable id, in catalogue order (config keeps an equal list: it cannot import
    the tui)."""
    return tuple(_BY_ID)


def bindings(scope: Scope, *only: str) -> list[BindingType]:
    """BINDINGS for a screen (every action of the scope) or a dialog (the `only` it names,
    in that order)."""
    chosen = [spec(i) for i in only] if only else [s for s in CATALOG if scope in s.scopes]
    wrong = [s.id for s in chosen if scope not in s.scopes]
    if wrong:
        raise ValueError(f"not {scope} actions: {wrong}")
    return [_binding(s, scope) for s in chosen]


def _binding(s: ActionSpec, scope: Scope) -> Binding:
    return Binding(
        s.keys, s.action, s.description, show=scope in s.show, priority=s.priority, id=s.id
    )


def board_bindings() -> list[Binding]:
    return [_binding(s, Scope.BOARD) for s in CATALOG if Scope.BOARD in s.scopes]


def binding_by_id(action_id: str) -> Binding:
    return next(b for b in board_bindings() if b.id == action_id)


def read_only_refusal(what: str) -> str:
    return (
        f"Read-only: {what} is off. pylon-tui was started with --read-only; start it "
        "without to change tickets."
    )


def help_groups(scope: Scope) -> list[tuple[str, list[ActionSpec]]]:
    """`?` help, a page per use: the board's keys, or those of the detail screen and dialogs.

    The detail screen's keys are one group, in its footer order (shared ones included);
    the other scopes group their own actions by `group`, in catalogue order.
    """
    if scope is Scope.DETAIL:
        return [(DETAIL_GROUP, [s for s in CATALOG if Scope.DETAIL in s.scopes])]
    groups: dict[str, list[ActionSpec]] = {}
    for s in CATALOG:
        if s.scopes[0] is scope:
            groups.setdefault(s.group, []).append(s)
    return list(groups.items())


def writes(action_id: str) -> bool:
    """Whether the action with this id writes (an unknown id does not: a custom action's own
    `writes` is the config's, not the catalogue's)."""
    spec_ = _BY_ID.get(action_id)
    return spec_ is not None and spec_.writes


_WRITE_ACTIONS = frozenset(s.action.split("(", 1)[0] for s in CATALOG if s.writes)


def is_write_action(name: str) -> bool:
    """Whether the action method `name` (as Textual's check_action gets it) writes."""
    return name in _WRITE_ACTIONS


def palette_specs() -> list[ActionSpec]:
    return [s for s in CATALOG if s.palette is not None]


def key_label(keys: str) -> str:
    """Textual key names as a person reads them: "question_mark,slash" -> "? /"."""
    names = [k.strip() for k in keys.split(",") if k.strip()]
    return " ".join(_PRETTY.get(name, name) for name in names)


def keys_in_effect(action_id: str, keymap: Mapping[str, str]) -> str:
    """The keys that run an action now: the `[keys]` remap if any, else the default."""
    return key_label(keymap.get(action_id, spec(action_id).keys))


def hint(keymap: Mapping[str, str], *pairs: tuple[str, str]) -> str:
    """A dialog's key line, "ctrl+s link · escape cancel", with the first key in effect of
    each action, so a remap shows where the user looks."""
    parts = []
    for action_id, text in pairs:
        first = keys_in_effect(action_id, keymap).split(" ", 1)[0]
        parts.append(f"{first} {text}")
    return " · ".join(parts)


@runtime_checkable
class Remappable(Protocol):
    """The app as the catalogue's readers see it (the app module is not imported here)."""

    keymap_overrides: dict[str, str]


def keymap_of(app: object) -> Mapping[str, str]:
    return app.keymap_overrides if isinstance(app, Remappable) else {}
