"""Every public request method of every client, plus the checks for a leaked token.

Shared by the error-boundary tests (tests/api/test_boundary.py) and the property tests
(tests/property/), so "every client, every endpoint" is one list that a new method must join.
"""

from __future__ import annotations

import inspect
import io
import traceback
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from rich.console import Console
from rich.pretty import pretty_repr
from rich.traceback import Traceback

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.httpkit import HttpClientBase
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions
from pylon_tui.domain import Priority

# Shaped like no known token, so only the exact-secret scrub (not the shape regex) can hide them.
TOKENS = {
    "Pylon": "tok-PYLON-s3cr3t-9f8e7d6c5b4a",
    "Linear": "key-LINEAR-s3cr3t-1a2b3c4d5e6f",
    "GitHub": "tok-GITHUB-s3cr3t-0f9e8d7c6b5a",
}
UUID = "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10"
Handler = Callable[[httpx.Request], httpx.Response]


def make_client(service: str, handler: Handler) -> HttpClientBase:
    transport = httpx.MockTransport(handler)
    if service == "Pylon":
        return PylonClient(
            "https://api.usepylon.com",
            TOKENS["Pylon"],
            transport=transport,
            budget=RateBudget.unlimited(),
            priority_options=PriorityOptions.default(),
            max_rate_retries=0,
        )
    if service == "Linear":
        return LinearClient(TOKENS["Linear"], transport=transport)
    return GitHubClient(TOKENS["GitHub"], transport=transport)


async def _pages(client: Any) -> object:
    return [page async for page in client.iter_search_pages({"field": "state"})]


async def _agent(client: Any) -> object:
    client.agent_email = "ana@example.com"  # without one, agent() sends no request
    return await client.agent()


@dataclass(frozen=True)
class Call:
    service: str
    name: str
    run: Callable[[Any], Awaitable[object]]

    @property
    def id(self) -> str:
        return f"{self.service}.{self.name}"


CALLS: tuple[Call, ...] = (
    Call("Pylon", "search_issues", lambda c: c.search_issues({"field": "state"})),
    Call("Pylon", "iter_search_pages", _pages),
    Call("Pylon", "get_issue", lambda c: c.get_issue("iss_1")),
    Call("Pylon", "update_state", lambda c: c.update_state("iss_1", "closed")),
    Call("Pylon", "set_priority", lambda c: c.set_priority("iss_1", Priority.HIGH)),
    Call("Pylon", "assign", lambda c: c.assign("iss_1", "usr_1")),
    Call("Pylon", "link_external_issue", lambda c: c.link_external_issue("iss_1", "linear", UUID)),
    Call(
        "Pylon", "unlink_external_issue", lambda c: c.unlink_external_issue("iss_1", "linear", UUID)
    ),
    Call("Pylon", "messages", lambda c: c.messages("iss_1")),
    Call("Pylon", "reply", lambda c: c.reply("iss_1", "<p>on it</p>", "msg_1")),
    Call("Pylon", "note", lambda c: c.note("iss_1", "<p>internal</p>")),
    Call("Pylon", "users", lambda c: c.users()),
    Call("Pylon", "agent", _agent),
    Call("Pylon", "teams", lambda c: c.teams()),
    Call("Pylon", "account", lambda c: c.account("acc_1")),
    Call("Pylon", "accounts", lambda c: c.accounts()),
    Call("Pylon", "issue_statuses", lambda c: c.issue_statuses()),
    Call("Pylon", "custom_fields", lambda c: c.custom_fields()),
    Call("Pylon", "priority_options", lambda c: c.priority_options(refresh=True)),
    Call("Pylon", "me", lambda c: c.me()),
    Call("Linear", "issue", lambda c: c.issue("ENG-1")),
    Call("Linear", "issues_by_ids", lambda c: c.issues_by_ids([UUID])),
    Call("Linear", "search", lambda c: c.search("export times out")),
    Call("Linear", "create_issue", lambda c: c.create_issue("team-1", "Title", "Body")),
    Call("Linear", "teams", lambda c: c.teams()),
    Call("GitHub", "issue_state", lambda c: c.issue_state("acme/api/42")),
    Call("GitHub", "issue", lambda c: c.issue("acme/api/42")),
)


def public_request_methods(cls: type) -> set[str]:
    """Every public coroutine or async generator a client class defines."""
    return {
        name
        for name, value in vars(cls).items()
        if not name.startswith("_")
        and (inspect.iscoroutinefunction(value) or inspect.isasyncgenfunction(value))
    }


CLIENT_CLASSES = {"Pylon": PylonClient, "Linear": LinearClient, "GitHub": GitHubClient}


# ---------------------------------------------------------------- plausible answers

LINEAR_NODE = {
    "id": UUID,
    "identifier": "ENG-1",
    "title": "Export",
    "url": "https://linear.app/acme/issue/ENG-1/export",
    "state": {"name": "Todo", "type": "unstarted"},
    "team": {"id": "team-1", "key": "ENG", "name": "Engineering"},
}
ISSUE = {
    "id": "iss_1",
    "number": 1,
    "title": "Help",
    "state": "new",
    "created_at": "2024-05-01T10:00:00Z",
    # What set_priority(HIGH) asks for: the client checks the answer (a silent drop is refused).
    "custom_fields": {"priority": {"slug": "priority", "value": "high"}},
}


def good_body(request: httpx.Request) -> object:
    """A 200 body each endpoint accepts, so an injected failure is what the call meets."""
    if request.url.host == "api.linear.app":
        return {
            "data": {
                "issue": LINEAR_NODE,
                "issues": {"nodes": [LINEAR_NODE]},
                "searchIssues": {"nodes": [LINEAR_NODE]},
                "issueCreate": {"success": True, "issue": LINEAR_NODE},
                "teams": {"nodes": [LINEAR_NODE["team"]], "pageInfo": {"hasNextPage": False}},
            }
        }
    if request.url.host == "api.github.com":
        return {"state": "open", "title": "Crash", "html_url": "https://github.com/acme/api/1"}
    path = request.url.path
    if path in ("/issues/search", "/users", "/teams", "/accounts", "/issue-statuses"):
        return {"data": [ISSUE], "request_id": "r"}
    if path in ("/custom-fields",) or path.endswith("/messages"):
        return {"data": [], "request_id": "r"}
    if path == "/me":
        return {"data": {"id": "org", "name": "Acme"}}
    return {"data": ISSUE, "request_id": "r"}


def good_handler(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=good_body(request))


# ---------------------------------------------------------------- leak detection


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [item.__cause__, item.__context__]


def _frames(tb: types.TracebackType | None) -> Iterator[types.FrameType]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def renderings(exc: BaseException) -> dict[str, str]:
    """Every way a crash screen, a log or a bug report could show this exception."""
    console = Console(record=True, width=200, file=io.StringIO(), color_system=None)
    console.print(Traceback.from_exception(type(exc), exc, exc.__traceback__, show_locals=True))
    out = {
        "rich traceback with locals": console.export_text(),
        "traceback.format_exception": "".join(traceback.format_exception(exc)),
        "str": str(exc),
        "repr": repr(exc),
        "vars": pretty_repr(vars(exc)),
    }
    for n, item in enumerate(_chain(exc)):
        for m, frame in enumerate(_frames(item.__traceback__)):
            name = f"chain {n} frame {m} {frame.f_code.co_name}"
            out[f"{name} repr(f_locals)"] = repr(frame.f_locals)
            out[f"{name} pretty(f_locals)"] = pretty_repr(frame.f_locals)
    return out


def object_renderings(client: HttpClientBase) -> dict[str, str]:
    """A debugger's or a pretty-printer's view of a client and its httpx client."""
    views = {"repr": repr(client), "str": str(client), "vars": pretty_repr(vars(client))}
    views["vars repr"] = repr(vars(client))
    inner = client._client
    if inner is not None:
        views["httpx vars"] = pretty_repr(vars(inner))
        views["httpx headers"] = repr(inner.headers)
    return views


def leaks(views: dict[str, str]) -> list[str]:
    """The names of the views that show any client's token."""
    return [
        f"{name}: {token[:9]}..."
        for name, text in views.items()
        for token in TOKENS.values()
        if token in text
    ]
