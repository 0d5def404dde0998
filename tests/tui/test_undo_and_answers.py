"""Issue 10 items 4 and 7: undo is a stack of the user's own actions (move, priority, assign),
each taken back only while the ticket is still as the action left it and always named; and
every action answers with a toast, the assignee picker marking who is assigned now."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from textual.widgets import OptionList

from pylon_tui.domain import Priority
from pylon_tui.tui.app import PylonApp
from pylon_tui.tui.modals.picker import PickerModal

from .fakes import NOW, FakePylon, calls_to, exercises, notifications, settle


def toasts(app: PylonApp, title: str | None = None) -> list[str]:
    return [message for t, message in notifications(app) if title is None or t == title]


def focus(app: PylonApp, ticket_id: str) -> None:
    app.board_screen.rebuild(follow=ticket_id)
    assert app.board_screen.current_ticket_id() == ticket_id


def pylon_changes(fake: FakePylon, ticket_id: str, **changes: object) -> None:
    """Someone else (Pylon's automations, a teammate) changes the ticket on the server."""
    fake.tickets[ticket_id] = replace(
        fake.tickets[ticket_id],
        updated_at=NOW + timedelta(minutes=5),
        **changes,  # type: ignore[arg-type]
    )


# ----- undo ------------------------------------------------------------------------------


@exercises("undo")
async def test_undo_names_what_it_undid(app: PylonApp, fake: FakePylon) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert fake.tickets["t1"].state == "new"
        assert "Undid: #1 moved to On You" in toasts(app, "Undo")


async def test_undo_refuses_a_move_that_pylon_changed_since(app: PylonApp, fake: FakePylon) -> None:
    """B4: a reply made Pylon move the ticket on; undo must not drag it back to New."""
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("L")  # #1 New -> On You
        await settle(pilot)
        pylon_changes(fake, "t1", state="waiting_on_customer")
        await pilot.press("R")
        await settle(pilot)
        assert app.ctx.service.board.get("t1").state == "waiting_on_customer"  # type: ignore[union-attr]
        moves = len(calls_to(fake, "update_state"))

        await pilot.press("u")
        await settle(pilot)

        assert len(calls_to(fake, "update_state")) == moves, "nothing sent"
        assert fake.tickets["t1"].state == "waiting_on_customer"
        [said] = toasts(app, "Not undone")
        assert said.startswith("#1 changed since (now On Customer")
        assert said.endswith("nothing undone")
        assert not toasts(app, "Undo")
        # The stale entry is spent: the next undo has nothing left.
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo" in toasts(app)


async def test_undo_after_a_priority_change_takes_back_the_priority_not_an_older_move(
    app: PylonApp, fake: FakePylon
) -> None:
    """B4: after priority keys, undo moved a different ticket (the last *move*)."""
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("L")  # #1 New -> On You
        await settle(pilot)
        focus(app, "t3")
        await pilot.press("2")  # #3 priority high
        await settle(pilot)
        assert fake.tickets["t3"].priority is Priority.HIGH

        await pilot.press("u")
        await settle(pilot)

        assert fake.tickets["t3"].priority is None, "the priority change is undone"
        assert fake.tickets["t1"].state == "waiting_on_you", "the older move stands"
        assert "Undid: #3 priority high" in toasts(app, "Undo")
        await pilot.press("u")  # and now the move, which still stands
        await settle(pilot)
        assert fake.tickets["t1"].state == "new"


async def test_undo_of_an_assignee_puts_the_previous_one_back(
    app: PylonApp, fake: FakePylon
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        focus(app, "t3")  # assigned to Sam (u1)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Alex", "enter")
        await settle(pilot)
        assert fake.tickets["t3"].assignee_id == "u2"
        await pilot.press("u")
        await settle(pilot)
        assert fake.tickets["t3"].assignee_id == "u1"
        assert "Undid: #3 assigned to Alex Agent" in toasts(app, "Undo")


async def test_undo_of_a_bulk_move_skips_only_the_ticket_that_changed(
    app: PylonApp, fake: FakePylon
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "L")  # #1 and #2 -> On You
        await settle(pilot)
        pylon_changes(fake, "t2", assignee_id="u2")  # a teammate took #2 meanwhile
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert fake.tickets["t1"].state == "new"
        assert fake.tickets["t2"].state == "waiting_on_you", "#2 changed since: left alone"
        assert "Undid: #1 moved to On You" in toasts(app, "Undo")
        assert toasts(app, "Not undone") == [
            "#2 changed since (now assigned to Alex Agent): nothing undone"
        ]


# ----- every action answers --------------------------------------------------------------


async def test_priority_keys_answer_with_a_toast(app: PylonApp, fake: FakePylon) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "#1 priority high" in toasts(app)
        await pilot.press("0")
        await settle(pilot)
        assert "#1 priority cleared" in toasts(app)


async def test_assign_me_answers_with_a_toast(app: PylonApp, fake: FakePylon) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert fake.tickets["t1"].assignee_id == "u1"
        assert "#1 assigned to Sam Support" in toasts(app)


async def test_assign_picker_marks_the_current_assignee_and_answers(
    app: PylonApp, fake: FakePylon
) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        focus(app, "t3")  # assigned to Sam Support
        await pilot.press("a")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerModal)
        options = picker.query_one("#picker-options", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        [sam] = [p for p in prompts if "Sam Support" in p]
        assert sam.startswith("✓ Sam Support")
        assert "assigned now" in sam
        assert all("assigned now" not in p for p in prompts if p != sam)
        await pilot.press(*"Unassign", "enter")
        await settle(pilot)
        assert fake.tickets["t3"].assignee_id is None
        assert "#3 unassigned" in toasts(app)


async def test_bulk_priority_names_every_ticket_once(app: PylonApp, fake: FakePylon) -> None:
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "1")
        await settle(pilot)
        assert "#1 and #2 priority urgent" in toasts(app)
        await pilot.press("u")
        await settle(pilot)
        assert fake.tickets["t1"].priority is Priority.URGENT, "#1 was urgent before"
        assert fake.tickets["t2"].priority is None
        assert "Undid: #1 and #2 priority urgent" in toasts(app, "Undo")
