"""Issue 15's pure rules: blast radius, the same-issue hint and fix-ready reply wording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pylon_tui.domain import ExternalLink, IssueStateType, LinkedIssue, Ticket
from pylon_tui.domain.blast import group_by_issue, waiting_counts, waiting_label
from pylon_tui.domain.fix_reply import draft_fix_reply, template_name
from pylon_tui.domain.links import Outcome
from pylon_tui.domain.similar import THRESHOLD, resemblance, same_issue_hint, words

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ENG12 = ExternalLink("linear", "lin-12", "https://linear.app/acme/issue/ENG-12/x")
ENG13 = ExternalLink("linear", "lin-13", "https://linear.app/acme/issue/ENG-13/y")
SLACK = ExternalLink("slack", "thread-1")


def ticket(
    number: int,
    title: str = "Export fails",
    *,
    state: str = "on_hold",
    links: tuple[ExternalLink, ...] = (),
    account: str | None = None,
    age_hours: int = 1,
) -> Ticket:
    at = NOW - timedelta(hours=age_hours)
    return Ticket(
        id=f"t{number}",
        number=number,
        title=title,
        state=state,
        created_at=at,
        updated_at=at,
        account_id=account,
        links=links,
    )


def issue(
    key: str,
    identifier: str,
    state: IssueStateType = IssueStateType.STARTED,
    *,
    title: str = "",
    state_name: str = "In Progress",
    release: str | None = None,
    deleted: bool = False,
) -> LinkedIssue:
    return LinkedIssue(
        "linear", key, identifier, title, state_name, state, "", release=release, deleted=deleted
    )


# --- blast radius ------------------------------------------------------------------------


def test_groups_count_each_issue_once_per_ticket_most_waited_first() -> None:
    tickets = [
        ticket(1, links=(ENG13,), account="acme", age_hours=5),
        ticket(2, links=(ENG12, SLACK), account="fjord", age_hours=9),
        ticket(3, links=(ENG12,), account="acme", age_hours=2),
        ticket(4, links=(ENG12,), account="fjord", age_hours=1),
        ticket(5, links=(ENG12,), state="closed"),
    ]
    groups = group_by_issue(tickets, include=lambda t: t.state != "closed")
    assert [(g.link.external_id, g.waiting) for g in groups] == [("lin-12", 3), ("lin-13", 1)]
    assert [t.number for t in groups[0].tickets] == [2, 3, 4], "oldest ticket first"
    assert groups[0].account_ids == ("fjord", "acme"), "distinct, in first-seen order"
    assert waiting_counts(groups) == {"lin-12": 3, "lin-13": 1}, "the Slack link is no issue"


def test_equal_groups_order_by_label_so_frames_do_not_shuffle() -> None:
    tickets = [ticket(1, links=(ENG13,)), ticket(2, links=(ENG12,))]
    live = {"lin-12": issue("lin-12", "ENG-12"), "lin-13": issue("lin-13", "ENG-13")}
    groups = group_by_issue(reversed(tickets), include=lambda t: True, live=live)
    assert [g.label for g in groups] == ["ENG-12", "ENG-13"]


def test_waiting_label_says_nothing_for_a_ticket_alone() -> None:
    assert waiting_label(0) == waiting_label(1) == ""
    assert waiting_label(4) == " · 4 waiting"


# --- same-issue hint ---------------------------------------------------------------------


def test_resemblance_ignores_case_short_and_common_words() -> None:
    assert words("The CSV export is failing for US") == {"csv", "export", "failing"}
    assert resemblance("CSV export failing", "csv EXPORT failing!") == 1.0
    assert resemblance("", "anything") == 0.0
    assert resemblance("Export fails", "Login loops") == 0.0


def test_hint_names_the_best_on_hold_look_alike_and_its_issue() -> None:
    new = ticket(9, "CSV export fails with a timeout", state="new")
    weak = ticket(1, "CSV import slow", links=(ENG13,))
    strong = ticket(2, "Export of CSV fails: timeout", links=(ENG12,))
    live = {"lin-12": issue("lin-12", "ENG-12")}
    found = same_issue_hint(new, [weak, strong], live)
    assert found is not None
    assert found.like is strong
    assert found.text == "like #2 (ENG-12)"
    assert found.short == "≈#2", "what a 19-cell card has room for"
    assert found.score >= THRESHOLD


def test_hint_matches_the_linked_issue_title_too() -> None:
    new = ticket(9, "Okta SSO redirect loop", state="new")
    held = ticket(3, "Customer cannot sign in", links=(ENG12,))
    live = {"lin-12": issue("lin-12", "ENG-12", title="SSO redirect loop with Okta")}
    found = same_issue_hint(new, [held], live)
    assert found is not None
    assert found.label == "ENG-12"
    assert same_issue_hint(new, [held], {}) is None, "the ticket titles alone share nothing"


def test_no_hint_below_the_bar_for_itself_or_to_a_closed_issue() -> None:
    new = ticket(9, "CSV export fails", state="new")
    assert same_issue_hint(new, [ticket(1, "Dashboard blank", links=(ENG12,))]) is None
    assert same_issue_hint(new, [ticket(9, "CSV export fails", links=(ENG12,))]) is None
    twin = ticket(2, "CSV export fails", links=(ENG12,))
    done = {"lin-12": issue("lin-12", "ENG-12", IssueStateType.COMPLETED, state_name="Done")}
    assert same_issue_hint(new, [twin], done) is None, "its fix is done: nothing to wait on"
    unlinked = ticket(3, "CSV export fails", links=(SLACK,))
    assert same_issue_hint(new, [unlinked]) is None, "only a tracking link can be joined"


# --- fix-ready replies -------------------------------------------------------------------


def test_each_ending_drafts_its_own_words() -> None:
    fixed = issue(
        "k", "ENG-12", IssueStateType.COMPLETED, title="Export timeout", release="2024.6.2"
    )
    text = draft_fix_reply(fixed)
    assert text is not None
    assert '"Export timeout" has shipped in release 2024.6.2.' in text
    wont = issue("k", "ENG-12", IssueStateType.CANCELED, title="X", state_name="Won't Fix")
    assert wont.outcome is Outcome.WONT_FIX
    assert "decided not to change" in (draft_fix_reply(wont) or "")
    canceled = issue("k", "ENG-12", IssueStateType.CANCELED, title="X", state_name="Canceled")
    assert "without making a change" in (draft_fix_reply(canceled) or "")


def test_nothing_is_drafted_for_an_open_or_deleted_issue() -> None:
    assert draft_fix_reply(issue("k", "ENG-1")) is None
    gone = issue("k", "ENG-1", IssueStateType.COMPLETED, deleted=True)
    assert template_name(gone.outcome) is None
    assert draft_fix_reply(gone) is None


def test_a_team_template_wins_and_a_stray_brace_is_kept_as_written() -> None:
    fixed = issue("k", "ENG-7", IssueStateType.COMPLETED, title="Slow sync")
    mine = {"fixed": "{identifier} shipped{release}: {title} {unknown}"}
    assert draft_fix_reply(fixed, mine) == "ENG-7 shipped: Slow sync {unknown}"
    assert draft_fix_reply(fixed, {"fixed": "fixed {"}) == "fixed {"


def test_a_ticket_linked_twice_to_one_issue_waits_once() -> None:
    twice = ticket(1, links=(ENG12, ENG12))
    groups = group_by_issue([twice, ticket(2, links=(ENG12,))], include=lambda t: True)
    assert waiting_counts(groups) == {"lin-12": 2}
    assert [t.number for t in groups[0].tickets] == [1, 2]
