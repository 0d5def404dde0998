"""Domain objects <-> JSON-able dicts for the local cache. Versioned by the Store's schema.

Kept separate from the API wire format on purpose: the cache stores our projection, so a
change in Pylon's JSON never invalidates a cached board.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pylon_tui.domain import (
    Account,
    Category,
    ExternalLink,
    Priority,
    StateInfo,
    Team,
    Ticket,
    User,
)
from pylon_tui.domain.timefmt import parse_time

Json = dict[str, Any]


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_to_dict(ticket: Ticket) -> Json:
    return {
        "id": ticket.id,
        "number": ticket.number,
        "title": ticket.title,
        "state": ticket.state,
        "created_at": _time(ticket.created_at),
        "updated_at": _time(ticket.updated_at),
        "priority": ticket.priority.value if ticket.priority else None,
        "latest_message_time": _time(ticket.latest_message_time),
        "first_response_time": _time(ticket.first_response_time),
        "resolution_breach_time": _time(ticket.resolution_breach_time),
        "account_id": ticket.account_id,
        "assignee_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "requester_id": ticket.requester_id,
        "tags": list(ticket.tags),
        "links": [[link.source, link.external_id, link.url] for link in ticket.links],
        "link": ticket.link,
        "body_html": ticket.body_html,
        "source": ticket.source,
    }


_PRIORITIES = {p.value: p for p in Priority}


def _fast_time(value: object) -> datetime | None:
    """Cached times are our own isoformat() output: parse directly (first paint reads 10k)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return parse_time(value)


def ticket_from_dict(data: Json) -> Ticket:
    """Hot at start-up (every cached ticket): plain lookups, no per-field coercion beyond
    what a corrupted row needs to fail loudly (it is skipped by the caller)."""
    get = data.get
    created = _fast_time(get("created_at"))
    updated = _fast_time(get("updated_at"))
    if created is None or updated is None:
        raise ValueError("cached ticket without timestamps")
    links = get("links")
    return Ticket(
        data["id"],
        int(data["number"]),
        get("title") or "",
        data["state"],
        created,
        updated,
        _PRIORITIES.get(get("priority") or ""),
        _fast_time(get("latest_message_time")),
        _fast_time(get("first_response_time")),
        _fast_time(get("resolution_breach_time")),
        get("account_id"),
        get("assignee_id"),
        get("team_id"),
        get("requester_id"),
        tuple(get("tags") or ()),
        tuple(ExternalLink(s, e, u) for s, e, u in links) if links else (),
        get("link"),
        get("body_html") or "",
        get("source"),
    )


def user_to_dict(user: User) -> Json:
    return {"id": user.id, "name": user.name, "email": user.email}


def user_from_dict(data: Json) -> User:
    return User(str(data["id"]), str(data.get("name", "")), str(data.get("email", "")))


def team_to_dict(team: Team) -> Json:
    return {"id": team.id, "name": team.name}


def team_from_dict(data: Json) -> Team:
    return Team(str(data["id"]), str(data.get("name", "")))


def account_to_dict(account: Account) -> Json:
    return {"id": account.id, "name": account.name}


def account_from_dict(data: Json) -> Account:
    return Account(str(data["id"]), str(data.get("name", "")))


def status_to_dict(info: StateInfo) -> Json:
    return {"id": info.slug, "label": info.label, "category": info.category.value}


def status_from_dict(data: Json) -> StateInfo:
    return StateInfo(str(data["id"]), str(data.get("label", "")), Category(data["category"]))
