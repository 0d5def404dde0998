"""The local SQLite store: schema migrations, corrupt files moved aside, lossless round trips,
and the outbox's bookkeeping (FIFO, attempts, backoff, rebase, removal)."""

from __future__ import annotations

import dataclasses
import gc
import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pylon_tui.domain import (
    Account,
    Category,
    ExternalLink,
    Priority,
    StateInfo,
    Team,
    Ticket,
    User,
)
from pylon_tui.sync import codec
from pylon_tui.sync.intents import Assign, Intent, Link, Move, Note, Reply, SetPriority
from pylon_tui.sync.store import CONFLICT, PENDING, SCHEMA_VERSION, Store

IST = timezone(timedelta(hours=5, minutes=30))
T0 = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)

# The v1 on-disk format, spelled out by hand (not imported): a file written by the first
# release must keep opening whatever the migration code turns into.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tickets (id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE names (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
                    PRIMARY KEY (kind, id));
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    client_key TEXT NOT NULL UNIQUE,
    ticket_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    value TEXT,
    extra TEXT NOT NULL,
    base_updated_at TEXT,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT
);
"""


def full_ticket(**overrides: object) -> Ticket:
    """A ticket with every field set away from its default."""
    values: dict[str, object] = {
        "id": "iss-1",
        "number": 4242,
        "title": "Export fails — “quotes” & <tags> 🚀",
        "state": "waiting_on_you",
        "created_at": T0,
        "updated_at": datetime(2025, 3, 2, 14, 0, 0, tzinfo=IST),
        "priority": Priority.HIGH,
        "latest_message_time": T0 + timedelta(hours=3),
        "first_response_time": T0 + timedelta(minutes=5),
        "resolution_breach_time": datetime(2025, 3, 9, 0, 0, tzinfo=IST),
        "first_response_breach_time": T0 + timedelta(hours=1),
        "account_id": "acc-1",
        "assignee_id": "user-1",
        "team_id": "team-1",
        "requester_id": "contact-1",
        "tags": ("billing", "vip"),
        "links": (
            ExternalLink("linear", "5b0c-uuid", "https://linear.app/x/issue/ENG-42"),
            ExternalLink("github", "Owner/Repo/7", None),
        ),
        "link": "https://app.usepylon.com/issues?issueNumber=4242",
        "body_html": "<p>Hello<br>world</p>",
        "source": "slack",
        "snoozed_until": T0 + timedelta(days=2),
    }
    values.update(overrides)
    return Ticket(**values)  # type: ignore[arg-type]


def move(ticket_id: str = "iss-1", state: str = "closed", **kw: object) -> Move:
    return Move(ticket_id, state, **kw)  # type: ignore[arg-type]


def columns_of(db_path: Path, table: str) -> set[str]:
    db = sqlite3.connect(db_path)
    try:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    finally:
        db.close()


def user_version(db_path: Path) -> int:
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "cache.sqlite3"


# ----- schema and migrations ---------------------------------------------------------------


def test_a_new_file_gets_the_current_schema(path: Path) -> None:
    opened = Store.open(path)
    store = opened.store
    assert opened.notes == []
    assert opened.moved_aside is None
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    assert user_version(path) == SCHEMA_VERSION
    assert "before_json" in columns_of(path, "outbox")
    assert Store.open(path).store.schema_version == SCHEMA_VERSION, "reopening is a no-op"


def test_an_empty_existing_file_is_migrated(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")  # e.g. created by `touch`, or a crash right after creat()
    opened = Store.open(path)
    assert opened.notes == []
    assert opened.store.schema_version == SCHEMA_VERSION
    opened.store.enqueue(move(), None)
    assert opened.store.pending_count() == 1


def test_a_v1_file_is_migrated_and_its_pending_actions_survive(path: Path) -> None:
    path.parent.mkdir(parents=True)
    base = "2025-03-01T09:30:15+00:00"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute(
        "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, base_updated_at,"
        " created_at, attempts, next_attempt_at, last_error)"
        " VALUES ('key-1', 'iss-1', 'move', 'closed', '{}', ?, 1000.0, 2, 5000.0, 'offline')",
        (base,),
    )
    db.execute(
        "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, created_at)"
        " VALUES ('key-2', 'iss-2', 'reply', 'msg-9', ?, 1001.0)",
        (json.dumps({"body_html": "<p>Thanks!</p>"}),),
    )
    db.execute(
        "INSERT INTO tickets(id, json) VALUES ('iss-1', ?)",
        (json.dumps(codec.ticket_to_dict(full_ticket())),),
    )
    db.execute("INSERT INTO meta(key, value) VALUES ('last_refresh', ?)", (base,))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    opened = Store.open(path)
    store = opened.store
    assert opened.notes == []
    assert opened.moved_aside is None
    assert store.schema_version == SCHEMA_VERSION
    queued = store.queued()
    assert [q.action.client_key for q in queued] == ["key-1", "key-2"]
    first, second = queued
    assert first.action == Move(
        "iss-1", "closed", base_updated_at=datetime.fromisoformat(base), client_key="key-1"
    )
    assert (first.attempts, first.next_attempt_at, first.last_error) == (2, 5000.0, "offline")
    assert first.status == PENDING
    assert first.maybe_sent
    assert first.before is None, "v1 rows have no snapshot; the new column defaults to NULL"
    assert isinstance(second.action, Reply)
    assert second.action.body_html == "<p>Thanks!</p>"
    assert not second.maybe_sent
    assert store.load_tickets() == [full_ticket()]
    assert store.get_time("last_refresh") == datetime.fromisoformat(base)
    store.close()
    assert user_version(path) == SCHEMA_VERSION
    assert "before_json" in columns_of(path, "outbox")


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 99])
def test_a_file_from_a_newer_release_is_moved_aside_not_touched(path: Path, version: int) -> None:
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x TEXT)")
    db.execute("INSERT INTO future VALUES ('keep me')")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()

    opened = Store.open(path)
    aside = opened.moved_aside
    assert aside is not None
    assert aside.exists()
    assert aside.name.startswith("cache.sqlite3.corrupt-")
    assert len(opened.notes) == 1
    assert str(aside) in opened.notes[0]
    assert "newer" in opened.notes[0]
    # The newer file is kept as it was, for the newer release (or the user) to recover.
    old = sqlite3.connect(aside)
    assert old.execute("SELECT x FROM future").fetchall() == [("keep me",)]
    assert old.execute("PRAGMA user_version").fetchone()[0] == version
    old.close()
    store = opened.store
    assert store.schema_version == SCHEMA_VERSION
    assert store.pending_count() == 0
    assert store.load_tickets() == []
    store.enqueue(move(), None)
    store.close()
    again = Store.open(path)
    assert again.moved_aside is None
    assert again.store.pending_count() == 1


def test_random_bytes_are_moved_aside_with_a_note_and_a_fresh_store_works(path: Path) -> None:
    path.parent.mkdir(parents=True)
    garbage = random.Random(7).randbytes(16_384)
    path.write_bytes(garbage)

    opened = Store.open(path)
    aside = opened.moved_aside
    assert aside is not None
    assert aside.parent == path.parent
    assert aside.name.startswith(f"{path.name}.corrupt-")
    assert aside.read_bytes() == garbage, "moved, never deleted or rewritten"
    [note] = opened.notes
    assert str(aside) in note
    assert "fresh" in note

    store = opened.store
    assert store.schema_version == SCHEMA_VERSION
    ticket = full_ticket()
    store.replace_tickets([ticket])
    store.set_meta(last_refresh=T0.isoformat())
    key = move().client_key
    store.enqueue(move(client_key=key), ticket)
    store.close()

    reopened = Store.open(path)
    assert reopened.moved_aside is None
    assert reopened.notes == []
    assert reopened.store.load_tickets() == [ticket]
    assert [q.action.client_key for q in reopened.store.queued()] == [key]
    assert [p.name for p in path.parent.glob("*.corrupt-*")] == [aside.name]


def test_a_corrupt_files_wal_is_moved_aside_not_deleted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(random.Random(7).randbytes(16_384))
    path.with_name(path.name + "-wal").write_bytes(b"last transactions")
    opened = Store.open(path)
    assert opened.moved_aside is not None
    wal_aside = opened.moved_aside.with_name(opened.moved_aside.name + "-wal")
    assert wal_aside.exists()
    assert wal_aside.read_bytes() == b"last transactions"


def test_a_truncated_database_is_moved_aside(path: Path) -> None:
    store = Store.open(path).store
    store.replace_tickets(full_ticket(id=f"iss-{n}", number=n) for n in range(400))
    store.close()
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[: len(data) // 2])
    opened = Store.open(path)
    assert opened.moved_aside is not None
    assert opened.notes
    assert opened.store.load_tickets() == []


def test_a_store_that_moved_a_file_aside_survives_a_crash(path: Path) -> None:
    """The connection that found the file unreadable must not take the new WAL with it."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    opened = Store.open(path)
    gc.collect()  # drop the refused connection now, as a long-running app would
    opened.store.enqueue(move(client_key="durable"), None)
    # A second process (the app after kill -9) sees the committed row without a close.
    other = Store(path)
    assert [q.action.client_key for q in other.queued()] == ["durable"]
    other.close()
    opened.store.close()


# ----- the cached board and names ----------------------------------------------------------


def test_every_ticket_field_round_trips(tmp_path: Path) -> None:
    rich = full_ticket()
    for f in dataclasses.fields(Ticket):
        default = f.default if f.default is not dataclasses.MISSING else None
        assert getattr(rich, f.name) not in (None, (), "", default), (
            f"full_ticket() leaves {f.name} at its default: set it so the round trip covers it"
        )
    bare = Ticket("iss-2", 2, "", "new", T0, T0)  # priority None, no links, nothing optional
    store = Store(tmp_path / "c.sqlite3")
    store.replace_tickets([rich, bare])
    store.close()

    loaded = {t.id: t for t in Store(tmp_path / "c.sqlite3").load_tickets()}
    assert loaded == {"iss-1": rich, "iss-2": bare}
    got = loaded["iss-1"]
    for name in (
        "created_at",
        "updated_at",
        "latest_message_time",
        "resolution_breach_time",
        "first_response_breach_time",
    ):
        value = getattr(got, name)
        assert value.tzinfo is not None
        assert value.utcoffset() == getattr(rich, name).utcoffset()
    assert got.links[1].url is None
    assert isinstance(got.links, tuple)
    assert got.priority is Priority.HIGH
    assert loaded["iss-2"].priority is None


def test_upsert_updates_and_adds_and_replace_drops_the_rest(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    a, b = full_ticket(id="a", number=1), full_ticket(id="b", number=2)
    store.replace_tickets([a, b])
    store.upsert_tickets([a.with_state("closed"), full_ticket(id="c", number=3)])
    assert {t.id: t.state for t in store.load_tickets()} == {
        "a": "closed",
        "b": "waiting_on_you",
        "c": "waiting_on_you",
    }
    store.replace_tickets([b])
    assert [t.id for t in store.load_tickets()] == ["b"]


def test_one_unreadable_cached_ticket_does_not_cost_the_board(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    store = Store(path)
    store.replace_tickets([full_ticket()])
    store.close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO tickets VALUES ('bad-json', '{nope')")
    db.execute("INSERT INTO tickets VALUES ('no-times', ?)", (json.dumps({"id": "x"}),))
    db.commit()
    db.close()
    assert Store(path).load_tickets() == [full_ticket()]


def test_names_round_trip_and_are_replaced_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    users = [User("u1", "Maya Ø", "maya@example.com"), User("u2", "No Mail")]
    teams = [Team("t1", "Support")]
    accounts = [Account("a1", "Acme, Inc.")]
    statuses = [
        StateInfo("new", "New", Category.NEW),
        StateInfo("needs_eng", "Needs engineering", Category.ON_HOLD),
    ]
    store = Store(path)
    store.save_names(users, teams, accounts, statuses)
    store.close()
    store = Store(path)
    assert [codec.user_from_dict(d) for d in store.load_names("user")] == users
    assert [codec.team_from_dict(d) for d in store.load_names("team")] == teams
    assert [codec.account_from_dict(d) for d in store.load_names("account")] == accounts
    assert sorted(
        (codec.status_from_dict(d) for d in store.load_names("status")), key=lambda s: s.slug
    ) == sorted(statuses, key=lambda s: s.slug)
    store.save_names([users[0]], [], [], [])
    assert [d["id"] for d in store.load_names("user")] == ["u1"]
    assert store.load_names("team") == []
    assert store.load_names("status") == []


def test_meta_and_times_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    assert store.get_meta("last_refresh") is None
    assert store.get_time("last_refresh") is None
    when = datetime(2025, 1, 2, 3, 4, 5, tzinfo=IST)
    store.set_meta(last_refresh=when.isoformat(), other="x")
    store.set_meta(other="y")
    assert store.get_time("last_refresh") == when
    assert store.get_meta("other") == "y"


# ----- the outbox --------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_outbox_keeps_fifo_order_and_every_field(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "c.sqlite3"
    store = Store(path, clock=clock)
    ticket = full_ticket()
    actions: list[Intent] = [
        Move("iss-1", "closed", base_updated_at=ticket.updated_at),
        Reply("iss-2", "msg-1", "<p>Hi</p>"),
        SetPriority("iss-1", None),
        Link("iss-1", "uuid-9", source="linear", label="ENG-9", url="u"),
        Note("iss-3", "<p>internal</p>"),
        Assign("iss-1", ""),
    ]
    seqs = []
    for action in actions:
        seqs.append(store.enqueue(action, ticket if action.ticket_id == "iss-1" else None))
        clock.now += 1
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    store.close()

    queued = Store(path).queued()
    assert [q.action for q in queued] == actions
    assert [q.seq for q in queued] == seqs
    assert [q.created_at for q in queued] == [1000.0 + i for i in range(len(actions))]
    assert all(q.status == PENDING and q.attempts == 0 and not q.maybe_sent for q in queued)
    assert queued[0].before == ticket
    assert queued[1].before is None
    assert queued[0].action.base_updated_at == ticket.updated_at


def test_a_duplicate_client_key_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    action = move()
    store.enqueue(action, None)
    with pytest.raises(sqlite3.IntegrityError):
        store.enqueue(action, None)
    assert store.pending_count() == 1, "the failed insert rolled back cleanly"
    store.enqueue(move(), None)
    assert store.pending_count() == 2


def test_attempts_backoff_and_make_all_due(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    a, b, c = move("a"), move("b"), move("c")
    for action in (a, b, c):
        store.enqueue(action, None)
    store.note_attempt_started(a.client_key)
    store.mark_attempt(a.client_key, next_attempt_at=5_000.0, error="HTTP 503")
    store.mark_attempt(b.client_key, next_attempt_at=6_000.0, error="offline")
    store.set_status(c.client_key, CONFLICT, error="changed on the server")
    by_key = {q.action.client_key: q for q in store.queued()}
    qa, qb, qc = by_key[a.client_key], by_key[b.client_key], by_key[c.client_key]
    assert (qa.attempts, qa.next_attempt_at, qa.last_error) == (2, 5_000.0, "HTTP 503")
    assert qa.maybe_sent
    assert qb.attempts == 1
    assert (qc.status, qc.attempts, qc.last_error) == (CONFLICT, 0, "changed on the server")

    store.mark_attempt(c.client_key, next_attempt_at=7_000.0, error="x")
    store.make_all_due()
    by_key = {q.action.client_key: q for q in store.queued()}
    assert by_key[a.client_key].next_attempt_at == 0
    assert by_key[b.client_key].next_attempt_at == 0
    assert by_key[c.client_key].next_attempt_at == 7_000.0, "a conflict waits for the user"
    assert by_key[a.client_key].attempts == 2, "make_all_due keeps the attempt history"


def test_rebase_puts_a_conflict_back_on_the_servers_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    mine = full_ticket(state="on_hold")
    action = Move(mine.id, "closed", base_updated_at=mine.updated_at)
    store.enqueue(action, mine)
    store.set_status(action.client_key, CONFLICT)
    server = mine.with_state("waiting_on_you")
    server = dataclasses.replace(server, updated_at=mine.updated_at + timedelta(hours=1))
    store.rebase(action.client_key, server)
    [q] = store.queued()
    assert q.status == PENDING
    assert q.next_attempt_at == 0
    assert q.action.base_updated_at == server.updated_at
    assert q.before == server
    assert isinstance(q.action, Move)
    assert q.action.state == "closed"
    assert q.action.client_key == action.client_key


def test_remove_and_pending_count(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    a, b = move("a"), move("b")
    store.enqueue(a, None)
    store.enqueue(b, None)
    assert store.pending_count() == 2
    store.remove(a.client_key)
    store.remove("no-such-key")
    assert [q.action for q in store.queued()] == [b]
    store.remove(b.client_key)
    assert store.pending_count() == 0
    assert store.queued() == []


def test_an_enqueued_action_is_on_disk_before_enqueue_returns(tmp_path: Path) -> None:
    """kill -9 right after enqueue: another process opening the file already sees the row."""
    path = tmp_path / "c.sqlite3"
    app = Store(path)
    action = move()
    app.enqueue(action, full_ticket())
    survivor = sqlite3.connect(path)  # no close() of `app`: it "died"
    rows = survivor.execute("SELECT client_key, before_json FROM outbox").fetchall()
    survivor.close()
    assert [r[0] for r in rows] == [action.client_key]
    assert rows[0][1] is not None


def test_an_in_memory_store_works(tmp_path: Path) -> None:
    store = Store(":memory:")
    assert store.path is None
    assert store.schema_version == SCHEMA_VERSION
    store.enqueue(move(), None)
    assert store.pending_count() == 1
