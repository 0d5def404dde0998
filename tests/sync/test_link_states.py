"""LinkStates: one live map of linked issues that the watcher writes and every view reads,
with a version a view can compare to know whether anything changed since it drew."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pylon_tui.domain import DEFAULT_COLUMNS, ExternalLink, IssueStateType, LinkedIssue, Ticket
from pylon_tui.sync import BoardService, LinkStates, LinkWatcher

T0 = datetime(2025, 3, 1, tzinfo=UTC)


def issue(external_id: str, state: str = "In Progress") -> LinkedIssue:
    closed = state == "Done"
    kind = IssueStateType.COMPLETED if closed else IssueStateType.STARTED
    return LinkedIssue("linear", external_id, "ENG-1", "t", state, kind, "https://linear.app/x")


def test_version_moves_only_when_something_changed() -> None:
    states = LinkStates()
    assert states.state_of("a") is None
    states.remember(issue("a"))
    assert (states.state_of("a"), states.version) == ("In Progress", 1)
    states.update({"a": issue("a")})
    assert states.version == 1, "the same answer again is not a change"
    states.update({"a": issue("a", "Done"), "b": issue("b")})
    assert (states.state_of("a"), states.state_of("b"), states.version) == (
        "Done",
        "In Progress",
        2,
    )


class Linear:
    def __init__(self, answer: dict[str, LinkedIssue]) -> None:
        self.answer = answer

    async def issues_by_ids(self, ids: Iterable[str]) -> dict[str, LinkedIssue]:
        return self.answer


async def test_the_watcher_writes_into_the_states_it_was_given() -> None:
    service = BoardService(object(), DEFAULT_COLUMNS)  # type: ignore[arg-type]
    external_id = "uuid-1"
    link = ExternalLink("linear", external_id, None)
    service.board.replace_all([Ticket("iss-1", 1, "t", "on_hold", T0, T0, links=(link,))])
    shared = LinkStates()
    watcher = LinkWatcher(service, Linear({external_id: issue(external_id)}), states=shared)
    await watcher.refresh_states()
    assert shared.state_of(external_id) == "In Progress"
    assert watcher.live is shared.live, "watcher.live is the shared map"
    assert watcher.short_states() == {external_id: "In Progress"}
