"""The one place that builds the object graph: clients, service, and the app over them.

The CLI, the tests and the benchmarks all come through here, so "sandbox when no token",
the cache a board paints from and the settings an app reads mean the same thing everywhere.
`make_services` builds from a Config; `services_for` takes a client someone already built
(a test double, or a PylonClient over a sandbox transport); `make_app` turns either into the
board app, and is the only code that constructs AppContext and PylonApp.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable
from urllib.parse import urlsplit

from pylon_tui.api.budget import RateBudget, shared_limits
from pylon_tui.api.machine_budget import MachineBudget
from pylon_tui.config import REGION_URLS, Config, paths, save_theme
from pylon_tui.domain import DEFAULT_COLUMNS, Column, SlaPolicy
from pylon_tui.domain.alerts import NotifySettings
from pylon_tui.domain.macros import MacroAction
from pylon_tui.domain.region import RegionChoice, choose_region, token_region
from pylon_tui.domain.views import all_views
from pylon_tui.lazy import OnFirstUse
from pylon_tui.sync.linkwatch import LinkWatcher
from pylon_tui.sync.ports import PylonExtras
from pylon_tui.sync.service import BoardService, PylonApi
from pylon_tui.sync.store import Store
from pylon_tui.sync.trackers import Trackers

if TYPE_CHECKING:
    import httpx

    from pylon_tui.api.github import GitHubClient
    from pylon_tui.api.linear import LinearClient
    from pylon_tui.clients import Clients
    from pylon_tui.tui.app import PylonApp
    from pylon_tui.tui.context_tools import ToolsContext

SANDBOX_ME_EMAIL = "maya@sandboxco.dev"  # a seeded sandbox user, so A and Mine work
SANDBOX_BASE_URL = "https://api.usepylon.com"
SANDBOX_AI_AGENT_ID = "sandbox-support-agent"  # the sandbox's one AI agent
SANDBOX_MACRO_SETTINGS: dict[str, tuple[MacroAction, ...]] = {
    # What the sandbox's macros do: Pylon's API names each action's type only, so a team
    # states the values in [macros."NAME"]; the sandbox comes with its own (README).
    "Investigating": (
        MacroAction("set_issue_state", "waiting_on_customer"),
        MacroAction("add_issue_tags", values=("investigating",)),
    ),
    "Billing hand-off": (
        MacroAction("add_issue_tags", values=("billing",)),
        MacroAction("set_issue_priority", "high"),
    ),
    "Escalate to engineering": (
        MacroAction("set_issue_assignee", "priya@sandboxco.dev"),
        MacroAction("set_issue_priority", "urgent"),
    ),
}


@runtime_checkable
class _Closable(Protocol):
    async def aclose(self) -> None: ...


@dataclass
class Services:
    """What a session needs below the UI; headless commands use it without any app."""

    pylon: PylonApi
    service: BoardService
    sandbox: bool
    linear: LinearClient | None = None
    github: GitHubClient | None = None
    notes: list[str] = field(default_factory=list)
    """Warnings shown as toasts at start: from opening the cache (e.g. "moved aside"), and a
    config that disagrees with the token about the region."""
    store: Store | None = None
    """The cache this bootstrap opened, so its opener can close it; None when injected."""

    def watcher(self) -> LinkWatcher:
        return LinkWatcher(self.service, self.linear, self.github)

    async def aclose(self) -> None:
        # A test double for Pylon has no connection to close; a client never used was never
        # made (OnFirstUse closes only what it made).
        for client in (self.pylon, self.linear, self.github):
            if isinstance(client, OnFirstUse | _Closable):
                await client.aclose()

    def close_store(self) -> None:
        if self.store is not None:
            self.store.close()


def columns_from(config: Config) -> list[Column]:
    return [Column(c.key, c.title, tuple(c.states), c.recent_days) for c in config.columns]


def cache_path(config: Config, *, create: bool = True) -> Path:
    """One cache per workspace: the sandbox's demo tickets never mix with a real board.
    `create=False` only names it (doctor, and commands that read it if it exists)."""
    if config.sandbox:
        profile = "sandbox"
    else:
        secret = config.pylon.token  # revealed only inside the hash: no frame local holds it
        material = f"{config.pylon.api_url}\n{secret.reveal() if secret else ''}".encode()
        profile = hashlib.sha256(material).hexdigest()[:12]
    base = paths.cache_db_path(create=create)
    return base.with_name(f"{base.stem}-{profile}{base.suffix}")


def pylon_region(config: Config) -> RegionChoice:
    """The region this config reaches: the token's prefix wins over pylon.region (a token
    works in its own region only), with a note when the two disagree."""
    secret = config.pylon.token
    said = token_region(secret.reveal()) if secret else None
    return choose_region(config.pylon.region, said, base_url=config.pylon.base_url)


def pylon_base_url(config: Config, region: RegionChoice) -> str:
    return config.pylon.api_url if config.pylon.base_url else REGION_URLS[region.region]


def make_services(
    config: Config,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    store: Store | None = None,
    clients_on_first_use: bool = False,
) -> Services:
    """`clients_on_first_use` (the board): the HTTP clients are made when first used, after
    the first frame; httpx and the client modules are a tenth of a start."""
    sandbox = config.sandbox
    region = pylon_region(config)
    base_url = SANDBOX_BASE_URL if sandbox else pylon_base_url(config, region)
    budget = _rate_budget(config, base_url, networked=transport is None and not sandbox)
    me_email = config.me_email or (SANDBOX_ME_EMAIL if sandbox else None)

    def build() -> Clients:
        from pylon_tui.clients import build_clients

        return build_clients(
            config, transport=transport, budget=budget, base_url=base_url, me_email=me_email
        )

    if clients_on_first_use:
        clients = OnFirstUse(build)
        pylon = cast("PylonApi", OnFirstUse(lambda: clients.pylon))
        linear = None
        if config.reaches_linear:  # the rule build_clients follows
            linear = cast("LinearClient", OnFirstUse(lambda: clients.linear))
        github = cast("GitHubClient", OnFirstUse(lambda: clients.github))
    else:
        made = build()
        pylon, linear, github = made.pylon, made.linear, made.github
    closed_days = next((c.recent_days for c in config.columns if c.recent_days), 7)
    service = BoardService(
        pylon,
        columns_from(config),
        me_email=me_email,
        closed_days=closed_days,
        full_reconcile=timedelta(minutes=config.board.full_reconcile_minutes),
        store=store,
    )
    notes = [region.note] if region.note and not sandbox else []
    if isinstance(budget, MachineBudget) and (note := budget.open()):
        notes.append(note)
    return Services(pylon, service, sandbox, linear, github, notes=notes)


def services_for(
    client: PylonApi,
    *,
    columns: Sequence[Column] = DEFAULT_COLUMNS,
    me_email: str | None = None,
    now: Callable[[], datetime] | None = None,
    store: Store | None = None,
    linear: LinearClient | None = None,
    github: GitHubClient | None = None,
    sandbox: bool = True,
) -> Services:
    """Services over a client the caller built: a test double, or a PylonClient over a
    sandbox transport with its own budget. The one way tests and benchmarks get a board."""
    service = BoardService(client, columns, me_email=me_email, now=now, store=store)
    return Services(client, service, sandbox, linear, github)


def open_services(config: Config, *, head_first: bool = False) -> Services:
    """The board's start: open this workspace's cache (never failing on its contents) and
    paint from it, so the first frame shows the last board before any request is made.
    `head_first` (the board app): a big cache paints only its columns' heads here, and the
    app decodes the rest right after its first frame (BoardService.paint_head)."""
    opened = Store.open(cache_path(config))
    services = make_services(config, store=opened.store, clients_on_first_use=head_first)
    services.store = opened.store
    opened.notes.extend(services.notes)
    services.notes = opened.notes  # the store's own list: notes added while painting count
    if not (head_first and services.service.paint_head()):
        services.service.paint_from_cache()
    return services


def make_app(
    services: Services,
    *,
    config: Config | None = None,
    keymap: dict[str, str] | None = None,
    templates: dict[str, str] | None = None,
    refresh_seconds: float | None = None,
    bell_on_return: bool | None = None,
    send_grace: float | None = None,
    now: Callable[[], datetime] | None = None,
    watch_links: bool | None = None,
    autoload: bool = True,
    crash_log: Path | None = None,
    on_exit: Callable[[], Awaitable[None]] | None = None,
    read_only: bool = False,
    sla: SlaPolicy | None = None,
    theme: str | None = None,
    sixteen_colours: bool | None = None,
) -> PylonApp:
    """The board app over `services`. Settings come from `config` when given and explicit
    arguments win (tests pass refresh_seconds=0, a frozen `now`, templates). Without a config
    there is no link watcher unless asked: tests drive Linear themselves.
    """
    # Imported here, not at the top: every headless command (list, show, move, doctor)
    # imports this module and must not pay Textual's import time.
    from pylon_tui.tui.app import PylonApp
    from pylon_tui.tui.context import AppContext

    if templates is None and config is not None:
        templates = dict(config.templates)
    if refresh_seconds is None and config is not None:
        refresh_seconds = config.board.refresh_seconds
    if bell_on_return is None and config is not None:
        bell_on_return = config.board.bell_on_return
    if keymap is None and config is not None:
        keymap = dict(config.keys)
    if send_grace is None and config is not None:
        send_grace = config.board.send_grace_seconds
    if watch_links is None:
        watch_links = config is not None
    ctx = AppContext(
        services.service,
        sandbox=services.sandbox,
        templates=templates if templates is not None else {},
        linear=services.linear,
        issues=Trackers(services.linear, services.github)
        if services.linear is not None or services.github is not None
        else None,
        watcher=services.watcher() if watch_links else None,
        crash_log=crash_log,
        views=tuple(all_views(config.views if config is not None else ())),
        sla=sla or sla_policy(config, services.sandbox),
        read_only=read_only,
    )
    if refresh_seconds is not None:
        ctx.refresh_seconds = refresh_seconds
    if bell_on_return is not None:
        ctx.bell_on_return = bell_on_return
    if send_grace is not None:
        ctx.send_grace = send_grace
    if ctx.watcher is not None:
        ctx.watcher.templates = ctx.templates
    if now is not None:
        ctx.now = now
    ctx.tools = tools_context(services, config)
    if config is not None:
        ctx.theme = config.ui.theme
        target = config.source_path or paths.config_path()
        ctx.save_theme = lambda choice: save_theme(target, choice)
    if theme is not None:
        ctx.theme = theme
    return PylonApp(
        ctx,
        keymap=keymap,
        autoload=autoload,
        on_exit=on_exit,
        notes=services.notes,
        sixteen_colours=sixteen_colours,
    )


SANDBOX_FIRST_RESPONSE = timedelta(hours=1)
"""The sandbox's first-response target when the config sets none: Pylon's API has no
first-response deadline, so without a target the New column would show no countdown."""


def sla_policy(config: Config | None, sandbox: bool) -> SlaPolicy:
    target = config.sla_first_response if config is not None else None
    if target is None and sandbox and config is not None:
        target = SANDBOX_FIRST_RESPONSE
    return SlaPolicy(first_response=target)


def tools_context(services: Services, config: Config | None) -> ToolsContext:
    """Macros, tags, AI drafts, custom actions and notifications for the app (issue 14)."""
    from pylon_tui.tui.context_tools import ToolsContext

    client: object = services.pylon
    # hasattr would make a client that waits for its first use: that one is a PylonClient.
    made_later = isinstance(client, OnFirstUse)
    extras = cast(PylonExtras, client) if made_later or hasattr(client, "macros") else None
    agent = config.pylon.ai_agent_id if config is not None else None
    macros = dict(config.macros) if config is not None else {}
    if services.sandbox:
        agent = agent or SANDBOX_AI_AGENT_ID
        macros = macros or dict(SANDBOX_MACRO_SETTINGS)
    return ToolsContext(
        extras=extras,
        ai_agent_id=agent,
        actions=config.actions if config is not None else (),
        macro_settings=macros,
        notify=config.notify if config is not None else NotifySettings(),
    )


def _rate_budget(config: Config, base_url: str, *, networked: bool) -> RateBudget:
    """Live Pylon: one budget for every pylon-tui process on this machine (per API host: the
    org is not known before the first request), `rate_share` of the org's limits. The
    sandbox has no organization to share, and an injected transport is a test double."""
    if config.sandbox or not networked:
        return RateBudget.shared(config.pylon.rate_share)
    path = paths.rate_budget_path(urlsplit(base_url).netloc)
    return MachineBudget(path, shared_limits(config.pylon.rate_share))
