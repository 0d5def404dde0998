"""Drafts: unsent reply and note text per ticket, in the cache file (surviving a restart) and
always in memory (surviving a disk that refuses the write)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pylon_tui.domain import DEFAULT_COLUMNS
from pylon_tui.sync.drafts import Drafts
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import SCHEMA_VERSION, Store
from tests.sync.faultrig import FailingDisk
from tests.sync.test_store import V1_SCHEMA, columns_of, user_version

FULL = "database or disk is full"
NO_CLIENT: Any = object()  # drafts never reach Pylon
WORDS = "Hi Dana,\nthe export is fixed in 4.2 — “quotes” & <tags> [b]kept[/b] 🚀"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "cache.sqlite3"


def test_a_draft_is_saved_restored_and_dropped_per_ticket_and_kind(path: Path) -> None:
    store = Store.open(path).store
    drafts = Drafts(store)
    assert drafts.get("t1", "reply") is None
    assert drafts.save("t1", "reply", WORDS) is True
    assert drafts.save("t1", "note", "internal only") is True
    assert drafts.save("t2", "reply", "other ticket") is True
    assert drafts.get("t1", "reply") == WORDS
    assert drafts.get("t1", "note") == "internal only"
    assert drafts.get("t2", "reply") == "other ticket"

    assert drafts.save("t1", "reply", WORDS + "!") is True, "a newer text replaces the old"
    assert drafts.get("t1", "reply") == WORDS + "!"
    assert drafts.drop("t1", "reply") is True
    assert drafts.get("t1", "reply") is None
    assert drafts.get("t1", "note") == "internal only", "dropping one kind keeps the other"
    store.close()

    fresh = Drafts(Store.open(path).store)
    assert fresh.get("t1", "reply") is None, "the drop reached the file"
    assert fresh.get("t1", "note") == "internal only"


def test_a_draft_survives_closing_and_reopening_the_cache(path: Path) -> None:
    store = Store.open(path).store
    Drafts(store).save("t1", "reply", WORDS)
    store.close()
    reopened = Store.open(path)
    assert reopened.notes == []
    assert Drafts(reopened.store).get("t1", "reply") == WORDS


def test_blank_text_drops_the_draft(path: Path) -> None:
    store = Store.open(path).store
    drafts = Drafts(store)
    drafts.save("t1", "reply", "words")
    drafts.save("t1", "reply", "  \n\t ")
    assert drafts.get("t1", "reply") is None
    assert store.read_draft("t1", "reply") is None


def test_the_board_service_keeps_drafts_in_its_cache(path: Path) -> None:
    store = Store.open(path).store
    service = BoardService(NO_CLIENT, DEFAULT_COLUMNS, store=store)
    assert service.save_draft("t1", "note", WORDS) is True
    assert service.draft("t1", "note") == WORDS
    store.close()
    again = BoardService(NO_CLIENT, DEFAULT_COLUMNS, store=Store.open(path).store)
    assert again.draft("t1", "note") == WORDS
    assert again.drop_draft("t1", "note") is True
    assert again.draft("t1", "note") is None


# ----- a disk that refuses ----------------------------------------------------------------


def test_a_refused_write_keeps_the_draft_in_memory_for_the_session(path: Path) -> None:
    store = Store.open(path).store
    drafts = Drafts(store)
    disk = FailingDisk(store, FULL)
    disk.failing = True
    assert drafts.save("t1", "reply", WORDS) is False, "the caller hears it is not on disk"
    assert disk.refused >= 1
    assert store.refusal is not None, "the status bar can say the cache is refusing writes"
    assert drafts.get("t1", "reply") == WORDS, "never lost: kept in memory"
    assert store.read_draft("t1", "reply") is None

    disk.failing = False
    assert drafts.save("t1", "reply", WORDS) is True, "the next save reaches the disk"
    store.close()
    assert Drafts(Store.open(path).store).get("t1", "reply") == WORDS


def test_a_refused_drop_never_offers_the_stale_text_again_this_session(path: Path) -> None:
    store = Store.open(path).store
    drafts = Drafts(store)
    drafts.save("t1", "reply", "old words")
    disk = FailingDisk(store, FULL)
    disk.failing = True
    assert drafts.drop("t1", "reply") is False
    assert store.read_draft("t1", "reply") == "old words", "the file still holds it..."
    assert drafts.get("t1", "reply") is None, "...but this session knows it was sent"


def test_a_newer_text_the_disk_refused_wins_over_the_older_one_on_disk(path: Path) -> None:
    store = Store.open(path).store
    drafts = Drafts(store)
    drafts.save("t1", "reply", "first")
    FailingDisk(store, FULL).failing = True
    assert drafts.save("t1", "reply", "first and more") is False
    assert drafts.get("t1", "reply") == "first and more"


def test_a_cache_opened_read_only_keeps_drafts_in_memory(path: Path) -> None:
    Store.open(path).store.close()
    store = Store(path, read_only=True)
    drafts = Drafts(store)
    assert drafts.save("t1", "note", WORDS) is False
    assert drafts.get("t1", "note") == WORDS
    assert drafts.drop("t1", "note") is False
    assert drafts.get("t1", "note") is None


def test_a_damaged_draft_row_reads_as_no_draft(path: Path) -> None:
    store = Store.open(path).store
    store.close()
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO drafts(ticket_id, kind, text, saved_at) VALUES ('t1', 'reply', ?, 0)",
        (b"\xff\xfe not utf-8",),
    )
    db.commit()
    db.close()
    drafts = Drafts(Store.open(path).store)
    assert drafts.get("t1", "reply") is None
    assert drafts.save("t1", "reply", "fresh") is True
    assert drafts.get("t1", "reply") == "fresh"


# ----- schema ------------------------------------------------------------------------------


def test_a_v3_file_gains_the_drafts_table_and_keeps_its_queue(path: Path) -> None:
    assert SCHEMA_VERSION >= 4  # v5 (issue 15) adds send_holds and drafts.started_at
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)  # v2 and v3 by hand, as those releases left the file
    db.execute("ALTER TABLE outbox ADD COLUMN before_json TEXT")
    db.execute("ALTER TABLE outbox ADD COLUMN may_land_until REAL")
    db.execute(
        "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, created_at)"
        " VALUES ('key-1', 'iss-1', 'note', NULL, ?, 1000.0)",
        (json.dumps({"body_html": "<p>queued</p>"}),),
    )
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    assert "drafts" not in {
        row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")
    }

    opened = Store.open(path)
    store = opened.store
    assert opened.notes == []
    assert opened.moved_aside is None
    assert store.schema_version == SCHEMA_VERSION
    assert [q.action.client_key for q in store.queued()] == ["key-1"]
    assert Drafts(store).save("iss-1", "reply", WORDS) is True
    store.close()
    assert user_version(path) == SCHEMA_VERSION
    assert columns_of(path, "drafts") == {"ticket_id", "kind", "text", "saved_at", "started_at"}
    assert Drafts(Store.open(path).store).get("iss-1", "reply") == WORDS
