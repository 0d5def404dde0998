"""What every queued intent shares: its kind tag, its ticket, its base version and its key.

Apart from `intents` so the intents of the triage tools (tags, snooze) live in their own
module without an import cycle.
"""

from __future__ import annotations

import uuid
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from enum import StrEnum

MARKER = "pylon-tui:"
"""Starts the invisible comment that lets a replay recognise its own message in a thread."""


class ActionKind(StrEnum):
    """The tag an intent is stored under in the outbox's `kind` column (never renamed: rows
    written by any release must keep reading back)."""

    MOVE = "move"
    PRIORITY = "priority"
    ASSIGN = "assign"
    LINK = "link"
    REPLY = "reply"
    NOTE = "note"
    UNLINK = "unlink"
    """Only undo makes these. A new kind rather than a flag on "link": a release that does
    not know it refuses the row instead of reading it as a link."""
    TAGS = "tags"
    SNOOZE = "snooze"


def _new_key() -> str:
    return uuid.uuid4().hex


def _target(number: int | None) -> str:
    return f"#{number}" if number is not None else "ticket"


@dataclass(frozen=True, slots=True)
class _Intent:
    ticket_id: str
    _: KW_ONLY
    base_updated_at: datetime | None = None
    client_key: str = field(default_factory=_new_key)
