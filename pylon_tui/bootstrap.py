"""Builds the object graph from a Config: clients (real or sandbox), service, app context.

The CLI and the TUI share this so "sandbox when no token" means the same thing everywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.config import Config, Secret, paths
from pylon_tui.domain import Column
from pylon_tui.sync.linkwatch import LinkWatcher
from pylon_tui.sync.service import BoardService
from pylon_tui.sync.store import Store

SANDBOX_ME_EMAIL = "maya@sandboxco.dev"  # a seeded sandbox user, so A and Mine work
SANDBOX_BASE_URL = "https://api.usepylon.com"


@dataclass
class Wiring:
    config: Config
    pylon: PylonClient
    service: BoardService
    sandbox: bool
    linear: LinearClient | None = None
    github: GitHubClient | None = None

    def watcher(self) -> LinkWatcher:
        return LinkWatcher(self.service, self.linear, self.github)

    async def aclose(self) -> None:
        await self.pylon.aclose()
        for client in (self.linear, self.github):
            if client is not None:
                await client.aclose()


def columns_from(config: Config) -> list[Column]:
    return [Column(c.key, c.title, tuple(c.states), c.recent_days) for c in config.columns]


def sandbox_transport(db_path: Path | None = None) -> httpx.AsyncBaseTransport:
    from pylon_tui.sandbox import Sandbox, SandboxTransport

    sandbox = Sandbox(db_path or paths.sandbox_db_path())
    sandbox.ensure_seeded()
    return SandboxTransport(sandbox)


def cache_path(config: Config) -> Path:
    """One cache per workspace: the sandbox's demo tickets never mix with a real board."""
    if config.sandbox:
        profile = "sandbox"
    else:
        secret = config.pylon.token  # revealed only inside the hash: no frame local holds it
        material = f"{config.pylon.api_url}\n{secret.reveal() if secret else ''}".encode()
        profile = hashlib.sha256(material).hexdigest()[:12]
    base = paths.cache_db_path()
    return base.with_name(f"{base.stem}-{profile}{base.suffix}")


def build(
    config: Config,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    store: Store | None = None,
) -> Wiring:
    sandbox = config.sandbox
    if sandbox and transport is None:
        transport = sandbox_transport()
    base_url = SANDBOX_BASE_URL if sandbox else config.pylon.api_url
    budget = RateBudget.shared(config.pylon.rate_share)
    # Tokens are revealed straight into the clients, which keep them out of sight: a local
    # variable here would show in any traceback rendered with locals.
    pylon = PylonClient(base_url, _reveal(config.pylon.token), transport=transport, budget=budget)
    closed_days = next((c.recent_days for c in config.columns if c.recent_days), 7)
    me_email = config.me_email or (SANDBOX_ME_EMAIL if sandbox else None)
    service = BoardService(
        pylon,
        columns_from(config),
        me_email=me_email,
        closed_days=closed_days,
        full_reconcile=timedelta(minutes=config.board.full_reconcile_minutes),
        store=store,
    )
    linear: LinearClient | None = None
    github: GitHubClient | None = None
    if sandbox:
        linear = LinearClient(None, transport=transport)
        github = GitHubClient(None, transport=transport)
    else:
        if config.linear.token is not None:
            linear = LinearClient(_reveal(config.linear.token))
        github = GitHubClient(_reveal(config.github.token))
    return Wiring(config, pylon, service, sandbox, linear, github)


def _reveal(secret: Secret | None) -> str | None:
    return secret.reveal() if secret else None
