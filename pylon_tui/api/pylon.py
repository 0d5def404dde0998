"""PylonClient: the only code that speaks Pylon's REST API.

One shared httpx.AsyncClient (connection reuse matters over slow SSH-hop networks), every
request metered by a RateBudget, and every answer turned into domain objects or an ApiError
before it leaves this module. Nothing is retried here except after a 429 (the server refused
the request before acting on it); other transient failures are left to the sync outbox, which
knows whether a resend of a non-idempotent write is safe.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable, Iterator, Mapping
from contextlib import aclosing, contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from pylon_tui.domain import Account, Message, Priority, StateInfo, Team, Ticket, User

from . import bodies, wire
from .budget import DEFAULT_PENALTY, RateBudget
from .errors import (
    ApiError,
    BadResponseError,
    NotFoundError,
    RateLimitedError,
    RequestError,
    error_for_status,
)
from .httpkit import (
    USER_AGENT,
    HttpClientBase,
    decode_json,
    guarded,
    guarded_pages,
    header_request_id,
    send,
)
from .secrecy import Secrets, token_auth
from .skipped import SkippedTickets, tickets_from_json
from .waits import clamp_wait, server_wait
from .wire import CustomField, Organisation, PriorityOptions

SERVICE = "Pylon"
MAX_PAGES = 1000  # a runaway-pagination guard, far above any real workspace
_T = TypeVar("_T")


class PylonClient(HttpClientBase):
    _service = SERVICE

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        budget: RateBudget | None = None,
        timeout: float = 15.0,
        user_agent: str = USER_AGENT,
        priority_options: PriorityOptions | None = None,
        max_rate_retries: int = 2,
        max_retry_wait: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": user_agent}
        self.base_url = base_url.rstrip("/")
        self.budget = budget if budget is not None else RateBudget()
        self.max_rate_retries = max_rate_retries
        self.max_retry_wait = max_retry_wait
        self.skipped = SkippedTickets()
        """Tickets the latest search left out as unusable (shown by the board and the CLI)."""
        self._clock = clock
        self._secrets = Secrets((token,))
        self._configure(
            base_url=self.base_url,
            headers=headers,
            auth=token_auth(token),
            transport=transport,
            timeout=timeout,
        )
        self._priority = priority_options
        self._priority_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"PylonClient(base_url={self.base_url!r})"

    # ------------------------------------------------------------------ transport

    async def _call(
        self,
        key: str,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> object:
        """One logical request: budgeted, with bounded 429 retries, decoded or raised."""
        for attempt in range(self.max_rate_retries + 1):
            await self.budget.acquire(key)
            request = self._http.build_request(method, path, json=json, params=params)
            response = await send(self._http, request, service=SERVICE, secrets=self._secrets)
            if response.status_code < 300:
                return decode_json(response, service=SERVICE, secrets=self._secrets)
            error = self._error(response)
            if isinstance(error, RateLimitedError):
                self.budget.penalise(key, error.retry_after)
                if attempt < self.max_rate_retries and error.retry_after <= self.max_retry_wait:
                    continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, response: httpx.Response) -> ApiError:
        status = response.status_code
        if status < 400:
            location = response.headers.get("location", "?")
            return BadResponseError(
                f"unexpected redirect ({status}) to {location}",
                service=SERVICE,
                status=status,
                hint="check the Pylon base URL in config.toml (https, right region)",
                secrets=self._secrets,
            )
        try:
            body = decode_json(response, service=SERVICE, secrets=self._secrets)
        except BadResponseError:
            body = None  # an HTML error page from a proxy: the status still says enough
        messages, request_id = wire.error_messages(body)
        retry_after = None
        if status == 429:
            waited = server_wait(response.headers, self._clock())
            retry_after = clamp_wait(waited, DEFAULT_PENALTY)
        return error_for_status(
            status,
            messages,
            service=SERVICE,
            request_id=request_id or header_request_id(response),
            retry_after=retry_after,
            wrong_region=any("wrong_region_token" in m for m in messages),
            secrets=self._secrets,
        )

    # ------------------------------------------------------------------ issues

    @guarded_pages
    async def iter_search_pages(
        self, filter: Mapping[str, object], *, limit: int = bodies.MAX_PAGE
    ) -> AsyncGenerator[list[Ticket], None]:
        """Yield each page of POST /issues/search, following the cursor in the request body.

        A ticket whose JSON is unusable is left out and counted in `self.skipped`."""
        options = await self.priority_options()
        self.skipped = skipped = SkippedTickets()
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            body = await self._call(
                "search_issues",
                "POST",
                "/issues/search",
                json=bodies.search_body(filter, limit=limit, cursor=cursor),
            )
            with _parsing(body):
                items = wire.data_list(body, "search")
                cursor = wire.next_cursor(body)
            yield tickets_from_json(items, options, skipped)
            if cursor is None:
                return
            if cursor in seen:
                raise BadResponseError("search pagination repeated a cursor", service=SERVICE)
            seen.add(cursor)
        raise BadResponseError(f"search returned more than {MAX_PAGES} pages", service=SERVICE)

    @guarded
    async def search_issues(
        self,
        filter: Mapping[str, object],
        *,
        limit: int = bodies.MAX_PAGE,
        max_results: int | None = None,
    ) -> list[Ticket]:
        """Every matching ticket (deduplicated by id: a ticket edited mid-scan may repeat).

        `limit` is the page size sent to Pylon (1-999); `max_results` stops early.
        """
        found: dict[str, Ticket] = {}
        async with aclosing(self.iter_search_pages(filter, limit=limit)) as pages:
            async for page in pages:
                for ticket in page:
                    found[ticket.id] = ticket
                if max_results is not None and len(found) >= max_results:
                    break
        tickets = list(found.values())
        return tickets if max_results is None else tickets[:max_results]

    board_filter = staticmethod(bodies.board_filter)

    @staticmethod
    def updated_since_filter(
        since: datetime, *, skew: timedelta = timedelta(seconds=60)
    ) -> dict[str, object]:
        return bodies.updated_since_filter(since, skew=skew)

    @guarded
    async def get_issue(self, issue_id: str | int) -> Ticket:
        """By id or by number (GET /issues/{id} accepts both)."""
        body = await self._call("get_issue", "GET", f"/issues/{_seg(issue_id)}")
        with _parsing(body):
            data = wire.data_object(body, "issue response")
            if data is None:
                raise BadResponseError("issue response has no data", service=SERVICE)
            return wire.ticket_from_json(data, await self.priority_options())

    async def _write(self, issue_id: str, key: str, path: str, body: wire.JsonObj) -> Ticket:
        """Send a write; the response's issue if it has one, else re-read the ticket."""
        method = "PATCH" if key == "update_issue" else "POST"
        answer = await self._call(key, method, path, json=body)
        with _parsing(answer):
            data = wire.data_object(answer, f"{key} response")
            if data is not None:
                return wire.ticket_from_json(data, await self.priority_options())
        return await self.get_issue(issue_id)

    @guarded
    async def update_state(self, issue_id: str, state: str) -> Ticket:
        return await self._write(
            issue_id, "update_issue", f"/issues/{_seg(issue_id)}", bodies.state_body(state)
        )

    @guarded
    async def set_priority(self, issue_id: str, priority: Priority | None) -> Ticket:
        """None clears the priority."""
        body = bodies.priority_body(await self.priority_options(), priority)
        return await self._write(issue_id, "update_issue", f"/issues/{_seg(issue_id)}", body)

    @guarded
    async def assign(self, issue_id: str, user_id: str | None) -> Ticket:
        """None unassigns."""
        return await self._write(
            issue_id, "update_issue", f"/issues/{_seg(issue_id)}", bodies.assign_body(user_id)
        )

    @guarded
    async def link_external_issue(self, issue_id: str, source: str, external_id: str) -> Ticket:
        """Linear's external_id is the issue UUID; GitHub's is `Owner/Repo/Number`."""
        path = f"/issues/{_seg(issue_id)}/external-issues"
        return await self._write(
            issue_id, "external_issues", path, bodies.link_body(source, external_id)
        )

    @guarded
    async def unlink_external_issue(self, issue_id: str, source: str, external_id: str) -> Ticket:
        path = f"/issues/{_seg(issue_id)}/external-issues"
        body = bodies.link_body(source, external_id, unlink=True)
        return await self._write(issue_id, "external_issues", path, body)

    @guarded
    async def messages(self, issue_id: str) -> list[Message]:
        """The whole thread: `pagination.cursor` is followed while Pylon says there is more
        (a reply's replay check must see its marker on any page)."""
        path = f"/issues/{_seg(issue_id)}/messages"
        found: list[Message] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params = {"cursor": cursor} if cursor else None
            body = await self._call("messages", "GET", path, params=params)
            found += _parsed_list(body, wire.message_from_json, "messages")
            with _parsing(body):
                cursor = wire.next_cursor(body)
            if cursor is None:
                return found
            if cursor in seen:
                raise BadResponseError("messages pagination repeated a cursor", service=SERVICE)
            seen.add(cursor)
        raise BadResponseError(f"messages returned more than {MAX_PAGES} pages", service=SERVICE)

    @guarded
    async def reply(self, issue_id: str, body_html: str, message_id: str) -> str:
        """Customer-facing reply to `message_id`; returns the new message's id."""
        payload = bodies.reply_body(body_html, message_id)
        body = await self._call("reply", "POST", f"/issues/{_seg(issue_id)}/reply", json=payload)
        return _created_id(body)

    @guarded
    async def note(self, issue_id: str, body_html: str, *, thread_id: str | None = None) -> str:
        """Internal note (never shown to the customer); returns the new message's id."""
        payload = bodies.note_body(body_html, thread_id=thread_id)
        body = await self._call("note", "POST", f"/issues/{_seg(issue_id)}/note", json=payload)
        return _created_id(body)

    # ------------------------------------------------------------------ workspace

    @guarded
    async def users(self) -> list[User]:
        return _parsed_list(
            await self._call("users", "GET", "/users"), wire.user_from_json, "users"
        )

    @guarded
    async def teams(self) -> list[Team]:
        return _parsed_list(
            await self._call("teams", "GET", "/teams"), wire.team_from_json, "teams"
        )

    @guarded
    async def account(self, account_id: str) -> Account:
        body = await self._call("account", "GET", f"/accounts/{_seg(account_id)}")
        with _parsing(body):
            account = wire.account_from_json(wire.data_object(body, "account response"))
        if account is None:
            raise BadResponseError("account response has no usable account", service=SERVICE)
        return account

    @guarded
    async def accounts(self, *, page_size: int = bodies.MAX_PAGE) -> list[Account]:
        """Every account, following GET /accounts's cursor (a query parameter here)."""
        found: list[Account] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"limit": page_size}
            if cursor:
                params["cursor"] = cursor
            body = await self._call("accounts", "GET", "/accounts", params=params)
            found += _parsed_list(body, wire.account_from_json, "accounts")
            with _parsing(body):
                cursor = wire.next_cursor(body)
            if cursor is None:
                return found
            if cursor in seen:
                raise BadResponseError("accounts pagination repeated a cursor", service=SERVICE)
            seen.add(cursor)
        raise BadResponseError(f"accounts returned more than {MAX_PAGES} pages", service=SERVICE)

    @guarded
    async def issue_statuses(self) -> list[StateInfo]:
        body = await self._call("issue_statuses", "GET", "/issue-statuses")
        return _parsed_list(body, wire.status_from_json, "issue statuses")

    @guarded
    async def custom_fields(self, object_type: str = "issue") -> list[CustomField]:
        params = {"object_type": object_type}
        body = await self._call("custom_fields", "GET", "/custom-fields", params=params)
        return _parsed_list(body, wire.custom_field_from_json, "custom fields")

    @guarded
    async def priority_options(self, *, refresh: bool = False) -> PriorityOptions:
        """The workspace's priority option slugs, fetched once and cached.

        A workspace without the field (404 / refused) falls back to the identity mapping;
        network and auth failures propagate so they are reported, not masked.
        """
        if self._priority is not None and not refresh:
            return self._priority
        async with self._priority_lock:
            if self._priority is None or refresh:
                try:
                    fields = await self.custom_fields("issue")
                except (NotFoundError, RequestError):
                    fields = []
                self._priority = PriorityOptions.from_fields(fields)
            return self._priority

    @guarded
    async def me(self) -> Organisation:
        body = await self._call("me", "GET", "/me")
        with _parsing(body):
            return wire.organisation_from_json(wire.data_object(body, "me response"))


def _seg(value: str | int) -> str:
    """Ids go in the path; quote them so an odd id can never change the route."""
    return quote(str(value), safe="")


@contextmanager
def _parsing(body: object) -> Iterator[None]:
    """Attach the response's request id to a parse failure, for the bug report."""
    try:
        yield
    except BadResponseError as err:
        if err.request_id is None:
            err.request_id = wire.error_messages(body)[1]
        raise


def _parsed_list(body: object, parse: Callable[[object], _T | None], what: str) -> list[_T]:
    """Directory-style lists skip unusable entries instead of failing the whole load."""
    with _parsing(body):
        items = wire.data_list(body, what)
    found = []
    for item in items:
        try:
            parsed = parse(item)
        except Exception:  # noqa: S112 - one odd entry must not cost the whole directory
            continue
        if parsed is not None:
            found.append(parsed)
    return found


def _created_id(body: object) -> str:
    with _parsing(body):
        data = wire.data_object(body, "create message response")
    value = data.get("id") if data else None
    return value if isinstance(value, str) else ""
