"""The HTTP clients a config asks for, and the embedded sandbox they talk to without a token.

Imported when the first client is made: the board makes them after its first frame
(bootstrap.make_services, `clients_on_first_use`), so httpx is not part of its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import ApiError
from pylon_tui.api.github import GitHubClient
from pylon_tui.api.linear import LinearClient
from pylon_tui.api.pylon import PylonClient
from pylon_tui.config import Config, Secret, paths


@dataclass(frozen=True)
class Clients:
    pylon: PylonClient
    linear: LinearClient | None
    github: GitHubClient


def build_clients(
    config: Config,
    *,
    transport: httpx.AsyncBaseTransport | None,
    budget: RateBudget,
    base_url: str,
    me_email: str | None,
) -> Clients:
    """Pylon, Linear (when a token or the sandbox gives one) and GitHub. Tokens are revealed
    straight into the clients, which keep them out of sight: a local variable here would
    show in any traceback rendered with locals."""
    if config.sandbox and transport is None:
        transport = sandbox_transport()
    pylon = PylonClient(
        base_url,
        _reveal(config.pylon.token),
        transport=transport,
        budget=budget,
        agent_email=me_email,
    )
    if config.sandbox:
        linear: LinearClient | None = LinearClient(None, transport=transport)
        github = GitHubClient(None, transport=transport)
    else:
        linear = None
        if config.reaches_linear:  # a token: the rule bootstrap's stand-ins follow too
            linear = LinearClient(_reveal(config.linear.token))
        github = GitHubClient(_reveal(config.github.token))
    return Clients(pylon, linear, github)


def _reveal(secret: Secret | None) -> str | None:
    return secret.reveal() if secret else None


def sandbox_transport(db_path: Path | None = None) -> httpx.AsyncBaseTransport:
    """The embedded sandbox, opened (and seeded, the first time) at its first request: the
    board paints its first frame from the cache before the emulator is even imported."""
    return _SandboxOnFirstRequest(db_path or paths.sandbox_db_path())


class _SandboxOnFirstRequest(httpx.AsyncBaseTransport):
    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._inner: httpx.AsyncBaseTransport | None = None

    def _open(self) -> httpx.AsyncBaseTransport:
        if self._inner is None:
            import sqlite3

            from pylon_tui.sandbox import Sandbox, SandboxTransport

            try:
                sandbox = Sandbox(self._db_path)
                sandbox.ensure_seeded()
            except (OSError, sqlite3.Error) as error:  # what a start-up open used to say
                raise ApiError(
                    f"the sandbox file could not be opened: {error}",
                    service="Sandbox",
                    hint=f"check that {self._db_path} is writable by you, or delete it "
                    "to start a fresh sandbox (`pylon-tui doctor` lists the paths)",
                ) from None
            self._inner = SandboxTransport(sandbox)
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._open().handle_async_request(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()
