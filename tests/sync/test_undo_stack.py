"""The undo stack (issue 10 item 4) without a UI: one entry per user action, each ticket of an
entry undone as a whole and only while it is as the action left it, newest first."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pylon_tui.domain import ExternalLink, Priority, Ticket
from pylon_tui.sync import Assign, Link, Move, SetPriority, Unlink
from pylon_tui.sync.undo import MAX_ENTRIES, Done, UndoStack, plan_undo, still_as_left

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
LATER = T0 + timedelta(minutes=3)
LINK = Link("t1", "uuid-5", url="https://linear.app/a/issue/ENG-5/x", label="ENG-5")


def ticket(**changes: object) -> Ticket:
    base = Ticket("t1", 1, "Export fails", "waiting_on_you", T0, T0)
    return replace(base, **changes)  # type: ignore[arg-type]


BEFORE = ticket()
LINKED = ticket(links=(ExternalLink("linear", "uuid-5", LINK.url),))
HELD = replace(LINKED, state="on_hold")
HELD_ASSIGNED = replace(HELD, assignee_id="u2")

HOLD = [
    Done(LINK, BEFORE, LINKED),
    Done(Move("t1", "on_hold"), LINKED, HELD),
    Done(Assign("t1", "u2"), HELD, HELD_ASSIGNED),
]


def test_a_hold_still_standing_is_undone_newest_change_first() -> None:
    now = replace(HELD_ASSIGNED, updated_at=LATER, title="Renamed meanwhile")
    plan = plan_undo(HOLD, {"t1": now}.get)
    assert plan.changed == []
    assert plan.undone == HOLD
    assert [type(i) for i in plan.reverts] == [Assign, Move, Unlink]
    assert plan.reverts[0] == Assign(
        "t1", None, base_updated_at=LATER, client_key=plan.reverts[0].client_key
    )
    assert plan.reverts[1].state == "waiting_on_you"  # type: ignore[union-attr]
    assert all(i.base_updated_at == LATER for i in plan.reverts)
    undone = now
    for intent in plan.reverts:
        undone = intent.apply(undone)
    assert (undone.state, undone.assignee_id, undone.links) == ("waiting_on_you", None, ())
    assert undone.title == "Renamed meanwhile", "only what the action changed goes back"


def test_any_field_changed_since_refuses_the_whole_ticket() -> None:
    for changed in (
        replace(HELD_ASSIGNED, state="waiting_on_you"),  # the customer wrote: Pylon moved it
        replace(HELD_ASSIGNED, assignee_id="u3"),
        replace(HELD_ASSIGNED, priority=Priority.LOW),
        replace(HELD_ASSIGNED, links=()),
    ):
        assert not still_as_left(HELD_ASSIGNED, changed)
        plan = plan_undo(HOLD, {"t1": changed}.get)
        assert plan.reverts == []
        assert plan.undone == []
        assert plan.changed == [(HOLD[-1], changed)]
    nothing: dict[str, Ticket] = {}
    gone = plan_undo(HOLD, nothing.get)
    assert gone.changed == [(HOLD[-1], None)]


def test_a_bulk_entry_undoes_the_tickets_that_stand_and_names_the_rest() -> None:
    a, b = ticket(id="a", number=1, state="new"), ticket(id="b", number=2, state="new")
    after_a, after_b = replace(a, state="waiting_on_you"), replace(b, state="waiting_on_you")
    entry = [
        Done(Move("a", "waiting_on_you"), a, after_a),
        Done(Move("b", "waiting_on_you"), b, after_b),
    ]
    now = {"a": after_a, "b": replace(after_b, priority=Priority.URGENT)}
    plan = plan_undo(entry, now.get)
    assert [(i.ticket_id, i.state) for i in plan.reverts] == [("a", "new")]  # type: ignore[union-attr]
    [(done, current)] = plan.changed
    assert done.intent.ticket_id == "b"
    assert current == now["b"]


def test_the_stack_groups_an_action_and_keeps_the_newest() -> None:
    stack = UndoStack()
    move = Done(Move("t1", "on_hold"), LINKED, HELD)
    stack.record(move)
    with stack.action():
        with stack.action():  # nested: still the one outer action
            stack.record(HOLD[0])
        stack.record(HOLD[1])
    with stack.action():
        pass  # an action that changed nothing leaves no entry
    assert len(stack) == 2
    assert stack.pop() == [HOLD[0], HOLD[1]]
    assert stack.pop() == [move]
    assert stack.pop() is None
    prio = Done(SetPriority("t1", Priority.HIGH), BEFORE, ticket(priority=Priority.HIGH))
    for _ in range(MAX_ENTRIES + 5):
        stack.record(prio)
    assert len(stack) == MAX_ENTRIES
