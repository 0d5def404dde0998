"""Domain objects <-> JSON-able dicts for the local cache. Versioned by the Store's schema.

Kept separate from the API wire format on purpose: the cache stores our projection, so a
change in Pylon's JSON never invalidates a cached board.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any, assert_never

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

from .intents import (
    ActionKind,
    Assign,
    Intent,
    Link,
    Move,
    Note,
    Reply,
    SetPriority,
    SetTags,
    Snooze,
    Unlink,
)

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
        "first_response_breach_time": _time(ticket.first_response_breach_time),
        "snoozed_until": _time(ticket.snoozed_until),
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
        _shared(data["state"]),
        created,
        updated,
        _PRIORITIES.get(get("priority") or ""),
        _fast_time(get("latest_message_time")),
        _fast_time(get("first_response_time")),
        _fast_time(get("resolution_breach_time")),
        _shared(get("account_id")),
        _shared(get("assignee_id")),
        _shared(get("team_id")),
        _shared(get("requester_id")),
        tuple(map(_shared, get("tags") or ())),
        tuple(ExternalLink(_shared(s), e, u) for s, e, u in links) if links else (),
        get("link"),
        get("body_html") or "",
        _shared(get("source")),
        _fast_time(get("first_response_breach_time")),
        _fast_time(get("snoozed_until")),
    )


def _shared(value: Any) -> Any:
    """One copy of a string many tickets repeat (states, account, people and team ids,
    tags): at 100,000 cached tickets, separate copies cost tens of MB."""
    return sys.intern(value) if type(value) is str else value


def user_to_dict(user: User) -> Json:
    out: Json = {"id": user.id, "name": user.name, "email": user.email}
    if user.is_deactivated:
        out["is_deactivated"] = True
    return out


def user_from_dict(data: Json) -> User:
    return User(
        str(data["id"]),
        str(data.get("name", "")),
        str(data.get("email", "")),
        is_deactivated=data.get("is_deactivated") is True,
    )


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


# ----- queued intents <-> outbox rows ----------------------------------------------------------
# The row is (kind, value, extra): `value` holds the intent's one main field and `extra` a JSON
# object of strings for the rest. Rows must stay readable by older releases (a downgrade keeps
# the user's queued work), so the encoder writes exactly what they wrote, key order included.


def intent_to_row(intent: Intent) -> tuple[str, str | None, str]:
    """The (kind, value, extra) columns for an intent."""
    match intent:
        case Move():
            return (intent.kind.value, intent.state, "{}")
        case SetPriority():
            return (intent.kind.value, _priority_text(intent.priority), "{}")
        case Assign():
            return (intent.kind.value, intent.user_id, "{}")
        case Link() | Unlink():
            link = {"source": intent.source, "url": intent.url, "label": intent.label}
            extra = {k: v for k, v in link.items() if v is not None}  # strings only, as read
            return (intent.kind.value, intent.external_id, json.dumps(extra))
        case Reply():
            return (intent.kind.value, intent.message_id, _body(intent.body_html))
        case Note():
            return (intent.kind.value, None, _body(intent.body_html))
        case SetTags():
            return (intent.kind.value, json.dumps(list(intent.tags)), "{}")
        case Snooze():
            return (intent.kind.value, intent.until.isoformat(), "{}")
        case _:
            assert_never(intent)


def _priority_text(priority: Priority | None) -> str | None:
    return priority.value if priority is not None else None


def _body(html: str) -> str:
    return json.dumps({"body_html": html})


def intent_from_row(
    kind: str,
    ticket_id: str,
    value: str | None,
    extra_json: str,
    base_updated_at: datetime | None,
    client_key: str,
) -> Intent:
    """The intent a row holds. Strict: ValueError for an unknown kind, or `extra` that is not
    a JSON object of strings (a queued change is never guessed at). Within that, rows the old
    code wrote read as it read them: a stored "" assignee unassigns, an unknown priority
    clears, a link without a source is a Linear one."""
    try:
        tag = ActionKind(kind)
    except ValueError:
        raise ValueError(f"unknown kind {kind!r}") from None
    extra = _extra(extra_json)
    at, key = base_updated_at, client_key
    body = extra.get("body_html", "")
    match tag:
        case ActionKind.MOVE:
            return Move(ticket_id, value or "", base_updated_at=at, client_key=key)
        case ActionKind.PRIORITY:
            return SetPriority(ticket_id, Priority.parse(value), base_updated_at=at, client_key=key)
        case ActionKind.ASSIGN:
            return Assign(ticket_id, value or None, base_updated_at=at, client_key=key)
        case ActionKind.LINK | ActionKind.UNLINK:
            source, url, label = extra.get("source", "linear"), extra.get("url"), extra.get("label")
            linking = Link if tag is ActionKind.LINK else Unlink
            return linking(
                ticket_id,
                value or "",
                source=source,
                url=url,
                label=label,
                base_updated_at=at,
                client_key=key,
            )
        case ActionKind.REPLY:
            return Reply(ticket_id, value or "", body, base_updated_at=at, client_key=key)
        case ActionKind.NOTE:
            return Note(ticket_id, body, base_updated_at=at, client_key=key)
        case ActionKind.TAGS:
            return SetTags(ticket_id, _tag_list(value), base_updated_at=at, client_key=key)
        case ActionKind.SNOOZE:
            until = _fast_time(value)
            if until is None:
                raise ValueError("snooze without a time")
            return Snooze(ticket_id, until, base_updated_at=at, client_key=key)
        case _:
            assert_never(tag)


def _tag_list(value: str | None) -> tuple[str, ...]:
    try:
        tags = json.loads(value or "")
    except (ValueError, RecursionError):
        raise ValueError("tags are not JSON") from None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("tags are not a list of strings")
    return tuple(tags)


def _extra(raw: str) -> dict[str, str]:
    try:
        extra = json.loads(raw)
    except (ValueError, RecursionError):
        raise ValueError("extra is not JSON") from None
    if not isinstance(extra, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in extra.items()
    ):
        raise ValueError("extra is not an object of strings")
    return extra
