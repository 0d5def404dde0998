"""GitHub REST: just GET /repos/{owner}/{repo}/issues/{number} with ETag revalidation.

The link watcher polls these; a matching If-None-Match gets 304 with an empty body, which is
what makes polling free of quota on real GitHub, so the sandbox must behave the same.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping

from ..util import Response, github_url, json_response

_ISSUE_PATH = re.compile(r"^/repos/([^/]+)/([^/]+)/issues/([0-9]+)$")


def handle(
    conn: sqlite3.Connection, method: str, path: str, headers: Mapping[str, str]
) -> Response:
    m = _ISSUE_PATH.match(path)
    if method != "GET" or not m:
        return _not_found()
    owner, repo, number = m.groups()
    key = f"{owner}/{repo}/{number}"
    row = conn.execute("SELECT * FROM github_issues WHERE lower(key) = lower(?)", (key,)).fetchone()
    if row is None:
        return _not_found()
    payload = {
        "number": int(number),
        "title": row["title"],
        "state": row["state"],
        "state_reason": "completed" if row["state"] == "closed" else None,
        "html_url": github_url(row["key"]),
        "updated_at": row["updated_at"],
        "closed_at": row["updated_at"] if row["state"] == "closed" else None,
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    extra = {"etag": etag, "x-ratelimit-limit": "60", "x-ratelimit-remaining": "59"}
    inm = headers.get("if-none-match", "")
    if etag in {t.strip() for t in inm.split(",")}:
        return 304, extra, b""
    return 200, {"content-type": "application/json; charset=utf-8", **extra}, body


def _not_found() -> Response:
    return json_response(
        404,
        {
            "message": "Not Found",
            "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue",
            "status": "404",
        },
    )
