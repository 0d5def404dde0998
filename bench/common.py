"""Shared set-up: a sandbox reseeded with N tickets, a counting transport, a loaded service."""

from __future__ import annotations

import json
import math
import statistics
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.bootstrap import Services, columns_from, make_app, services_for
from pylon_tui.config import Config
from pylon_tui.domain import Column
from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sync.service import BoardService

if TYPE_CHECKING:
    from pylon_tui.tui.app import PylonApp

BASE_URL = "https://api.usepylon.com"  # routed to the sandbox by SandboxTransport


def columns() -> list[Column]:
    """The default board's columns, as a user without a config file gets them."""
    return columns_from(Config())


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport and records every request (method, path) that goes through it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)

    def reset(self) -> None:
        self.requests.clear()


@dataclass
class Fixture:
    sandbox: Sandbox
    transport: CountingTransport
    services: Services
    db_path: Path

    @property
    def service(self) -> BoardService:
        return self.services.service

    def app(self, *, autoload: bool = False) -> PylonApp:
        """The board app over the loaded service, with no refresh timer."""
        return make_app(self.services, refresh_seconds=0, autoload=autoload)


def seeded_db(n: int, directory: Path | None = None) -> Path:
    """A fresh SQLite sandbox file holding N tickets (reseeded, so every run starts equal)."""
    root = directory or Path(tempfile.mkdtemp(prefix="pylon-bench-"))
    path = root / f"sandbox-{n}.db"
    sandbox = Sandbox(path)
    try:
        sandbox.reseed(n)
    finally:
        sandbox.close()
    return path


async def loaded_fixture(db_path: Path) -> Fixture:
    """A BoardService over the sandbox file, fully loaded through the real PylonClient."""
    sandbox = Sandbox(db_path)
    transport = CountingTransport(SandboxTransport(sandbox))
    # The in-process sandbox has no rate limit to respect: without this, 200 quick moves
    # would queue behind the client's update_issue budget (20/min) and never settle.
    client = PylonClient(BASE_URL, None, transport=transport, budget=RateBudget.unlimited())
    # Linear and GitHub over the same sandbox, as sandbox mode has them: the On Hold gate's
    # dialog needs an issue tracker.
    linear = LinearClient(None, transport=transport)
    github = GitHubClient(None, transport=transport)
    services = services_for(client, columns=columns(), linear=linear, github=github)
    await services.service.load()
    return Fixture(sandbox, transport, services, db_path)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def emit(
    metric: str,
    n: int,
    value: float,
    unit: str,
    target: float | None = None,
    *,
    lower_is_better: bool = True,
    equal: bool = False,
    info: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Print one figure as a single JSON line; `ok` is None when there is no target."""
    ok: bool | None
    if isinstance(value, float) and math.isnan(value):  # JSON has no NaN: null, not ok
        record_value: float | None = None
        ok = False if target is not None else None
    else:
        record_value = round(value, 3) if isinstance(value, float) else value
    if record_value is None:
        pass
    elif target is None:
        ok = None
    elif equal:
        ok = value == target
    else:
        ok = value < target if lower_is_better else value > target
    record: dict[str, object] = {
        "metric": metric,
        "n": n,
        "value": record_value,
        "unit": unit,
        "target": target,
        "ok": ok,
    }
    record.update(info or {})
    print(json.dumps(record), flush=True)
    return record
