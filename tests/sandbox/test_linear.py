"""Linear GraphQL emulation: lookups, batch, duplicate search, create, close, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pylon_tui.sandbox import Sandbox, SandboxTransport
from pylon_tui.sandbox.linear.schema import TYPES

from . import openapi_check
from .conftest import FakeClock, gql

ISSUE_FIELDS = """
  id identifier title url description createdAt updatedAt completedAt canceledAt
  state { id name type } team { id key name }
"""
ISSUE_Q = f"query Issue($id: String!) {{ issue(id: $id) {{ {ISSUE_FIELDS} }} }}"
BATCH_Q = f"""query Watch($ids: [ID!]) {{
  issues(filter: {{ id: {{ in: $ids }} }}, first: 100) {{ nodes {{ {ISSUE_FIELDS} }} }}
}}"""
SEARCH_Q = """query Dupes($term: String!, $first: Int) {
  searchIssues(term: $term, first: $first) {
    nodes { id identifier title url state { type name } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""
CREATE_Q = f"""mutation Create($input: IssueCreateInput!) {{
  issueCreate(input: $input) {{ success issue {{ {ISSUE_FIELDS} }} }}
}}"""


def test_issue_by_identifier_and_uuid(linear: httpx.Client) -> None:
    r = gql(linear, ISSUE_Q, id="ENG-12")
    assert r.status_code == 200
    issue = r.json()["data"]["issue"]
    assert issue["identifier"] == "ENG-12"
    assert issue["url"].startswith("https://linear.app/sandbox/issue/ENG-12/scheduled-report")
    assert issue["state"]["type"] == "unstarted"
    assert issue["team"]["key"] == "ENG"
    assert issue["completedAt"] is None
    assert set(issue) == {
        "id",
        "identifier",
        "title",
        "url",
        "description",
        "createdAt",
        "updatedAt",
        "completedAt",
        "canceledAt",
        "state",
        "team",
    }
    by_uuid = gql(linear, ISSUE_Q, id=issue["id"]).json()["data"]["issue"]
    assert by_uuid == issue
    assert gql(linear, ISSUE_Q, id="eng-12").json()["data"]["issue"]["id"] == issue["id"]


def test_issue_not_found_error_shape(linear: httpx.Client) -> None:
    r = gql(linear, ISSUE_Q, id="ENG-9999")
    assert r.status_code == 200
    body = r.json()
    assert body["data"] is None
    err = body["errors"][0]
    assert err["message"] == "Entity not found: Issue"
    assert err["extensions"]["code"] == "INVALID_INPUT"
    assert err["path"] == ["issue"]


def test_batched_lookup_by_uuid(linear: httpx.Client, sb: Sandbox) -> None:
    ids = [sb.linear_issue(i)["id"] for i in ("ENG-12", "ENG-13", "PLAT-2")]
    nodes = gql(linear, BATCH_Q, ids=[*ids, "00000000-0000-4000-8000-000000000000"])
    got = {n["identifier"]: n["state"]["type"] for n in nodes.json()["data"]["issues"]["nodes"]}
    assert got == {"ENG-12": "unstarted", "ENG-13": "completed", "PLAT-2": "started"}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("SSO login loop with Okta", {"ENG-1", "ENG-5"}),
        ("Can't log in with Okta SSO, stuck in a redirect loop", {"ENG-1", "ENG-5"}),
        ("Slack alerts duplicated", {"ENG-9", "ENG-10"}),
        ("iOS app crashes on launch", {"MOBILE-1", "MOBILE-2"}),
    ],
)
def test_search_ranks_near_duplicates_first(
    linear: httpx.Client, term: str, expected: set[str]
) -> None:
    r = gql(linear, SEARCH_Q, term=term, first=5)
    payload = r.json()["data"]["searchIssues"]
    top = [n["identifier"] for n in payload["nodes"]]
    assert set(top[:2]) == expected, top
    assert payload["totalCount"] >= 2


def test_search_paging_and_identifier(linear: httpx.Client) -> None:
    first = gql(linear, SEARCH_Q, term="login", first=1).json()["data"]["searchIssues"]
    assert len(first["nodes"]) == 1
    assert first["pageInfo"]["hasNextPage"]
    exact = gql(linear, SEARCH_Q, term="PLAT-9", first=3).json()["data"]["searchIssues"]
    assert exact["nodes"][0]["identifier"] == "PLAT-9"


def test_create_then_find_and_close(linear: httpx.Client, sb: Sandbox) -> None:
    teams_q = "{ teams { nodes { id key name states { nodes { name type } } } } }"
    teams = gql(linear, teams_q).json()["data"]["teams"]["nodes"]
    assert [t["key"] for t in teams] == ["ENG", "PLAT", "MOBILE"]
    types = {s["type"] for s in teams[0]["states"]["nodes"]}
    assert types == {
        "triage",
        "backlog",
        "unstarted",
        "started",
        "completed",
        "canceled",
        "duplicate",
    }
    client_key = "7d8f0a52-3c1e-4b7a-9f62-1a2b3c4d5e6f"
    inp = {
        "teamId": teams[1]["id"],
        "title": "Customer: exports stall",
        "description": "From Pylon #12",
        "id": client_key,
    }
    r = gql(linear, CREATE_Q, input=inp).json()["data"]["issueCreate"]
    assert r["success"] is True
    issue = r["issue"]
    assert issue["id"] == client_key
    assert issue["identifier"] == "PLAT-13"
    assert issue["state"]["type"] == "backlog"
    assert issue["description"] == "From Pylon #12"
    # A replayed create with the same client key is refused, so it never duplicates.
    dup = gql(linear, CREATE_Q, input=inp).json()
    assert dup["data"] is None
    assert "already exists" in dup["errors"][0]["message"]
    bad_team = gql(linear, CREATE_Q, input={**inp, "id": None, "teamId": "nope"}).json()
    assert bad_team["errors"][0]["message"] == "Entity not found: Team"
    closed = sb.close_linear_issue("PLAT-13")
    assert closed["state"]["type"] == "completed"
    assert closed["completedAt"]
    again = gql(linear, ISSUE_Q, id=client_key).json()["data"]["issue"]
    assert again["state"]["type"] == "completed"
    assert again["completedAt"] == closed["completedAt"]
    canceled = sb.close_linear_issue("ENG-12", state_type="canceled")
    assert canceled["state"]["type"] == "canceled"
    assert canceled["canceledAt"]
    with pytest.raises(KeyError):
        sb.close_linear_issue("ENG-404")


def test_projection_aliases_fragments_typename(linear: httpx.Client) -> None:
    q = """
    query {
      a: issue(id: "ENG-1") {
        ...F extra: title __typename state { ... on WorkflowState { type } }
      }
      viewer { id }
    }
    fragment F on Issue { identifier }
    """
    data = gql(linear, q).json()["data"]
    assert data["a"] == {
        "identifier": "ENG-1",
        "extra": "SSO login loop with Okta",
        "__typename": "Issue",
        "state": {"type": "started"},
    }
    assert set(data["viewer"]) == {"id"}


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ('{ issue(id: "ENG-1") { id bogus } }', {}, "GRAPHQL_VALIDATION_FAILED"),
        ('{ issue(id: "ENG-1") { state } }', {}, "GRAPHQL_VALIDATION_FAILED"),
        ("{ issue(id: ", {}, "GRAPHQL_PARSE_FAILED"),
        (ISSUE_Q, {}, "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_validation_errors_are_400(
    linear: httpx.Client, query: str, variables: dict[str, str], code: str
) -> None:
    r = linear.post("/graphql", json={"query": query, "variables": variables})
    assert r.status_code == 400
    assert r.json()["errors"][0]["extensions"]["code"] == code


def test_mutation_is_not_run_when_invalid(linear: httpx.Client, sb: Sandbox) -> None:
    team = sb.linear_issue("ENG-1")["team"]["id"]
    inp = f'{{teamId: "{team}", title: "zzqq probe"}}'
    q = f"mutation {{ issueCreate(input: {inp}) {{ success nope }} }}"
    assert linear.post("/graphql", json={"query": q}).status_code == 400
    assert (
        gql(linear, SEARCH_Q, term="zzqq", first=50).json()["data"]["searchIssues"]["totalCount"]
        == 0
    )


def test_linear_auth(clock: FakeClock) -> None:
    with Sandbox(":memory:", now=clock, required_token="tok", linear_key="lin_api_k") as sb:
        sb.ensure_seeded(5)
        with httpx.Client(transport=SandboxTransport(sb), base_url="https://api.linear.app") as c:
            q = {"query": "{ viewer { id } }"}
            assert (
                c.post("/graphql", json=q, headers={"Authorization": "lin_api_k"}).status_code
                == 200
            )
            bearer = c.post("/graphql", json=q, headers={"Authorization": "Bearer lin_api_k"})
            assert bearer.status_code == 401
            assert bearer.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"
            assert "Bearer" in bearer.json()["errors"][0]["message"]
            assert c.post("/graphql", json=q).status_code == 401


@pytest.fixture(scope="module")
def linear_schema() -> Any:
    graphql = pytest.importorskip("graphql")
    path = openapi_check.linear_schema_path()
    if path is None:
        pytest.skip("linear-schema.graphql not available")
    return graphql.build_schema(path.read_text())


def test_type_map_matches_linear_schema(linear_schema: Any) -> None:
    graphql = pytest.importorskip("graphql")
    schema = linear_schema
    for type_name, fields in TYPES.items():
        gql_type = schema.get_type(type_name)
        assert gql_type is not None, type_name
        for field_name, child in fields.items():
            assert field_name in gql_type.fields, f"{type_name}.{field_name}"
            named = graphql.get_named_type(gql_type.fields[field_name].type)
            if child is not None:
                assert named.name == child, f"{type_name}.{field_name}: {named.name} != {child}"
            else:
                assert graphql.is_leaf_type(named), f"{type_name}.{field_name} is not a scalar"


def test_test_documents_validate_against_schema(linear_schema: Any) -> None:
    graphql = pytest.importorskip("graphql")
    schema = linear_schema
    for doc in (ISSUE_Q, BATCH_Q, SEARCH_Q, CREATE_Q):
        assert graphql.validate(schema, graphql.parse(doc)) == []
