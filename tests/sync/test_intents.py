"""Each intent knows its own behaviour: the card it draws, its undo, whether the server
already has it, when it conflicts, what the user reads, and which request sends it.

The strings are literals copied from what the `kind`-based code said before intents were
typed: notifications, the conflict dialog and the CLI must read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.domain import ExternalLink, IssueStateType, LinkedIssue, Priority, Ticket
from pylon_tui.sync.delivery import Conflict, judge, marked_html
from pylon_tui.sync.intents import (
    INTENT_TYPES,
    MARKER,
    ActionKind,
    Assign,
    Intent,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)
from pylon_tui.sync.queued import PENDING, Queued

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LABELS = {"on_hold": "On Hold", "closed": "Closed", "waiting_on_you": "On You"}
GH = ExternalLink("github", "acme/w/1", "https://github.com/acme/w/1")


def ticket(**changes: object) -> Ticket:
    values: dict[str, object] = {"assignee_id": "u1", "links": (GH,), **changes}
    base = Ticket("iss-1", 12, "Export fails", "on_hold", T0, T0, Priority.HIGH)
    return replace(base, **values)  # type: ignore[arg-type]


BEFORE = ticket()
MOVE = Move("iss-1", "closed")
PRIORITY = SetPriority("iss-1", Priority.URGENT)
ASSIGN = Assign("iss-1", "u2")
LINK = Link("iss-1", "uuid-9", url="https://linear.app/a/issue/ENG-9", label="ENG-9")
REPLY = Reply("iss-1", "msg-1", "<p>On it</p>", client_key="k1")
NOTE = Note("iss-1", "<p>internal</p>", client_key="k2")
UNLINK = Unlink("iss-1", GH.external_id, source="github", url=GH.url, label="acme/w#1")
TAGS = SetTags("iss-1", ("billing", "vip"))
SNOOZE = Snooze("iss-1", T0 + timedelta(days=1))
ALL: list[Intent] = [MOVE, PRIORITY, ASSIGN, LINK, REPLY, NOTE, UNLINK, TAGS, SNOOZE]


def test_one_class_per_stored_kind() -> None:
    assert [cls.kind for cls in INTENT_TYPES] == list(ActionKind)
    assert [type(i) for i in ALL] == list(INTENT_TYPES)
    kinds = [cls for i in ALL for cls in INTENT_TYPES if isinstance(i, cls)]
    assert kinds == list(INTENT_TYPES), "no kind subclasses another (Link, Unlink)"


@pytest.mark.parametrize(
    ("intent", "with_number", "without"),
    [
        (MOVE, "move #12 to closed", "move ticket to closed"),
        (PRIORITY, "set #12 priority to urgent", "set ticket priority to urgent"),
        (SetPriority("iss-1", None), "set #12 priority to none", "set ticket priority to none"),
        (ASSIGN, "assign #12", "assign ticket"),
        (Assign("iss-1", None), "assign #12", "assign ticket"),
        (LINK, "link ENG-9 to #12", "link ENG-9 to ticket"),
        (Link("iss-1", "uuid-9"), "link an issue to #12", "link an issue to ticket"),
        (REPLY, "reply on #12", "reply on ticket"),
        (NOTE, "add a note on #12", "add a note on ticket"),
        (UNLINK, "unlink acme/w#1 from #12", "unlink acme/w#1 from ticket"),
        (TAGS, "set #12 tags to billing, vip", "set ticket tags to billing, vip"),
        (SetTags("iss-1", ()), "set #12 tags to none", "set ticket tags to none"),
        (
            SNOOZE,
            "snooze #12 until 2025-03-02T09:00:00Z",
            "snooze ticket until 2025-03-02T09:00:00Z",
        ),
    ],
)
def test_describe_reads_as_before(intent: Intent, with_number: str, without: str) -> None:
    assert intent.describe(12) == with_number
    assert intent.describe() == without


@pytest.mark.parametrize(
    ("intent", "applied"),
    [
        (MOVE, ticket(state="closed")),
        (PRIORITY, ticket(priority=Priority.URGENT)),
        (SetPriority("iss-1", None), ticket(priority=None)),
        (ASSIGN, ticket(assignee_id="u2")),
        (Assign("iss-1", ""), ticket(assignee_id=None)),
        (LINK, ticket(links=(GH, ExternalLink("linear", "uuid-9", LINK.url)))),
        (Link("iss-1", GH.external_id, source="github"), BEFORE),  # already linked
        (Move("iss-1", ""), BEFORE),  # a damaged row changes nothing
        (Link("iss-1", ""), BEFORE),
        (REPLY, BEFORE),
        (NOTE, BEFORE),
        (UNLINK, ticket(links=())),
        (Unlink("iss-1", "not-linked"), BEFORE),
        (TAGS, ticket(tags=("billing", "vip"))),
        (SNOOZE, ticket(snoozed_until=SNOOZE.until)),
    ],
)
def test_apply_and_revert(intent: Intent, applied: Ticket) -> None:
    assert intent.apply(BEFORE) == applied
    assert intent.changes_board is not isinstance(intent, Reply | Note)
    if intent.apply(BEFORE) == BEFORE and intent.changes_board:
        return  # nothing drawn, nothing to undo (a refused re-link drops its id, as ever)
    # Undo touches only the intent's field: a title a refresh merged meanwhile stays.
    merged = replace(intent.apply(BEFORE), title="Renamed on the server")
    assert intent.revert(merged, BEFORE) == replace(BEFORE, title="Renamed on the server")


def test_revert_of_a_link_drops_only_that_link() -> None:
    other = ExternalLink("linear", "uuid-1", None)
    current = ticket(links=(GH, other, ExternalLink("linear", "uuid-9", None)))
    assert LINK.revert(current, BEFORE).links == (GH, other)


@pytest.mark.parametrize(
    ("intent", "server_has_it", "server_lacks_it"),
    [
        (MOVE, ticket(state="closed"), BEFORE),
        (PRIORITY, ticket(priority=Priority.URGENT), BEFORE),
        (SetPriority("iss-1", None), ticket(priority=None), BEFORE),
        (ASSIGN, ticket(assignee_id="u2"), BEFORE),
        (Assign("iss-1", None), ticket(assignee_id=None), BEFORE),
        (LINK, ticket(links=(ExternalLink("linear", "uuid-9", None),)), BEFORE),
        (UNLINK, ticket(links=()), BEFORE),
        (TAGS, ticket(tags=("vip", "billing")), ticket(tags=("billing",))),
        (SNOOZE, ticket(snoozed_until=SNOOZE.until + timedelta(milliseconds=500)), BEFORE),
    ],
)
def test_already_on_the_server(
    intent: Intent, server_has_it: Ticket, server_lacks_it: Ticket
) -> None:
    assert intent.already_on(server_has_it)
    assert not intent.already_on(server_lacks_it)


@pytest.mark.parametrize("intent", [REPLY, NOTE])
def test_a_ticket_never_shows_a_message(intent: Intent) -> None:
    assert not intent.already_on(BEFORE)
    assert not intent.touches_changed(ticket(state="closed", priority=None), BEFORE)


@pytest.mark.parametrize(
    ("intent", "same_field_changed", "other_field_changed"),
    [
        (MOVE, ticket(state="waiting_on_you"), ticket(priority=Priority.LOW)),
        (PRIORITY, ticket(priority=Priority.LOW), ticket(state="closed")),
        (ASSIGN, ticket(assignee_id="u3"), ticket(state="closed")),
        (TAGS, ticket(tags=("spam",)), ticket(state="closed")),
    ],
)
def test_touches_changed_looks_at_its_own_field(
    intent: Intent, same_field_changed: Ticket, other_field_changed: Ticket
) -> None:
    assert intent.touches_changed(same_field_changed, BEFORE)
    assert not intent.touches_changed(other_field_changed, BEFORE)


def test_links_only_add_up_so_never_conflict() -> None:
    assert not LINK.touches_changed(ticket(links=()), BEFORE)


def queued(intent: Intent, before: Ticket | None = BEFORE) -> Queued:
    return Queued(1, intent, PENDING, 0, 0.0, 1000.0, before)


def test_judge_uses_the_intents_own_checks() -> None:
    later = T0 + timedelta(minutes=5)
    based = replace(MOVE, base_updated_at=T0)
    assert judge(ticket(state="closed", updated_at=later), queued(based)).value == "done"
    moved = ticket(state="waiting_on_you", updated_at=later)
    assert judge(moved, queued(based)).value == "conflict"
    assert judge(ticket(priority=None, updated_at=later), queued(based)).value == "send"


@pytest.mark.parametrize(
    ("intent", "before", "server", "texts"),
    [
        (
            MOVE,
            BEFORE,
            ticket(state="waiting_on_you"),
            ("move from On Hold to Closed", "now On You (changed on the server)"),
        ),
        (
            MOVE,
            None,
            ticket(state="new"),
            ("move from ? to Closed", "now new (changed on the server)"),
        ),
        (
            PRIORITY,
            BEFORE,
            ticket(priority=Priority.LOW),
            ("priority urgent", "priority is now low"),
        ),
        (
            SetPriority("iss-1", None),
            BEFORE,
            ticket(priority=None),
            ("priority none", "priority is now none"),
        ),
        (ASSIGN, BEFORE, ticket(assignee_id="u3"), ("change the assignee", "assignee is now u3")),
        (
            ASSIGN,
            BEFORE,
            ticket(assignee_id=None),
            ("change the assignee", "assignee is now nobody"),
        ),
        (LINK, BEFORE, BEFORE, ("link ENG-9 to ticket", "changed on the server")),
        (REPLY, BEFORE, BEFORE, ("reply on ticket", "changed on the server")),
        (NOTE, None, BEFORE, ("add a note on ticket", "changed on the server")),
    ],
)
def test_conflict_text_reads_as_before(
    intent: Intent, before: Ticket | None, server: Ticket, texts: tuple[str, str]
) -> None:
    assert intent.conflict_text(before, server, LABELS) == texts
    assert Conflict(queued(intent, before), server).describe(LABELS) == texts


def test_conflict_without_labels_shows_the_slugs() -> None:
    conflict = Conflict(queued(MOVE), ticket(state="waiting_on_you"))
    assert conflict.describe() == (
        "move from on_hold to closed",
        "now waiting_on_you (changed on the server)",
    )


def test_messages_carry_their_marker() -> None:
    assert marked_html(REPLY) == f"<p>On it</p><!-- {MARKER}k1 -->"
    assert NOTE.marked_html() == f"<p>internal</p><!-- {MARKER}k2 -->"


class Recorder:
    """A PylonWrites that records which write was asked for, with what."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    async def update_state(self, issue_id: str, state: str) -> Ticket:
        self.calls.append(("update_state", issue_id, state))
        return BEFORE

    async def set_priority(self, issue_id: str, priority: Priority | None) -> Ticket:
        self.calls.append(("set_priority", issue_id, priority))
        return BEFORE

    async def assign(self, issue_id: str, user_id: str | None) -> Ticket:
        self.calls.append(("assign", issue_id, user_id))
        return BEFORE

    async def link_external_issue(self, issue_id: str, source: str, external_id: str) -> object:
        self.calls.append(("link_external_issue", issue_id, source, external_id))
        return {}

    async def unlink_external_issue(self, issue_id: str, source: str, external_id: str) -> object:
        self.calls.append(("unlink_external_issue", issue_id, source, external_id))
        return {}

    async def reply(self, issue_id: str, body_html: str, message_id: str) -> object:
        self.calls.append(("reply", issue_id, body_html, message_id))
        return {}

    async def note(self, issue_id: str, body_html: str) -> object:
        self.calls.append(("note", issue_id, body_html))
        return {}

    async def set_tags(self, issue_id: str, tags: Sequence[str]) -> Ticket:
        self.calls.append(("set_tags", issue_id, tuple(tags)))
        return BEFORE

    async def snooze(self, issue_id: str, until: datetime) -> Ticket:
        self.calls.append(("snooze", issue_id, until))
        return BEFORE


@pytest.mark.parametrize(
    ("intent", "call"),
    [
        (MOVE, ("update_state", "iss-1", "closed")),
        (PRIORITY, ("set_priority", "iss-1", Priority.URGENT)),
        (Assign("iss-1", ""), ("assign", "iss-1", None)),
        (LINK, ("link_external_issue", "iss-1", "linear", "uuid-9")),
        (
            Link("iss-1", "o/r/3", source="github"),
            ("link_external_issue", "iss-1", "github", "o/r/3"),
        ),
        (UNLINK, ("unlink_external_issue", "iss-1", "github", "acme/w/1")),
        (REPLY, ("reply", "iss-1", f"<p>On it</p><!-- {MARKER}k1 -->", "msg-1")),
        (NOTE, ("note", "iss-1", f"<p>internal</p><!-- {MARKER}k2 -->")),
        (TAGS, ("set_tags", "iss-1", ("billing", "vip"))),
        (SNOOZE, ("snooze", "iss-1", SNOOZE.until)),
    ],
)
async def test_send_makes_one_request_of_the_right_kind(
    intent: Intent, call: tuple[object, ...]
) -> None:
    api = Recorder()
    await intent.send(api)
    assert api.calls == [call]


def test_to_issue_builds_the_link_both_callers_built() -> None:
    issue = LinkedIssue(
        "linear", "uuid-9", "ENG-9", "Export", "In Progress", IssueStateType.STARTED, LINK.url or ""
    )
    based = Link.to_issue(BEFORE, issue)
    assert based == replace(LINK, base_updated_at=T0, client_key=based.client_key)
    unbased = Link.to_issue(BEFORE, issue, based=False)
    assert unbased.base_updated_at is None
    assert (unbased.source, unbased.external_id, unbased.url, unbased.label) == (
        "linear",
        "uuid-9",
        LINK.url,
        "ENG-9",
    )


def test_intents_are_values() -> None:
    assert Move("t", "closed", client_key="k") == Move("t", "closed", client_key="k")
    assert Assign("t", "", client_key="k") == Assign("t", None, client_key="k")
    assert len({Move("t", "closed", client_key="k"), Move("t", "closed", client_key="k")}) == 1
    assert MOVE.client_key != Move("iss-1", "closed").client_key, "a fresh key for each intent"
    with pytest.raises(AttributeError):
        MOVE.state = "new"  # type: ignore[misc]


def test_to_issue_keeps_a_github_issue_a_github_one() -> None:
    issue = LinkedIssue(
        "github", "acme/api/4", "acme/api#4", "Crash", "open", IssueStateType.STARTED, "u"
    )
    link = Link.to_issue(BEFORE, issue)
    assert (link.source, link.external_id, link.label) == ("github", "acme/api/4", "acme/api#4")


NOW_T = T0 + timedelta(hours=1)
CURRENT = ticket(state="closed", priority=Priority.URGENT, assignee_id="u2", updated_at=NOW_T)


@pytest.mark.parametrize(
    ("intent", "undoing"),
    [
        (MOVE, Move("iss-1", "on_hold", base_updated_at=NOW_T)),
        (PRIORITY, SetPriority("iss-1", Priority.HIGH, base_updated_at=NOW_T)),
        (ASSIGN, Assign("iss-1", "u1", base_updated_at=NOW_T)),
        (LINK, Unlink("iss-1", "uuid-9", url=LINK.url, label="ENG-9", base_updated_at=NOW_T)),
        (UNLINK, Link("iss-1", "acme/w/1", source="github", url=GH.url, label="acme/w#1")),
    ],
)
def test_undoing_puts_back_the_field_as_it_was_before(intent: Intent, undoing: Intent) -> None:
    """Undo's change restores `before` and is based on the ticket as it is now."""
    made = intent.undoing(BEFORE, CURRENT)  # type: ignore[union-attr]
    assert replace(made, client_key="k") == replace(undoing, base_updated_at=NOW_T, client_key="k")
    assert made.client_key != intent.client_key
    assert made.apply(intent.apply(BEFORE)) == BEFORE
