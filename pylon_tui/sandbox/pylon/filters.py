"""Compile Pylon's issue search Filter (see the Filter schema) into a SQL WHERE clause.

Only the fields and operators the SearchIssues description documents are accepted; anything
else is a 400, so a client that builds an unsupported filter finds out here, not in production.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..util import iso, parse_time

MAX_DEPTH = 3

_TIME_FIELDS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "resolved_at": "resolution_time",
    "latest_message_activity_at": "latest_message_time",
}
_ID_FIELDS = {
    "account_id": "account_id",
    "requester_id": "requester_id",
    "assignee_id": "assignee_id",
    "team_id": "team_id",
    "issue_type": "type",
}
_STRING_FIELDS = {"title": "title", "body_html": "body_html"}
# Fields the current definition (official SDK) and the snapshot's description list, answered
# from side tables (issue 18) or from what every sandbox ticket is (never a group, never in
# the portal, never reopened, no workspace email: they all come from Slack).
_SUBQUERY_FIELDS = {
    "ticket_form_id": (
        "(SELECT ticket_form_id FROM issue_forms f WHERE f.issue_id = issues.id)",
        {"equals", "in", "not_in", "is_set", "is_unset"},
    ),
    "slack_channel_id": ("slack_channel_id", {"equals", "in", "not_in"}),
    "workspace_email": ("NULL", {"equals", "in", "not_in", "is_set", "is_unset"}),
    "customer_portal_visible": ("'false'", {"equals", "in", "not_in"}),
    "issue_is_issue_group": ("'false'", {"equals", "in", "not_in"}),
    "reopened": ("'false'", {"equals", "in", "not_in"}),
}
_FOLLOWER_FIELDS = {"follower_user_id": "user_id", "follower_contact_id": "contact_id"}
_TIME_OPS = {"time_is_after", "time_is_before", "time_range"}


class FilterError(ValueError):
    """Raised with a message suitable for the 400 body."""


def compile_filter(
    flt: Any, custom_field_slugs: frozenset[str], depth: int = 1
) -> tuple[str, list[Any]]:
    if not isinstance(flt, dict):
        raise FilterError("filter must be an object")
    if depth > MAX_DEPTH:
        raise FilterError(f"filter tree is deeper than the maximum of {MAX_DEPTH}")
    op = flt.get("operator")
    if not isinstance(op, str) or not op:
        raise FilterError("filter.operator is required")
    if op in ("and", "or"):
        subs = flt.get("subfilters")
        if not isinstance(subs, list) or not subs:
            raise FilterError(f"operator {op!r} requires a non-empty subfilters array")
        parts: list[str] = []
        params: list[Any] = []
        for sub in subs:
            sql, sub_params = compile_filter(sub, custom_field_slugs, depth + 1)
            parts.append(f"({sql})")
            params.extend(sub_params)
        return f" {op.upper()} ".join(parts), params
    field = flt.get("field")
    if not isinstance(field, str) or not field:
        raise FilterError(f"filter.field is required for operator {op!r}")
    if field in _TIME_FIELDS:
        return _time(_TIME_FIELDS[field], field, op, flt)
    if field == "state":
        return _scalar("state", field, op, flt, {"equals", "in", "not_in"})
    if field in _ID_FIELDS:
        allowed = {"equals", "in", "not_in", "is_set", "is_unset"}
        if field == "team_id":
            allowed = {"equals", "in", "not_in"}
        return _scalar(_ID_FIELDS[field], field, op, flt, allowed)
    if field in _STRING_FIELDS:
        return _string(_STRING_FIELDS[field], field, op, flt)
    if field == "tags":
        return _tags(op, flt)
    if field in _SUBQUERY_FIELDS:
        col, allowed = _SUBQUERY_FIELDS[field]
        return _scalar(col, field, op, flt, allowed)
    if field in _FOLLOWER_FIELDS:
        return _follower(_FOLLOWER_FIELDS[field], field, op, flt)
    if field in custom_field_slugs:
        # Safe to inline: the slug is one of our own field definitions, never raw input.
        col = f"json_extract(custom_fields, '$.{field}')"
        return _scalar(col, field, op, flt, {"equals", "in", "not_in", "is_set", "is_unset"})
    raise FilterError(f"field {field!r} is not filterable for issues (sandbox)")


def _value(flt: dict[str, Any], field: str) -> str:
    value = flt.get("value")
    if not isinstance(value, str):
        raise FilterError(f"filter on {field!r} with {flt['operator']!r} needs a string 'value'")
    return value


def _values(flt: dict[str, Any], field: str) -> list[str]:
    values = flt.get("values")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise FilterError(f"filter on {field!r} with {flt['operator']!r} needs a 'values' array")
    return list(values)


def _time(col: str, field: str, op: str, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    if op not in _TIME_OPS:
        raise FilterError(f"operator {op!r} is not allowed for {field!r}")
    try:
        if op == "time_range":
            values = _values(flt, field)
            if len(values) != 2:
                raise FilterError(f"time_range on {field!r} needs exactly two values")
            start, end = (parse_time(v) for v in values)
            return f"{col} >= ? AND {col} <= ?", [_ceil(start), iso(end)]
        moment = parse_time(_value(flt, field))
    except ValueError as exc:
        if isinstance(exc, FilterError):
            raise
        raise FilterError(f"invalid RFC3339 time for {field!r}: {exc}") from None
    if op == "time_is_after":
        return f"{col} > ?", [iso(moment)]
    return f"{col} < ?", [_ceil(moment)]


def _ceil(moment: datetime) -> str:
    """Stored times have second precision; round 'before' bounds up so none are lost."""
    if moment.microsecond:
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return iso(moment)


def _scalar(
    col: str, field: str, op: str, flt: dict[str, Any], allowed: set[str]
) -> tuple[str, list[Any]]:
    if op not in allowed:
        raise FilterError(f"operator {op!r} is not allowed for {field!r}")
    if op == "equals":
        return f"{col} = ?", [_value(flt, field)]
    if op == "is_set":
        return f"({col} IS NOT NULL AND {col} != '')", []
    if op == "is_unset":
        return f"({col} IS NULL OR {col} = '')", []
    values = _values(flt, field)
    if not values:  # SQL "IN ()" is invalid and "IN (NULL)" is never true
        return ("0", []) if op == "in" else ("1", [])
    marks = ",".join("?" * len(values))
    if op == "in":
        return f"{col} IN ({marks})", values
    return f"({col} IS NULL OR {col} NOT IN ({marks}))", values


def _string(col: str, field: str, op: str, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    if op not in ("string_contains", "string_does_not_contain"):
        raise FilterError(f"operator {op!r} is not allowed for {field!r}")
    needle = _value(flt, field).lower()
    if op == "string_contains":
        return f"instr(lower({col}), ?) > 0", [needle]
    return f"instr(lower({col}), ?) = 0", [needle]


def _tags(op: str, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    if op not in ("contains", "does_not_contain", "in", "not_in"):
        raise FilterError(f"operator {op!r} is not allowed for 'tags'")
    many = isinstance(flt.get("values"), list)
    values = _values(flt, "tags") if many else [_value(flt, "tags")]
    if not values:
        return ("0", []) if op in ("contains", "in") else ("1", [])
    marks = ",".join("?" * len(values))
    exists = f"EXISTS (SELECT 1 FROM json_each(issues.tags) WHERE value IN ({marks}))"  # noqa: S608
    if op in ("contains", "in"):
        return exists, values
    return f"NOT {exists}", values


def _follower(col: str, field: str, op: str, flt: dict[str, Any]) -> tuple[str, list[Any]]:
    if op not in ("equals", "in", "not_in"):
        raise FilterError(f"operator {op!r} is not allowed for {field!r}")
    values = [_value(flt, field)] if op == "equals" else _values(flt, field)
    marks = ",".join("?" * len(values)) or "NULL"
    exists = (
        f"EXISTS (SELECT 1 FROM issue_followers f WHERE f.issue_id = issues.id"  # noqa: S608
        f" AND f.{col} IN ({marks}))"
    )
    return (f"NOT {exists}" if op == "not_in" else exists), values


def text_match(text: str) -> tuple[str, list[Any]]:
    """`search_text`, a fuzzy search in Pylon: here every word must appear, in any case, in
    the title or the body (a stand-in that finds what a person typing a few words expects)."""
    words = [w.lower() for w in text.split()][:20]
    one = "(instr(lower(title), ?) > 0 OR instr(lower(body_html), ?) > 0)"
    return " AND ".join([one] * len(words)), [w for w in words for _ in range(2)]
