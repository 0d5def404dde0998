"""Contract fixtures: recording transport, seeded sandboxes, the Pylon scenario, GraphQL helpers."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute_sync,
    parse,
    validate,
)

from pylon_tui.api.pylon import PylonClient
from pylon_tui.domain import Priority
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sandbox.seed.content import GITHUB_ISSUES

LINEAR_SCHEMA_FILE = Path(__file__).with_name("linear-schema.graphql")
PYLON = "https://api.usepylon.com"
TOKEN = "contract_tok"
AGENT_EMAIL = "maya@sandboxco.dev"  # a seeded user: replies and notes go out as her

# Which client method is running, so each recorded exchange can be traced back to it.
current_call: contextvars.ContextVar[str] = contextvars.ContextVar("current_call", default="?")


@dataclass
class Exchange:
    call: str
    request: httpx.Request
    response: httpx.Response


@dataclass
class RecordingTransport(httpx.AsyncBaseTransport):
    """Forwards to the sandbox and keeps every request the client built, with its answer."""

    inner: SandboxTransport
    exchanges: list[Exchange] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.exchanges.append(Exchange(current_call.get(), request, response))
        return response


def new_sandbox(
    directory: Path, *, required_token: str | None = TOKEN, rate_limits: bool = False
) -> Sandbox:
    """A seeded, file-backed sandbox that insists on TOKEN (so auth headers are exercised)."""
    sandbox = Sandbox(
        directory / "sandbox.db", required_token=required_token, rate_limits=rate_limits
    )
    sandbox.ensure_seeded()
    return sandbox


@pytest.fixture(scope="session")
def linear_schema() -> GraphQLSchema:
    """Linear's SDL is large: build it once per session."""
    return build_schema(LINEAR_SCHEMA_FILE.read_text())


# --------------------------------------------------------------------------- Pylon scenario

SANDBOX_AI_AGENT = "sandbox-support-agent"  # pylon_tui.sandbox.pylon.tools.AI_AGENT_ID
SEARCH_PAGE = 7  # small pages so the board load really follows the cursor


async def pylon_scenario(client: PylonClient, linear_uuid: str) -> None:
    async def step(name: str, make: Callable[[], Awaitable[object]]) -> object:
        token = current_call.set(name)
        try:
            return await make()
        finally:
            current_call.reset(token)

    board = client.board_filter(
        ["new", "waiting_on_you", "waiting_on_customer", "on_hold", "closed"],
        now=datetime.now(UTC),
    )
    tickets = await step("search_issues", lambda: client.search_issues(board, limit=SEARCH_PAGE))
    assert isinstance(tickets, list)
    assert len(tickets) > 2 * SEARCH_PAGE

    async def pages() -> int:
        since = client.updated_since_filter(datetime.now(UTC) - timedelta(days=3))
        return sum([len(page) async for page in client.iter_search_pages(since, limit=50)])

    await step("iter_search_pages", pages)
    ticket = tickets[0]
    await step("get_issue", lambda: client.get_issue(ticket.id))
    await step("get_issue", lambda: client.get_issue(ticket.number))
    await step("update_state", lambda: client.update_state(ticket.id, "on_hold"))
    await step("set_priority", lambda: client.set_priority(ticket.id, Priority.HIGH))
    await step("set_priority", lambda: client.set_priority(ticket.id, None))
    agent = await step("agent", client.agent)
    assert agent is not None
    users = await step("users", client.users)
    assert isinstance(users, list)
    assert users
    await step("assign", lambda: client.assign(ticket.id, users[0].id))
    await step("assign", lambda: client.assign(ticket.id, None))
    github_key = GITHUB_ISSUES[0][0]
    for source, external in (("linear", linear_uuid), ("github", github_key)):
        link = functools.partial(client.link_external_issue, ticket.id, source, external)
        unlink = functools.partial(client.unlink_external_issue, ticket.id, source, external)
        await step("link_external_issue", link)
        await step("unlink_external_issue", unlink)
    messages = await step("messages", lambda: client.messages(ticket.id))
    assert isinstance(messages, list)
    assert messages
    customer = next((m for m in messages if m.is_customer), messages[0])
    await step("reply", lambda: client.reply(ticket.id, "<p>On it.</p>", customer.id))
    await step("note", lambda: client.note(ticket.id, "<p>internal</p>"))
    await step("user", lambda: client.user(users[0].id))
    teams = await step("teams", client.teams)
    assert isinstance(teams, list)
    assert teams
    await step("team", lambda: client.team(teams[0].id))
    accounts = await step("accounts", lambda: client.accounts(page_size=3))
    assert isinstance(accounts, list)
    assert len(accounts) > 3
    await step("account", lambda: client.account(accounts[0].id))
    await step("issue_statuses", client.issue_statuses)
    await step("custom_fields", lambda: client.custom_fields("issue"))
    await step("priority_options", lambda: client.priority_options(refresh=True))
    await step("me", client.me)
    # The triage tools (issue 14 items 5-8).
    await step("macros", client.macros)
    org_tags = await step("tags", client.tags)
    assert isinstance(org_tags, list)
    assert org_tags
    await step("set_tags", lambda: client.set_tags(ticket.id, [org_tags[0].value, "vip"]))
    await step("ai_draft", lambda: client.ai_draft(ticket.id, SANDBOX_AI_AGENT))
    until = datetime.now(UTC) + timedelta(hours=1)
    await step("snooze", lambda: client.snooze(ticket.id, until))


@pytest.fixture(scope="session")
def pylon_exchanges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Exchange]]:
    sandbox = new_sandbox(Path(tmp_path_factory.mktemp("pylon-requests")))
    linear_uuid = sandbox.linear_issue("ENG-1")["id"]
    recorder = RecordingTransport(SandboxTransport(sandbox))

    async def run() -> None:
        async with PylonClient(PYLON, TOKEN, transport=recorder, agent_email=AGENT_EMAIL) as client:
            await pylon_scenario(client, linear_uuid)

    asyncio.run(run())
    yield recorder.exchanges
    sandbox.close()


# --------------------------------------------------------------------------- GraphQL helpers


def document_errors(schema: GraphQLSchema, source: str) -> list[str]:
    return [e.message for e in validate(schema, parse(source))]


def operation_name(source: str) -> str | None:
    ops = [d for d in parse(source).definitions if isinstance(d, OperationDefinitionNode)]
    return ops[0].name.value if len(ops) == 1 and ops[0].name else None


def _strict_resolver(source: Any, info: GraphQLResolveInfo[Any], **_args: Any) -> Any:
    key = info.path.key
    if not isinstance(source, dict) or key not in source:
        raise KeyError(f"response has no {key!r} at {'.'.join(map(str, info.path.as_list()))}")
    return source[key]


def shape_errors(
    schema: GraphQLSchema, source: str, variables: dict[str, Any], data: Any
) -> list[str]:
    """Why `data` is not exactly what `source` selects (empty when it is)."""
    if not isinstance(data, dict):
        return [f"data is {type(data).__name__}, not an object"]
    result = execute_sync(
        schema,
        parse(source),
        root_value=data,
        variable_values=variables,
        field_resolver=_strict_resolver,
    )
    problems = [f"{'.'.join(map(str, e.path or []))}: {e.message}" for e in result.errors or []]
    if not problems and json.dumps(result.data, sort_keys=True) != json.dumps(data, sort_keys=True):
        problems.append(
            f"fields or scalar types differ from the selection:\n  selected: "
            f"{json.dumps(result.data, sort_keys=True)[:600]}\n  answered: "
            f"{json.dumps(data, sort_keys=True)[:600]}"
        )
    return problems
