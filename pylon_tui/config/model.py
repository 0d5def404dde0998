"""The typed configuration: immutable values the rest of the app reads, never raw TOML.

Kept separate from loading so the TUI, CLI and tests can build a ``Config`` directly without
touching the file system or running token commands.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import SplitResult, urlsplit

from pylon_tui.domain.alerts import NotifySettings
from pylon_tui.domain.custom_actions import CustomAction
from pylon_tui.domain.filters import View
from pylon_tui.domain.macros import MacroAction

Region = Literal["us", "eu"]
REGIONS: tuple[str, ...] = get_args(Region)
REGION_URLS: dict[str, str] = {
    "us": "https://api.usepylon.com",
    "eu": "https://api.eu.usepylon.com",
}

MIN_REFRESH_SECONDS = 5.0
"""Pylon allows 20 searches a minute; a faster refresh would starve user actions of budget."""


class ConfigError(Exception):
    """A problem the user can fix by editing the config or environment.

    ``message`` is one line meant to be printed as is (no traceback); ``key`` names the
    offending setting, when there is one, so callers can point at it.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        message = single_line(message)
        super().__init__(message)
        self.message = message
        self.key = single_line(key) if key is not None else None

    def __str__(self) -> str:
        return self.message


class Secret:
    """A token that refuses to print itself.

    Tokens travel inside ``Config``, whose repr ends up in logs, tracebacks and bug reports;
    masking here makes that safe by construction. ``source`` says where the token came from
    (e.g. ``env PYLON_API_TOKEN``) so a 401 can tell the user which one to fix.
    """

    __slots__ = ("_value", "source")

    def __init__(self, value: str, source: str = "") -> None:
        self._value = value
        self.source = source

    def reveal(self) -> str:
        """The raw token; call only where it goes into an Authorization header."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        # f"{token:>20}" would otherwise raise, tempting someone to reach for reveal().
        return format(repr(self), spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        # Constant-time so comparing tokens never leaks their prefix through timing.
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def single_line(text: str) -> str:
    """Config text (keys, values, paths) inside a message: control and line-breaking
    characters are shown escaped, so an error is always exactly one printable line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)


LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts a token may reach over plain http."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown_url(value: str) -> str:
    """The URL as a message may show it: credentials masked, long values cut."""
    value = _USERINFO.sub(r"\1***@", value)
    return repr(value if len(value) <= 80 else value[:77] + "...")


def base_url_problem(value: str) -> str | None:
    """Why ``value`` is not a usable API base URL, or None if it is.

    The token travels in every request's Authorization header, so plain http is refused
    except to this machine, and credentials in the URL (which httpx would send as Basic auth
    in place of the token, and `doctor` would print) are refused outright.
    """
    shown = _shown_url(value)
    if any(not ch.isprintable() or ch.isspace() for ch in value):
        return f"must not contain spaces or control characters (got {shown})"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535"
        if "port" in str(exc).lower():
            return f"must use a port between 1 and 65535 (got {shown})"
        return f"is not a valid URL: {str(exc).lower()} (got {shown})"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL like https://api.usepylon.com (got {shown})"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return (
            f"must not contain a user name or password (got {shown}); remove the 'user:pass@' "
            "part: pylon-tui sends the API token itself"
        )
    return _host_problem(parts, port, shown)


def _host_problem(parts: SplitResult, port: int | None, shown: str) -> str | None:
    host = parts.hostname or ""
    if not host:
        return f"must name a host, like https://api.usepylon.com (got {shown})"
    if port == 0:
        return f"must use a port between 1 and 65535 (got {shown})"
    if parts.query or parts.fragment:
        return f"must not contain a query or fragment (got {shown})"
    if parts.scheme == "http" and not is_loopback(host):
        return (
            f"must use https for {host!r} (got {shown}): plain http would send the API token "
            "unencrypted; http is only allowed for 127.0.0.1, ::1 and localhost"
        )
    try:
        import httpx  # the client's own parser has the last word

        httpx.URL(parts.geturl())
    except Exception as exc:  # any refusal is the same config error
        return f"is not a valid URL: {type(exc).__name__} (got {shown})"
    return None


@dataclass(frozen=True)
class PylonSettings:
    """How to reach Pylon; ``base_url`` exists for the sandbox server and proxies."""

    region: Region = "us"
    base_url: str | None = None
    token: Secret | None = None
    rate_share: float = 1.0
    """The fraction of Pylon's per-minute limits this client may use: Pylon counts a shared
    token's requests together, so five teammates on one token each take 0.2."""
    ai_agent_id: str | None = None
    """The Pylon AI agent the reply editor asks for a draft (Settings -> AI agents)."""

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            allowed = ", ".join(repr(r) for r in REGIONS)
            raise ConfigError(
                f"pylon.region must be one of {allowed} (got {self.region!r})",
                key="pylon.region",
            )
        if self.base_url is not None:
            problem = base_url_problem(self.base_url)
            if problem:
                raise ConfigError(f"pylon.base_url {problem}", key="pylon.base_url")

    @property
    def api_url(self) -> str:
        """The API root without a trailing slash, so callers can append ``/issues``."""
        if self.base_url:
            return self.base_url.rstrip("/")
        return REGION_URLS[self.region]


@dataclass(frozen=True)
class LinearSettings:
    """Linear access; ``workspace`` builds issue URLs, ``default_team`` preselects on create."""

    token: Secret | None = None
    workspace: str | None = None
    default_team: str | None = None


@dataclass(frozen=True)
class GitHubSettings:
    """GitHub access, only used to watch linked GitHub issues."""

    token: Secret | None = None


@dataclass(frozen=True)
class ColumnSpec:
    """A board column as configured; ``states`` may be slugs or base categories."""

    key: str
    title: str
    states: tuple[str, ...]
    recent_days: int | None = None


DEFAULT_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("new", "New", ("new",)),
    ColumnSpec("on_you", "On You", ("waiting_on_you",)),
    ColumnSpec("on_hold", "On Hold", ("on_hold",)),
    ColumnSpec("closed", "Closed", ("closed",), recent_days=7),
)


@dataclass(frozen=True)
class BoardSettings:
    """Refresh cadence: cheap incremental refreshes often, a full reconcile now and then."""

    refresh_seconds: float = 30
    full_reconcile_minutes: float = 10
    bell_on_return: bool = False
    send_grace_seconds: float = 10
    """Undo send: a reply or note waits this long in the outbox (0 sends at once)."""


UI_THEMES = ("default", "high-contrast")
"""`[ui] theme`; the tui keeps the same names (tui/theme.py THEME_CHOICES, a test checks)."""


@dataclass(frozen=True)
class UiSettings:
    """How the board looks; the board's `T` key switches the theme and saves it here."""

    theme: str = "default"


DEFAULT_TEMPLATES: dict[str, str] = {
    "acknowledge": (
        "Thanks for reaching out! We're looking into this now and will get back to you shortly."
    ),
    "on_hold": (
        "Thanks for your patience. Our engineering team is tracking this issue and we'll "
        "update you as soon as there's progress."
    ),
}


def _default_templates() -> dict[str, str]:
    return dict(DEFAULT_TEMPLATES)


@dataclass(frozen=True)
class Config:
    """Everything the app needs from the user; ``Config()`` is the sandbox default."""

    pylon: PylonSettings = field(default_factory=PylonSettings)
    linear: LinearSettings = field(default_factory=LinearSettings)
    github: GitHubSettings = field(default_factory=GitHubSettings)
    columns: tuple[ColumnSpec, ...] = DEFAULT_COLUMNS
    board: BoardSettings = field(default_factory=BoardSettings)
    ui: UiSettings = field(default_factory=UiSettings)
    templates: dict[str, str] = field(default_factory=_default_templates)
    keys: dict[str, str] = field(default_factory=dict)
    # Pylon's /me returns the organisation, not a user, so "assign to me" needs an email.
    me_email: str | None = None
    source_path: Path | None = None
    actions: tuple[CustomAction, ...] = ()
    notify: NotifySettings = field(default_factory=NotifySettings)
    macros: dict[str, tuple[MacroAction, ...]] = field(default_factory=dict)
    views: tuple[View, ...] = ()
    """`[views.NAME]`, in file order (the built-in views are added by the domain)."""
    sla_first_response: timedelta | None = None
    """`[sla] first_response`: the team's first-response target, counted from creation."""

    @property
    def sandbox(self) -> bool:
        """No Pylon token means nothing real to talk to: run against the embedded emulator."""
        return self.pylon.token is None

    @property
    def reaches_linear(self) -> bool:
        """A Linear client is made: the sandbox's emulated Linear, or a configured token."""
        return self.sandbox or self.linear.token is not None
