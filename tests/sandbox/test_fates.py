"""The sandbox's surprises, switchable per issue: GitHub 301 (transferred) and 410 (deleted),
Linear's trash, Linear's RATELIMITED answers, and Linear's strict Authorization rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sandbox.github.fates import repository_id

from .conftest import START, FakeClock, gql

ISSUE = "/repos/acme/widgets/issues/123"
ISSUE_Q = "query($id: String!) { issue(id: $id) { id identifier trashed archivedAt } }"
BATCH_Q = """query($ids: [ID!], $arch: Boolean) {
  issues(filter: { id: { in: $ids } }, first: 50, includeArchived: $arch) {
    nodes { identifier trashed }
  }
}"""
SEARCH_Q = """query($term: String!, $arch: Boolean) {
  searchIssues(term: $term, first: 50, includeArchived: $arch) { nodes { identifier } }
}"""


@pytest.fixture
def github(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SandboxTransport(sb), base_url="https://api.github.com") as c:
        yield c


# ------------------------------------------------------------------ GitHub


def test_transferred_issue_answers_301_to_its_new_home_by_repository_id(
    github: httpx.Client, sb: Sandbox
) -> None:
    assert sb.transfer_github_issue("acme/widgets/123", "acme-labs/core/9") == {
        "external_id": "acme/widgets/123",
        "moved_to": "acme-labs/core/9",
    }
    moved = github.get(ISSUE)
    assert moved.status_code == 301
    new_home = f"https://api.github.com/repositories/{repository_id('acme-labs/core')}/issues/9"
    assert moved.headers["location"] == new_home
    assert moved.json()["message"] == "Moved Permanently"
    landed = github.get(new_home)
    assert landed.status_code == 200
    assert landed.json()["html_url"] == "https://github.com/acme-labs/core/issues/9"
    assert landed.json()["number"] == 9
    assert github.get("/repos/acme-labs/core/issues/9").json() == landed.json()
    assert github.get("/repositories/1/issues/9").status_code == 404


def test_a_second_transfer_sends_the_first_address_straight_to_the_last(
    github: httpx.Client, sb: Sandbox
) -> None:
    sb.transfer_github_issue("acme/widgets/123", "acme/mid/1")
    sb.transfer_github_issue("acme/mid/1", "acme/last/2")
    for old in (ISSUE, "/repos/acme/mid/issues/1"):
        location = github.get(old).headers["location"]
        assert location.endswith(f"/repositories/{repository_id('acme/last')}/issues/2")


def test_transfer_refuses_nonsense(sb: Sandbox) -> None:
    with pytest.raises(KeyError):
        sb.transfer_github_issue("acme/widgets/99999", "acme/x/1")
    with pytest.raises(ValueError, match="already exists"):
        sb.transfer_github_issue("acme/widgets/123", "acme/widgets/98")
    with pytest.raises(ValueError, match="owner/repo/number"):
        sb.transfer_github_issue("acme/widgets/123", "nope")


def test_deleted_issue_answers_410(github: httpx.Client, sb: Sandbox) -> None:
    etag = github.get(ISSUE).headers["etag"]
    assert sb.delete_github_issue("ACME/widgets/123")["state"] == "deleted"
    gone = github.get(ISSUE, headers={"If-None-Match": etag})
    assert gone.status_code == 410, "a deleted issue never answers 304"
    assert gone.json()["message"] == "This issue was deleted"
    with pytest.raises(KeyError):
        sb.delete_github_issue("acme/widgets/99999")


def test_served_301_points_back_at_the_served_sandbox(sb: Sandbox) -> None:
    from pylon_tui.sandbox import serve

    server = serve(sb)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sb.transfer_github_issue("acme/widgets/123", "acme-labs/core/9")
        with httpx.Client(base_url=base, timeout=5) as c:
            moved = c.get(f"/github{ISSUE}")
            assert moved.status_code == 301
            assert moved.headers["location"].startswith(f"{base}/github/repositories/")
            assert c.get(moved.headers["location"]).json()["number"] == 9
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ Linear's trash


def test_trashed_issue_is_answered_by_id_and_hidden_from_plain_lists(
    linear: httpx.Client, sb: Sandbox
) -> None:
    uuid = sb.linear_issue("ENG-12")["id"]
    assert sb.linear_issue("ENG-12")["trashed"] is None
    assert sb.trash_linear_issue("ENG-12")["trashed"] is True
    issue = gql(linear, ISSUE_Q, id="ENG-12").json()["data"]["issue"]
    assert issue["trashed"] is True
    assert issue["archivedAt"] == START.isoformat().replace("+00:00", "Z")
    plain = gql(linear, BATCH_Q, ids=[uuid], arch=False).json()["data"]["issues"]["nodes"]
    assert plain == []
    archived = gql(linear, BATCH_Q, ids=[uuid], arch=True).json()["data"]["issues"]["nodes"]
    assert archived == [{"identifier": "ENG-12", "trashed": True}]
    title = sb.linear_issue("ENG-12")["title"]
    found = gql(linear, SEARCH_Q, term=title, arch=False).json()["data"]["searchIssues"]
    assert "ENG-12" not in [n["identifier"] for n in found["nodes"]]


def test_trashed_issue_can_drop_out_of_archived_lists_too(
    linear: httpx.Client, sb: Sandbox
) -> None:
    uuid = sb.trash_linear_issue("ENG-12", listed=False)["id"]
    nodes = gql(linear, BATCH_Q, ids=[uuid], arch=True).json()["data"]["issues"]["nodes"]
    assert nodes == []
    assert gql(linear, ISSUE_Q, id=uuid).json()["data"]["issue"]["trashed"] is True


def test_trash_survives_a_restart_and_a_reseed_empties_it(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    with Sandbox(path, now=FakeClock()) as first:
        first.ensure_seeded(15)
        first.trash_linear_issue("ENG-12")
        first.delete_github_issue("acme/widgets/98")
    with Sandbox(path) as second:
        assert second.linear_issue("ENG-12")["trashed"] is True
        second.reseed(15)
        assert second.linear_issue("ENG-12")["trashed"] is None


# ------------------------------------------------------------------ RATELIMITED


@pytest.mark.parametrize("status", [400, 200, 429])
def test_ratelimited_answers_like_linear(linear: httpx.Client, sb: Sandbox, status: int) -> None:
    sb.linear_rate_limit(2, status=status, reset_in=90)
    for _ in range(2):
        r = gql(linear, ISSUE_Q, id="ENG-12")
        assert r.status_code == status
        error = r.json()["errors"][0]
        assert error["extensions"]["code"] == "RATELIMITED"
        assert "data" not in r.json()
        assert "retry-after" not in r.headers, "Linear names no Retry-After"
        reset_ms = int(r.headers["x-ratelimit-requests-reset"])
        assert reset_ms == int((START.timestamp() + 90) * 1000)
        assert r.headers["x-ratelimit-requests-remaining"] == "0"
    assert gql(linear, ISSUE_Q, id="ENG-12").status_code == 200, "only the next N"


def test_ratelimited_refuses_statuses_linear_does_not_use(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="RATELIMITED"):
        sb.linear_rate_limit(status=503)


# ------------------------------------------------------------------ Linear auth


@pytest.mark.parametrize(
    ("key", "header", "ok"),
    [
        ("lin_api_personal1234", "lin_api_personal1234", True),
        ("lin_api_personal1234", "Bearer lin_api_personal1234", False),
        ("lin_oauth_token1234", "Bearer lin_oauth_token1234", True),
        ("lin_oauth_token1234", "lin_oauth_token1234", False),
        ("lin_oauth_token1234", "Bearer lin_oauth_other", False),
    ],
)
def test_linear_takes_each_kind_of_key_only_in_its_own_form(
    key: str, header: str, ok: bool
) -> None:
    sandbox = Sandbox(":memory:", now=FakeClock(), linear_key=key)
    sandbox.ensure_seeded(10)
    try:
        transport = SandboxTransport(sandbox)
        with httpx.Client(transport=transport, base_url="https://api.linear.app") as c:
            r = c.post(
                "/graphql",
                json={"query": ISSUE_Q, "variables": {"id": "ENG-1"}},
                headers={"Authorization": header},
            )
        assert (r.status_code == 200) is ok, r.text
        if not ok:
            assert r.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"
    finally:
        sandbox.close()
