"""Unsent reply and note text, kept per ticket: nothing the user typed is thrown away.

Saved in the cache when the disk allows, and always in memory: a draft the disk refuses
(full, read-only, failing) is still there for the rest of the session, and the caller is
told it was not written, so it can say "kept until you quit" instead of "kept".
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Literal

from .cachefile import StoreUnavailable
from .store import Store

DraftKind = Literal["reply", "note"]


class Drafts:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._memory: dict[tuple[str, str], str] = {}
        """This session's word on each draft it touched; "" = dropped. It wins over the
        file, which may hold an older text that a refused write could not replace."""

    def save(self, ticket_id: str, kind: DraftKind, text: str) -> bool:
        """Keep `text` as the draft (blank text drops it). True when it is on disk too,
        False when it is kept in memory only, for this session."""
        if not text.strip():
            return self.drop(ticket_id, kind)
        self._memory[(ticket_id, kind)] = text
        return self._store.best_effort(partial(self._store.write_draft, ticket_id, kind, text))

    def get(self, ticket_id: str, kind: DraftKind) -> str | None:
        remembered = self._memory.get((ticket_id, kind))
        if remembered is not None:
            return remembered or None
        try:
            return self._store.read_draft(ticket_id, kind) or None
        except (sqlite3.Error, StoreUnavailable):  # a draft is never worth a failed dialog
            return None

    def drop(self, ticket_id: str, kind: DraftKind) -> bool:
        """Forget the draft (it was sent). True when the file forgot it too; if not, this
        session still never offers it again."""
        self._memory[(ticket_id, kind)] = ""
        return self._store.best_effort(partial(self._store.delete_draft, ticket_id, kind))


__all__ = ["DraftKind", "Drafts"]
