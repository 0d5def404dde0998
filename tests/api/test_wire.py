"""wire: tolerant parsing of Pylon JSON, priority option mapping, request builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pylon_tui.api import bodies, wire
from pylon_tui.api.errors import BadResponseError
from pylon_tui.api.wire import CustomField, PriorityOptions, SelectOption
from pylon_tui.domain import Account, Category, ExternalLink, Priority, Team, User

from .support import assert_matches_schema, issue_json

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------- tickets


def test_ticket_from_full_issue():
    t = wire.ticket_from_json(issue_json(7))
    assert (t.id, t.number, t.title, t.state) == ("iss_0007", 7, "Ticket 7", "waiting_on_you")
    assert t.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert t.updated_at == datetime(2024, 5, 2, 11, 30, tzinfo=UTC)
    assert t.latest_message_time == datetime(2024, 5, 2, 11, 0, tzinfo=UTC)
    assert t.priority is Priority.HIGH
    assert (t.account_id, t.assignee_id, t.team_id, t.requester_id) == (
        "acc_1",
        "usr_1",
        "team_1",
        "con_1",
    )
    assert t.tags == ("billing", "slack")
    assert t.links == (
        ExternalLink(
            "linear",
            "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10",
            "https://linear.app/acme/issue/ENG-12/fix-it",
        ),
    )
    assert t.has_tracking_link()
    assert t.source == "slack"
    assert t.body_html == "<p>help</p>"


def test_ticket_tolerates_missing_and_null_optional_fields():
    t = wire.ticket_from_json(
        {
            "id": "i1",
            "number": 1,
            "state": "new",
            "assignee": None,
            "account": "not-an-object",
            "tags": None,
            "custom_fields": None,
            "external_issues": [None, {"source": "linear"}, 5],
            "created_at": "garbage",
            "updated_at": "2024-05-01T10:00:00+02:00",
        }
    )
    assert t.title == ""
    assert t.assignee_id is None
    assert t.account_id is None
    assert t.tags == ()
    assert t.links == ()
    assert t.priority is None
    assert t.updated_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert t.created_at == t.updated_at  # unparseable created_at falls back


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"id": None}, "id"),
        ({"id": 12}, "id"),
        ({"number": "12"}, "number"),
        ({"number": True}, "number"),
        ({"number": None}, "number"),
        ({"state": None}, "state"),
        ({"state": ["new"]}, "state"),
    ],
)
def test_ticket_without_identity_is_a_bad_response_naming_the_field(patch, field):
    with pytest.raises(BadResponseError, match=f"'{field}'"):
        wire.ticket_from_json({**issue_json(1), **patch})


def test_ticket_that_is_not_an_object():
    with pytest.raises(BadResponseError, match="expected a JSON object"):
        wire.ticket_from_json(["not", "an", "issue"])


def test_priority_through_workspace_option_slugs():
    options = PriorityOptions.from_fields(
        [
            CustomField("cf1", "severity", "Severity", "select"),
            CustomField(
                "cf2",
                "priority",
                "Priority",
                "select",
                (
                    SelectOption("p0", "P0 - Urgent"),
                    SelectOption("p1", "High"),
                    SelectOption("medium", "Medium"),
                ),
            ),
        ]
    )
    assert options.slug_for(Priority.URGENT) == "p0"
    assert options.slug_for(Priority.HIGH) == "p1"
    assert options.slug_for(Priority.MEDIUM) == "medium"
    assert options.slug_for(Priority.LOW) == "low"  # no such option: identity
    assert options.slug_for(None) == ""
    assert options.priority_of("P0") is Priority.URGENT
    assert options.priority_of("medium") is Priority.MEDIUM
    assert options.priority_of("whatever") is None
    issue = issue_json(1, custom_fields={"priority": {"slug": "priority", "value": "p0"}})
    assert wire.ticket_from_json(issue, options).priority is Priority.URGENT


def test_priority_defaults_and_field_found_by_label():
    assert PriorityOptions.from_fields([]) == PriorityOptions.default()
    by_label = PriorityOptions.from_fields(
        [CustomField("c", "prio_x", "Priority", "select", (SelectOption("u", "URGENT"),))]
    )
    assert by_label.field_slug == "prio_x"
    assert by_label.slug_for(Priority.URGENT) == "u"
    multi = issue_json(1, custom_fields={"priority": {"values": ["low"]}})
    assert wire.ticket_from_json(multi).priority is Priority.LOW


# ---------------------------------------------------------------- directory-ish parsers


def test_small_parsers_tolerate_and_skip():
    assert wire.user_from_json({"id": "u", "emails": ["a@x.io"]}) == User("u", "a@x.io", "a@x.io")
    assert wire.user_from_json({"id": "u", "name": "Ana Li"}) == User("u", "Ana Li")
    assert wire.user_from_json({"name": "no id"}) is None
    assert wire.team_from_json({"id": "t"}) == Team("t", "t")
    assert wire.account_from_json({"id": "a", "domain": "acme.io"}) == Account("a", "acme.io")
    assert wire.account_from_json(None) is None
    org = wire.organisation_from_json({"id": "org", "name": "Acme"})
    assert (org.id, org.name) == ("org", "Acme")
    with pytest.raises(BadResponseError):
        wire.organisation_from_json({"name": "no id"})


def test_message_parser():
    m = wire.message_from_json(
        {
            "id": "m1",
            "message_html": "<p>hi</p>",
            "timestamp": "2024-05-01T10:00:00Z",
            "author": {"contact": {"id": "c", "email": "bob@c.test"}},
            "is_private": False,
            "source": "slack",
            "new_field": 1,
        }
    )
    assert m is not None
    assert (m.author_name, m.is_customer, m.is_private) == ("bob@c.test", True, False)
    note = wire.message_from_json(
        {"id": "m2", "author": {"name": "Ana", "user": {"id": "u"}}, "is_private": True}
    )
    assert note is not None
    assert note.author_name == "Ana"
    assert not note.is_customer
    assert wire.message_from_json({"message_html": "no id"}) is None


def test_status_parser_gives_custom_statuses_their_category():
    s = wire.status_from_json({"slug": "escalated", "label": "Escalated", "category": "on_hold"})
    assert s is not None
    assert s.category is Category.ON_HOLD
    spaced = wire.status_from_json({"slug": "triage", "category": "Waiting on you"})
    assert spaced is not None
    assert spaced.category is Category.WAITING_ON_YOU
    base = wire.status_from_json({"slug": "closed"})
    assert base is not None
    assert base.category is Category.CLOSED
    assert base.label == "Closed"
    assert wire.status_from_json({"slug": "weird", "category": "???"}) is None


def test_envelope_helpers():
    assert wire.data_list({"data": None}, "x") == []
    with pytest.raises(BadResponseError, match="data should be a list"):
        wire.data_list({"data": {}}, "x")
    with pytest.raises(BadResponseError):
        wire.data_object([], "x")
    assert wire.next_cursor({"pagination": {"cursor": "c", "has_next_page": False}}) is None
    assert wire.next_cursor({"pagination": {"cursor": "c", "has_next_page": True}}) == "c"
    assert wire.next_cursor({}) is None
    # More promised but no cursor to ask with: "" (the client ends the walk, never fails it).
    assert wire.next_cursor({"pagination": {"has_next_page": True}}) == ""
    assert wire.next_cursor({"pagination": {"cursor": None, "has_next_page": True}}) == ""
    assert wire.error_messages({"errors": ["a", {"message": "b"}], "request_id": "r"}) == (
        ["a", "b"],
        "r",
    )
    assert wire.error_messages("nope") == ([], None)


# ---------------------------------------------------------------- filters and bodies


def test_board_filter_bounds_closed_by_updated_at():
    f = bodies.board_filter(
        ["new", "waiting_on_you", "on_hold", "closed"], NOW - timedelta(days=7), now=NOW
    )
    assert f == {
        "field": "",
        "operator": "or",
        "subfilters": [
            {"field": "state", "operator": "in", "values": ["new", "waiting_on_you", "on_hold"]},
            {
                "field": "",
                "operator": "and",
                "subfilters": [
                    {"field": "state", "operator": "in", "values": ["closed"]},
                    {
                        "field": "updated_at",
                        "operator": "time_is_after",
                        "value": "2024-05-25T12:00:00Z",
                    },
                ],
            },
        ],
    }
    assert_matches_schema(bodies.search_body(f, limit=999, cursor=None), "SearchIssuesRequest")


def test_board_filter_clamps_closed_to_thirty_days():
    f = bodies.board_filter(["closed"], NOW - timedelta(days=90), now=NOW)
    assert f == {
        "field": "",
        "operator": "and",
        "subfilters": [
            bodies.state_filter(["closed"]),
            {"field": "updated_at", "operator": "time_is_after", "value": "2024-05-02T12:00:00Z"},
        ],
    }
    assert bodies.board_filter(["new"], now=NOW) == bodies.state_filter(["new"])
    with pytest.raises(ValueError, match="at least one state"):
        bodies.board_filter([])


def test_updated_since_filter_subtracts_skew():
    f = bodies.updated_since_filter(NOW, skew=timedelta(minutes=1))
    assert f == {
        "field": "updated_at",
        "operator": "time_is_after",
        "value": "2024-06-01T11:59:00Z",
    }


def test_search_body_limit_and_cursor():
    assert bodies.search_body({}, limit=5000, cursor=None)["limit"] == 999
    assert bodies.search_body({}, limit=0, cursor=None)["limit"] == 1
    body = bodies.search_body(bodies.state_filter(["new"]), limit=50, cursor="c2")
    assert body == {
        "filter": {"field": "state", "operator": "in", "values": ["new"]},
        "limit": 50,
        "cursor": "c2",
    }
    assert_matches_schema(body, "SearchIssuesRequest")


@pytest.mark.parametrize(
    ("body", "schema"),
    [
        (bodies.state_body("on_hold"), "UpdateIssueRequestBody"),
        (bodies.priority_body(PriorityOptions.default(), Priority.HIGH), "UpdateIssueRequestBody"),
        (bodies.priority_body(PriorityOptions.default(), None), "UpdateIssueRequestBody"),
        (bodies.assign_body("usr_1"), "UpdateIssueRequestBody"),
        (bodies.assign_body(None), "UpdateIssueRequestBody"),
        (bodies.link_body("linear", "uuid"), "LinkExternalIssueRequestBody"),
        (bodies.link_body("linear", "uuid", unlink=True), "LinkExternalIssueRequestBody"),
        (bodies.reply_body("<p>on it</p>", "msg_1"), "CreateIssueReplyRequestBody"),
        (bodies.note_body("<p>fyi</p>"), "CreateIssueNoteRequestBody"),
        (bodies.note_body("<p>fyi</p>", thread_id="th_1"), "CreateIssueNoteRequestBody"),
    ],
)
def test_request_bodies_match_the_spec(body, schema):
    assert_matches_schema(body, schema)


def test_request_bodies_exact():
    # Clearing leaves `value` out (CustomFieldValue: "If unset, the custom field will be unset").
    assert bodies.priority_body(PriorityOptions.default(), None) == {
        "custom_fields": [{"slug": "priority"}]
    }
    assert bodies.assign_body(None) == {"assignee_id": ""}
    assert bodies.link_body("github", "acme/api/4", unlink=True) == {
        "source": "github",
        "external_issue_id": "acme/api/4",
        "operation": "unlink",
    }
    with pytest.raises(ValueError, match="message it answers"):
        bodies.reply_body("<p>x</p>", "")
