"""Builds the object graph from a Config: clients (real or sandbox), service, app context.

The CLI and the TUI share this so "sandbox when no token" means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from pylon_tui import paths
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.config import Config
from pylon_tui.domain import Column
from pylon_tui.sync.service import BoardService

SANDBOX_ME_EMAIL = "maya@sandboxco.dev"  # a seeded sandbox user, so A and Mine work
SANDBOX_BASE_URL = "https://api.usepylon.com"


@dataclass
class Wiring:
    config: Config
    pylon: PylonClient
    service: BoardService
    sandbox: bool
    linear: LinearClient | None = None

    async def aclose(self) -> None:
        await self.pylon.aclose()
        if self.linear is not None:
            await self.linear.aclose()


def columns_from(config: Config) -> list[Column]:
    return [Column(c.key, c.title, tuple(c.states), c.recent_days) for c in config.columns]


def sandbox_transport(db_path: Path | None = None) -> httpx.AsyncBaseTransport:
    from pylon_tui.sandbox import Sandbox, SandboxTransport

    sandbox = Sandbox(db_path or paths.sandbox_db_path())
    sandbox.ensure_seeded()
    return SandboxTransport(sandbox)


def build(config: Config, *, transport: httpx.AsyncBaseTransport | None = None) -> Wiring:
    sandbox = config.sandbox
    if sandbox and transport is None:
        transport = sandbox_transport()
    token = None if sandbox or config.pylon.token is None else config.pylon.token.reveal()
    base_url = SANDBOX_BASE_URL if sandbox else config.pylon.api_url
    pylon = PylonClient(base_url, token, transport=transport)
    closed_days = next((c.recent_days for c in config.columns if c.recent_days), 7)
    me_email = config.me_email or (SANDBOX_ME_EMAIL if sandbox else None)
    service = BoardService(pylon, columns_from(config), me_email=me_email, closed_days=closed_days)
    linear: LinearClient | None = None
    if sandbox:
        linear = LinearClient(None, transport=transport)
    elif config.linear.token is not None:
        linear = LinearClient(config.linear.token.reveal())
    return Wiring(config, pylon, service, sandbox, linear)
