"""The thread endpoints: GET /issues/{id}/messages, reply, note and the issue's threads.

Kept apart from the issue endpoints because the thread has its own rules: it comes a page at a
time, a reply must answer a customer-visible message, a note lands in an internal thread
(`thread_id`, or the thread of the internal note `message_id`, never both), and who a message
shows as depends on `user_id` or `contact_id`, never both (without either, Pylon shows the API
token's name, not a person). The rules are the current definition's (the official SDK).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..util import JSON, Response, bump_time, iso, new_uuid
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

MESSAGES_PAGE = 100
"""GET /issues/{id}/messages with a `cursor` and no `limit` answers this many; with neither,
the whole thread (current definition: "for backward compatibility")."""
MESSAGES_MAX = 1000
DEFAULT_THREAD_NAME = "Internal notes"
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
        """Oldest first, a page at a time with `limit`/`cursor`, all of it with neither."""
        row = self.issue_row(path["id"])
        rows = self.conn.execute(
            "SELECT * FROM messages WHERE issue_id = ? ORDER BY timestamp, rowid", (row["id"],)
        ).fetchall()
        everything = not query.get("limit") and not query.get("cursor")
        default = max(1, len(rows)) if everything else MESSAGES_PAGE
        limit = parse_limit(query.get("limit"), default=default, maximum=max(default, MESSAGES_MAX))
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

    def _contact(self, body: JSON) -> sqlite3.Row | None:
        """The contact a reply is posted as (`contact_id`); refused together with `user_id`."""
        contact_id = get_str(body, "contact_id")
        if not contact_id:
            return None
        if get_str(body, "user_id"):
            raise BadRequest("only one of user_id or contact_id can be provided")
        found = self.conn.execute("SELECT * FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        if found is None:
            raise BadRequest(f"contact_id {contact_id!r} is not a contact in this organization")
        return found  # type: ignore[no-any-return]

    def _add_message(
        self,
        row: sqlite3.Row,
        html: str,
        user: sqlite3.Row | None,
        private: bool,
        thread: str | None = None,
        contact: sqlite3.Row | None = None,
    ) -> str:
        stamp = bump_time(self.clock(), row["updated_at"])
        msg_id = new_uuid()
        who = user or contact
        self.conn.execute(
            "INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                msg_id,
                row["id"],
                stamp,
                int(private),
                html,
                "slack",
                who["name"] if who else UNATTRIBUTED_AUTHOR,
                user["id"] if user else None,
                contact["id"] if contact else None,
                who["email"] if who else None,
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
        contact = self._contact(body)
        author = self._author(body)
        msg_id = self._add_message(row, str(html), author, private=False, contact=contact)
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
        thread = self._note_thread(row, body)
        msg_id = self._add_message(row, str(html), self._author(body), private=True, thread=thread)
        self.touch(row, {})
        return ok({"id": msg_id, "issue_id": row["id"]})

    def _note_thread(self, row: sqlite3.Row, body: JSON) -> str:
        """Which internal thread a note goes to, by the current definition's rules (empty
        values count as omitted)."""
        thread_id = get_str(body, "thread_id") or None
        message_id = get_str(body, "message_id") or None
        if thread_id and message_id:
            raise BadRequest("provide thread_id or message_id, not both")
        threads = self._threads(row["id"])
        if thread_id:
            if thread_id not in {t["id"] for t in threads}:
                raise BadRequest(f"thread_id {thread_id!r} is not an internal thread of this issue")
            return thread_id
        if message_id:
            found = self.conn.execute(
                "SELECT is_private, thread_id FROM messages WHERE id = ? AND issue_id = ?",
                (message_id, row["id"]),
            ).fetchone()
            if found is None:
                raise BadRequest(f"message_id {message_id!r} is not a message of this issue")
            if not found["is_private"]:
                raise BadRequest(f"message_id {message_id!r} is not an internal note")
            return str(found["thread_id"] or self._new_thread(row["id"], DEFAULT_THREAD_NAME))
        if threads:
            return str(threads[-1]["id"])
        name = get_str(body, "thread_name") or DEFAULT_THREAD_NAME
        return self._new_thread(row["id"], name, ident=f"internal-{row['id'][:8]}")

    def _threads(self, issue_id: str) -> list[sqlite3.Row]:
        """The issue's internal threads, oldest first. A thread id that only messages carry
        (notes written before threads were kept) is recorded on first sight."""
        known = self.conn.execute(
            "SELECT DISTINCT thread_id, min(timestamp) FROM messages WHERE issue_id = ?"
            " AND is_private = 1 AND thread_id IS NOT NULL GROUP BY thread_id",
            (issue_id,),
        ).fetchall()
        for thread_id, first in known:
            self.conn.execute(
                "INSERT OR IGNORE INTO issue_threads VALUES (?,?,?,?)",
                (thread_id, issue_id, DEFAULT_THREAD_NAME, first),
            )
        return self.conn.execute(
            "SELECT * FROM issue_threads WHERE issue_id = ? ORDER BY created_at, rowid",
            (issue_id,),
        ).fetchall()

    def _new_thread(self, issue_id: str, name: str, ident: str | None = None) -> str:
        thread_id = ident or new_uuid()
        self.conn.execute(
            "INSERT OR IGNORE INTO issue_threads VALUES (?,?,?,?)",
            (thread_id, issue_id, name, iso(self.clock())),
        )
        return thread_id

    def threads(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        return ok([_thread_json(t) for t in self._threads(row["id"])])

    def create_thread(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        """A Pylon-only internal thread (Slack-backed ones need a human token: refused)."""
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        if get_str(body, "slack_channel_id") or get_str(body, "slack_thread_ts"):
            raise BadRequest(
                "a Slack-backed thread needs a token acting as a human Pylon user (sandbox)"
            )
        name = get_str(body, "name") or DEFAULT_THREAD_NAME
        thread_id = self._new_thread(row["id"], name)
        found = self.conn.execute("SELECT * FROM issue_threads WHERE id = ?", (thread_id,))
        return ok(_thread_json(found.fetchone()))


def _thread_json(row: sqlite3.Row) -> JSON:
    return {"id": row["id"], "issue_id": row["issue_id"], "name": row["name"], "source": "pylon"}
