"""Linear's trash: a deleted issue is not gone at once, it is `trashed` (and archived).

`issue(id:)` still answers it with `trashed: true`. Whether `issues(..., includeArchived: true)`
lists it is not documented, so both are switchable per issue (`listed`), and the client must
cope with either. Lists without `includeArchived` never show it, like any archived issue.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Trashed:
    at: str
    listed: bool


def trashed(conn: sqlite3.Connection) -> dict[str, Trashed]:
    return {
        row["id"]: Trashed(row["trashed_at"], bool(row["listed"]))
        for row in conn.execute("SELECT * FROM linear_trash")
    }


def trash(conn: sqlite3.Connection, issue_id: str, stamp: str, *, listed: bool) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO linear_trash VALUES (?, ?, ?)", (issue_id, stamp, int(listed))
    )


def restore(conn: sqlite3.Connection, issue_id: str) -> None:
    conn.execute("DELETE FROM linear_trash WHERE id = ?", (issue_id,))


def listed(node: dict[str, object], args: dict[str, object]) -> bool:
    """Whether a list query (`issues`, `searchIssues`) shows this node."""
    if node.get("archivedAt") is None:
        return True
    return args.get("includeArchived") is True and node.get("_listed") is not False
