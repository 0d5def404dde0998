"""The Authorization header, built inside httpx's auth flow as each request is sent.

See secrecy.py: no options dict, client attribute or frame local of ours ever holds a token.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import NoReturn

import httpx


class TokenAuth(httpx.Auth):
    """Adds `Authorization: <scheme><token>` to each request as httpx sends it.

    Keeping the header out of the client's default headers means no options dict, client
    attribute or frame local of ours ever holds it; httpx's own Headers repr masks it.
    """

    __slots__ = ("_scheme", "_token")

    def __init__(self, token: str, *, scheme: str = "Bearer ") -> None:
        self._token = token
        self._scheme = scheme

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._scheme + self._token
        yield request

    def __repr__(self) -> str:
        return f"TokenAuth(scheme={self._scheme.strip() or 'raw'!r}, token=hidden)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("TokenAuth cannot be pickled")


def token_auth(token: str | None, *, scheme: str = "Bearer ") -> TokenAuth | None:
    return TokenAuth(token, scheme=scheme) if token else None
