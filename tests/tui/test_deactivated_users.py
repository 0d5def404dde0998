"""Deactivated users (issue 18, item 1): Pylon's current API marks them `is_deactivated` and
GET /users leaves them out. A ticket still assigned to one is named through GET /users/{id},
and no picker offers them."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList

from pylon_tui.api import wire
from pylon_tui.domain import Directory, User
from pylon_tui.sync import codec
from pylon_tui.sync.strangers import MAX_LOOKUPS, name_strangers, strangers
from pylon_tui.tui.modals.picker import PickerModal

from .fakes import FakePylon, build_app, calls_to, make_tickets, settle


def _fake_with_departed_assignee() -> FakePylon:
    tickets = make_tickets()
    tickets[0] = replace(tickets[0], assignee_id="gone")
    fake = FakePylon(tickets)
    original = fake.user

    async def user(user_id: str) -> User:
        fake.calls.append(("user", (user_id,)))
        return await original(user_id)

    fake.user = user  # type: ignore[method-assign]
    return fake


async def test_a_departed_assignee_is_named_but_never_offered() -> None:
    fake = _fake_with_departed_assignee()
    app = build_app(fake)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        directory = app.ctx.service.directory
        assert calls_to(fake, "user") == [("gone",)]  # only the id GET /users did not name
        assert directory.user_name("gone") == "Former"  # not the bare id
        assert directory.users["gone"].is_deactivated
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PickerModal)
        options = app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not [label for label in labels if "Former Teammate" in label]
        assert any("Sam Support" in label for label in labels)


async def test_a_miss_is_asked_once_and_never_blocks() -> None:
    tickets = [replace(t, assignee_id=f"nobody{i}") for i, t in enumerate(make_tickets())]
    fake = FakePylon(tickets)
    tried: set[str] = set()
    directory = await name_strangers(fake, Directory.empty(), tickets, tried)
    assert directory.users == {}  # every look-up refused: the ids stay as they were
    assert len(tried) == min(len(tickets), MAX_LOOKUPS)
    again = await name_strangers(fake, directory, tickets, tried)
    assert again is directory  # nothing asked twice


def test_strangers_are_assignees_without_a_name() -> None:
    tickets = make_tickets()
    known = Directory({"u1": User("u1", "Sam")}, {}, {})
    tickets[1] = replace(tickets[1], assignee_id="u9")
    tickets[2] = replace(tickets[2], assignee_id="u9")
    assert strangers(known, tickets) == ["u9"]


def test_the_client_reads_both_shapes_of_a_user() -> None:
    """The snapshot's User has no `is_deactivated` (active); the current API's has it."""
    snapshot = {"id": "u1", "name": "Maya", "email": "maya@x.dev"}
    assert wire.user_from_json(snapshot) == User("u1", "Maya", "maya@x.dev")
    current = {**snapshot, "is_deactivated": True}
    gone = wire.user_from_json(current)
    assert gone is not None
    assert gone.is_deactivated
    assert codec.user_from_dict(codec.user_to_dict(gone)) == gone
    assert not codec.user_from_dict({"id": "u1", "name": "Maya"}).is_deactivated  # old cache


def test_active_users_leave_out_the_deactivated_and_sort_by_name() -> None:
    users = {
        "b": User("b", "Bea"),
        "a": User("a", "Ann"),
        "z": User("z", "Zed", is_deactivated=True),
    }
    assert [u.name for u in Directory(users, {}, {}).active_users()] == ["Ann", "Bea"]
