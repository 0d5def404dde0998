"""GitHubClient: just enough to tell whether a linked GitHub issue is still open.

The link watcher polls every On Hold ticket's issue, so each issue's ETag is remembered and
sent back as If-None-Match: GitHub answers an unchanged issue with a 304 that costs no rate
limit quota, and we reuse what we parsed last time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx

from pylon_tui.domain import IssueStateType, LinkedIssue
from pylon_tui.domain.links import github_ref_from_url
from pylon_tui.domain.safe_text import one_line

from .auth import token_auth
from .errors import (
    ApiError,
    AuthError,
    BadResponseError,
    CallerError,
    NotFoundError,
    error_for_status,
)
from .httpkit import USER_AGENT, HttpClientBase, decode_json, guarded, header_request_id, send
from .secrecy import Secrets
from .waits import RETRY_HEADERS, clamp_wait, server_wait
from .wire import clean_text

SERVICE = "GitHub"
DEFAULT_WAIT = 60.0  # after a rate limit that names no reset time
GITHUB_API = "https://api.github.com"
AUTH_HINT = "check github.token in config.toml (a token with read access to the repository)"
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 307, 308})
_PLAIN = re.compile(r"([\w.-]+)/([\w.-]+)(?:/|#)(\d+)")


class GitHubRefError(CallerError):
    """Input that is not an issue URL, `Owner/Repo/Number` or `owner/repo#12`."""


def parse_github_ref(text: str) -> tuple[str, str, int]:
    raw = text.strip()
    plain = github_ref_from_url(raw) if "github.com" in raw.lower() else raw
    match = _PLAIN.fullmatch(plain or "")
    if not match:
        raise GitHubRefError(
            f"'{raw[:60]}' is not a GitHub issue URL or Owner/Repo/Number (like acme/api/42)"
        )
    return match.group(1), match.group(2), int(match.group(3))


class GitHubClient(HttpClientBase):
    _service = SERVICE

    def __init__(
        self,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url: str = GITHUB_API,
        timeout: float = 15.0,
        user_agent: str = USER_AGENT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": user_agent,
        }
        self.base_url = base_url.rstrip("/")
        self._secrets = Secrets((token,))
        self._clock = clock
        self._cache: dict[str, tuple[str, LinkedIssue]] = {}
        self._moved: dict[str, str] = {}
        self._configure(
            base_url=self.base_url,
            headers=headers,
            auth=token_auth(token),
            transport=transport,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"GitHubClient(base_url={self.base_url!r})"

    @guarded
    async def issue_state(self, ref: str) -> LinkedIssue:
        """URL or `Owner/Repo/Number` -> the issue (open -> started, closed -> completed).

        A transferred issue answers 301: followed on the same host only (the Authorization
        header must never travel to another host), and remembered, so later polls go straight
        to where it lives now. A deleted one answers 410: it counts as closed, flagged deleted.
        """
        owner, repo, number = parse_github_ref(ref)
        path = f"/repos/{owner}/{repo}/issues/{number}"
        external_id, identifier = f"{owner}/{repo}/{number}", f"{owner}/{repo}#{number}"
        cached = self._cache.get(path)
        headers = {"If-None-Match": cached[0]} if cached else {}
        response, redirected = await self._get(self._moved.get(path, path), headers)
        if response.status_code == 304 and cached:
            return cached[1]
        if response.status_code == 410:
            self._cache.pop(path, None)
            return _deleted(external_id, identifier)
        if response.status_code != 200:
            self._moved.pop(path, None)  # the new home may be gone too: start over next time
            raise self._error(response)
        if redirected:
            self._moved[path] = str(response.request.url)
        body = decode_json(response, service=SERVICE, secrets=self._secrets)
        issue = _issue(body, external_id, identifier)
        etag = response.headers.get("etag")
        if etag:
            self._cache[path] = (etag, issue)
        return issue

    @guarded
    async def issue(self, ref: str) -> LinkedIssue | None:
        """The issue for the hold dialog and `move --link`, or None when GitHub has no such
        issue (or the token cannot see it: private repositories answer 404 too)."""
        try:
            return await self.issue_state(ref)
        except NotFoundError:
            return None

    async def _get(self, target: str, headers: dict[str, str]) -> tuple[httpx.Response, bool]:
        """The final answer, and whether it came from following a redirect."""
        request = self._http.build_request("GET", target, headers=headers)
        for hop in range(MAX_REDIRECTS + 1):
            response = await send(self._http, request, service=SERVICE, secrets=self._secrets)
            if response.status_code not in _REDIRECTS:
                return response, hop > 0
            request = self._http.build_request(
                "GET", self._redirect_target(response), headers=headers
            )
        raise BadResponseError(
            f"GitHub redirected more than {MAX_REDIRECTS} times", service=SERVICE
        )

    def _redirect_target(self, response: httpx.Response) -> httpx.URL:
        """Where a redirect points, if it stays on the host we asked (else refused)."""
        asked = response.request.url
        location = response.headers.get("location")
        if not location:
            raise BadResponseError("GitHub redirected without a Location", service=SERVICE)
        try:
            target = asked.join(location)
        except httpx.InvalidURL:
            target = None
        if target is None or (target.scheme, target.host, target.port) != (
            asked.scheme,
            asked.host,
            asked.port,
        ):
            where = one_line(target.host if target is not None else location)[:80]
            raise BadResponseError(
                f"GitHub redirected to another host ({where}); not followed",
                service=SERVICE,
                hint="the token is only ever sent to the configured GitHub API host",
                secrets=self._secrets,
            )
        return target

    def _error(self, response: httpx.Response) -> ApiError:
        status = response.status_code
        try:
            body = decode_json(response, service=SERVICE, secrets=self._secrets)
        except BadResponseError:
            body = None
        message = body.get("message") if isinstance(body, dict) else None
        messages = [message] if isinstance(message, str) else []
        headers = response.headers
        exhausted = headers.get("x-ratelimit-remaining") == "0"
        asked_to_wait = any(headers.get(name) for name in RETRY_HEADERS)
        retry = None
        if status in (403, 429) and (exhausted or asked_to_wait or status == 429):
            # GitHub sends x-ratelimit-reset (epoch seconds) on every reply; it only means
            # "wait" once the reply is a rate limit, which GitHub often signals as a 403.
            retry = clamp_wait(server_wait(headers, self._clock()), DEFAULT_WAIT)
            status = 429
        error = error_for_status(
            status,
            messages,
            service=SERVICE,
            request_id=header_request_id(response),
            retry_after=retry,
            secrets=self._secrets,
        )
        error.status = response.status_code
        if isinstance(error, AuthError) and status == 401:
            error.hint = AUTH_HINT
        return error


def _issue(body: object, external_id: str, identifier: str) -> LinkedIssue:
    """The issue as GitHub describes it; named by its html_url, which is where it lives now
    (a transferred issue has a new repository and number; `external_id` stays as linked)."""
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise BadResponseError("GitHub issue response has no 'state'", service=SERVICE)
    state = clean_text(str(body["state"]))
    title, url = body.get("title"), body.get("html_url")
    html_url = clean_text(url) if isinstance(url, str) else None
    now_at = github_ref_from_url(html_url) if html_url else None
    if now_at:
        owner, repo, number = now_at.split("/")
        identifier = f"{owner}/{repo}#{number}"
    return LinkedIssue(
        source="github",
        external_id=external_id,
        identifier=identifier,
        title=clean_text(title) if isinstance(title, str) else "",
        state_name=_state_name(state, body.get("state_reason")),
        state_type=_state_type(state, body.get("state_reason")),
        url=html_url or _html_url(external_id),
    )


def _state_type(state: str, reason: object) -> IssueStateType:
    """Closed as completed is a fix; closed as not planned or as a duplicate is not (issue
    15). GitHub adds reasons over time: an unknown one reads as completed, as before."""
    if state != "closed":
        return IssueStateType.STARTED
    if reason == "not_planned":
        return IssueStateType.CANCELED
    if reason == "duplicate":
        return IssueStateType.DUPLICATE
    return IssueStateType.COMPLETED


def _state_name(state: str, reason: object) -> str:
    if state == "closed" and reason in ("not_planned", "duplicate"):
        return "closed (not planned)" if reason == "not_planned" else "closed (duplicate)"
    return state


def _deleted(external_id: str, identifier: str) -> LinkedIssue:
    return LinkedIssue(
        source="github",
        external_id=external_id,
        identifier=identifier,
        title="",
        state_name="deleted",
        state_type=IssueStateType.CANCELED,
        url=_html_url(external_id),
        deleted=True,
    )


def _html_url(external_id: str) -> str:
    owner, repo, number = external_id.split("/")
    return f"https://github.com/{owner}/{repo}/issues/{number}"
