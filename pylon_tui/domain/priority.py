"""Priority as the board sees it; Pylon stores it as the `priority` custom field."""

from __future__ import annotations

from enum import StrEnum


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Sort key: urgent first. Unset priority ranks after low (see `priority_rank`)."""
        return _RANK[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @classmethod
    def from_key(cls, key: str) -> Priority | None:
        """Keys 1-4 map to urgent..low; anything else (0) clears."""
        return _BY_KEY.get(key)

    @classmethod
    def parse(cls, value: str | None) -> Priority | None:
        if not value:
            return None
        try:
            return cls(value.strip().lower())
        except ValueError:
            return None


_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.MEDIUM: 2, Priority.LOW: 3}
_BY_KEY = {"1": Priority.URGENT, "2": Priority.HIGH, "3": Priority.MEDIUM, "4": Priority.LOW}


def priority_rank(priority: Priority | None) -> int:
    return 4 if priority is None else priority.rank
