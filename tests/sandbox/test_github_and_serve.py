"""GitHub ETag polling, the loopback HTTP server, and host routing."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport, serve

from . import openapi_check


@pytest.fixture
def github(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SandboxTransport(sb), base_url="https://api.github.com") as c:
        yield c


def test_github_issue_and_etag(github: httpx.Client, sb: Sandbox) -> None:
    r = github.get("/repos/acme/widgets/issues/123")
    assert r.status_code == 200
    body = r.json()
    assert body["number"] == 123
    assert body["state"] == "open"
    assert body["html_url"] == "https://github.com/acme/widgets/issues/123"
    assert body["title"]
    etag = r.headers["ETag"]
    cached = github.get("/repos/acme/widgets/issues/123", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.content == b""
    assert sb.close_github_issue("acme/widgets/123") == {
        "external_id": "acme/widgets/123",
        "state": "closed",
    }
    fresh = github.get("/repos/acme/widgets/issues/123", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["state"] == "closed"
    assert fresh.headers["ETag"] != etag
    assert github.get("/repos/acme/widgets/issues/99999").status_code == 404
    with pytest.raises(KeyError):
        sb.close_github_issue("acme/widgets/99999")


def test_unknown_host_is_refused(sb: Sandbox) -> None:
    status, _, body = sb.handle("GET", "https://example.com/me", {}, b"")
    assert status == 404
    assert b"example.com" in body


@pytest.fixture
def server(sb: Sandbox) -> Iterator[ThreadingHTTPServer]:
    srv = serve(sb)
    yield srv
    srv.shutdown()
    srv.server_close()


def test_served_over_loopback(server: ThreadingHTTPServer) -> None:
    host, port = server.server_address[0], server.server_address[1]
    assert host == "127.0.0.1"
    assert port > 0
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=5) as c:
        flt = {"field": "state", "operator": "equals", "value": "on_hold"}
        r = c.post("/issues/search", json={"filter": flt, "limit": 3})
        assert r.status_code == 200
        assert len(r.json()["data"]) == 3
        openapi_check.validate_response("POST", "/issues/search", 200, r.json())
        g = c.post("/graphql", json={"query": '{ issue(id: "ENG-12") { identifier } }'})
        assert g.json() == {"data": {"issue": {"identifier": "ENG-12"}}}
        gh = c.get("/github/repos/acme/widgets/issues/123")
        assert gh.status_code == 200
        assert gh.headers["etag"]
        missing = c.get("/issues/424242")
        assert missing.status_code == 404
        assert missing.json()["errors"]


async def test_served_with_async_client(server: ThreadingHTTPServer) -> None:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    async with httpx.AsyncClient(base_url=base, timeout=5) as c:
        r = await c.get("/issue-statuses")
        assert r.status_code == 200
        assert len(r.json()["data"]) >= 7


def test_serve_refuses_non_loopback(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(sb, host="0.0.0.0")


def test_file_backed_sandbox_persists(tmp_path: object, clock: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "nested" / "sandbox.db"
    with Sandbox(path) as first:
        assert first.ensure_seeded(15)
        ident = first.close_linear_issue("ENG-12")["id"]
    with Sandbox(path) as second:
        assert not second.ensure_seeded(15)
        assert second.ticket_count() == 15
        assert second.linear_issue(ident)["state"]["type"] == "completed"


def test_concurrent_requests_are_serialised_safely(server: ThreadingHTTPServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    base = f"http://127.0.0.1:{server.server_address[1]}"
    flt = {"field": "state", "operator": "equals", "value": "new"}
    with httpx.Client(base_url=base, timeout=10) as c:
        targets = c.post("/issues/search", json={"filter": flt}).json()["data"]

        def work(i: int) -> int:
            issue = targets[i % len(targets)]
            c.patch(f"/issues/{issue['id']}", json={"tags": [f"t{i}"]})
            return c.post("/issues/search", json={"filter": flt, "limit": 999}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(work, range(40))) == {200}
