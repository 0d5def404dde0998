"""SQLite layout of the sandbox.

Columns exist for everything the Pylon search filter can test, so filters compile to SQL;
list-valued fields (tags, external issues, custom fields) are JSON text queried with json_each.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, role_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS teams (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, user_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, domain TEXT NOT NULL, external_id TEXT NOT NULL,
    owner_id TEXT, channel_id TEXT NOT NULL, tags TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS contacts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, account_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS issues (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL,
    state TEXT NOT NULL,
    type TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    account_id TEXT,
    requester_id TEXT,
    assignee_id TEXT,
    team_id TEXT,
    tags TEXT NOT NULL,
    custom_fields TEXT NOT NULL,
    external_issues TEXT NOT NULL,
    latest_message_time TEXT,
    first_response_time TEXT,
    resolution_time TEXT,
    resolution_breach_time TEXT,
    slack_channel_id TEXT,
    slack_message_ts TEXT,
    number_of_touches INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS issues_order ON issues (created_at, id);
CREATE INDEX IF NOT EXISTS issues_state ON issues (state);
CREATE INDEX IF NOT EXISTS issues_updated ON issues (updated_at);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    issue_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    is_private INTEGER NOT NULL,
    message_html TEXT NOT NULL,
    source TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_user_id TEXT,
    author_contact_id TEXT,
    author_email TEXT,
    thread_id TEXT
);
CREATE INDEX IF NOT EXISTS messages_issue ON messages (issue_id, timestamp);
CREATE TABLE IF NOT EXISTS linear_teams (
    id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS linear_states (
    id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    color TEXT NOT NULL, position REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS linear_issues (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    identifier TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    state_id TEXT NOT NULL,
    priority INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    started_at TEXT,
    completed_at TEXT,
    canceled_at TEXT
);
CREATE TABLE IF NOT EXISTS github_issues (
    key TEXT PRIMARY KEY, title TEXT NOT NULL, state TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS github_moves (key TEXT PRIMARY KEY, moved_to TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS linear_trash (
    id TEXT PRIMARY KEY, trashed_at TEXT NOT NULL, listed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS linear_extras (
    id TEXT PRIMARY KEY, assignee TEXT, release TEXT, duplicate_of TEXT
);
CREATE TABLE IF NOT EXISTS pylon_snoozes (
    issue_id TEXT PRIMARY KEY, until TEXT NOT NULL, from_state TEXT NOT NULL
);
-- Newer API fields (issue 18). Tables of their own, not columns, so a sandbox file made by an
-- older version opens unchanged (CREATE TABLE IF NOT EXISTS adds them, nothing to migrate).
CREATE TABLE IF NOT EXISTS deactivated_users (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS issue_followers (
    issue_id TEXT NOT NULL, user_id TEXT, contact_id TEXT
);
CREATE INDEX IF NOT EXISTS issue_followers_issue ON issue_followers (issue_id);
CREATE TABLE IF NOT EXISTS issue_forms (issue_id TEXT PRIMARY KEY, ticket_form_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS issue_threads (
    id TEXT PRIMARY KEY, issue_id TEXT NOT NULL, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pylon_automations (
    issue_id TEXT PRIMARY KEY, due TEXT NOT NULL, reply_id TEXT NOT NULL, from_state TEXT NOT NULL
);
"""

TABLES = (
    "meta",
    "users",
    "teams",
    "accounts",
    "contacts",
    "issues",
    "messages",
    "linear_teams",
    "linear_states",
    "linear_issues",
    "github_issues",
    "github_moves",
    "linear_trash",
    "pylon_automations",
    "linear_extras",
    "pylon_snoozes",
    "deactivated_users",
    "issue_followers",
    "issue_forms",
    "issue_threads",
)


def connect(path: str) -> sqlite3.Connection:
    """One shared connection; the Sandbox lock serialises access across threads."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    if path != ":memory:":
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return conn


def wipe(conn: sqlite3.Connection) -> None:
    for table in TABLES:
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
