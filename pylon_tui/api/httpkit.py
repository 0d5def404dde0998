"""Transport plumbing shared by the three clients: send, decode, and name the failure.

Kept separate so Pylon, Linear and GitHub translate httpx's exceptions and undecodable bodies
the same way, and so the token-scrubbing rule lives in one place.
"""

from __future__ import annotations

import functools
import json
import ssl
from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

import httpx

from .errors import BadResponseError, NetworkError, excerpt

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

    def _configure(self, *, transport: httpx.AsyncBaseTransport | None, **options: Any) -> None:
        self._client_options = {"transport": transport, **options}

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


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    service: str,
    secrets: Iterable[str | None] = (),
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
    secrets: Iterable[str | None] = (),
) -> object:
    """The JSON body, or a BadResponseError with a short, secret-free excerpt."""
    raw = response.content
    try:
        return json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        secrets = tuple(secrets)
        preview = excerpt(raw, secrets)
        content_type = response.headers.get("content-type", "unknown content type")
        raise BadResponseError(
            f"response is not JSON ({content_type}): {preview}",
            body_excerpt=preview,
            service=service,
            status=response.status_code,
            request_id=request_id or header_request_id(response),
            secrets=secrets,
        ) from None


def header_request_id(response: httpx.Response) -> str | None:
    for name in ("x-request-id", "x-github-request-id", "x-pylon-request-id"):
        value = response.headers.get(name)
        if isinstance(value, str) and value:
            return value
    return None
