"""Transport plumbing shared by the three clients: send, decode, and name the failure.

Kept separate so Pylon, Linear and GitHub translate httpx's exceptions and undecodable bodies
the same way, and so the token-scrubbing rule lives in one place.

The clients' public methods are the error boundary (`guarded`): whatever goes wrong inside a
request (a bug, a reply shaped in a way nobody foresaw, a transport raising something odd) comes
out as the client's own ApiError with a scrubbed one-line message, never as a raw exception
whose traceback a crash screen or log would print with its frames' local variables.
"""

from __future__ import annotations

import functools
import json
import os
import ssl
from collections.abc import AsyncGenerator, Awaitable, Callable, Coroutine
from contextlib import aclosing
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import httpx

from .auth import TokenAuth
from .errors import (
    ApiError,
    BadResponseError,
    CallerError,
    NetworkError,
    SecretsLike,
    excerpt,
    scrub,
)
from .secrecy import Secrets

USER_AGENT = "pylon-tui/0.1 (+https://github.com/pylon-tui)"


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One TLS context for all clients: building one loads the CA bundle (~20-40 ms each)."""
    return httpx.create_ssl_context()


def tls_verify(transport: httpx.AsyncBaseTransport | None) -> ssl.SSLContext | bool:
    """A custom transport (sandbox, tests) needs no TLS context at all."""
    return shared_ssl_context() if transport is None else True


class HttpClientBase:
    """One pooled httpx.AsyncClient per service, closed with `aclose` or `async with`.

    The client is made on the first request: its TLS context and pool cost tens of
    milliseconds that the board's first paint (from the cache) should not wait for.
    """

    _client: httpx.AsyncClient | None = None
    _client_options: dict[str, Any]
    _service = "API"
    _secrets = Secrets()
    _expected: tuple[type[Exception], ...] = (ApiError, CallerError)
    """Exceptions the public methods raise on purpose; anything else is turned into an ApiError."""

    def _configure(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None,
        auth: TokenAuth | None = None,
        **options: Any,
    ) -> None:
        self._client_options = {"transport": transport, "auth": auth, **options}

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            transport = self._client_options["transport"]
            self._client = httpx.AsyncClient(verify=tls_verify(transport), **self._client_options)
        return self._client

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def _unexpected(self, exc: Exception) -> ApiError:
        return BadResponseError(
            f"unexpected error handling the reply: {describe_bug(exc, self._secrets)}",
            service=self._service,
            hint=BUG_HINT,
            secrets=self._secrets,
        )


BUG_HINT = "most likely a pylon-tui bug or an odd reply; queued changes are kept and retried"
_C = TypeVar("_C", bound=HttpClientBase)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def describe_bug(exc: BaseException, secrets: SecretsLike = ()) -> str:
    """`TypeError at wire.py:123: <scrubbed first line>`: enough for a bug report, no values."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else ""
    try:
        detail = " ".join(str(exc).split())[:120]
    except Exception:  # a broken __str__ must not hide the failure
        detail = ""
    detail = scrub(detail, secrets)
    return f"{type(exc).__name__}{where}" + (f": {detail}" if detail else "")


def guarded(
    method: Callable[Concatenate[_C, _P], Awaitable[_R]],
) -> Callable[Concatenate[_C, _P], Coroutine[Any, Any, _R]]:
    """Make a public client method an error boundary (see the module docstring)."""

    @functools.wraps(method)
    async def boundary(self: _C, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return await method(self, *args, **kwargs)
        except self._expected:
            raise
        except Exception as exc:  # the boundary: anything else is a bug
            error = self._unexpected(exc)
        # Raised outside the handler: no __context__ chains back to the frames of the failure.
        raise error

    return boundary


def guarded_pages(
    method: Callable[Concatenate[_C, _P], AsyncGenerator[_R, None]],
) -> Callable[Concatenate[_C, _P], AsyncGenerator[_R, None]]:
    """`guarded` for an async generator: each page, and the walk itself, is a boundary."""

    @functools.wraps(method)
    async def boundary(
        self: _C, /, *args: _P.args, **kwargs: _P.kwargs
    ) -> AsyncGenerator[_R, None]:
        async with aclosing(method(self, *args, **kwargs)) as pages:
            while True:
                try:
                    page = await anext(pages)
                except StopAsyncIteration:
                    return
                except self._expected:
                    raise
                except Exception as exc:  # the boundary: anything else is a bug
                    error = self._unexpected(exc)
                    break
                yield page
        raise error

    return boundary


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    secrets: SecretsLike = (),
) -> httpx.Response:
    """Send one request; every transport failure becomes a transient NetworkError."""
    host = request.url.host or str(request.url)
    try:
        return await client.send(request)
    except httpx.TimeoutException as exc:
        kind = type(exc).__name__.replace("Timeout", " timeout").lower().strip()
        message = f"{kind} talking to {host}"
    except httpx.ConnectError as exc:
        message = f"could not connect to {host} ({_reason(exc)})"
    except httpx.HTTPError as exc:  # resets, protocol errors, proxies, bad redirects
        message = f"network error talking to {host}: {type(exc).__name__} ({_reason(exc)})"
    raise NetworkError(message, service=service, secrets=secrets)


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:160] or type(exc).__name__


def decode_json(
    response: httpx.Response,
    *,
    service: str,
    request_id: str | None = None,
    secrets: SecretsLike = (),
) -> object:
    """The JSON body, or a BadResponseError with a short, secret-free excerpt.

    Every way `json.loads` can refuse a body becomes that error: bad syntax or encoding
    (ValueError), integers too long to convert (ValueError), nesting deeper than the parser's
    recursion limit (RecursionError).
    """
    raw = response.content
    try:
        return json.loads(raw) if raw.strip() else None
    except ValueError:
        problem = "is not JSON"
    except RecursionError:
        problem = "is nested too deeply to read"
    preview = excerpt(raw, secrets)
    del raw  # the body may echo a token: keep it out of this frame's locals in a traceback
    content_type = response.headers.get("content-type", "unknown content type")
    raise BadResponseError(
        f"response {problem} ({content_type}): {preview}",
        body_excerpt=preview,
        service=service,
        status=response.status_code,
        request_id=request_id or header_request_id(response),
        secrets=secrets,
    )


def header_request_id(response: httpx.Response) -> str | None:
    for name in ("x-request-id", "x-github-request-id", "x-pylon-request-id"):
        value = response.headers.get(name)
        if isinstance(value, str) and value:
            return value
    return None
