"""The Sandbox: one SQLite database behind Pylon, Linear and GitHub emulators.

`handle()` is the single, synchronous entry point; the httpx transport and the local HTTP
server are thin adapters around it. One connection guarded by one lock keeps it thread-safe
(the served mode runs a thread per request) without SQLite locking surprises.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import db
from .github import endpoints as github
from .github import fates as github_fates
from .linear import auth as linear_auth
from .linear import trash as linear_trash
from .linear.resolvers import CLOSED_TYPES, LinearApi
from .pylon import endpoints as pylon
from .pylon.automations import Automations
from .pylon.common import ODD_CURSORS, NotFound
from .ratelimit import RateLimiter
from .seed.seeder import DEFAULT_SEED, seed
from .util import JSON, Response, bump_time, iso, json_response, new_uuid, pylon_error

PYLON_HOSTS = {"api.usepylon.com": "us", "api.eu.usepylon.com": "eu"}
EU_PREFIX = "pylon_api_eu_"  # Pylon's docs: EU tokens start so, US ones `pylon_api_`
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
DIRECTORY_ROUTES = (
    "users", "teams", "accounts", "account", "issue-statuses", "custom-fields",
    "user", "team", "users-search", "custom-field",
)  # fmt: skip
"""What a token with a restricted role may be refused (Pylon: a token's Role limits what it can
access): the names a board looks up, never the tickets themselves."""


class Sandbox:
    """Local Pylon + Linear + GitHub over SQLite; speaks JSON only (never imports the app)."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        now: Callable[[], datetime] | None = None,
        rate_limits: bool = False,
        required_token: str | None = None,
        linear_key: str | None = None,
        seed: int = DEFAULT_SEED,
        automations: bool = True,
    ) -> None:
        path = str(db_path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = db.connect(path)
        self._lock = threading.RLock()
        self._clock = now
        self._seed = seed
        self.rate_limits = rate_limits
        self.required_token = required_token
        # Linear personal keys differ from Pylon tokens; fall back to the Pylon one if unset.
        self.linear_key = linear_key
        self._limiter = RateLimiter()
        self._faults: deque[tuple[int, int | None]] = deque()
        self.request_log: deque[tuple[str, str, str, int]] = deque(maxlen=10_000)
        self._pylon = pylon.PylonApi(self._conn, self.now)
        self._pylon.automations.enabled = automations
        self._linear = LinearApi(self._conn, self.now)
        self.restricted: frozenset[str] = frozenset()
        """Route keys answering 403, as for a token whose role may not read them (restrict)."""
        self.loopback_region: str | None = None
        """The Pylon region a request to 127.0.0.1 plays ("us"/"eu"), so a served sandbox can
        refuse a token of the other region; None: loopback checks no region."""

    # -- lifecycle ---------------------------------------------------------------------------
    def now(self) -> datetime:
        current = self._clock() if self._clock else datetime.now(UTC)
        return current if current.tzinfo else current.replace(tzinfo=UTC)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def is_seeded(self) -> bool:
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM meta WHERE key = 'org_id'").fetchone() is not None
            )

    def ensure_seeded(self, n_tickets: int = 80) -> bool:
        """Seed an empty database; returns True if it seeded (a reused file keeps its edits)."""
        with self._lock:
            if self.is_seeded():
                return False
            self._write_seed(n_tickets)
            return True

    def reseed(self, n_tickets: int = 80) -> None:
        with self._lock:
            self._write_seed(n_tickets)
            self._limiter.reset()

    def _write_seed(self, n_tickets: int) -> None:
        self._conn.execute("BEGIN")
        try:
            db.wipe(self._conn)
            seed(self._conn, n_tickets, self.now(), self._seed)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def ticket_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM issues").fetchone()[0])

    @property
    def automations(self) -> Automations:
        """Pylon's own status moves (on by default; see pylon/automations.py): set `enabled`
        to False for the simpler rules, `reply_delay` for how long the AI's move takes."""
        return self._pylon.automations

    # -- faults (for sync / fault tests) ----------------------------------------------------
    def odd_cursors(self, kind: str | None) -> None:
        """From now on, the last page of a search or a thread promises more: "empty" sends
        has_next_page with an empty cursor, "repeat" a cursor that leads back to itself;
        None pages honestly again."""
        if kind is not None and kind not in ODD_CURSORS:
            raise ValueError(f"odd cursor kind must be one of {ODD_CURSORS} or None")
        with self._lock:
            self._pylon.odd_cursor = kind

    def restrict(self, routes: Iterable[str] = DIRECTORY_ROUTES) -> None:
        """Play a token with a restricted role: from now on `routes` (route keys; the
        directory endpoints by default) answer 403 `forbidden`; `restrict(())` lifts it."""
        keys = frozenset(routes)
        known = {route[3] for route in pylon.ROUTES}
        if not keys <= known:
            raise ValueError(f"unknown route keys {sorted(keys - known)}")
        with self._lock:
            self.restricted = keys

    def add_status(self, slug: str, label: str, category: str) -> None:
        """A workspace status beyond the seeded ones (e.g. with a category no client knows):
        listed by GET /issue-statuses, and tickets may be moved into it."""
        with self._lock:
            self._pylon.extra_statuses.append(
                {
                    "slug": slug,
                    "label": label,
                    "category": category,
                    "is_default_status": False,
                    "is_archived": False,
                }
            )

    def fail_next(self, count: int = 1, status: int = 500, retry_after: int | None = None) -> None:
        """Make the next `count` requests (any service) fail with `status`."""
        with self._lock:
            self._faults.extend([(status, retry_after)] * count)

    # -- the entry point ---------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = unquote(parts.path).rstrip("/") or "/"
        query = dict(parse_qsl(parts.query))
        hdrs = {k.lower(): v for k, v in headers.items()}
        method = method.upper()
        if host in PYLON_HOSTS:
            service, region = "pylon", PYLON_HOSTS[host]
        elif host == "api.linear.app":
            service, region = "linear", None
        elif host == "api.github.com":
            service, region = "github", None
        elif host in LOCAL_HOSTS:
            region = self.loopback_region
            if path == "/graphql":
                service = "linear"
            elif path.startswith("/github/"):
                service, path = "github", path[len("/github") :]
            else:
                service = "pylon"
        else:
            return pylon_error(404, f"sandbox does not serve host {host!r}")
        with self._lock:
            response = self._serve(service, region, method, path, query, hdrs, body)
            self.request_log.append((service, method, path, response[0]))
            return response

    def _serve(
        self,
        service: str,
        region: str | None,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: bytes,
    ) -> Response:
        if self._faults:
            status, retry_after = self._faults.popleft()
            extra = None
            if retry_after is not None:  # Pylon names a 429's wait in X-Retry-After only
                extra = {"x-retry-after" if status == 429 else "retry-after": str(retry_after)}
            return pylon_error(status, f"sandbox injected fault ({status})", headers=extra)
        if service == "github":
            return github.handle(self._conn, method, path, headers)
        if service == "linear":
            return self._serve_linear(method, path, headers, body)
        denied = self._pylon_auth(region, headers)
        if denied:
            return denied
        route = pylon.match(method, path)
        if route is None:
            return pylon_error(404, f"not found: {method} {path}")
        handler, params, key, budget = route
        if self.rate_limits:
            wait = self._limiter.check(key, budget, self.now())
            if wait is not None:
                return pylon_error(
                    429,
                    f"rate limit exceeded for {key}: {budget} requests per minute",
                    headers={"x-retry-after": str(wait), "x-rate-limit-remaining": "0"},
                )
        if key in self.restricted:
            return pylon_error(403, f"this API token's role may not access {method} {path}")

        def run() -> Response:
            self._pylon.automations.run_due(self._pylon.touch)  # Pylon's background work
            return pylon.dispatch(self._pylon, handler, params, query, body)

        return self._transaction(run)

    def _transaction(self, fn: Callable[[], Response]) -> Response:
        self._conn.execute("BEGIN")
        try:
            result = fn()
        except Exception as exc:  # a sandbox bug must look like a server error, not a hang
            self._conn.execute("ROLLBACK")
            return pylon_error(500, f"internal sandbox error: {type(exc).__name__}: {exc}")
        self._conn.execute("COMMIT")
        return result

    def _pylon_auth(self, region: str | None, headers: dict[str, str]) -> Response | None:
        if self.required_token is None:
            return None
        auth = headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            return pylon_error(
                401,
                "missing or malformed Authorization header: expected Bearer <token>",
                code="invalid_authorization_header",
            )
        token = auth[7:].strip()
        home = "eu" if token.startswith(EU_PREFIX) else "us"
        if region is not None and home != region:
            host = next(h for h, r in PYLON_HOSTS.items() if r == home)
            return pylon_error(
                401,
                f"this API token belongs to another region: use https://{host}",
                code="wrong_region_token",
            )
        if token != self.required_token:
            return pylon_error(401, "unauthorized: invalid API token")
        return None

    def _serve_linear(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> Response:
        if path != "/graphql" or method != "POST":
            return json_response(404, {"errors": [{"message": f"Cannot {method} {path}"}]})
        key = self.linear_key or self.required_token
        auth = headers.get("authorization", "")
        if key is not None and not linear_auth.accepts(auth, key):
            hint = "Authentication required, not authenticated"
            hint += linear_auth.refusal_hint(auth, key)
            err = {
                "message": hint,
                "extensions": {
                    "code": "AUTHENTICATION_ERROR",
                    "type": "authentication error",
                    "userError": True,
                    "statusCode": 401,
                    "userPresentableMessage": "You need to authenticate to access this operation.",
                },
            }
            return json_response(401, {"errors": [err]})
        return self._transaction(lambda: self._linear.execute(body))

    # -- demo controls (pylon-tui sandbox ...) -----------------------------------------------
    def close_linear_issue(
        self, identifier_or_id: str, state_type: str = "completed"
    ) -> dict[str, Any]:
        """Move a Linear issue to its team's state of `state_type` (auto-return demo)."""
        if state_type not in (*CLOSED_TYPES, "triage", "backlog", "unstarted", "started"):
            raise ValueError(f"unknown workflow state type {state_type!r}")
        with self._lock:
            row = self._linear.find_row(identifier_or_id)
            if row is None:
                raise KeyError(f"Linear issue {identifier_or_id!r} not found")
            state = self._conn.execute(
                "SELECT id FROM linear_states WHERE team_id = ? AND type = ? ORDER BY position",
                (row["team_id"], state_type),
            ).fetchone()
            if state is None:
                raise ValueError(f"team has no {state_type!r} state")
            self._linear.set_state(row["id"], state["id"], state_type)
        return self.linear_issue(row["id"])

    def linear_issue(self, identifier_or_id: str) -> dict[str, Any]:
        """A Linear issue summary (id, identifier, title, url, state, timestamps)."""
        with self._lock:
            row = self._linear.find_row(identifier_or_id)
            if row is None:
                raise KeyError(f"Linear issue {identifier_or_id!r} not found")
            node = self._linear.node_for(row["id"])
        keep = ("id", "identifier", "title", "url", "updatedAt", "completedAt", "canceledAt")
        out: JSON = {k: node[k] for k in (*keep, "trashed")}
        out["state"] = {k: node["state"][k] for k in ("id", "name", "type")}
        out["team"] = {k: node["team"][k] for k in ("id", "key", "name")}
        return out

    def close_github_issue(self, key: str, state: str = "closed") -> dict[str, Any]:
        with self._lock:
            found = self._conn.execute(
                "SELECT key FROM github_issues WHERE lower(key) = lower(?)", (key,)
            ).fetchone()
            if found is None:
                raise KeyError(f"GitHub issue {key!r} not found")
            self._conn.execute(
                "UPDATE github_issues SET state = ?, updated_at = ? WHERE key = ?",
                (state, iso(self.now()), found["key"]),
            )
        return {"external_id": found["key"], "state": state}

    def transfer_github_issue(self, key: str, to: str) -> dict[str, Any]:
        """Transfer a GitHub issue to `to` (owner/repo/number): its old address answers 301."""
        with self._lock:
            moved = github_fates.transfer(self._conn, key, to, iso(self.now()))
        return {"external_id": key, "moved_to": moved}

    def delete_github_issue(self, key: str) -> dict[str, Any]:
        """Delete a GitHub issue: from now on it answers 410 Gone."""
        with self._lock:
            found = github_fates.delete(self._conn, key, iso(self.now()))
        return {"external_id": found, "state": github_fates.DELETED}

    def trash_linear_issue(self, identifier_or_id: str, *, listed: bool = True) -> dict[str, Any]:
        """Put a Linear issue in the trash; `listed=False` also drops it from
        `issues(includeArchived: true)` (Linear's docs do not say which it does)."""
        with self._lock:
            row = self._linear.find_row(identifier_or_id)
            if row is None:
                raise KeyError(f"Linear issue {identifier_or_id!r} not found")
            linear_trash.trash(self._conn, row["id"], iso(self.now()), listed=listed)
        return self.linear_issue(row["id"])

    def linear_rate_limit(
        self, count: int = 1, *, status: int = 400, reset_in: float = 60.0
    ) -> None:
        """Refuse the next `count` Linear requests with RATELIMITED over HTTP `status` (400,
        200 or 429), naming a reset `reset_in` seconds away."""
        with self._lock:
            self._linear.rate_limits.refuse_next(count, status=status, reset_in=reset_in)

    def customer_message(self, issue: str, html: str) -> dict[str, Any]:
        """Simulate the customer writing in Slack: Pylon moves the ticket back to On You
        (out of On Hold too: new public activity)."""
        with self._lock:
            self._pylon.automations.run_due(self._pylon.touch)
            try:
                row = self._pylon.issue_row(issue)
            except NotFound:
                raise KeyError(f"Pylon issue {issue!r} not found") from None
            contact = row["requester_id"]
            name, email = self._conn.execute(
                "SELECT name, email FROM contacts WHERE id = ?", (contact,)
            ).fetchone() or ("Customer", None)
            stamp = bump_time(self.now(), row["updated_at"])
            msg_id = new_uuid()
            self._conn.execute(
                "INSERT INTO messages VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (msg_id, row["id"], stamp, 0, html, "slack", name, None, contact, email, None),
            )
            changes: JSON = {"latest_message_time": stamp}
            changes.update(self._pylon.automations.after_customer_message(row))
            self._pylon.touch(row, changes)
            issue_json = self._pylon.issue_out(row["id"])
        return {"message_id": msg_id, "issue": issue_json}
