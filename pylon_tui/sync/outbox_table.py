"""The outbox table's statements, mixed into Store (which owns the connection).

Every method here that writes raises StoreUnavailable when the disk refuses it: the
callers decide what that costs (a refused new change, a paused send, a delayed removal).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from enum import Enum
from pathlib import Path
from typing import Literal

from pylon_tui.domain import Ticket

from . import codec
from .cachefile import is_disk_trouble, unavailable
from .intents import Intent
from .queued import COLUMNS, Queued, QueueUnreadable, decode_row


class Keep(Enum):
    """A typed "leave this column as it is" for optional updates."""

    KEEP = "keep"


class OutboxRows:
    _db: sqlite3.Connection
    _lock: threading.RLock
    _clock: Callable[[], float]

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _path(self) -> Path | None:
        raise NotImplementedError

    def enqueue(self, action: Intent, before: Ticket | None) -> int:
        """Durable before anything else happens: committed (and fsynced by WAL) on return."""
        base = action.base_updated_at.isoformat() if action.base_updated_at else None
        before_json = json.dumps(codec.ticket_to_dict(before)) if before else None
        kind, value, extra = codec.intent_to_row(action)
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, base_updated_at,"
                " created_at, before_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    action.client_key,
                    action.ticket_id,
                    kind,
                    value,
                    extra,
                    base,
                    self._clock(),
                    before_json,
                ),
            )
            return int(cursor.lastrowid or 0)

    def queued(self) -> list[Queued]:
        """Every queued change, in order; QueueUnreadable if any row cannot be read exactly."""
        with self._lock:
            try:
                rows = self._db.execute(f"SELECT {COLUMNS} FROM outbox ORDER BY seq").fetchall()  # noqa: S608
            except sqlite3.Error as error:
                if is_disk_trouble(error):
                    raise unavailable(error, self._path()) from error
                raise QueueUnreadable(str(error)) from error
            except UnicodeDecodeError as error:  # in SQLite's own message: a damaged schema
                raise QueueUnreadable("damaged text in the outbox's structure") from error
        return [decode_row(row) for row in rows]

    def restore(self, rows: list[Queued]) -> None:
        """Put queued changes back exactly as they were (attempts, landing windows and all),
        into a fresh file after the old one was moved aside."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO outbox(client_key, ticket_id, kind, value, extra, base_updated_at,"
                " created_at, status, attempts, next_attempt_at, last_error, before_json,"
                " may_land_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        q.action.client_key,
                        q.action.ticket_id,
                        *codec.intent_to_row(q.action),
                        q.action.base_updated_at.isoformat() if q.action.base_updated_at else None,
                        q.created_at,
                        q.status,
                        q.attempts,
                        q.next_attempt_at,
                        q.last_error,
                        json.dumps(codec.ticket_to_dict(q.before)) if q.before else None,
                        q.may_land_until,
                    )
                    for q in rows
                ],
            )

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

    def remove_and_save(self, key: str, tickets: list[Ticket]) -> None:
        """A delivered intent leaves the queue and its ticket's cached row is updated, in one
        transaction: one fsync, not two, after each send."""
        rows = [(t.id, json.dumps(codec.ticket_to_dict(t))) for t in tickets]
        with self._tx() as db:
            db.execute("DELETE FROM outbox WHERE client_key = ?", (key,))
            db.executemany(
                "INSERT INTO tickets(id, json) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET json = excluded.json",
                rows,
            )

    def waiting_count(self, leave_out: Collection[str] = ()) -> int:
        """Queued changes, but those in `leave_out` (first sends in flight, changes done but
        not yet removed): what the status bar calls "pending". Changes waiting behind an
        earlier one on the same ticket count, as do conflicts and retries."""
        keys = list(leave_out)
        marks = ",".join("?" * len(keys))
        with self._lock:
            try:
                row = self._db.execute(
                    f"SELECT COUNT(*) FROM outbox WHERE client_key NOT IN ({marks})",  # noqa: S608
                    keys,
                ).fetchone()
            except sqlite3.Error as error:
                raise unavailable(error, self._path()) from error
        return int(row[0])

    def pending_count(self) -> int:
        return self.waiting_count()
