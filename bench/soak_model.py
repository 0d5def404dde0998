"""What the soak's run and its report share: the request log, action records, the result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from bench.virtual_time import FakeClock
from pylon_tui.sandbox import SandboxTransport
from pylon_tui.sync.intents import Intent

if TYPE_CHECKING:
    from bench.soak import Person

PEOPLE = 5
# the sandbox's per-organization limits (requests per minute) for the keys the soak watches
ORG_LIMITS = {"patch": 120, "search": 30, "reply": 30, "note": 30, "messages": 30}


# ----- the server's side of the wire ------------------------------------------------------
@dataclass
class Hit:
    seq: int
    person: int
    at: float
    method: str
    path: str
    status: int
    body: dict[str, Any] | None


class LoggingTransport(httpx.AsyncBaseTransport):
    """Every request as it reaches the sandbox, in the order the sandbox served them."""

    def __init__(
        self, inner: SandboxTransport, log: list[Hit], person: int, clock: FakeClock
    ) -> None:
        self.inner, self.log, self.person, self.clock = inner, log, person, clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = request.content
        body = json.loads(raw) if raw else None
        hit = Hit(
            len(self.log),
            self.person,
            self.clock.seconds(),
            request.method,
            request.url.path,
            response.status_code,
            body,
        )
        self.log.append(hit)
        return response


def endpoint(hit: Hit) -> str:
    parts = hit.path.strip("/").split("/")
    if parts[0] == "issues" and len(parts) == 2 and parts[1] != "search":
        return f"{hit.method} /issues/{{id}}"
    if parts[0] == "issues" and len(parts) == 3:
        return f"{hit.method} /issues/{{id}}/{parts[2]}"
    return f"{hit.method} /{'/'.join(parts)}"


@dataclass
class Record:
    action: Intent
    person: int
    begun: float
    outcome: str = "queued"  # confirmed | refused | queued
    confirmed_at: float | None = None


@dataclass
class SoakResult:
    hits: list[Hit]
    records: dict[str, Record]
    people: list[Person]
    settle_s: float
    checks: dict[str, Any]
    real_s: float
    budget: str = "share"
    """How the five counted their requests (bench.soak.BUDGETS)."""
