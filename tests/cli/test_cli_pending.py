"""`list` and `show` mark what the board queued and has not sent yet (issue 10, item 11).

The UX test moved a ticket while offline; `pylon-tui show` then said "state: New" with no
word of the queued move, which read as if the move was lost.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pylon_tui.bootstrap import cache_path
from pylon_tui.cli import main
from pylon_tui.config import load_config
from pylon_tui.domain import Priority
from pylon_tui.sync import Move, SetPriority
from pylon_tui.sync.store import Store


def _ticket(capsys: pytest.CaptureFixture[str], number: int) -> dict[str, object]:
    assert main(["show", str(number), "--json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _cache() -> Path:
    return cache_path(load_config(None, env={}))


def _queue(ticket_id: str, *, conflict: bool = False) -> None:
    """What the board leaves behind after H/L and 2 while Pylon is unreachable."""
    store = Store.open(_cache()).store
    try:
        move = Move(ticket_id, "on_hold")
        store.enqueue(move, None)
        store.enqueue(SetPriority(ticket_id, Priority.HIGH), None)
        if conflict:
            store.set_status(move.client_key, "conflict", error="Pylon: 503 unavailable")
    finally:
        store.close()


def test_list_and_show_mark_queued_changes_as_pending(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket = _ticket(capsys, 68)
    assert ticket["pending"] == []
    _queue(str(ticket["id"]))

    assert main(["list"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "#68 " in line)
    assert line.endswith("(pending: move to On Hold, priority high)")
    assert "2 change(s) queued on this machine, not sent yet" in out
    assert sum("pending:" in line for line in out.splitlines()) == 1  # only #68

    assert main(["show", "68"]) == 0
    shown = capsys.readouterr().out
    assert "state: New  (pending: move to On Hold, priority high)" in shown

    data = _ticket(capsys, 68)
    assert data["state"] == "new"  # what Pylon has: the move has not reached it
    assert data["pending"] == [
        {"kind": "move", "change": "move to On Hold", "conflict": False, "error": None},
        {"kind": "priority", "change": "priority high", "conflict": False, "error": None},
    ]

    assert main(["list", "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    by_number = {t["number"]: t for c in board["columns"] for t in c["tickets"]}
    assert [p["change"] for p in by_number[68]["pending"]] == ["move to On Hold", "priority high"]
    assert all(t["pending"] == [] for n, t in by_number.items() if n != 68)


def test_a_conflict_and_the_last_error_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    ticket = _ticket(capsys, 70)
    _queue(str(ticket["id"]), conflict=True)
    assert main(["show", "70"]) == 0
    out = capsys.readouterr().out
    assert "(pending: move to On Hold [conflict: open the board], priority high)" in out
    assert "last try of move to On Hold: Pylon: 503 unavailable" in out
    assert _ticket(capsys, 70)["pending"][0] == {  # type: ignore[index]
        "kind": "move",
        "change": "move to On Hold",
        "conflict": True,
        "error": "Pylon: 503 unavailable",
    }


def test_queued_changes_for_tickets_not_listed_are_counted(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket = _ticket(capsys, 68)  # New
    _queue(str(ticket["id"]))
    assert main(["list", "--column", "closed"]) == 0
    out = capsys.readouterr().out
    assert "pending:" not in out
    assert "2 change(s) queued on this machine, not sent yet, 2 of them for tickets not " in out


def test_without_a_cache_nothing_is_created(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    assert "queued" not in capsys.readouterr().out
    assert not _cache().exists()


def test_a_damaged_cache_is_a_warning_and_is_left_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _cache()
    path.write_bytes(b"this is not SQLite" * 100)
    assert main(["list"]) == 0
    captured = capsys.readouterr()
    assert "#68" in captured.out
    assert "warning: queued changes not shown" in captured.err
    assert "Traceback" not in captured.err
    assert path.read_bytes() == b"this is not SQLite" * 100  # never moved aside from here
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_every_kind_of_queued_change_reads_as_words() -> None:
    from pylon_tui.cli.pending import change_text
    from pylon_tui.domain import StateCatalog
    from pylon_tui.domain.directory import Directory
    from pylon_tui.sync import Assign, Intent, Link, Note, Reply, SetTags, Snooze, Unlink
    from pylon_tui.sync.intents import INTENT_TYPES

    changes: dict[Intent, str] = {
        Move("t", "waiting_on_you"): "move to On You",
        SetPriority("t", None): "priority none",
        Assign("t", None): "assign to nobody",
        Link("t", "uuid-1", label="ENG-2"): "link ENG-2",
        Unlink("t", "uuid-1", label="ENG-2"): "unlink ENG-2",
        Reply("t", "m-1", "<p>hi</p>"): "reply",
        Note("t", "<p>hi</p>"): "internal note",
        SetTags("t", ("billing", "vip")): "tags billing, vip",
        Snooze("t", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)): "snooze until 2026-12-01T09:00:00Z",
    }
    assert {type(c) for c in changes} == set(INTENT_TYPES)  # a new kind needs words here
    for change, words in changes.items():
        assert change_text(change, StateCatalog(), Directory.empty()) == words
