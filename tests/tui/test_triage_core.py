"""Issue 14 items 1-4 and 11 on the board: the query language in `/` (hints, errors),
saved views (picker, alt+digits, header), per-column sorting (`s`), SLA countdowns on the
cards and the header's next breach, and `--read-only`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.widgets import Input, Static

from pylon_tui.domain import Priority, SlaPolicy, SortOrder, View
from pylon_tui.domain.query import parse
from pylon_tui.domain.sla import Urgency
from pylon_tui.domain.views import all_views
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.widgets.bars import BoardHeader, ColumnTitle

from .fakes import (
    NOW,
    FakePylon,
    calls_to,
    column_ids,
    exercises,
    make_tickets,
    notifications,
    on_board,
    screen_text,
    settle,
)

NEW, ON_YOU = 0, 1


def header_text(app: PylonApp) -> str:
    return str(app.board_screen.query_one(BoardHeader).render())


def title_text(app: PylonApp, index: int) -> str:
    return str(app.board_screen.query_one(f"#title-{index}", ColumnTitle).render())


def hint_text(app: PylonApp) -> str:
    return str(app.board_screen.query_one("#filter-hint", Static).render())


def sla_fake() -> FakePylon:
    """The usual tickets, with resolution deadlines: #3 breached, #4 in 12 minutes, #1 in
    3 hours; #2 has no SLA. Tags for the filter's completion."""
    by_id = {t.id: t for t in make_tickets()}
    by_id["t1"] = replace(by_id["t1"], resolution_breach_time=NOW + timedelta(hours=3))
    by_id["t3"] = replace(
        by_id["t3"], resolution_breach_time=NOW - timedelta(minutes=40), tags=("billing",)
    )
    by_id["t4"] = replace(
        by_id["t4"],
        resolution_breach_time=NOW + timedelta(minutes=12),
        tags=("billing", "spam"),
        priority=Priority.LOW,
    )
    return FakePylon(list(by_id.values()))


def app_over(
    fake: FakePylon,
    *,
    views: tuple[View, ...] = (),
    read_only: bool = False,
    sla: SlaPolicy | None = None,
) -> PylonApp:
    from pylon_tui.bootstrap import make_app, services_for

    services = services_for(fake, me_email="sam@example.com", now=lambda: NOW)
    app = make_app(
        services,
        now=lambda: NOW,
        refresh_seconds=0,
        templates={"acknowledge": "On it!"},
        read_only=read_only,
        sla=sla or SlaPolicy(),
    )
    app.ctx.views = tuple(all_views(views))
    return app


# ----- the query language in `/` ----------------------------------------------------------
@exercises("filter")
async def test_the_filter_takes_the_query_language() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"tag:billing -tag:spam", "enter")
        await settle(pilot)
        assert column_ids(app) == [[], ["t3"], [], []]
        await pilot.press("slash", "ctrl+u", *"priority:urgent,low", "enter")
        await settle(pilot)
        assert column_ids(app) == [["t1"], ["t4"], [], []]
        await pilot.press("slash", "ctrl+u", *"sla:<1h", "enter")
        await settle(pilot)
        assert column_ids(app) == [[], ["t4", "t3"], [], []]  # breached included


async def test_a_bad_term_is_named_and_keeps_the_last_good_filter() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"tag:billing")
        await settle(pilot)
        assert column_ids(app) == [[], ["t4", "t3"], [], []]
        await pilot.press(*" priorty:high")
        await settle(pilot)
        assert "unknown field 'priorty'" in hint_text(app)
        assert "did you mean priority:" in hint_text(app)
        # the terms before the bad one stay applied
        assert app.board_screen.filter.typed == parse("tag:billing")
        assert column_ids(app) == [[], ["t4", "t3"], [], []]
        await pilot.press("enter")  # refused: the input stays open and says why
        await settle(pilot)
        box = app.board_screen.query_one("#filter-input", Input)
        assert box.display
        assert any("priorty" in message for _, message in notifications(app))


async def test_hints_list_fields_then_values_and_right_arrow_completes() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert "assignee:" in hint_text(app)
        await pilot.press(*"pri")
        await settle(pilot)
        assert "priority:" in hint_text(app)
        await pilot.press("right")  # take the suggestion
        await settle(pilot)
        box = app.board_screen.query_one("#filter-input", Input)
        assert box.value == "priority:"
        assert "urgent, high, medium, low, none" in hint_text(app)
        await pilot.press("ctrl+u", *"tag:b")
        await settle(pilot)
        assert "billing" in hint_text(app), "tags on the board are offered"
        await pilot.press("right")
        await settle(pilot)
        assert box.value == "tag:billing"


# ----- views --------------------------------------------------------------------------------
@exercises("view_1", "view_2", "view_3", "view_4", "view_5")
async def test_alt_digits_show_the_first_views_config_ones_first() -> None:
    billing = View("billing", parse("tag:billing"), SortOrder.SLA, label="Billing")
    app = app_over(sla_fake(), views=(billing,))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("alt+1")
        await settle(pilot)
        assert column_ids(app) == [[], ["t3", "t4"], [], []], "billing, soonest breach first"
        assert "view: Billing" in header_text(app)
        assert "↑sla" in title_text(app, ON_YOU), "the view's order shows in every title"
        await pilot.press("alt+2")  # mine
        await settle(pilot)
        assert column_ids(app) == [[], ["t3"], [], []]
        await pilot.press("alt+3")  # unassigned
        await settle(pilot)
        assert "view: Unassigned" in header_text(app)
        await pilot.press("alt+4")  # urgent
        await settle(pilot)
        assert column_ids(app) == [["t1"], [], [], []]
        await pilot.press("alt+5")  # sla
        await settle(pilot)
        assert "view: SLA breaching" in header_text(app)


async def test_a_view_number_past_the_list_says_so() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("alt+4", "alt+5")
        await settle(pilot)
        app.ctx.views = app.ctx.views[:3]
        await pilot.press("alt+5")
        await settle(pilot)
        assert any("No view 5" in message for _, message in notifications(app))


# ----- sorting ------------------------------------------------------------------------------
@exercises("sort")
async def test_s_cycles_the_focused_columns_order_and_the_title_shows_it() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")  # On You: t4 (low, 12 min left), t3 (none, breached)
        await settle(pilot)
        default = column_ids(app)[ON_YOU]
        assert default == ["t4", "t3"], "default: priority first"
        assert "↑" not in title_text(app, ON_YOU)
        await pilot.press("s")  # sla
        await settle(pilot)
        assert column_ids(app)[ON_YOU] == ["t3", "t4"], "the breached one first"
        assert "↑sla" in title_text(app, ON_YOU)
        assert "↑" not in title_text(app, NEW), "only the focused column"
        assert any("soonest SLA breach first" in m for _, m in notifications(app))
        for expected in ("↑waiting", "↑updated", "↑priority"):
            await pilot.press("s")
            await settle(pilot)
            assert expected in title_text(app, ON_YOU)
        await pilot.press("s")  # round to the default
        await settle(pilot)
        assert column_ids(app)[ON_YOU] == default
        assert "↑" not in title_text(app, ON_YOU)


# ----- SLA on the card and in the header ----------------------------------------------------
async def test_cards_count_down_and_the_header_names_the_next_breach() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "⏱12m" in text
        assert "⏱3h" in text
        assert "⏱-40m" in text, "a breached deadline counts how long ago"
        header = header_text(app)
        assert "next breach 12m: #4" in header
        assert "1 breached" in header
        # the countdown's colour follows how near the breach is
        column = app.board_screen.view(ON_YOU)
        styles = column._card_styles()
        for row, urgency in ((1, Urgency.NEAR), (3, Urgency.BREACHED)):
            clock = next(seg for seg in column.render_line(row) if "⏱" in seg.text)
            assert clock.style == styles.meta + styles.sla[urgency]
        assert styles.sla[Urgency.BREACHED] != styles.sla[Urgency.NEAR]


async def test_the_header_follows_the_cards_shown_a_frame_after_the_key() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "next breach 12m: #4" in header_text(app)
        await pilot.press("slash")
        for key in "-priority:low":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert "t4" not in column_ids(app)[ON_YOU]
        header = header_text(app)
        assert "#4" not in header, "the outlook caught up with the filter"
        assert "next breach 3h: #1" in header
        assert "1 breached" in header


async def test_a_filter_that_hides_every_card_never_claims_nothing_new() -> None:
    app = app_over(sla_fake())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        for key in "zzzqx":
            await pilot.press(key)
        await settle(pilot)
        assert column_ids(app) == [[], [], [], []]
        text = screen_text(app)
        assert "nothing new" not in text, "New has tickets: the filter hides them"
        assert "none match the filter" in text


async def test_a_first_response_target_counts_down_on_new_tickets() -> None:
    app = app_over(FakePylon(), sla=SlaPolicy(first_response=timedelta(hours=2)))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        # #1 was created an hour ago and nobody has answered: due in an hour. #2 (2 h), #3,
        # #4 and #5 (on hold) are past it; #6 is closed, #7 is in no column.
        assert "next breach 1h: #1" in header_text(app)
        assert "4 breached" in header_text(app)
        assert "⏱1h" in screen_text(app)


# ----- read-only ----------------------------------------------------------------------------
async def test_read_only_disables_and_labels_every_write() -> None:
    fake = sla_fake()
    app = app_over(fake, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in header_text(app)
        for key in ("L", "H", "1", "0", "A", "u"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert on_board(app), "no reply editor opens"
        await pilot.press("a")
        await settle(pilot)
        assert on_board(app), "no assignee picker opens"
        assert fake.calls == [c for c in fake.calls if c[0] not in WRITES]
        assert calls_to(fake, "update_state") == []
        assert column_ids(app)[NEW] == ["t1", "t2"]
        refusals = [m for _, m in notifications(app) if m.startswith("Read-only:")]
        assert refusals
        assert "--read-only" in refusals[0]
        # reading still works: filter, views, sort, detail
        await pilot.press("s", "v", "0")
        await settle(pilot)
        assert on_board(app)
        await pilot.press("question_mark")
        await settle(pilot)
        assert "(off: read-only)" in screen_text(app)


WRITES = {"update_state", "set_priority", "assign", "reply", "note", "link_external_issue"}
