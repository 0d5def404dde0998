"""Painting the board from the local cache, before any request: a mixin of BoardService.

`paint_head` paints a big cache's first frame from each column's head (see head.py);
`paint_from_cache` decodes the whole cache. Neither ever fails start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pylon_tui.domain import Board, Directory, StateCatalog

from . import codec
from .head import HEAD_KEY, SMALL_CACHE, parse_head
from .store import Store

if TYPE_CHECKING:
    from .outbox import Outbox

T = TypeVar("T")


class CachePaint:
    board: Board
    directory: Directory
    store: Store
    outbox: Outbox
    last_refresh: datetime | None
    _last_full: datetime | None
    _loaded: bool
    _names_painted = False

    def paint_from_cache(self) -> int:
        """The board as it was at the last run, with still-queued intents on top: it paints
        before any request, and works offline. Returns the number of cached tickets.

        Never fails start-up: damaged rows are skipped (and counted in a note), and a cache
        that fails here anyway is moved aside; its queued changes, already proven readable
        when the store opened, are carried over to the fresh one."""
        try:
            return self._paint_from_cache()
        except Exception as error:
            self.store.move_aside_and_reset(error)
            self.board.set_catalog(StateCatalog())
            self.board.replace_all([])
            self.directory = Directory.empty()
            self.last_refresh = self._last_full = None
            self._loaded = False
            self.outbox.replay_into_board()
            return 0

    def paint_head(self) -> bool:
        """The first frame of a big cache: names and only the tickets that head each column
        (see head.py), with the columns' cached sizes. True when only the head was painted:
        `paint_from_cache` must follow (the app calls it right after the first frame), and
        until then the board is `partial` and not `loaded`. False: nothing was painted
        (no usable head, or a small cache: decode it all instead)."""
        try:
            keys = [column.key for column in self.board.columns]
            head = parse_head(self.store.get_meta(HEAD_KEY), keys)
            if head is None or head.cached <= SMALL_CACHE:
                return False
            self._paint_names()
            self._names_painted = True
            self.board.replace_all(self.store.load_tickets_by_id(list(head.ids)))
            self.outbox.replay_into_board()  # as the board was when its head was saved
            self.board.head_totals = head.totals
        except Exception:
            self.board.replace_all([])
            return False
        return True

    def _paint_names(self) -> None:
        store = self.store
        statuses = _each(store, "status", codec.status_from_dict)
        self.board.set_catalog(StateCatalog(statuses))
        self.directory = Directory(
            {u.id: u for u in _each(store, "user", codec.user_from_dict)},
            {t.id: t for t in _each(store, "team", codec.team_from_dict)},
            {a.id: a for a in _each(store, "account", codec.account_from_dict)},
        )

    def _paint_from_cache(self) -> int:
        store = self.store
        if not self._names_painted:  # unless the head's paint read them a moment ago
            self._paint_names()
        self._names_painted = False
        tickets = store.load_tickets()
        self.board.replace_all(tickets)
        self.outbox.replay_into_board()
        store.best_effort(store.make_all_due)
        self.last_refresh = store.get_time("last_refresh")
        self._last_full = store.get_time("last_full")
        self._loaded = bool(tickets) and self.last_refresh is not None
        if store.skipped_rows:
            store.notes.append(
                f"{store.skipped_rows} damaged row(s) in the local cache were skipped; "
                "the board reloads them from Pylon."
            )
        return len(tickets)


def _each(store: Store, kind: str, decode: Callable[[dict[str, Any]], T]) -> list[T]:
    """Cached names of one kind; one that no longer decodes is skipped and counted."""
    out = []
    for data in store.load_names(kind):
        try:
            out.append(decode(data))
        except (KeyError, ValueError, TypeError, AttributeError):
            store.skipped_rows += 1
    return out
