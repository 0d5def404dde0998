"""PylonClient: every failure the network or the server can produce maps onto the tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from pylon_tui.api.errors import (
    ApiError,
    AuthError,
    BadResponseError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    RequestError,
    ServerError,
)

from .support import TOKEN, FakeClock, Router, envelope, issue_json, pylon, respond


def assert_secret_free(err: ApiError) -> None:
    for text in (str(err), repr(err), err.hint, err.user_text, err.message, str(err.args)):
        assert TOKEN not in text


async def fail(router: Router, **kwargs) -> ApiError:
    async with pylon(router, **kwargs) as client:
        with pytest.raises(ApiError) as info:
            await client.get_issue("iss_1")
    assert_secret_free(info.value)
    return info.value


@pytest.mark.parametrize(
    ("status", "body", "cls", "transient", "text"),
    [
        (401, {"errors": ["invalid api token"], "request_id": "r401"}, AuthError, False, "invalid"),
        (403, {"errors": ["forbidden"], "request_id": "r403"}, AuthError, False, "forbidden"),
        (404, {"errors": ["issue not found"], "request_id": "r404"}, NotFoundError, False, "not"),
        (400, {"errors": ["state is invalid"], "request_id": "r400"}, RequestError, False, "state"),
        (422, {"errors": ["bad"], "request_id": "r422"}, RequestError, False, "bad"),
        (500, {"errors": ["boom"], "request_id": "r500"}, ServerError, True, "boom"),
        (502, b"<html><body>Bad Gateway</body></html>", ServerError, True, "bad gateway"),
        (503, None, ServerError, True, "unavailable"),
    ],
)
async def test_status_mapping(status, body, cls, transient, text):
    err = await fail(Router().on("GET", "/issues/iss_1", respond(status, body)))
    assert type(err) is cls
    assert err.status == status
    assert err.transient is transient
    assert text in err.message.lower()
    if isinstance(body, dict):
        assert err.request_id == body["request_id"]
        assert body["request_id"] in str(err)
    assert "\n" not in str(err)


async def test_401_wrong_region_token_names_the_fix():
    body = {"errors": ["wrong_region_token: use api.eu.usepylon.com"], "request_id": "rw"}
    err = await fail(Router().on("GET", "/issues/iss_1", respond(401, body)))
    assert isinstance(err, AuthError)
    assert err.wrong_region
    assert "pylon.region" in err.hint
    assert "rw" in str(err)


async def test_plain_401_is_not_wrong_region():
    err = await fail(Router().on("GET", "/issues/iss_1", respond(401, {"errors": ["nope"]})))
    assert isinstance(err, AuthError)
    assert not err.wrong_region
    assert "token" in err.hint


async def test_request_id_falls_back_to_header():
    router = Router().on("GET", "/issues/iss_1", respond(404, b"", {"x-request-id": "hdr-1"}))
    err = await fail(router)
    assert err.request_id == "hdr-1"


async def test_server_echoing_the_token_is_scrubbed():
    body = {"errors": [f"token {TOKEN} is revoked"], "request_id": "r"}
    err = await fail(Router().on("GET", "/issues/iss_1", respond(401, body)))
    assert "[redacted]" in err.message


async def test_429_retry_after_seconds_waits_then_succeeds():
    clock = FakeClock()
    router = Router().on(
        "GET",
        "/issues/iss_1",
        respond(429, {"errors": ["slow down"]}, {"Retry-After": "7"}),
        respond(200, envelope(issue_json(1))),
    )
    async with pylon(router, clock=clock) as client:
        ticket = await client.get_issue("iss_1")
    assert ticket.number == 1
    assert clock.sleeps == [pytest.approx(7.0)]
    assert len(router.requests) == 2


async def test_429_retry_after_http_date():
    clock = FakeClock()
    when = datetime.now(UTC) + timedelta(seconds=30)
    headers = {"Retry-After": format_datetime(when, usegmt=True)}
    router = Router().on("GET", "/issues/iss_1", respond(429, None, headers))
    err = await fail(router, clock=clock, max_rate_retries=0)
    assert isinstance(err, RateLimitedError)
    assert err.transient
    assert 25 <= err.retry_after <= 31


async def test_429_gives_up_after_bounded_retries():
    clock = FakeClock()
    router = Router().on(
        "GET", "/issues/iss_1", respond(429, {"errors": ["x"]}, {"Retry-After": "2"})
    )
    err = await fail(router, clock=clock, max_rate_retries=2)
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 2.0
    assert len(router.requests) == 3
    assert clock.sleeps == [pytest.approx(2.0), pytest.approx(2.0)]


async def test_429_with_a_long_wait_is_raised_not_slept():
    clock = FakeClock()
    router = Router().on("GET", "/issues/iss_1", respond(429, None, {"Retry-After": "600"}))
    err = await fail(router, clock=clock)
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 600.0
    assert len(router.requests) == 1
    assert clock.sleeps == []


def _raiser(exc_type: type[Exception]):
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)  # type: ignore[call-arg]

    return handler


@pytest.mark.parametrize(
    ("exc_type", "text"),
    [
        (httpx.ReadTimeout, "read timeout"),
        (httpx.ConnectTimeout, "connect timeout"),
        (httpx.ConnectError, "could not connect to api.usepylon.com"),
        (httpx.ReadError, "network error"),
        (httpx.RemoteProtocolError, "network error"),
    ],
)
async def test_transport_failures_are_transient_network_errors(exc_type, text):
    err = await fail(Router().on("GET", "/issues/iss_1", _raiser(exc_type)))
    assert isinstance(err, NetworkError)
    assert err.transient
    assert text in err.message
    assert "base URL" in err.hint


async def test_malformed_json_is_a_bad_response_with_an_excerpt():
    router = Router().on("GET", "/issues/iss_1", respond(200, b'{"data": {"id": '))
    err = await fail(router)
    assert isinstance(err, BadResponseError)
    assert not err.transient
    assert '{"data": {"id":' in err.body_excerpt


async def test_html_200_from_a_captive_portal():
    page = b"<html>" + b"Please log in " * 100 + TOKEN.encode() + b"</html>"
    router = Router().on("GET", "/issues/iss_1", respond(200, page, {"content-type": "text/html"}))
    err = await fail(router)
    assert isinstance(err, BadResponseError)
    assert "text/html" in err.message
    assert len(err.body_excerpt) < 130


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"data": "nope"}, "expected a JSON object"),
        ([1, 2], "expected a JSON object"),
        ({"request_id": "r"}, "no data"),
        ({"data": {**issue_json(1), "number": "one"}, "request_id": "rq9"}, "'number'"),
    ],
)
async def test_json_of_the_wrong_shape(body, text):
    err = await fail(Router().on("GET", "/issues/iss_1", respond(200, body)))
    assert isinstance(err, BadResponseError)
    assert text in err.message
    if isinstance(body, dict) and "request_id" in body and "data" in body:
        assert err.request_id == "rq9"


async def test_search_data_not_a_list():
    router = Router().on("POST", "/issues/search", respond(200, {"data": {"id": "x"}}))
    async with pylon(router) as client:
        with pytest.raises(BadResponseError, match="data should be a list"):
            await client.search_issues({"field": "state", "operator": "in", "values": ["new"]})


async def test_redirect_is_reported_as_a_base_url_problem():
    router = Router().on(
        "GET", "/issues/iss_1", respond(301, None, {"location": "https://api.eu.usepylon.com/x"})
    )
    err = await fail(router)
    assert isinstance(err, BadResponseError)
    assert "redirect" in err.message
    assert "base URL" in err.hint


async def test_client_repr_and_headers_hide_the_token():
    router = Router().on("GET", "/me", respond(200, envelope({"id": "org1", "name": "Acme"})))
    async with pylon(router) as client:
        assert TOKEN not in repr(client)
        org = await client.me()
    assert (org.id, org.name) == ("org1", "Acme")
    assert router.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in repr(router.requests[0].headers)
