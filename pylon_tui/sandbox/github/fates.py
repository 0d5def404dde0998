"""What can happen to a GitHub issue besides closing: transfer to another repository, deletion.

Both are switchable per issue (tests and `Sandbox.transfer_github_issue` /
`Sandbox.delete_github_issue`) and stored in the sandbox database, so a served sandbox and the
app see the same thing. A transfer re-keys the issue and remembers where the old key went
(`github_moves`); a deletion keeps the row with state `deleted`, which answers 410.
"""

from __future__ import annotations

import re
import sqlite3
import zlib

DELETED = "deleted"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+/[1-9][0-9]*$")


def repository_id(owner_repo: str) -> int:
    """A stable numeric id per repository, as GitHub gives every repository one."""
    return zlib.crc32(owner_repo.lower().encode()) & 0x7FFFFFFF


def repository_by_id(conn: sqlite3.Connection, repo_id: int) -> str | None:
    for (key,) in conn.execute("SELECT key FROM github_issues"):
        owner_repo = key.rsplit("/", 1)[0]
        if repository_id(owner_repo) == repo_id:
            return str(owner_repo)
    return None


def moved_to(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute(
        "SELECT moved_to FROM github_moves WHERE lower(key) = lower(?)", (key,)
    ).fetchone()
    return str(row[0]) if row else None


def find_key(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute(
        "SELECT key FROM github_issues WHERE lower(key) = lower(?)", (key,)
    ).fetchone()
    if row is None:
        raise KeyError(f"GitHub issue {key!r} not found")
    return str(row[0])


def transfer(conn: sqlite3.Connection, key: str, to: str, stamp: str) -> str:
    """Move issue `key` to `to` (`owner/repo/number`); the old key then answers 301."""
    old = find_key(conn, key)
    if not _KEY.match(to):
        raise ValueError(f"{to!r} is not owner/repo/number")
    if conn.execute("SELECT 1 FROM github_issues WHERE lower(key) = lower(?)", (to,)).fetchone():
        raise ValueError(f"GitHub issue {to!r} already exists")
    conn.execute("SAVEPOINT github_transfer")  # all of it or none of it
    try:
        conn.execute(
            "UPDATE github_issues SET key = ?, updated_at = ? WHERE key = ?", (to, stamp, old)
        )
        # Earlier homes of this issue now point straight at the new one, as GitHub's do.
        conn.execute("UPDATE github_moves SET moved_to = ? WHERE moved_to = ?", (to, old))
        conn.execute("DELETE FROM github_moves WHERE lower(key) = lower(?)", (to,))
        conn.execute("INSERT OR REPLACE INTO github_moves VALUES (?, ?)", (old, to))
    except BaseException:
        conn.execute("ROLLBACK TO github_transfer")
        raise
    finally:
        conn.execute("RELEASE github_transfer")
    return to


def delete(conn: sqlite3.Connection, key: str, stamp: str) -> str:
    """Delete issue `key`: it answers 410 Gone from now on."""
    found = find_key(conn, key)
    conn.execute(
        "UPDATE github_issues SET state = ?, updated_at = ? WHERE key = ?",
        (DELETED, stamp, found),
    )
    return found
