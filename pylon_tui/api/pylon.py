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
from collections.abc import AsyncGenerator, Callable, Mapping
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from pylon_tui.domain import Account, Message, Priority, StateInfo, Team, Ticket, User
from pylon_tui.domain.region import token_region

from . import bodies, wire
from .auth import token_auth
from .budget import RateBudget
from .errors import (
    ApiError,
    AuthError,
    BadResponseError,
    NotFoundError,
    PriorityNotSavedError,
    RateLimitedError,
    RequestError,
)
from .httpkit import USER_AGENT, decode_json, guarded, guarded_pages, send
from .pylon_directory import DirectoryLookups
from .pylon_envelope import (
    SERVICE,
    created_id,
    error_from_response,
    next_page,
    parsed_list,
    parsing,
)
from .pylon_tools import PylonTools
from .secrecy import Secrets
from .skipped import SkippedTickets, tickets_from_json
from .wire import CustomField, Organisation, PriorityOptions

MAX_PAGES = 1000  # a runaway-pagination guard, far above any real workspace


class PylonClient(DirectoryLookups, PylonTools):
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
        agent_email: str | None = None,
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
        self.priority_refused = False
        """Whether this token's role may not read custom fields (the priority field is then
        assumed to be `priority` with options urgent/high/medium/low)."""
        self.token_region = token_region(token)
        """What the token's prefix says about its region (never the token itself)."""
        self.agent_email = agent_email.strip() if agent_email and agent_email.strip() else None
        """Replies and notes are posted as the Pylon user with this email, when there is one."""
        self._agent: User | None = None
        self._agent_known = False

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
        return error_from_response(
            response,
            now=self._clock(),
            base_url=self.base_url,
            token_region=self.token_region,
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
            with parsing(body):
                items = wire.data_list(body, "search")
            cursor = next_page(body, seen, "search")
            yield tickets_from_json(items, options, skipped)
            if cursor is None:
                return
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
        with parsing(body):
            data = wire.data_object(body, "issue response")
            if data is None:
                raise BadResponseError("issue response has no data", service=SERVICE)
            return wire.ticket_from_json(data, await self.priority_options())

    async def _write(self, issue_id: str, key: str, path: str, body: wire.JsonObj) -> Ticket:
        """Send a write; the response's issue if it has one, else re-read the ticket."""
        method = "PATCH" if key == "update_issue" else "POST"  # snooze is a POST
        answer = await self._call(key, method, path, json=body)
        with parsing(answer):
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
        """None clears the priority. Pylon answers 200 even when it ignored the field (an
        unknown slug or option), so the returned ticket is checked: a priority that did not
        change raises PriorityNotSavedError, and the outbox rolls the change back."""
        options = await self.priority_options()
        body = bodies.priority_body(options, priority)
        ticket = await self._write(issue_id, "update_issue", f"/issues/{_seg(issue_id)}", body)
        if ticket.priority is priority:
            return ticket
        ticket = await self.get_issue(issue_id)  # a partial or stale answer is not a verdict
        if ticket.priority is priority:
            return ticket
        # The cached slugs may be stale (an admin renamed the options): the next try uses
        # fresh ones, this one is refused so the user sees it.
        await self.priority_options(refresh=True)
        raise PriorityNotSavedError(
            options.field_slug,
            options.slug_for(priority) if priority is not None else None,
            now=options.slug_for(ticket.priority) if ticket.priority is not None else None,
            service=SERVICE,
            secrets=self._secrets,
        )

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
    async def messages(self, issue_id: str, *, page_size: int = bodies.MAX_PAGE) -> list[Message]:
        """The whole thread: `pagination.cursor` is followed, with `limit`, while Pylon says
        there is more (a reply's replay check must see its marker on any page). A message a
        repeated page brings again is kept once."""
        path = f"/issues/{_seg(issue_id)}/messages"
        found: dict[str, Message] = {}
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            params: dict[str, str | int] = {"limit": max(1, min(page_size, bodies.MAX_PAGE))}
            if cursor:
                params["cursor"] = cursor
            body = await self._call("messages", "GET", path, params=params)
            for message in parsed_list(body, wire.message_from_json, "messages"):
                found.setdefault(message.id, message)
            cursor = next_page(body, seen, "messages")
            if cursor is None:
                return list(found.values())
        raise BadResponseError(f"messages returned more than {MAX_PAGES} pages", service=SERVICE)

    @guarded
    async def reply(self, issue_id: str, body_html: str, message_id: str) -> str:
        """Customer-facing reply to `message_id`, posted as the agent (`agent_email`'s Pylon
        user) when there is one; returns the new message's id."""
        bodies.reply_body(body_html, message_id)  # refuse a bad call before any request
        agent = await self.agent()
        payload = bodies.reply_body(body_html, message_id, user_id=agent.id if agent else None)
        body = await self._call("reply", "POST", f"/issues/{_seg(issue_id)}/reply", json=payload)
        return created_id(body)

    @guarded
    async def note(self, issue_id: str, body_html: str, *, thread_id: str | None = None) -> str:
        """Internal note (never shown to the customer), posted as the agent when there is
        one; returns the new message's id."""
        agent = await self.agent()
        payload = bodies.note_body(
            body_html, thread_id=thread_id, user_id=agent.id if agent else None
        )
        body = await self._call("note", "POST", f"/issues/{_seg(issue_id)}/note", json=payload)
        return created_id(body)

    @guarded
    async def agent(self) -> User | None:
        """The Pylon user replies and notes are posted as: `agent_email`'s user, looked up in
        GET /users once (any `users()` call refreshes it). None without an email, when no
        user has it, or when the token may not list users: Pylon then shows the token's name.
        """
        if self.agent_email is None:
            return None
        if not self._agent_known:
            try:
                await self.users()
            except AuthError as error:
                if error.status != 403 or error.wrong_region:
                    raise
                self._agent_known = True  # a role that may not list users: post as the token
        return self._agent

    # ------------------------------------------------------------------ workspace

    @guarded
    async def users(self) -> list[User]:
        found = parsed_list(
            await self._call("users", "GET", "/users"), wire.user_from_json, "users"
        )
        if self.agent_email is not None:
            wanted = self.agent_email.lower()
            self._agent = next((u for u in found if u.email.lower() == wanted), None)
            self._agent_known = True
        return found

    @guarded
    async def teams(self) -> list[Team]:
        return parsed_list(await self._call("teams", "GET", "/teams"), wire.team_from_json, "teams")

    @guarded
    async def account(self, account_id: str) -> Account:
        body = await self._call("account", "GET", f"/accounts/{_seg(account_id)}")
        with parsing(body):
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
            found += parsed_list(body, wire.account_from_json, "accounts")
            cursor = next_page(body, seen, "accounts")
            if cursor is None:
                return found
        raise BadResponseError(f"accounts returned more than {MAX_PAGES} pages", service=SERVICE)

    @guarded
    async def issue_statuses(self) -> list[StateInfo]:
        body = await self._call("issue_statuses", "GET", "/issue-statuses")
        return parsed_list(body, wire.status_from_json, "issue statuses")

    @guarded
    async def custom_fields(self, object_type: str = "issue") -> list[CustomField]:
        params = {"object_type": object_type}
        body = await self._call("custom_fields", "GET", "/custom-fields", params=params)
        return parsed_list(body, wire.custom_field_from_json, "custom fields")

    @guarded
    async def priority_options(self, *, refresh: bool = False) -> PriorityOptions:
        """The workspace's priority option slugs, fetched once and cached.

        A workspace without the field (404 / refused) falls back to the identity mapping, and
        so does a token whose role may not read custom fields (403, `priority_refused`): a
        priority that does not stick is still caught after the write. Network and other auth
        failures propagate so they are reported, not masked.
        """
        if self._priority is not None and not refresh:
            return self._priority
        async with self._priority_lock:
            if self._priority is None or refresh:
                refused = False
                try:
                    fields = await self.custom_fields("issue")
                except (NotFoundError, RequestError):
                    fields = []
                except AuthError as error:
                    if error.status != 403 or error.wrong_region:
                        raise
                    fields, refused = [], True
                self.priority_refused = refused
                self._priority = PriorityOptions.from_fields(fields)
            return self._priority

    @guarded
    async def me(self) -> Organisation:
        body = await self._call("me", "GET", "/me")
        with parsing(body):
            return wire.organisation_from_json(wire.data_object(body, "me response"))


def _seg(value: str | int) -> str:
    """Ids go in the path; quote them so an odd id can never change the route."""
    return quote(str(value), safe="")
