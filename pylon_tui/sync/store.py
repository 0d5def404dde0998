"""The local SQLite store: the last board, the names it shows, sync cursors, and the outbox.

It lets the board paint before any request (fast starts, offline use) and makes every user
action durable before it is sent, so a dropped SSH session or a `kill -9` loses nothing.
A corrupt file is moved aside (never deleted) and a fresh one started.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pylon_tui.domain import Account, StateInfo, Team, Ticket, User
from pylon_tui.domain.timefmt import parse_time

from . import codec
from .actions import Action, ActionKind

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one window per cache is up to the user
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 3

_V1 = """
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
# v2: the ticket as the user saw it, so a conflict can show "yours" against "theirs".
_V2 = "ALTER TABLE outbox ADD COLUMN before_json TEXT;"
# v3: until when a sent-but-unanswered attempt may still land on the server (a wall-clock
# time), so neither a retry nor a restart after kill -9 resends while the first can arrive.
_V3 = "ALTER TABLE outbox ADD COLUMN may_land_until REAL;"
MIGRATIONS: list[str] = [_V1, _V2, _V3]

PENDING, CONFLICT = "pending", "conflict"


class Keep(Enum):
    """A typed "leave this column as it is" for optional updates."""

    KEEP = "keep"


@dataclass(frozen=True, slots=True)
class Queued:
    """One outbox row: the action plus what the sender needs to retry it honestly."""

    seq: int
    action: Action
    status: str
    attempts: int
    next_attempt_at: float
    created_at: float
    before: Ticket | None = None
    last_error: str | None = None
    may_land_until: float | None = None
    """While the clock is before this, an unanswered attempt may still reach the server."""

    @property
    def maybe_sent(self) -> bool:
        """An attempt was made: the server may have applied it even if we never heard back."""
        return self.attempts > 0

    def may_still_land(self, now: float) -> bool:
        return self.may_land_until is not None and now < self.may_land_until


@dataclass
class OpenResult:
    store: Store
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)


class StoreCorrupt(Exception):
    """Carries the refused connection: it must close only after its files were moved aside,
    because closing makes SQLite delete a -wal it could not use (the last committed rows)."""

    def __init__(self, message: str, db: sqlite3.Connection | None = None) -> None:
        super().__init__(message)
        self.db = db


class Store:
    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self._clock = clock
        self._lock = threading.RLock()
        self._lead_fd: int | None = None
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            check = self._db.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise StoreCorrupt(str(check[0] if check else "no answer"))
            self._migrate()
        except (sqlite3.DatabaseError, StoreCorrupt) as error:
            raise StoreCorrupt(str(error), self._db) from error

    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], float] = time.time) -> OpenResult:
        """Open, moving a corrupt file aside with a message instead of crashing."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            return OpenResult(cls(path, clock=clock))
        except StoreCorrupt as error:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = path.with_name(f"{path.name}.corrupt-{stamp}")
            os.replace(path, aside)
            for suffix in ("-wal", "-shm"):
                sidecar = path.with_name(path.name + suffix)
                if sidecar.exists():
                    os.replace(sidecar, aside.with_name(aside.name + suffix))
            if error.db is not None:
                error.db.close()
            note = (
                f"The local cache was unreadable ({error}); it was moved to {aside} and a "
                "fresh one started. Pending changes in it were not replayed."
            )
            return OpenResult(cls(path, clock=clock), aside, [note])

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._lead_fd is not None:
                os.close(self._lead_fd)
                self._lead_fd = None

    def try_lead(self) -> bool:
        """One process per cache sends the outbox (two SSH sessions must not both post the
        same queued reply). The kernel drops the lock when the process dies, even kill -9."""
        if self.path is None or fcntl is None:
            return True
        if self._lead_fd is None:
            fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._lead_fd = fd
        return True

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreCorrupt(f"written by a newer pylon-tui (schema {version})")
        for index in range(version, SCHEMA_VERSION):
            with self._tx() as db:
                _run_script(db, MIGRATIONS[index])
                db.execute(f"PRAGMA user_version = {index + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # ----- meta ------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, **values: str) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    def get_time(self, key: str) -> datetime | None:
        return parse_time(self.get_meta(key))

    # ----- board -----------------------------------------------------------------------
    def load_tickets(self) -> list[Ticket]:
        with self._lock:
            rows = [raw for (raw,) in self._db.execute("SELECT json FROM tickets")]
        try:
            decoded = json.loads("[" + ",".join(rows) + "]")  # one parse, not 10,000
        except ValueError:
            decoded = []
            for raw in rows:
                with contextlib.suppress(ValueError):
                    decoded.append(json.loads(raw))
        tickets = []
        for data in decoded:
            try:
                tickets.append(codec.ticket_from_dict(data))
            except (ValueError, KeyError, TypeError):
                continue  # one bad row must not cost the whole cached board
        return tickets

    def replace_tickets(self, tickets: Iterable[Ticket]) -> None:
        rows = [(t.id, json.dumps(codec.ticket_to_dict(t))) for t in tickets]
        with self._tx() as db:
            db.execute("DELETE FROM tickets")
            db.executemany("INSERT INTO tickets(id, json) VALUES (?, ?)", rows)

    def upsert_tickets(self, tickets: Iterable[Ticket]) -> None:
        rows = [(t.id, json.dumps(codec.ticket_to_dict(t))) for t in tickets]
        with self._tx() as db:
            db.executemany(
                "INSERT INTO tickets(id, json) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                rows,
            )

    # ----- names -----------------------------------------------------------------------
    def save_names(
        self,
        users: Iterable[User],
        teams: Iterable[Team],
        accounts: Iterable[Account],
        statuses: Iterable[StateInfo],
    ) -> None:
        rows = [("user", u.id, json.dumps(codec.user_to_dict(u))) for u in users]
        rows += [("team", t.id, json.dumps(codec.team_to_dict(t))) for t in teams]
        rows += [("account", a.id, json.dumps(codec.account_to_dict(a))) for a in accounts]
        rows += [("status", s.slug, json.dumps(codec.status_to_dict(s))) for s in statuses]
        with self._tx() as db:
            db.execute("DELETE FROM names")
            db.executemany("INSERT INTO names(kind, id, json) VALUES (?, ?, ?)", rows)

    def load_names(self, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT json FROM names WHERE kind = ?", (kind,)).fetchall()
        return [json.loads(raw) for (raw,) in rows]

    # ----- outbox ----------------------------------------------------------------------
    def enqueue(self, action: Action, before: Ticket | None) -> int:
        """Durable before anything else happens: committed (and fsynced by WAL) on return."""
        base = action.base_updated_at.isoformat() if action.base_updated_at else None
        before_json = json.dumps(codec.ticket_to_dict(before)) if before else None
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, base_updated_at,"
                " created_at, before_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action.client_key,
                    action.ticket_id,
                    action.kind.value,
                    action.value,
                    json.dumps(action.extra),
                    base,
                    self._clock(),
                    before_json,
                ),
            )
            return int(cursor.lastrowid or 0)

    def queued(self) -> list[Queued]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, client_key, ticket_id, kind, value, extra, base_updated_at, status,"
                " attempts, next_attempt_at, created_at, before_json, last_error, may_land_until"
                " FROM outbox ORDER BY seq"
            ).fetchall()
        out = []
        for row in rows:
            (
                seq,
                key,
                ticket_id,
                kind,
                value,
                extra,
                base,
                status,
                attempts,
                next_at,
                created,
                before_json,
                last_error,
                may_land_until,
            ) = row
            action = Action(
                ActionKind(kind), ticket_id, value, json.loads(extra), parse_time(base), key
            )
            before = codec.ticket_from_dict(json.loads(before_json)) if before_json else None
            out.append(
                Queued(
                    seq,
                    action,
                    status,
                    attempts,
                    next_at,
                    created,
                    before,
                    last_error,
                    may_land_until,
                )
            )
        return out

    def mark_attempt(
        self,
        key: str,
        *,
        next_attempt_at: float,
        error: str,
        may_land_until: float | Literal[Keep.KEEP] | None = Keep.KEEP,
    ) -> None:
        """A failed attempt. `may_land_until`: None once the server's answer proves the
        request is finished (it cannot land later); a time to extend the uncertain window."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
                " WHERE client_key = ?",
                (next_attempt_at, error, key),
            )
            if may_land_until is not Keep.KEEP:
                db.execute(
                    "UPDATE outbox SET may_land_until = ? WHERE client_key = ?",
                    (may_land_until, key),
                )

    def note_attempt_started(self, key: str, *, may_land_until: float | None = None) -> None:
        """Recorded before the request leaves: after a crash we know it may have arrived,
        and until when it may still arrive (the request's timeout plus a safety margin)."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, may_land_until = ?"
                " WHERE client_key = ?",
                (may_land_until, key),
            )

    def recheck_at(self, key: str, *, next_attempt_at: float, reason: str) -> None:
        """Look again later without counting a send: the outcome of the last one is open."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE client_key = ?",
                (next_attempt_at, reason, key),
            )

    def set_status(self, key: str, status: str, *, error: str | None = None) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET status = ?, last_error = COALESCE(?, last_error), "
                "next_attempt_at = 0 WHERE client_key = ?",
                (status, error, key),
            )

    def rebase(self, key: str, server: Ticket) -> None:
        """The user chose their version over the server's: base it on what the server has."""
        with self._tx() as db:
            db.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = 0, base_updated_at = ?,"
                " before_json = ? WHERE client_key = ?",
                (server.updated_at.isoformat(), json.dumps(codec.ticket_to_dict(server)), key),
            )

    def make_all_due(self) -> None:
        """At start-up nothing waits for an old backoff: the network may well be back."""
        with self._tx() as db:
            db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE status = 'pending'")

    def remove(self, key: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE client_key = ?", (key,))

    def waiting_count(self, sending: Collection[str] = ()) -> int:
        """Every queued change except those in `sending` (on their way for the first time):
        what the status bar calls "pending". Changes waiting behind an earlier one on the
        same ticket count, as do conflicts and retries; a send in flight is not worth a
        repaint."""
        keys = list(sending)
        marks = ",".join("?" * len(keys))
        with self._lock:
            row = self._db.execute(
                f"SELECT COUNT(*) FROM outbox WHERE client_key NOT IN ({marks})",  # noqa: S608
                keys,
            ).fetchone()
        return int(row[0])

    def pending_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """executescript would COMMIT our transaction; run the statements one by one instead."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)
