"""Typed, key-naming access to raw TOML tables: the vocabulary of every config error.

Each check raises a one-line ``ConfigError`` that starts with the file and the dotted key, so
the user sees exactly which line to fix, before any UI exists.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import Any, cast

from .model import ConfigError


def key_text(name: str) -> str:
    """A TOML key as a message shows it: bare if it could be written bare, else quoted."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else repr(name)


def describe(value: object, *, secret: bool = False) -> str:
    """The TOML type of ``value``, plus the value itself when it is safe and short."""
    if isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, int):
        kind = "integer"
    elif isinstance(value, float):
        kind = "number"
    elif isinstance(value, str):
        kind = "string"
    elif isinstance(value, dict):
        return "a table"
    elif isinstance(value, list):
        return "an array"
    elif isinstance(value, datetime | date | time):
        kind = "date/time"
    else:
        kind = type(value).__name__
    if secret:
        return kind
    return f"{kind} {short_repr(value)}"


def short_repr(value: object) -> str:
    """`repr` cut to 40 characters (and safe for integers too long for `str`)."""
    try:
        shown = repr(value)
    except ValueError:  # an integer past Python's digit limit for str()
        return "(too many digits)"
    return shown if len(shown) <= 40 else shown[:37] + "..."


class Reader:
    """Typed access to a raw TOML table, producing errors prefixed with the file name."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, key: str, text: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key} {text}", key=key)

    def check_keys(self, table: Mapping[str, Any], allowed: Iterable[str], prefix: str) -> None:
        """Reject unknown keys, suggesting the nearest known one (typos are the usual cause)."""
        known = tuple(allowed)
        for name in table:
            if name in known:
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            shown = key_text(name)
            if not prefix and isinstance(table[name], dict):
                hint = f" (did you mean [{close[0]}]?)" if close else ""
                raise ConfigError(f"{self.source}: unknown section [{shown}]{hint}", key=shown)
            full = f"{prefix}.{shown}" if prefix else shown
            if close:
                hint = f" (did you mean {prefix + '.' if prefix else ''}{close[0]}?)"
            else:
                hint = f" (expected one of: {', '.join(known)})"
            raise ConfigError(f"{self.source}: unknown key {full}{hint}", key=full)

    def table(self, raw: Mapping[str, Any], name: str) -> Mapping[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise self.error(name, f"must be a table [{name}] (got {describe(value)})")
        return cast(Mapping[str, Any], value)

    def string(
        self, table: Mapping[str, Any], name: str, key: str, *, secret: bool = False
    ) -> str | None:
        """A string setting; blank counts as unset so commented-out-ish values don't bite."""
        value = table.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be a string (got {describe(value, secret=secret)})")
        stripped = value.strip()
        return stripped or None

    def number(
        self,
        table: Mapping[str, Any],
        name: str,
        key: str,
        default: float,
        minimum: float,
        maximum: float,
    ) -> float:
        value = table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number (got {describe(value)})")
        if not value >= minimum:  # also rejects nan
            raise self.error(key, f"must be at least {minimum:g} (got {short_repr(value)})")
        if not value <= maximum:  # inf, 1e308, a 40-digit integer
            raise self.error(key, f"must be at most {maximum:g} (got {short_repr(value)})")
        return float(value)

    def boolean(self, table: Mapping[str, Any], name: str, key: str, default: bool) -> bool:
        value = table.get(name, default)
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false (got {describe(value)})")
        return value
