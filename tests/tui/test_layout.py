"""Issue 11: the board at 80x24 and smaller and wider (Pilot).

At 80x24 the focused card's whole title and fields are on screen (the preview strip), and
exactly one card is drawn focused; below 80 columns one column shows at a time with tabs;
below 40x12 the board says it is too small and keys wait; from 160 columns a detail pane
sits beside the board and cards show more fields; `t` switches the theme and saves it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from pylon_tui.domain import Priority, Ticket
from pylon_tui.domain.links import ExternalLink
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.layout import LayoutMode
from pylon_tui.tui.widgets.cards import REMEMBERED
from pylon_tui.tui.widgets.column import ColumnView
from pylon_tui.tui.widgets.preview import CardPreview

from .fakes import (
    NOW,
    FakePylon,
    build_app,
    exercises,
    notifications,
    screen_strips,
    screen_text,
    settle,
)

LONG = {
    "n1": "Dashboard charts are blank in Safari 17 after the last release for EU users",
    "n2": "Everyone logged out after we rotated our API token on Monday morning",
    "y1": "Files stored in a US bucket? GDPR question from the legal team at Cobalt",
    "y2": "Where can we download the SOC 2 Type II report for our security review",
    "h1": "SCIM sync deactivated two of our admins overnight without any audit entry",
    "c1": "CSV export never finishes for workspaces with more than 50,000 rows",
}
STATES = {"n": "new", "y": "waiting_on_you", "h": "on_hold", "c": "closed"}


def long_titles() -> FakePylon:
    tickets = []
    for number, (tid, title) in enumerate(LONG.items(), start=10):
        links: tuple[ExternalLink, ...] = ()
        if tid.startswith("h"):
            links = (ExternalLink("linear", "lin-9", "https://linear.app/acme/issue/ENG-9/x"),)
        tickets.append(
            Ticket(
                id=tid,
                number=number,
                title=title,
                state=STATES[tid[0]],
                created_at=NOW - timedelta(hours=number),
                updated_at=NOW - timedelta(minutes=number),
                latest_message_time=NOW - timedelta(hours=3),
                account_id="acc1",
                assignee_id="u1" if tid == "y1" else None,
                priority=Priority.HIGH if tid == "n2" else Priority.URGENT,
                resolution_breach_time=NOW + timedelta(hours=5),
                tags=("billing",),
                links=links,
            )
        )
    return FakePylon(tickets)


def joined_preview(app: PylonApp) -> str:
    """The preview strip's lines joined with spaces (it wraps at spaces)."""
    preview = app.board_screen.query_one("#preview")
    region = preview.region
    lines = screen_text(app).splitlines()[region.y : region.y + region.height]
    return " ".join(line.strip() for line in lines)


async def test_at_80x24_the_focused_cards_title_and_fields_are_readable_after_j_and_l():
    app = build_app(long_titles())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.board_screen.layout_mode is LayoutMode.BOARD
        await pilot.press("j")
        await pilot.pause()
        text = joined_preview(app)
        assert f"#11 {LONG['n2']}" in text
        assert "High" in text
        assert "waiting 3h" not in text
        assert "waiting 11h" in text
        assert "unassigned" in text
        assert "no linked issue" in text
        await pilot.press("l")
        await pilot.pause()
        text = joined_preview(app)
        assert f"#12 {LONG['y1']}" in text
        assert "Urgent" in text
        assert "waiting 3h" in text
        assert "Sam" in text
        assert "Acme Corp" in text
        await pilot.press("l")
        await pilot.pause()
        assert "ENG-9" in joined_preview(app)  # the linked issue (state once the watcher knows)


def focused_lines(app: PylonApp) -> list[tuple[int, int]]:
    """(column, line) of every card line drawn in the cursor style, all columns."""
    found = []
    for index, view in enumerate(app.board_screen.column_views()):
        cursor = view.get_component_rich_style("column--cursor")
        for y in range(view.scrollable_content_region.height):
            strip = view.render_line(y)
            if any(seg.style and seg.style.bgcolor == cursor.bgcolor for seg in strip):
                found.append((index, y))
    return found


async def test_exactly_one_card_looks_focused_and_remembered_rows_get_one_cell():
    app = build_app(long_titles())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "l", "h")
        await pilot.pause()
        assert focused_lines(app) == [(1, 0), (1, 1)]  # On You's first card, both lines
        views: list[ColumnView] = app.board_screen.column_views()
        assert views[0].render_line(2).text.startswith(REMEMBERED)  # New's remembered row 1
        assert views[2].render_line(0).text.startswith(REMEMBERED)
        assert not views[0].render_line(0).text.startswith(REMEMBERED)
        assert views[1].render_line(0).text.startswith(" ")  # the focused card has no mark


@exercises("cursor_left", "cursor_right")
@pytest.mark.parametrize("size", [(60, 20), (40, 12)])
async def test_below_80_columns_one_column_shows_with_tabs_and_h_l_switch(size):
    app = build_app(long_titles())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.board_screen
        assert screen.layout_mode is LayoutMode.SINGLE
        shown = [p.id for p in screen.query(".column-panel") if p.display]
        assert shown == ["panel-0"]
        text = screen_text(app)
        assert "New 2" in text
        assert "On You 2" in text
        assert "Closed 1" in text
        assert "#10 Dashboard charts are blank" in text
        assert "#12" not in text
        await pilot.press("l")
        await pilot.pause()
        shown = [p.id for p in screen.query(".column-panel") if p.display]
        assert shown == ["panel-1"]
        assert "#12 Files stored" in screen_text(app)
        assert "#10 Dashboard" not in screen_text(app)  # (the header may name #10's breach)
        await pilot.press("h")
        await pilot.pause()
        assert [p.id for p in screen.query(".column-panel") if p.display] == ["panel-0"]


async def test_below_40x12_the_board_says_it_is_too_small_and_keys_wait():
    app = build_app(long_titles())
    async with app.run_test(size=(39, 11)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        assert screen.layout_mode is LayoutMode.TOO_SMALL
        text = screen_text(app)
        assert "Terminal too small: 39×11" in text
        assert "40×12" in text
        await pilot.press("j", "L")
        await pilot.pause()
        assert screen.cursor.row == 0
        assert screen.views[0][0].id == "n1"
        assert screen.check_action("quit", ())
        assert not screen.check_action("move_right", ())
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.layout_mode is LayoutMode.BOARD  # type: ignore[comparison-overlap]
        assert "too small" not in screen_text(app)


@exercises("toggle_pane")
async def test_wide_terminals_show_the_detail_pane_and_more_card_fields():
    app = build_app(long_titles())
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        screen = app.board_screen
        assert screen.layout_mode is LayoutMode.WIDE
        pane = screen.query_one("#pane")
        assert pane.display
        assert not screen.query_one("#preview").display
        assert "Dashboard charts are blank" in str(pane.render())
        meta = screen.view(0).render_line(1).text
        assert meta.startswith("  ⏱5h")  # the SLA countdown leads, at any width
        assert "#billing" in meta  # a wide card's more fields
        await pilot.press("p")
        await pilot.pause()
        assert not pane.display
        assert screen.query_one("#preview").display
        await pilot.press("p")
        await pilot.pause()
        assert pane.display
    narrow = build_app(long_titles())
    async with narrow.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not narrow.board_screen.query_one("#pane").display
        assert "#billing" not in narrow.board_screen.view(0).render_line(1).text


@exercises("switch_theme")
async def test_t_switches_to_high_contrast_and_saves_the_choice(tmp_path: Path):
    app = build_app(long_titles())
    saved: list[str] = []

    def save(choice: str) -> Path:
        saved.append(choice)
        return tmp_path / "config.toml"

    app.ctx.save_theme = save
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "pylon"
        await pilot.press("T")
        await pilot.pause()
        assert app.theme == "pylon-high-contrast"
        assert saved == ["high-contrast"]
        assert any("saved in" in message for _, message in notifications(app))
        cursor = app.board_screen.view(0).get_component_rich_style("column--cursor")
        assert cursor.bgcolor is not None
        assert cursor.bgcolor.triplet == (255, 255, 0)
        await pilot.press("T")
        await pilot.pause()
        assert app.theme == "pylon"
        assert saved == ["high-contrast", "default"]


async def test_the_preview_strip_takes_the_new_themes_colours_at_once():
    """`T` once left the preview strip in the old theme's colours until the focus moved: it
    drew before its component styles had the new theme."""
    app = build_app(long_titles())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        preview = app.board_screen.query_one(CardPreview)
        meta = preview.get_component_rich_style("preview--meta").color
        assert meta is not None
        row = screen_strips(app)[preview.region.y + preview.region.height - 1]
        colours = {seg.style.color for seg in row if seg.text.strip() and seg.style}
        assert colours == {meta}, (colours, meta)


async def test_a_theme_the_disk_refuses_still_applies_and_says_how_to_keep_it():
    app = build_app(long_titles(), sixteen_colours=True)

    def refuse(choice: str) -> Path:
        raise OSError(30, "Read-only file system")

    app.ctx.save_theme = refuse
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "pylon-ansi"
        await pilot.press("T")
        await pilot.pause()
        assert app.theme == "pylon-ansi-high-contrast"
        (message,) = [m for _, m in notifications(app) if "Theme" in m]
        assert "this session only" in message
        assert '[ui] theme = "high-contrast"' in message


async def test_the_configured_theme_is_used_at_start():
    app = build_app(long_titles(), theme="high-contrast")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "pylon-high-contrast"


async def test_the_palette_offers_no_theme_the_stylesheet_lacks():
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Theme" not in titles
        assert "Quit" in titles


async def test_no_color_marks_the_focused_card_with_reverse_and_no_dim(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(long_titles())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.board_screen.view(0)
        strip = view.render_line(0)
        for line_filter in app.get_line_filters():
            strip = strip.apply_filter(line_filter, app.screen.styles.background)
        styles = [seg.style for seg in strip if seg.text.strip()]
        assert styles
        assert all(s is not None and s.reverse for s in styles)
        assert all(s is not None and (s.color is None or s.color.is_default) for s in styles)
        dim = Strip([Segment("x", Style(dim=True, color="red"))])
        for line_filter in app.get_line_filters():
            dim = dim.apply_filter(line_filter, app.screen.styles.background)
        (segment,) = list(dim)
        assert segment.style is not None
        assert not segment.style.dim
