"""Changes the board queued and has not sent yet, for `list` and `show` to mark as pending.

`list` and `show` print what Pylon says; a move made offline in the board is still in this
machine's outbox, and printing only the server's state told the user it was lost. The cache
is opened read-only: a headless command never moves a damaged file aside, never migrates one,
and never sends what the board queued (the board does, when it runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pylon_tui.bootstrap import cache_path
from pylon_tui.config import Config
from pylon_tui.domain import StateCatalog
from pylon_tui.domain.directory import Directory
from pylon_tui.domain.safe_text import one_line
from pylon_tui.domain.timefmt import format_time
from pylon_tui.sync import (
    Assign,
    Intent,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)
from pylon_tui.sync.cachefile import StoreCorrupt
from pylon_tui.sync.queued import CONFLICT, Queued
from pylon_tui.sync.store import Store


@dataclass(frozen=True, slots=True)
class PendingChange:
    kind: str
    text: str
    """How the change reads: "move to On Hold"."""
    conflict: bool = False
    """Pylon changed the ticket meanwhile: the board asks which version wins."""
    error: str | None = None
    """Why the last attempt failed, if one did."""

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "change": self.text,
            "conflict": self.conflict,
            "error": self.error,
        }


@dataclass
class PendingQueue:
    """The outbox grouped by ticket id; `problem` says why it could not be read, if so."""

    rows: list[Queued] = field(default_factory=list)
    problem: str | None = None

    def for_ticket(
        self, ticket_id: str, catalog: StateCatalog, directory: Directory
    ) -> list[PendingChange]:
        return [
            describe(q, catalog, directory) for q in self.rows if q.action.ticket_id == ticket_id
        ]

    def others(self, shown: Sequence[str]) -> list[Queued]:
        """Queued for tickets the output does not show (another column, off the board)."""
        ids = set(shown)
        return [q for q in self.rows if q.action.ticket_id not in ids]


def read_queue(config: Config) -> PendingQueue:
    """This workspace's queued changes; empty when the board never ran here."""
    path = cache_path(config, create=False)
    if not path.is_file():
        return PendingQueue()
    try:
        store = Store(path, read_only=True)
    except StoreCorrupt as error:
        if error.db is not None:
            error.db.close()
        return PendingQueue(
            problem=f"the local cache {path} is damaged ({error}); the board sets it aside "
            "when it next opens"
        )
    except OSError as error:
        return PendingQueue(problem=f"the local cache {path} cannot be read ({error})")
    try:
        return PendingQueue(store.queued())
    except (OSError, ValueError) as error:
        return PendingQueue(problem=f"queued changes in {path} cannot be read ({error})")
    finally:
        store.close()


def describe(q: Queued, catalog: StateCatalog, directory: Directory) -> PendingChange:
    error = one_line(q.last_error)[:120] if q.last_error else None
    return PendingChange(
        q.action.kind.value,
        change_text(q.action, catalog, directory),
        conflict=q.status == CONFLICT,
        error=error,
    )


def change_text(action: Intent, catalog: StateCatalog, directory: Directory) -> str:
    if isinstance(action, Move):
        return f"move to {one_line(catalog.label_of(action.state))}"
    if isinstance(action, SetPriority):
        return f"priority {action.priority.value if action.priority else 'none'}"
    if isinstance(action, Assign):
        who = directory.user_name(action.user_id) if action.user_id else "nobody"
        return f"assign to {one_line(who)}"
    if isinstance(action, Link):
        return f"link {one_line(action.label or action.external_id)}"
    if isinstance(action, Unlink):
        return f"unlink {one_line(action.label or action.external_id)}"
    if isinstance(action, Reply):
        return "reply"
    if isinstance(action, Note):
        return "internal note"
    if isinstance(action, SetTags):
        return f"tags {one_line(', '.join(action.tags)) or 'none'}"
    if isinstance(action, Snooze):
        return f"snooze until {format_time(action.until)}"
    return action.kind.value  # pragma: no cover - every intent type is named above


def pending_suffix(changes: Sequence[PendingChange]) -> str:
    """A plain line's tail, `  (pending: move to On Hold, priority high)`, or nothing."""
    if not changes:
        return ""
    parts = [c.text + (" [conflict: open the board]" if c.conflict else "") for c in changes]
    return f"  (pending: {', '.join(parts)})"
