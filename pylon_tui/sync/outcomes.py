"""What became of a user's action, as the TUI and CLI see it: sent, refused and rolled back,
queued for later, or never saved (the cache could not record it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pylon_tui.api.errors import ApiError
from pylon_tui.domain import Message, Ticket

from .cachefile import StoreUnavailable
from .delivery import Conflict
from .intents import Intent


class ActionFailed(Exception):
    """An action the server refused; the board has already been rolled back."""

    def __init__(self, action: Intent, error: ApiError, number: int | None) -> None:
        self.action = action
        self.error = error
        super().__init__(f"Could not {action.describe(number)}: {error}")


class ActionQueued(Exception):
    """Not sent yet, but safe in the outbox: it will be retried (or waits its turn).

    `maybe_applied`: a request left and its answer was lost, so the server may well have
    made the change; `error` is what went wrong, if anything did."""

    def __init__(
        self,
        action: Intent,
        reason: str,
        *,
        error: ApiError | None = None,
        maybe_applied: bool = False,
    ) -> None:
        self.action = action
        self.error = error
        self.maybe_applied = maybe_applied
        super().__init__(reason)


@dataclass(slots=True)
class Pending:
    action: Intent
    before: Ticket | None


@dataclass
class DrainReport:
    sent: list[Intent] = field(default_factory=list)
    failed: list[ActionFailed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    offline: ApiError | None = None
    checking: list[str] = field(default_factory=list)
    """Messages whose earlier attempt may still land: read the thread again later."""
    read_only: str | None = None
    """Set when the cache refused to record a send: sending pauses, nothing is lost."""
    held: list[Held] = field(default_factory=list)
    """Replies the collision guard stopped: the customer wrote after the draft was started."""


@dataclass(frozen=True, slots=True)
class Held:
    """A queued reply that waits for the user: `new` are the customer's messages written
    after the draft was started (the user sends as is, edits, or drops)."""

    action: Intent
    new: tuple[Message, ...]


class ActionNotSaved(StoreUnavailable):
    """A new change the cache could not record. Refused before the board changed, so the
    user hears it was not saved (and how to fix that) instead of losing it silently."""

    def __init__(self, action: Intent, number: int | None, trouble: StoreUnavailable) -> None:
        super().__init__(trouble.reason, trouble.fix, None)
        self.filename = trouble.filename
        self.action = action
        self.number = number

    def __str__(self) -> str:
        what = self.action.describe(self.number)
        return f"Could not save {what}: {self.reason}. Nothing was changed. Fix: {self.fix}."
