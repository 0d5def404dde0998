"""Pylon's response envelope as PylonClient reads it: errors, pages, lists, created ids.

Kept apart from the client's endpoints because these are the rules Pylon's newer docs changed
under the OpenAPI snapshot: an error's stable part is its top-level `code` (the text is
reworded), a token used on the wrong region's host is told where to go, and a server may
promise another page without a usable cursor. Every rule lives here once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx

from pylon_tui.domain.region import region_named_in, region_of_url

from . import wire
from .budget import DEFAULT_PENALTY
from .errors import ApiError, BadResponseError, error_for_status
from .httpkit import decode_json, header_request_id
from .secrecy import Secrets
from .waits import clamp_wait, server_wait

SERVICE = "Pylon"
WRONG_REGION = "wrong_region_token"
_T = TypeVar("_T")
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # a library logs; the app decides whether anyone reads it


def error_from_response(
    response: httpx.Response,
    *,
    now: float,
    base_url: str,
    token_region: str | None,
    secrets: Secrets,
) -> ApiError:
    """The ApiError for a non-2xx answer: message, `code`, `request_id`, a 429's wait, and
    for `wrong_region_token` the region to use. `now` is epoch seconds (reset headers)."""
    status = response.status_code
    if status < 400:
        location = response.headers.get("location", "?")
        return BadResponseError(
            f"unexpected redirect ({status}) to {location}",
            service=SERVICE,
            status=status,
            hint="check the Pylon base URL in config.toml (https, right region)",
            secrets=secrets,
        )
    try:
        body = decode_json(response, service=SERVICE, secrets=secrets)
    except BadResponseError:
        body = None  # an HTML error page from a proxy: the status still says enough
    messages, request_id = wire.error_messages(body)
    code = wire.error_code_of(body)
    retry_after = None
    if status == 429:
        retry_after = clamp_wait(server_wait(response.headers, now), DEFAULT_PENALTY)
    # `code` is the stable signal; the text check covers a server that only says it there.
    wrong_region = code == WRONG_REGION or any(WRONG_REGION in m for m in messages)
    region = right_region(messages, base_url, token_region) if wrong_region else None
    return error_for_status(
        status,
        messages,
        service=SERVICE,
        request_id=request_id or header_request_id(response),
        retry_after=retry_after,
        wrong_region=wrong_region,
        region=region,
        code=code,
        secrets=secrets,
    )


def right_region(messages: list[str], base_url: str, token_region: str | None) -> str | None:
    """The region a wrong-region token belongs to: the host Pylon's message names, else the
    token's prefix, else the one of the two hosts the client is not talking to."""
    named = next((r for m in messages if (r := region_named_in(m))), None)
    if named or token_region:
        return named or token_region
    return {"us": "eu", "eu": "us"}.get(region_of_url(base_url) or "")


def next_page(body: object, seen: set[str], what: str) -> str | None:
    """The cursor to follow, or None when the walk is over. A server that promises more but
    sends an empty or an already-followed cursor ends the walk (logged): what was read is
    kept, never thrown away by failing the whole load. Adds the cursor to `seen`."""
    with parsing(body):
        cursor = wire.next_cursor(body)
    if cursor is None:
        return None
    if not cursor:
        log.warning("%s: has_next_page without a cursor; ending the walk", what)
        return None
    if cursor in seen:
        log.warning("%s: the server repeated a cursor; ending the walk", what)
        return None
    seen.add(cursor)
    return cursor


@contextmanager
def parsing(body: object) -> Iterator[None]:
    """Attach the response's request id to a parse failure, for the bug report."""
    try:
        yield
    except BadResponseError as err:
        if err.request_id is None:
            err.request_id = wire.error_messages(body)[1]
        raise


def parsed_list(body: object, parse: Callable[[object], _T | None], what: str) -> list[_T]:
    """Directory-style lists skip unusable entries instead of failing the whole load."""
    with parsing(body):
        items = wire.data_list(body, what)
    found = []
    for item in items:
        try:
            parsed = parse(item)
        except Exception:  # noqa: S112 - one odd entry must not cost the whole directory
            continue
        if parsed is not None:
            found.append(parsed)
    return found


def created_id(body: object) -> str:
    with parsing(body):
        data = wire.data_object(body, "create message response")
    value = data.get("id") if data else None
    return value if isinstance(value, str) else ""
