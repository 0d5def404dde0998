"""The error tree itself: one-line messages, hints, Retry-After parsing, secret scrubbing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pylon_tui.api.errors import (
    AuthError,
    NotFoundError,
    RateLimitedError,
    RequestError,
    ServerError,
    error_for_status,
    excerpt,
    parse_retry_after,
    scrub,
)

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_str_is_one_line_with_status_and_request_id():
    err = RequestError("title is\nrequired", status=400, request_id="req_42")
    assert str(err) == "Pylon: title is required (HTTP 400, request id req_42)"
    assert "\n" not in str(err)
    assert err.hint
    assert err.user_text.splitlines() == [str(err), err.hint]


def test_repr_names_the_class_and_fields():
    err = NotFoundError("no such issue", status=404, request_id="r1")
    assert repr(err).startswith("NotFoundError(service='Pylon', status=404")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("-3", None),  # nonsense: the caller's default backoff applies
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        ("1e9", 600.0),  # capped: one header must not park a queue for 31 years
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 600.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),  # in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_scrub_removes_known_and_token_shaped_secrets():
    text = "Authorization: Bearer abc.def lin_api_XYZ123 ghp_abcdef my-secret-token"
    cleaned = scrub(text, ["my-secret-token", None, ""])
    for secret in ("abc.def", "lin_api_XYZ123", "ghp_abcdef", "my-secret-token"):
        assert secret not in cleaned
    assert "Bearer [redacted]" in cleaned


def test_excerpt_is_short_single_line_and_scrubbed():
    text = excerpt(b"<html>\n" + b"x" * 500 + b" tok123456 </html>", ["tok123456"])
    assert "\n" not in text
    assert len(text) <= 125
    assert excerpt(b"oops tok123456", ["tok123456"]) == "oops [redacted]"
    assert excerpt(b"") == "(empty body)"


@pytest.mark.parametrize(
    ("status", "cls", "transient"),
    [
        (400, RequestError, False),
        (401, AuthError, False),
        (403, AuthError, False),
        (404, NotFoundError, False),
        (409, RequestError, False),
        (429, RateLimitedError, True),
        (500, ServerError, True),
        (503, ServerError, True),
    ],
)
def test_error_for_status(status, cls, transient):
    err = error_for_status(status, [], service="Pylon")
    assert type(err) is cls
    assert err.transient is transient
    assert err.status == status
    assert err.message  # a default text, never empty


def test_wrong_region_hint_names_the_fix():
    err = error_for_status(401, ["wrong_region_token"], service="Pylon", wrong_region=True)
    assert isinstance(err, AuthError)
    assert err.wrong_region
    assert "pylon.region" in err.hint
    assert "'eu'" in err.hint
