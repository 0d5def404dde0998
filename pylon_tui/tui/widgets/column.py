"""A board column drawn with Textual's line API.

Only the rows on screen are rendered, so a column of 10,000 tickets costs the same to draw
as one of ten. The widget decides nothing: it draws the ColumnFrame the view model gives it,
repainting only the rows the frame names (a cursor move repaints two cards, not the column).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache

from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pylon_tui.domain import Directory, Priority, Ticket
from pylon_tui.domain.similar import SameIssueHint
from pylon_tui.domain.sla import SlaPolicy, Urgency
from pylon_tui.tui.view import ColumnFrame

from .cards import CARD_HEIGHT, CardStyles, card_segments, fit


class ColumnView(ScrollView, can_focus=False):
    COMPONENT_CLASSES = {
        "column--card",
        "column--meta",
        "column--cursor",
        "column--cursor-meta",
        "column--remembered",
        "column--selected",
        "column--urgent",
        "column--high",
        "column--medium",
        "column--low",
        "column--none",
        "column--empty",
        "column--sla-soon",
        "column--sla-near",
        "column--sla-breached",
    }

    DEFAULT_CSS = """
    ColumnView { scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    def __init__(
        self,
        *,
        directory: Callable[[], Directory],
        now: Callable[[], datetime],
        link_states: Callable[[], dict[str, str]],
        empty_text: str = "empty",
        id: str | None = None,
        sla: SlaPolicy | None = None,
        waiting: Callable[[], Mapping[str, int]] | None = None,
        hint: Callable[[Ticket], SameIssueHint | None] | None = None,
    ) -> None:
        super().__init__(id=id)
        self._sla = sla
        self._waiting = waiting
        self._hint = hint
        self._directory = directory
        self._now = now
        self._link_states = link_states
        self.tickets: Sequence[Ticket] = ()
        self.cursor_row = 0
        self.active = False
        self.marked: set[str] = set()
        self.empty_text = empty_text
        self.more_fields = False
        """Wide layout: cards show their `more` fields too (SLA, tags)."""
        self._styles: CardStyles | None = None
        self._strips: dict[tuple[int, int, int, int, bool, int], tuple[Ticket, Strip]] = {}
        """Rendered card lines by (ticket identity, line, width, cursor kind, marked, minute):
        tickets are immutable, so a changed ticket is a new object and misses the cache."""
        self._drawn: dict[int, Strip] = {}
        """The card lines last handed to Textual, by line in the column: what the screen
        shows, so a newer copy of a ticket that draws the same is not repainted."""

    def on_mount(self) -> None:
        self._styles = None

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()
        self._drawn.clear()

    def clear_cache(self) -> None:
        """Names or link states changed: cached lines may show stale text."""
        self._strips.clear()
        self._drawn.clear()

    def _card_styles(self) -> CardStyles:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = CardStyles(
                base=get("column--card"),
                meta=get("column--meta"),
                cursor=get("column--cursor"),
                selected=get("column--selected"),
                cursor_meta=get("column--cursor-meta"),
                remembered=get("column--remembered"),
                badges={
                    Priority.URGENT: get("column--urgent", partial=True),
                    Priority.HIGH: get("column--high", partial=True),
                    Priority.MEDIUM: get("column--medium", partial=True),
                    Priority.LOW: get("column--low", partial=True),
                    None: get("column--none", partial=True),
                },
                sla={
                    Urgency.SOON: get("column--sla-soon", partial=True),
                    Urgency.NEAR: get("column--sla-near", partial=True),
                    Urgency.BREACHED: get("column--sla-breached", partial=True),
                },
            )
        return self._styles

    def set_more_fields(self, more: bool) -> None:
        if more != self.more_fields:
            self.more_fields = more
            self._strips.clear()
            self.refresh()

    def set_empty_text(self, text: str) -> None:
        """What the column says when it has no card ("nothing new", or why it is not loaded);
        repaints only if that changed and the column is empty."""
        if text != self.empty_text:
            self.empty_text = text
            if not self.tickets:
                self.refresh()

    def show(self, frame: ColumnFrame) -> None:
        """Draw the frame, repainting only what it says changed (plus the cursor's card and
        the active marker, which this widget drew last and so knows where they were)."""
        if frame.first_changed is not None:
            self.active = frame.active
            self._set_tickets(frame.tickets, frame.cursor_row, frame.first_changed)
        else:
            self.tickets = frame.tickets
            if frame.cursor_row != self.cursor_row:
                self._set_cursor(frame.cursor_row)
            self._set_active(frame.active)
        for row in frame.replaced:
            if row < len(self.tickets) and self._draws_same(self.tickets[row], row):
                continue
            self.refresh_lines(row * CARD_HEIGHT, CARD_HEIGHT)

    def _draws_same(self, ticket: Ticket, row: int) -> bool:
        """A newer copy of a ticket whose card is drawn as the screen shows it (Pylon's
        answer to a move changes only its update time) is not repainted."""
        top = row * CARD_HEIGHT
        drawn = [self._drawn.get(top + part) for part in range(CARD_HEIGHT)]
        return all(
            line is not None and line == self._card_line(ticket, row, part)
            for part, line in enumerate(drawn)
        )

    def _set_tickets(self, tickets: Sequence[Ticket], cursor_row: int, from_row: int) -> None:
        """New contents; rows above `from_row` are known unchanged and are not repainted
        (unless the view scrolls), which halves a card move's repaint on average."""
        old_cursor, old_scroll = self.cursor_row, self.scroll_offset.y
        self.tickets = tickets
        self.cursor_row = cursor_row
        self._set_virtual_height(max(1, len(tickets) * CARD_HEIGHT))
        self.scroll_to_cursor()
        if self.scroll_offset.y != old_scroll:
            self.refresh()
            return
        # The cursor's card before and after, and the rows that moved: a card moved into
        # the middle of a column does not repaint the cards above it.
        top = max(0, from_row) * CARD_HEIGHT
        bottom = self.scroll_offset.y + self.scrollable_content_region.height
        if bottom > top:
            self.refresh_lines(top, bottom - top)
        for row in {old_cursor, cursor_row}:
            if row < from_row:
                self.refresh_lines(row * CARD_HEIGHT, CARD_HEIGHT)

    def refresh_lines(self, y_start: int, line_count: int = 1) -> None:
        """Repaint card rows only, not the scrollbar beside them: its cell is a region of
        its own on the wire (a cursor move and a style per row), and `_update_scrollbar`
        repaints it when its thumb moves."""
        top = y_start - self.scroll_offset.y
        self.refresh(Region(0, top, self.scrollable_content_region.width, line_count))

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scroll area without a screen-wide relayout when we can.

        Assigning `virtual_size` re-lays-out the whole screen (tens of ms and a full-screen
        repaint over SSH). If the scrollbar neither appears nor disappears, updating the
        scrollbars is all that is needed.
        """
        new = Size(self.size.width, height)
        old = self.virtual_size
        if new == old:
            return
        view = self.scrollable_content_region.height
        if old.height and (old.height > view) == (new.height > view):
            self.set_reactive(ColumnView.virtual_size, new)
            self._update_scrollbar(new.height)
        else:
            self.virtual_size = new

    def _update_scrollbar(self, virtual_height: int) -> None:
        """Give the scrollbar the new height, repainting it only if its thumb moved.

        A card move changes a long column's height by one card, which almost never moves
        the thumb by a cell; Textual would still re-render the whole bar (the largest part
        of a move's frame at 10,000 tickets). Scroll position changes repaint it as usual.
        """
        if not self.show_vertical_scrollbar:
            self._scroll_update(self.virtual_size)
            return
        bar = self.vertical_scrollbar
        window = self.container_size.height - self.scrollbar_size_horizontal
        before = _thumb(bar.size.height, bar.window_virtual_size, bar.window_size, bar.position)
        after = _thumb(bar.size.height, virtual_height, window, bar.position)
        bar.set_reactive(type(bar).window_virtual_size, virtual_height)
        bar.set_reactive(type(bar).window_size, window)
        if after != before:
            bar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _set_cursor(self, row: int) -> None:
        """Repaint just the old and new cursor cards."""
        old = self.cursor_row
        self.cursor_row = row
        self.refresh_lines(old * CARD_HEIGHT, CARD_HEIGHT)
        self.refresh_lines(row * CARD_HEIGHT, CARD_HEIGHT)
        self.scroll_to_cursor()

    def _set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh_lines(self.cursor_row * CARD_HEIGHT, CARD_HEIGHT)

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = self.cursor_row * CARD_HEIGHT
        y = self.scroll_offset.y
        if top < y or top + CARD_HEIGHT > y + height:
            # Jump so the cursor lands mid-view: one column repaint per half page of j/k
            # instead of one per key (what keeps a slow SSH link responsive).
            # On a card's first line: an odd offset would open the column on a card's
            # second line, its fields under nobody's title.
            target = max(0, top - (height - CARD_HEIGHT) // 2)
            target -= target % CARD_HEIGHT
            self.scroll_to(y=target, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = self.scroll_offset.y + y
        index, part = divmod(line, CARD_HEIGHT)
        if not self.tickets:
            lines = _wrapped(self.empty_text, width)
            if line < len(lines):
                style = self.get_component_rich_style("column--empty")
                return Strip([Segment(fit(f" {lines[line]}", width), style)], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.tickets):
            return Strip.blank(width, self.rich_style)
        strip = self._card_line(self.tickets[index], index, part)
        if len(self._drawn) > 4000:
            self._drawn.clear()
        self._drawn[line] = strip
        return strip

    def _card_line(self, ticket: Ticket, index: int, part: int) -> Strip:
        """Line `part` of `ticket`'s card drawn at row `index` (cached)."""
        width = self.scrollable_content_region.width
        now = self._now()
        cursor_kind = 0 if index != self.cursor_row else (1 if self.active else 2)
        marked = ticket.id in self.marked
        key = (id(ticket), part, width, cursor_kind, marked, int(now.timestamp() // 60))
        hit = self._strips.get(key)
        if hit is not None and hit[0] is ticket:
            return hit[1]
        segments = card_segments(
            ticket,
            part,
            width,
            styles=self._card_styles(),
            is_cursor=cursor_kind == 1,
            remembered=cursor_kind == 2,
            marked=marked,
            directory=self._directory(),
            now=now,
            link_states=self._link_states(),
            more=self.more_fields,
            sla=self._sla,
            waiting=self._waiting() if self._waiting is not None else None,
            hint=self._hint(ticket) if self._hint is not None and part else None,
        )
        # Neighbours in one style become one segment: each segment costs its full SGR
        # sequence and a reset on the wire (the focused card is one style end to end).
        strip = Strip(Segment.simplify(segments), width)
        if len(self._strips) > 4000:
            self._strips.clear()
        self._strips[key] = (ticket, strip)
        return strip


def _thumb(size: int, virtual: float, window: float, position: float) -> tuple[int, int]:
    """Where Textual's ScrollBarRender draws the thumb, in eighths of a cell: equal values
    draw the same bar (mirrors its `render_bar`)."""
    window = window if window < virtual else 0
    if not (window and size and virtual and size != virtual):
        return (-1, -1)
    thumb = max(1.0, window / (virtual / size))
    span = virtual - window
    offset = (size - thumb) * (position / span) if span else 0.0
    start = int(offset * 8)
    return start, start + math.ceil(thumb * 8)


@lru_cache(maxsize=64)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    """An empty column's message over as many lines as it needs (a reason and its fix do not
    fit in one line of a quarter of 80 columns); one space is kept for the left margin."""
    return tuple(textwrap.wrap(text, max(1, width - 1))) or ("",)
