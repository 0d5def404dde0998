"""Which board layout a terminal size gets (pure: unit-tested without a terminal).

Designed at 80x24 first (the smallest SSH terminal triage happens in): four columns of
compact cards and, under them, the focused card in full. Narrower than 80 columns the board
shows one column at a time with tabs (`h`/`l` switch); below 40x12 it says it is too small
rather than draw something unreadable. From 160 columns cards show more fields and a detail
pane can sit beside the board.
"""

from __future__ import annotations

from enum import StrEnum

MIN_WIDTH, MIN_HEIGHT = 40, 12
BOARD_WIDTH = 80
"""Narrower than this, four columns of 19 cells no longer fit a readable card."""
WIDE_WIDTH = 160
PREVIEW_MIN_HEIGHT = 18
"""Below this the rows are worth more than the preview strip (4 lines)."""
PANE_WIDTH = 56


class LayoutMode(StrEnum):
    TOO_SMALL = "too-small"
    SINGLE = "single"
    BOARD = "board"
    WIDE = "wide"


def layout_mode(width: int, height: int) -> LayoutMode:
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return LayoutMode.TOO_SMALL
    if width < BOARD_WIDTH:
        return LayoutMode.SINGLE
    if width >= WIDE_WIDTH:
        return LayoutMode.WIDE
    return LayoutMode.BOARD


def shows_preview(mode: LayoutMode, height: int, pane_open: bool) -> bool:
    """The strip under the board, unless the detail pane shows the same and more, or the
    terminal is too short to spare its lines."""
    if mode is LayoutMode.TOO_SMALL or height < PREVIEW_MIN_HEIGHT:
        return False
    return not (mode is LayoutMode.WIDE and pane_open)


def too_small_text(width: int, height: int) -> str:
    return (
        f"Terminal too small: {width}×{height}.\n"
        f"pylon-tui needs at least {MIN_WIDTH}×{MIN_HEIGHT} "
        f"({BOARD_WIDTH}×24 shows all columns).\n"
        "Make the window bigger, or press q to quit."
    )
