"""Shared fakes for the api tests: a routing MockTransport handler, a fake clock, fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # no stubs in the test extras

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions

TOKEN = "pylon_tok_SUPERSECRET_9f8e7d6c"
BASE = "https://api.usepylon.com"
_CONTRACT = Path(__file__).resolve().parents[1] / "contract"
_SHARED = Path("/work/shared/spec")


def spec_file(name: str) -> Path:
    """The contract copy in tests/contract if the lead has placed it, else the shared spec."""
    local = _CONTRACT / name
    return local if local.exists() else _SHARED / name


Responder = httpx.Response | Callable[[httpx.Request], httpx.Response]


def respond(
    status: int = 200, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    if body is None:
        return httpx.Response(status, headers=headers)
    if isinstance(body, (bytes, str)):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


class Router:
    """Routes (METHOD, path) to queued responses (the last one repeats); records requests."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Responder]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *responses: Responder) -> Router:
        self.routes.setdefault((method.upper(), path), []).extend(responses)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return respond(404, {"errors": [f"no route {request.method} {request.url.path}"]})
        responder = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(responder, httpx.Response):
            return responder
        return responder(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self, method: str | None = None, path: str | None = None) -> list[Any]:
        return [
            json.loads(r.content) if r.content else None
            for r in self.requests
            if (method is None or r.method == method) and (path is None or r.url.path == path)
        ]


class FakeClock:
    """Monotonic time that only moves when something sleeps."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def pylon(
    router: Router,
    *,
    clock: FakeClock | None = None,
    token: str | None = TOKEN,
    priority_options: PriorityOptions | None = None,
    **kwargs: Any,
) -> PylonClient:
    clock = clock or FakeClock()
    return PylonClient(
        BASE,
        token,
        transport=router.transport,
        budget=RateBudget(clock=clock, sleep=clock.sleep),
        priority_options=priority_options or PriorityOptions.default(),
        **kwargs,
    )


def issue_json(number: int = 1, **overrides: Any) -> dict[str, Any]:
    """An Issue as Pylon documents it, with a few fields the client does not know about."""
    issue: dict[str, Any] = {
        "id": f"iss_{number:04d}",
        "number": number,
        "title": f"Ticket {number}",
        "state": "waiting_on_you",
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": "2024-05-02T11:30:00Z",
        "latest_message_time": "2024-05-02T11:00:00Z",
        "account": {"id": "acc_1", "external_ids": []},
        "assignee": {"id": "usr_1", "email": "ana@example.com"},
        "team": {"id": "team_1"},
        "requester": {"id": "con_1", "email": "bob@customer.test"},
        "tags": ["billing", "slack"],
        "custom_fields": {"priority": {"slug": "priority", "value": "high"}},
        "external_issues": [
            {
                "source": "linear",
                "external_id": "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10",
                "link": "https://linear.app/acme/issue/ENG-12/fix-it",
            }
        ],
        "link": f"https://app.usepylon.com/issues?issueNumber={number}",
        "body_html": "<p>help</p>",
        "source": "slack",
        "type": "conversation",
        "number_of_touches": 3,
        "brand_new_field_from_the_future": {"nested": [1, 2, 3]},
    }
    issue.update(overrides)
    return issue


def envelope(data: Any, **extra: Any) -> dict[str, Any]:
    return {"data": data, "request_id": "req_ok", **extra}


@cache
def openapi() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(spec_file("pylon-openapi.json").read_text())
    return spec


def assert_matches_schema(body: Any, schema_name: str) -> None:
    """Valid against the named component, and no property the schema does not define."""
    spec = openapi()
    root = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    jsonschema.validate(body, root)
    known = spec["components"]["schemas"][schema_name]["properties"]
    assert set(body) <= set(known), f"{set(body) - set(known)} not in {schema_name}"
