"""Reply target (issue 9 item 7): the newest customer-visible message by timestamp, the
customer's own first; never an internal note, never "whatever came last in the list"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pylon_tui.domain import Message
from pylon_tui.domain.thread import reply_target

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def msg(
    ident: str, minutes: float | None, *, customer: bool = False, private: bool = False
) -> Message:
    when = None if minutes is None else T0 + timedelta(minutes=minutes)
    return Message(ident, f"<p>{ident}</p>", when, ident, is_private=private, is_customer=customer)


def target_id(thread: list[Message]) -> str | None:
    target = reply_target(thread)
    return None if target is None else target.id


def test_the_newest_customer_message_wins_over_list_order() -> None:
    """Pylon promises no order: the old rule (`customer[-1]`) answered a stale message here."""
    thread = [msg("new-q", 30, customer=True), msg("old-q", 5, customer=True)]
    assert target_id(thread) == "new-q"


def test_a_customer_message_beats_a_newer_agent_reply() -> None:
    thread = [msg("question", 10, customer=True), msg("our-ack", 20)]
    assert target_id(thread) == "question"


def test_internal_notes_are_never_the_target() -> None:
    thread = [msg("question", 10, customer=True), msg("note", 50, customer=True, private=True)]
    assert target_id(thread) == "question"


def test_without_customer_messages_the_newest_visible_one() -> None:
    """An agent-started thread (outbound): answer the newest public message."""
    thread = [msg("b", 20), msg("a", 10), msg("note", 30, private=True)]
    assert target_id(thread) == "b"


def test_nothing_to_answer() -> None:
    assert reply_target([]) is None
    assert reply_target([msg("note", 1, private=True)]) is None


def test_undated_messages_count_as_oldest_and_ties_keep_list_order() -> None:
    assert (
        target_id([msg("dated", 1, customer=True), msg("undated", None, customer=True)]) == "dated"
    )
    tie = [msg("first", 5, customer=True), msg("second", 5, customer=True)]
    assert target_id(tie) == "second"
    undated = [msg("x", None, customer=True), msg("y", None, customer=True)]
    assert target_id(undated) == "y"


def test_times_at_datetimes_edges_do_not_crash() -> None:
    far = Message("far", "", datetime.max.replace(tzinfo=UTC), "x", is_customer=True)
    early = Message("early", "", datetime.min.replace(tzinfo=UTC), "x", is_customer=True)
    assert target_id([far, early]) == "far"


_messages = st.lists(
    st.builds(
        msg,
        st.text("abcdef", min_size=1, max_size=4),
        st.one_of(st.none(), st.floats(-1e6, 1e6)),
        customer=st.booleans(),
        private=st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_messages)
def test_property_the_target_is_visible_and_no_preferred_message_is_newer(
    thread: list[Message],
) -> None:
    target = reply_target(thread)
    visible = [m for m in thread if not m.is_private]
    if not visible:
        assert target is None
        return
    assert target is not None
    assert target in visible
    assert not target.is_private
    if any(m.is_customer for m in visible):
        assert target.is_customer
    pool = [m for m in visible if m.is_customer == target.is_customer]
    if target.timestamp is not None:
        assert all(m.timestamp is None or m.timestamp <= target.timestamp for m in pool)
    else:
        assert all(m.timestamp is None for m in pool)
