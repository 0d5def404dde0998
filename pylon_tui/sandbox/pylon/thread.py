"""The thread endpoints: GET /issues/{id}/messages, reply and note.

Kept apart from the issue endpoints because the thread has its own rules: it comes a page at a
time, a reply must answer a customer-visible message, and who a message shows as depends on
`user_id` (without it, Pylon shows the API token's name, not a person).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..util import JSON, Response, bump_time, new_uuid
from . import render as R
from .automations import Automations
from .common import (
    BadRequest,
    decode_cursor,
    encode_cursor,
    get_str,
    last_page,
    ok,
    parse_body,
    parse_limit,
)

MESSAGES_PAGE = 3
"""GET /issues/{id}/messages without `limit` answers this many: small, so a client that reads
only the first page misses the newest message even on a seeded thread."""
UNATTRIBUTED_AUTHOR = "pylon-tui sandbox token"
"""Who a reply or note without `user_id` shows as: Pylon shows the API token's name."""


class ThreadApi:
    """Mixed into PylonApi, which provides the issue helpers declared below."""

    conn: sqlite3.Connection
    clock: Callable[[], datetime]
    odd_cursor: str | None
    automations: Automations

    if TYPE_CHECKING:

        def issue_row(self, ident: str) -> sqlite3.Row: ...

        def touch(self, row: sqlite3.Row, changes: dict[str, Any]) -> None: ...

    def messages(self, path: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        """The thread a page at a time (newer Pylon docs: cursor/limit), MESSAGES_PAGE a page
        unless `limit` says otherwise, so a client must follow the cursor."""
        row = self.issue_row(path["id"])
        rows = self.conn.execute(
            "SELECT * FROM messages WHERE issue_id = ? ORDER BY timestamp, rowid", (row["id"],)
        ).fetchall()
        limit = parse_limit(query.get("limit"), default=MESSAGES_PAGE)
        start = 0
        if query.get("cursor"):
            (offset,) = decode_cursor(query["cursor"], 1)
            if not offset.isdigit():
                raise BadRequest("invalid cursor")
            start = int(offset)
        if start + limit < len(rows):
            page = {"cursor": encode_cursor(str(start + limit)), "has_next_page": True}
        else:
            past_the_end = encode_cursor(str(len(rows)))
            page = last_page(self.odd_cursor, query.get("cursor"), past_the_end)
        return ok([R.message_json(m) for m in rows[start : start + limit]], pagination=page)

    def _author(self, body: JSON) -> sqlite3.Row | None:
        """The user named by `user_id`; None (the API token itself) without one."""
        user_id = get_str(body, "user_id")
        if not user_id:
            return None
        user = self.conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if user is None:
            raise BadRequest(f"user_id {user_id!r} is not a user in this organization")
        return user  # type: ignore[no-any-return]

    def _add_message(
        self, row: sqlite3.Row, html: str, user: sqlite3.Row | None, private: bool
    ) -> str:
        stamp = bump_time(self.clock(), row["updated_at"])
        msg_id = new_uuid()
        thread = f"internal-{row['id'][:8]}" if private else None
        self.conn.execute(
            "INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                msg_id,
                row["id"],
                stamp,
                int(private),
                html,
                "slack",
                user["name"] if user else UNATTRIBUTED_AUTHOR,
                user["id"] if user else None,
                None,
                user["email"] if user else None,
                thread,
            ),
        )
        return msg_id

    def reply(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        html = get_str(body, "body_html", required=True)
        message_id = get_str(body, "message_id", required=True)
        found = self.conn.execute(
            "SELECT is_private FROM messages WHERE id = ? AND issue_id = ?",
            (message_id, row["id"]),
        ).fetchone()
        if found is None:
            raise BadRequest(f"message_id {message_id!r} is not a message of issue {row['id']}")
        if found["is_private"]:
            raise BadRequest(
                f"message_id {message_id!r} is an internal note: "
                "reply to a customer-visible message"
            )
        msg_id = self._add_message(row, str(html), self._author(body), private=False)
        stamp = self.conn.execute(
            "SELECT timestamp FROM messages WHERE id = ?", (msg_id,)
        ).fetchone()[0]
        # Like Pylon: an agent reply hands the ball to the customer (see automations).
        changes: dict[str, Any] = {
            "latest_message_time": stamp,
            **self.automations.after_reply(row, msg_id),
        }
        if not row["first_response_time"]:
            changes["first_response_time"] = stamp
        self.touch(row, changes)
        return ok({"id": msg_id, "issue_id": row["id"]})

    def note(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        html = get_str(body, "body_html", required=True)
        msg_id = self._add_message(row, str(html), self._author(body), private=True)
        self.touch(row, {})
        return ok({"id": msg_id, "issue_id": row["id"]})
