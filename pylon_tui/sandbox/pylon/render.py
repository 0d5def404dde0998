"""Rows -> Pylon JSON objects, shaped like Pylon's current API definition.

That is the OpenAPI snapshot plus what the official SDK's models require and the snapshot
predates (issue 18: `is_issue_group`, `author_unverified`, `is_deactivated`, `logo_url`, a
custom field's `description`, `latest_customer_activity_time` on every account).

Optional objects (assignee, team, resolution fields) are omitted rather than sent as null:
the OpenAPI 3.0 document declares no nullable fields, and Pylon's Go encoder omits empties.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..util import JSON, parse_time

BASE_STATUSES: list[tuple[str, str]] = [
    ("new", "New"),
    ("waiting_on_you", "Waiting on You"),
    ("waiting_on_customer", "Waiting on Customer"),
    ("on_hold", "On Hold"),
    ("closed", "Closed"),
]
# (slug, label, category, archived)
CUSTOM_STATUSES: list[tuple[str, str, str, bool]] = [
    ("investigating", "Investigating", "waiting_on_you", False),
    ("pending_release", "Pending Release", "on_hold", False),
    ("legacy_triage", "Legacy Triage", "new", True),
]
PRIORITY_OPTIONS: list[tuple[str, str]] = [
    ("urgent", "Urgent"),
    ("high", "High"),
    ("medium", "Medium"),
    ("low", "Low"),
]
AREA_OPTIONS: list[tuple[str, str]] = [
    ("auth", "Auth & SSO"),
    ("reporting", "Reporting & Export"),
    ("integrations", "Integrations"),
    ("platform", "Platform"),
    ("billing", "Billing"),
    ("mobile", "Mobile"),
    ("admin", "Admin"),
]
CUSTOM_FIELD_DEFS: list[JSON] = [
    {
        "slug": "priority",
        "label": "Priority",
        "type": "select",
        "options": PRIORITY_OPTIONS,
        "description": "How soon this needs an answer.",
    },
    {
        "slug": "product_area",
        "label": "Product area",
        "type": "select",
        "options": AREA_OPTIONS,
        "description": "The part of the product the ticket is about.",
    },
    {
        "slug": "escalation_reason",
        "label": "Escalation reason",
        "type": "text",
        "options": None,
        "description": "",
    },
]
ISSUE_FIELD_SLUGS = frozenset(str(d["slug"]) for d in CUSTOM_FIELD_DEFS)


def active_states() -> set[str]:
    return {s for s, _ in BASE_STATUSES} | {s for s, _, _, arch in CUSTOM_STATUSES if not arch}


def pylon_link(number: int) -> str:
    return f"https://app.usepylon.com/issues?issueNumber={number}"


def _seconds(start: str, end: str | None) -> int | None:
    if end is None:
        return None
    return int((parse_time(end) - parse_time(start)).total_seconds())


class Lookups:
    """Id -> email maps; tickets carry ids only, Mini objects need the email as well."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.user_email = {r[0]: r[1] for r in conn.execute("SELECT id, email FROM users")}
        self.contact_email = {r[0]: r[1] for r in conn.execute("SELECT id, email FROM contacts")}
        self.account_ext = {
            r[0]: r[1] for r in conn.execute("SELECT id, external_id FROM accounts")
        }
        self.snoozed = {
            r[0]: r[1] for r in conn.execute("SELECT issue_id, until FROM pylon_snoozes")
        }


def issue_json(row: sqlite3.Row, lk: Lookups) -> JSON:
    created = row["created_at"]
    out: JSON = {
        "id": row["id"],
        "number": row["number"],
        "title": row["title"],
        "body_html": row["body_html"],
        "state": row["state"],
        "type": row["type"],
        "source": row["source"],
        "link": pylon_link(row["number"]),
        "created_at": created,
        "updated_at": row["updated_at"],
        "tags": json.loads(row["tags"]),
        "custom_fields": {
            slug: {"slug": slug, "value": value}
            for slug, value in json.loads(row["custom_fields"]).items()
        },
        "external_issues": json.loads(row["external_issues"]),
        "attachment_urls": [],
        "csat_responses": [],
        "customer_portal_visible": False,
        "is_issue_group": False,
        "author_unverified": False,
        "number_of_touches": row["number_of_touches"],
    }
    if row["account_id"]:
        ext = lk.account_ext.get(row["account_id"])
        acc: JSON = {"id": row["account_id"]}
        if ext:
            acc["external_ids"] = [{"external_id": ext, "label": "salesforce"}]
        out["account"] = acc
    if row["assignee_id"]:
        out["assignee"] = {
            "id": row["assignee_id"],
            "email": lk.user_email.get(row["assignee_id"], ""),
        }
    if row["requester_id"]:
        out["requester"] = {
            "id": row["requester_id"],
            "email": lk.contact_email.get(row["requester_id"], ""),
        }
    if row["team_id"]:
        out["team"] = {"id": row["team_id"]}
    if row["latest_message_time"]:
        out["latest_message_time"] = row["latest_message_time"]
    first = row["first_response_time"]
    if first:
        out["first_response_time"] = first
        out["first_response_seconds"] = _seconds(created, first)
        out["business_hours_first_response_seconds"] = _seconds(created, first)
    resolved = row["resolution_time"]
    if resolved:
        out["resolution_time"] = resolved
        out["resolution_seconds"] = _seconds(created, resolved)
        out["business_hours_resolution_seconds"] = _seconds(created, resolved)
    if row["id"] in lk.snoozed:
        out["snoozed_until_time"] = lk.snoozed[row["id"]]
    if row["resolution_breach_time"] and row["state"] != "closed":
        out["resolution_breach_time"] = row["resolution_breach_time"]
    if row["slack_channel_id"]:
        out["slack"] = {
            "channel_id": row["slack_channel_id"],
            "message_ts": row["slack_message_ts"],
            "workspace_id": "T0SANDBOX",
        }
    return out


def message_json(row: sqlite3.Row) -> JSON:
    author: JSON = {"name": row["author_name"]}
    if row["author_user_id"]:
        author["user"] = {"id": row["author_user_id"], "email": row["author_email"] or ""}
    if row["author_contact_id"]:
        author["contact"] = {"id": row["author_contact_id"], "email": row["author_email"] or ""}
    out: JSON = {
        "id": row["id"],
        "timestamp": row["timestamp"],
        "is_private": bool(row["is_private"]),
        "message_html": row["message_html"],
        "source": row["source"],
        "author": author,
        "file_urls": [],
        # Current API: whether the sender's identity was not verified (e.g. an email whose
        # sender could be spoofed). Every seeded sender is a known Slack or Pylon user.
        "author_unverified": False,
    }
    if row["thread_id"]:
        out["thread_id"] = row["thread_id"]
    return out


def user_json(row: sqlite3.Row, deactivated: bool = False) -> JSON:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "emails": [row["email"]],
        "avatar_url": f"https://avatars.example.invalid/{row['id']}.png",
        "role_id": row["role_id"],
        "status": "away" if deactivated else "active",
        "is_deactivated": deactivated,
    }


def account_json(row: sqlite3.Row, lk: Lookups, latest: str | None) -> JSON:
    owner = row["owner_id"]
    out: JSON = {
        "id": row["id"],
        "name": row["name"],
        "domain": row["domain"],
        "domains": [row["domain"]],
        "primary_domain": row["domain"],
        "type": "customer",
        "is_disabled": False,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "tags": json.loads(row["tags"]),
        "custom_fields": {},
        "external_ids": [{"external_id": row["external_id"], "label": "salesforce"}],
        "channels": [{"channel_id": row["channel_id"], "source": "slack", "is_primary": True}],
        "logo_url": f"https://logos.example.invalid/{row['domain']}.png",
        # Required by the current API; "" for an account with no customer activity yet.
        "latest_customer_activity_time": latest or "",
    }
    if owner:
        out["owner"] = {"id": owner, "email": lk.user_email.get(owner, "")}
    return out


def statuses_json() -> list[JSON]:
    out: list[JSON] = [
        {"slug": s, "label": label, "category": s, "is_default_status": True, "is_archived": False}
        for s, label in BASE_STATUSES
    ]
    out.extend(
        {
            "slug": s,
            "label": label,
            "category": cat,
            "is_default_status": False,
            "is_archived": arch,
        }
        for s, label, cat, arch in CUSTOM_STATUSES
    )
    return out


def custom_fields_json(created: str) -> list[JSON]:
    out: list[JSON] = []
    for i, d in enumerate(CUSTOM_FIELD_DEFS):
        item: dict[str, Any] = {
            "id": f"00000000-0000-4000-8000-00000000000{i + 1}",
            "slug": d["slug"],
            "label": d["label"],
            "type": d["type"],
            "object_type": "issue",
            "source": "pylon",
            "is_read_only": False,
            "description": d["description"],
            "created_at": created,
            "updated_at": created,
        }
        if d["options"]:
            item["select_metadata"] = {
                "options": [{"slug": s, "label": lab} for s, lab in d["options"]]
            }
        out.append(item)
    return out
