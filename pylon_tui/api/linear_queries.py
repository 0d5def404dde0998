"""The fixed GraphQL documents LinearClient sends, validated against the schema in tests.

Documents are constants (never built from user input; values travel as variables) so the
contract test can prove each one valid against `linear-schema.graphql`, and named operations
make them easy to spot in Linear's API logs.
"""

from __future__ import annotations

# Selected on both Issue and IssueSearchResult (searchIssues returns the latter), so it is
# spliced in textually rather than as a fragment bound to one type.
ISSUE_FIELDS = """
    id
    identifier
    title
    url
    description
    state { name type }
    team { id key name }
    trashed
"""

# What the link watcher reads for every linked issue on every poll, and no more: the card shows
# the state, the auto-return note names the identifier, and `trashed` counts as closed. Titles,
# descriptions and teams would only add bytes (and complexity points) to each poll.
# Issue 15 adds what the fix-ready reply, the grouped On Hold view and the duplicate hand-off
# need: the title, the assignee, the first release, and (for a duplicate) the issue it
# duplicates. `first` is explicit and small to keep each batch's complexity well under 10,000.
WATCH_FIELDS = """
      id
      identifier
      title
      state { name type }
      trashed
      assignee { name }
      releases(first: 1) { nodes { name } }
      relations(first: 3) {
        nodes { type relatedIssue { id identifier title url state { name type } } }
      }
"""

ISSUE = (
    """
query PylonTuiIssue($id: String!) {
  issue(id: $id) {"""
    + ISSUE_FIELDS
    + """  }
}
"""
)

ISSUES_BY_IDS = (
    """
query PylonTuiIssuesByIds($ids: [ID!]!, $first: Int!) {
  issues(filter: { id: { in: $ids } }, first: $first, includeArchived: true) {
    nodes {"""
    + WATCH_FIELDS
    + """    }
  }
}
"""
)

SEARCH_ISSUES = (
    """
query PylonTuiSearchIssues($term: String!, $first: Int!) {
  searchIssues(term: $term, first: $first) {
    nodes {"""
    + ISSUE_FIELDS
    + """    }
  }
}
"""
)

CREATE_ISSUE = (
    """
mutation PylonTuiCreateIssue(
  $id: String, $teamId: String!, $title: String!, $description: String
) {
  issueCreate(input: { id: $id, teamId: $teamId, title: $title, description: $description }) {
    success
    issue {"""
    + ISSUE_FIELDS
    + """    }
  }
}
"""
)

TEAMS = """
query PylonTuiTeams($first: Int!, $after: String) {
  teams(first: $first, after: $after) {
    nodes { id key name }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ALL_DOCUMENTS: dict[str, str] = {
    "PylonTuiIssue": ISSUE,
    "PylonTuiIssuesByIds": ISSUES_BY_IDS,
    "PylonTuiSearchIssues": SEARCH_ISSUES,
    "PylonTuiCreateIssue": CREATE_ISSUE,
    "PylonTuiTeams": TEAMS,
}
