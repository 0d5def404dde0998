"""Organisation endpoints: users, teams, accounts, statuses, custom fields, me.

The app caches these to turn ids on tickets into names; they change rarely, so they are
read-only here. Single-object reads (`/users/{id}`, `/teams/{id}`, `/custom-fields/{id}`) and
`POST /users/search` follow Pylon's current definition (the official SDK, issue 18): GET /users
leaves deactivated users out unless `include_deactivated=true`, GET /users/{id} finds them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..util import JSON, Response, iso
from . import render as R
from .common import (
    BadRequest,
    NotFound,
    decode_cursor,
    encode_cursor,
    get_str,
    no_more,
    ok,
    parse_body,
    parse_limit,
)

# GET /custom-fields object_type: the snapshot's list and the current definition's, together
# (the SDK adds meeting and opportunity; call_recording is still accepted, never refused).
OBJECT_TYPES = (
    "account", "issue", "contact", "task", "project", "call_recording", "meeting", "opportunity"
)  # fmt: skip


class OrgApi:
    conn: sqlite3.Connection
    clock: Callable[[], datetime]
    extra_statuses: list[JSON]

    def _deactivated(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT id FROM deactivated_users")}

    def users(self, _p: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        flag = query.get("include_deactivated", "false")
        if flag not in ("true", "false"):
            raise BadRequest("include_deactivated must be true or false")
        gone = self._deactivated()
        rows = self.conn.execute("SELECT * FROM users ORDER BY rowid").fetchall()
        data = [
            R.user_json(r, r["id"] in gone) for r in rows if flag == "true" or r["id"] not in gone
        ]
        return ok(data, pagination=no_more())

    def user(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        row = self.conn.execute("SELECT * FROM users WHERE id = ?", (path["id"],)).fetchone()
        if row is None:
            raise NotFound(f"user {path['id']} not found")
        return ok(R.user_json(row, row["id"] in self._deactivated()))

    def search_users(self, _p: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        """POST /users/search: `email` with equals/in/not_in (the only filterable field),
        paged by cursor; deactivated users are found too, and say so."""
        body = parse_body(raw)
        where, params = "1", list[Any]()
        flt = body.get("filter")
        if flt is not None:
            where, params = _email_filter(flt)
        limit = parse_limit(body.get("limit"), maximum=1000)
        cursor = get_str(body, "cursor")
        if cursor:
            (after,) = decode_cursor(cursor, 1)
            where, params = f"({where}) AND id > ?", [*params, after]
        rows = self.conn.execute(
            f"SELECT * FROM users WHERE {where} ORDER BY id LIMIT ?",  # noqa: S608
            [*params, limit + 1],
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        gone = self._deactivated()
        page = {"cursor": encode_cursor(rows[-1]["id"]) if more else "", "has_next_page": more}
        return ok([R.user_json(r, r["id"] in gone) for r in rows], pagination=page)

    def _team_json(self, row: Any, lk: R.Lookups) -> JSON:
        members = json.loads(row["user_ids"])
        users = [{"id": u, "email": lk.user_email.get(u, "")} for u in members]
        return {"id": row["id"], "name": row["name"], "users": users}

    def teams(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        lk = R.Lookups(self.conn)
        rows = self.conn.execute("SELECT * FROM teams ORDER BY rowid")
        return ok([self._team_json(r, lk) for r in rows], pagination=no_more())

    def team(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        row = self.conn.execute("SELECT * FROM teams WHERE id = ?", (path["id"],)).fetchone()
        if row is None:
            raise NotFound(f"team {path['id']} not found")
        return ok(self._team_json(row, R.Lookups(self.conn)))

    def _latest_activity(self) -> dict[str, str]:
        rows = self.conn.execute(
            "SELECT account_id, max(latest_message_time) FROM issues GROUP BY account_id"
        )
        return {r[0]: r[1] for r in rows if r[0]}

    def accounts(self, _p: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        limit = parse_limit(query.get("limit"))
        params: list[Any] = []
        where = ""
        if query.get("cursor"):
            (after,) = decode_cursor(query["cursor"], 1)
            where, params = "WHERE id > ?", [after]
        rows = self.conn.execute(
            f"SELECT * FROM accounts {where} ORDER BY id LIMIT ?",  # noqa: S608
            [*params, limit + 1],
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        lk, latest = R.Lookups(self.conn), self._latest_activity()
        page = {"cursor": encode_cursor(rows[-1]["id"]) if more else "", "has_next_page": more}
        return ok([R.account_json(r, lk, latest.get(r["id"])) for r in rows], pagination=page)

    def account(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        row = self.conn.execute(
            "SELECT * FROM accounts WHERE id = ? OR external_id = ?", (path["id"], path["id"])
        ).fetchone()
        if row is None:
            raise NotFound(f"account {path['id']} not found")
        latest = self._latest_activity().get(row["id"])
        return ok(R.account_json(row, R.Lookups(self.conn), latest))

    def statuses(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        return ok(R.statuses_json() + self.extra_statuses, pagination=no_more())

    def custom_fields(self, _p: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        object_type = query.get("object_type")
        if not object_type:
            raise BadRequest("object_type is required")
        if object_type not in OBJECT_TYPES:
            raise BadRequest(f"invalid object_type {object_type!r}")
        created = iso(self.clock() - timedelta(days=365))
        data = R.custom_fields_json(created) if object_type == "issue" else []
        return ok(data, pagination=no_more())

    def custom_field(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        created = iso(self.clock() - timedelta(days=365))
        found = [f for f in R.custom_fields_json(created) if f["id"] == path["id"]]
        if not found:
            raise NotFound(f"custom field {path['id']} not found")
        return ok(found[0])

    def me(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        """The organisation and (current API) the user the token acts as: the sandbox's
        token belongs to its first user."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'org_id'").fetchone()
        me: JSON = {"id": row[0] if row else "", "name": "Sandbox Co (demo)"}
        user = self.conn.execute("SELECT id, email FROM users ORDER BY rowid LIMIT 1").fetchone()
        me["user"] = {"id": user["id"], "email": user["email"]} if user else {"id": ""}
        return ok(me)


def _email_filter(flt: Any) -> tuple[str, list[Any]]:
    if not isinstance(flt, dict):
        raise BadRequest("filter must be an object")
    field, op = flt.get("field"), flt.get("operator")
    if field != "email":
        raise BadRequest(f"field {field!r} is not filterable for users: only email")
    if op == "equals":
        value = flt.get("value")
        if not isinstance(value, str):
            raise BadRequest("filter on 'email' with 'equals' needs a string 'value'")
        return "lower(email) = lower(?)", [value]
    if op in ("in", "not_in"):
        values = flt.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise BadRequest(f"filter on 'email' with {op!r} needs a 'values' array")
        if not values:
            return ("0", []) if op == "in" else ("1", [])
        marks = ",".join("?" * len(values))
        sql = f"lower(email) {'IN' if op == 'in' else 'NOT IN'} ({marks})"
        return sql, [v.lower() for v in values]
    raise BadRequest(f"operator {op!r} is not allowed for 'email'")
