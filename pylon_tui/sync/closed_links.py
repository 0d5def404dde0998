"""Issues that were already closed when someone linked them to a ticket.

Auto-return means "engineering finished, tell the customer". An issue that was closed before
it was linked finished nothing since, so the link watcher must not read it as a fresh close
(it would move the ticket back and post a false note). The record lives in the cache, so a
restart between linking and the next poll cannot forget it; a failed write only costs the
record, never the link.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial

from .store import Store

META_KEY = "closed_when_linked"


class ClosedWhenLinked:
    """ticket id -> the external ids of issues that were closed when linked to it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read(self) -> dict[str, frozenset[str]]:
        """The record; a damaged one reads as empty (the cost: one possible early return)."""
        raw = self.store.get_meta(META_KEY)
        try:
            data = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(ticket): frozenset(str(x) for x in ids)
            for ticket, ids in data.items()
            if isinstance(ids, list)
        }

    def of(self, ticket_id: str) -> frozenset[str]:
        return self.read().get(ticket_id, frozenset())

    def add(self, ticket_id: str, external_id: str) -> bool:
        """Remember one; False when the cache would not record it."""
        record = self.read()
        record[ticket_id] = record.get(ticket_id, frozenset()) | {external_id}
        return self._write(record)

    def forget(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Drop entries that no longer hold (the issue reopened, the link or ticket is gone):
        from then on the issue closing counts as a real close."""
        record = self.read()
        changed = False
        for ticket_id, external_id in pairs:
            ids = record.get(ticket_id, frozenset())
            if external_id in ids:
                changed = True
                record[ticket_id] = ids - {external_id}
                if not record[ticket_id]:
                    del record[ticket_id]
        if changed:
            self._write(record)

    def _write(self, record: dict[str, frozenset[str]]) -> bool:
        text = json.dumps({ticket: sorted(ids) for ticket, ids in sorted(record.items())})
        return self.store.best_effort(partial(self.store.set_meta, **{META_KEY: text}))
