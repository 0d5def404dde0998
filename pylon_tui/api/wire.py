"""Pylon JSON <-> domain objects, in one place so the rest of the app never sees raw dicts.

Parsing is tolerant where it can afford to be: unknown fields are ignored and optional fields
may be missing or null, because Pylon adds fields over time and a new field must never break
the board. It is strict only where guessing would corrupt the board (an issue without an id,
number or state), and then it says which field was wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pylon_tui.domain import (
    Account,
    Category,
    ExternalLink,
    Message,
    Priority,
    StateInfo,
    Team,
    Ticket,
    User,
)
from pylon_tui.domain.timefmt import parse_time

from .errors import BadResponseError, error_code

JsonObj = dict[str, object]

PRIORITY_FIELD = "priority"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_NUMBER = 2**53  # JSON's safe integer range; anything larger is not a ticket number
MAX_ID_CHARS = 256
# An id is used as a cache key and a URL path segment: no control characters, no lone
# surrogates (which SQLite and UTF-8 encoders refuse).
_BAD_ID = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


# --------------------------------------------------------------------------- small types


@dataclass(frozen=True, slots=True)
class Organisation:
    """GET /me: the workspace the token belongs to (shown by `doctor` and the header)."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class SelectOption:
    slug: str
    label: str


@dataclass(frozen=True, slots=True)
class CustomField:
    """A CustomFieldDefinition, reduced to what setting a select value needs."""

    id: str
    slug: str
    label: str
    type: str
    options: tuple[SelectOption, ...] = ()


@dataclass(frozen=True, slots=True)
class PriorityOptions:
    """Maps the board's four priorities onto this workspace's real `priority` option slugs.

    Workspaces rename options ("P1 - Urgent", slug "p1"), so the slugs are read from
    GET /custom-fields rather than assumed; without that, the identity mapping is used.
    """

    field_slug: str = PRIORITY_FIELD
    slugs: tuple[tuple[Priority, str], ...] = tuple((p, p.value) for p in Priority)
    found_by: str = ""
    """How the field was found ("slug", "label"); "" when no such field was found and the
    default `priority` / urgent-high-medium-low is assumed (`doctor` says which)."""
    field_label: str = ""
    options: tuple[SelectOption, ...] = ()
    """Every option the workspace's field has, for `doctor`."""
    unmatched: tuple[Priority, ...] = ()
    """Board priorities no option matched (their own name is sent, and Pylon may ignore it)."""

    @classmethod
    def default(cls) -> PriorityOptions:
        return cls()

    @classmethod
    def from_fields(cls, fields: Sequence[CustomField]) -> PriorityOptions:
        found_by = "slug"
        field = next((f for f in fields if f.slug == PRIORITY_FIELD), None)
        if field is None:
            found_by = "label"
            field = next((f for f in fields if f.label.strip().lower() == PRIORITY_FIELD), None)
        if field is None:
            return cls()
        if not field.options:
            return cls(field.slug, found_by=found_by, field_label=field.label)
        matches = [(p, _match_option(p, field.options)) for p in Priority]
        return cls(
            field.slug,
            tuple((p, slug or p.value) for p, slug in matches),
            found_by=found_by,
            field_label=field.label,
            options=tuple(field.options),
            unmatched=tuple(p for p, slug in matches if slug is None),
        )

    def slug_for(self, priority: Priority | None) -> str:
        """The option slug to send; "" for None (clearing sends no `value` at all)."""
        if priority is None:
            return ""
        return next((slug for p, slug in self.slugs if p is priority), priority.value)

    def priority_of(self, value: str | None) -> Priority | None:
        if not value:
            return None
        wanted = value.strip().lower()
        for priority, slug in self.slugs:
            if slug.lower() == wanted:
                return priority
        return Priority.parse(wanted)


def _match_option(priority: Priority, options: Sequence[SelectOption]) -> str | None:
    """Exact slug/label match first, then a label that contains the word ("P1 - Urgent");
    None when no option matches."""
    for option in options:
        if priority.value in (option.slug.strip().lower(), option.label.strip().lower()):
            return option.slug
    for option in options:
        words = set(re.split(r"[^a-z0-9]+", f"{option.slug} {option.label}".lower()))
        if priority.value in words:
            return option.slug
    return None


# --------------------------------------------------------------------------- JSON helpers


def _bad(what: str, message: str) -> BadResponseError:
    return BadResponseError(f"unexpected {what}: {message}")


def clean_text(value: str) -> str:
    """JSON allows lone surrogates ("\\ud800"); no terminal, file or database takes them."""
    return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value


def _str(obj: Mapping[str, object], key: str) -> str | None:
    value = obj.get(key)
    return clean_text(value) if isinstance(value, str) and value else None


def _ref_id(obj: Mapping[str, object], key: str) -> str | None:
    """`{"account": {"id": ...}}` -> the id, tolerating null or odd shapes."""
    value = obj.get(key)
    return _str(value, "id") if isinstance(value, dict) else None


def as_object(body: object, what: str) -> JsonObj:
    if not isinstance(body, dict):
        raise _bad(what, f"expected a JSON object, got {type(body).__name__}")
    return body


def data_object(body: object, what: str) -> JsonObj | None:
    """`data` of a single-object envelope; None when the server left it out (or sent 204)."""
    if body is None:
        return None
    data = as_object(body, what).get("data")
    if data is None:
        return None
    return as_object(data, f"{what}.data")


def data_list(body: object, what: str) -> list[object]:
    data = as_object(body, what).get("data")
    if data is None:
        return []
    if not isinstance(data, list):
        raise _bad(what, f"data should be a list, got {type(data).__name__}")
    return data


def next_cursor(body: object) -> str | None:
    """The cursor to send next; None when `has_next_page` is false or absent, and "" when the
    server says there is more but gives no cursor to ask for it with (the walk must end)."""
    pagination = as_object(body, "response").get("pagination")
    if not isinstance(pagination, dict) or pagination.get("has_next_page") is not True:
        return None
    cursor = pagination.get("cursor")
    return clean_text(cursor) if isinstance(cursor, str) else ""


def error_messages(body: object) -> tuple[list[str], str | None]:
    """ErrorApiResponseBody: (`errors`, `request_id`), tolerating odd shapes."""
    if not isinstance(body, dict):
        return [], None
    raw = body.get("errors")
    items = raw if isinstance(raw, list) else [raw] if raw else []
    messages = []
    for item in items:
        if isinstance(item, str):
            messages.append(item)
        elif isinstance(item, dict):
            text = item.get("message") or item.get("code")
            if isinstance(text, str):
                messages.append(text)
    if not messages and isinstance(body.get("message"), str):
        messages.append(str(body["message"]))
    request_id = body.get("request_id")
    return messages, request_id if isinstance(request_id, str) else None


def error_code_of(body: object) -> str | None:
    """The top-level `code` of an error body: Pylon's stable name for the error (messages are
    reworded). An `errors` item carrying a code is a fallback for older shapes."""
    if not isinstance(body, dict):
        return None
    code = error_code(body.get("code"))
    if code is None and isinstance(body.get("errors"), list):
        items = [i for i in body["errors"] if isinstance(i, dict)]
        code = next((c for i in items if (c := error_code(i.get("code")))), None)
    return code


# --------------------------------------------------------------------------- parsers


def ticket_from_json(obj: object, priorities: PriorityOptions | None = None) -> Ticket:
    issue = as_object(obj, "issue")
    issue_id = issue.get("id")
    if not isinstance(issue_id, str) or not issue_id:
        raise _bad("issue", "field 'id' is missing or not a string")
    if len(issue_id) > MAX_ID_CHARS or _BAD_ID.search(issue_id):
        raise _bad("issue", f"field 'id' is not a usable id ({issue_id[:40]!r})")
    number = issue.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_NUMBER:
        raise _bad("issue", f"field 'number' of issue {issue_id} is missing or not an integer")
    state = issue.get("state")
    if not isinstance(state, str) or not state.strip():
        raise _bad("issue", f"field 'state' of issue {issue_id} is missing or not a string")
    created = parse_time(issue.get("created_at"))
    updated = parse_time(issue.get("updated_at")) or created or _EPOCH
    tags = issue.get("tags")
    return Ticket(
        id=issue_id,
        number=number,
        title=_str(issue, "title") or "",
        state=clean_text(state),
        created_at=created or updated,
        updated_at=updated,
        priority=_priority(issue, priorities or PriorityOptions.default()),
        latest_message_time=parse_time(issue.get("latest_message_time")),
        first_response_time=parse_time(issue.get("first_response_time")),
        resolution_breach_time=_breach_time(issue, "resolution_breach_time"),
        account_id=_ref_id(issue, "account"),
        assignee_id=_ref_id(issue, "assignee"),
        team_id=_ref_id(issue, "team"),
        requester_id=_ref_id(issue, "requester"),
        tags=tuple(clean_text(t) for t in tags if isinstance(t, str))
        if isinstance(tags, list)
        else (),
        links=_links(issue.get("external_issues")),
        link=_str(issue, "link"),
        body_html=_str(issue, "body_html") or "",
        source=_str(issue, "source"),
        first_response_breach_time=_breach_time(issue, "first_response_breach_time"),
        snoozed_until=parse_time(issue.get("snoozed_until_time")),
    )


def _breach_time(issue: Mapping[str, object], key: str) -> datetime | None:
    """An SLA deadline, top-level as Pylon documents `resolution_breach_time`; an `sla` object
    holding it is accepted too (undocumented: read defensively, never required).
    `first_response_breach_time` is not in Pylon's published schema at all (domain/sla.py)."""
    found = parse_time(issue.get(key))
    if found is None:
        nested = issue.get("sla")
        if isinstance(nested, Mapping):
            found = parse_time(nested.get(key))
    return found


def _priority(issue: Mapping[str, object], options: PriorityOptions) -> Priority | None:
    fields = issue.get("custom_fields")
    entry: object = None
    if isinstance(fields, dict):
        entry = fields.get(options.field_slug)
    elif isinstance(fields, list):  # tolerate the request shape echoed back
        entry = next(
            (f for f in fields if isinstance(f, dict) and f.get("slug") == options.field_slug),
            None,
        )
    if not isinstance(entry, dict):
        return None
    value = entry.get("value")
    if not value and isinstance(entry.get("values"), list) and entry["values"]:
        value = entry["values"][0]
    return options.priority_of(value) if isinstance(value, str) else None


def _links(raw: object) -> tuple[ExternalLink, ...]:
    if not isinstance(raw, list):
        return ()
    links = []
    for item in raw:
        if isinstance(item, dict):
            source, external_id = _str(item, "source"), _str(item, "external_id")
            if source and external_id:
                links.append(ExternalLink(source.lower(), external_id, _str(item, "link")))
    return tuple(links)


def user_from_json(obj: object) -> User | None:
    if not isinstance(obj, dict) or not (user_id := _str(obj, "id")):
        return None
    email = _str(obj, "email") or ""
    emails = obj.get("emails")
    if not email and isinstance(emails, list) and emails and isinstance(emails[0], str):
        email = emails[0]
    # `is_deactivated` is in the current API (official SDK) and not in the snapshot: absent
    # means active, so both shapes read the same.
    gone = obj.get("is_deactivated") is True
    return User(user_id, _str(obj, "name") or email or user_id, email, is_deactivated=gone)


def team_from_json(obj: object) -> Team | None:
    if not isinstance(obj, dict) or not (team_id := _str(obj, "id")):
        return None
    return Team(team_id, _str(obj, "name") or team_id)


def account_from_json(obj: object) -> Account | None:
    if not isinstance(obj, dict) or not (account_id := _str(obj, "id")):
        return None
    name = _str(obj, "name") or _str(obj, "primary_domain") or _str(obj, "domain") or account_id
    return Account(account_id, name)


def message_from_json(obj: object) -> Message | None:
    if not isinstance(obj, dict) or not (message_id := _str(obj, "id")):
        return None
    author = obj.get("author")
    author = author if isinstance(author, dict) else {}
    contact, user = author.get("contact"), author.get("user")
    name = _str(author, "name") or ""
    if not name:
        for who in (user, contact):
            if isinstance(who, dict) and (email := _str(who, "email")):
                name = email
                break
    return Message(
        id=message_id,
        html=_str(obj, "message_html") or "",
        timestamp=parse_time(obj.get("timestamp")),
        author_name=name,
        is_private=obj.get("is_private") is True,
        is_customer=isinstance(contact, dict) and not isinstance(user, dict),
        source=_str(obj, "source"),
        thread_id=_str(obj, "thread_id"),
    )


def status_from_json(obj: object) -> StateInfo | None:
    """A custom status lands in its base category's column; an unknown category is skipped."""
    if not isinstance(obj, dict) or not (slug := _str(obj, "slug")):
        return None
    category = _category(_str(obj, "category")) or _category(slug)
    if category is None:
        return None
    return StateInfo(slug, _str(obj, "label") or slug.replace("_", " ").title(), category)


def _category(value: str | None) -> Category | None:
    if not value:
        return None
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    try:
        return Category(key)
    except ValueError:
        return None


def custom_field_from_json(obj: object) -> CustomField | None:
    if not isinstance(obj, dict) or not (slug := _str(obj, "slug")):
        return None
    meta = obj.get("select_metadata")
    raw = meta.get("options") if isinstance(meta, dict) else None
    options = tuple(
        SelectOption(opt_slug, _str(o, "label") or opt_slug)
        for o in (raw if isinstance(raw, list) else [])
        if isinstance(o, dict) and (opt_slug := _str(o, "slug"))
    )
    return CustomField(
        _str(obj, "id") or "", slug, _str(obj, "label") or slug, _str(obj, "type") or "", options
    )


def organisation_from_json(obj: object) -> Organisation:
    me = as_object(obj, "organisation")
    org_id = _str(me, "id")
    if org_id is None:
        raise _bad("organisation", "field 'id' is missing")
    return Organisation(org_id, _str(me, "name") or org_id)
