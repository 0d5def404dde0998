"""The clients' error boundary: nothing unexpected escapes, and no token is ever shown.

Issue 12 item 1: a deeply nested reply raised RecursionError past `decode_json`, and the crash
screen printed the frames' locals, including `secrets = ('<the Pylon token>',)`. Here every
public request method of every client meets an unexpected exception at each stage of its
request path; it must come out as the client's own error type, and no rendering of that error
(a rich traceback WITH locals, `traceback.format_exception`, the repr of every frame's locals,
through the whole cause/context chain) may contain a token.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from rich.pretty import pretty_repr

from pylon_tui.api import linear, wire
from pylon_tui.api.auth import TokenAuth
from pylon_tui.api.budget import RateBudget
from pylon_tui.api.errors import ApiError, BadResponseError
from pylon_tui.api.secrecy import Secrets

from .hostile import (
    CALLS,
    CLIENT_CLASSES,
    TOKENS,
    Call,
    Handler,
    good_handler,
    leaks,
    make_client,
    object_renderings,
    public_request_methods,
    renderings,
)

# Messages that carry the client's own token too: the boundary's message must scrub it.
EXCEPTIONS: dict[str, Callable[[str], Exception]] = {
    "RecursionError": lambda service: RecursionError("maximum recursion depth exceeded"),
    "TypeError+token": lambda service: TypeError(f"bad operand near Bearer {TOKENS[service]}"),
    "KeyError+token": lambda service: KeyError(f"{TOKENS[service]}"),
    "ValueError": lambda service: ValueError("Invalid IPv6 URL"),
}


def _inject(stage: str, monkeypatch: pytest.MonkeyPatch, make: Callable[[], Exception]) -> None:
    """Make one stage of every client's request path raise `make()`."""

    def boom(*args: object, **kwargs: object) -> object:
        raise make()

    if stage == "decode":
        monkeypatch.setattr(json, "loads", boom)
    elif stage == "wire":
        monkeypatch.setattr(wire, "as_object", boom)  # every Pylon envelope goes through it
        monkeypatch.setattr(linear, "_nodes", boom)
        monkeypatch.setattr(linear, "issue_from_node", boom)
        monkeypatch.setattr("pylon_tui.api.github._issue", boom)
    elif stage == "auth":
        monkeypatch.setattr(TokenAuth, "auth_flow", boom)
    elif stage == "send":
        monkeypatch.setattr(httpx.AsyncClient, "send", boom)
    elif stage == "budget":
        monkeypatch.setattr(RateBudget, "acquire", boom)


STAGES = ("transport", "auth", "send", "decode", "wire", "budget")


async def _failure(call: Call, handler: Handler | None = None) -> BaseException:
    """Run the call; return what it raised. No token is a local here (the frame is rendered)."""
    client = make_client(call.service, handler or good_handler)
    try:
        await call.run(client)
    except BaseException as exc:  # whatever comes out is the point
        return exc
    finally:
        leaked = leaks(object_renderings(client))
        await client.aclose()
        assert not leaked, leaked
    pytest.fail(f"{call.id} did not fail")


def test_every_public_request_method_is_exercised_and_guarded() -> None:
    covered = {(c.service, c.name) for c in CALLS}
    for service, cls in CLIENT_CLASSES.items():
        for name in public_request_methods(cls):
            assert (service, name) in covered, f"{service}.{name} is missing from CALLS"
            assert hasattr(getattr(cls, name), "__wrapped__"), f"{service}.{name} is unguarded"


FAULTS = [
    pytest.param(call, stage, name, id=f"{call.id}-{stage}-{name}")
    for call in CALLS
    for stage in STAGES
    if stage != "budget" or call.service == "Pylon"  # only Pylon meters through a RateBudget
    for name in sorted(EXCEPTIONS)
]


@pytest.mark.parametrize(("call", "stage", "exc_name"), FAULTS)
async def test_unexpected_errors_come_out_as_the_clients_own_without_tokens(
    call: Call, stage: str, exc_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def make() -> Exception:
        return EXCEPTIONS[exc_name](call.service)

    _inject(stage, monkeypatch, make)
    handler = None
    if stage == "transport":

        def handler(request: httpx.Request) -> httpx.Response:
            raise make()

    error = await _failure(call, handler)
    monkeypatch.undo()  # render with the real json and rich machinery
    assert isinstance(error, ApiError), f"{call.id} let {type(error).__name__} escape"
    assert error.service == call.service
    assert isinstance(error, BadResponseError)
    assert error.__context__ is None
    assert error.__cause__ is None
    assert "\n" not in str(error)
    assert leaks(renderings(error)) == []


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
async def test_deeply_nested_reply_is_a_bad_response_not_a_crash(call: Call) -> None:
    """The D1 reproduction: `{"data": [[[...]]]}` 200000 deep, from every endpoint."""
    deep = b'{"data":' + b"[" * 200_000 + b"]" * 200_000 + b"}"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=deep, headers={"content-type": "application/json"})

    error = await _failure(call, handler)
    assert isinstance(error, BadResponseError), type(error)
    assert "nested too deeply" in error.message
    assert leaks(renderings(error)) == []


@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.id)
@pytest.mark.parametrize("status", [401, 429, 500])
async def test_expected_errors_carry_no_token_in_any_frame(call: Call, status: int) -> None:
    """ApiErrors raised on purpose keep their traceback: its frames must be clean too."""
    echo = f"token {TOKENS[call.service]} rejected"

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"errors": [echo], "message": echo}
        return httpx.Response(status, json=body, headers={"Retry-After": "0"})

    error = await _failure(call, handler)
    assert isinstance(error, ApiError)
    assert leaks(renderings(error)) == []


@pytest.mark.parametrize("service", sorted(TOKENS))
async def test_the_token_is_sent_and_never_kept_in_plain_sight(service: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return good_handler(request)

    call = next(c for c in CALLS if c.service == service)
    client = make_client(service, handler)
    await call.run(client)
    expected = TOKENS[service] if service == "Linear" else f"Bearer {TOKENS[service]}"
    assert seen[0].headers["authorization"] == expected
    assert leaks(object_renderings(client)) == []
    assert "Authorization" not in client._client_options["headers"]
    await client.aclose()


def test_secret_holders_never_show_their_values() -> None:
    token = TOKENS["Pylon"]
    holders = [Secrets([token, None, ""]), TokenAuth(token)]
    for holder in holders:
        views = (repr(holder), str(holder), f"{holder}", repr([holder]), pretty_repr(holder))
        for text in (*views, repr(getattr(holder, "__dict__", {}))):
            assert token not in text
        with pytest.raises(TypeError):
            json.dumps(holder)
        with pytest.raises(TypeError):
            holder.__reduce__()
    assert Secrets([token]).redact(f"a {token} b") == "a [redacted] b"
    assert not Secrets([None, "abc"])  # too short to be a secret: never scrubbed


def test_scrubbed_excerpt_cannot_leak_a_token_split_by_the_cut() -> None:
    from pylon_tui.api.errors import excerpt

    token = TOKENS["Pylon"]
    body = " " * 5000 + "x" * 110 + token
    assert token[:8] not in excerpt(body, Secrets([token]))


def test_the_leak_detector_sees_a_token_in_a_frame_local() -> None:
    """Guards the guard: the old `secrets=(token,)` argument must be caught by `renderings`."""

    def old_decode(secrets: tuple[str, ...]) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    try:
        old_decode((TOKENS["Pylon"],))
    except RecursionError as exc:
        found = leaks(renderings(exc))
    assert any(view.startswith("rich traceback with locals") for view in found)
    assert any("repr(f_locals)" in view for view in found)
