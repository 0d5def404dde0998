"""Pylon REST endpoints the app uses, validated the way the real API validates them.

Handlers run with the Sandbox lock held; they return (status, headers, body) triples.
Only request shapes from the OpenAPI document are honoured, so the client cannot lean on
sandbox-only behaviour.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..util import (
    JSON,
    Response,
    bump_time,
    github_url,
    iso,
    linear_url,
    parse_time,
    pylon_error,
)
from . import render as R
from .automations import Automations
from .common import (
    BadRequest,
    NotFound,
    decode_cursor,
    encode_cursor,
    get_str,
    last_page,
    ok,
    parse_body,
    parse_limit,
)
from .filters import FilterError, compile_filter, text_match
from .org import OrgApi
from .thread import ThreadApi
from .tools import ToolsApi

Handler = Callable[["PylonApi", dict[str, str], dict[str, str], bytes], Response]

_GITHUB_ID = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[0-9]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PAST_THE_END = "9999-12-31T23:59:59Z"
LIST_MAX = 20000
"""GET /issues `limit`: default and maximum (current definition)."""


class PylonApi(OrgApi, ThreadApi, ToolsApi):
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock
        self.automations = Automations(conn, clock)
        """Pylon's own status moves after replies, customer messages and links."""
        self.odd_cursor: str | None = None
        self.extra_statuses: list[JSON] = []
        """Statuses added after seeding (Sandbox.add_status), served after the seeded ones."""
        """A switchable fault: the last page of a search or a thread still says
        has_next_page, with an empty cursor ("empty") or one that leads back to itself
        ("repeat"), as servers that guard nothing do."""

    # -- helpers ---------------------------------------------------------------------------
    def issue_row(self, ident: str) -> sqlite3.Row:
        if ident.isdigit():
            row = self.conn.execute("SELECT * FROM issues WHERE number = ?", (int(ident),))
        else:
            row = self.conn.execute("SELECT * FROM issues WHERE id = ?", (ident,))
        found = row.fetchone()
        if found is None:
            raise NotFound(f"issue {ident} not found")
        return found  # type: ignore[no-any-return]

    def issue_out(self, ident: str) -> JSON:
        return R.issue_json(self.issue_row(ident), R.Lookups(self.conn))

    def touch(self, row: sqlite3.Row, changes: dict[str, Any]) -> None:
        changes["updated_at"] = bump_time(self.clock(), row["updated_at"])
        cols = ", ".join(f"{k} = ?" for k in changes)
        self.conn.execute(
            f"UPDATE issues SET {cols}, number_of_touches = number_of_touches + 1 WHERE id = ?",  # noqa: S608
            [*changes.values(), row["id"]],
        )

    def _user_exists(self, user_id: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is not None
        )

    # -- issues ----------------------------------------------------------------------------
    def search(self, _p: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        """Current definition (the official SDK): `filter` is optional, `search_text` is a
        fuzzy search intersected with it, `limit` is 1-1000."""
        body = parse_body(raw)
        where, params = "1", list[Any]()
        if body.get("filter") is not None:
            try:
                where, params = compile_filter(body["filter"], R.ISSUE_FIELD_SLUGS)
            except FilterError as exc:
                raise BadRequest(str(exc)) from None
        text = get_str(body, "search_text")
        if text and text.strip():
            fuzzy, words = text_match(text)
            where, params = f"({where}) AND {fuzzy}", [*params, *words]
        limit = parse_limit(body.get("limit"), maximum=1000)
        cursor = get_str(body, "cursor")
        if cursor:
            created, ident = decode_cursor(cursor, 2)
            where = f"({where}) AND (created_at, id) > (?, ?)"
            params = [*params, created, ident]
        rows = self.conn.execute(
            f"SELECT * FROM issues WHERE {where} ORDER BY created_at, id LIMIT ?",  # noqa: S608
            [*params, limit + 1],
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        lk = R.Lookups(self.conn)
        if more:
            after = encode_cursor(rows[-1]["created_at"], rows[-1]["id"])
            page: JSON = {"cursor": after, "has_next_page": True}
        else:
            page = last_page(self.odd_cursor, cursor, encode_cursor(PAST_THE_END, ""))
        return ok([R.issue_json(r, lk) for r in rows], pagination=page)

    def list_issues(self, _p: dict[str, str], query: dict[str, str], _raw: bytes) -> Response:
        """Current definition: created_at in [start_time, end_time) of at most 365 days,
        newest first, paged by `limit` (default and maximum 20000) and `cursor`."""
        try:
            start = parse_time(query["start_time"])
            end = parse_time(query["end_time"])
        except KeyError:
            raise BadRequest("start_time and end_time are required") from None
        except ValueError as exc:
            raise BadRequest(f"invalid RFC3339 time: {exc}") from None
        if end < start:
            raise BadRequest("end_time must be after start_time")
        if end - start > timedelta(days=365):
            raise BadRequest("the time range between start_time and end_time must be <= 365 days")
        limit = LIST_MAX if query.get("limit") in (None, "", "0") else None
        limit = limit or parse_limit(query.get("limit"), maximum=LIST_MAX)
        where, params = "created_at >= ? AND created_at < ?", [iso(start), iso(end)]
        cursor = query.get("cursor")
        if cursor:
            created, ident = decode_cursor(cursor, 2)
            where = f"{where} AND (created_at, id) < (?, ?)"
            params = [*params, created, ident]
        rows = self.conn.execute(
            f"SELECT * FROM issues WHERE {where} ORDER BY created_at DESC, id DESC LIMIT ?",  # noqa: S608
            [*params, limit + 1],
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        page = {
            "cursor": encode_cursor(rows[-1]["created_at"], rows[-1]["id"]) if more else "",
            "has_next_page": more,
        }
        lk = R.Lookups(self.conn)
        return ok([R.issue_json(r, lk) for r in rows], pagination=page)

    def get_issue(self, path: dict[str, str], _q: dict[str, str], _raw: bytes) -> Response:
        return ok(self.issue_out(path["id"]))

    def patch_issue(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        changes: dict[str, Any] = {}
        state = get_str(body, "state")
        if state is not None:
            active = R.active_states() | {str(s["slug"]) for s in self.extra_statuses}
            if state not in active:
                allowed = ", ".join(sorted(active))
                raise BadRequest(f"invalid state {state!r}: must be one of {allowed}")
            changes["state"] = state
            now = iso(self.clock())
            if state == "closed" and row["state"] != "closed":
                changes["resolution_time"] = now
            elif state != "closed" and row["state"] == "closed":
                changes["resolution_time"] = None
        assignee = get_str(body, "assignee_id")
        if assignee is not None:
            if assignee and not self._user_exists(assignee):
                raise BadRequest(f"assignee_id {assignee!r} is not a user in this organization")
            changes["assignee_id"] = assignee or None
        team = get_str(body, "team_id")
        if team is not None:
            known = self.conn.execute("SELECT 1 FROM teams WHERE id = ?", (team,)).fetchone()
            if team and known is None:
                raise BadRequest(f"team_id {team!r} is not a team in this organization")
            changes["team_id"] = team or None
        account = get_str(body, "account_id")
        if account:
            known = self.conn.execute("SELECT 1 FROM accounts WHERE id = ?", (account,)).fetchone()
            if known is None:
                raise BadRequest(f"account_id {account!r} does not exist")
            changes["account_id"] = account
        title = get_str(body, "title")
        if title is not None:
            if not title.strip():
                raise BadRequest("title must not be empty")
            changes["title"] = title
        if "tags" in body:
            tags = body["tags"]
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise BadRequest("tags must be an array of strings")
            changes["tags"] = json.dumps(list(dict.fromkeys(tags)))
        if "type" in body and body["type"] not in ("conversation", "ticket"):
            raise BadRequest("type must be one of conversation, ticket")
        if "type" in body:
            changes["type"] = body["type"]
        if "custom_fields" in body:
            changes["custom_fields"] = json.dumps(
                self._custom_fields(json.loads(row["custom_fields"]), body["custom_fields"])
            )
        self.touch(row, changes)
        return ok(self.issue_out(row["id"]))

    def _custom_fields(self, current: dict[str, str], updates: Any) -> dict[str, str]:
        """Like Pylon: a slug this workspace does not have is silently ignored (200, nothing
        changes), so only a client that reads the answer notices; omitting `value` unsets."""
        if not isinstance(updates, list):
            raise BadRequest("custom_fields must be an array of {slug, value}")
        defs = {d["slug"]: d for d in R.CUSTOM_FIELD_DEFS}
        for item in updates:
            if not isinstance(item, dict) or not isinstance(item.get("slug"), str):
                raise BadRequest("each custom_fields item needs a string slug")
            slug = item["slug"]
            if slug not in defs:
                continue
            value = item.get("value")
            if value is None and isinstance(item.get("values"), list) and item["values"]:
                value = item["values"][0]
            if value is None:
                current.pop(slug, None)
                continue
            if not isinstance(value, str):
                raise BadRequest(f"custom field {slug!r} value must be a string")
            options = defs[slug]["options"]
            if options and value == "":
                raise BadRequest(
                    f"invalid option '' for custom field {slug!r}: omit value to unset it"
                )
            if options and value not in {s for s, _ in options}:
                allowed = ", ".join(s for s, _ in options)
                raise BadRequest(
                    f"invalid option {value!r} for custom field {slug!r}: must be one of {allowed}"
                )
            current[slug] = value
        return current

    def external_issues(self, path: dict[str, str], _q: dict[str, str], raw: bytes) -> Response:
        row = self.issue_row(path["id"])
        body = parse_body(raw)
        source = get_str(body, "source", required=True)
        ext_id = str(get_str(body, "external_issue_id", required=True)).strip()
        operation = get_str(body, "operation") or "link"
        if operation not in ("link", "unlink"):
            raise BadRequest(f"invalid operation {operation!r}: must be link or unlink")
        links: list[JSON] = json.loads(row["external_issues"])
        existing = [x for x in links if x["source"] == source and x["external_id"] == ext_id]
        changes: dict[str, Any] = {}
        if operation == "unlink":
            links = [x for x in links if x not in existing]
        elif not existing:
            links.append(
                {"source": source, "external_id": ext_id, "link": self._link(source, ext_id)}
            )
            changes = self.automations.after_link(row, str(source), ext_id)
        self.touch(row, {**changes, "external_issues": json.dumps(links)})
        return ok(self.issue_out(row["id"]))

    def _link(self, source: str | None, ext_id: str) -> str:
        if source == "linear":
            found = self.conn.execute(
                "SELECT identifier, title FROM linear_issues WHERE id = ?", (ext_id,)
            ).fetchone()
            if not _UUID.match(ext_id) or found is None:
                raise BadRequest(
                    f"linear issue {ext_id!r} not found: "
                    "external_issue_id must be the Linear issue UUID"
                )
            return linear_url(found["identifier"], found["title"])
        if source == "github":
            if not _GITHUB_ID.match(ext_id):
                raise BadRequest(
                    f"github external_issue_id {ext_id!r} must look like Owner/Repo/Number"
                )
            return github_url(ext_id)
        raise BadRequest(f"unsupported external issue source {source!r} (sandbox: linear, github)")


# Pylon's rate-limits page: per organization, every endpoint one of 30, 120 or 300 a minute
# (the OpenAPI notes' 10/20/60 are older). Each route's number is the one the official SDK's
# docstring gives for that endpoint (issue 18; tests/contract checks they agree).
LOW, MID, HIGH = 30, 120, 300
# (method, path regex, handler, rate-limit key, requests per minute per organization)
ROUTES: list[tuple[str, re.Pattern[str], Handler, str, int]] = [
    (m, re.compile(f"^{p}$"), h, key, budget)
    for m, p, h, key, budget in [
        ("POST", r"/issues/search", PylonApi.search, "search", MID),
        ("GET", r"/issues", PylonApi.list_issues, "list", LOW),
        ("GET", r"/issues/(?P<id>[^/]+)", PylonApi.get_issue, "get", HIGH),
        ("PATCH", r"/issues/(?P<id>[^/]+)", PylonApi.patch_issue, "patch", MID),
        ("GET", r"/issues/(?P<id>[^/]+)/messages", PylonApi.messages, "messages", MID),
        ("POST", r"/issues/(?P<id>[^/]+)/reply", PylonApi.reply, "reply", LOW),
        ("POST", r"/issues/(?P<id>[^/]+)/note", PylonApi.note, "note", LOW),
        (
            "POST",
            r"/issues/(?P<id>[^/]+)/external-issues",
            PylonApi.external_issues,
            "external-issues",
            MID,
        ),
        ("POST", r"/issues/(?P<id>[^/]+)/snooze", PylonApi.snooze, "snooze", MID),
        ("POST", r"/issues/(?P<id>[^/]+)/ai-response", PylonApi.ai_response, "ai-response", MID),
        ("GET", r"/macros", PylonApi.macros, "macros", HIGH),
        ("GET", r"/tags", PylonApi.tags, "tags", HIGH),
        ("GET", r"/users", PylonApi.users, "users", HIGH),
        ("GET", r"/teams", PylonApi.teams, "teams", HIGH),
        # Issue 18: routes third-party clients call and the board uses (current definition).
        ("POST", r"/users/search", PylonApi.search_users, "users-search", MID),
        ("GET", r"/users/(?P<id>[^/]+)", PylonApi.user, "user", HIGH),
        ("GET", r"/teams/(?P<id>[^/]+)", PylonApi.team, "team", HIGH),
        ("GET", r"/custom-fields/(?P<id>[^/]+)", PylonApi.custom_field, "custom-field", HIGH),
        ("GET", r"/issues/(?P<id>[^/]+)/threads", PylonApi.threads, "threads", MID),
        ("POST", r"/issues/(?P<id>[^/]+)/threads", PylonApi.create_thread, "create-thread", MID),
        ("GET", r"/accounts", PylonApi.accounts, "accounts", HIGH),
        ("GET", r"/accounts/(?P<id>[^/]+)", PylonApi.account, "account", HIGH),
        ("GET", r"/issue-statuses", PylonApi.statuses, "issue-statuses", LOW),
        ("GET", r"/custom-fields", PylonApi.custom_fields, "custom-fields", HIGH),
        ("GET", r"/me", PylonApi.me, "me", HIGH),
    ]
]


def match(method: str, path: str) -> tuple[Handler, dict[str, str], str, int] | None:
    for m, pattern, handler, key, budget in ROUTES:
        found = pattern.match(path)
        if found and m == method:
            return handler, found.groupdict(), key, budget
    return None


def dispatch(
    api: PylonApi, handler: Handler, path: dict[str, str], query: dict[str, str], body: bytes
) -> Response:
    try:
        return handler(api, path, query, body)
    except BadRequest as exc:
        return pylon_error(400, str(exc))
    except NotFound as exc:
        return pylon_error(404, str(exc))
