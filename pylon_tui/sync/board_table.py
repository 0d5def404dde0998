"""The cached board's tables (meta, tickets, names), mixed into Store.

Reads skip what a damaged file garbled (bad UTF-8, rows that are not JSON objects) and count
it in `skipped_rows`: these rows only speed up the first paint, and Pylon has them all.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from pylon_tui.domain import Account, StateInfo, Team, Ticket, User
from pylon_tui.domain.timefmt import parse_time

from . import codec

LOAD_CHUNK = 2000
"""Cached tickets decoded per parse: big enough to amortise the call, small enough that a
chunk's JSON text and dicts are a few MB."""


LOOKUP_CHUNK = 500
"""Ids per `IN (...)` lookup: under SQLite's oldest limit of 999 bound parameters."""


class BoardRows:
    _db: sqlite3.Connection
    _lock: threading.RLock
    skipped_rows: int

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _texts(self, sql: str, *params: str) -> list[str]:
        """One text column, as BLOBs decoded here: a damaged (non-UTF-8) row is skipped and
        counted instead of failing the whole query."""
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        out = []
        for (raw,) in rows:
            try:
                out.append(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
            except UnicodeDecodeError:
                self.skipped_rows += 1
        return out

    # ----- meta ------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        values = self._texts("SELECT CAST(value AS BLOB) FROM meta WHERE key = ?", key)
        return values[0] if values else None

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
        """The cached board; a damaged row is skipped (and counted), never fatal.

        Read in chunks: one UTF-8 decode and one parse per chunk, not per row (this is the
        first paint), while only a chunk's raw JSON and dicts are alive at a time: at 100,000
        tickets, the whole board's text and dicts at once cost over 100 MB of peak RSS."""
        tickets: list[Ticket] = []
        collecting = gc.isenabled()
        gc.disable()  # every new ticket would count towards a collection scanning them all
        try:
            with self._lock:
                cursor = self._db.execute("SELECT CAST(json AS BLOB) FROM tickets")
                while chunk := [raw for (raw,) in cursor.fetchmany(LOAD_CHUNK)]:
                    self._decode_chunk(chunk, tickets)
        finally:
            if collecting:
                gc.enable()
        return tickets

    def load_tickets_by_id(self, ids: list[str]) -> list[Ticket]:
        """A few cached tickets (the board's head), damaged ones skipped like any other."""
        tickets: list[Ticket] = []
        for start in range(0, len(ids), LOOKUP_CHUNK):
            part = ids[start : start + LOOKUP_CHUNK]
            marks = ",".join("?" * len(part))
            with self._lock:
                rows = self._db.execute(
                    f"SELECT CAST(json AS BLOB) FROM tickets WHERE id IN ({marks})",  # noqa: S608 - only ?s
                    part,
                ).fetchall()
            self._decode_chunk([raw for (raw,) in rows], tickets)
        return tickets

    def _decode_chunk(self, rows: list[bytes], into: list[Ticket]) -> None:
        try:
            decoded = json.loads(b"[" + b",".join(rows) + b"]")
        except (ValueError, TypeError, RecursionError):  # bad UTF-8 or JSON, or a NULL
            decoded = [d for d in map(_json_or_none, rows) if d is not None]
            self.skipped_rows += len(rows) - len(decoded)
        for data in decoded:
            try:
                into.append(codec.ticket_from_dict(data))
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
                self.skipped_rows += 1  # one bad row must not cost the whole cached board

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
        """Cached names of one kind; a row that is not a JSON object is skipped and counted
        (names come back with the next load)."""
        rows = self._texts("SELECT CAST(json AS BLOB) FROM names WHERE kind = ?", kind)
        found = [d for d in map(_json_or_none, rows) if isinstance(d, dict)]
        self.skipped_rows += len(rows) - len(found)
        return found


def _json_or_none(raw: bytes | str | None) -> Any:
    try:
        return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw or "")
    except (ValueError, RecursionError):
        return None
