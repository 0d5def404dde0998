"""The README is part of the product: every key and every remappable action is documented."""

from __future__ import annotations

from pathlib import Path

from pylon_tui.tui.catalog import CATALOG, Scope, action_ids, board_bindings, key_label
from pylon_tui.tui.catalog.readme import (
    NAMES_MARKERS,
    README_ROWS,
    README_SCREENS,
    TABLE_MARKERS,
    between,
    readme_key,
    readme_keys_list,
    readme_keys_table,
    rewrite,
)

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_binding_id_is_listed_as_remappable() -> None:
    for binding in board_bindings():
        assert f"`{binding.id}`" in README, f"README [keys] list lacks {binding.id}"


def test_every_default_key_appears_in_the_keys_table() -> None:
    table = README.split("## Using the board", 1)[1].split("### The On Hold gate", 1)[0]
    aliases = {
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "shift+right": "shift+→",
        "shift+left": "shift+←",
    }
    for binding in board_bindings():
        for key in key_label(binding.key).split():
            shown = aliases.get(key, key)
            assert f"`{shown}`" in table, f"key {key} ({binding.id}) missing from README table"


def test_two_setup_commands_are_present() -> None:
    assert "pip install . && .venv/bin/pylon-tui" in README
    assert "bash scripts/test.sh" in README


# ----- the generated blocks: README and catalogue cannot drift apart --------------------


def test_keys_table_matches_the_catalogue() -> None:
    """Regenerate with `python -m pylon_tui.tui.catalog --readme`."""
    assert between(README, TABLE_MARKERS) == readme_keys_table()


def test_remappable_names_match_the_catalogue() -> None:
    assert between(README, NAMES_MARKERS) == readme_keys_list()


def test_every_catalogue_action_is_in_the_readme_blocks() -> None:
    rows = {i for _, groups in README_ROWS for group in groups for i in group}
    sentences = {i for _, pairs in README_SCREENS for i, _ in pairs}
    assert {b.id for b in board_bindings()} <= rows
    assert {s.id for s in CATALOG if Scope.DETAIL in s.scopes} <= sentences
    names = between(README, NAMES_MARKERS)
    for action_id in action_ids():
        assert f"`{action_id}`" in names


def test_a_drifted_readme_is_caught_and_rewritten() -> None:
    drifted = README.replace("| `m` | move to a column", "| `M` | move to a column", 1)
    assert drifted != README
    assert between(drifted, TABLE_MARKERS) != readme_keys_table()
    assert rewrite(drifted) == README
    assert rewrite(README) == README


def test_the_table_shows_dialog_keys_from_the_catalogue() -> None:
    table = readme_keys_table()
    assert "`ctrl+t` inserts a template at the cursor, `ctrl+s` send" in table
    assert "`m` apply mine, `t` keep the server's, `escape`" in table
    assert readme_key("shift+right") == "`shift+→`"
    assert readme_key("question_mark") == "`?`"
