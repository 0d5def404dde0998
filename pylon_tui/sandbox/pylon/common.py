"""Request parsing and response helpers shared by the Pylon endpoint modules."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..util import JSON, Response, json_response, new_uuid


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


def ok(data: Any, **extra: Any) -> Response:
    return json_response(200, {"data": data, **extra, "request_id": new_uuid()})


def no_more() -> JSON:
    return {"cursor": "", "has_next_page": False}


ODD_CURSORS = ("empty", "repeat")


def last_page(odd_cursor: str | None, asked: str | None, past_the_end: str) -> JSON:
    """The pagination of a walk's last page: honest, or with the odd-cursor fault on, one that
    still promises more with an empty cursor ("empty") or a cursor that leads back to itself
    ("repeat": the one asked with, else one past the end that answers an empty page)."""
    if odd_cursor == "empty":
        return {"cursor": "", "has_next_page": True}
    if odd_cursor == "repeat":
        return {"cursor": asked or past_the_end, "has_next_page": True}
    return no_more()


def parse_body(raw: bytes) -> JSON:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"invalid JSON request body: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    return data


def get_str(body: JSON, key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{key} is required")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be a string")
    if required and not value.strip():
        raise BadRequest(f"{key} is required")
    return value


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[str]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("invalid cursor") from None
    if not isinstance(parts, list) or len(parts) != size:
        raise BadRequest("invalid cursor")
    return [str(p) for p in parts]


def parse_limit(raw: Any, default: int = 100, maximum: int = 999) -> int:
    """`maximum` 999 is the snapshot's "less than 1000"; the current API takes up to 1000 on
    search and messages (issue 18) and 20000 on GET /issues."""
    if raw is None or raw == "":
        return default
    if isinstance(raw, str):
        if not raw.isdigit():
            raise BadRequest("limit must be an integer")
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise BadRequest("limit must be an integer")
    if not 0 < raw <= maximum:
        raise BadRequest(f"limit must be between 1 and {maximum}")
    return raw
