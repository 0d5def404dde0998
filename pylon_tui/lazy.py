"""Package names that load with their module on first use (PEP 562).

A package `__init__` that imports every submodule to offer their names makes importing any one
submodule import them all: the board's first frame then waited for every HTTP client and httpx.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, home: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: `home` maps each name to its submodule."""

    def __getattr__(name: str) -> object:
        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # the next lookup is a plain attribute
        return value

    return __getattr__


class OnFirstUse:
    """Stands in for an object that is costly to make until something first uses it; every
    attribute then comes from the made object. The board's HTTP clients wait behind one of
    these: httpx and the client modules would otherwise come before its first frame."""

    __slots__ = ("_made", "_make")

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make: Callable[[], Any] | None = make
        self._made: Any = None

    @property
    def made(self) -> bool:
        return self._make is None

    def _target(self) -> Any:
        if self._make is not None:
            self._made = self._make()
            self._make = None
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    async def aclose(self) -> None:
        """Close what was made; nothing to close if it never was."""
        if self.made and self._made is not None:
            await self._made.aclose()

    def __repr__(self) -> str:
        return f"OnFirstUse({type(self._made).__name__ if self.made else 'not made yet'})"
