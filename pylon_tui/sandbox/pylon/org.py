"""Organisation endpoints: users, teams, accounts, statuses, custom fields, me.

The app caches these to turn ids on tickets into names; they change rarely, so they are
read-only here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..util import JSON, Response, iso
from . import render as R
from .common import BadRequest, NotFound, decode_cursor, encode_cursor, no_more, ok, parse_limit


class OrgApi:
    conn: sqlite3.Connection
    clock: Callable[[], datetime]
    extra_statuses: list[JSON]

    def users(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        rows = self.conn.execute("SELECT * FROM users ORDER BY rowid").fetchall()
        return ok([R.user_json(r) for r in rows], pagination=no_more())

    def teams(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        lk = R.Lookups(self.conn)
        data = [
            {
                "id": r["id"],
                "name": r["name"],
                "users": [
                    {"id": u, "email": lk.user_email.get(u, "")} for u in json.loads(r["user_ids"])
                ],
            }
            for r in self.conn.execute("SELECT * FROM teams ORDER BY rowid")
        ]
        return ok(data, pagination=no_more())

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
        kinds = ("account", "issue", "contact", "task", "project", "call_recording")
        if object_type not in kinds:
            raise BadRequest(f"invalid object_type {object_type!r}")
        created = iso(self.clock() - timedelta(days=365))
        data = R.custom_fields_json(created) if object_type == "issue" else []
        return ok(data, pagination=no_more())

    def me(self, _p: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'org_id'").fetchone()
        return ok({"id": row[0] if row else "", "name": "Sandbox Co (demo)"})
