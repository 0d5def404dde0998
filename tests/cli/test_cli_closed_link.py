"""Issue 10 item 3 from the CLI: `move --link` of an already-closed issue says the ticket stays
On Hold, and records the issue as closed-when-linked in the cache the board reads, so a
running board (or the next start) never bounces the ticket back with a false note."""

from __future__ import annotations

import json

import pytest

from pylon_tui.bootstrap import cache_path
from pylon_tui.cli import main
from pylon_tui.config import load_config
from pylon_tui.sync import ClosedWhenLinked
from pylon_tui.sync.store import Store


def board_cache() -> Store:
    """The cache a board on this workspace uses (opened as the board opens it)."""
    return Store.open(cache_path(load_config(env={}))).store


def test_a_closed_link_says_what_happens_and_is_recorded_for_the_watcher(
    capsys: pytest.CaptureFixture[str],
) -> None:
    board_cache().close()  # a board has run here
    assert main(["move", "69", "on-hold", "--link", "ENG-13"]) == 1
    assert "stays On Hold until you move it" in capsys.readouterr().err

    assert main(["move", "69", "on-hold", "--link", "ENG-13", "--allow-closed"]) == 0
    capsys.readouterr()
    assert main(["show", "69", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "on_hold"
    [link] = shown["links"]

    store = board_cache()
    try:
        assert ClosedWhenLinked(store).of(shown["id"]) == {link["external_id"]}
    finally:
        store.close()


def test_without_a_board_cache_nothing_is_created(capsys: pytest.CaptureFixture[str]) -> None:
    """No board has run: its first poll will take every closed link as already closed."""
    path = cache_path(load_config(env={}), create=False)
    assert main(["move", "69", "on-hold", "--link", "ENG-13", "--allow-closed"]) == 0
    assert not path.exists()
    assert "warning" not in capsys.readouterr().err


def test_an_open_link_is_not_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    board_cache().close()
    assert main(["move", "68", "on-hold", "--link", "ENG-2"]) == 0
    store = board_cache()
    try:
        assert ClosedWhenLinked(store).read() == {}
    finally:
        store.close()


def test_a_damaged_cache_is_left_as_it_is_and_the_risk_is_said(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = cache_path(load_config(env={}))
    path.write_bytes(b"not a database" * 100)
    assert main(["move", "69", "on-hold", "--link", "ENG-13", "--allow-closed"]) == 0
    said = capsys.readouterr().err
    assert "could not note in the board's cache" in said
    assert "may return the ticket to On You" in said
    assert path.read_bytes() == b"not a database" * 100, "the board moves it aside, not the CLI"
