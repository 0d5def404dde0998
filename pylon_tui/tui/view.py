"""The board's view model: what each column shows and what changed since the last frame.

Pure (domain only: no Textual, no Rich), so every repaint decision is unit-tested without a
terminal. The screen asks for a frame after any change and hands each ColumnFrame to its
column widget, which only draws. Speed lives here: a column whose contents, filter, cursor
and marks are unchanged gets no frame, a card move repaints two columns from their first
changed rows, a server echo repaints one card, and typing more filter text refilters the
previous matches instead of the column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from pylon_tui.domain import Board, BoardCursor, Directory, Ticket, TicketFilter, View
from pylon_tui.domain.filters import MatchContext, compile_query, searchable_text
from pylon_tui.domain.query import Word
from pylon_tui.domain.sla import SlaPolicy
from pylon_tui.domain.sorting import SortOrder, sort_key

RECENT_VIEWS = 64
"""Filtered column views remembered (4 columns x 16 filters): typing a word and deleting it
again redraws from memory."""


@dataclass(frozen=True, slots=True)
class ColumnFrame:
    """One column to draw. Rows not named by `first_changed` or `replaced` are as last drawn
    (the cursor's and the active column's cards excepted: the widget knows where it drew them)."""

    index: int
    title: str
    tickets: Sequence[Ticket]
    """What the column shows, in order (filter applied)."""
    total: int
    """Tickets in the column before filtering (the title's "shown/total")."""
    first_changed: int | None
    """None: same tickets in the same order; 0: draw it all; n: rows from n down may differ."""
    replaced: frozenset[int]
    """Rows above `first_changed` whose ticket was replaced in place by a newer copy."""
    cursor_row: int
    active: bool
    sort: SortOrder = SortOrder.DEFAULT
    """The column's order (the title shows any but the default)."""


class ViewKey(NamedTuple):
    """What a column's visible list was computed from; equal keys mean an equal list."""

    column_version: int
    filter: TicketFilter
    me_id: str | None
    content_version: int | None  # only for filtered or sorted views, which copy tickets
    sort: SortOrder = SortOrder.DEFAULT

    def narrows(self, previous: ViewKey) -> bool:
        """Same column, view and order, and plain words that only grew: every new match is
        an old match, so the previous (filtered) list is enough to filter again."""
        old, new = previous.filter, self.filter
        return (
            previous.column_version == self.column_version
            and previous.content_version == self.content_version
            and previous.me_id == self.me_id
            and previous.sort == self.sort
            and old.active
            and old.view == new.view
            and old.typed.words_only
            and new.typed.words_only
            and new.text.lower().startswith(old.text.lower())
        )


class PaintKey(NamedTuple):
    """What a column was last drawn from; an equal key means nothing to redraw."""

    view: ViewKey | None
    cursor_row: int
    active: bool
    marks: frozenset[str]


def _rows_above_stand(previous: PaintKey | None, paint: PaintKey) -> bool:
    """Whether the board's change log may say where to start redrawing: only when the
    column showed the live board column before and after, with the same marks. Otherwise
    (first paint, a filter on either side, marks changed, or only the cursor moved with no
    change in the column) the column is drawn from row 0. The widget adds the old and new
    cursor rows itself."""
    return (
        previous is not None
        and previous.view is not None
        and paint.view is not None
        and paint.view != previous.view
        and not previous.view.filter.active
        and not paint.view.filter.active
        and previous.view.sort is SortOrder.DEFAULT
        and paint.view.sort is SortOrder.DEFAULT
        and paint.marks == previous.marks
    )


class BoardView:
    """The filtered columns, the cursor and the marks, and the frames that bring a screen up
    to date with them. A frame is what the caller draws next: asking for one records it as
    drawn."""

    def __init__(
        self,
        board: Board,
        *,
        now: Callable[[], datetime],
        me_id: Callable[[], str | None],
        directory: Callable[[], Directory],
        sla: SlaPolicy | None = None,
        link_closed: Callable[[str], bool | None] | None = None,
    ) -> None:
        self.board = board
        self.sla = sla or SlaPolicy()
        self._link_closed = link_closed or (lambda _eid: None)
        self._now = now
        self._me_id = me_id
        self._directory = directory
        count = len(board.columns)
        self.cursor = BoardCursor(count)
        self.filter = TicketFilter()
        self.sorts: list[SortOrder] = [SortOrder.DEFAULT] * count
        """Each column's order: `s` cycles the focused one, a view sets them all."""
        self.marked: set[str] = set()
        self._views: list[Sequence[Ticket]] = [() for _ in range(count)]
        self._view_keys: list[ViewKey | None] = [None] * count
        self._paint_keys: list[PaintKey | None] = [None] * count
        self._drawn_version = [-1] * count
        """The board version each column was last drawn at: the change log's reference."""
        self._seen_version = -1
        self._focus_id: str | None = None
        """The focused ticket, remembered by id: views alias the board's live lists, so after
        a change the row under the cursor may already hold another ticket."""
        self._hay: dict[str, tuple[Ticket, str]] = {}
        """Lower-cased searchable text per ticket (tickets are immutable: identity = fresh)."""
        self._hay_directory: object = None
        self._haystack: Callable[[Ticket], str] = lambda t: ""
        self._recent: dict[tuple[int, ViewKey], Sequence[Ticket]] = {}
        """The last few filtered views by column and what they were computed from."""

    @property
    def views(self) -> list[Sequence[Ticket]]:
        """What each column shows as of the last frame (tests and the bench read it)."""
        return self._views

    @property
    def stale(self) -> bool:
        """The board changed since the last frame."""
        return self.board.version != self._seen_version

    # ----- frames ----------------------------------------------------------------------
    def frame(self, *, follow: str | None = None, force: bool = False) -> list[ColumnFrame]:
        """The columns to draw after a data, filter, cursor or mark change; focus follows
        `follow` (a card the user moved) anywhere, else the ticket focused last within its
        column only: a change the user did not make (a refresh, an auto-return, a rollback)
        never takes the cursor to another column. `force` draws every column from row 0."""
        count = len(self._views)
        if force:
            self._view_keys = [None] * count
            self._paint_keys = [None] * count
        predicate = self._predicate()
        self._refilter(predicate)
        if follow is not None:
            self._focus_ticket(follow)
        elif self._focus_id is not None:
            self._focus_ticket(self._focus_id, within=self.cursor.column)
        self.cursor.clamp([len(v) for v in self._views])
        board = self.board
        marks = frozenset(self.marked)
        frames: list[ColumnFrame] = []
        for index in range(count):
            paint = PaintKey(
                self._view_keys[index], self.cursor.rows[index], index == self.cursor.column, marks
            )
            previous = self._paint_keys[index]
            changes = board.changes_since(index, self._drawn_version[index])
            self._drawn_version[index] = board.version
            if paint == previous:
                if changes.replaced:  # same rows, newer copies of some tickets
                    frames.append(self._column_frame(index, None, changes.replaced))
                continue
            first: int = 0
            replaced: frozenset[int] = frozenset()
            if changes.first_row is not None and _rows_above_stand(previous, paint):
                first, replaced = changes.first_row, changes.replaced
            self._paint_keys[index] = paint
            frames.append(self._column_frame(index, first, replaced))
        self._seen_version = board.version
        self._focus_id = self.current_id()
        return frames

    def _refilter(self, predicate: Callable[[Ticket], bool] | None) -> None:
        board = self.board
        me_id = self._me_id()
        for index in range(len(self._views)):
            # A filtered or sorted view is a copy holding ticket objects: in-place changes
            # (which may change a sort key, like updated_at) refilter and resort it.
            order = self.sorts[index]
            copied = predicate is not None or order is not SortOrder.DEFAULT
            content = board.content_version(index) if copied else None
            key = ViewKey(board.column_version(index), self.filter, me_id, content, order)
            previous = self._view_keys[index]
            if key == previous:
                continue
            remembered = self._recent.get((index, key))
            if remembered is not None:  # backspacing to a filter this column just showed
                self._views[index] = remembered
                self._view_keys[index] = key
                continue
            items: Sequence[Ticket] = board.column(index)
            narrowed = previous is not None and key.narrows(previous)
            if predicate and narrowed:
                items = self._views[index]  # typing more only removes matches
            if predicate is not None:
                items = self._matching(items, predicate)
            by = sort_key(order, self.sla)
            if by is not None and not narrowed:
                items = sorted(items, key=by)
            self._views[index] = items
            if copied:
                self._remember((index, key), items)
            self._view_keys[index] = key

    def _matching(
        self, items: Sequence[Ticket], predicate: Callable[[Ticket], bool]
    ) -> list[Ticket]:
        """The tickets that match. Plain words alone (the typing case) are tested
        against cached haystacks in one comprehension: a keystroke over 10,000 tickets must
        fit in a frame, and the general predicate's per-ticket call costs several times more."""
        query = self.filter.query
        if not query.words_only:
            return [t for t in items if predicate(t)]
        needles = [part.text.lower() for part in query.parts if isinstance(part, Word)]
        if not needles:
            return [t for t in items if predicate(t)]
        hay = self._haystack
        if len(needles) == 1:
            (needle,) = needles
            return [t for t in items if needle in hay(t)]
        return [t for t in items if all(n in hay(t) for n in needles)]

    def _remember(self, key: tuple[int, ViewKey], view: Sequence[Ticket]) -> None:
        """Keep the last few filtered views: backspace returns to one at no cost. Keys carry
        the column's versions, so a changed column never matches a remembered view."""
        self._recent[key] = view
        while len(self._recent) > RECENT_VIEWS:
            del self._recent[next(iter(self._recent))]

    def _column_frame(
        self, index: int, first_changed: int | None, replaced: frozenset[int]
    ) -> ColumnFrame:
        return ColumnFrame(
            index=index,
            title=self.board.columns[index].title,
            tickets=self._views[index],
            total=self.board.column_total(index),
            first_changed=first_changed,
            replaced=replaced,
            cursor_row=self.cursor.rows[index],
            active=index == self.cursor.column,
            sort=self.sorts[index],
        )

    def _mark_drawn(self, index: int, marks: frozenset[str] | None = None) -> None:
        """A targeted redraw moved the cursor card or the active marker (and drew `marks`,
        if given). Anything else the column drew stays as recorded, so a change not drawn
        yet (marks cleared, a new filter) still gets its frame."""
        previous = self._paint_keys[index]
        if previous is not None:
            self._paint_keys[index] = PaintKey(
                previous.view,
                self.cursor.rows[index],
                index == self.cursor.column,
                previous.marks if marks is None else marks,
            )

    def _predicate(self) -> Callable[[Ticket], bool] | None:
        if not self.filter.active:
            return None
        directory = self._directory()
        if directory is not self._hay_directory:
            self._hay.clear()  # names changed: cached texts may be stale
            self._recent.clear()
            self._hay_directory = directory

        def names(t: Ticket) -> str:
            return f"{directory.account_name(t.account_id)} {directory.user_name(t.assignee_id)}"

        cache = self._hay

        def haystack(t: Ticket) -> str:
            hit = cache.get(t.id)
            if hit is not None and hit[0] is t:
                return hit[1]
            text = searchable_text(t, names)
            cache[t.id] = (t, text)
            return text

        self._haystack = haystack
        catalog = self.board.catalog
        return compile_query(
            self.filter.query,
            MatchContext(
                now=self._now(),
                me_id=self._me_id(),
                account_name=directory.account_name,
                user_name=directory.user_name,
                link_closed=self._link_closed,
                category_of=lambda state: (
                    found.value if (found := catalog.category_of(state)) else None
                ),
                sla=self.sla,
                haystack=haystack,
            ),
        )

    def _focus_ticket(self, ticket_id: str, *, within: int | None = None) -> None:
        column = self.board.column_index_of(ticket_id)
        if column is None or (within is not None and column != within):
            return
        try:
            row = next(i for i, t in enumerate(self._views[column]) if t.id == ticket_id)
        except StopIteration:
            return
        self.cursor.focus(column, row)

    # ----- views and order -------------------------------------------------------------
    def cycle_sort(self) -> SortOrder:
        """The focused column's next order; the cursor stays on its ticket."""
        column = self.cursor.column
        self.sorts[column] = self.sorts[column].next()
        return self.sorts[column]

    def use_view(self, view: View | None) -> None:
        """A view sets the filter and every column's order (None: all tickets, default)."""
        self.filter = self.filter.with_view(view)
        order = view.sort if view is not None else SortOrder.DEFAULT
        self.sorts = [order] * len(self.sorts)

    # ----- cursor and marks ------------------------------------------------------------
    def current(self) -> Ticket | None:
        items = self._views[self.cursor.column]
        row = self.cursor.row
        return items[row] if 0 <= row < len(items) else None

    def current_id(self) -> str | None:
        ticket = self.current()
        return ticket.id if ticket else None

    def move_row(self, delta: int) -> ColumnFrame | None:
        """Move the cursor within its column: a frame that moves the cursor card, or None."""
        column = self.cursor.column
        moved = self.cursor.move_row(delta, len(self._views[column]))
        frame = None
        if moved:
            frame = self._column_frame(column, None, frozenset())
            self._mark_drawn(column)
        self._focus_id = self.current_id()
        return frame

    def focus_where_matches(self) -> list[ColumnFrame]:
        """After a filter is set: when the cursor's column shows nothing, the cursor goes to
        the first column that does (frames for both), so a card is focused and `enter`
        opens it. Nothing moves while the column has a match or no column has one."""
        if self._views[self.cursor.column]:
            return []
        target = next((i for i, shown in enumerate(self._views) if shown), None)
        return [] if target is None else self.move_column(target - self.cursor.column)

    def move_column(self, delta: int) -> list[ColumnFrame]:
        """Move the cursor across: frames for the column left (inactive) and the one entered."""
        old = self.cursor.column
        if not self.cursor.move_column(delta):
            return []
        self._focus_id = self.current_id()
        frames = []
        for index in (old, self.cursor.column):
            frames.append(self._column_frame(index, None, frozenset()))
            self._mark_drawn(index)
        return frames

    def toggle_current_mark(self) -> ColumnFrame | None:
        """Mark or unmark the focused ticket: a frame that redraws its card, or None."""
        ticket = self.current()
        if ticket is None:
            return None
        column = self.cursor.column
        previous = self._paint_keys[column]
        up_to_date = previous is not None and previous.marks == self.marked
        self.marked.symmetric_difference_update({ticket.id})
        frame = self._column_frame(column, None, frozenset({self.cursor.rows[column]}))
        if up_to_date:  # the column now shows the new marks; clearing them must redraw it
            self._mark_drawn(column, frozenset(self.marked))
        return frame
