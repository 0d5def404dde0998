"""The README is part of the product: every key and every remappable action is documented."""

from __future__ import annotations

from pathlib import Path

from pylon_tui.tui.catalog import board_bindings, key_label

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
