"""The action catalogue: every screen's keys come from it, and each names a real action."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from pylon_tui.domain.safe_text import one_line
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.catalog import (
    CATALOG,
    Scope,
    action_ids,
    bindings,
    help_groups,
    hint,
    is_write_action,
    keys_in_effect,
    palette_specs,
    spec,
    writes,
)
from pylon_tui.tui.modals.collision import CollisionModal
from pylon_tui.tui.modals.command import ConfirmCommandModal, OutputModal
from pylon_tui.tui.modals.compose import ComposeModal
from pylon_tui.tui.modals.conflict import ConflictModal
from pylon_tui.tui.modals.create_issue import CreateIssueModal
from pylon_tui.tui.modals.grouped import GroupedView
from pylon_tui.tui.modals.help import HelpScreen
from pylon_tui.tui.modals.hold import HoldModal
from pylon_tui.tui.modals.picker import PickerModal, ReadyPicker
from pylon_tui.tui.modals.snooze import SnoozeModal
from pylon_tui.tui.modals.tags import TagsModal
from pylon_tui.tui.safe import plain_markup
from pylon_tui.tui.screens.board import BoardScreen
from pylon_tui.tui.screens.detail import DetailScreen

SCREENS: tuple[type[Screen[Any]], ...] = (
    BoardScreen,
    DetailScreen,
    HelpScreen,
    ComposeModal,
    ConflictModal,
    CreateIssueModal,
    HoldModal,
    PickerModal,
    CollisionModal,
    GroupedView,
    ReadyPicker,
    TagsModal,
    SnoozeModal,
    ConfirmCommandModal,
    OutputModal,
)


def _own(screen: type[Screen[Any]]) -> list[Binding]:
    return [b for b in screen.BINDINGS if isinstance(b, Binding)]


def _row(b: Binding) -> tuple[str, str, str, bool, bool]:
    return (b.key, b.action, b.description, b.show, b.priority)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.__name__)
def test_every_binding_has_a_catalogue_id_and_a_real_action(screen: type[Screen[Any]]):
    own = _own(screen)
    assert own
    assert len(own) == len(screen.BINDINGS)
    for binding in own:
        assert binding.id in action_ids(), binding
        namespace, _, action = binding.action.rpartition(".")
        owner = PylonApp if namespace == "app" else screen
        method = "action_" + action.split("(", 1)[0]
        assert callable(getattr(owner, method, None)), f"{owner.__name__} lacks {method}"


def test_every_catalogue_id_is_bound_somewhere():
    bound = {b.id for screen in SCREENS for b in _own(screen)}
    assert bound == set(action_ids())


def test_dialog_and_detail_keys_are_todays():
    """The bindings that were literal lists before the catalogue, unchanged."""
    assert [_row(b) for b in _own(DetailScreen)] == [
        ("escape,q", "back", "Back", True, False),
        ("r", "reply", "Reply", True, False),
        ("n", "note", "Note", True, False),
        ("i", "link", "Link issue", True, False),
        ("t", "tags", "Tags", False, False),
        ("z", "snooze", "Snooze", False, False),
        ("y", "copy_link", "Copy link", True, False),
        ("c", "conflicts", "Conflicts", False, False),
        ("question_mark", "help", "Help", True, False),
    ]
    dialog_help = ("f1,question_mark", "app.dialog_help", "Help", True, False)
    assert [_row(b) for b in _own(HoldModal)] == [
        ("ctrl+s", "confirm", "Link", True, True),
        ("ctrl+n", "create", "New issue", True, True),
        ("escape", "cancel", "Cancel", True, True),
        dialog_help,
    ]
    assert [_row(b) for b in _own(ComposeModal)] == [
        ("ctrl+s", "send", "Send", True, True),
        ("escape", "cancel", "Cancel", True, True),
        ("ctrl+t", "next_template", "Next template", True, True),
        ("ctrl+o", "macro", "Insert macro", True, True),
        ("ctrl+g", "ai_draft", "AI draft", True, True),
        dialog_help,
    ]
    assert [_row(b) for b in _own(CreateIssueModal)] == [
        ("ctrl+s", "create", "Create", True, True),
        ("escape", "cancel", "Cancel", True, True),
        dialog_help,
    ]
    assert [_row(b) for b in _own(ConflictModal)] == [
        ("m", "mine", "Apply mine", True, False),
        ("t", "theirs", "Keep server's", True, False),
        ("escape", "later", "Later", True, False),
        dialog_help,
    ]
    # escape became a priority binding here too: neither the filter Input nor the OptionList
    # binds escape, so nothing the picker did changes.
    assert [_row(b) for b in _own(PickerModal)] == [
        ("escape", "cancel", "Cancel", True, True),
        ("down", "down", "Down", False, False),
        ("up", "up", "Up", False, False),
        dialog_help,
    ]


def test_board_footer_shows_the_same_seven_actions_in_order():
    shown = [b.description for b in BoardScreen.BINDINGS if isinstance(b, Binding) and b.show]
    assert shown == ["Move →", "Move to…", "Detail", "Reply", "Filter", "Help", "Quit"]


def test_a_dialog_cannot_borrow_a_board_action():
    with pytest.raises(ValueError, match="reply"):
        bindings(Scope.DIALOG, "reply")


def test_help_pages_cover_the_whole_catalogue_once_per_scope():
    board = [s.id for _, specs in help_groups(Scope.BOARD) for s in specs]
    assert board == [str(b.id) for b in BoardScreen.BINDINGS if isinstance(b, Binding)]
    detail = [s.id for _, specs in help_groups(Scope.DETAIL) for s in specs]
    assert detail == [str(b.id) for b in DetailScreen.BINDINGS if isinstance(b, Binding)]
    dialogs = [s.id for _, specs in help_groups(Scope.DIALOG) for s in specs]
    assert set(board) | set(detail) | set(dialogs) == set(action_ids())


def test_palette_entries_are_board_actions():
    assert {s.id for s in palette_specs()} >= {"reply", "priority_urgent", "help"}
    for s in palette_specs():
        assert Scope.BOARD in s.scopes
        assert callable(getattr(BoardScreen, "action_" + s.action.split("(", 1)[0], None))


def test_keys_in_effect_and_hints_follow_the_keymap():
    assert keys_in_effect("help", {}) == "?"
    assert keys_in_effect("cursor_top", {}) == "g home"
    assert keys_in_effect("reply", {"reply": "x,ctrl+r"}) == "x ctrl+r"
    keymap = {"dialog_cancel": "ctrl+g,escape"}
    line = hint(keymap, ("hold_link", "link"), ("dialog_cancel", "cancel"))
    assert line == "ctrl+s link · ctrl+g cancel"
    assert hint({}, ("help_close", "closes")) == "escape closes"


def test_ids_are_unique_and_descriptions_stay_short():
    assert len(action_ids()) == len(CATALOG)
    for s in CATALOG:
        assert s.scopes, s.id
        assert len(s.description) <= 20, s.id
        assert spec(s.id) is s


WRITE_IDS = {
    *("move_right", "move_left", "move_to", "undo", "reply", "note", "assign", "assign_me"),
    *(f"priority_{p}" for p in ("urgent", "high", "medium", "low", "clear")),
    *("link", "conflicts", "tags", "snooze"),
}


def test_the_write_marker_on_each_spec_is_what_read_only_reads():
    """`ActionSpec.writes` is the only marker: `writes()` (help, palette) and
    `is_write_action()` (check_action, the refusal toast) agree with it, id by id."""
    assert {s.id for s in CATALOG if s.writes} == WRITE_IDS
    for s in CATALOG:
        assert writes(s.id) is s.writes, s.id
        method = s.action.split("(", 1)[0]
        assert is_write_action(method) is (s.id in WRITE_IDS), s.id
    assert not writes("custom"), "an id the catalogue does not hold never writes by itself"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]\\/@=$ab {}:.#\x1b\n")), max_size=24))
def test_palette_help_text_is_shown_literally(text: str):
    """Keys in the palette's help line come from config; Textual parses that line as markup."""
    shown = Content.from_markup(plain_markup(text)).plain
    assert shown == one_line(text)
    assert "\x1b" not in shown
    assert "\n" not in shown
