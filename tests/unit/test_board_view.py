"""The board's view model without Textual: what each column shows, in what order, where the
cursor is, and which rows a frame says to redraw.

`Drawn` below is a model of ColumnView.show: it keeps what a column has on screen and redraws
only the rows a frame names. Tests compare it with what the column should show, so a frame
that forgets a row leaves a stale card here exactly as it would on a terminal.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain import (
    DEFAULT_COLUMNS,
    Board,
    Directory,
    Priority,
    Ticket,
    TicketFilter,
)
from pylon_tui.domain.changes import EVERYTHING, NO_CHANGES, ChangeLog
from pylon_tui.domain.filters import MatchContext, compile_query
from pylon_tui.domain.sorting import sort_key
from pylon_tui.domain.views import BUILTIN_VIEWS, find_view
from pylon_tui.tui.view import BoardView, ColumnFrame

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
NEW, ON_YOU, ON_HOLD, CLOSED = range(4)
ME = "u1"
WORDS = ("alpha beta", "beta gamma", "tab bat", "gamma", "a b t", "data ta")


def ticket(
    number: int,
    state: str = "new",
    *,
    title: str = "",
    priority: Priority | None = None,
    assignee: str | None = None,
) -> Ticket:
    return Ticket(
        id=f"t{number}",
        number=number,
        title=title or f"ticket {number}",
        state=state,
        created_at=NOW - timedelta(hours=number),
        updated_at=NOW - timedelta(minutes=number),
        priority=priority,
        assignee_id=assignee,
    )


def board_of(tickets: Sequence[Ticket]) -> Board:
    board = Board(DEFAULT_COLUMNS, now=lambda: NOW)
    board.replace_all(tickets)
    return board


def view_of(board: Board, me: str | None = ME) -> BoardView:
    return BoardView(board, now=lambda: NOW, me_id=lambda: me, directory=Directory.empty)


def ids(tickets: Sequence[Ticket]) -> list[str]:
    return [t.id for t in tickets]


def by_index(frames: list[ColumnFrame]) -> dict[int, ColumnFrame]:
    return {f.index: f for f in frames}


@dataclass
class Drawn:
    """What one column has on screen: a cell per row, redrawn only when a frame says so."""

    view: BoardView
    tickets: Sequence[Ticket] = ()
    cursor_row: int = 0
    active: bool = False

    def __post_init__(self) -> None:
        self.cells: dict[int, tuple[Ticket, int, bool]] = {}

    def cell(self, row: int) -> tuple[Ticket, int, bool]:
        t = self.tickets[row]
        kind = 0 if row != self.cursor_row else (1 if self.active else 2)
        return (t, kind, t.id in self.view.marked)

    def redraw(self, rows: range | Sequence[int] | frozenset[int]) -> None:
        for row in rows:
            if row < len(self.tickets):
                self.cells[row] = self.cell(row)
            else:
                self.cells.pop(row, None)

    def show(self, frame: ColumnFrame) -> None:  # mirrors ColumnView.show
        if frame.first_changed is not None:
            first = min(frame.first_changed, self.cursor_row, frame.cursor_row)
            old_length = max(self.cells, default=-1) + 1  # tickets may alias the live list
            self.tickets, self.cursor_row, self.active = (
                frame.tickets,
                frame.cursor_row,
                frame.active,
            )
            self.redraw(range(first, max(old_length, len(frame.tickets))))
        else:
            self.tickets = frame.tickets
            if frame.cursor_row != self.cursor_row:
                old, self.cursor_row = self.cursor_row, frame.cursor_row
                self.redraw([old, self.cursor_row])
            if frame.active != self.active:
                self.active = frame.active
                self.redraw([self.cursor_row])
        self.redraw(frame.replaced)


class Screen:
    """The board screen's drawing loop in miniature: frames go to Drawn columns."""

    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.columns = [Drawn(view) for _ in view.board.columns]
        self.frames: list[ColumnFrame] = []

    def paint(self, frames: list[ColumnFrame] | ColumnFrame | None) -> list[ColumnFrame]:
        if frames is None:
            frames = []
        elif isinstance(frames, ColumnFrame):
            frames = [frames]
        for frame in frames:
            self.columns[frame.index].show(frame)
        self.frames = frames
        return frames

    def rebuild(self, *, follow: str | None = None, force: bool = False) -> list[ColumnFrame]:
        return self.paint(self.view.frame(follow=follow, force=force))

    def assert_up_to_date(self) -> None:
        view = self.view
        for index, drawn in enumerate(self.columns):
            shown = view.views[index]
            assert ids(drawn.tickets) == ids(shown)
            cursor = view.cursor.rows[index]
            active = index == view.cursor.column
            expected = {
                row: (t, 0 if row != cursor else (1 if active else 2), t.id in view.marked)
                for row, t in enumerate(shown)
            }
            assert drawn.cells == expected, f"column {index} shows stale rows"


def fresh(view: BoardView, index: int) -> list[str]:
    """What a column shows when filtered from scratch, with no caches and no narrowing."""
    directory = Directory.empty()

    def names(t: Ticket) -> str:
        return f"{directory.account_name(t.account_id)} {directory.user_name(t.assignee_id)}"

    predicate = compile_query(
        view.filter.query,
        MatchContext(
            now=NOW, me_id=ME, account_name=directory.account_name, user_name=directory.user_name
        ),
    )
    shown = [t for t in view.board.column(index) if predicate(t)]
    by = sort_key(view.sorts[index], view.sla)
    return [t.id for t in (sorted(shown, key=by) if by is not None else shown)]


def sample_board() -> Board:
    return board_of(
        [ticket(n, "new", title=WORDS[n % len(WORDS)]) for n in range(1, 7)]
        + [ticket(n, "waiting_on_you", title=WORDS[n % len(WORDS)]) for n in range(7, 10)]
        + [ticket(10, "on_hold"), ticket(11, "closed")]
    )


# ----- what each column shows ------------------------------------------------------------
def test_columns_show_the_board_in_its_order_and_count_it_in_the_title() -> None:
    board = sample_board()
    view = view_of(board)
    frames = by_index(view.frame())
    assert sorted(frames) == [NEW, ON_YOU, ON_HOLD, CLOSED]
    for index, frame in frames.items():
        assert ids(frame.tickets) == ids(board.column(index))
        assert frame.total == len(board.column(index))
        assert frame.title == DEFAULT_COLUMNS[index].title
        assert frame.first_changed == 0, "first frame draws everything"
    assert frames[NEW].active
    assert not frames[ON_YOU].active


def test_filter_shows_the_matches_in_board_order_and_keeps_the_total() -> None:
    board = sample_board()
    view = view_of(board)
    view.frame()
    view.filter = TicketFilter.of("beta")
    frames = by_index(view.frame())
    expected = [t.id for t in board.column(NEW) if "beta" in t.title]
    assert expected
    assert len(expected) < len(board.column(NEW))
    assert ids(frames[NEW].tickets) == expected
    assert frames[NEW].total == len(board.column(NEW))
    assert frames[NEW].first_changed == 0, "a refiltered column is a new list"


def test_the_mine_view_uses_the_current_user() -> None:
    board = board_of([ticket(1, assignee=ME), ticket(2, assignee="u2"), ticket(3)])
    view = view_of(board)
    view.use_view(find_view(BUILTIN_VIEWS, "mine"))
    view.frame()
    assert ids(view.views[NEW]) == ["t1"]


def test_typing_more_refilters_the_previous_matches_not_the_column() -> None:
    examined: list[int] = []
    board = board_of([ticket(n, title=WORDS[n % len(WORDS)]) for n in range(1, 31)])
    view = view_of(board)
    matching = view._matching

    def counted(items: Sequence[Ticket], predicate: Callable[[Ticket], bool]) -> list[Ticket]:
        examined.append(len(items))
        return matching(items, predicate)

    view._matching = counted  # type: ignore[method-assign]
    view.filter = TicketFilter.of("b")
    view.frame()
    matches = len(view.views[NEW])
    examined.clear()
    view.filter = view.filter.with_text("be")
    view.frame()
    assert examined[NEW] == matches < len(board.column(NEW))
    assert ids(view.views[NEW]) == fresh(view, NEW)


def test_backspace_to_a_filter_just_shown_redraws_from_memory() -> None:
    examined: list[int] = []
    board = board_of([ticket(n, title=WORDS[n % len(WORDS)]) for n in range(1, 31)])
    names = Directory.empty()  # one directory: new names would forget remembered views
    view = BoardView(board, now=lambda: NOW, me_id=lambda: ME, directory=lambda: names)
    matching = view._matching

    def counted(items: Sequence[Ticket], predicate: Callable[[Ticket], bool]) -> list[Ticket]:
        examined.append(len(items))
        return matching(items, predicate)

    view._matching = counted  # type: ignore[method-assign]
    view.filter = TicketFilter.of("b")
    view.frame()
    view.filter = view.filter.with_text("be")
    view.frame()
    examined.clear()
    view.filter = view.filter.with_text("b")  # backspace: matches come back, from memory
    view.frame()
    assert examined == []
    assert ids(view.views[NEW]) == fresh(view, NEW)
    board.upsert(ticket(31, title="beta"))  # the column changed: memory no longer applies
    view.frame()
    assert examined[NEW] == len(board.column(NEW))
    assert ids(view.views[NEW]) == fresh(view, NEW)


def test_text_matches_agree_with_the_filter_predicate() -> None:
    board = board_of([ticket(n, title=WORDS[n % len(WORDS)]) for n in range(1, 31)])
    view = view_of(board)
    for text in ("a", "al", "be ta", "#1", "zzz", "B"):
        view.filter = TicketFilter.of(text)
        view.frame()
        assert ids(view.views[NEW]) == fresh(view, NEW), text


# ----- the cursor ------------------------------------------------------------------------
def test_cursor_is_clamped_when_its_column_shrinks() -> None:
    board = sample_board()
    view = view_of(board)
    view.frame()
    view.move_row(5)
    assert view.current_id() == board.column(NEW)[5].id
    board.remove(board.column(NEW)[5].id)
    board.remove(board.column(NEW)[4].id)
    view.frame()
    assert view.cursor.row == 3 == len(board.column(NEW)) - 1
    view.filter = TicketFilter.of("no such words")
    view.frame()
    assert view.cursor.row == 0
    assert view.current() is None


def test_move_row_moves_within_the_column_and_stops_at_its_ends() -> None:
    view = view_of(sample_board())
    view.frame()
    frame = view.move_row(1)
    assert frame is not None
    assert (frame.index, frame.cursor_row, frame.first_changed, frame.replaced) == (
        NEW,
        1,
        None,
        frozenset(),
    )
    assert view.move_row(-5) is not None
    assert view.cursor.row == 0
    assert view.move_row(-1) is None, "already at the top: nothing to draw"


def test_move_column_draws_the_column_left_and_the_column_entered() -> None:
    view = view_of(sample_board())
    view.frame()
    frames = view.move_column(1)
    assert [(f.index, f.active, f.first_changed) for f in frames] == [
        (NEW, False, None),
        (ON_YOU, True, None),
    ]
    assert view.current_id() == view.views[ON_YOU][0].id
    view.move_column(5)
    assert view.move_column(1) == [], "already in the last column"
    assert view.frame() == [], "targeted redraws left nothing for the next frame"


def test_focus_follows_a_moved_ticket() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    moved = board.column(NEW)[2]
    board.upsert(moved.with_state("waiting_on_you"))
    screen.rebuild(follow=moved.id)
    assert view.cursor.column == ON_YOU
    assert view.current_id() == moved.id
    screen.assert_up_to_date()


def test_focus_stays_on_its_ticket_when_rows_above_it_change() -> None:
    board = sample_board()
    view = view_of(board)
    view.frame()
    view.move_row(3)
    focused = view.current_id()
    board.remove(board.column(NEW)[0].id)
    view.frame()
    assert view.current_id() == focused
    assert view.cursor.row == 2


# ----- which rows change -----------------------------------------------------------------
def test_nothing_changed_means_no_frames() -> None:
    board = sample_board()
    view = view_of(board)
    view.frame()
    assert view.frame() == []
    assert not view.stale
    board.upsert(ticket(40, "waiting_on_customer"))  # no column shows it
    assert view.stale
    assert view.frame() == []
    assert not view.stale


def test_move_repaints_only_source_and_target_from_their_rows() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    moved = board.column(NEW)[3]
    board.upsert(moved.with_state("waiting_on_you"))
    target_row = ids(board.column(ON_YOU)).index(moved.id)
    frames = by_index(screen.rebuild())
    assert sorted(frames) == [NEW, ON_YOU]
    assert frames[NEW].first_changed == 3
    assert frames[ON_YOU].first_changed == target_row
    screen.assert_up_to_date()


def test_removal_repaints_from_the_removed_row() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    board.remove(board.column(NEW)[4].id)
    frames = screen.rebuild()
    assert [(f.index, f.first_changed) for f in frames] == [(NEW, 4)]
    screen.assert_up_to_date()


def test_server_echo_in_place_reports_one_replaced_row() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    echo = replace(board.column(NEW)[1], title="renamed by the server")
    board.upsert(echo)
    frames = screen.rebuild()
    assert [(f.index, f.first_changed, f.replaced) for f in frames] == [(NEW, None, frozenset({1}))]
    assert frames[0].tickets[1] is echo
    screen.assert_up_to_date()


def test_replaced_above_an_insert_is_redrawn_too() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    board.upsert(replace(board.column(NEW)[0], title="echo"))
    board.upsert(replace(ticket(50, "new"), created_at=NOW))  # waited least: lands last
    frames = screen.rebuild()
    assert [(f.index, f.first_changed, f.replaced) for f in frames] == [(NEW, 6, frozenset({0}))]
    screen.assert_up_to_date()


def test_filtered_column_refilters_after_an_in_place_change() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    view.filter = TicketFilter.of("beta")
    screen.rebuild()
    hit = view.views[NEW][0]
    board.upsert(replace(hit, title="nothing to see"))
    frames = screen.rebuild()
    assert [(f.index, f.first_changed) for f in frames] == [(NEW, 0)]
    assert hit.id not in ids(view.views[NEW])
    screen.assert_up_to_date()


def test_clearing_the_filter_after_changes_redraws_the_whole_column() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    view.filter = TicketFilter.of("gamma")
    screen.rebuild()
    screen.paint(view.move_row(1))  # the cursor off row 0, so it does not force a full redraw
    board.upsert(replace(ticket(60, "new"), created_at=NOW))  # below every old row...
    view.filter = TicketFilter()  # ...and the filter cleared before the next frame
    frames = by_index(screen.rebuild())
    assert frames[NEW].first_changed == 0, "rows above the insert were the filtered list"
    screen.assert_up_to_date()


def test_marks_and_cursor_change_repaint_without_refiltering() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    view.filter = TicketFilter.of("a")
    screen.rebuild()
    lists = list(view.views)
    frame = view.toggle_current_mark()
    assert frame is not None
    assert frame.replaced == {0}
    assert frame.first_changed is None
    screen.paint(frame)
    screen.paint(view.move_row(1))
    screen.assert_up_to_date()
    view.cursor.focus(ON_YOU, 1)
    view.marked.clear()
    frames = by_index(screen.rebuild())
    assert all(a is b for a, b in zip(view.views, lists, strict=True)), "no column refiltered"
    assert frames[NEW].first_changed == 0
    assert frames[ON_YOU].first_changed == 0
    screen.assert_up_to_date()


def test_clearing_a_mark_on_the_last_card_redraws_it() -> None:
    """space on the last card marks it but cannot move on; the clear must still show."""
    view = view_of(board_of([ticket(1), ticket(2)]))
    screen = Screen(view)
    screen.rebuild()
    screen.paint(view.move_row(1))
    screen.paint(view.toggle_current_mark())
    assert view.move_row(1) is None
    view.marked.clear()
    assert [f.index for f in screen.rebuild()] == [NEW]
    screen.assert_up_to_date()


def test_marks_cleared_with_a_change_below_redraw_the_whole_column() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    screen.paint(view.toggle_current_mark())  # row 0
    screen.paint(view.move_row(1))
    view.marked.clear()
    board.upsert(replace(ticket(80, "new"), created_at=NOW))  # lands last
    assert by_index(screen.rebuild())[NEW].first_changed == 0
    screen.assert_up_to_date()


def test_a_cursor_key_before_the_frame_does_not_swallow_a_marks_change() -> None:
    view = view_of(sample_board())
    screen = Screen(view)
    screen.rebuild()
    screen.paint(view.toggle_current_mark())
    screen.paint(view.move_row(1))
    view.marked.clear()  # drawn by the next frame...
    screen.paint(view.move_row(1))  # ...but a key arrives first
    assert by_index(screen.rebuild())[NEW].first_changed == 0
    screen.assert_up_to_date()


def test_force_redraws_every_column_from_the_top() -> None:
    view = view_of(sample_board())
    view.frame()
    assert [f.first_changed for f in view.frame(force=True)] == [0, 0, 0, 0]


def test_a_full_reload_redraws_every_column() -> None:
    board = sample_board()
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    board.replace_all([*board.all(), ticket(70, "on_hold")])
    frames = screen.rebuild()
    assert [(f.index, f.first_changed) for f in frames] == [(i, 0) for i in range(4)]
    screen.assert_up_to_date()


def test_two_readers_see_the_same_changes() -> None:
    board = sample_board()
    first, second = view_of(board), view_of(board)
    first.frame()
    second.frame()
    seen = board.version
    moved = board.column(NEW)[2]
    board.upsert(moved.with_state("on_hold"))
    board.upsert(replace(board.column(ON_YOU)[0], title="echo"))
    one, two = first.frame(), second.frame()
    assert [(f.index, f.first_changed, f.replaced) for f in one] == [
        (f.index, f.first_changed, f.replaced) for f in two
    ]
    assert board.changes_since(NEW, seen) == board.changes_since(NEW, seen), "reading is free"
    assert board.changes_since(NEW, seen).first_row == 2
    assert board.changes_since(ON_YOU, seen).replaced == {0}
    assert board.changes_since(NEW, board.version) == NO_CHANGES


def test_change_log_sends_a_reader_too_far_behind_back_to_row_zero() -> None:
    log = ChangeLog()
    for version in range(1, 400):
        log.record(version, 7, in_place=False)
    assert log.since(1) == EVERYTHING
    assert log.since(398).first_row == 7
    assert log.since(399) == NO_CHANGES
    log.reset(400)
    assert log.since(399) == EVERYTHING
    assert log.since(400) == NO_CHANGES


def test_view_model_imports_no_textual_or_rich() -> None:
    code = (
        "import sys, pylon_tui.tui.view; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----- every frame is sound --------------------------------------------------------------
STATES = ("new", "waiting_on_you", "on_hold", "closed", "waiting_on_customer")
OPS = st.one_of(
    st.tuples(st.just("add"), st.integers(100, 140), st.sampled_from(STATES)),
    st.tuples(st.just("state"), st.integers(0, 40), st.sampled_from(STATES)),
    st.tuples(st.just("priority"), st.integers(0, 40), st.sampled_from([*Priority, None])),
    st.tuples(st.just("echo"), st.integers(0, 40), st.sampled_from(WORDS)),
    st.tuples(st.just("remove"), st.integers(0, 40)),
    st.tuples(st.just("type"), st.sampled_from("abt ")),
    st.tuples(st.just("backspace")),
    st.tuples(st.just("view"), st.sampled_from([None, *BUILTIN_VIEWS])),
    st.tuples(st.just("sort")),
    st.tuples(st.just("cursor"), st.sampled_from(["down", "up", "left", "right", "bottom"])),
    st.tuples(st.just("mark")),
    st.tuples(st.just("clear_marks")),
    st.tuples(st.just("reload")),
    st.tuples(st.just("force")),
)


def _pick(board: Board, n: int) -> Ticket | None:
    tickets = sorted(board.all(), key=lambda t: t.number)
    return tickets[n % len(tickets)] if tickets else None


def _apply(board: Board, view: BoardView, kind: str, args: list[Any]) -> None:
    """One change to the board, the filter or the marks (nothing drawn yet)."""
    target = _pick(board, args[0]) if args and isinstance(args[0], int) else None
    if kind == "add":
        board.upsert(ticket(args[0], args[1], title=WORDS[args[0] % 6]))
    elif kind == "state" and target:
        board.upsert(replace(target, state=args[1]))
    elif kind == "priority" and target:
        board.upsert(replace(target, priority=args[1]))
    elif kind == "echo" and target:
        board.upsert(replace(target, title=args[1]))
    elif kind == "remove" and target:
        board.remove(target.id)
    elif kind == "type":
        view.filter = view.filter.with_text(view.filter.text + args[0])
    elif kind == "backspace":
        view.filter = view.filter.with_text(view.filter.text[:-1])
    elif kind == "view":
        view.use_view(args[0])
    elif kind == "sort":
        view.cycle_sort()
    elif kind == "clear_marks":
        view.marked.clear()
    elif kind == "reload":
        board.replace_all(list(board.all()))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(OPS, st.booleans()), max_size=40))
def test_every_frame_matches_a_fresh_filter_and_leaves_nothing_stale(
    steps: list[tuple[tuple[Any, ...], bool]],
) -> None:
    """Whatever happens, and however many changes one frame gathers, each column's tickets
    equal a fresh filter of the board's column, and redrawing only what the frames name
    brings every column up to date: rows a frame does not name really are as they were.
    Cursor keys may arrive before the frame that shows the latest changes, as on a busy
    event loop."""
    board = board_of(
        [
            ticket(n, STATES[n % 4], title=WORDS[n % 6], assignee=ME if n % 3 else None)
            for n in range(1, 13)
        ]
    )
    view = view_of(board)
    screen = Screen(view)
    screen.rebuild()
    pending = False  # changes made that no frame has drawn yet
    for (kind, *args), draw in steps:
        if kind == "cursor":
            moves = {"down": (1, 0), "up": (-1, 0), "left": (0, -1), "right": (0, 1)}
            rows, columns = moves.get(args[0], (1000, 0))
            screen.paint(view.move_column(columns) if columns else view.move_row(rows))
        elif kind == "mark":
            screen.paint(view.toggle_current_mark())
            screen.paint(view.move_row(1))
        else:
            _apply(board, view, kind, args)
            pending = True
        if draw or kind == "force":
            screen.rebuild(force=kind == "force")
            pending = False
            for index in range(len(board.columns)):
                assert ids(view.views[index]) == fresh(view, index)
            assert view.frame() == [], "a second frame with no news draws nothing"
        if not pending:
            screen.assert_up_to_date()
