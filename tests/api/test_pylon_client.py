"""PylonClient: pagination, exact request bodies, caching, budgets and tolerance."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from pylon_tui.api.pylon import PylonClient
from pylon_tui.api.wire import PriorityOptions
from pylon_tui.domain import Category, Priority

from .support import (
    BASE,
    TOKEN,
    FakeClock,
    Router,
    assert_matches_schema,
    envelope,
    issue_json,
    pylon,
    respond,
)

NEW = {"field": "state", "operator": "in", "values": ["new"]}
UUID = "2b1c4c9e-8f1a-4a53-9a3f-2f0c1d7e6a10"


def page(numbers: list[int], cursor: str | None) -> httpx.Response:
    pagination = {"cursor": cursor or "", "has_next_page": cursor is not None}
    return respond(200, envelope([issue_json(n) for n in numbers], pagination=pagination))


def three_pages() -> Router:
    return Router().on(
        "POST", "/issues/search", page([1, 2], "c1"), page([3, 4], "c2"), page([5], None)
    )


# ---------------------------------------------------------------- search and pagination


async def test_search_follows_the_cursor_in_the_body_over_three_pages():
    router = three_pages()
    async with pylon(router) as client:
        tickets = await client.search_issues(NEW)
    assert [t.number for t in tickets] == [1, 2, 3, 4, 5]
    bodies = router.bodies("POST", "/issues/search")
    assert bodies == [
        {"filter": NEW, "limit": 999},
        {"filter": NEW, "limit": 999, "cursor": "c1"},
        {"filter": NEW, "limit": 999, "cursor": "c2"},
    ]
    for body in bodies:
        assert_matches_schema(body, "SearchIssuesRequest")
    assert all(not r.url.query for r in router.requests)  # nothing in the query string


async def test_search_limit_is_the_page_size_and_max_results_stops_early():
    router = three_pages()
    async with pylon(router) as client:
        tickets = await client.search_issues(NEW, limit=2, max_results=2)
    assert [t.number for t in tickets] == [1, 2]
    assert router.bodies() == [{"filter": NEW, "limit": 2}]


async def test_search_pages_iterator_yields_each_page():
    router = three_pages()
    async with pylon(router) as client:
        pages = [[t.number for t in p] async for p in client.iter_search_pages(NEW)]
    assert pages == [[1, 2], [3, 4], [5]]


async def test_search_deduplicates_a_ticket_seen_on_two_pages():
    router = Router().on("POST", "/issues/search", page([1, 2], "c1"), page([2, 3], None))
    async with pylon(router) as client:
        assert [t.number for t in await client.search_issues(NEW)] == [1, 2, 3]


async def test_search_ends_quietly_on_a_repeated_cursor(caplog):
    """A server that hands back a cursor already followed ends the walk with a log line;
    the tickets read so far are the result (it used to fail the whole board load)."""
    router = Router().on("POST", "/issues/search", page([1], "same"), page([2], "same"))
    async with pylon(router) as client:
        tickets = await client.search_issues(NEW)
    assert [t.number for t in tickets] == [1, 2]
    assert len(router.requests) == 2
    assert "repeated a cursor" in caplog.text


async def test_search_tolerates_unknown_and_missing_fields():
    sparse = {"id": "i9", "number": 9, "state": "on_hold", "whatever": {"x": 1}}
    router = Router().on("POST", "/issues/search", respond(200, {"data": [sparse, issue_json(1)]}))
    async with pylon(router) as client:
        tickets = await client.search_issues(NEW)
    assert [t.number for t in tickets] == [9, 1]
    assert tickets[0].priority is None
    assert tickets[0].links == ()


def test_filter_helpers_on_the_client():
    since = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    assert PylonClient.updated_since_filter(since)["value"] == "2024-06-01T11:59:00Z"
    f = PylonClient.board_filter(["new", "closed"], since, now=since)
    assert f["operator"] == "or"


# ---------------------------------------------------------------- writes: exact bodies


def updated(**overrides) -> httpx.Response:
    return respond(200, envelope(issue_json(1, **overrides)))


async def test_update_state_body_and_returned_ticket():
    router = Router().on("PATCH", "/issues/iss_0001", updated(state="on_hold"))
    async with pylon(router) as client:
        ticket = await client.update_state("iss_0001", "on_hold")
    assert ticket.state == "on_hold"
    (body,) = router.bodies("PATCH")
    assert body == {"state": "on_hold"}
    assert_matches_schema(body, "UpdateIssueRequestBody")
    assert router.requests[0].headers["content-type"] == "application/json"


async def test_set_priority_uses_real_option_slugs_fetched_once():
    fields = [
        {
            "id": "cf1",
            "slug": "priority",
            "label": "Priority",
            "type": "select",
            "select_metadata": {
                "options": [
                    {"slug": "p0_urgent", "label": "Urgent"},
                    {"slug": "p1_high", "label": "High"},
                    {"slug": "medium", "label": "Medium"},
                    {"slug": "low", "label": "Low"},
                ]
            },
        }
    ]
    router = (
        Router()
        .on("GET", "/custom-fields", respond(200, envelope(fields)))
        .on(
            "PATCH",
            "/issues/iss_0001",
            updated(custom_fields={"priority": {"slug": "priority", "value": "p0_urgent"}}),
            updated(custom_fields={}),
        )
    )
    clock = FakeClock()
    client = PylonClient(BASE, TOKEN, transport=router.transport, budget=_budget(clock))
    async with client:
        ticket = await client.set_priority("iss_0001", Priority.URGENT)
        await client.set_priority("iss_0001", None)
    assert ticket.priority is Priority.URGENT  # the response's slug maps back
    get_fields = [r for r in router.requests if r.url.path == "/custom-fields"]
    assert len(get_fields) == 1
    assert get_fields[0].url.params["object_type"] == "issue"
    assert router.bodies("PATCH") == [
        {"custom_fields": [{"slug": "priority", "value": "p0_urgent"}]},
        {"custom_fields": [{"slug": "priority"}]},  # clearing omits `value`
    ]
    for body in router.bodies("PATCH"):
        assert_matches_schema(body, "UpdateIssueRequestBody")


async def test_priority_options_fall_back_when_the_field_is_unavailable():
    router = Router().on("GET", "/custom-fields", respond(404, {"errors": ["nope"]}))
    client = PylonClient(BASE, TOKEN, transport=router.transport, budget=_budget(FakeClock()))
    async with client:
        assert await client.priority_options() == PriorityOptions.default()


@pytest.mark.parametrize(("user", "sent"), [("usr_2", "usr_2"), (None, "")])
async def test_assign_body(user, sent):
    router = Router().on("PATCH", "/issues/iss_0001", updated(assignee={"id": user}))
    async with pylon(router) as client:
        ticket = await client.assign("iss_0001", user)
    assert ticket.assignee_id == user
    assert router.bodies("PATCH") == [{"assignee_id": sent}]
    assert_matches_schema(router.bodies("PATCH")[0], "UpdateIssueRequestBody")


async def test_link_and_unlink_external_issue_bodies():
    path = "/issues/iss_0001/external-issues"
    router = Router().on("POST", path, updated())
    async with pylon(router) as client:
        ticket = await client.link_external_issue("iss_0001", "linear", UUID)
        await client.unlink_external_issue("iss_0001", "linear", UUID)
    assert ticket.has_tracking_link()
    assert router.bodies("POST", path) == [
        {"source": "linear", "external_issue_id": UUID},
        {"source": "linear", "external_issue_id": UUID, "operation": "unlink"},
    ]
    for body in router.bodies("POST", path):
        assert_matches_schema(body, "LinkExternalIssueRequestBody")


async def test_write_without_issue_in_the_response_rereads_the_ticket():
    router = (
        Router()
        .on("PATCH", "/issues/iss_0001", respond(200, {"request_id": "r"}))
        .on("GET", "/issues/iss_0001", updated(state="closed"))
    )
    async with pylon(router) as client:
        ticket = await client.update_state("iss_0001", "closed")
    assert ticket.state == "closed"
    assert [r.method for r in router.requests] == ["PATCH", "GET"]


async def test_reply_requires_message_id_and_sends_the_documented_body():
    router = Router().on(
        "POST", "/issues/iss_0001/reply", respond(200, envelope({"id": "msg_9", "issue_id": "i"}))
    )
    async with pylon(router) as client:
        with pytest.raises(ValueError, match="message it answers"):
            await client.reply("iss_0001", "<p>On it</p>", "")
        assert router.requests == []
        assert await client.reply("iss_0001", "<p>On it</p>", "msg_1") == "msg_9"
    (body,) = router.bodies()
    assert body == {"body_html": "<p>On it</p>", "message_id": "msg_1"}
    assert_matches_schema(body, "CreateIssueReplyRequestBody")


async def test_note_body():
    router = Router().on(
        "POST", "/issues/iss_0001/note", respond(200, envelope({"id": "n1", "issue_id": "i"}))
    )
    async with pylon(router) as client:
        assert await client.note("iss_0001", "<p>linked ENG-12</p>") == "n1"
    (body,) = router.bodies()
    assert body == {"body_html": "<p>linked ENG-12</p>"}
    assert_matches_schema(body, "CreateIssueNoteRequestBody")


async def test_get_issue_by_number_and_odd_ids_are_quoted():
    router = (
        Router().on("GET", "/issues/42", updated()).on("GET", "/issues/a/b", updated())
    )  # url.path is decoded
    async with pylon(router) as client:
        await client.get_issue(42)
        await client.get_issue("a/b")
    assert [r.url.raw_path for r in router.requests] == [b"/issues/42", b"/issues/a%2Fb"]


# ---------------------------------------------------------------- workspace data


async def test_directory_endpoints():
    router = (
        Router()
        .on("GET", "/users", respond(200, envelope([{"id": "u1", "name": "Ana Li"}, {"x": 1}])))
        .on("GET", "/teams", respond(200, envelope([{"id": "t1", "name": "Support"}])))
        .on("GET", "/accounts/acc_1", respond(200, envelope({"id": "acc_1", "name": "Acme"})))
        .on(
            "GET",
            "/issue-statuses",
            respond(
                200,
                envelope(
                    [
                        {"slug": "new", "label": "New", "category": "new"},
                        {"slug": "escalated", "label": "Escalated", "category": "on_hold"},
                    ]
                ),
            ),
        )
        .on(
            "GET",
            "/issues/iss_0001/messages",
            respond(200, envelope([{"id": "m1", "message_html": "<p>hi</p>"}])),
        )
    )
    async with pylon(router) as client:
        users = await client.users()
        teams = await client.teams()
        account = await client.account("acc_1")
        statuses = await client.issue_statuses()
        messages = await client.messages("iss_0001")
    assert [u.id for u in users] == ["u1"]  # the entry without an id is skipped
    assert teams[0].name == "Support"
    assert account.name == "Acme"
    assert [(s.slug, s.category) for s in statuses] == [
        ("new", Category.NEW),
        ("escalated", Category.ON_HOLD),
    ]
    assert messages[0].html == "<p>hi</p>"


async def test_accounts_follow_the_query_cursor():
    def accounts(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor is None:
            return respond(
                200,
                envelope(
                    [{"id": "a1", "name": "A"}], pagination={"cursor": "n2", "has_next_page": True}
                ),
            )
        return respond(
            200,
            envelope(
                [{"id": "a2", "name": "B"}], pagination={"cursor": "", "has_next_page": False}
            ),
        )

    router = Router().on("GET", "/accounts", accounts)
    async with pylon(router) as client:
        found = await client.accounts()
    assert [a.id for a in found] == ["a1", "a2"]
    assert [dict(r.url.params) for r in router.requests] == [
        {"limit": "999"},
        {"limit": "999", "cursor": "n2"},
    ]


async def test_no_token_sends_no_authorization_header():
    router = Router().on("GET", "/me", respond(200, envelope({"id": "o"})))
    async with pylon(router, token=None) as client:
        await client.me()
    assert "authorization" not in router.requests[0].headers


# ---------------------------------------------------------------- budgets


def _budget(clock: FakeClock):
    from pylon_tui.api.budget import RateBudget

    return RateBudget(clock=clock, sleep=clock.sleep)


async def test_budget_waits_instead_of_earning_a_429():
    """A server enforcing the documented 30/min on /issue-statuses never has to say no."""
    clock = FakeClock()
    served: list[float] = []
    refused = 0

    def limited(request: httpx.Request) -> httpx.Response:
        nonlocal refused
        recent = [t for t in served if t > clock.now - 60]
        if len(recent) >= 30:
            refused += 1
            return respond(429, None, {"Retry-After": "60"})
        served.append(clock.now)
        return respond(200, envelope([]))

    router = Router().on("GET", "/issue-statuses", limited)
    async with pylon(router, clock=clock) as client:
        for _ in range(70):
            await client.issue_statuses()
    assert refused == 0
    assert len(served) == 70
    assert clock.sleeps  # it waited for the window instead
    assert clock.now - 1000.0 >= 120  # 70 requests at <= 27/min need two full windows


async def test_429_penalises_the_endpoint_budget():
    clock = FakeClock()
    router = Router().on(
        "GET", "/teams", respond(429, None, {"Retry-After": "5"}), respond(200, envelope([]))
    )
    async with pylon(router, clock=clock) as client:
        await client.teams()
        assert client.budget.used("teams") == 2
    assert clock.sleeps == [pytest.approx(5.0)]


async def test_write_answered_with_204_rereads_the_ticket():
    router = (
        Router()
        .on("POST", "/issues/iss_0001/external-issues", respond(204))
        .on("GET", "/issues/iss_0001", updated())
    )
    async with pylon(router) as client:
        ticket = await client.link_external_issue("iss_0001", "github", "acme/api/4")
    assert ticket.id == "iss_0001"
    assert [r.method for r in router.requests] == ["POST", "GET"]
