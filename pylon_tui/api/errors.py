"""One exception tree for Pylon, Linear and GitHub failures.

Callers branch on the class (auth vs. not found vs. "try again later") and on `.transient`,
never on status codes or message text, so the sync engine can decide between rolling back an
intent and keeping it queued. Every message passes through `scrub`, so a token echoed back by a
server or embedded in an httpx error can never reach the screen, a log or a bug report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pylon_tui.domain.safe_text import one_line

from .secrecy import REDACTED, Secrets
from .waits import bounded
from .waits import parse_retry_after as parse_retry_after  # callers import it from here

_SECRET_SHAPES = re.compile(
    r"(?i)(bearer\s+)\S+"  # an Authorization header value echoed back
    r"|\bpylon_api_\w+"  # Pylon API tokens (US and EU)
    r"|\blin_(?:api|oauth)_\w+"  # Linear personal / OAuth keys
    r"|\bgh[pousr]_\w+|\bgithub_pat_\w+"  # GitHub tokens
)
EXCERPT_CHARS = 120
_CODE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
"""What a stable error code looks like (`wrong_region_token`); anything else is not shown."""
SecretsLike = Secrets | Iterable[str | None]


def scrub(text: str, secrets: SecretsLike = ()) -> str:
    """Remove known secrets and anything shaped like a token from `text`."""
    text = Secrets.of(secrets).redact(text)
    return _SECRET_SHAPES.sub(lambda m: (m.group(1) or "") + REDACTED, text)


def excerpt(raw: bytes | str, secrets: SecretsLike = ()) -> str:
    """A short single-line, secret-free preview of a body we could not understand."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    # Scrub before cutting, so a token split by the cut cannot survive as a prefix.
    text = " ".join(scrub(text, secrets).split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + "..."
    return one_line(text) or "(empty body)"


def _safe(text: str, secrets: Secrets) -> str:
    """Server text as one plain line: no secret, no control or escape sequence."""
    return one_line(scrub(text, secrets))


class CallerError(ValueError):
    """A call refused before any request (bad input from the caller or the user); passes the
    clients' error boundary as-is, unlike an unexpected exception."""


def error_code(value: object) -> str | None:
    """A server's top-level `code`, if it looks like one: the part of an error that stays
    stable while its message is reworded, so it is what code may branch on."""
    return value if isinstance(value, str) and _CODE.fullmatch(value) else None


class ApiError(Exception):
    """Base of every failure a client raises; safe to show to the user as-is."""

    default_hint = ""
    default_transient = False
    code: str | None = None
    """The server's stable error code (Pylon's top-level `code`), when it sent one."""

    def __init__(
        self,
        message: str,
        *,
        service: str = "Pylon",
        status: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        transient: bool | None = None,
        secrets: SecretsLike = (),
    ) -> None:
        secrets = Secrets.of(secrets)
        self.service = service
        self.message = _safe(message, secrets) or "unknown error"
        self.status = status
        self.request_id = _safe(request_id, secrets) or None if request_id else None
        self.hint = _safe(hint if hint is not None else self.default_hint, secrets)
        self.transient = self.default_transient if transient is None else transient
        super().__init__(self.message)

    def __str__(self) -> str:
        where = []
        if self.status is not None:
            where.append(f"HTTP {self.status}")
        if self.code and self.code not in self.message:
            where.append(f"code {self.code}")
        if self.request_id:
            where.append(f"request id {self.request_id}")
        suffix = f" ({', '.join(where)})" if where else ""
        return f"{self.service}: {self.message}{suffix}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(service={self.service!r}, status={self.status!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )

    @property
    def user_text(self) -> str:
        """The error and, on a second line, what the user should do about it."""
        return f"{self}\n{self.hint}" if self.hint else str(self)


class AuthError(ApiError):
    default_hint = "check the API token in config.toml (or run `pylon-tui setup`)"

    def __init__(
        self,
        message: str,
        *,
        wrong_region: bool = False,
        region: str | None = None,
        service: str = "Pylon",
        status: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        secrets: SecretsLike = (),
    ) -> None:
        self.wrong_region = wrong_region
        self.region = region if wrong_region else None
        """The region the token belongs to, when the server or the token's prefix said."""
        if wrong_region and hint is None:
            hint = wrong_region_hint(region)
        super().__init__(
            message,
            service=service,
            status=status,
            request_id=request_id,
            hint=hint,
            secrets=secrets,
        )


WRONG_REGION_HINT = (
    "this token belongs to the other Pylon region: set pylon.region = 'eu' (or 'us') in config.toml"
)
_REGION_HOSTS = {"us": "api.usepylon.com", "eu": "api.eu.usepylon.com"}


def wrong_region_hint(region: str | None) -> str:
    """The fix for `wrong_region_token`, naming the region when it is known."""
    if region not in _REGION_HOSTS:
        return WRONG_REGION_HINT
    return (
        f"this token belongs to Pylon's {region.upper()} region (https://{_REGION_HOSTS[region]}):"
        f" set pylon.region = '{region}' in config.toml (and remove pylon.base_url if set)"
    )


class NotFoundError(ApiError):
    default_hint = "it may have been deleted, merged, or belong to another workspace"


class RateLimitedError(ApiError):
    default_hint = "too many requests: pylon-tui backs off and retries automatically"
    default_transient = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float = 0.0,
        service: str = "Pylon",
        status: int | None = 429,
        request_id: str | None = None,
        hint: str | None = None,
        secrets: SecretsLike = (),
    ) -> None:
        # The one place every 429 wait passes: whatever a header said, the outbox, the budget
        # and the status bar only ever see a finite wait of at most MAX_WAIT seconds.
        self.retry_after = bounded(retry_after) or 0.0
        super().__init__(
            message,
            service=service,
            status=status,
            request_id=request_id,
            hint=hint,
            secrets=secrets,
        )


class ServerError(ApiError):
    default_hint = "the service had a problem; queued changes will be retried"
    default_transient = True


class NetworkError(ApiError):
    default_hint = "check your network connection and the base URL in config.toml"
    default_transient = True


class BadResponseError(ApiError):
    default_hint = "the server answered in an unexpected shape; check the base URL in config.toml"

    def __init__(
        self,
        message: str,
        *,
        body_excerpt: str = "",
        service: str = "Pylon",
        status: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
        secrets: SecretsLike = (),
    ) -> None:
        self.body_excerpt = _safe(body_excerpt, Secrets.of(secrets))
        super().__init__(
            message,
            service=service,
            status=status,
            request_id=request_id,
            hint=hint,
            secrets=secrets,
        )


class RequestError(ApiError):
    default_hint = "the server refused the request as sent"


class PriorityNotSavedError(RequestError):
    """Pylon answered a priority change with success, but the ticket kept its old priority.

    Pylon ignores what it does not know (a custom-field slug or option this workspace does not
    have) instead of refusing it, so a 200 alone proves nothing: this is the refusal the server
    did not send, and the outbox rolls the change back like any other refusal.
    """

    def __init__(
        self,
        field: str,
        option: str | None,
        *,
        now: str | None,
        service: str = "Pylon",
        request_id: str | None = None,
        secrets: SecretsLike = (),
    ) -> None:
        self.field = field
        self.option = option
        change = f"setting option {option!r}" if option else "clearing it"
        still = f"option {now!r}" if now else "unset"
        has = f" or has no option {option!r}" if option else ""
        super().__init__(
            f"Pylon answered OK but did not save the priority: custom field {field!r} is still "
            f"{still} after {change}",
            service=service,
            request_id=request_id,
            hint=(
                f"this workspace's priority field is not {field!r}{has}: run `pylon-tui doctor` "
                "to see the field and options pylon-tui detected, and compare them with the "
                "Priority field in Pylon's settings"
            ),
            secrets=secrets,
        )


def error_for_status(
    status: int,
    messages: list[str],
    *,
    service: str,
    request_id: str | None = None,
    retry_after: float | None = None,
    wrong_region: bool = False,
    region: str | None = None,
    code: str | None = None,
    secrets: SecretsLike = (),
) -> ApiError:
    """Map an HTTP status plus the server's own messages onto the tree; `code` (the stable
    part of the error) wins over the status where it names the problem."""
    error = _for_status(
        status,
        messages,
        service=service,
        request_id=request_id,
        retry_after=retry_after,
        wrong_region=wrong_region or code == "wrong_region_token",
        region=region,
        secrets=Secrets.of(secrets),
    )
    error.code = error_code(code)
    return error


def _for_status(
    status: int,
    messages: list[str],
    *,
    service: str,
    request_id: str | None,
    retry_after: float | None,
    wrong_region: bool,
    region: str | None,
    secrets: Secrets,
) -> ApiError:
    text = "; ".join(m for m in messages if m) or _DEFAULT_TEXT.get(status, f"HTTP error {status}")
    if status in (401, 403) or wrong_region:
        hint = None
        if status == 403 and not wrong_region:
            hint = "the token is valid but lacks permission for this (an admin token may be needed)"
        return AuthError(
            text,
            wrong_region=wrong_region,
            region=region,
            service=service,
            status=status,
            request_id=request_id,
            hint=hint,
            secrets=secrets,
        )
    if status == 429:
        return RateLimitedError(
            text,
            retry_after=retry_after or 0.0,
            service=service,
            request_id=request_id,
            secrets=secrets,
        )
    cls: type[ApiError] = RequestError
    if status == 404:
        cls = NotFoundError
    elif status == 408 or status >= 500:
        cls = ServerError
    return cls(text, service=service, status=status, request_id=request_id, secrets=secrets)


_DEFAULT_TEXT = {
    400: "bad request",
    401: "the API token was rejected",
    403: "permission denied",
    404: "not found",
    408: "request timed out on the server",
    409: "conflict",
    422: "the request could not be processed",
    429: "rate limited",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}
