"""A damaged cache never stops the app from starting.

Damaged rows of the board or names (which Pylon gives back at the next load) are skipped and
counted. A queued change that cannot be read exactly means the whole file is moved aside,
kept, and the user told that its queued changes were not sent. A cache that opens but fails
at first paint is moved aside too, its (readable) queue carried over to the fresh file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pylon_tui.domain import DEFAULT_COLUMNS, Category, StateInfo, Team, Ticket, User
from pylon_tui.sync.intents import Move
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import OpenResult, Store
from tests.sync.faultrig import FailingDisk

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
BAD_UTF8 = b'{"id": "\xff\xfe broken'


def ticket(n: int, state: str = "new") -> Ticket:
    return Ticket(f"iss-{n}", n, f"Ticket {n}", state, T0, T0)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A healthy cache: three tickets, names, cursors, one queued move already attempted."""
    path = tmp_path / "state" / "cache.sqlite3"
    store = Store.open(path).store
    store.replace_tickets([ticket(1), ticket(2), ticket(3)])
    store.save_names(
        [User("u1", "Maya"), User("u2", "Sam")],
        [Team("t1", "Support")],
        [],
        [StateInfo("new", "New", Category.NEW)],
    )
    store.set_meta(last_refresh=T0.isoformat(), last_full=T0.isoformat())
    move = Move("iss-1", "closed", client_key="queued-move")
    store.enqueue(move, ticket(1))
    store.note_attempt_started("queued-move", may_land_until=1e12)
    store.close()
    return path


def damage(path: Path, sql: str, *params: object) -> None:
    db = sqlite3.connect(path)
    db.execute(sql, params)
    db.commit()
    db.close()


def start(path: Path) -> tuple[OpenResult, BoardService]:
    opened = Store.open(path)
    service = BoardService(object(), DEFAULT_COLUMNS, store=opened.store)  # type: ignore[arg-type]
    service.paint_from_cache()
    return opened, service


def test_a_ticket_row_with_bad_utf8_is_skipped_and_counted(cache: Path) -> None:
    """Flipped bytes that pass quick_check but no longer decode (D9 C5)."""
    damage(cache, "UPDATE tickets SET json = CAST(? AS TEXT) WHERE id = 'iss-2'", BAD_UTF8)
    opened, service = start(cache)
    assert opened.moved_aside is None
    assert sorted(t.id for t in service.board.all()) == ["iss-1", "iss-3"]
    assert any("1 damaged row(s)" in note for note in opened.notes), opened.notes
    assert service.pending_count() == 1, "the queue is untouched"


@pytest.mark.parametrize(
    "raw",
    [BAD_UTF8, b"not json", b"[1, 2]", b'"a string"', b'{"name": "no id"}'],
    ids=["bad-utf8", "not-json", "list", "string", "no-id"],
)
def test_a_bad_names_row_is_skipped_and_the_rest_load(cache: Path, raw: bytes) -> None:
    damage(cache, "UPDATE names SET json = CAST(? AS TEXT) WHERE id = 'u2'", raw)
    opened, service = start(cache)
    assert opened.moved_aside is None
    assert list(service.directory.users) == ["u1"]
    assert list(service.directory.teams) == ["t1"]
    assert any("damaged row" in note for note in opened.notes)


def test_a_status_with_an_unknown_category_is_skipped(cache: Path) -> None:
    row = json.dumps({"id": "odd", "label": "Odd", "category": "no-such-category"})
    damage(cache, "INSERT INTO names VALUES ('status', 'odd', ?)", row)
    opened, service = start(cache)
    assert opened.moved_aside is None
    assert len(list(service.board.all())) == 3


def test_an_unreadable_cursor_just_means_a_full_load(cache: Path) -> None:
    damage(cache, "UPDATE meta SET value = CAST(? AS TEXT) WHERE key = 'last_refresh'", BAD_UTF8)
    opened, service = start(cache)
    assert opened.moved_aside is None
    assert service.last_refresh is None
    assert len(list(service.board.all())) == 3


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("kind", "teleport"),
        ("extra", "{not json"),
        ("extra", "[1, 2]"),
        ("extra", '{"body_html": 7}'),
        ("value", BAD_UTF8),
        ("status", "maybe"),
        ("attempts", "three"),
        ("created_at", "yesterday"),
        ("client_key", ""),
    ],
    ids=lambda v: str(v)[:12],
)
def test_an_unreadable_queued_change_moves_the_file_aside_and_says_so(
    cache: Path, column: str, value: object
) -> None:
    if isinstance(value, bytes):
        damage(cache, f"UPDATE outbox SET {column} = CAST(? AS TEXT)", value)  # noqa: S608
    else:
        damage(cache, f"UPDATE outbox SET {column} = ?", value)  # noqa: S608
    opened, service = start(cache)
    aside = opened.moved_aside
    assert aside is not None
    assert aside.exists()
    [note] = opened.notes
    assert str(aside) in note
    assert "queued changes could not be read, so they were not sent" in note
    kept = sqlite3.connect(aside)
    assert kept.execute("SELECT client_key FROM outbox").fetchall() != [], "kept, not deleted"
    kept.close()
    assert service.pending_count() == 0
    service.begin(Move("iss-9", "closed"))  # the fresh cache works
    assert service.pending_count() == 1


def test_a_folder_where_the_cache_should_be_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    (path / "inside").mkdir(parents=True)
    opened, service = start(path)
    assert opened.moved_aside is not None
    assert (opened.moved_aside / "inside").is_dir(), "moved, with what it held"
    assert "folder" in opened.notes[0]
    assert path.is_file()
    assert service.pending_count() == 0


def test_a_cache_failing_at_first_paint_is_moved_aside_and_its_queue_carried_over(
    cache: Path,
) -> None:
    damage(cache, "DROP TABLE tickets")  # opens fine (schema version says current)
    probe = Store(cache)
    before = probe.queued()
    probe.close()
    opened, service = start(cache)
    assert list(service.board.all()) == []
    asides = [p for p in cache.parent.glob("*.corrupt-*") if not p.name.endswith(("wal", "shm"))]
    assert len(asides) == 1
    [note] = opened.notes
    assert str(asides[0]) in note
    assert "1 queued change(s) were carried over" in note
    after = service.store.queued()
    assert after == before, "every field kept: attempts and the landing window too"
    assert after[0].may_land_until == 1e12
    reopened = Store.open(cache)
    assert reopened.notes == []
    assert [q.action.client_key for q in reopened.store.queued()] == ["queued-move"]


def test_damage_found_by_a_write_heals_and_the_change_is_still_saved(cache: Path) -> None:
    """The open-time checks passed; the damage shows on the next INSERT (SQLite answers
    SQLITE_CORRUPT). The file is moved aside, its queue carried over, and the user's
    change saved in the fresh one, not refused."""
    opened, service = start(cache)
    disk = FailingDisk(service.store, "database disk image is malformed", code="SQLITE_CORRUPT")
    disk.fail_on = ("INSERT INTO OUTBOX(CLIENT_KEY, TICKET_ID, KIND, VALUE, EXTRA, BASE",)
    disk.failing = True
    service.begin(Move("iss-2", "closed", client_key="new-move"))
    assert disk.refused == 1
    assert [q.action.client_key for q in service.store.queued()] == ["queued-move", "new-move"]
    assert any("carried over" in note for note in opened.notes), opened.notes
    assert service.read_only_reason is None
    service.store.close()
    reopened = Store.open(cache)
    assert reopened.notes == []
    assert len(reopened.store.queued()) == 2


def test_a_damaged_sequence_is_caught_when_the_file_opens(cache: Path) -> None:
    damage(cache, "UPDATE sqlite_sequence SET seq = 'x'")
    opened, service = start(cache)
    assert opened.moved_aside is not None
    service.begin(Move("iss-2", "closed"))
    assert service.pending_count() == 1


@pytest.mark.parametrize("version", [-1, -(2**31)])
def test_a_negative_schema_version_is_moved_aside(cache: Path, version: int) -> None:
    damage(cache, f"PRAGMA user_version = {version}")
    opened, _ = start(cache)
    assert opened.moved_aside is not None
    assert "schema version" in opened.notes[0]


def test_a_header_that_asks_for_a_newer_writer_is_moved_aside(cache: Path) -> None:
    """One flipped header byte (the file format's write version) makes SQLite open the file
    read-only: every change would be refused although the disk is fine."""
    data = bytearray(cache.read_bytes())
    data[18] = 12
    cache.write_bytes(bytes(data))
    opened, service = start(cache)
    assert opened.moved_aside is not None
    assert "read only" in opened.notes[0]
    service.begin(Move("iss-2", "closed"))
    assert service.pending_count() == 1
