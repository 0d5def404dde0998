"""LinearClient: the few Linear GraphQL operations the On Hold gate and link watcher need.

Linear reports most failures as GraphQL `errors` inside a 200 (or a 400) rather than through
the status code, so both paths are mapped onto the same ApiError tree the Pylon client uses;
the sync layer never needs to know which service failed or how.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

import httpx

from pylon_tui.domain import IssueStateType, LinkedIssue
from pylon_tui.domain.issue_refs import IssueRefError, parse_linear_issue
from pylon_tui.domain.links import LinearTeam as LinearTeam  # re-exported: it was defined here

from . import linear_queries as q
from .auth import token_auth
from .cooldown import Cooldown
from .errors import (
    ApiError,
    AuthError,
    BadResponseError,
    CallerError,
    NotFoundError,
    RateLimitedError,
    RequestError,
    error_for_status,
)
from .httpkit import USER_AGENT, HttpClientBase, decode_json, guarded, header_request_id, send
from .secrecy import Secrets
from .waits import clamp_wait, server_wait
from .wire import clean_text

SERVICE = "Linear"
LINEAR_URL = "https://api.linear.app/graphql"
BATCH = 250  # Linear's maximum page size
MISSING_LOOKUPS = 5  # ids a batch left out that one call looks up one by one
DEFAULT_WAIT = 60.0  # after a rate limit that names no reset time: Linear's windows are hourly
AUTH_HINT = (
    "check the Linear key (LINEAR_API_KEY, or [linear] token / token_command in config.toml): "
    "a personal API key (lin_api_...) from Linear's settings, or an OAuth access token "
    "(lin_oauth_...)"
)
PERSONAL_PREFIX = "lin_api_"
OAUTH_PREFIX = "lin_oauth_"
_BEARER = re.compile(r"(?i)^bearer(?:\s+|$)")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


class LinearRefError(CallerError):
    """User input that is not a Linear issue URL, identifier or UUID (shown as-is)."""


def parse_linear_ref(text: str) -> str:
    """Normalise what a user pasted: URL or `eng-123` -> `ENG-123`; UUID -> lowercase UUID."""
    try:
        return parse_linear_issue(text)
    except IssueRefError as error:
        raise LinearRefError(str(error)) from None


def linear_credentials(api_key: str | None) -> tuple[str | None, str]:
    """The token and the Authorization scheme Linear expects for it.

    Personal keys (`lin_api_...`) go as they are: Linear refuses them behind "Bearer". OAuth
    access tokens (`lin_oauth_...`) need "Bearer ". A "Bearer " pasted in front of the key is
    dropped first; it is taken as a hint only for a token whose kind the prefix does not tell.
    """
    raw = (api_key or "").strip()
    token = _BEARER.sub("", raw).strip()
    if not token:
        return None, ""
    if token.startswith(PERSONAL_PREFIX):
        return token, ""
    if token.startswith(OAUTH_PREFIX) or token != raw:
        return token, "Bearer "
    return token, ""


def is_uuid(value: str) -> bool:
    return bool(_UUID.fullmatch(value.strip()))


class LinearClient(HttpClientBase):
    _service = SERVICE

    def __init__(
        self,
        api_key: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        url: str = LINEAR_URL,
        timeout: float = 15.0,
        user_agent: str = USER_AGENT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": user_agent}
        self.url = url
        token, scheme = linear_credentials(api_key)
        self._secrets = Secrets((api_key, token))
        self._clock = clock
        self._cooldown = Cooldown(clock)
        self._absent: set[str] = set()
        auth = token_auth(token, scheme=scheme)
        self._configure(headers=headers, auth=auth, transport=transport, timeout=timeout)

    def __repr__(self) -> str:
        return f"LinearClient(url={self.url!r})"

    # ------------------------------------------------------------------ operations

    @guarded
    async def issue(self, ref: str) -> LinkedIssue | None:
        """URL, identifier or UUID -> the issue, or None when Linear has no such issue."""
        try:
            data = await self._graphql(q.ISSUE, {"id": parse_linear_ref(ref)})
        except NotFoundError:
            return None
        node = data.get("issue")
        return None if node is None else issue_from_node(node)

    @guarded
    async def issues_by_ids(self, ids: Iterable[str]) -> dict[str, LinkedIssue]:
        """Many issues by UUID in one query per 250; keys are the ids as passed in.

        Ids that are not UUIDs are skipped (resolve them with `issue()`): one bad id in an
        `in` filter would otherwise fail the whole batch and blind the link watcher.
        """
        wanted: dict[str, str] = {}
        for raw in ids:
            if is_uuid(raw):
                wanted.setdefault(str(uuid.UUID(raw.strip())), raw)
        found: dict[str, LinkedIssue] = {}
        keys = list(wanted)
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            data = await self._graphql(q.ISSUES_BY_IDS, {"ids": chunk, "first": len(chunk)})
            for node in _nodes(data, "issues"):
                issue = issue_from_node(node)
                original = wanted.pop(issue.external_id.lower(), None)
                if original is not None:
                    found[original] = issue
        await self._look_for_missing(wanted, found)
        return found

    async def _look_for_missing(
        self, missing: dict[str, str], found: dict[str, LinkedIssue]
    ) -> None:
        """Ask for ids the batch left out, one by one: Linear may drop a trashed issue from
        `issues` even with includeArchived, while `issue(id:)` still answers `trashed: true`.
        Bounded per call, and an id Linear says does not exist is not asked for again, so a
        dead link costs one request per session, not one per poll."""
        asked = 0
        for key, original in missing.items():
            if key in self._absent or asked >= MISSING_LOOKUPS:
                continue
            asked += 1
            issue = await self.issue(key)
            if issue is None:
                self._absent.add(key)
            else:
                found[original] = issue

    @guarded
    async def search(self, term: str, first: int = 10) -> list[LinkedIssue]:
        """Likely duplicates for the On Hold modal (Linear's full-text `searchIssues`)."""
        term = term.strip()
        if not term:
            return []
        first = max(1, min(first, BATCH))
        data = await self._graphql(q.SEARCH_ISSUES, {"term": term, "first": first})
        return [issue_from_node(node) for node in _nodes(data, "searchIssues")]

    @guarded
    async def create_issue(
        self, team_id: str, title: str, description: str, *, issue_id: str | None = None
    ) -> LinkedIssue:
        """Create an issue. Pass a client-made `issue_id` (UUID v4) to make retries safe: if a
        previous attempt already created it (its answer lost), that issue is returned."""
        variables = {"teamId": team_id, "title": title, "description": description}
        if issue_id:
            variables["id"] = issue_id
        try:
            data = await self._graphql(q.CREATE_ISSUE, variables)
        except ApiError:
            existing = await self.issue(issue_id) if issue_id else None
            if existing is None:
                raise
            return existing
        payload = data.get("issueCreate")
        if not isinstance(payload, dict) or payload.get("success") is not True:
            raise RequestError("Linear did not create the issue", service=SERVICE)
        node = payload.get("issue")
        if node is None:
            raise BadResponseError("issueCreate succeeded but returned no issue", service=SERVICE)
        return issue_from_node(node)

    @guarded
    async def teams(self) -> list[LinearTeam]:
        teams: list[LinearTeam] = []
        after: str | None = None
        for _ in range(100):
            data = await self._graphql(q.TEAMS, {"first": BATCH, "after": after})
            for node in _nodes(data, "teams"):
                team_id, key = node.get("id"), node.get("key")
                if isinstance(team_id, str) and isinstance(key, str):
                    name = node.get("name")
                    teams.append(LinearTeam(team_id, key, name if isinstance(name, str) else key))
            connection = data.get("teams")
            info = connection.get("pageInfo") if isinstance(connection, dict) else None
            if not isinstance(info, dict) or info.get("hasNextPage") is not True:
                break
            cursor = info.get("endCursor")
            if not isinstance(cursor, str) or cursor == after:
                break
            after = cursor
        return teams

    # ------------------------------------------------------------------ transport

    async def _graphql(self, document: str, variables: Mapping[str, object]) -> dict[str, object]:
        waiting = self._cooldown.remaining()
        if waiting > 0:
            # Linear said how long to wait: asking earlier only burns more of the hourly budget.
            raise RateLimitedError(
                f"Linear is rate limiting us; next try in {waiting:.0f}s",
                retry_after=waiting,
                service=SERVICE,
            )
        request = self._http.build_request(
            "POST", self.url, json={"query": document, "variables": dict(variables)}
        )
        response = await send(self._http, request, service=SERVICE, secrets=self._secrets)
        outcome = self._outcome(response)
        if isinstance(outcome, RateLimitedError):
            self._cooldown.hold(outcome.retry_after)
        if isinstance(outcome, ApiError):
            # Raised here, not where the body was read: no frame in the traceback holds an
            # error body (which may echo the key back) as a local variable.
            raise outcome
        return outcome

    def _outcome(self, response: httpx.Response) -> dict[str, object] | ApiError:
        """The `data` of a GraphQL answer, or the error it amounts to (returned, not raised)."""
        request_id = header_request_id(response)
        try:
            body = decode_json(
                response, service=SERVICE, request_id=request_id, secrets=self._secrets
            )
        except BadResponseError as error:
            if response.status_code < 300:
                return error
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            return self._graphql_error(errors, response, request_id)
        if response.status_code >= 300:
            return self._status_error(response, [], request_id)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return BadResponseError(
                "GraphQL response has no data", service=SERVICE, request_id=request_id
            )
        return data

    def _retry_after(self, response: httpx.Response) -> float:
        """Linear sends no Retry-After but `x-ratelimit-*-reset` times in epoch milliseconds."""
        return clamp_wait(server_wait(response.headers, self._clock()), DEFAULT_WAIT)

    def _status_error(
        self,
        response: httpx.Response,
        messages: list[str],
        request_id: str | None,
        *,
        as_status: int | None = None,
    ) -> ApiError:
        """`as_status` lets a GraphQL error code pick the class its HTTP twin would get."""
        status = as_status or response.status_code
        retry = self._retry_after(response) if status == 429 else None
        error = error_for_status(
            status,
            messages,
            service=SERVICE,
            request_id=request_id,
            retry_after=retry,
            secrets=self._secrets,
        )
        error.status = response.status_code
        if isinstance(error, AuthError):
            error.hint = AUTH_HINT if status == 401 else "the API key lacks access to this"
        return error

    def _graphql_error(
        self, errors: list[object], response: httpx.Response, request_id: str | None
    ) -> ApiError:
        codes: set[str] = set()
        messages: list[str] = []
        for item in errors:
            if not isinstance(item, dict):
                continue
            ext = item.get("extensions")
            ext = ext if isinstance(ext, dict) else {}
            # Linear's docs name `code` (RATELIMITED); its SDK reads `type` (ratelimited).
            for name in ("code", "type"):
                code = ext.get(name)
                if isinstance(code, str):
                    codes.add(code.upper().replace(" ", "_"))
            text = ext.get("userPresentableMessage") or item.get("message")
            if isinstance(text, str) and text and text not in messages:
                messages.append(text)
        lowered = " ".join(messages).lower()
        status = response.status_code if response.status_code >= 400 else 400
        if "RATELIMITED" in codes:
            status = 429
        elif "AUTHENTICATION_ERROR" in codes:
            status = 401
        elif "FORBIDDEN" in codes:
            status = 403
        elif "not found" in lowered or "could not find" in lowered:
            status = 404
        elif "INTERNAL_SERVER_ERROR" in codes:
            status = 500
        return self._status_error(
            response, messages or ["GraphQL error"], request_id, as_status=status
        )


def _nodes(data: Mapping[str, object], field: str) -> list[dict[str, object]]:
    connection = data.get(field)
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    if not isinstance(nodes, list):
        raise BadResponseError(f"{field} response has no nodes list", service=SERVICE)
    return [node for node in nodes if isinstance(node, dict)]


def issue_from_node(node: object) -> LinkedIssue:
    """An Issue/IssueSearchResult node -> LinkedIssue; the UUID becomes Pylon's external_id."""
    if not isinstance(node, dict):
        raise BadResponseError("issue node is not an object", service=SERVICE)
    issue_id, identifier = node.get("id"), node.get("identifier")
    if not isinstance(issue_id, str) or not isinstance(identifier, str):
        raise BadResponseError("issue node lacks 'id' or 'identifier'", service=SERVICE)
    state = node.get("state")
    state = state if isinstance(state, dict) else {}
    team = node.get("team")
    team_key = team.get("key") if isinstance(team, dict) else None
    title, url, state_name = node.get("title"), node.get("url"), state.get("name")
    state_type = state.get("type")
    # A trashed issue keeps whatever state it had; it is gone all the same.
    trashed = node.get("trashed") is True
    canonical = None
    if state_type == "duplicate":
        canonical = _duplicate_of(node)
    return LinkedIssue(
        source="linear",
        external_id=clean_text(issue_id),
        identifier=clean_text(identifier),
        title=clean_text(title) if isinstance(title, str) else "",
        state_name="deleted"
        if trashed
        else (clean_text(state_name) if isinstance(state_name, str) else ""),
        state_type=IssueStateType.parse(state_type if isinstance(state_type, str) else None),
        url=clean_text(url) if isinstance(url, str) else "",
        team=clean_text(team_key) if isinstance(team_key, str) else None,
        deleted=trashed,
        assignee=_name_in(node.get("assignee")),
        release=_first_release(node.get("releases")),
        canonical=canonical,
    )


def _name_in(value: object) -> str | None:
    name = value.get("name") if isinstance(value, dict) else None
    return clean_text(name) if isinstance(name, str) and name.strip() else None


def _first_release(connection: object) -> str | None:
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    if isinstance(nodes, list) and nodes:
        return _name_in(nodes[0])
    return None


def _duplicate_of(node: Mapping[str, object]) -> LinkedIssue | None:
    """The issue a duplicate duplicates: its "duplicate" relation's related issue, when
    Linear says (a malformed one is no canonical issue, never an error)."""
    connection = node.get("relations")
    nodes = connection.get("nodes") if isinstance(connection, dict) else None
    for relation in nodes if isinstance(nodes, list) else []:
        if not isinstance(relation, dict) or relation.get("type") != "duplicate":
            continue
        related = relation.get("relatedIssue")
        if isinstance(related, dict) and related.get("id") != node.get("id"):
            try:
                return issue_from_node(related)
            except BadResponseError:
                return None
    return None
