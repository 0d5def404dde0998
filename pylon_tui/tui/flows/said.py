"""What an action did, in the words a toast uses: "#12 moved to On Hold", "#12 priority high".

One wording for the confirmation after an action and for the undo message that takes it
back, so the user reads the same phrase both times. Names and labels come from Pylon, Linear
or GitHub: each goes through `one_line` (toasts are plain text, see PylonApp.notify).
"""

from __future__ import annotations

from collections.abc import Sequence

from pylon_tui.domain import Board, Directory, Priority, Ticket
from pylon_tui.domain.safe_text import one_line
from pylon_tui.sync import Assign, Link, Move, SetPriority, SetTags, Undoable, Unlink

SHOWN = 3
"""How many items a toast names before "and N more"."""


def place(board: Board, state: str) -> str:
    """Where a state puts a ticket: its column's title, else the state's label."""
    index = board.router.index_for_state(state)
    if index is not None:
        return one_line(board.columns[index].title)
    return one_line(board.catalog.label_of(state))


def priority_phrase(priority: Priority | None) -> str:
    return f"priority {priority.value}" if priority is not None else "priority cleared"


def assignee_phrase(user_id: str | None, directory: Directory) -> str:
    if not user_id:
        return "unassigned"
    user = directory.users.get(user_id)
    return f"assigned to {one_line(user.name if user else directory.user_name(user_id))}"


def phrase(intent: Undoable, board: Board, directory: Directory) -> str:
    """The change, without the ticket: "moved to On Hold", "linked to ENG-5"."""
    match intent:
        case Move():
            return f"moved to {place(board, intent.state)}"
        case SetPriority():
            return priority_phrase(intent.priority)
        case Assign():
            return assignee_phrase(intent.user_id, directory)
        case Link():
            return f"linked to {one_line(intent.label or 'an issue')}"
        case Unlink():
            return f"unlinked from {one_line(intent.label or 'an issue')}"
        case SetTags():
            return tags_phrase(intent.tags)


def tags_phrase(tags: Sequence[str]) -> str:
    if not tags:
        return "tags cleared"
    return f"tagged {listed([one_line(t) for t in tags])}"


def numbers(tickets: Sequence[Ticket]) -> str:
    """ "#3", "#3 and #7", "#3, #7, #9 and 2 more"."""
    return listed([f"#{n}" for n in sorted({t.number for t in tickets})])


def listed(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) > SHOWN:
        return f"{', '.join(items[:SHOWN])} and {len(items) - SHOWN} more"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def changed_since(after: Ticket, now: Ticket | None, board: Board, directory: Directory) -> str:
    """How a ticket differs from what the user's action left: why undo refuses."""
    if now is None:
        return "it is no longer on the board"
    parts = []
    if now.state != after.state:
        parts.append(f"now {place(board, now.state)}")
    if now.priority != after.priority:
        parts.append(priority_phrase(now.priority).replace("priority ", "priority now ", 1))
    if now.assignee_id != after.assignee_id:
        parts.append(f"now {assignee_phrase(now.assignee_id, directory)}")
    if sorted(now.tags) != sorted(after.tags):
        parts.append("its tags changed")
    if {x.external_id for x in now.links} != {x.external_id for x in after.links}:
        parts.append("its linked issues changed")
    return ", ".join(parts) or "it changed"
