"""The drafts table (unsent reply and note text, one per ticket and kind), mixed into Store.

A draft is the user's own words, so it lives in the cache file beside the outbox and
outlasts a closed dialog, a restart or a dropped SSH session. Writes raise StoreUnavailable
like every other write; `sync.drafts.Drafts` decides what a refusal costs (nothing: the
text stays in memory).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager


class DraftRows:
    _db: sqlite3.Connection
    _lock: threading.RLock
    _clock: Callable[[], float]

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def write_draft(self, ticket_id: str, kind: str, text: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts(ticket_id, kind, text, saved_at, started_at)"
                " VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(ticket_id, kind) DO UPDATE SET text = excluded.text, "
                "saved_at = excluded.saved_at",
                (ticket_id, kind, text, self._clock(), self._clock()),
            )

    def read_draft(self, ticket_id: str, kind: str) -> str | None:
        """The saved text, or None; a row the disk garbled (not UTF-8) reads as none rather
        than failing the dialog that asked."""
        with self._lock:
            row = self._db.execute(
                "SELECT CAST(text AS BLOB) FROM drafts WHERE ticket_id = ? AND kind = ?",
                (ticket_id, kind),
            ).fetchone()
        if row is None or row[0] is None:
            return None
        raw = row[0]
        try:
            return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        except UnicodeDecodeError:
            return None

    def draft_started_at(self, ticket_id: str, kind: str) -> float | None:
        """When the draft was first saved (the collision guard's "since"), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT started_at FROM drafts WHERE ticket_id = ? AND kind = ?",
                (ticket_id, kind),
            ).fetchone()
        value = row[0] if row else None
        return float(value) if isinstance(value, int | float) else None

    def delete_draft(self, ticket_id: str, kind: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM drafts WHERE ticket_id = ? AND kind = ?", (ticket_id, kind))
