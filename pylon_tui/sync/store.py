"""The local SQLite store: the last board, the names it shows, sync cursors, and the outbox.

It lets the board paint before any request (fast starts, offline use) and makes every user
action durable before it is sent, so a dropped SSH session or a `kill -9` loses nothing.
A corrupt file is moved aside (never deleted) and a fresh one started; a file the disk will
not write (full, read-only) is kept, read-only, and new changes are refused visibly.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .board_table import BoardRows
from .cachefile import (
    StoreCorrupt,
    StoreUnavailable,
    is_corruption,
    is_disk_trouble,
    is_unavailable,
    move_aside,
    moved_note,
    unavailable,
)
from .drafts_table import DraftRows
from .outbox_table import Keep, OutboxRows
from .queued import CONFLICT, PENDING, Queued, QueueUnreadable
from .send_holds_table import SEND_HOLDS_SCHEMA, SendHoldRows

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one window per cache is up to the user
    fcntl = None  # type: ignore[assignment]

SCHEMA_VERSION = 5
DAMAGED = "the cache file was damaged: it was moved aside and a fresh one started"

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
# v4: unsent reply and note text, one per ticket and kind, so a closed dialog loses no words.
_V4 = """
CREATE TABLE drafts (ticket_id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
                     saved_at REAL NOT NULL, PRIMARY KEY (ticket_id, kind));
"""
# v5 (issue 15): replies and notes that wait before they go (undo send, collision guard), in
# their own table beside the outbox, and when each draft was started.
_V5 = SEND_HOLDS_SCHEMA
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5]


@dataclass
class OpenResult:
    store: Store
    moved_aside: Path | None = None
    notes: list[str] = field(default_factory=list)
    """The same list as `store.notes`: a cache moved aside later (at first paint) adds to it."""


class Store(BoardRows, OutboxRows, DraftRows, SendHoldRows):
    """One cache file. Writes that the disk refuses raise StoreUnavailable (and are noted in
    `refusal`); reads of damaged rows skip them (`skipped_rows`) except in the
    outbox, where any unreadable row makes the whole file unreadable."""

    def __init__(
        self,
        path: Path | str,
        *,
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        self._clock = clock
        self._lock = threading.RLock()
        self._lead_fd: int | None = None
        self.notes: list[str] = []
        """For the user: the cache was moved aside, is read-only, or lost some rows."""
        self.read_only = read_only
        self.refusal: StoreUnavailable | None = None
        """Why the last write failed, and the fix; None once writes work again."""
        self.skipped_rows = 0
        self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        """Open and check the file: StoreCorrupt when it cannot be read (to be moved aside),
        StoreUnavailable when it cannot be written (to be kept and opened read-only)."""
        if self.path is not None and self.path.is_dir():
            raise StoreCorrupt("a folder is where the cache file should be")
        targets = [(str(self.path or ":memory:"), False)]
        if self.read_only and self.path is not None:
            plain = f"file:{quote(str(self.path))}?mode=ro"
            # A clean WAL file in a read-only folder has no -shm to share: read it as is.
            targets = [(plain, True), (plain + "&immutable=1", True)]
        for index, (target, uri) in enumerate(targets):
            try:
                try:
                    db = sqlite3.connect(
                        target, uri=uri, check_same_thread=False, isolation_level=None
                    )
                except sqlite3.Error as error:
                    raise unavailable(error, self.path) from error
                return self._check(db)
            except StoreUnavailable:
                if index == len(targets) - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(self, db: sqlite3.Connection) -> sqlite3.Connection:
        self._db = db
        try:
            if not self.read_only:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
            check = db.execute("PRAGMA integrity_check(1)").fetchone()
            if not check or check[0] != "ok":
                raise StoreCorrupt(str(check[0] if check else "no answer"))
            if _sequence_damaged(db):  # integrity_check passes it; the next INSERT would not
                raise StoreCorrupt("damaged outbox sequence")
            if not self.read_only:
                self._probe_write(db)
            self._migrate()
            self.queued()  # every queued intent must read back exactly, or the file goes aside
        except StoreCorrupt as error:
            error.db = db
            raise
        except QueueUnreadable as error:
            raise StoreCorrupt(
                f"a queued change is unreadable: {error}", db, queue_lost=True
            ) from error
        except StoreUnavailable:
            db.close()
            raise
        except sqlite3.Error as error:
            if is_disk_trouble(error):
                db.close()
                raise unavailable(error, self.path) from error
            raise StoreCorrupt(str(error), db) from error
        except UnicodeDecodeError as error:  # SQLite's own message quotes damaged bytes
            raise StoreCorrupt("damaged text in the file's structure", db) from error
        return db

    def _probe_write(self, db: sqlite3.Connection) -> None:
        """Found now rather than at the user's first change: a file SQLite will only read.
        If the disk would take writes, its header is what says no (damage): StoreCorrupt."""
        try:
            db.execute("BEGIN IMMEDIATE")
            try:  # a header write, undone: the first statement that really needs to write
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                db.execute(f"PRAGMA user_version = {version}")
            finally:
                db.execute("ROLLBACK")
        except sqlite3.Error as error:
            name = str(getattr(error, "sqlite_errorname", ""))
            path = self.path
            if (
                name.startswith("SQLITE_READONLY")
                and path is not None
                and os.access(path, os.W_OK)
                and os.access(path.parent, os.W_OK)
            ):
                raise StoreCorrupt("the file asks to be read only") from error
            raise

    @classmethod
    def open(cls, path: Path, *, clock: Callable[[], float] = time.time) -> OpenResult:
        """Open the cache without ever failing on its contents: an unreadable file is moved
        aside (never deleted) and a fresh one started; an unwritable one is opened read-only
        (the board shows, new changes are refused). StoreUnavailable (an OSError) only when
        neither can work, e.g. no cache yet and a read-only folder."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            store = cls(path, clock=clock)
        except StoreCorrupt as error:
            try:
                aside = move_aside(path)
            except OSError as trouble:
                raise unavailable(trouble, path) from error
            finally:
                if error.db is not None:
                    error.db.close()  # only now: closing first would delete an unused -wal
            store = cls(path, clock=clock)
            store.notes.append(moved_note(error, aside, queue_lost=error.queue_lost))
            return OpenResult(store, aside, store.notes)
        except StoreUnavailable as error:
            if not path.is_file():
                raise
            store = cls._read_only(path, error, clock)
        return OpenResult(store, None, store.notes)

    @classmethod
    def _read_only(cls, path: Path, error: StoreUnavailable, clock: Callable[[], float]) -> Store:
        try:
            store = cls(path, clock=clock, read_only=True)
        except StoreCorrupt as corrupt:  # unwritable and unreadable: nothing to show
            if corrupt.db is not None:
                corrupt.db.close()
            raise error from corrupt
        store.refusal = error
        store.notes.append(
            f"{error.reason}: the board is shown from it, read-only. New changes are refused "
            f"until it can be written; queued ones are kept. Fix: {error.fix}."
        )
        return store

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._lead_fd is not None:
                os.close(self._lead_fd)
                self._lead_fd = None

    def move_aside_and_reset(self, reason: object) -> Path | None:
        """The file opened but turned out unreadable later (at first paint): keep it aside and
        carry on with a fresh one, in place, so every holder of this Store keeps working.
        Its queue (strictly readable, or the file would not have opened) is carried over."""
        with self._lock:
            try:
                carried = self.queued()
            except (QueueUnreadable, StoreUnavailable):
                carried = None
            old = self._db
            aside = None
            try:
                if self.path is not None:
                    aside = move_aside(self.path)
            except OSError as trouble:
                self.refusal = unavailable(trouble, self.path)
                raise self.refusal from trouble
            finally:
                old.close()  # after the move: closing first would delete an unused -wal
            self.read_only, self.refusal, self.skipped_rows = False, None, 0
            self._db = self._connect()
            if carried:
                self.restore(carried)
            if aside is not None:
                note = moved_note(reason, aside, queue_lost=carried is None)
                kept = f" Its {len(carried)} queued change(s) were carried over." if carried else ""
                self.notes.append(note + kept)
            return aside

    def try_lead(self) -> bool:
        """One process per cache sends the outbox (two SSH sessions must not both post the
        same queued reply). The kernel drops the lock when the process dies, even kill -9.
        A read-only cache never leads: it could not record that a send started."""
        if self.read_only:
            return False
        if self.path is None or fcntl is None:
            return True
        if self._lead_fd is None:
            try:
                fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as error:
                self.refusal = unavailable(error, self.path)
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            self._lead_fd = fd
        return True

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. A disk that refuses it (full, read-only, failing) becomes
        StoreUnavailable with the reason and fix; the transaction never stays half open."""
        with self._lock:
            if self.read_only:
                raise self._opened_read_only()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except Exception as error:
                if not is_unavailable(error):
                    raise
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                if is_corruption(error) and self.path is not None:
                    self.move_aside_and_reset(error)
                    raise StoreUnavailable(DAMAGED, "try again", self.path, healed=True) from error
                trouble = unavailable(error, self.path)
                self.refusal = trouble
                raise trouble from error
            self.refusal = None

    def _path(self) -> Path | None:
        return self.path

    @property
    def read_only_reason(self) -> str | None:
        return str(self.refusal) if self.refusal is not None else None

    def _opened_read_only(self) -> StoreUnavailable:
        cause = self.refusal or StoreUnavailable(f"{self.path} was opened read-only", "")
        fix = f"{cause.fix}, then restart pylon-tui" if cause.fix else "restart pylon-tui"
        return StoreUnavailable(cause.reason, fix, self.path)

    def best_effort(self, write: Callable[[], object]) -> bool:
        """For writes whose loss costs only speed (the cached board, sync cursors, names):
        a refusing disk is noted in `refusal`, never raised."""
        try:
            write()
        except StoreUnavailable:
            return False
        return True

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreCorrupt(f"written by a newer pylon-tui (schema {version})")
        if version < 0:
            raise StoreCorrupt(f"no such schema version ({version})")
        if version < SCHEMA_VERSION and self.read_only:
            raise unavailable(sqlite3.OperationalError("readonly: needs an upgrade"), self.path)
        for index in range(version, SCHEMA_VERSION):
            with self._tx() as db:
                _run_script(db, MIGRATIONS[index])
                db.execute(f"PRAGMA user_version = {index + 1}")

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])


def _sequence_damaged(db: sqlite3.Connection) -> bool:
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        return False
    odd = "SELECT 1 FROM sqlite_sequence WHERE typeof(seq) != 'integer' OR typeof(name) != 'text'"
    return db.execute(odd).fetchone() is not None


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """executescript would COMMIT our transaction; run the statements one by one instead."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


__all__ = [
    "CONFLICT",
    "PENDING",
    "SCHEMA_VERSION",
    "Keep",
    "OpenResult",
    "Queued",
    "Store",
    "StoreCorrupt",
    "StoreUnavailable",
]
