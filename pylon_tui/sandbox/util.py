"""Small helpers shared by the sandbox emulators.

Timestamps are stored as fixed-width UTC strings so SQLite can compare them lexically,
which keeps time filters in SQL instead of in Python loops over 10k rows.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

JSON = dict[str, Any]
Response = tuple[int, dict[str, str], bytes]

_PYLON_FMT = "%Y-%m-%dT%H:%M:%SZ"


def iso(dt: datetime) -> str:
    """RFC3339 at second precision, like Go's time.RFC3339 that Pylon emits."""
    return dt.astimezone(UTC).strftime(_PYLON_FMT)


def iso_ms(dt: datetime) -> str:
    """Linear's DateTime scalar carries milliseconds (JavaScript Date.toISOString)."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_time(value: str) -> datetime:
    """Parse an RFC3339 string; raises ValueError so callers can turn it into a 400."""
    dt = datetime.fromisoformat(value.strip().replace("z", "Z"))
    if dt.tzinfo is None:
        raise ValueError(f"time {value!r} has no timezone offset (RFC3339 requires one)")
    return dt.astimezone(UTC)


def bump_time(now: datetime, previous: str | None) -> str:
    """A write must move updated_at forward even under a frozen test clock."""
    stamp = iso(now)
    if previous is not None and stamp <= previous:
        stamp = iso(parse_time(previous) + timedelta(seconds=1))
    return stamp


def rng_uuid(rng: random.Random) -> str:
    """Deterministic UUIDv4 so a reseed with the same seed yields the same ids."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def new_uuid() -> str:
    return str(uuid.uuid4())


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    out = {"content-type": "application/json"}
    if headers:
        out.update(headers)
    return status, out, json.dumps(payload, separators=(",", ":")).encode()


ERROR_CODES = {
    400: "invalid_request",
    401: "invalid_api_token",
    403: "forbidden",
    404: "not_found",
    413: "payload_too_large",
    429: "rate_limit_exceeded",
    500: "internal_error",
}
"""Pylon's documented codes are `wrong_region_token`, `invalid_authorization_header`,
`invalid_api_token`, `not_found` and `payload_too_large`; the others are the sandbox's guesses.
A client may branch on `code` only, never on the reworded text."""


def pylon_error(
    status: int, *messages: str, headers: dict[str, str] | None = None, code: str | None = None
) -> Response:
    """Pylon's error body: `errors`, a stable `code` and a `request_id` for support tickets."""
    body = {
        "errors": list(messages),
        "code": code or ERROR_CODES.get(status, "server_error" if status >= 500 else "error"),
        "request_id": new_uuid(),
    }
    return json_response(status, body, headers)


def slugify(text: str, limit: int = 60) -> str:
    out: list[str] = []
    dash = False
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")[:limit].rstrip("-")


LINEAR_WORKSPACE = "sandbox"


def linear_url(identifier: str, title: str) -> str:
    """Linear's canonical issue URL shape: /<workspace>/issue/<ID-123>/<slug>."""
    return f"https://linear.app/{LINEAR_WORKSPACE}/issue/{identifier}/{slugify(title)}"


def github_url(key: str) -> str:
    owner, repo, number = key.split("/")
    return f"https://github.com/{owner}/{repo}/issues/{number}"
