"""Request bodies and search filters, built exactly as the OpenAPI document names them.

Kept apart from parsing so the contract tests can validate every body the client can send
without a network, and so field names live in one place when Pylon's API evolves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from pylon_tui.domain import Priority
from pylon_tui.domain.timefmt import format_time

from .errors import CallerError
from .wire import JsonObj, PriorityOptions

MAX_PAGE = 999  # SearchIssuesRequest.limit: "greater than 0 and less than 1000"
MAX_CLOSED_WINDOW = timedelta(days=30)


def search_body(filter: Mapping[str, object], *, limit: int, cursor: str | None) -> JsonObj:
    """SearchIssuesRequest; the cursor goes in the body, not the query string."""
    body: JsonObj = {"filter": dict(filter), "limit": max(1, min(limit, MAX_PAGE))}
    if cursor:
        body["cursor"] = cursor
    return body


def state_filter(states: Sequence[str]) -> JsonObj:
    return {"field": "state", "operator": "in", "values": list(states)}


def updated_since_filter(since: datetime, *, skew: timedelta = timedelta(0)) -> JsonObj:
    """One-request incremental refresh; `skew` absorbs clock drift between us and Pylon."""
    return {"field": "updated_at", "operator": "time_is_after", "value": format_time(since - skew)}


def board_filter(
    states: Sequence[str],
    closed_since: datetime | None = None,
    *,
    closed_states: Sequence[str] = ("closed",),
    now: datetime | None = None,
) -> JsonObj:
    """Open states in full; closed ones only if updated after `closed_since` (<= 30 days ago).

    Bounding closed tickets keeps the board load small: a workspace has years of them.
    """
    open_states = [s for s in states if s not in closed_states]
    shut = [s for s in states if s in closed_states]
    parts: list[JsonObj] = []
    if open_states:
        parts.append(state_filter(open_states))
    if shut:
        floor = (now or datetime.now(UTC)) - MAX_CLOSED_WINDOW
        since = max(closed_since or floor, floor)
        bounded = [state_filter(shut), updated_since_filter(since)]
        parts.append(compound("and", bounded))
    if not parts:
        raise CallerError("board_filter needs at least one state")
    return parts[0] if len(parts) == 1 else compound("or", parts)


def compound(operator: str, subfilters: Sequence[Mapping[str, object]]) -> JsonObj:
    """An and/or filter. The OpenAPI Filter schema marks `field` required even here, so an
    empty one is sent: Pylon (Go) reads it as unset, and the request stays schema-valid."""
    return {"field": "", "operator": operator, "subfilters": [dict(f) for f in subfilters]}


def state_body(state: str) -> JsonObj:
    return {"state": state}


def priority_body(options: PriorityOptions, priority: Priority | None) -> JsonObj:
    """Priority is the `priority` custom field, not a top-level UpdateIssueRequestBody field.

    Clearing leaves `value` out (CustomFieldValue: "If unset, the custom field will be
    unset"); an empty string could be read as an option slug that does not exist."""
    entry: JsonObj = {"slug": options.field_slug}
    if priority is not None:
        entry["value"] = options.slug_for(priority)
    return {"custom_fields": [entry]}


def assign_body(user_id: str | None) -> JsonObj:
    """UpdateIssueRequestBody.assignee_id: an empty string removes the assignee."""
    return {"assignee_id": user_id or ""}


def link_body(source: str, external_id: str, *, unlink: bool = False) -> JsonObj:
    body: JsonObj = {"source": source, "external_issue_id": external_id}
    if unlink:
        body["operation"] = "unlink"
    return body


def reply_body(body_html: str, message_id: str, *, user_id: str | None = None) -> JsonObj:
    """CreateIssueReplyRequestBody requires the id of the customer message being answered.
    `user_id` posts it as that Pylon user; without it the customer sees the token's name."""
    if not message_id:
        raise CallerError("a reply needs the id of the message it answers (see messages())")
    body: JsonObj = {"body_html": body_html, "message_id": message_id}
    if user_id:
        body["user_id"] = user_id
    return body


def note_body(
    body_html: str, *, thread_id: str | None = None, user_id: str | None = None
) -> JsonObj:
    body: JsonObj = {"body_html": body_html}
    if thread_id:
        body["thread_id"] = thread_id
    if user_id:
        body["user_id"] = user_id
    return body


def tags_body(tags: Sequence[str]) -> JsonObj:
    """PATCH `tags` replaces the whole set with exactly this list."""
    return {"tags": list(tags)}


def snooze_body(until: datetime) -> JsonObj:
    return {"snooze_until": format_time(until)}


def ai_response_body(agent_id: str) -> JsonObj:
    """A draft for the editor: never posted by Pylon, neither as a reply nor as a note."""
    if not agent_id.strip():
        raise CallerError("an AI agent id is required ([pylon] ai_agent_id in config.toml)")
    return {"ai_agent_id": agent_id.strip(), "post_as_internal_note": False}
