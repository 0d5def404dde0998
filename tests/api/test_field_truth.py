"""PylonClient against live Pylon's habits (issue 9), over httpx.MockTransport:

* item 2: errors keep the stable top-level `code` and the `request_id`; `wrong_region_token`
  (by code, whatever the text says) names the region to use;
* item 4: the thread is read with `limit` and the cursor; an empty or repeated cursor ends a
  walk with a log line, never fails it;
* item 5: a priority PATCH answered 200 but not saved is refused, naming field and option;
  clearing sends no `value`;
* item 6: replies and notes carry the agent's `user_id` when `agent_email` names a user.
"""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from pylon_tui.api.errors import ApiError, AuthError, PriorityNotSavedError, RequestError
from pylon_tui.api.wire import CustomField, PriorityOptions, SelectOption
from pylon_tui.domain import Priority

from .support import TOKEN, Router, envelope, issue_json, pylon, respond

NEW = {"field": "state", "operator": "in", "values": ["new"]}


# ----------------------------------------------------------------- item 2: code, request id


async def _error(router: Router, **kwargs: object) -> ApiError:
    async with pylon(router, **kwargs) as client:  # type: ignore[arg-type]
        with pytest.raises(ApiError) as info:
            await client.get_issue("iss_1")
    return info.value


@pytest.mark.parametrize(
    ("message", "region"),
    [
        ("this API token belongs to another region: use https://api.eu.usepylon.com", "eu"),
        ("Token is for the US data center (api.usepylon.com)", "us"),
    ],
)
async def test_wrong_region_is_read_from_the_code_and_names_the_region(
    message: str, region: str
) -> None:
    """The message never says "wrong_region_token" here: only `code` does (docs: the code is
    stable, the text is reworded)."""
    body = {"errors": [message], "code": "wrong_region_token", "request_id": "req_w1"}
    err = await _error(Router().on("GET", "/issues/iss_1", respond(401, body)))
    assert isinstance(err, AuthError)
    assert err.wrong_region
    assert err.code == "wrong_region_token"
    assert err.region == region
    assert f"pylon.region = '{region}'" in err.hint
    assert "req_w1" in str(err)


@pytest.mark.parametrize(
    ("token", "region"), [("pylon_api_eu_secret123", "eu"), ("pylon_api_secret123", "us")]
)
async def test_wrong_region_without_a_url_falls_back_to_the_token_prefix(
    token: str, region: str
) -> None:
    body = {"errors": ["wrong region"], "code": "wrong_region_token", "request_id": "r"}
    err = await _error(Router().on("GET", "/issues/iss_1", respond(401, body)), token=token)
    assert isinstance(err, AuthError)
    assert err.region == region
    for text in (str(err), err.hint, err.user_text, repr(err)):
        assert token not in text


async def test_wrong_region_with_nothing_to_go_on_names_the_other_host() -> None:
    body = {"errors": ["nope"], "code": "wrong_region_token"}
    err = await _error(Router().on("GET", "/issues/iss_1", respond(401, body)))
    assert isinstance(err, AuthError)
    assert err.region == "eu"  # the client talks to the US host (support.BASE)


@pytest.mark.parametrize(
    ("status", "code", "shown"),
    [
        (401, "invalid_api_token", "code invalid_api_token"),
        (413, "payload_too_large", "code payload_too_large"),
        (404, "not_found", "code not_found"),
        (400, "has spaces in it", None),  # not a code: never shown or branched on
        (400, "x" * 65, None),
    ],
)
async def test_the_code_is_kept_and_shown_beside_the_request_id(
    status: int, code: str, shown: str | None
) -> None:
    body = {"errors": ["something"], "code": code, "request_id": "req_7"}
    err = await _error(Router().on("GET", "/issues/iss_1", respond(status, body)))
    assert getattr(err, "request_id", None) == "req_7"
    if shown is None:
        assert getattr(err, "code", None) is None
        assert "code" not in str(err)
    else:
        assert getattr(err, "code", None) == code
        assert shown in str(err)
        assert not getattr(err, "wrong_region", False)


async def test_a_code_only_error_still_reads_well() -> None:
    err = await _error(Router().on("GET", "/issues/iss_1", respond(404, {"code": "not_found"})))
    assert str(err) == "Pylon: not found (HTTP 404, code not_found)"
    body = {"errors": ["wrong_region_token: use the EU host"], "code": "wrong_region_token"}
    err = await _error(Router().on("GET", "/issues/iss_1", respond(401, body)))
    assert str(err).count("wrong_region_token") == 1  # a code the message names is not repeated


# ----------------------------------------------------------------- item 4: cursors


def _thread_page(ids: list[str], cursor: str | None, *, more: bool | None = None) -> httpx.Response:
    pagination = {
        "cursor": cursor or "",
        "has_next_page": cursor is not None if more is None else more,
    }
    return respond(
        200, envelope([{"id": i, "message_html": i} for i in ids], pagination=pagination)
    )


async def test_messages_send_a_limit_and_follow_the_cursor() -> None:
    path = "/issues/iss_1/messages"
    router = Router().on("GET", path, _thread_page(["m1", "m2"], "c1"), _thread_page(["m3"], None))
    async with pylon(router) as client:
        thread = await client.messages("iss_1")
    assert [m.id for m in thread] == ["m1", "m2", "m3"]
    assert [dict(r.url.params) for r in router.requests] == [
        {"limit": "999"},
        {"limit": "999", "cursor": "c1"},
    ]


@pytest.mark.parametrize(
    ("second", "log"),
    [
        (_thread_page(["m3"], "", more=True), "without a cursor"),
        (_thread_page(["m3", "m1"], "c1"), "repeated a cursor"),
    ],
    ids=["empty cursor", "repeated cursor"],
)
async def test_an_odd_cursor_ends_the_thread_with_a_log_line(
    second: httpx.Response, log: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = "/issues/iss_1/messages"
    router = Router().on("GET", path, _thread_page(["m1", "m2"], "c1"), second)
    caplog.set_level(logging.WARNING, logger="pylon_tui.api.pylon_envelope")
    async with pylon(router) as client:
        thread = await client.messages("iss_1")
    assert [m.id for m in thread] == ["m1", "m2", "m3"]  # a message seen twice is kept once
    assert len(router.requests) == 2
    assert log in caplog.text


@pytest.mark.parametrize("cursor", ["", None], ids=["empty", "missing"])
async def test_search_promising_more_without_a_cursor_ends_quietly(
    cursor: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    pagination: dict[str, object] = {"has_next_page": True}
    if cursor is not None:
        pagination["cursor"] = cursor
    body = envelope([issue_json(1), issue_json(2)], pagination=pagination)
    router = Router().on("POST", "/issues/search", respond(200, body))
    async with pylon(router) as client:
        tickets = await client.search_issues(NEW)
    assert [t.number for t in tickets] == [1, 2]
    assert len(router.requests) == 1
    assert "without a cursor" in caplog.text


async def test_accounts_end_on_a_repeated_cursor() -> None:
    page = {"cursor": "same", "has_next_page": True}
    router = Router().on(
        "GET",
        "/accounts",
        respond(200, envelope([{"id": "a1", "name": "A"}], pagination=page)),
        respond(200, envelope([{"id": "a2", "name": "B"}], pagination=page)),
    )
    async with pylon(router) as client:
        accounts = await client.accounts()
    assert [a.id for a in accounts] == ["a1", "a2"]
    assert len(router.requests) == 2


# ----------------------------------------------------------------- item 5: priority


def _with_priority(value: str | None) -> httpx.Response:
    fields = {} if value is None else {"priority": {"slug": "priority", "value": value}}
    return respond(200, envelope(issue_json(1, custom_fields=fields)))


async def test_a_priority_the_server_ignored_is_refused_naming_field_and_option() -> None:
    """Pylon ignores a custom-field slug or option it does not know and answers 200."""
    router = (
        Router()
        .on("PATCH", "/issues/iss_0001", _with_priority("high"))
        .on("GET", "/issues/iss_0001", _with_priority("high"))
    )
    async with pylon(router) as client:
        with pytest.raises(PriorityNotSavedError) as info:
            await client.set_priority("iss_0001", Priority.URGENT)
    err = info.value
    assert isinstance(err, RequestError)  # a refusal: the outbox rolls the change back
    assert not err.transient
    assert (err.field, err.option) == ("priority", "urgent")
    assert "'priority'" in err.message
    assert "'urgent'" in err.message
    assert "'high'" in err.message
    assert "pylon-tui doctor" in err.hint
    assert [r.method for r in router.requests] == ["PATCH", "GET", "GET"]  # re-read, refresh
    assert router.requests[2].url.path == "/custom-fields"


async def test_a_partial_answer_is_checked_against_a_fresh_read() -> None:
    router = (
        Router()
        .on("PATCH", "/issues/iss_0001", respond(200, envelope(issue_json(1, custom_fields={}))))
        .on("GET", "/issues/iss_0001", _with_priority("urgent"))
    )
    async with pylon(router) as client:
        ticket = await client.set_priority("iss_0001", Priority.URGENT)
    assert ticket.priority is Priority.URGENT


async def test_clearing_omits_value_and_is_verified_too() -> None:
    router = (
        Router()
        .on("PATCH", "/issues/iss_0001", _with_priority("low"))
        .on("GET", "/issues/iss_0001", _with_priority("low"))
    )
    async with pylon(router) as client:
        with pytest.raises(PriorityNotSavedError, match="after clearing it"):
            await client.set_priority("iss_0001", None)
    assert json.loads(router.requests[0].content) == {"custom_fields": [{"slug": "priority"}]}


async def test_a_workspace_with_its_own_field_is_written_and_read_by_that_field() -> None:
    options = PriorityOptions.from_fields(
        [
            CustomField(
                "cf",
                "severity",
                "Priority",
                "select",
                (SelectOption("sev1", "Sev 1 - Urgent"), SelectOption("sev2", "Sev 2 - High")),
            )
        ]
    )
    assert (options.field_slug, options.found_by) == ("severity", "label")
    assert options.unmatched == (Priority.MEDIUM, Priority.LOW)
    answer = issue_json(1, custom_fields={"severity": {"slug": "severity", "value": "sev1"}})
    router = Router().on("PATCH", "/issues/iss_0001", respond(200, envelope(answer)))
    async with pylon(router, priority_options=options) as client:
        ticket = await client.set_priority("iss_0001", Priority.URGENT)
    assert ticket.priority is Priority.URGENT
    sent = json.loads(router.requests[0].content)
    assert sent == {"custom_fields": [{"slug": "severity", "value": "sev1"}]}


# ----------------------------------------------------------------- item 6: as the agent

USERS = [
    {"id": "usr_ana", "name": "Ana", "email": "ana@example.com"},
    {"id": "usr_bo", "name": "Bo", "email": "Bo@Example.com"},
]


def _posting_router() -> Router:
    created = respond(200, envelope({"id": "msg_new", "issue_id": "iss_1"}))
    return (
        Router()
        .on("GET", "/users", respond(200, envelope(USERS)))
        .on("POST", "/issues/iss_1/reply", created)
        .on("POST", "/issues/iss_1/note", created)
    )


def _posted(router: Router) -> list[dict[str, object]]:
    return [json.loads(r.content) for r in router.requests if r.method == "POST"]


async def test_replies_and_notes_go_out_as_the_agent() -> None:
    router = _posting_router()
    async with pylon(router, agent_email=" bo@example.COM ") as client:
        await client.reply("iss_1", "<p>on it</p>", "msg_1")
        await client.note("iss_1", "<p>fyi</p>")
        assert (await client.agent()).id == "usr_bo"  # type: ignore[union-attr]
    assert [body.get("user_id") for body in _posted(router)] == ["usr_bo", "usr_bo"]
    assert [r.url.path for r in router.requests].count("/users") == 1  # looked up once


@pytest.mark.parametrize("email", [None, "nobody@example.com"])
async def test_without_a_matching_agent_the_token_posts(email: str | None) -> None:
    router = _posting_router()
    async with pylon(router, agent_email=email) as client:
        await client.reply("iss_1", "<p>on it</p>", "msg_1")
        assert await client.agent() is None
    assert all("user_id" not in body for body in _posted(router))
    if email is None:
        assert all(r.url.path != "/users" for r in router.requests)


async def test_a_token_that_may_not_list_users_still_replies() -> None:
    router = _posting_router().on("GET", "/users", respond(403, {"errors": ["forbidden"]}))
    router.routes[("GET", "/users")] = [respond(403, {"errors": ["forbidden"]})]
    async with pylon(router, agent_email="ana@example.com") as client:
        await client.reply("iss_1", "<p>on it</p>", "msg_1")
        await client.note("iss_1", "<p>fyi</p>")
    assert all("user_id" not in body for body in _posted(router))
    assert [r.url.path for r in router.requests].count("/users") == 1


async def test_a_bad_token_is_not_mistaken_for_a_restricted_one() -> None:
    router = _posting_router()
    router.routes[("GET", "/users")] = [respond(401, {"errors": ["bad token"]})]
    async with pylon(router, agent_email="ana@example.com") as client:
        with pytest.raises(AuthError):
            await client.reply("iss_1", "<p>on it</p>", "msg_1")
    assert TOKEN not in repr(router.requests)
