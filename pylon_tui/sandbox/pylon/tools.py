"""The triage tools' endpoints: GET /macros, GET /tags, snooze and the AI agent's draft.

Shapes follow Pylon's OpenAPI document and the usepylon SDK (`Macro`, `Tag`,
`SnoozeIssueResponseBody`, `CreateIssueAIResponseResponseBody`). Snoozing moves the ticket
to On Hold (Pylon's product docs) with `snoozed_until_time` set; when that time comes, or
the customer writes, it wakes (automations.py) and goes back to On You.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

from ..seed import macros as M
from ..util import JSON, Response, iso, json_response, new_uuid, parse_time
from .common import BadRequest, NotFound, get_str, no_more, ok, parse_body

AI_AGENT_ID = "sandbox-support-agent"
"""The one AI agent the sandbox has (the app uses it when [pylon] ai_agent_id is unset)."""
MAX_SNOOZE = timedelta(days=366)


class ToolsApi:
    """Mixed into PylonApi, which provides the issue helpers declared below."""

    conn: sqlite3.Connection
    clock: Callable[[], datetime]

    if TYPE_CHECKING:

        def issue_row(self, ident: str) -> sqlite3.Row: ...

        def issue_out(self, ident: str) -> JSON: ...

        def touch(self, row: sqlite3.Row, changes: dict[str, Any]) -> None: ...

    def macros(self, _p: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        group = query.get("macro_group_id")
        data = []
        for macro in M.MACROS:
            if group and group != M.MACRO_GROUP_ID:
                continue
            actions = [dict(a) for a in macro["actions"]]
            data.append(
                {
                    **macro,
                    "actions": actions,
                    "has_actions": bool(actions),
                    "macro_group_id": M.MACRO_GROUP_ID,
                    "created_at": M.MACROS_CREATED,
                    "updated_at": M.MACROS_CREATED,
                }
            )
        return ok(data)

    def tags(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        used = {
            tag
            for (raw,) in self.conn.execute("SELECT tags FROM issues")
            for tag in json.loads(raw)
        }
        colours = dict(M.EXTRA_TAGS)
        values = sorted(used | set(colours))
        data = [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-tag:{value}")),
                "value": value,
                "object_type": "issue",
                "hex_color": colours.get(value, "#64748b"),
            }
            for value in values
        ]
        return ok(data, pagination=no_more())

    def snooze(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        text = get_str(body, "snooze_until", required=True)
        try:
            until = parse_time(str(text))
        except ValueError as exc:
            raise BadRequest(f"snooze_until must be an RFC3339 time: {exc}") from None
        now = self.clock()
        if until <= now:
            raise BadRequest("snooze_until must be in the future")
        if until - now > MAX_SNOOZE:
            raise BadRequest("snooze_until must be within a year")
        self.conn.execute(
            "INSERT OR REPLACE INTO pylon_snoozes VALUES (?, ?, ?)",
            (row["id"], iso(until), row["state"]),
        )
        self.touch(row, {"state": "on_hold"})
        return ok(self.issue_out(row["id"]))

    def ai_response(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        agent = get_str(body, "ai_agent_id", required=True)
        if agent != AI_AGENT_ID:
            raise NotFound(f"AI agent {agent!r} not found")
        if body.get("post_as_internal_note") not in (None, False, True):
            raise BadRequest("post_as_internal_note must be a boolean")
        last = self.conn.execute(
            "SELECT author_name, message_html FROM messages WHERE issue_id = ? AND is_private = 0"
            " AND author_user_id IS NULL ORDER BY timestamp DESC, rowid DESC LIMIT 1",
            (row["id"],),
        ).fetchone()
        if last is None:
            html, valid = "<p>I could not find a customer question to answer.</p>", False
        else:
            html, valid = _draft(row["title"], last["author_name"], last["message_html"]), True
        if body.get("post_as_internal_note") is True:
            self.conn.execute(
                "INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    new_uuid(),
                    row["id"],
                    iso(self.clock()),
                    1,
                    html,
                    "api",
                    "AI agent",
                    None,
                    None,
                    None,
                    None,
                ),
            )
        payload = {"response_html": html, "response_valid": valid, "request_id": new_uuid()}
        return json_response(200, payload)


def _draft(title: str, customer: str, question_html: str) -> str:
    """A deterministic "AI" answer from the thread: greets the customer, restates the topic
    and the question's first words, and promises a follow-up."""
    first = (customer or "there").split()[0]
    words = " ".join(_text(question_html).split()[:18])
    return (
        f"<p>Hi {escape(first)},</p>"
        f"<p>Thanks for the details about \u201c{escape(title)}\u201d. You wrote: "
        f"\u201c{escape(words)}\u2026\u201d</p>"
        "<p>I've reproduced the steps on our side and I'm checking the logs for your "
        "account now. I'll follow up here within the hour with what we find.</p>"
    )


def _text(html: str) -> str:
    out, depth = [], 0
    for ch in html:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif not depth:
            out.append(ch)
    return "".join(out)
