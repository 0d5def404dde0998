"""Sandbox Linear data issue 15 reads: an issue's assignee, its release, and which issue a
duplicate duplicates (Linear's "duplicate" relation), kept in `linear_extras` so the
original seed tables (and every test built on them) stay as they were."""

from __future__ import annotations

import sqlite3
from typing import Protocol

from ..util import new_uuid

ENDINGS = {"done": "completed", "canceled": "canceled", "wontfix": "canceled"}
WONT_FIX = "Won't Fix"

# Linear issue identifier -> (assignee, release): the seed's demo story.
SEEDED: dict[str, tuple[str | None, str | None]] = {
    "ENG-1": ("Priya Raman", None),
    "ENG-2": ("Marco Silva", None),
    "ENG-12": ("Dana Whitfield", "2024.6.2"),
    "ENG-13": ("Priya Raman", "2024.6.1"),
    "ENG-16": ("Marco Silva", None),
    "PLAT-2": ("Jonas Berg", "2024.6.2"),
    "PLAT-5": ("Jonas Berg", None),
    "MOBILE-10": ("Aiko Tanaka", None),
}
# ENG-6 ("Export to CSV fails…", state Duplicate) duplicates ENG-2.
SEEDED_DUPLICATES = {"ENG-6": "ENG-2"}


class _Finder(Protocol):
    def find_row(self, ident: str) -> sqlite3.Row | None: ...

    def set_state(self, issue_id: str, state_id: str, state_type: str) -> None: ...


def seed_extras(conn: sqlite3.Connection) -> None:
    ids = {r[0]: r[1] for r in conn.execute("SELECT identifier, id FROM linear_issues")}
    rows = [
        (ids[ident], assignee, release, None)
        for ident, (assignee, release) in SEEDED.items()
        if ident in ids
    ]
    rows += [
        (ids[ident], None, None, ids[canonical])
        for ident, canonical in SEEDED_DUPLICATES.items()
        if ident in ids and canonical in ids
    ]
    conn.executemany("INSERT OR REPLACE INTO linear_extras VALUES (?,?,?,?)", rows)


def set_extras(
    conn: sqlite3.Connection,
    issue_id: str,
    *,
    release: str | None = None,
    duplicate_of: str | None = None,
) -> None:
    conn.execute("INSERT OR IGNORE INTO linear_extras(id) VALUES (?)", (issue_id,))
    if release is not None:
        conn.execute("UPDATE linear_extras SET release = ? WHERE id = ?", (release, issue_id))
    conn.execute("UPDATE linear_extras SET duplicate_of = ? WHERE id = ?", (duplicate_of, issue_id))


def _state(conn: sqlite3.Connection, team_id: str, state_type: str, name: str | None) -> str:
    if name is not None:
        row = conn.execute(
            "SELECT id FROM linear_states WHERE team_id = ? AND name = ?", (team_id, name)
        ).fetchone()
        if row is None:
            state_id = new_uuid()
            conn.execute(
                "INSERT INTO linear_states VALUES (?,?,?,?,?,?)",
                (state_id, team_id, name, state_type, "#95a2b3", 99.0),
            )
            return state_id
        return str(row[0])
    row = conn.execute(
        "SELECT id FROM linear_states WHERE team_id = ? AND type = ? ORDER BY position",
        (team_id, state_type),
    ).fetchone()
    if row is None:
        raise ValueError(f"team has no {state_type!r} state")
    return str(row[0])


def end_issue(
    conn: sqlite3.Connection,
    linear: _Finder,
    ident: str,
    how: str,
    duplicate_of: str | None,
    release: str | None,
) -> str:
    """Close `ident` as `how` (done, canceled, wontfix, duplicate); returns its id."""
    row = linear.find_row(ident)
    if row is None:
        raise KeyError(f"Linear issue {ident!r} not found")
    target = None
    if duplicate_of is not None:
        target = linear.find_row(duplicate_of)
        if target is None:
            raise KeyError(f"Linear issue {duplicate_of!r} not found")
    if how == "duplicate":
        state_type, name = "duplicate", None
    elif how in ENDINGS:
        state_type, name = ENDINGS[how], WONT_FIX if how == "wontfix" else None
    else:
        raise ValueError(f"unknown ending {how!r} (done, canceled, wontfix, duplicate)")
    set_extras(
        conn,
        row["id"],
        release=release,
        duplicate_of=target["id"] if target is not None else None,
    )
    linear.set_state(row["id"], _state(conn, row["team_id"], state_type, name), state_type)
    return str(row["id"])


__all__ = ["SEEDED", "end_issue", "seed_extras", "set_extras"]
