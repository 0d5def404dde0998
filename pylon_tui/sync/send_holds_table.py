"""The send_holds table (issue 15): a queued reply or note that must not go out yet.

Kept beside the outbox rather than in it, so the outbox's own statements stay as they are:
a row here says "this outbox entry waits until `send_after`" (the undo-send grace period)
and, for a reply, since when the user was writing (`seen_at`: the collision guard's "the
customer wrote after the draft was started"). `held` is set when the guard stopped it.

The two decisions that race, "take it back" (undo) and "send it now" (the drain), are each
one write transaction, so across windows and processes exactly one of them wins: undo
deletes the outbox entry only while its hold row is still there, and the sender deletes the
hold row (claims the entry) only once the grace period is over and nothing holds it.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass

from .cachefile import unavailable

SEND_HOLDS_SCHEMA = """
CREATE TABLE send_holds (client_key TEXT PRIMARY KEY, ticket_id TEXT NOT NULL,
                         send_after REAL NOT NULL, seen_at REAL, held TEXT);
ALTER TABLE drafts ADD COLUMN started_at REAL;
"""


@dataclass(frozen=True, slots=True)
class SendHold:
    client_key: str
    ticket_id: str
    send_after: float
    seen_at: float | None
    held: str | None
    """Why the collision guard stopped it (None while it only waits out the grace period)."""


class Claim:
    """What the sender may do with an entry right now."""

    FREE = "free"  # no hold row: send as any outbox entry
    SEND = "send"  # the grace period is over and the hold row was removed: send now
    WAIT = "wait"  # still inside its grace period, or held for the user


class SendHoldRows:
    _db: sqlite3.Connection
    _lock: threading.RLock

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def add_send_hold(
        self, key: str, ticket_id: str, *, send_after: float, seen_at: float | None
    ) -> None:
        """Written before the outbox entry: a crash between the two leaves a stray hold
        row (harmless), never an entry that skips its grace period."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO send_holds(client_key, ticket_id, send_after, seen_at,"
                " held) VALUES (?, ?, ?, ?, NULL)",
                (key, ticket_id, send_after, seen_at),
            )

    def send_holds(self) -> list[SendHold]:
        """Every hold whose outbox entry still exists, soonest first."""
        with self._lock:
            try:
                rows = self._db.execute(
                    "SELECT h.client_key, h.ticket_id, h.send_after, h.seen_at, h.held"
                    " FROM send_holds h JOIN outbox o ON o.client_key = h.client_key"
                    " ORDER BY h.send_after, o.seq"
                ).fetchall()
            except sqlite3.Error as error:
                raise unavailable(error, None) from error
        return [
            SendHold(str(r[0]), str(r[1]), float(r[2]), _number(r[3]), r[4] and str(r[4]))
            for r in rows
        ]

    def claim_send(self, key: str, now: float) -> str:
        """One transaction: FREE, WAIT, or SEND (the hold row is gone from then on, so a
        late undo answers "already sending")."""
        with self._tx() as db:
            row = db.execute(
                "SELECT send_after, held FROM send_holds WHERE client_key = ?", (key,)
            ).fetchone()
            if row is None:
                return Claim.FREE
            if row[1] is not None or float(row[0]) > now:
                return Claim.WAIT
            db.execute("DELETE FROM send_holds WHERE client_key = ?", (key,))
            return Claim.SEND

    def hold_send(self, key: str, reason: str) -> None:
        """The collision guard stopped it: it waits for the user, whatever the clock says."""
        with self._tx() as db:
            db.execute("UPDATE send_holds SET held = ? WHERE client_key = ?", (reason, key))

    def release_send(self, key: str, *, seen_at: float) -> None:
        """The user read the new messages and chose to send: due now, seen up to now."""
        with self._tx() as db:
            db.execute(
                "UPDATE send_holds SET held = NULL, send_after = 0, seen_at = ?"
                " WHERE client_key = ?",
                (seen_at, key),
            )

    def take_back_send(self, key: str) -> bool:
        """Undo: remove the outbox entry and its hold in one transaction, only while the
        hold row exists and no attempt was made. True when it was taken back."""
        with self._tx() as db:
            held = db.execute("SELECT 1 FROM send_holds WHERE client_key = ?", (key,)).fetchone()
            if held is None:
                return False
            cursor = db.execute("DELETE FROM outbox WHERE client_key = ? AND attempts = 0", (key,))
            if (
                cursor.rowcount == 0
                and db.execute("SELECT 1 FROM outbox WHERE client_key = ?", (key,)).fetchone()
            ):
                return False  # an attempt was made: it is the sender's now
            db.execute("DELETE FROM send_holds WHERE client_key = ?", (key,))
            return cursor.rowcount > 0

    def drop_stray_holds(self) -> None:
        """Hold rows whose outbox entry is gone (sent, or a crash before it was queued)."""
        with self._tx() as db:
            db.execute(
                "DELETE FROM send_holds WHERE client_key NOT IN (SELECT client_key FROM outbox)"
            )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


__all__ = ["SEND_HOLDS_SCHEMA", "Claim", "SendHold", "SendHoldRows"]
