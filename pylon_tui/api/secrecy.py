"""Holders that keep raw tokens out of reprs, debugger views and traceback frame locals.

A crash screen or a bug report renders every frame's local variables. A token kept in a plain
string, tuple or dict (a `secrets=` argument, a headers dict) would be printed with them. These
holders use `__slots__` (no `__dict__` to dump) and a repr that never shows the value, and the
Authorization header is only built inside httpx's auth flow, at the moment a request is sent
(auth.py: this module stays free of httpx, so errors can be imported without it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NoReturn

REDACTED = "[redacted]"
MIN_SECRET_CHARS = 4  # shorter "secrets" would redact ordinary words


class Secrets:
    """The exact secrets to remove from any text that may reach a user, a log or a file."""

    __slots__ = ("_count", "_pattern")

    def __init__(self, values: Iterable[str | None] = ()) -> None:
        words = sorted({v for v in values if v and len(v) >= MIN_SECRET_CHARS}, key=len)
        self._count = len(words)
        # Longest first, so a token that contains another is removed whole.
        alternatives = "|".join(re.escape(word) for word in reversed(words))
        self._pattern = re.compile(alternatives) if words else None

    @classmethod
    def of(cls, secrets: Secrets | Iterable[str | None]) -> Secrets:
        return secrets if isinstance(secrets, Secrets) else cls(secrets)

    def redact(self, text: str) -> str:
        return text if self._pattern is None else self._pattern.sub(REDACTED, text)

    def __bool__(self) -> bool:
        return self._count > 0

    def __repr__(self) -> str:
        return f"Secrets({self._count} hidden)"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("Secrets cannot be pickled")
