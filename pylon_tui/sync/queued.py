"""One outbox row as the sender sees it, and its strict decoding from SQLite.

Strict on purpose: a queued intent is the user's work. A row that cannot be read exactly
(an unknown kind, `extra` that is not a JSON object of strings, a damaged number) is never
guessed at or skipped: the caller treats the whole file as unreadable and keeps it aside.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pylon_tui.domain import Ticket
from pylon_tui.domain.timefmt import parse_time

from . import codec
from .intents import ActionKind, Intent

PENDING, CONFLICT = "pending", "conflict"
_KINDS = frozenset(kind.value for kind in ActionKind)

_NUMBERS = {"seq", "attempts", "next_attempt_at", "created_at", "may_land_until"}
_ORDER = (
    "seq",
    "client_key",
    "ticket_id",
    "kind",
    "value",
    "extra",
    "base_updated_at",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "before_json",
    "last_error",
    "may_land_until",
)
COLUMNS = ", ".join(c if c in _NUMBERS else f"CAST({c} AS BLOB)" for c in _ORDER)
"""Text is selected as BLOBs: damaged UTF-8 is then ours to report, not a failed query."""


class QueueUnreadable(ValueError):
    """A queued change that cannot be read back exactly."""


@dataclass(frozen=True, slots=True)
class Queued:
    """One outbox row: the action plus what the sender needs to retry it honestly."""

    seq: int
    action: Intent
    status: str
    attempts: int
    next_attempt_at: float
    created_at: float
    before: Ticket | None = None
    last_error: str | None = None
    may_land_until: float | None = None
    """While the clock is before this, an unanswered attempt may still reach the server."""

    @property
    def maybe_sent(self) -> bool:
        """An attempt was made: the server may have applied it even if we never heard back."""
        return self.attempts > 0

    def may_still_land(self, now: float) -> bool:
        return self.may_land_until is not None and now < self.may_land_until


def _text(value: object, name: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise QueueUnreadable(f"{name} is not UTF-8") from None
    if isinstance(value, str):
        return value
    raise QueueUnreadable(f"{name} is not text")


def _number(value: object, name: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise QueueUnreadable(f"{name} is not a number")


def _before(raw: object) -> Ticket | None:
    """The ticket as the user saw it: a damaged snapshot costs only the conflict check's
    "yours vs theirs" view, never the intent itself."""
    if raw is None:
        return None
    try:
        return codec.ticket_from_dict(json.loads(raw))  # type: ignore[arg-type]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError):
        return None


def decode_row(row: Sequence[object]) -> Queued:
    """A row selected with COLUMNS (text columns as BLOBs); raises QueueUnreadable."""
    (seq, key, ticket_id, kind, value, extra, base, status, attempts, next_at, created) = row[:11]
    before_json, last_error, may_land_until = row[11:]
    kind_text = _text(kind, "kind") or ""
    if kind_text not in _KINDS:
        raise QueueUnreadable(f"unknown kind {kind_text!r}")
    status_text = _text(status, "status")
    if status_text not in (PENDING, CONFLICT):
        raise QueueUnreadable(f"unknown status {status_text!r}")
    if not isinstance(seq, int) or not isinstance(attempts, int):
        raise QueueUnreadable("seq or attempts is not an integer")
    ticket_text = _text(ticket_id, "ticket_id") or ""
    value_text = _text(value, "value", optional=True)
    extra_text = _text(extra, "extra") or ""
    base_time = parse_time(_text(base, "base_updated_at", optional=True))
    key_text = _text(key, "client_key") or ""
    try:
        action = codec.intent_from_row(
            kind_text, ticket_text, value_text, extra_text, base_time, key_text
        )
    except ValueError as error:  # `extra` is not a JSON object of strings
        raise QueueUnreadable(str(error)) from None
    if not action.ticket_id or not action.client_key:
        raise QueueUnreadable("empty ticket id or client key")
    return Queued(
        seq,
        action,
        status_text,
        attempts,
        _number(next_at, "next_attempt_at"),
        _number(created, "created_at"),
        _before(before_json),
        _text(last_error, "last_error", optional=True),
        None if may_land_until is None else _number(may_land_until, "may_land_until"),
    )
