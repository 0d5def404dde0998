"""Linear GraphQL emulator: issue lookup, batched lookup, search, create, update, teams.

Errors follow Linear's shape: syntax/validation problems are HTTP 400 with
GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED; resolver problems (unknown entity, bad input)
are HTTP 200 with data null and an INVALID_INPUT error, because every root field the sandbox
serves is non-null in the schema.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..util import JSON, Response, iso_ms, json_response, linear_url, new_uuid, slugify
from . import search as linear_search
from . import trash
from .graphql_mini import Document, GraphQLSyntaxError, Operation, flatten, parse, resolve_value
from .ratelimited import RateLimits
from .schema import TYPES, ResolverError, project, validate

PRIORITY_LABELS = {0: "No priority", 1: "Urgent", 2: "High", 3: "Medium", 4: "Low"}
CLOSED_TYPES = ("completed", "canceled", "duplicate")
_IDENTIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9]*)-([0-9]+)$")


def not_found(kind: str) -> ResolverError:
    return ResolverError(
        f"Entity not found: {kind}", user_message=f"Could not find referenced {kind}."
    )


def gql_errors(status: int, message: str, code: str, path: list[str] | None = None) -> Response:
    err: JSON = {"message": message, "extensions": {"code": code}}
    if path:
        err["path"] = path
    return json_response(status, {"errors": [err]})


class LinearApi:
    def __init__(self, conn: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.conn = conn
        self.clock = clock
        self.rate_limits = RateLimits()

    # -- graph building ----------------------------------------------------------------------
    def _teams(self) -> dict[str, JSON]:
        teams: dict[str, JSON] = {}
        states_by_team: dict[str, list[JSON]] = {}
        for r in self.conn.execute("SELECT * FROM linear_teams ORDER BY rowid"):
            team: JSON = {
                "id": r["id"],
                "key": r["key"],
                "name": r["name"],
                "description": None,
                "private": False,
                "createdAt": r["created_at"],
                "updatedAt": r["created_at"],
                "archivedAt": None,
            }
            states_by_team[r["id"]] = []
            team["states"] = lambda tid=r["id"]: _connection(states_by_team[tid])
            teams[r["id"]] = team
        for s in self.conn.execute("SELECT * FROM linear_states ORDER BY team_id, position"):
            team = teams[s["team_id"]]
            states_by_team[s["team_id"]].append(
                {
                    "id": s["id"],
                    "name": s["name"],
                    "type": s["type"],
                    "color": s["color"],
                    "position": s["position"],
                    "description": None,
                    "createdAt": team["createdAt"],
                    "updatedAt": team["createdAt"],
                    "archivedAt": None,
                    "team": team,
                }
            )
        return teams

    def _states(self, teams: dict[str, JSON]) -> dict[str, JSON]:
        return {s["id"]: s for t in teams.values() for s in t["states"]()["nodes"]}

    def _nodes(self, where: str = "", params: tuple[Any, ...] = ()) -> list[JSON]:
        teams = self._teams()
        states = self._states(teams)
        rows = self.conn.execute(
            f"SELECT * FROM linear_issues {where} ORDER BY created_at, id",  # noqa: S608
            params,
        ).fetchall()
        gone = trash.trashed(self.conn)
        extras = {e["id"]: e for e in self.conn.execute("SELECT * FROM linear_extras").fetchall()}
        return [
            self._with_extras(self._node(r, teams, states, gone.get(r["id"])), extras.get(r["id"]))
            for r in rows
        ]

    def _with_extras(self, node: JSON, extra: sqlite3.Row | None) -> JSON:
        """Assignee, release and duplicate-of (issue 15), kept in linear_extras."""
        assignee = extra["assignee"] if extra is not None else None
        release = extra["release"] if extra is not None else None
        duplicate_of = extra["duplicate_of"] if extra is not None else None
        if assignee:
            node["assignee"] = {
                "id": f"user-{slugify(assignee, 20)}",
                "name": assignee,
                "displayName": assignee.split()[0].lower(),
                "email": None,
                "active": True,
            }
        releases = (
            [{"id": f"rel-{slugify(release, 20)}", "name": release, "slugId": slugify(release, 20)}]
            if release
            else []
        )
        node["releases"] = _connection(releases)
        relations: list[JSON] = []
        if duplicate_of:
            relations.append(
                {
                    "id": f"rel-{node['id']}-{duplicate_of}",
                    "type": "duplicate",
                    "issue": lambda: node,
                    "relatedIssue": lambda: self.node_for(duplicate_of),
                }
            )
        node["relations"] = _connection(relations)
        return node

    def _node(
        self,
        r: sqlite3.Row,
        teams: dict[str, JSON],
        states: dict[str, JSON],
        trashed: trash.Trashed | None = None,
    ) -> JSON:
        return {
            "id": r["id"],
            "identifier": r["identifier"],
            "title": r["title"],
            "description": r["description"],
            "url": linear_url(r["identifier"], r["title"]),
            "number": float(r["number"]),
            "priority": float(r["priority"]),
            "priorityLabel": PRIORITY_LABELS.get(r["priority"], "No priority"),
            "branchName": f"sandbox/{r['identifier'].lower()}-{slugify(r['title'], 40)}",
            "createdAt": r["created_at"],
            "updatedAt": r["updated_at"],
            "startedAt": r["started_at"],
            "completedAt": r["completed_at"],
            "canceledAt": r["canceled_at"],
            "archivedAt": trashed.at if trashed else None,
            "trashed": True if trashed else None,
            "_listed": trashed.listed if trashed else True,  # never projected: not in the schema
            "estimate": None,
            "dueDate": None,
            "labelIds": [],
            "state": states[r["state_id"]],
            "team": teams[r["team_id"]],
            "assignee": None,
            "creator": None,
        }

    def find_row(self, ident: str) -> sqlite3.Row | None:
        m = _IDENTIFIER.match(ident.strip())
        if m:
            key = f"{m.group(1).upper()}-{int(m.group(2))}"
            return self.conn.execute(  # type: ignore[no-any-return]
                "SELECT * FROM linear_issues WHERE identifier = ?", (key,)
            ).fetchone()
        return self.conn.execute(  # type: ignore[no-any-return]
            "SELECT * FROM linear_issues WHERE id = ?", (ident.strip(),)
        ).fetchone()

    def node_for(self, ident: str) -> JSON:
        row = self.find_row(ident)
        if row is None:
            raise not_found("Issue")
        return self._nodes("WHERE id = ?", (row["id"],))[0]

    # -- resolvers ---------------------------------------------------------------------------
    def r_issue(self, args: JSON) -> Any:
        ident = args.get("id")
        if not isinstance(ident, str):
            raise ResolverError("Argument id is required")
        return self.node_for(ident)

    def r_issues(self, args: JSON) -> Any:
        nodes = [n for n in self._listed(args) if linear_search.matches(n, args.get("filter"))]
        if args.get("orderBy") == "updatedAt":
            nodes.sort(key=lambda n: n["updatedAt"], reverse=True)
        return _paginate(nodes, args)

    def _listed(self, args: JSON) -> list[JSON]:
        return [n for n in self._nodes() if trash.listed(n, args)]

    def r_search(self, args: JSON) -> Any:
        term = args.get("term")
        if not isinstance(term, str):
            raise ResolverError("Argument term is required")
        nodes = [n for n in self._listed(args) if linear_search.matches(n, args.get("filter"))]
        ranked = linear_search.rank(term, nodes, args.get("teamId"))
        page = _paginate(ranked, args)
        page["totalCount"] = float(len(ranked))
        return page

    def r_teams(self, args: JSON) -> Any:
        return _paginate(list(self._teams().values()), args)

    def r_team(self, args: JSON) -> Any:
        ident = str(args.get("id", ""))
        for team in self._teams().values():
            if ident in (team["id"], team["key"]):
                return team
        raise not_found("Team")

    def r_viewer(self, _args: JSON) -> Any:
        return {
            "id": "00000000-0000-4000-8000-0000000000aa",
            "name": "Sandbox Bot",
            "displayName": "sandbox",
            "email": "bot@sandboxco.dev",
            "active": True,
        }

    def r_organization(self, _args: JSON) -> Any:
        return {
            "id": "00000000-0000-4000-8000-0000000000bb",
            "name": "Sandbox Co",
            "urlKey": "sandbox",
        }

    def r_issue_create(self, args: JSON) -> Any:
        data = args.get("input")
        if not isinstance(data, dict):
            raise ResolverError("Argument input is required")
        team = self.conn.execute(
            "SELECT * FROM linear_teams WHERE id = ?", (data.get("teamId"),)
        ).fetchone()
        if team is None:
            raise not_found("Team")
        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ResolverError("title must not be empty", user_message="Title is required.")
        issue_id = data.get("id") or new_uuid()
        if self.conn.execute("SELECT 1 FROM linear_issues WHERE id = ?", (issue_id,)).fetchone():
            raise ResolverError(f"Issue with id {issue_id} already exists")
        state = self.conn.execute(
            "SELECT id FROM linear_states WHERE team_id = ? AND type = 'backlog'", (team["id"],)
        ).fetchone()
        number = self.conn.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM linear_issues WHERE team_id = ?",
            (team["id"],),
        ).fetchone()[0]
        now = iso_ms(self.clock())
        priority = data.get("priority") if isinstance(data.get("priority"), int) else 0
        self.conn.execute(
            "INSERT INTO linear_issues VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                issue_id,
                team["id"],
                number,
                f"{team['key']}-{number}",
                title.strip(),
                data.get("description"),
                state["id"],
                priority,
                now,
                now,
                None,
                None,
                None,
            ),
        )
        return {"success": True, "lastSyncId": float(number), "issue": self.node_for(issue_id)}

    def r_issue_update(self, args: JSON) -> Any:
        row = self.find_row(str(args.get("id", "")))
        if row is None:
            raise not_found("Issue")
        data = args.get("input") or {}
        if "stateId" in data:
            state = self.conn.execute(
                "SELECT type FROM linear_states WHERE id = ? AND team_id = ?",
                (data["stateId"], row["team_id"]),
            ).fetchone()
            if state is None:
                raise not_found("WorkflowState")
            self.set_state(row["id"], str(data["stateId"]), state["type"])
        for key, col in (
            ("title", "title"),
            ("description", "description"),
            ("priority", "priority"),
        ):
            if key in data:
                self.conn.execute(
                    f"UPDATE linear_issues SET {col} = ?, updated_at = ? WHERE id = ?",  # noqa: S608
                    (data[key], iso_ms(self.clock()), row["id"]),
                )
        return {"success": True, "lastSyncId": 1.0, "issue": self.node_for(row["id"])}

    def set_state(self, issue_id: str, state_id: str, state_type: str) -> None:
        now = iso_ms(self.clock())
        done = now if state_type == "completed" else None
        canceled = now if state_type in ("canceled", "duplicate") else None
        self.conn.execute(
            "UPDATE linear_issues SET state_id = ?, updated_at = ?, completed_at = ?,"
            " canceled_at = ?, started_at = coalesce(started_at, ?) WHERE id = ?",
            (state_id, now, done, canceled, now if state_type == "started" else None, issue_id),
        )

    # -- execution ---------------------------------------------------------------------------
    def execute(self, raw: bytes) -> Response:
        refused = self.rate_limits.take(self.clock())
        if refused is not None:
            return refused
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return gql_errors(400, "Body must be valid JSON", "BAD_REQUEST")
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return gql_errors(400, "Must provide query string.", "BAD_REQUEST")
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return gql_errors(400, "Variables must be an object.", "BAD_REQUEST")
        try:
            doc = parse(body["query"])
            op = _pick(doc, body.get("operationName"))
        except GraphQLSyntaxError as exc:
            return gql_errors(400, str(exc), "GRAPHQL_PARSE_FAILED")
        root = {"query": "Query", "mutation": "Mutation"}.get(op.kind)
        if root is None:
            return gql_errors(400, "Subscriptions are not supported.", "GRAPHQL_VALIDATION_FAILED")
        variables = {**{k: resolve_value(v, {}) for k, v in op.defaults.items()}, **variables}
        for name, type_text in op.required.items():
            if variables.get(name) is None:
                msg = f'Variable "${name}" of required type "{type_text}" was not provided.'
                return gql_errors(400, msg, "GRAPHQL_VALIDATION_FAILED")
        try:
            problems = validate(op.selections, root, doc, variables)
        except GraphQLSyntaxError as exc:
            problems = [str(exc)]
        if problems:
            return gql_errors(400, problems[0], "GRAPHQL_VALIDATION_FAILED")
        return self._run(op, root, doc, variables)

    def _run(self, op: Operation, root: str, doc: Document, variables: JSON) -> Response:
        resolvers: dict[str, Callable[[JSON], Any]] = {
            "issue": self.r_issue,
            "issues": self.r_issues,
            "searchIssues": self.r_search,
            "teams": self.r_teams,
            "team": self.r_team,
            "viewer": self.r_viewer,
            "organization": self.r_organization,
            "issueCreate": self.r_issue_create,
            "issueUpdate": self.r_issue_update,
        }
        data: JSON = {}
        for fld in flatten(op.selections, doc, variables, root):
            if fld.name == "__typename":
                data[fld.key] = root
                continue
            args = {k: resolve_value(v, variables) for k, v in fld.args.items()}
            try:
                value = resolvers[fld.name](args)
            except ResolverError as exc:
                err = {
                    "message": str(exc),
                    "path": [fld.key],
                    "extensions": {
                        "code": exc.code,
                        "type": "invalid input",
                        "userError": True,
                        "userPresentableMessage": exc.user_message,
                    },
                }
                return json_response(200, {"data": None, "errors": [err]})
            child = TYPES[root][fld.name]
            assert child is not None
            data[fld.key] = project(value, fld.selections, child, doc, variables)
        return json_response(200, {"data": data})


def _pick(doc: Document, name: Any) -> Operation:
    if name:
        for op in doc.operations:
            if op.name == name:
                return op
        raise GraphQLSyntaxError(f'Unknown operation named "{name}".')
    if len(doc.operations) > 1:
        raise GraphQLSyntaxError(
            "Must provide operation name if query contains multiple operations."
        )
    return doc.operations[0]


def _connection(nodes: list[JSON]) -> JSON:
    return {
        "nodes": nodes,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


def _paginate(nodes: list[JSON], args: JSON) -> JSON:
    raw_first = args.get("first")
    first = raw_first if isinstance(raw_first, int) else 50
    start = 0
    after = args.get("after")
    if isinstance(after, str) and after.startswith("o:") and after[2:].isdigit():
        start = int(after[2:])
    page = nodes[start : start + max(0, int(first))]
    end = start + len(page)
    return {
        "nodes": page,
        "pageInfo": {
            "hasNextPage": end < len(nodes),
            "hasPreviousPage": start > 0,
            "startCursor": f"o:{start}" if page else None,
            "endCursor": f"o:{end}" if page else None,
        },
    }
