"""`[keys]`: a key that would run two actions in one place is an error naming both (issue 10,
item 10). The UX test bound `move_right = "j"`: `j` then moved cards instead of the cursor and
help listed it twice, with no word from `doctor` or the board.

Config cannot import the TUI, so it keeps its own table of default keys and of where each
action is live; the first tests keep that table equal to the catalogue and the dialogs.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import string
from pathlib import Path

import pytest
from textual.binding import Binding, BindingsMap
from textual.keys import _character_to_key, _normalize_key_list
from textual.screen import Screen

from pylon_tui.config import ConfigError, load_config
from pylon_tui.config.keys import (
    DEFAULT_KEYS,
    KEY_CONTEXTS,
    canonical_key,
    find_clash,
    is_typed,
)


def _screens(*packages: str) -> list[type[Screen[object]]]:
    """Every screen and dialog class the TUI defines (board, detail, each modal)."""
    found: list[type[Screen[object]]] = []
    for package in packages or ("pylon_tui.tui.screens", "pylon_tui.tui.modals"):
        root = importlib.import_module(package)
        for info in pkgutil.iter_modules(root.__path__):
            module = importlib.import_module(f"{package}.{info.name}")
            for _name, value in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(value, Screen)
                    and value.__module__ == module.__name__
                    and "BINDINGS" in vars(value)
                ):
                    found.append(value)
    return found


def _ids(screen: type[Screen[object]]) -> frozenset[str]:
    return frozenset(b.id for b in screen.BINDINGS if isinstance(b, Binding) and b.id)


def test_default_keys_are_the_catalogues() -> None:
    from pylon_tui.tui.catalog import CATALOG

    assert {s.id: s.keys for s in CATALOG} == DEFAULT_KEYS
    assert [s.id for s in CATALOG] == list(DEFAULT_KEYS)


def test_key_contexts_are_the_screens_and_dialogs_the_tui_binds() -> None:
    """Each place keys are live together (a screen, one dialog) is one context in config."""
    bound = {_ids(screen) for screen in _screens()}
    assert bound == {frozenset(c.actions) for c in KEY_CONTEXTS}


def test_dialogs_with_a_text_field_are_marked_typing() -> None:
    """(The board's own filter field takes keys only while it is open, after `/`.)"""
    typing = {frozenset(c.actions) for c in KEY_CONTEXTS if c.typing}
    with_text = {
        _ids(screen)
        for screen in _screens("pylon_tui.tui.modals")
        if any(f"{w}(" in inspect.getsource(screen) for w in ("Input", "TextArea"))
    }
    assert typing == with_text


def test_the_defaults_never_clash() -> None:
    assert find_clash({}) is None


def test_key_names_are_textuals() -> None:
    """`?` and `question_mark` are one key to Textual, so they must be one key here."""
    for char in string.printable.strip():
        assert canonical_key(char) == _character_to_key(char), char
    assert canonical_key("ctrl+m") == "enter"
    assert canonical_key("ctrl+i") == "tab"


@pytest.mark.parametrize(
    ("key", "typed"),
    [
        ("j", True),
        ("A", True),
        ("?", True),
        ("question_mark", True),
        ("slash", True),
        ("space", True),
        ("ctrl+s", False),
        ("escape", False),
        ("f5", False),
        ("down", False),
        ("tab", False),
        ("delete", False),
    ],
)
def test_is_typed(key: str, typed: bool) -> None:
    assert is_typed(canonical_key(key)) is typed


def _load(tmp_path: Path, keys: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text("[keys]\n" + keys, encoding="utf-8")
    os.chmod(path, 0o600)
    return load_config(path, env={}).keys


def _error(tmp_path: Path, keys: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, keys)
    text = str(info.value)
    assert "\n" not in text
    assert text.isprintable()
    return info.value


@pytest.mark.parametrize(
    ("keys", "entry", "names"),
    [
        # The UX test's case: j is still cursor_down's default.
        ('move_right = "j"\n', "move_right", ["'j'", "cursor_down", "(its default)"]),
        ('reply = "x"\nnote = "x"\n', "note", ["'x'", "reply", "note", "on the board"]),
        ('filter = "?"\n', "filter", ["'?'", "help"]),  # ? is question_mark
        ('filter = "question_mark"\n', "filter", ["help"]),
        ('back = "r"\n', "back", ["'r'", "reply", "on the detail screen"]),
        ('conflict_mine = "t"\n', "conflict_mine", ["conflict_theirs", "conflict dialog"]),
        ('help_pages = "q"\n', "help_pages", ["help_close", "in help"]),
        ('reply = "ctrl+p"\n', "reply", ["command palette", "would never run"]),
        ('move_to = "ctrl+q"\n', "move_to", ["quit"]),
        ('compose_send = "s"\n', "compose_send", ["types into the text field", "ctrl+b"]),
        ('hold_link = "space"\n', "hold_link", ["link dialog"]),
        ('picker_down = "j"\n', "picker_down", ["in pickers"]),
        ('open_detail = "ctrl+m"\n', None, []),  # the same key as enter: no clash
        ('clear = "ctrl+left_square_brace"\n', None, []),
        ('reply = "ctrl+i"\nhelp_pages = "ctrl+i"\n', None, []),  # two places
    ],
)
def test_a_key_bound_twice_names_both_actions_and_the_key(
    tmp_path: Path, keys: str, entry: str | None, names: list[str]
) -> None:
    if entry is None:
        _load(tmp_path, keys)
        return
    error = _error(tmp_path, keys)
    assert error.key == f"keys.{entry}"
    text = str(error)
    assert f"keys.{entry}" in text
    for name in names:
        assert name in text


def test_the_clash_message_suggests_free_keys(tmp_path: Path) -> None:
    text = str(_error(tmp_path, 'move_right = "j"\n'))
    assert "free there: " in text
    free = text.split("free there: ", 1)[1].split(")", 1)[0].split(", ")
    for key in free:  # every suggestion really loads
        assert _load(tmp_path, f'move_right = "{key}"\n') == {"move_right": key}


@pytest.mark.parametrize(
    "keys",
    [
        'cursor_down = "down"\nmove_right = "j"\n',  # j freed first
        'move_right = "j"\ncursor_down = "down"\n',  # ... in either order
        'quit = "ctrl+q"\n',
        'help = "?,f1"\n',
        'hold_link = "ctrl+s"\ncompose_send = "ctrl+s"\n',  # different dialogs
        'reply = "x"\nconflict_mine = "x"\n',  # the board and a dialog
        'compose_send = "ctrl+enter,f2"\n',
    ],
)
def test_remaps_that_free_or_share_nothing_load(tmp_path: Path, keys: str) -> None:
    assert _load(tmp_path, keys)


def _textual_keys(scope: str, keymap: dict[str, str]) -> dict[str, set[str]]:
    """Which keys run which action once Textual applies `keymap` to a screen's bindings."""
    from pylon_tui.tui.catalog import Scope, bindings

    bound = BindingsMap(bindings(Scope(scope)))
    bound.apply_keymap({a: _normalize_key_list(k) for a, k in keymap.items()})
    keys: dict[str, set[str]] = {}
    for key, those in bound.key_to_bindings.items():
        if len({b.id for b in those}) > 1:  # the first wins a press: the other never runs
            keys.setdefault("(shared)", set()).add(key)
        for binding in those:
            keys.setdefault(str(binding.id), set()).add(key)
    return keys


def _expected(scope: str, keymap: dict[str, str]) -> dict[str, set[str]]:
    context = next(c for c in KEY_CONTEXTS if c.where == scope)
    return {
        a: {canonical_key(k) for k in keymap.get(a, DEFAULT_KEYS[a]).split(",")}
        for a in context.actions
    }


@pytest.mark.parametrize(
    ("scope", "where", "keymap"),
    [
        ("board", "on the board", {"move_right": "j"}),
        ("board", "on the board", {"refresh": "r"}),
        ("board", "on the board", {"filter": "?"}),
        ("board", "on the board", {"reply": "x", "note": "x"}),
        ("board", "on the board", {"cursor_down": "down", "move_right": "j"}),
        ("board", "on the board", {"move_right": "x"}),
        ("board", "on the board", {"help": "?,f1"}),
        ("detail", "on the detail screen", {"back": "r"}),
        ("detail", "on the detail screen", {"back": "escape,b"}),
    ],
)
def test_accepted_remaps_are_what_textual_binds(
    scope: str, where: str, keymap: dict[str, str]
) -> None:
    """Textual resolves a clash silently (the remap takes the key, the other action loses
    it). So: a file config accepts binds exactly the keys it names, and a file whose keys
    Textual would take from another action is refused."""
    accepted = find_clash(keymap) is None
    assert accepted == (_textual_keys(scope, keymap) == _expected(where, keymap))
