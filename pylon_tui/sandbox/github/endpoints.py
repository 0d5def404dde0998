"""GitHub REST: just GET /repos/{owner}/{repo}/issues/{number} with ETag revalidation.

The link watcher polls these; a matching If-None-Match gets 304 with an empty body, which is
what makes polling free of quota on real GitHub, so the sandbox must behave the same.

Issues can also meet GitHub's two surprises (see fates.py): a transferred issue answers
`301 Moved Permanently` pointing at `/repositories/{id}/issues/{number}` (GitHub names the new
home by repository id, not by name), and a deleted one answers `410 Gone`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping

from ..util import Response, github_url, json_response
from . import fates

_ISSUE_PATH = re.compile(r"^/repos/([^/]+)/([^/]+)/issues/([0-9]+)$")
_BY_REPO_ID = re.compile(r"^/repositories/([0-9]+)/issues/([0-9]+)$")
API_HOST = "api.github.com"
DOCS = "https://docs.github.com/rest/issues/issues#get-an-issue"


def handle(
    conn: sqlite3.Connection, method: str, path: str, headers: Mapping[str, str]
) -> Response:
    if method != "GET":
        return _not_found()
    key = _key_for(conn, path)
    if key is None:
        return _not_found()
    row = conn.execute("SELECT * FROM github_issues WHERE lower(key) = lower(?)", (key,)).fetchone()
    if row is None:
        moved_to = fates.moved_to(conn, key)
        return _moved(moved_to, headers) if moved_to else _not_found()
    if row["state"] == fates.DELETED:
        return _gone()
    number = int(row["key"].rsplit("/", 1)[1])
    # Stored "closed", or "closed:not_planned" / "closed:duplicate" for GitHub's other reasons.
    state, _, reason = str(row["state"]).partition(":")
    closed = state == "closed"
    payload = {
        "number": number,
        "title": row["title"],
        "state": state,
        "state_reason": (reason or "completed") if closed else None,
        "html_url": github_url(row["key"]),
        "updated_at": row["updated_at"],
        "closed_at": row["updated_at"] if closed else None,
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    extra = {"etag": etag, "x-ratelimit-limit": "60", "x-ratelimit-remaining": "59"}
    inm = headers.get("if-none-match", "")
    if etag in {t.strip() for t in inm.split(",")}:
        return 304, extra, b""
    return 200, {"content-type": "application/json; charset=utf-8", **extra}, body


def _key_for(conn: sqlite3.Connection, path: str) -> str | None:
    """`owner/repo/number` for either URL form GitHub answers on."""
    m = _ISSUE_PATH.match(path)
    if m:
        owner, repo, number = m.groups()
        return f"{owner}/{repo}/{int(number)}"
    m = _BY_REPO_ID.match(path)
    if m:
        repo = fates.repository_by_id(conn, int(m.group(1)))
        return f"{repo}/{int(m.group(2))}" if repo else None
    return None


def _moved(key: str, headers: Mapping[str, str]) -> Response:
    """GitHub's answer for a transferred issue: the new home by repository id.

    The Location is absolute like GitHub's; on the loopback server it names the same server
    (under /github), so a client that follows same-host redirects reaches it.
    """
    owner_repo, number = key.rsplit("/", 1)
    host = headers.get("host", API_HOST)
    base = "https://api.github.com" if host == API_HOST else f"http://{host}/github"
    url = f"{base}/repositories/{fates.repository_id(owner_repo)}/issues/{number}"
    body = {"message": "Moved Permanently", "url": url, "documentation_url": DOCS}
    return json_response(301, body, {"location": url})


def _gone() -> Response:
    return json_response(
        410, {"message": "This issue was deleted", "documentation_url": DOCS, "status": "410"}
    )


def _not_found() -> Response:
    return json_response(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})
