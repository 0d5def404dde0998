"""The board's head: the first cards of each column, painted before the rest of the cache.

Decoding a cached board of 100,000 tickets takes most of a second, and the first frame shows
a few dozen cards. So every save also records which tickets head each column and how many
each column holds; the next start decodes those few, paints, and decodes the rest right after
the first frame (`BoardService.paint_head`, then `paint_from_cache`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pylon_tui.domain import Board

HEAD_KEY = "board_head"
HEAD_CARDS = 64
"""Cards kept per column: a 128-row column at two rows a card, taller than most terminals."""
SMALL_CACHE = 4 * HEAD_CARDS * 2
"""Caches up to this many tickets decode in full at once: a head would save nothing."""


@dataclass(frozen=True, slots=True)
class Head:
    columns: tuple[str, ...]
    """The columns' keys when it was saved: a head for other columns is ignored."""
    totals: tuple[int, ...]
    ids: tuple[str, ...]
    cached: int
    """Tickets in the cache when it was saved."""


def head_of(board: Board) -> str:
    """The head of `board` as stored: its columns' first cards and sizes, as shown now."""
    ids = [t.id for index in range(len(board.columns)) for t in board.column(index)[:HEAD_CARDS]]
    return json.dumps(
        {
            "columns": [column.key for column in board.columns],
            "totals": [board.column_total(index) for index in range(len(board.columns))],
            "ids": ids,
            "cached": len(board),
        }
    )


def parse_head(text: str | None, columns: Sequence[str]) -> Head | None:
    """The stored head if it is sound and made for these columns; None otherwise (the
    caller then decodes the whole cache, as without a head)."""
    if not text:
        return None
    try:
        data = json.loads(text)
        head = Head(
            columns=tuple(str(key) for key in data["columns"]),
            totals=tuple(int(total) for total in data["totals"]),
            ids=tuple(str(ticket_id) for ticket_id in data["ids"]),
            cached=int(data["cached"]),
        )
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    if head.columns != tuple(columns) or len(head.totals) != len(columns):
        return None
    if any(total < 0 for total in head.totals):
        return None
    return head
