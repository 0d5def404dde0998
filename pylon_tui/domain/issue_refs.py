"""What a user may paste to name an engineering issue, read by one pure parser.

The hold dialog and `pylon-tui move --link` both accept a Linear issue (URL, identifier such as
ENG-123, or UUID) or a GitHub issue (https://github.com/owner/repo/issues/12 or owner/repo#12).
Parsing lives here, free of I/O, so both accept exactly the same text, refuse the same text with
the same words, and a property test can throw arbitrary input at it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from .safe_text import one_line

LINEAR = "linear"
GITHUB = "github"
SHOWN_CHARS = 60  # how much of a refused input the error message repeats

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,19}-[0-9]{1,9}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")
_LINEAR_PATH = re.compile(rf"/[^/]+/issue/({_IDENTIFIER.pattern})(?:/.*)?")
# GitHub's own rules: owners are alphanumerics and hyphens (<= 39 chars), repositories
# alphanumerics, '.', '_' and '-' (<= 100 chars, never '.' or '..').
_OWNER = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}"
_REPO = r"[A-Za-z0-9._-]{1,100}"
_NUMBER = r"[1-9][0-9]{0,9}"
_GITHUB_PATH = re.compile(rf"/({_OWNER})/({_REPO})/(issues|pull|pulls)/({_NUMBER})(?:/.*)?")
_GITHUB_SHORT = re.compile(rf"({_OWNER})/({_REPO})#({_NUMBER})")
_GITHUB_HOSTS = frozenset({"github.com", "www.github.com"})
_LINEAR_HOSTS = frozenset({"linear.app", "www.linear.app"})


class IssueRefError(ValueError):
    """Text that names no Linear or GitHub issue; the message says what would."""


@dataclass(frozen=True, slots=True)
class IssueRef:
    """A parsed reference. `key` is what the service looks the issue up by: for Linear an
    identifier (ENG-123) or a lowercase UUID, for GitHub `Owner/Repo/Number` (the form
    Pylon's GitHub `external_id` uses)."""

    source: str
    key: str

    @property
    def label(self) -> str:
        """How to name it to the user: ENG-123, or owner/repo#12."""
        if self.source == GITHUB:
            owner, repo, number = self.key.split("/")
            return f"{owner}/{repo}#{number}"
        return self.key


def parse_issue_ref(text: str) -> IssueRef:
    """A Linear or GitHub issue reference, or IssueRefError saying what is accepted."""
    raw = text.strip()
    if not raw:
        raise IssueRefError("enter a Linear issue (URL, ENG-123 or UUID) or a GitHub issue URL")
    host = _hostname(raw)
    if host in _GITHUB_HOSTS or _GITHUB_SHORT.fullmatch(raw):
        return IssueRef(GITHUB, parse_github_issue(raw))
    if host in _LINEAR_HOSTS or "/" not in raw:
        return IssueRef(LINEAR, parse_linear_issue(raw))
    raise IssueRefError(
        f"'{_shown(raw)}' is not a Linear issue (URL, ENG-123 or UUID) "
        "or a GitHub issue URL (https://github.com/owner/repo/issues/12)"
    )


def parse_linear_issue(text: str) -> str:
    """URL or `eng-123` -> `ENG-123`; a UUID (with or without dashes) -> lowercase UUID."""
    raw = text.strip()
    if not raw:
        raise IssueRefError("enter a Linear issue URL, identifier (like ENG-123) or UUID")
    if "/" in raw:
        parts = _split(raw)
        match = _LINEAR_PATH.fullmatch(parts.path) if parts is not None else None
        if match is None or _hostname(raw) not in _LINEAR_HOSTS:
            raise IssueRefError(
                f"'{_shown(raw)}' is not a Linear issue link "
                "(expected https://linear.app/<workspace>/issue/ENG-123/...)"
            )
        return match.group(1).upper()
    if _IDENTIFIER.fullmatch(raw):
        return raw.upper()
    if _UUID.fullmatch(raw):
        return str(uuid.UUID(raw))
    raise IssueRefError(f"'{_shown(raw)}' is not a Linear issue URL, identifier (ENG-123) or UUID")


def parse_github_issue(text: str) -> str:
    """A GitHub issue URL or `owner/repo#12` -> `Owner/Repo/Number`.

    Only issues: a pull request URL is refused with the reason, since what goes On Hold waits
    for an engineering issue (and Pylon links issues, not pull requests)."""
    raw = text.strip()
    short = _GITHUB_SHORT.fullmatch(raw)
    if short and short.group(2) not in (".", ".."):
        return f"{short.group(1)}/{short.group(2)}/{int(short.group(3))}"
    parts = _split(raw)
    match = _GITHUB_PATH.fullmatch(parts.path) if parts is not None else None
    if match is None or _hostname(raw) not in _GITHUB_HOSTS or match.group(2) in (".", ".."):
        raise IssueRefError(
            f"'{_shown(raw)}' is not a GitHub issue link "
            "(expected https://github.com/owner/repo/issues/12)"
        )
    owner, repo, kind, number = match.groups()
    if kind != "issues":
        raise IssueRefError(
            f"'{_shown(raw)}' is a pull request: link the GitHub issue it fixes instead"
        )
    return f"{owner}/{repo}/{int(number)}"


def _split(raw: str) -> SplitResult | None:
    """The URL's parts (a bare `host/path` is read as https); None if it is no http(s) URL."""
    try:
        parts = urlsplit(raw if "://" in raw else f"https://{raw}")
        _ = parts.port  # parsed lazily: a malformed port raises only when read
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    return parts


def _hostname(raw: str) -> str:
    parts = _split(raw) if "/" in raw else None
    return (parts.hostname or "").lower() if parts is not None else ""


def _shown(raw: str) -> str:
    """The refused input as one plain line, short enough for a status line."""
    text = one_line(raw)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."
