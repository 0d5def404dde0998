"""The sandbox's macros and tag list: what a support team keeps in Pylon's macro library.

Each macro has the fields of Pylon's `Macro` (usepylon SDK). Pylon's published
`MacroAction` names only the action `type`, so that is all the sandbox sends (its responses
are checked strictly against the OpenAPI document): what each action sets is known to the
team, and pylon-tui reads it from `[macros."NAME"]` in config.toml (for the sandbox, from the
built-in SANDBOX_MACRO_SETTINGS in bootstrap).
"""

from __future__ import annotations

from typing import Any

MACRO_GROUP_ID = "b1d6a0a4-8a7e-4a4e-9c61-2f4b5c0e0a01"
MACROS_CREATED = "2026-01-05T09:00:00Z"

MACROS: list[dict[str, Any]] = [
    {
        "id": "5c0f7a52-3f3c-4f0a-9d7e-0b6c8e1a1001",
        "name": "Investigating",
        "text_type": "reply",
        "text_html": (
            "<p>Thanks for flagging this! We're investigating now and will update you within "
            "the hour.</p>"
        ),
        "actions": [
            {"type": "set_issue_state"},
            {"type": "add_issue_tags"},
        ],
    },
    {
        "id": "5c0f7a52-3f3c-4f0a-9d7e-0b6c8e1a1002",
        "name": "Billing hand-off",
        "text_type": "reply",
        "text_html": (
            "<p>I've passed this to our billing team, who will reply here directly.</p>"
            "<ul><li>Invoices are re-sent within one business day.</li></ul>"
        ),
        "actions": [
            {"type": "add_issue_tags"},
            {"type": "set_issue_priority"},
        ],
    },
    {
        "id": "5c0f7a52-3f3c-4f0a-9d7e-0b6c8e1a1003",
        "name": "Escalate to engineering",
        "text_type": "note",
        "text_html": "<p>Escalating: repro steps are in the thread. Customer impact: high.</p>",
        "actions": [
            {"type": "set_issue_assignee"},
            {"type": "set_issue_priority"},
            {"type": "set_issue_team"},
            {"type": "send_csat_survey"},
        ],
    },
    {
        "id": "5c0f7a52-3f3c-4f0a-9d7e-0b6c8e1a1004",
        "name": "Known issue: SSO outage",
        "text_type": "email",
        "text_html": (
            "<p>We're aware of an SSO login problem and our engineers are on it. "
            'Status: <a href="https://status.sandboxco.dev">status page</a></p>'
        ),
        "actions": [],
    },
]

EXTRA_TAGS: list[tuple[str, str]] = [
    ("investigating", "#f59e0b"),
    ("billing", "#10b981"),
    ("bug-report", "#ef4444"),
    ("feature-request", "#6366f1"),
    ("csat-low", "#f97316"),
    ("vip", "#a855f7"),
]
"""Tags the organization defines beyond those already on seeded tickets."""
